// The action catalog: what is catalogued and what the logs actually hold, near-duplicates, and the
// three enforcement modes on single and batch ingest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, SEED_EVENT, type TestApp } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const ORG = 'org_catalog';
type Issue = { path: string; message: string };
interface CatalogAction {
  action: string;
  catalogued: boolean;
  builtin: boolean;
  description: string | null;
  metadata_schema: Record<string, unknown> | null;
  count: number;
  first_seen: string | null;
  last_seen: string | null;
  similar: string[];
}
interface Catalog {
  enforcement: string;
  actions: CatalogAction[];
  near_duplicates: { actions: string[]; suggested: string }[];
}

const event = (action: string, metadata?: Record<string, unknown>) => ({
  ...SEED_EVENT,
  organization_id: ORG,
  action,
  ...(metadata !== undefined && { metadata }),
});

async function ingest(action: string, metadata?: Record<string, unknown>) {
  return t.request({ method: 'POST', url: '/v1/events', key: t.adminKey, payload: event(action, metadata) });
}

async function catalog(): Promise<Catalog> {
  const res = await t.request({ method: 'GET', url: '/v1/actions', key: t.adminKey });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Catalog;
}

async function putAction(action: string, payload: unknown, key = t.adminKey) {
  return t.request({ method: 'PUT', url: `/v1/actions/${action}`, key, payload: payload as object });
}

async function setEnforcement(enforcement: string) {
  const res = await t.request({ method: 'PUT', url: '/v1/actions', key: t.adminKey, payload: { enforcement } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { enforcement: string; previous: string };
}

const INVOICE_REFUNDED_SCHEMA = {
  type: 'object',
  required: ['amount'],
  properties: {
    amount: { type: 'number', minimum: 0 },
    currency: { type: 'string', enum: ['EUR', 'USD'] },
    items: { type: 'array', items: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' } } } },
  },
};

describe('the catalog (enforcement off)', () => {
  it("lists actions seen in the logs with counts, flags uncatalogued ones and Auditledge's own", async () => {
    for (const action of ['user.deleted', 'user.deleted', 'user.delete', 'users.deleted', 'invoice.paid']) {
      expect((await ingest(action)).statusCode).toBe(201);
    }
    const { enforcement, actions, near_duplicates } = await catalog();
    expect(enforcement).toBe('off');
    const byName = new Map(actions.map((a) => [a.action, a]));
    expect(byName.get('user.deleted')).toMatchObject({
      catalogued: false,
      builtin: false,
      description: null,
      metadata_schema: null,
      count: 2,
      similar: ['user.delete', 'users.deleted'],
    });
    const seen = byName.get('user.deleted') as CatalogAction;
    expect(Date.parse(seen.first_seen as string)).toBeLessThanOrEqual(Date.parse(seen.last_seen as string));
    expect(byName.get('invoice.paid')).toMatchObject({ count: 1, similar: [] });
    // The first admin key was recorded by Auditledge itself in the system log.
    expect(byName.get('api_key.created')).toMatchObject({ builtin: true, catalogued: false });
    expect(actions.map((a) => a.action)).toEqual([...actions.map((a) => a.action)].sort());
    expect(near_duplicates).toContainEqual({
      actions: ['user.delete', 'user.deleted', 'users.deleted'],
      suggested: 'user.deleted',
    });
  });

  it('adds an action with a description and a metadata schema, then updates only what is given', async () => {
    const created = await putAction('invoice.refunded', {
      description: 'A refund was issued',
      metadata_schema: INVOICE_REFUNDED_SCHEMA,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      action: 'invoice.refunded',
      catalogued: true,
      description: 'A refund was issued',
      metadata_schema: INVOICE_REFUNDED_SCHEMA,
      count: 0,
      first_seen: null,
    });
    const updated = await putAction('invoice.refunded', { description: 'A refund was issued to the customer' });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({
      description: 'A refund was issued to the customer',
      metadata_schema: INVOICE_REFUNDED_SCHEMA,
    });
    const cleared = await putAction('invoice.refunded', { description: null });
    expect(cleared.json()).toMatchObject({ description: null, metadata_schema: INVOICE_REFUNDED_SCHEMA });
  });

  it('suggests the catalogued spelling of a near-duplicate, and counts a catalogued action once seen', async () => {
    expect((await putAction('user.deleted', { description: 'A user was deleted' })).statusCode).toBe(201);
    for (let i = 0; i < 3; i++) await ingest('users.deleted');
    const { actions, near_duplicates } = await catalog();
    expect(near_duplicates).toContainEqual({
      actions: ['user.delete', 'user.deleted', 'users.deleted'],
      suggested: 'user.deleted',
    });
    expect(actions.find((a) => a.action === 'user.deleted')).toMatchObject({ catalogued: true, count: 2 });
    expect(actions.find((a) => a.action === 'users.deleted')).toMatchObject({ catalogued: false, count: 4 });
  });

  it('records every catalog change in the system log, with the acting key', async () => {
    const res = await t.request({
      method: 'GET',
      url: '/v1/events',
      key: t.adminKey,
      query: { organization_id: 'auditledge:system', action: 'catalog.changed', resource_id: 'invoice.refunded' },
    });
    const changes = (res.json() as { data: { actor: { type: string }; metadata: Record<string, string> }[] }).data;
    expect(changes.map((e) => e.metadata)).toEqual([
      { change: 'action_updated', fields: 'description' },
      { change: 'action_updated', fields: 'description' },
      { change: 'action_created', fields: 'description,metadata_schema' },
    ]);
    expect(changes[0]?.actor.type).toBe('api_key');
  });

  it('adds no warnings to receipts', async () => {
    const res = await ingest('something.uncatalogued');
    expect(res.statusCode).toBe(201);
    expect(res.json()).not.toHaveProperty('warnings');
  });
});

describe('enforcement: warn', () => {
  beforeAll(async () => {
    expect(await setEnforcement('warn')).toEqual({ enforcement: 'warn', previous: 'off' });
  });

  it('accepts an uncatalogued action with a warning naming the catalogued spelling', async () => {
    const res = await ingest('users.delete');
    expect(res.statusCode).toBe(201);
    expect(res.json().warnings).toEqual([
      { path: 'action', message: '"users.delete" is not in the action catalog; did you mean "user.deleted"?' },
    ]);
  });

  it('accepts metadata failing the schema with a warning per field', async () => {
    const res = await ingest('invoice.refunded', { amount: -5, currency: 'GBP' });
    expect(res.statusCode).toBe(201);
    expect((res.json().warnings as Issue[]).map((w) => w.path).sort()).toEqual([
      'metadata.amount',
      'metadata.currency',
    ]);
  });

  it('puts warnings on batch items, and none on a valid one', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/v1/events/batch',
      key: t.adminKey,
      payload: { events: [event('invoice.refunded', { amount: 3 }), event('invoice.refunded', {})] },
    });
    expect(res.statusCode).toBe(200);
    const [valid, warned] = res.json().results;
    expect(valid.status).toBe(201);
    expect(valid).not.toHaveProperty('warnings');
    expect(warned).toMatchObject({
      status: 201,
      warnings: [{ path: 'metadata.amount', message: 'is required by the action catalog' }],
    });
  });
});

describe('enforcement: enforce', () => {
  beforeAll(async () => {
    await setEnforcement('enforce');
  });

  it('rejects an uncatalogued action with 400 on the action path', async () => {
    const res = await ingest('users.delete');
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      type: 'urn:auditledge:problem:invalid_request',
      errors: [{ path: 'action', message: expect.stringContaining('did you mean "user.deleted"?') }],
    });
  });

  it('rejects metadata failing the schema with the JSON Schema paths', async () => {
    const res = await ingest('invoice.refunded', { amount: '12', items: [{ sku: 'a' }, { qty: 1 }] });
    expect(res.statusCode).toBe(400);
    const errors = res.json().errors as Issue[];
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'metadata.amount', message: 'must be number' },
        { path: 'metadata.items[1].sku', message: 'is required by the action catalog' },
      ]),
    );
    expect(res.json().detail).toContain('metadata.');
  });

  it('checks an event without metadata as {}', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/v1/events',
      key: t.adminKey,
      payload: { actor: { id: 'u1' }, action: 'invoice.refunded', organization_id: ORG },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: 'metadata.amount', message: 'is required by the action catalog' }]);
  });

  it('accepts catalogued actions whose metadata fits, without warnings', async () => {
    const res = await ingest('invoice.refunded', { amount: 12.5, currency: 'EUR', ip: '203.0.113.9' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).not.toHaveProperty('warnings');
    expect((await ingest('user.deleted')).statusCode).toBe(201);
  });

  it('rejects only the offending batch items', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/v1/events/batch',
      key: t.adminKey,
      payload: { events: [event('user.deleted'), event('users.delete'), event('invoice.refunded', { amount: -1 })] },
    });
    const results = res.json().results as { status: number; error?: { errors: Issue[] } }[];
    expect(results.map((r) => r.status)).toEqual([201, 400, 400]);
    expect(results[1]?.error?.errors[0]?.path).toBe('action');
    expect(results[2]?.error?.errors).toEqual([{ path: 'metadata.amount', message: 'must be >= 0' }]);
  });

  it("never holds Auditledge's own meta events to the catalog", async () => {
    const res = await t.request({
      method: 'POST',
      url: '/v1/api-keys',
      key: t.adminKey,
      payload: { scopes: ['events:read'] },
    });
    expect(res.statusCode).toBe(201);
  });

  it('applies a schema change to the very next event', async () => {
    expect((await ingest('invoice.refunded', { amount: 'free' })).statusCode).toBe(400);
    await putAction('invoice.refunded', { metadata_schema: null });
    expect((await ingest('invoice.refunded', { amount: 'free' })).statusCode).toBe(201);
    await putAction('invoice.refunded', { metadata_schema: INVOICE_REFUNDED_SCHEMA });
    expect((await ingest('invoice.refunded', { amount: 'free' })).statusCode).toBe(400);
  });

  it('records the enforcement change in the system log', async () => {
    const { previous } = await setEnforcement('off');
    expect(previous).toBe('enforce');
    const res = await t.request({
      method: 'GET',
      url: '/v1/events',
      key: t.adminKey,
      query: { organization_id: 'auditledge:system', action: 'catalog.changed', resource_type: 'action_catalog' },
    });
    const metadata = (res.json() as { data: { metadata: Record<string, string> }[] }).data.map((e) => e.metadata);
    expect(metadata.slice(0, 3)).toEqual([
      { change: 'enforcement', enforcement: 'off', previous: 'enforce' },
      { change: 'enforcement', enforcement: 'enforce', previous: 'warn' },
      { change: 'enforcement', enforcement: 'warn', previous: 'off' },
    ]);
    expect((await ingest('users.delete')).statusCode).toBe(201);
  });
});

describe('catalog errors', () => {
  it.each([
    ['User.Deleted', {}, 'action', /did you mean "user\.deleted"/],
    ['user', {}, 'action', /two dot-separated segments/],
    ['user.deleted', { descripton: 'x' }, 'descripton', /not a known field/],
    ['user.deleted', { description: 42 }, 'description', /string of at most 1000/],
    ['user.deleted', { metadata_schema: [] }, 'metadata_schema', /JSON Schema object/],
    ['user.deleted', { metadata_schema: { type: 'numbr' } }, 'metadata_schema.type', /allowed values|must be/],
    [
      'user.deleted',
      { metadata_schema: { properties: { amount: { type: 'number', minimun: 0 } } } },
      'metadata_schema.properties.amount.minimun',
      /unknown keyword/,
    ],
    [
      'user.deleted',
      { metadata_schema: { properties: { amount: { $ref: 'https://example.com/amount.json' } } } },
      'metadata_schema',
      /resolve reference/,
    ],
    [
      'user.deleted',
      { metadata_schema: { properties: { when: { type: 'string', format: 'someday' } } } },
      'metadata_schema',
      /unknown format/,
    ],
  ])('PUT /v1/actions/%s %j → 400 at %s', async (action, body, path, message) => {
    const res = await putAction(action, body);
    expect(res.statusCode, res.body).toBe(400);
    const errors = res.json().errors as Issue[];
    expect(errors[0]?.path).toBe(path);
    expect(errors[0]?.message).toMatch(message);
  });

  it('accepts draft-07 and 2020-12 schemas with formats and local $refs', async () => {
    const draft07 = await putAction('user.invited', {
      metadata_schema: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        definitions: { email: { type: 'string', format: 'email' } },
        properties: { invitee: { $ref: '#/definitions/email' } },
      },
    });
    expect(draft07.statusCode, draft07.body).toBe(201);
    const draft2020 = await putAction('user.renamed', {
      metadata_schema: {
        $id: 'https://schemas.example.com/rename.json',
        $defs: { name: { type: 'string', minLength: 1 } },
        properties: { to: { $ref: '#/$defs/name' } },
      },
    });
    expect(draft2020.statusCode, draft2020.body).toBe(201);
    // The same $id again, for another action: each schema compiles on its own.
    const again = await putAction('team.renamed', {
      metadata_schema: { $id: 'https://schemas.example.com/rename.json', type: 'object' },
    });
    expect(again.statusCode, again.body).toBe(201);
    await setEnforcement('enforce');
    expect((await ingest('user.invited', { invitee: 'not an email' })).json().errors).toEqual([
      { path: 'metadata.invitee', message: 'must match format "email"' },
    ]);
    expect((await ingest('user.renamed', { to: '' })).json().errors[0].path).toBe('metadata.to');
    await setEnforcement('off');
  });

  it.each([[{ enforcement: 'strict' }], [{ enforcement: 'warn', extra: 1 }], [[]]])(
    'PUT /v1/actions %j → 400',
    async (payload) => {
      const res = await t.request({ method: 'PUT', url: '/v1/actions', key: t.adminKey, payload: payload as object });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].path).toMatch(/^(enforcement|extra|)$/);
    },
  );

  it('rejects unknown query parameters on GET', async () => {
    const res = await t.request({ method: 'GET', url: '/v1/actions?enforcment=warn', key: t.adminKey });
    expect(res.statusCode).toBe(400);
  });
});

describe('catalog security', () => {
  it('needs an admin key for the whole project', async () => {
    const writer = await t.key(['events:write', 'events:read']);
    const pinned = await t.key(['admin'], ORG);
    for (const key of [writer, pinned]) {
      expect((await t.request({ method: 'GET', url: '/v1/actions', key })).statusCode).toBe(403);
      expect((await putAction('user.deleted', {}, key)).statusCode).toBe(403);
      const res = await t.request({ method: 'PUT', url: '/v1/actions', key, payload: { enforcement: 'enforce' } });
      expect(res.statusCode).toBe(403);
    }
    expect((await t.request({ method: 'GET', url: '/v1/actions' })).statusCode).toBe(401);
    expect((await catalog()).enforcement).toBe('off');
  });
});
