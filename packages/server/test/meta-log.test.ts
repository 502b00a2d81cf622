// The meta log: Auditledge's own security-relevant acts are ordinary events, so "who created this
// key, who exported this log, who erased what" are plain queries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, SEED_EVENT, type TestApp } from './helpers.js';

let t: TestApp;
const keyIdOf = (token: string) => `key_${token.slice(4, 20)}`;
const SYSTEM = 'auditledge:system';

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function events(organizationId: string, query: Record<string, string> = {}) {
  const res = await t.request({
    method: 'GET',
    url: '/v1/events',
    key: t.adminKey,
    query: { organization_id: organizationId, ...query },
  });
  expect(res.statusCode, res.body).toBe(200);
  return (
    res.json() as {
      data: {
        action: string;
        actor: { id: string; type: string };
        resource?: { id: string };
        metadata?: Record<string, unknown>;
      }[];
    }
  ).data;
}

describe('the meta log', () => {
  it('records API keys created and revoked, with the acting key as actor', async () => {
    const created = await t.request({
      method: 'POST',
      url: '/v1/api-keys',
      key: t.adminKey,
      payload: { name: 'billing', scopes: ['events:write'] },
    });
    const keyId = (created.json() as { id: string }).id;
    await t.request({ method: 'DELETE', url: `/v1/api-keys/${keyId}`, key: t.adminKey });
    await t.request({ method: 'DELETE', url: `/v1/api-keys/${keyId}`, key: t.adminKey }); // a second revoke changes nothing
    const log = await events(SYSTEM, { resource_id: keyId });
    expect(log.map((e) => e.action)).toEqual(['api_key.revoked', 'api_key.created']);
    for (const event of log) expect(event.actor).toMatchObject({ id: keyIdOf(t.adminKey), type: 'api_key' });
    // The very first admin key was created by Auditledge itself.
    const first = await events(SYSTEM, { resource_id: keyIdOf(t.adminKey) });
    expect(first[0]).toMatchObject({ action: 'api_key.created', actor: { id: 'auditledge', type: 'system' } });
  });

  it("records a key pinned to one organization in that organization's log", async () => {
    const created = await t.request({
      method: 'POST',
      url: '/v1/api-keys',
      key: t.adminKey,
      payload: { scopes: ['events:read'], organization_id: 'org_meta' },
    });
    const keyId = (created.json() as { id: string }).id;
    expect((await events('org_meta', { action: 'api_key.*' }))[0]).toMatchObject({
      action: 'api_key.created',
      resource: { id: keyId },
    });
  });

  it('answers "who exported this log?" with a query', async () => {
    await t.request({
      method: 'POST',
      url: '/v1/events',
      key: t.adminKey,
      payload: { ...SEED_EVENT, organization_id: 'org_meta' },
    });
    const reader = await t.key(['events:read']);
    const exported = await t.request({
      method: 'GET',
      url: '/v1/exports/events?format=csv&organization_id=org_meta&action=invoice.*',
      key: reader,
    });
    expect(exported.statusCode).toBe(200);
    const [record] = await events('org_meta', { q: 'action:export.created' });
    expect(record).toMatchObject({
      actor: { id: keyIdOf(reader), type: 'api_key' },
      metadata: { format: 'csv', filter: 'action' },
    });
  });

  it('records erasures without recording the erased data', async () => {
    await t.request({
      method: 'POST',
      url: '/v1/organizations/org_meta/erasures',
      key: t.adminKey,
      payload: { email: 'alice@acme.com' },
    });
    const [record] = await events('org_meta', { action: 'events.erased' });
    expect(record).toMatchObject({
      actor: { id: keyIdOf(t.adminKey) },
      metadata: { criteria: 'email', erased_events: 1 },
    });
    expect(JSON.stringify(record)).not.toContain('alice@acme.com');
  });

  it('keeps the system organization for Auditledge alone', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/v1/events',
      key: t.adminKey,
      payload: { ...SEED_EVENT, organization_id: SYSTEM },
    });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { errors: { path: string }[] }).errors[0]?.path).toBe('organization_id');
  });
});

describe('refusals leave no trace', () => {
  it('an impossible organization id is a 400, never a half-done write', async () => {
    const long = 'x'.repeat(300);
    const before = (await t.request({ method: 'GET', url: '/v1/api-keys', key: t.adminKey })).json() as {
      data: unknown[];
    };
    const key = await t.request({
      method: 'POST',
      url: '/v1/api-keys',
      key: t.adminKey,
      payload: { scopes: ['events:read'], organization_id: long },
    });
    expect(key.statusCode).toBe(400);
    const after = (await t.request({ method: 'GET', url: '/v1/api-keys', key: t.adminKey })).json() as {
      data: unknown[];
    };
    expect(after.data).toHaveLength(before.data.length);
    for (const url of [
      `/v1/exports/events?format=csv&organization_id=${long}`,
      '/v1/exports/events?format=csv&organization_id=a%01b',
    ]) {
      expect((await t.request({ method: 'GET', url, key: t.adminKey })).statusCode).toBe(400);
    }
    const erasure = await t.request({
      method: 'POST',
      url: `/v1/organizations/${long}/erasures`,
      key: t.adminKey,
      payload: { email: 'a@b.c' },
    });
    expect(erasure.statusCode).toBe(400);
  });

  it('exporting an organization without events is a 404 and creates no log', async () => {
    const res = await t.request({
      method: 'GET',
      url: '/v1/exports/events?format=bundle&organization_id=org_nobody',
      key: t.adminKey,
    });
    expect(res.statusCode).toBe(404);
    const orgs = (await t.request({ method: 'GET', url: '/v1/organizations', key: t.adminKey })).json() as {
      data: { organization_id: string }[];
    };
    expect(orgs.data.map((o) => o.organization_id)).not.toContain('org_nobody');
  });

  it('a bad consistency_from is refused before the export is recorded', async () => {
    const count = async () => (await events('org_meta', { action: 'export.created', limit: '1000' })).length;
    const before = await count();
    const res = await t.request({
      method: 'GET',
      url: '/v1/exports/events?format=bundle&organization_id=org_meta&consistency_from=abc',
      key: t.adminKey,
    });
    expect(res.statusCode).toBe(400);
    expect(await count()).toBe(before);
  });
});
