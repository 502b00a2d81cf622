// Tamper evidence through the API: signed checkpoints, inclusion and consistency proofs and tiles
// all check out with the core verifiers against the published verifier key.
import {
  decodeEntryBundle,
  leafHash,
  openCheckpoint,
  rootFromLeafHashes,
  unsealEvent,
  verifyConsistency,
  verifyDisclosures,
  verifyInclusion,
} from '@auditledge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, SEED_EVENT, type TestApp } from './helpers.js';

let t: TestApp;
let verifierKey: string;
const ORG = 'org_proofs';
const checkpoints: { size: number; note: string }[] = [];
const ids: string[] = [];

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const get = async (url: string) => {
  const res = await t.request({ method: 'GET', url, key: t.adminKey });
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res;
};

beforeAll(async () => {
  t = await createTestApp();
  verifierKey = (await t.request({ method: 'GET', url: '/v1/verifier-key' })).body.trim();
  // Grow the log in uneven steps, taking a checkpoint after each, so proofs span odd sizes.
  for (const count of [1, 2, 5, 1, 9, 300]) {
    const res = await t.request({
      method: 'POST',
      url: '/v1/events/batch',
      key: t.adminKey,
      payload: {
        events: Array.from({ length: count }, (_, i) => ({
          ...SEED_EVENT,
          organization_id: ORG,
          actor: { ...SEED_EVENT.actor, id: `user_${ids.length + i}` },
        })),
      },
    });
    ids.push(...(res.json() as { results: { id: string }[] }).results.map((r) => r.id));
    // What the background signer does every second, done now so the test does not wait for it.
    await t.app.auditledge.checkpointer.signGrownLogs();
    const note = (await get(`/v1/logs/${ORG}/checkpoint`)).body;
    checkpoints.push({ size: openCheckpoint(note, verifierKey).size, note });
  }
});
afterAll(async () => {
  await t.close();
});

describe('checkpoints', () => {
  it('are C2SP notes signed by the published key, for the log origin, at every size reached', () => {
    expect(verifierKey).toMatch(/^auditledge\.local\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/);
    expect(checkpoints.map((c) => c.size)).toEqual([1, 3, 8, 9, 18, 318]);
    for (const { note } of checkpoints) {
      const cp = openCheckpoint(note, verifierKey, {
        origin: `auditledge.local/${t.app.auditledge.defaultProjectId}/${ORG}`,
      });
      expect(note.split('\n')[0]).toBe(cp.origin);
      expect(note).toMatch(/\n\n— auditledge\.local [A-Za-z0-9+/]+=*\n$/);
    }
  });

  it('commit to the root of exactly the leaves the API returns', async () => {
    const res = await get(`/v1/events?organization_id=${ORG}&limit=1000`);
    const events = (res.json() as { data: { sequence: number; leaf_hash: string }[] }).data.sort(
      (a, b) => a.sequence - b.sequence,
    );
    const latest = openCheckpoint(checkpoints.at(-1)?.note as string, verifierKey);
    expect(
      Buffer.from(rootFromLeafHashes(events.map((e) => b64(e.leaf_hash)))).equals(Buffer.from(latest.rootHash)),
    ).toBe(true);
  });

  it('are rejected when signed by another key', () => {
    const other = 'auditledge.local+00000000+AcQiyUXwm0UqGAvFb93MRUbRu5Hn4apI7nHrRAsqy2ff';
    expect(() => openCheckpoint(checkpoints[0]?.note as string, other)).toThrow();
  });
});

describe('proofs', () => {
  it('prove every leaf included in every checkpoint that covers it', async () => {
    for (const { note } of checkpoints.slice(0, 5)) {
      const cp = openCheckpoint(note, verifierKey);
      for (let index = 0; index < cp.size; index++) {
        const proof = (await get(`/v1/logs/${ORG}/proofs/inclusion?index=${index}&tree_size=${cp.size}`)).json() as {
          leaf_hash: string;
          proof: string[];
        };
        expect(verifyInclusion(b64(proof.leaf_hash), index, cp.size, proof.proof.map(b64), cp.rootHash)).toBe(true);
      }
    }
  });

  it('prove every checkpoint consistent with every later one', async () => {
    for (const [i, older] of checkpoints.entries()) {
      for (const newer of checkpoints.slice(i + 1)) {
        const a = openCheckpoint(older.note, verifierKey);
        const b = openCheckpoint(newer.note, verifierKey);
        const { proof } = (await get(`/v1/logs/${ORG}/proofs/consistency?from=${a.size}&to=${b.size}`)).json() as {
          proof: string[];
        };
        expect(verifyConsistency(a.size, b.size, proof.map(b64), a.rootHash, b.rootHash), `${a.size}→${b.size}`).toBe(
          true,
        );
      }
    }
  });

  it('GET /v1/events/{id}?proof=true carries everything needed to verify the event offline', async () => {
    const res = await get(`/v1/events/${ids[7]}?proof=true`);
    const event = res.json() as Record<string, unknown> & {
      sequence: number;
      leaf_hash: string;
      proof: {
        leaf: string;
        disclosures: Record<string, { value: unknown; salt: string }>;
        leaf_index: number;
        tree_size: number;
        inclusion: string[];
        checkpoint: string;
      };
    };
    const cp = openCheckpoint(event.proof.checkpoint, verifierKey);
    expect(event.proof.tree_size).toBe(cp.size);
    const hash = leafHash(new TextEncoder().encode(event.proof.leaf));
    expect(Buffer.from(hash).toString('base64')).toBe(event.leaf_hash);
    expect(verifyInclusion(hash, event.sequence, cp.size, event.proof.inclusion.map(b64), cp.rootHash)).toBe(true);
    expect(verifyDisclosures(event.proof.leaf, event.proof.disclosures)).toEqual([]);
    const { event: unsealed } = unsealEvent(event.proof.leaf, event.proof.disclosures);
    expect(unsealed).toMatchObject({
      actor: event.actor,
      action: event.action,
      metadata: event.metadata,
      timestamp: event.timestamp,
    });
    // Personal values are commitments in the leaf, never plain text.
    expect(event.proof.leaf).not.toContain('alice@acme.com');
    expect(event.proof.leaf).not.toContain('203.0.113.42');
  });

  it('reject sizes beyond the log with a 400 naming the parameter', async () => {
    const res = await t.request({
      method: 'GET',
      url: `/v1/logs/${ORG}/proofs/inclusion?index=0&tree_size=100000`,
      key: t.adminKey,
    });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { errors: { path: string }[] }).errors[0]?.path).toBe('tree_size');
  });
});

describe('tlog-tiles', () => {
  it('serves hash tiles and entry bundles from which the checkpoint root is rebuilt', async () => {
    const size = 318;
    // Level 0: one full tile (256 hashes) and a partial one of 62; level 1: a partial tile of 1.
    const full = (await get(`/v1/logs/${ORG}/tile/0/000`)).rawPayload;
    const partial = (await get(`/v1/logs/${ORG}/tile/0/001.p/62`)).rawPayload;
    expect(full.length).toBe(256 * 32);
    expect(partial.length).toBe(62 * 32);
    const leaves = [...chunks(full), ...chunks(partial)];
    const cp = openCheckpoint(checkpoints.at(-1)?.note as string, verifierKey);
    expect(Buffer.from(rootFromLeafHashes(leaves)).equals(Buffer.from(cp.rootHash))).toBe(true);
    const level1 = (await get(`/v1/logs/${ORG}/tile/1/000.p/1`)).rawPayload;
    expect(level1.length).toBe(32);
    expect(Buffer.from(level1).equals(Buffer.from(rootFromLeafHashes(leaves.slice(0, 256))))).toBe(true);

    const bundle = decodeEntryBundle(new Uint8Array((await get(`/v1/logs/${ORG}/tile/entries/001.p/62`)).rawPayload));
    expect(bundle).toHaveLength(62);
    expect(Buffer.from(leafHash(bundle[0] as Uint8Array)).equals(Buffer.from(leaves[256] as Uint8Array))).toBe(true);
    expect(size).toBe(cp.size);
    const missing = await t.request({ method: 'GET', url: `/v1/logs/${ORG}/tile/0/002`, key: t.adminKey });
    expect(missing.statusCode).toBe(404);
  });
});

describe('isolation', () => {
  it('a key pinned to another organization cannot read this log', async () => {
    const pinned = await t.key(['events:read'], 'org_other');
    for (const url of [
      `/v1/logs/${ORG}/checkpoint`,
      `/v1/logs/${ORG}/proofs/inclusion?index=0&tree_size=1`,
      `/v1/logs/${ORG}/tile/0/000`,
    ]) {
      expect((await t.request({ method: 'GET', url, key: pinned })).statusCode, url).toBe(403);
    }
  });
});

function chunks(bytes: Buffer): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 32) out.push(new Uint8Array(bytes.subarray(i, i + 32)));
  return out;
}
