// Authentication, scopes and tenant isolation, checked the same way across routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, SEED_EVENT, type TestApp } from './helpers.js';

let t: TestApp;
let eventA: string;
let eventB: string;
beforeAll(async () => {
  t = await createTestApp();
  const a = await t.request({
    method: 'POST',
    url: '/v1/events',
    key: t.adminKey,
    payload: { ...SEED_EVENT, organization_id: 'org_a' },
  });
  const b = await t.request({
    method: 'POST',
    url: '/v1/events',
    key: t.adminKey,
    payload: { ...SEED_EVENT, organization_id: 'org_b' },
  });
  eventA = (a.json() as { id: string }).id;
  eventB = (b.json() as { id: string }).id;
});
afterAll(async () => {
  await t.close();
});

const routes = () => [
  { method: 'POST' as const, url: '/v1/events', payload: SEED_EVENT, scope: 'events:write' },
  { method: 'POST' as const, url: '/v1/events/batch', payload: { events: [SEED_EVENT] }, scope: 'events:write' },
  { method: 'GET' as const, url: '/v1/events?organization_id=org_a', scope: 'events:read' },
  { method: 'GET' as const, url: `/v1/events/${eventA}`, scope: 'events:read' },
  { method: 'GET' as const, url: '/v1/api-keys', scope: 'admin' },
  { method: 'POST' as const, url: '/v1/api-keys', payload: { scopes: ['events:read'] }, scope: 'admin' },
];

describe('authentication', () => {
  it('rejects a missing, malformed, unknown or wrong-secret key with 401 on every route', async () => {
    const realButWrong = `${t.adminKey.slice(0, -4)}AAAA`;
    for (const route of routes()) {
      for (const authorization of [undefined, 'Basic abc', 'Bearer nope', `Bearer ${realButWrong}`]) {
        const res = await t.app.inject({
          method: route.method,
          url: route.url,
          ...(route.payload && { payload: route.payload }),
          headers: authorization ? { authorization } : {},
        });
        expect(res.statusCode, `${route.method} ${route.url} with ${authorization}`).toBe(401);
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
    }
  });

  it('rejects a revoked key with 401', async () => {
    const key = await t.key(['events:read']);
    const keyId = `key_${key.slice(4, 20)}`;
    expect((await t.request({ method: 'GET', url: '/v1/events?organization_id=org_a', key })).statusCode).toBe(200);
    const revoke = await t.request({ method: 'DELETE', url: `/v1/api-keys/${keyId}`, key: t.adminKey });
    expect(revoke.statusCode).toBe(200);
    const res = await t.request({ method: 'GET', url: '/v1/events?organization_id=org_a', key });
    expect(res.statusCode).toBe(401);
    expect((res.json() as { detail: string }).detail).toContain('revoked');
  });
});

describe('scopes', () => {
  it('answers 403 when the key lacks the route scope', async () => {
    const readOnly = await t.key(['events:read']);
    const writeOnly = await t.key(['events:write']);
    for (const route of routes()) {
      for (const key of [readOnly, writeOnly]) {
        const holds =
          route.scope === 'events:read' ? key === readOnly : route.scope === 'events:write' ? key === writeOnly : false;
        const res = await t.request({
          method: route.method,
          url: route.url,
          key,
          ...(route.payload && { payload: route.payload }),
        });
        if (holds) expect(res.statusCode, `${route.method} ${route.url}`).toBeLessThan(300);
        else expect(res.statusCode, `${route.method} ${route.url}`).toBe(403);
      }
    }
  });
});

describe('tenant isolation', () => {
  it('a key pinned to org A cannot write to org B (403, nothing stored)', async () => {
    const pinned = await t.key(['events:write', 'events:read'], 'org_a');
    const res = await t.request({
      method: 'POST',
      url: '/v1/events',
      key: pinned,
      payload: { ...SEED_EVENT, organization_id: 'org_b' },
    });
    expect(res.statusCode).toBe(403);
    expect((res.json() as { errors: { path: string }[] }).errors[0]?.path).toBe('organization_id');
    const batch = await t.request({
      method: 'POST',
      url: '/v1/events/batch',
      key: pinned,
      payload: {
        events: [
          { ...SEED_EVENT, organization_id: 'org_a' },
          { ...SEED_EVENT, organization_id: 'org_b' },
        ],
      },
    });
    expect((batch.json() as { results: { status: number }[] }).results.map((r) => r.status)).toEqual([201, 403]);
    const bEvents = await t.request({ method: 'GET', url: '/v1/events?organization_id=org_b', key: t.adminKey });
    expect((bEvents.json() as { data: unknown[] }).data).toHaveLength(1);
  });

  it('a key pinned to org A cannot read org B, by list (403) or by id (404)', async () => {
    const pinned = await t.key(['events:read'], 'org_a');
    expect((await t.request({ method: 'GET', url: '/v1/events?organization_id=org_b', key: pinned })).statusCode).toBe(
      403,
    );
    expect((await t.request({ method: 'GET', url: `/v1/events/${eventB}`, key: pinned })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `/v1/events/${eventA}`, key: pinned })).statusCode).toBe(200);
    // Without organization_id the pinned organization is implied, never "all organizations".
    const implied = await t.request({ method: 'GET', url: '/v1/events', key: pinned });
    const orgs = new Set(
      (implied.json() as { data: { organization_id: string }[] }).data.map((e) => e.organization_id),
    );
    expect([...orgs]).toEqual(['org_a']);
  });

  it('a query for org A never returns org B events, whatever the filter', async () => {
    for (const q of ['', 'actor:user_abc123', '"Invoice"', 'action:invoice.*']) {
      const res = await t.request({
        method: 'GET',
        url: '/v1/events',
        key: t.adminKey,
        query: { organization_id: 'org_a', q },
      });
      for (const event of (res.json() as { data: { organization_id: string }[] }).data)
        expect(event.organization_id).toBe('org_a');
    }
  });

  it('a pinned key cannot manage API keys', async () => {
    const pinnedAdmin = await t.key(['admin'], 'org_a');
    expect((await t.request({ method: 'GET', url: '/v1/api-keys', key: pinnedAdmin })).statusCode).toBe(403);
  });
});

describe('secrets at rest', () => {
  it('stores only a hash of each key, and never returns it', async () => {
    const db = (t.app.auditledge.store as unknown as { rawDatabase: import('better-sqlite3').Database }).rawDatabase;
    const dump = JSON.stringify(db.prepare('SELECT * FROM api_keys').all());
    expect(dump).not.toContain(t.adminKey.slice(21));
    const listed = await t.request({ method: 'GET', url: '/v1/api-keys', key: t.adminKey });
    expect(listed.body).not.toContain('secret');
    expect(listed.body).not.toContain(t.adminKey);
  });
});

describe('idempotency keys per organization', () => {
  it('lets two tenants use the same key without colliding or learning about each other', async () => {
    const a = await t.key(['events:write'], 'org_idem_a');
    const b = await t.key(['events:write'], 'org_idem_b');
    const send = (key: string, org: string) =>
      t.request({
        method: 'POST',
        url: '/v1/events',
        key,
        payload: { ...SEED_EVENT, organization_id: org },
        headers: { 'idempotency-key': 'order-1' },
      });
    const first = await send(a, 'org_idem_a');
    const second = await send(b, 'org_idem_b');
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    expect((first.json() as { id: string }).id).not.toBe((second.json() as { id: string }).id);
    // Within one organization the key still replays.
    const replay = await send(a, 'org_idem_a');
    expect(replay.statusCode).toBe(200);
    expect((replay.json() as { id: string }).id).toBe((first.json() as { id: string }).id);
  });
});
