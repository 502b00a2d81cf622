// OpenAPI and the route schemas: every route declares its responses, /openapi.json is a valid
// OpenAPI 3.1 document covering every route, /docs renders it without a script, and no response
// schema drops or alters a field (Fastify serializes through them: a property a schema forgets
// silently vanishes from the response).
import { isDeepStrictEqual } from 'node:util';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, SEED_EVENT, type TestApp } from './helpers.js';

interface SeenRoute {
  method: string;
  url: string;
  options: RouteOptions;
}

const routes: SeenRoute[] = [];
/** Responses whose serialized body differed from the handler's payload, as "METHOD url status". */
const altered: { route: string; expected: unknown; sent: unknown }[] = [];
let compared = 0;

/** Records every route, and wraps it so each JSON response is checked against its raw payload. */
function observeRoute(options: RouteOptions): void {
  for (const method of [options.method].flat()) routes.push({ method, url: options.url, options });
  const raw = new WeakMap<object, unknown>();
  const before = async (request: { raw: object }, _reply: unknown, payload: unknown) => {
    raw.set(request.raw, JSON.parse(JSON.stringify(payload)));
    return payload;
  };
  const after = async (
    request: { raw: object; method: string; url: string },
    reply: { statusCode: number; getHeader(name: string): unknown },
    payload: unknown,
  ) => {
    const expected = raw.get(request.raw);
    if (expected !== undefined && typeof payload === 'string') {
      compared += 1;
      const sent = JSON.parse(payload);
      if (!isDeepStrictEqual(sent, expected)) {
        altered.push({ route: `${request.method} ${request.url} ${reply.statusCode}`, expected, sent });
      }
    }
    return payload;
  };
  options.preSerialization = [before, ...[options.preSerialization ?? []].flat()] as RouteOptions['preSerialization'];
  options.onSend = [...[options.onSend ?? []].flat(), after] as RouteOptions['onSend'];
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ onRoute: observeRoute });
  await t.app.ready();
});
afterAll(async () => {
  await t?.close();
});

/** The route as the OpenAPI document names it: `:id` → `{id}`, wildcards as documented. */
function documentedPath(route: SeenRoute): string {
  const transform = route.options.config?.swaggerTransform;
  const url =
    typeof transform === 'function'
      ? transform({ schema: route.options.schema ?? {}, url: route.url, route: route.options } as never).url
      : route.url;
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

const ownRoutes = () => routes.filter((route) => route.method !== 'HEAD');

describe('route schemas', () => {
  it('every route declares a success response schema', () => {
    expect(ownRoutes().length).toBeGreaterThan(25);
    const missing = ownRoutes()
      .filter((route) => {
        const response = route.options.schema?.response as Record<string, unknown> | undefined;
        return !response || !Object.keys(response).some((status) => /^2(\d\d|xx)$/i.test(status));
      })
      .map((route) => `${route.method} ${route.url}`);
    expect(missing, `routes without a 2xx response schema: ${missing.join(', ')}`).toEqual([]);
  });
});

describe('/openapi.json', () => {
  let document: {
    openapi: string;
    paths: Record<string, Record<string, { operationId?: string; responses: Record<string, unknown> }>>;
  };
  beforeAll(async () => {
    const res = await t.request({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    document = res.json();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(document.openapi).toBe('3.1.0');
  });

  it('covers every route, each with a success response; operationIds are unique', () => {
    const uncovered = ownRoutes()
      .filter((route) => !document.paths[documentedPath(route)]?.[route.method.toLowerCase()])
      .map((route) => `${route.method} ${route.url}`);
    expect(uncovered).toEqual([]);
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
    expect(operations).toHaveLength(ownRoutes().length);
    const ids = operations.map((op) => op.operationId).filter((id) => id !== undefined);
    expect(new Set(ids).size).toBe(ids.length);
    for (const op of operations) expect(Object.keys(op.responses).some((s) => s.startsWith('2'))).toBe(true);
  });

  it('documents the event model and the problem shape as components', () => {
    const text = JSON.stringify(document);
    for (const name of ['EventInput', 'Event', 'EventReceipt', 'Problem', 'ActionCatalog']) {
      expect(text).toContain(`"#/components/schemas/${name}"`);
    }
    const create = document.paths['/v1/events']?.post as unknown as {
      requestBody: { content: Record<string, { schema: unknown }> };
      responses: Record<string, { content: Record<string, unknown> }>;
    };
    expect(create.requestBody.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/EventInput',
    });
    expect(Object.keys(create.responses['400']?.content ?? {})).toEqual(['application/problem+json']);
  });
});

describe('/docs', () => {
  it('renders every operation as HTML without any script, under the strict CSP', async () => {
    const res = await t.request({ method: 'GET', url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.body).not.toMatch(/<script|\son[a-z]+=|style=/i);
    for (const route of ownRoutes()) expect(res.body).toContain(documentedPath(route));
    expect(res.body).toContain('<link rel="stylesheet" href="/docs/docs.css">');
    const css = await t.request({ method: 'GET', url: '/docs/docs.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
  });
});

describe('response schemas keep every field', () => {
  it('serializes each JSON response of a tour of the API exactly as its handler produced it', async () => {
    const admin = t.adminKey;
    const org = 'org_schema_tour';
    const call = async (options: Parameters<TestApp['request']>[0], status?: number) => {
      const res = await t.request(options);
      if (status !== undefined) expect(res.statusCode, `${options.method} ${options.url}: ${res.body}`).toBe(status);
      return res;
    };
    const rich = {
      ...SEED_EVENT,
      organization_id: org,
      actor: { ...SEED_EVENT.actor, type: 'user', metadata: { team: 'billing', roles: ['admin'] } },
      resource: { ...SEED_EVENT.resource, metadata: { total: 12.5 } },
      targets: [{ type: 'customer', id: 'cus_1', name: 'Acme' }],
      changes: { status: { before: 'open', after: 'void' }, amount: { before: 10 } },
      metadata: { ...SEED_EVENT.metadata, nested: { deep: [1, { x: null }] } },
      outcome: 'failure',
    };
    const created = (await call({ method: 'POST', url: '/v1/events', key: admin, payload: rich }, 201)).json();
    await call(
      {
        method: 'POST',
        url: '/v1/events',
        key: admin,
        payload: rich,
        headers: { 'idempotency-key': 'tour-1' },
      },
      201,
    );
    await call(
      { method: 'POST', url: '/v1/events', key: admin, payload: rich, headers: { 'idempotency-key': 'tour-1' } },
      200,
    );
    await call(
      {
        method: 'POST',
        url: '/v1/events',
        key: admin,
        payload: { ...rich, action: 'x.y' },
        headers: { 'idempotency-key': 'tour-1' },
      },
      409,
    );
    await call({ method: 'POST', url: '/v1/events', key: admin, payload: { ...rich, action: 'userDeleted' } }, 400);
    await call({ method: 'POST', url: '/v1/events', payload: rich }, 401);
    await call(
      {
        method: 'POST',
        url: '/v1/events/batch',
        key: admin,
        payload: { events: [rich, { ...rich, actor: {} }, { ...rich, idempotency_key: 'tour-2' }] },
      },
      200,
    );
    await call({ method: 'GET', url: `/v1/events?organization_id=${org}&limit=2`, key: admin }, 200);
    await call({ method: 'GET', url: `/v1/events?organization_id=${org}&bogus=1`, key: admin }, 400);
    await call({ method: 'GET', url: `/v1/events/${created.id}`, key: admin }, 200);
    await call({ method: 'GET', url: '/v1/events/evt_missing', key: admin }, 404);
    // Erase, so personal values read back as their commitments.
    await call(
      {
        method: 'POST',
        url: `/v1/organizations/${org}/erasures`,
        key: admin,
        payload: { actor_id: SEED_EVENT.actor.id },
      },
      200,
    );
    const erased = (await call({ method: 'GET', url: `/v1/events/${created.id}?proof=true`, key: admin }, 200)).json();
    expect(erased.actor.email).toEqual({ sha256: expect.any(String) });
    expect(erased.erased).toContain('actor.email');
    expect(erased.proof.inclusion).toBeInstanceOf(Array);
    await call({ method: 'GET', url: `/v1/logs/${org}/proofs/inclusion?index=0&tree_size=2`, key: admin }, 200);
    await call({ method: 'GET', url: `/v1/logs/${org}/proofs/consistency?from=1&to=3`, key: admin }, 200);
    await call({ method: 'GET', url: '/v1/organizations', key: admin }, 200);
    const key = (
      await call({ method: 'POST', url: '/v1/api-keys', key: admin, payload: { scopes: ['events:read'] } }, 201)
    ).json();
    await call({ method: 'GET', url: '/v1/api-keys', key: admin }, 200);
    await call({ method: 'DELETE', url: `/v1/api-keys/${key.id}`, key: admin }, 200);
    await call({ method: 'GET', url: '/v1/api-keys', key: key.secret }, 401);
    const token = (
      await call({ method: 'POST', url: '/v1/viewer-tokens', key: admin, payload: { organization_id: org } }, 201)
    ).json();
    await call({ method: 'POST', url: '/v1/viewer/sessions', payload: { token: token.token } }, 201);
    await call({ method: 'POST', url: '/v1/console/session', payload: { api_key: admin } }, 201);
    await call(
      {
        method: 'PUT',
        url: '/v1/actions/invoice.deleted',
        key: admin,
        payload: { description: 'An invoice was deleted', metadata_schema: { type: 'object' } },
      },
      201,
    );
    await call({ method: 'PUT', url: '/v1/actions', key: admin, payload: { enforcement: 'warn' } }, 200);
    await call({ method: 'POST', url: '/v1/events', key: admin, payload: { ...rich, action: 'invoices.delete' } }, 201);
    await call({ method: 'GET', url: '/v1/actions', key: admin }, 200);
    await call({ method: 'PUT', url: '/v1/actions', key: admin, payload: { enforcement: 'off' } }, 200);
    await call({ method: 'GET', url: '/healthz' }, 200);
    await call({ method: 'GET', url: '/readyz' }, 200);

    expect(compared).toBeGreaterThan(30);
    expect(altered).toEqual([]);
  });
});
