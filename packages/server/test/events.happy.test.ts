import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, SEED_EVENT, type TestApp } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const post = (body: unknown, key = t.adminKey, headers: Record<string, string> = {}) =>
  t.request({ method: 'POST', url: '/v1/events', key, payload: body as object, headers });
const list = async (query: Record<string, string>) => {
  const res = await t.request({ method: 'GET', url: '/v1/events', key: t.adminKey, query });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { data: Record<string, unknown>[]; next_cursor: string | null };
};

describe('the seed event, posted verbatim', () => {
  let receipt: Record<string, unknown>;
  beforeAll(async () => {
    const res = await post(SEED_EVENT);
    expect(res.statusCode, res.body).toBe(201);
    receipt = res.json();
  });

  it('is acknowledged with its id, sequence, organization, receive time and leaf hash', () => {
    expect(receipt.id).toMatch(/^evt_[0-9a-z]{26}$/);
    expect(receipt.sequence).toBe(0);
    expect(receipt.organization_id).toBe('org_acme');
    expect(receipt.received_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Buffer.from(receipt.leaf_hash as string, 'base64')).toHaveLength(32);
  });

  const expectSeed = (event: Record<string, unknown> | undefined) => {
    expect(event).toMatchObject({
      id: receipt.id,
      organization_id: 'org_acme',
      sequence: 0,
      timestamp: '2026-05-01T14:32:00.000Z',
      actor: SEED_EVENT.actor,
      action: 'invoice.deleted',
      resource: SEED_EVENT.resource,
      metadata: SEED_EVENT.metadata,
      outcome: 'success',
      leaf_hash: receipt.leaf_hash,
    });
  };

  it('is found by actor id', async () => {
    const page = await list({ organization_id: 'org_acme', actor_id: 'user_abc123' });
    expectSeed(page.data[0]);
  });
  it('is found by actor email', async () => {
    expectSeed((await list({ organization_id: 'org_acme', actor_email: 'alice@acme.com' })).data[0]);
  });
  it('is found by action prefix invoice.*', async () => {
    expectSeed((await list({ organization_id: 'org_acme', action: 'invoice.*' })).data[0]);
  });
  it('is found by resource', async () => {
    expectSeed((await list({ organization_id: 'org_acme', resource_type: 'invoice', resource_id: 'inv_789' })).data[0]);
  });
  it('is found by a date range and not outside it', async () => {
    expectSeed(
      (await list({ organization_id: 'org_acme', since: '2026-05-01T00:00:00Z', until: '2026-05-02T00:00:00Z' }))
        .data[0],
    );
    expect((await list({ organization_id: 'org_acme', since: '2026-05-02T00:00:00Z' })).data).toHaveLength(0);
  });
  it('is found with the query language', async () => {
    expectSeed(
      (await list({ organization_id: 'org_acme', q: 'actor:alice@acme.com action:invoice.* after:2026-05-01' }))
        .data[0],
    );
    expectSeed((await list({ organization_id: 'org_acme', q: '"Invoice #1042"' })).data[0]);
    expect((await list({ organization_id: 'org_acme', q: '-action:invoice.*' })).data).toHaveLength(0);
  });
  it('is returned by id', async () => {
    const res = await t.request({ method: 'GET', url: `/v1/events/${receipt.id}`, key: t.adminKey });
    expect(res.statusCode).toBe(200);
    expectSeed(res.json());
  });
});

describe('sequencing', () => {
  it('gives each organization contiguous sequences from 0 under concurrent ingest', async () => {
    const orgs = ['org_seq_a', 'org_seq_b', 'org_seq_c'];
    const responses = await Promise.all(
      Array.from({ length: 90 }, (_, i) =>
        post({ ...SEED_EVENT, organization_id: orgs[i % 3], actor: { id: `user_${i}` } }),
      ),
    );
    const byOrg = new Map<string, number[]>();
    for (const res of responses) {
      expect(res.statusCode).toBe(201);
      const { organization_id, sequence } = res.json() as { organization_id: string; sequence: number };
      byOrg.set(organization_id, [...(byOrg.get(organization_id) ?? []), sequence]);
    }
    for (const org of orgs) {
      expect((byOrg.get(org) ?? []).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    }
    // Concurrent requests share transactions: fewer commits than requests.
    expect(t.app.auditledge.ledger.stats.groups).toBeLessThan(90);
  });
});

describe('batch ingest', () => {
  it('stores the valid items and reports the invalid one by index, with its field', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/v1/events/batch',
      key: t.adminKey,
      payload: {
        events: [
          { ...SEED_EVENT, organization_id: 'org_batch' },
          { ...SEED_EVENT, organization_id: 'org_batch', action: 'userDeleted' },
          { ...SEED_EVENT, organization_id: 'org_batch', actor: { id: 'user_2' } },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const { results } = res.json() as { results: Record<string, unknown>[] };
    expect(results.map((r) => r.status)).toEqual([201, 400, 201]);
    expect(results[0]).toMatchObject({ index: 0, sequence: 0, organization_id: 'org_batch' });
    expect(results[2]).toMatchObject({ index: 2, sequence: 1 });
    const error = results[1]?.error as { errors: { path: string; message: string }[] };
    expect(error.errors[0]?.path).toBe('action');
    expect(error.errors[0]?.message).toContain('user.deleted');
    expect((await list({ organization_id: 'org_batch' })).data).toHaveLength(2);
  });

  it('replays per-item idempotency keys without duplicating', async () => {
    const events = [
      { ...SEED_EVENT, organization_id: 'org_batch_idem', idempotency_key: 'k-1' },
      { ...SEED_EVENT, organization_id: 'org_batch_idem', idempotency_key: 'k-2' },
    ];
    const first = await t.request({ method: 'POST', url: '/v1/events/batch', key: t.adminKey, payload: { events } });
    const second = await t.request({ method: 'POST', url: '/v1/events/batch', key: t.adminKey, payload: { events } });
    const a = (first.json() as { results: Record<string, unknown>[] }).results;
    const b = (second.json() as { results: Record<string, unknown>[] }).results;
    expect(a.map((r) => r.status)).toEqual([201, 201]);
    expect(b.map((r) => r.status)).toEqual([200, 200]);
    expect(b.map((r) => r.id)).toEqual(a.map((r) => r.id));
    expect((await list({ organization_id: 'org_batch_idem' })).data).toHaveLength(2);
  });
});

describe('Idempotency-Key on single events', () => {
  it('answers a replay with 200 and the same body, and a different body with 409', async () => {
    const event = { ...SEED_EVENT, organization_id: 'org_idem' };
    const first = await post(event, t.adminKey, { 'idempotency-key': 'delete-inv-789' });
    const replay = await post(event, t.adminKey, { 'idempotency-key': 'delete-inv-789' });
    expect(first.statusCode).toBe(201);
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual(first.json());
    const conflict = await post({ ...event, action: 'invoice.updated' }, t.adminKey, {
      'idempotency-key': 'delete-inv-789',
    });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.headers['content-type']).toContain('application/problem+json');
    expect((await list({ organization_id: 'org_idem' })).data).toHaveLength(1);
  });

  it('coalesces concurrent replays of one key into one event', async () => {
    const event = { ...SEED_EVENT, organization_id: 'org_idem_race' };
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => post(event, t.adminKey, { 'idempotency-key': 'same-key' })),
    );
    expect(responses.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.statusCode === 200)).toHaveLength(9);
    expect(new Set(responses.map((r) => (r.json() as { id: string }).id)).size).toBe(1);
  });
});

describe('paging', () => {
  it('walks every event exactly once, newest first, with keyset cursors', async () => {
    const org = 'org_paging';
    const payloadFor = (i: number) => ({
      ...SEED_EVENT,
      organization_id: org,
      timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i % 7)).toISOString(),
      actor: { id: `user_${i}` },
    });
    await t.request({
      method: 'POST',
      url: '/v1/events/batch',
      key: t.adminKey,
      payload: { events: Array.from({ length: 25 }, (_, i) => payloadFor(i)) },
    });
    const seen: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    do {
      const page = await list({ organization_id: org, limit: '4', ...(cursor && { cursor }) });
      seen.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(25);
    expect(new Set(seen.map((e) => e.id)).size).toBe(25);
    const keys = seen.map((e) => [Date.parse(e.timestamp as string), e.sequence as number] as const);
    const sorted = [...keys].sort((a, b) => b[0] - a[0] || b[1] - a[1]);
    expect(keys).toEqual(sorted);
  });
});

describe('operations', () => {
  it('answers health and readiness', async () => {
    expect((await t.request({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
  });
  it('tags every response with a request id', async () => {
    const res = await t.request({ method: 'GET', url: '/healthz' });
    expect(res.headers['x-request-id']).toBeTruthy();
  });
});
