// Three stateless nodes, one PostgreSQL: concurrent single, batch and duplicate (same idempotency
// key through two nodes at once) ingest into the same organizations, one node SIGKILLed mid-load.
// Afterwards every acknowledged event is stored exactly once, each log's sequences are contiguous,
// every checkpoint any node served is consistent with the next, and every inclusion proof holds.
import { rmSync } from 'node:fs';
import { openCheckpoint, verifyConsistency, verifyInclusion } from '@auditledge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_EVENT, tempDir } from './helpers.js';
import { createFreshDatabase, type FreshDatabase, postgresTestsEnabled } from './postgres.database.js';
import { type ServerProcess, startServerProcess, waitForExit } from './process.js';

const ORGS = ['org_mn_1', 'org_mn_2', 'org_mn_3'];
const b64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

describe.skipIf(!postgresTestsEnabled)('three nodes on one PostgreSQL, one SIGKILLed mid-load', () => {
  let database: FreshDatabase;
  const dataDir = tempDir('auditledge-multinode-');
  let nodes: ServerProcess[] = [];

  beforeAll(async () => {
    database = await createFreshDatabase();
    // Started together: migrations, the default project and the signing key file all race.
    nodes = await Promise.all(
      [0, 1, 2].map(() =>
        startServerProcess(dataDir, {
          DATABASE_URL: database.ownerUrl,
          AUDITLEDGE_CHECKPOINT_INTERVAL_MS: '200',
        }),
      ),
    );
  });
  afterAll(async () => {
    for (const node of nodes) {
      if (node.child.exitCode === null && node.child.signalCode === null) {
        node.child.kill('SIGTERM');
        await waitForExit(node.child);
      }
    }
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('acknowledges each event once, keeps sequences contiguous and every proof valid', async () => {
    const keys = nodes.flatMap((node) => (node.adminKey ? [node.adminKey] : []));
    expect(keys).toHaveLength(1); // one default project, one admin key, whoever won
    const key = keys[0] as string;
    const verifierKeys = await Promise.all(
      nodes.map(async (node) => (await fetch(`${node.url}/v1/verifier-key`)).text()),
    );
    expect(new Set(verifierKeys).size).toBe(1);
    const verifierKey = (verifierKeys[0] as string).trim();

    const acknowledged = new Map<string, { org: string; sequence: number; leafHash: string }>();
    const idempotent = new Map<string, { ids: Set<string>; answers: number }>();
    const notes: string[] = [];
    let killed = -1;
    let stop = false;
    let n = 0;
    const live = (i: number) => (i % 3 === killed ? (i + 1) % 3 : i % 3);
    const post = async (node: number, path: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${nodes[live(node)]?.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    const record = (r: { id: string; organization_id: string; sequence: number; leaf_hash: string }) =>
      acknowledged.set(r.id, { org: r.organization_id, sequence: r.sequence, leafHash: r.leaf_hash });

    const worker = async (w: number) => {
      while (!stop) {
        const i = n++;
        const org = ORGS[i % ORGS.length] as string;
        try {
          if (w % 3 === 0) {
            const events = Array.from({ length: 25 }, (_, j) => ({
              ...SEED_EVENT,
              organization_id: ORGS[(i + j) % ORGS.length],
              actor: { id: `user_${i}_${j}` },
            }));
            const { status, json } = await post(w, '/v1/events/batch', { events });
            if (status !== 200) continue;
            for (const r of json.results as {
              status: number;
              id: string;
              organization_id: string;
              sequence: number;
              leaf_hash: string;
            }[])
              if (r.status === 201) record(r);
          } else if (w % 3 === 1) {
            const { status, json } = await post(w, '/v1/events', {
              ...SEED_EVENT,
              organization_id: org,
              actor: { id: `user_${i}` },
            });
            if (status === 201) record(json as never);
          } else {
            // The same key through two nodes at once: one event, the other answer a replay.
            const idempotencyKey = `dup_${i}`;
            const body = { ...SEED_EVENT, organization_id: org, actor: { id: `user_dup_${i}` } };
            const answers = await Promise.allSettled([
              post(w, '/v1/events', body, { 'idempotency-key': idempotencyKey }),
              post(w + 1, '/v1/events', body, { 'idempotency-key': idempotencyKey }),
            ]);
            for (const answer of answers) {
              if (answer.status !== 'fulfilled' || (answer.value.status !== 201 && answer.value.status !== 200))
                continue;
              const r = answer.value.json as {
                id: string;
                organization_id: string;
                sequence: number;
                leaf_hash: string;
              };
              record(r);
              const seen = idempotent.get(idempotencyKey) ?? { ids: new Set<string>(), answers: 0 };
              seen.ids.add(r.id);
              seen.answers++;
              idempotent.set(idempotencyKey, seen);
            }
          }
        } catch {
          // A connection reset by the kill: that request was never acknowledged.
        }
      }
    };
    const checkpointSampler = async () => {
      while (!stop) {
        for (const org of ORGS) {
          try {
            const res = await fetch(`${nodes[live(n)]?.url}/v1/logs/${org}/checkpoint`, {
              headers: { authorization: `Bearer ${key}` },
            });
            if (res.status === 200) notes.push(await res.text());
          } catch {
            // the node was killed under this request
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    const running = [...Array.from({ length: 12 }, (_, w) => worker(w)), checkpointSampler()];
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const victim = nodes[1] as ServerProcess;
    victim.child.kill('SIGKILL');
    killed = 1;
    await waitForExit(victim.child);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    stop = true;
    await Promise.all(running);
    expect(acknowledged.size).toBeGreaterThan(300);
    for (const { ids } of idempotent.values()) expect(ids.size).toBe(1);
    expect([...idempotent.values()].filter((seen) => seen.answers === 2).length).toBeGreaterThan(10);

    const reader = nodes[0] as ServerProcess;
    const get = async (path: string) => {
      const res = await fetch(`${reader.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status, path).toBe(200);
      return res;
    };
    await new Promise((resolve) => setTimeout(resolve, 300)); // past the signing interval
    let proofsChecked = 0;
    for (const org of ORGS) {
      const stored: { id: string; sequence: number; leaf_hash: string }[] = [];
      let cursor: string | null = null;
      do {
        const page = (await (
          await get(
            `/v1/events?organization_id=${org}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          )
        ).json()) as { data: { id: string; sequence: number; leaf_hash: string }[]; next_cursor: string | null };
        stored.push(...page.data);
        cursor = page.next_cursor;
      } while (cursor);
      const sequences = stored.map((e) => e.sequence).sort((a, b) => a - b);
      expect(sequences).toEqual(Array.from({ length: stored.length }, (_, i) => i));
      const byId = new Map(stored.map((e) => [e.id, e]));
      expect(byId.size).toBe(stored.length);
      for (const [id, ack] of acknowledged) {
        if (ack.org !== org) continue;
        expect(byId.get(id)?.sequence, `acknowledged ${id} missing`).toBe(ack.sequence);
        expect(byId.get(id)?.leaf_hash).toBe(ack.leafHash);
      }

      // Every checkpoint any node served for this log, plus a fresh one at the head.
      const origin = `auditledge.local/`;
      const opened = [...notes, await (await get(`/v1/logs/${org}/checkpoint`)).text()]
        .map((note) => openCheckpoint(note, verifierKey))
        .filter((c) => c.origin.startsWith(origin) && c.origin.endsWith(`/${org}`))
        .sort((a, b) => a.size - b.size);
      const latest = opened[opened.length - 1];
      expect(latest?.size).toBe(stored.length);
      for (let i = 1; i < opened.length; i++) {
        const [from, to] = [opened[i - 1], opened[i]] as [(typeof opened)[number], (typeof opened)[number]];
        if (from.size === to.size) {
          expect(Buffer.from(from.rootHash).equals(Buffer.from(to.rootHash))).toBe(true);
          continue;
        }
        const { proof } = (await (
          await get(`/v1/logs/${org}/proofs/consistency?from=${from.size}&to=${to.size}`)
        ).json()) as {
          proof: string[];
        };
        expect(verifyConsistency(from.size, to.size, proof.map(b64), from.rootHash, to.rootHash)).toBe(true);
      }

      const root = (latest as (typeof opened)[number]).rootHash;
      const size = stored.length;
      const queue = [...stored];
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let event = queue.pop(); event; event = queue.pop()) {
            const proof = (await (
              await get(`/v1/logs/${org}/proofs/inclusion?index=${event.sequence}&tree_size=${size}`)
            ).json()) as { leaf_hash: string; proof: string[] };
            expect(proof.leaf_hash).toBe(event.leaf_hash);
            expect(verifyInclusion(b64(proof.leaf_hash), event.sequence, size, proof.proof.map(b64), root)).toBe(true);
            proofsChecked++;
          }
        }),
      );
    }
    expect(proofsChecked).toBeGreaterThanOrEqual(acknowledged.size);
  }, 120_000);
});
