// Retention over the API: per-organization plans and windows, the grace period on shortening,
// the job deleting payloads in batches, 410 for what it deleted and — the point of it all — a log
// pruned by retention and then partly erased that still verifies offline, end to end.
// Runs on SQLite here and on PostgreSQL through postgres.api.test.ts.
import { BundleVerifier, base64Decode, openCheckpoint, verifyConsistency } from '@auditledge/core';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, SEED_EVENT } from './helpers.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const keyIdOf = (token: string) => `key_${token.slice(4, 20)}`;

interface Problem {
  type: string;
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

function problem(res: LightMyRequestResponse, status: number): Problem {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  return res.json() as Problem;
}

/** An app whose clock the test moves. Events are received far in the past, because the database
 * itself refuses to delete anything received less than a day ago by its own clock. */
async function clockedApp(env: Record<string, string> = {}) {
  const clock = { now: Date.now() - 400 * DAY };
  const t = await createTestApp({
    now: () => clock.now,
    env: { AUDITLEDGE_CHECKPOINT_INTERVAL_MS: '3600000', ...env },
  });
  const retention = (org: string, key = t.adminKey) =>
    t.request({ method: 'GET', url: `/v1/organizations/${encodeURIComponent(org)}/retention`, key });
  const setRetention = (org: string, body: unknown, key = t.adminKey) =>
    t.request({
      method: 'PUT',
      url: `/v1/organizations/${encodeURIComponent(org)}/retention`,
      key,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
  const ingest = async (events: object[]) => {
    const res = await t.request({ method: 'POST', url: '/v1/events/batch', key: t.adminKey, payload: { events } });
    expect(res.statusCode, res.body).toBe(200);
    const { results } = res.json() as { results: { status: number; id: string; sequence: number }[] };
    expect(results.map((r) => r.status)).toEqual(events.map(() => 201));
    return results;
  };
  const metaEvents = async (org: string) => {
    const res = await t.request({
      method: 'GET',
      url: '/v1/events',
      key: t.adminKey,
      query: { organization_id: org, action: 'retention.changed' },
    });
    return (res.json() as { data: { actor: object; metadata: Record<string, unknown> }[] }).data;
  };
  return { t, clock, retention, setRetention, ingest, metaEvents };
}

describe('retention policy API', () => {
  let app: Awaited<ReturnType<typeof clockedApp>>;
  beforeAll(async () => {
    app = await clockedApp();
  });
  afterAll(async () => {
    await app.t.close();
  });

  it('answers the project default for an organization without its own', async () => {
    const res = await app.retention('org_default');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ organization_id: 'org_default', plan: 'enterprise', days: 2555, source: 'project' });
  });

  it('validates the body and the organization id, naming each offending field', async () => {
    const bad = problem(await app.setRetention('org_acme', { plan: 'gold', days: 0, colour: 'red' }), 400);
    expect(bad.errors).toEqual([
      { path: 'plan', message: 'must be one of free, pro, enterprise' },
      { path: 'days', message: 'must be an integer from 1 to 36500' },
      { path: 'colour', message: 'is not a known field; use plan or days' },
    ]);
    for (const days of [1.5, '30', 36_501, -1]) {
      expect(problem(await app.setRetention('org_acme', { days }), 400).errors?.[0]?.path).toBe('days');
    }
    expect(problem(await app.setRetention('org_acme', [{ days: 30 }]), 400).errors?.[0]?.path).toBe('');
    expect(problem(await app.setRetention('org_acme', 'free'), 400).errors?.[0]?.path).toBe('');
    const control = problem(await app.retention('org\u0001acme'), 400);
    expect(control.errors?.[0]?.path).toBe('organization_id');
    expect(problem(await app.retention('auditledge:other'), 400).errors?.[0]?.path).toBe('organization_id');
    // The project's own log (API keys) has a retention policy like any organization's.
    expect((await app.retention('auditledge:system')).json()).toMatchObject({ source: 'project' });
    // Nothing was stored or recorded.
    expect((await app.retention('org_acme')).json()).toMatchObject({ source: 'project' });
    expect(await app.metaEvents('org_acme')).toEqual([]);
  });

  it('needs the admin scope, and a pinned key only reaches its own organization', async () => {
    expect((await app.t.request({ method: 'GET', url: '/v1/organizations/org_acme/retention' })).statusCode).toBe(401);
    const writer = await app.t.key(['events:read', 'events:write']);
    problem(await app.retention('org_acme', writer), 403);
    problem(await app.setRetention('org_acme', { days: 3000 }, writer), 403);
    const otherAdmin = await app.t.key(['admin'], 'org_other');
    const denied = problem(await app.setRetention('org_acme', { days: 3000 }, otherAdmin), 403);
    expect(denied.errors?.[0]?.path).toBe('organization_id');
    problem(await app.retention('org_acme', otherAdmin), 403);
    const ownAdmin = await app.t.key(['admin'], 'org_acme');
    expect((await app.retention('org_acme', ownAdmin)).statusCode).toBe(200);
    expect((await app.setRetention('org_acme', { days: 3000 }, ownAdmin)).statusCode).toBe(200);
    const minted = await app.t.request({
      method: 'POST',
      url: '/v1/viewer-tokens',
      key: app.t.adminKey,
      payload: { organization_id: 'org_acme' },
    });
    const viewer = (minted.json() as { token: string }).token;
    problem(await app.retention('org_acme', viewer), 403);
    problem(await app.setRetention('org_acme', { days: 1 }, viewer), 403);
    expect((await app.retention('org_acme')).json()).toMatchObject({ days: 3000 });
  });

  it("lengthens at once and records the change in the organization's own log", async () => {
    const res = await app.setRetention('org_long', { plan: 'enterprise', days: 3650 });
    expect(res.statusCode, res.body).toBe(200);
    const policy = {
      organization_id: 'org_long',
      plan: 'enterprise',
      days: 3650,
      source: 'organization',
      effective_at: iso(app.clock.now),
    };
    expect(res.json()).toEqual(policy);
    expect((await app.retention('org_long')).json()).toEqual(policy);
    const [meta, ...more] = await app.metaEvents('org_long');
    expect(more).toEqual([]);
    expect(meta?.actor).toEqual({ id: keyIdOf(app.t.adminKey), type: 'api_key' });
    expect(meta?.metadata).toMatchObject({
      change: 'applied',
      from_source: 'project',
      from_plan: 'enterprise',
      from_days: 2555,
      to_source: 'organization',
      to_plan: 'enterprise',
      to_days: 3650,
      effective_at: iso(app.clock.now),
    });
  });

  it('shortens only after the grace period; repeating or softening a shortening never hurries it', async () => {
    const org = 'org_short';
    const start = app.clock.now;
    const due = start + 7 * DAY;
    const scheduled = (await app.setRetention(org, { plan: 'free' })).json();
    expect(scheduled).toEqual({
      organization_id: org,
      plan: 'enterprise',
      days: 2555,
      source: 'project',
      pending: { plan: 'free', days: 30, source: 'organization', effective_at: iso(due) },
    });
    app.clock.now = start + DAY;
    // Asking again changes nothing and records nothing.
    expect((await app.setRetention(org, { plan: 'free' })).json()).toEqual(scheduled);
    // Deleting more restarts the grace period…
    const harsher = (await app.setRetention(org, { days: 10 })).json() as { pending: { effective_at: string } };
    expect(harsher.pending).toEqual({
      plan: null,
      days: 10,
      source: 'organization',
      effective_at: iso(start + 8 * DAY),
    });
    // …deleting less keeps the date already announced.
    const softer = (await app.setRetention(org, { days: 60 })).json() as { pending: { effective_at: string } };
    expect(softer.pending).toEqual({
      plan: null,
      days: 60,
      source: 'organization',
      effective_at: iso(start + 8 * DAY),
    });

    app.clock.now = start + 8 * DAY - 1;
    expect((await app.retention(org)).json()).toMatchObject({ days: 2555, pending: { days: 60 } });
    app.clock.now = start + 8 * DAY;
    expect((await app.retention(org)).json()).toEqual({
      organization_id: org,
      plan: null,
      days: 60,
      source: 'organization',
      effective_at: iso(start + 8 * DAY),
    });
    const changes = (await app.metaEvents(org)).map((e) => [e.metadata.change, e.metadata.to_days]);
    expect(changes).toEqual([
      ['scheduled', 60],
      ['scheduled', 10],
      ['scheduled', 30],
    ]);
  });

  it('cancels a pending shortening at once by asking for the window in force, or a longer one', async () => {
    const org = 'org_cancel';
    expect((await app.setRetention(org, { days: 90 })).json()).toMatchObject({ pending: { days: 90 } });
    const cancelled = (await app.setRetention(org, {})).json();
    expect(cancelled).toEqual({ organization_id: org, plan: 'enterprise', days: 2555, source: 'project' });
    expect((await app.setRetention(org, { plan: 'pro' })).json()).toMatchObject({ pending: { days: 365 } });
    expect((await app.setRetention(org, { days: 4000 })).json()).toEqual({
      organization_id: org,
      plan: null,
      days: 4000,
      source: 'organization',
      effective_at: iso(app.clock.now),
    });
    const changes = (await app.metaEvents(org)).map((e) => e.metadata.change);
    expect(changes).toEqual(['applied', 'scheduled', 'cancelled', 'scheduled']);
  });
});

describe('the retention job', () => {
  let app: Awaited<ReturnType<typeof clockedApp>>;
  beforeAll(async () => {
    app = await clockedApp({ AUDITLEDGE_RETENTION_BATCH_SIZE: '4' });
  });
  afterAll(async () => {
    await app.t.close();
  });

  // No timestamp: it defaults to the (moved) server clock.
  const { timestamp: _timestamp, ...seed } = SEED_EVENT;
  const event = (org: string, i: number, actor = { id: `user_${i}` }) => ({
    ...seed,
    organization_id: org,
    actor,
    action: i % 2 === 0 ? 'invoice.deleted' : 'invoice.viewed',
    resource: { type: 'invoice', id: `inv_${org}_${i}` },
  });

  /** One event a day from the clock as it is; returns their ids in order. */
  async function dailyEvents(org: string, count: number, actor?: (i: number) => { id: string; email?: string }) {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const [receipt] = await app.ingest([event(org, i, actor?.(i))]);
      ids.push(receipt?.id as string);
      app.clock.now += DAY;
    }
    return ids;
  }

  it('deletes what is older than the window, a batch per transaction, and answers 410 for it', async () => {
    const org = 'org_job';
    const start = app.clock.now;
    await app.setRetention(org, { plan: 'free' }); // in force from start + 7 days; sequence 0
    const ids = await dailyEvents(org, 10); // sequences 1–10, received start + 0…9 days
    app.clock.now = start + 35 * DAY; // cutoff: start + 5 days → the meta event and events 0–4
    const store = app.t.app.auditledge.store;
    const log = await store.getLogHead(app.t.app.auditledge.defaultProjectId, org);
    const prune = vi.spyOn(store, 'pruneEvents');
    try {
      const report = await app.t.app.auditledge.retention.pruneExpired();
      expect(report).toEqual({ logs: 1, events: 6, unresolved: [] });
      // Two transactions for this log: a full batch of 4, then the 2 left.
      const ofLog = await Promise.all(
        prune.mock.calls.flatMap(([request], i) =>
          request.logId === log?.log_id
            ? [Promise.resolve(prune.mock.results[i]?.value as Promise<number>).then((count) => [request.limit, count])]
            : [],
        ),
      );
      expect(ofLog).toEqual([
        [4, 4],
        [4, 2],
      ]);
      expect(prune.mock.calls.find(([request]) => request.logId === log?.log_id)?.[0]).toMatchObject({
        receivedBefore: start + 5 * DAY,
        rule: { plan: 'free', days: 30, source: 'organization' },
      });
    } finally {
      prune.mockRestore();
    }
    expect(await app.t.app.auditledge.retention.pruneExpired()).toEqual({ logs: 0, events: 0, unresolved: [] });

    const gone = problem(await app.t.request({ method: 'GET', url: `/v1/events/${ids[0]}`, key: app.t.adminKey }), 410);
    expect(gone).toMatchObject({
      type: 'urn:auditledge:problem:gone',
      title: 'Deleted by retention',
      event_id: ids[0],
      organization_id: org,
      sequence: 1,
      received_at: iso(start),
      pruned_at: iso(start + 35 * DAY),
      retention: { plan: 'free', days: 30, source: 'organization' },
    });
    expect(gone.detail).toContain('30-day retention (plan "free") of the organization');
    problem(await app.t.request({ method: 'GET', url: `/v1/events/${ids[4]}?proof=true`, key: app.t.adminKey }), 410);
    expect((await app.t.request({ method: 'GET', url: `/v1/events/${ids[5]}`, key: app.t.adminKey })).statusCode).toBe(
      200,
    );
    // A key pinned elsewhere learns nothing, not even that the event existed.
    const elsewhere = await app.t.key(['events:read'], 'org_other');
    problem(await app.t.request({ method: 'GET', url: `/v1/events/${ids[0]}`, key: elsewhere }), 404);
    const here = await app.t.key(['events:read'], org);
    problem(await app.t.request({ method: 'GET', url: `/v1/events/${ids[0]}`, key: here }), 410);
    const listed = await app.t.request({
      method: 'GET',
      url: '/v1/events',
      key: app.t.adminKey,
      query: { organization_id: org, action: 'invoice.*', limit: '100' },
    });
    expect((listed.json() as { data: { id: string }[] }).data.map((e) => e.id)).toEqual(ids.slice(5).reverse());
    // Back to the project default (longer: at once), so later passes leave this log alone.
    await app.setRetention(org, {});
  });

  it('deletes nothing under a shortened window until its grace period is over', async () => {
    const org = 'org_grace';
    const start = app.clock.now;
    await dailyEvents(org, 3); // received start + 0…2 days
    app.clock.now = start + 100 * DAY;
    expect((await app.setRetention(org, { plan: 'free' })).json()).toMatchObject({ days: 2555, pending: { days: 30 } });
    app.clock.now = start + 107 * DAY - 1;
    expect((await app.t.app.auditledge.retention.pruneExpired()).events).toBe(0);
    app.clock.now = start + 107 * DAY;
    // The three events are due; the record of the change itself (received at day 100) is not.
    expect(await app.t.app.auditledge.retention.pruneExpired()).toEqual({ logs: 1, events: 3, unresolved: [] });
    expect(await app.metaEvents(org)).toHaveLength(1);
    await app.setRetention(org, {});
  });

  it('leaves a pruned, then partly erased log verifiable offline, end to end', async () => {
    const org = 'org_e2e';
    const { t } = app;
    const key = t.app.auditledge.signingKey.verifierKey;
    const get = (url: string) => t.request({ method: 'GET', url, key: t.adminKey });
    const start = app.clock.now;
    await app.setRetention(org, { plan: 'free' }); // sequence 0, in force from start + 7 days
    const alice = { id: 'user_alice', name: 'Alice Johnson', email: 'alice@acme.com' };
    const ids = await dailyEvents(org, 12, (i) => (i % 2 === 0 ? alice : { id: 'user_bob' })); // sequences 1–12
    await t.app.auditledge.checkpointer.signGrownLogs();
    const before = (await get(`/v1/logs/${org}/checkpoint`)).body;
    const sizeBefore = openCheckpoint(before, key).size;
    expect(sizeBefore).toBe(13);

    // Retention: the change record and events 0–5 (received before start + 6 days).
    app.clock.now = start + 36 * DAY;
    expect(await t.app.auditledge.retention.pruneExpired()).toEqual({ logs: 1, events: 7, unresolved: [] });
    // Erasure of what is left of Alice: events 6, 8 and 10.
    const erased = await t.request({
      method: 'POST',
      url: `/v1/organizations/${org}/erasures`,
      key: t.adminKey,
      payload: { actor_id: 'user_alice' },
    });
    expect(erased.json()).toEqual({ erased_events: 3, erased_fields: 12 });

    // The checkpoint signed before pruning is consistent with the one after.
    await t.app.auditledge.checkpointer.signGrownLogs();
    const after = (await get(`/v1/logs/${org}/checkpoint`)).body;
    const [older, newer] = [openCheckpoint(before, key), openCheckpoint(after, key)];
    expect(newer.size).toBe(14); // + the erasure's meta event
    const { proof } = (await get(`/v1/logs/${org}/proofs/consistency?from=${older.size}&to=${newer.size}`)).json() as {
      proof: string[];
    };
    expect(verifyConsistency(older.size, newer.size, proof.map(base64Decode), older.rootHash, newer.rootHash)).toBe(
      true,
    );
    // A pruned leaf still has its inclusion proof; its content is gone from the tiles.
    const inclusion = await get(`/v1/logs/${org}/proofs/inclusion?index=1&tree_size=${newer.size}`);
    expect(inclusion.statusCode, inclusion.body).toBe(200);
    expect((await get(`/v1/logs/${org}/tile/0/000.p/${newer.size}`)).statusCode).toBe(200);
    problem(await get(`/v1/logs/${org}/tile/entries/000.p/${newer.size}`), 410);

    // The complete bundle: every position, pruned ones as leaf hashes; verified with no server.
    const bundle = (await get(`/v1/exports/events?format=bundle&organization_id=${org}&consistency_from=13`)).body;
    const verifier = new BundleVerifier(key, { previousCheckpoint: before, organizationId: org });
    verifier.pushText(bundle);
    const verdict = verifier.finish();
    expect(verdict).toMatchObject({ ok: true, complete: true, prunedEvents: 7, consistentWith: { size: 13 } });
    if (!verdict.ok) return;
    expect(verdict.events).toBe(verdict.treeSize);
    expect(bundle).not.toContain('alice@acme.com');
    expect(bundle).not.toContain(`inv_${org}_0\\"`);
    expect(bundle).toContain(`inv_${org}_6\\"`);
    expect(bundle).not.toContain(ids[0]);
    expect(bundle).toContain(ids[6]);

    // A filtered export lists the matching events still held, and verifies as such.
    const filtered = (await get(`/v1/exports/events?format=bundle&organization_id=${org}&action=invoice.viewed`)).body;
    const partial = new BundleVerifier(key);
    partial.pushText(filtered);
    expect(partial.finish()).toMatchObject({ ok: true, complete: false, prunedEvents: 0, events: 3 });
  });
});
