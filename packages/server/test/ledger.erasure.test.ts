// Erasure deletes personal values and their salts; every leaf, proof and checkpoint still verifies.
import { BundleVerifier, openCheckpoint } from '@auditledge/core';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { createTestApp, SEED_EVENT, type TestApp } from './helpers.js';

const ORG = 'org_erasure';
let t: TestApp;
let db: Database.Database;
let aliceIds: string[];
let checkpointBefore: string;

const bob = { id: 'user_bob', name: 'Bob Builder', email: 'bob@acme.com' };

beforeAll(async () => {
  t = await createTestApp({ env: { AUDITLEDGE_CHECKPOINT_INTERVAL_MS: '3600000' } });
  db = (t.app.auditledge.store as SqliteStore).rawDatabase;
  const events = [
    { ...SEED_EVENT, organization_id: ORG },
    { ...SEED_EVENT, organization_id: ORG, action: 'invoice.viewed' },
    { ...SEED_EVENT, organization_id: ORG, actor: bob, metadata: { ip: '198.51.100.7' } },
  ];
  const res = await t.request({ method: 'POST', url: '/v1/events/batch', key: t.adminKey, payload: { events } });
  aliceIds = (res.json() as { results: { id: string }[] }).results.slice(0, 2).map((r) => r.id);
  await t.app.auditledge.checkpointer.signGrownLogs();
  checkpointBefore = (await t.request({ method: 'GET', url: `/v1/logs/${ORG}/checkpoint`, key: t.adminKey })).body;
});
afterAll(async () => {
  await t.close();
});

const erase = (body: unknown) =>
  t.request({ method: 'POST', url: `/v1/organizations/${ORG}/erasures`, key: t.adminKey, payload: body as object });

describe('erasure', () => {
  it('validates the request', async () => {
    expect((await erase({})).statusCode).toBe(400);
    const unknown = await erase({ mail: 'alice@acme.com' });
    expect((unknown.json() as { errors: { path: string }[] }).errors[0]?.path).toBe('mail');
    const readOnly = await t.key(['events:read', 'events:write']);
    const res = await t.request({
      method: 'POST',
      url: `/v1/organizations/${ORG}/erasures`,
      key: readOnly,
      payload: { email: 'x@y.z' },
    });
    expect(res.statusCode).toBe(403);
  });

  it('erases every personal value of the matching events, and only theirs', async () => {
    const res = await erase({ email: 'ALICE@acme.com' });
    expect(res.statusCode).toBe(200);
    // Two events × (actor.name, actor.email, metadata.ip, metadata.user_agent).
    expect(res.json()).toEqual({ erased_events: 2, erased_fields: 8 });
    const event = (await t.request({ method: 'GET', url: `/v1/events/${aliceIds[0]}`, key: t.adminKey })).json() as {
      actor: Record<string, unknown>;
      metadata: Record<string, unknown>;
      erased: string[];
      resource: unknown;
    };
    expect(event.erased).toEqual(['actor.email', 'actor.name', 'metadata.ip', 'metadata.user_agent']);
    expect(event.actor.id).toBe('user_abc123');
    expect(JSON.stringify(event)).not.toContain('alice@acme.com');
    expect(JSON.stringify(event)).not.toContain('Alice Johnson');
    expect(event.resource).toEqual(SEED_EVENT.resource);
    const stored = JSON.stringify(db.prepare('SELECT leaf, disclosures, actor_email FROM events').all());
    expect(stored).not.toContain('alice@acme.com');
    expect(stored).not.toContain('203.0.113.42');
    expect(stored).toContain('bob@acme.com');
  });

  it('removes the erased values from search', async () => {
    const find = async (query: Record<string, string>) =>
      (
        (
          await t.request({
            method: 'GET',
            url: '/v1/events',
            key: t.adminKey,
            query: { organization_id: ORG, ...query },
          })
        ).json() as {
          data: unknown[];
        }
      ).data;
    expect(await find({ q: '"Alice Johnson"' })).toHaveLength(0);
    expect(await find({ actor_email: 'alice@acme.com' })).toHaveLength(0);
    expect(await find({ actor_id: 'user_abc123' })).toHaveLength(2);
    expect(await find({ q: 'Bob' })).toHaveLength(1);
  });

  it('leaves the log verifiable: the new checkpoint extends the old one, and a full export verifies', async () => {
    await t.app.auditledge.checkpointer.signGrownLogs();
    const after = (await t.request({ method: 'GET', url: `/v1/logs/${ORG}/checkpoint`, key: t.adminKey })).body;
    const key = t.app.auditledge.signingKey.verifierKey;
    // The only growth is the erasure's own meta event; the three events erased kept their leaves.
    expect(openCheckpoint(after, key).size).toBe(openCheckpoint(checkpointBefore, key).size + 1);
    const bundle = (
      await t.request({
        method: 'GET',
        url: `/v1/exports/events?format=bundle&organization_id=${ORG}&consistency_from=${openCheckpoint(checkpointBefore, key).size}`,
        key: t.adminKey,
      })
    ).body;
    expect(bundle).not.toContain('alice@acme.com');
    const verifier = new BundleVerifier(key, { previousCheckpoint: checkpointBefore });
    verifier.pushText(bundle);
    expect(verifier.finish()).toMatchObject({ ok: true, events: 4, complete: true });
    const proof = (
      await t.request({ method: 'GET', url: `/v1/events/${aliceIds[0]}?proof=true`, key: t.adminKey })
    ).json() as {
      proof: { disclosures: object };
    };
    expect(proof.proof.disclosures).toEqual({});
  });

  it('still refuses any other change, even to the leaf during maintenance', () => {
    expect(() => db.exec("UPDATE events SET disclosures = '{}'")).toThrow(/append-only/);
    db.exec('UPDATE ledger_maintenance SET active = 1');
    try {
      expect(() => db.exec("UPDATE events SET leaf = leaf || ' '")).toThrow(/append-only/);
      expect(() => db.exec("UPDATE events SET actor_email = 'mallory@evil.test'")).toThrow(/append-only/);
    } finally {
      db.exec('UPDATE ledger_maintenance SET active = 0');
    }
  });
});
