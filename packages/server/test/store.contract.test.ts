// The store contract, run against every backend. Each backend gets a fresh database per run.

import { emptyFilter, leafHash, nodeKey, rootFromLeafHashes } from '@auditledge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreparedEvent, Store } from '../src/store/store.js';
import { storeBackends } from './store-backends.js';

function prepared(i: number, overrides: Partial<PreparedEvent> = {}): PreparedEvent {
  const leaf = JSON.stringify({ i, org: overrides.organizationId ?? 'org_1' });
  return {
    projectId: 'prj_test',
    organizationId: 'org_1',
    id: `evt_${String(i).padStart(26, '0')}`,
    timestamp: Date.UTC(2026, 4, 1) + i * 1000,
    receivedAt: Date.UTC(2026, 4, 1) + i * 1000,
    actorId: `user_${i % 3}`,
    actorEmail: `user${i % 3}@example.com`,
    action: i % 2 === 0 ? 'invoice.deleted' : 'user.created',
    resourceType: 'invoice',
    resourceId: `inv_${i}`,
    targets: [{ type: 'customer', id: `cus_${i % 2}` }],
    outcome: i % 5 === 0 ? 'failure' : 'success',
    leaf,
    leafHash: leafHash(new TextEncoder().encode(leaf)),
    disclosures: '{}',
    searchText: `user_${i % 3} invoice number${i}`,
    idempotencyKey: null,
    requestHash: null,
    ...overrides,
  };
}

for (const backend of storeBackends()) {
  describe.skipIf(!backend.available)(`store contract: ${backend.name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await backend.open();
      await store.ensureDefaultProject({ id: 'prj_test', name: 'test', personal_fields: [], created_at: 0 });
    });
    afterAll(async () => {
      await store?.close();
      await backend.cleanup?.();
    });

    it('creates the default project once', async () => {
      const again = await store.ensureDefaultProject({
        id: 'prj_other',
        name: 'x',
        personal_fields: [],
        created_at: 1,
      });
      expect(again).toMatchObject({ created: false, project: { id: 'prj_test' } });
    });

    it('assigns contiguous per-log sequences across transactions and logs', async () => {
      const first = await store.appendEvents([prepared(0), prepared(1, { organizationId: 'org_2' }), prepared(2)]);
      const second = await store.appendEvents([prepared(3), prepared(4, { organizationId: 'org_2' })]);
      const seqs = [...first, ...second].map((o) => (o.kind === 'conflict' ? -1 : o.receipt.sequence));
      expect(seqs).toEqual([0, 0, 1, 2, 1]);
    });

    it("lists a project's organization logs with their sizes, and no other project's", async () => {
      const heads = await store.listLogHeads('prj_test');
      const sizes = Object.fromEntries(heads.map((head) => [head.organization_id, head.size]));
      expect(sizes).toMatchObject({ org_1: 3, org_2: 2 });
      expect(heads.map((head) => head.organization_id)).toEqual([...heads.map((h) => h.organization_id)].sort());
      expect(heads.every((head) => head.root_hash instanceof Uint8Array && head.root_hash.length === 32)).toBe(true);
      expect(await store.listLogHeads('prj_none')).toEqual([]);
    });

    it('lists newest first and pages by keyset without gaps or repeats', async () => {
      await store.appendEvents(Array.from({ length: 20 }, (_, i) => prepared(100 + i, { organizationId: 'org_page' })));
      const seen: number[] = [];
      let after: { timestamp: number; sequence: number } | undefined;
      for (;;) {
        const rows = await store.listEvents({
          projectId: 'prj_test',
          organizationId: 'org_page',
          filter: emptyFilter(),
          limit: 6,
          ...(after && { after }),
        });
        if (rows.length === 0) break;
        seen.push(...rows.map((r) => r.sequence));
        const last = rows[rows.length - 1];
        if (!last) break;
        after = { timestamp: last.timestamp, sequence: last.sequence };
      }
      expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => 19 - i));
    });

    it('lists in leaf order for exports, from a sequence, below a sequence', async () => {
      const rows = await store.listEvents({
        projectId: 'prj_test',
        organizationId: 'org_page',
        filter: { ...emptyFilter(), actions: { include: ['invoice.*'], exclude: [] } },
        order: 'sequence',
        afterSequence: 3,
        beforeSequence: 15,
        limit: 4,
      });
      expect(rows.map((r) => r.sequence)).toEqual([4, 6, 8, 10]);
    });

    it('filters by actor, email, action prefix, resource or target, outcome, time and text', async () => {
      const q = async (filter: Partial<ReturnType<typeof emptyFilter>>) =>
        (
          await store.listEvents({
            projectId: 'prj_test',
            organizationId: 'org_page',
            filter: { ...emptyFilter(), ...filter },
            limit: 100,
          })
        ).map((r) => r.sequence);
      const all = Array.from({ length: 20 }, (_, i) => i);
      const expectSeqs = (seqs: number[], predicate: (i: number) => boolean) =>
        expect(seqs.sort((a, b) => a - b)).toEqual(all.filter((s) => predicate(100 + s)));
      expectSeqs(await q({ actorIds: { include: ['user_1'], exclude: [] } }), (i) => i % 3 === 1);
      expectSeqs(await q({ actorEmails: { include: ['USER2@example.com'], exclude: [] } }), (i) => i % 3 === 2);
      expectSeqs(await q({ actions: { include: ['invoice.*'], exclude: [] } }), (i) => i % 2 === 0);
      expectSeqs(await q({ actions: { include: [], exclude: ['invoice.deleted'] } }), (i) => i % 2 === 1);
      expectSeqs(
        await q({ resources: { include: [{ type: 'invoice', id: 'inv_105' }], exclude: [] } }),
        (i) => i === 105,
      );
      expectSeqs(
        await q({ resources: { include: [{ type: 'customer', id: 'cus_1' }], exclude: [] } }),
        (i) => i % 2 === 1,
      );
      expectSeqs(await q({ outcomes: { include: ['failure'], exclude: [] } }), (i) => i % 5 === 0);
      const base = Date.UTC(2026, 4, 1);
      expectSeqs(await q({ since: base + 105_000, until: base + 110_000 }), (i) => i >= 105 && i < 110);
      expectSeqs(await q({ text: ['number107'] }), (i) => i === 107);
      // Subject access: as actor by id or email, or as a resource or target by id.
      expectSeqs(await q({ subjects: { include: ['user_2'], exclude: [] } }), (i) => i % 3 === 2);
      expectSeqs(await q({ subjects: { include: ['USER1@example.com'], exclude: [] } }), (i) => i % 3 === 1);
      expectSeqs(
        await q({ subjects: { include: ['inv_104', 'cus_1'], exclude: [] } }),
        (i) => i === 104 || i % 2 === 1,
      );
    });

    it('never returns another project or organization', async () => {
      expect(
        await store.listEvents({
          projectId: 'prj_other',
          organizationId: 'org_page',
          filter: emptyFilter(),
          limit: 10,
        }),
      ).toEqual([]);
      const event = await store.getEvent('prj_test', prepared(105).id);
      expect(event?.organization_id).toBe('org_page');
      expect(await store.getEvent('prj_other', prepared(105).id)).toBeUndefined();
    });

    it('stores the Merkle nodes so the head root equals the root of all leaves', async () => {
      const rows = await store.listEvents({
        projectId: 'prj_test',
        organizationId: 'org_page',
        filter: emptyFilter(),
        limit: 100,
      });
      const leaves = rows.sort((a, b) => a.sequence - b.sequence).map((r) => r.leaf_hash);
      const head = await backend.logHead(store, 'prj_test', 'org_page');
      expect(head.size).toBe(20);
      expect(Buffer.from(head.root_hash).equals(Buffer.from(rootFromLeafHashes(leaves)))).toBe(true);
    });

    it('replays an idempotency key with the same request and reports a conflict with another', async () => {
      const hash = new Uint8Array(32).fill(1);
      const [created] = await store.appendEvents([prepared(200, { idempotencyKey: 'k', requestHash: hash })]);
      const [replayed, conflict, sameBatchReplay] = await store.appendEvents([
        prepared(201, { idempotencyKey: 'k', requestHash: hash }),
        prepared(202, { idempotencyKey: 'k', requestHash: new Uint8Array(32).fill(2) }),
        prepared(203, { idempotencyKey: 'k2', requestHash: hash }),
      ]);
      expect(created?.kind).toBe('created');
      expect(replayed).toMatchObject({ kind: 'replayed', receipt: { id: prepared(200).id } });
      expect(conflict).toEqual({ kind: 'conflict', idempotencyKey: 'k' });
      expect(sameBatchReplay?.kind).toBe('created');
    });

    it('refuses UPDATE and DELETE of ledger rows inside the database', async () => {
      await expect(backend.execute(store, "UPDATE events SET action = 'x.y'")).rejects.toThrow(/append-only/);
      await expect(backend.execute(store, 'DELETE FROM events')).rejects.toThrow(/append-only/);
      await expect(backend.execute(store, 'DELETE FROM merkle_nodes')).rejects.toThrow(/append-only/);
      await expect(backend.execute(store, 'UPDATE logs SET size = 0')).rejects.toThrow(/only grow/);
    });

    it('keeps API keys hashed and revocable', async () => {
      await store.insertApiKey({
        id: 'key_1',
        project_id: 'prj_test',
        name: 'k',
        secret_hash: new Uint8Array(32).fill(7),
        scopes: ['events:read'],
        organization_id: 'org_1',
        created_at: 1,
        revoked_at: null,
      });
      expect(await store.revokeApiKey('prj_other', 'key_1', 5)).toBe(false);
      expect(await store.revokeApiKey('prj_test', 'key_1', 5)).toBe(true);
      expect(await store.getApiKey('key_1')).toMatchObject({
        revoked_at: 5,
        organization_id: 'org_1',
        scopes: ['events:read'],
      });
    });

    describe('retention', () => {
      const DAY = 86_400_000;
      // Received well in the past: the database refuses to delete anything younger than a day.
      const T0 = Date.now() - 100 * DAY;
      const ORG = 'org_retention';
      const rule = { plan: 'free', days: 30, source: 'organization' as const };
      const retained = (i: number, overrides: Partial<PreparedEvent> = {}) =>
        prepared(300 + i, { organizationId: ORG, receivedAt: T0 + i * DAY, ...overrides });
      let logId: number;

      beforeAll(async () => {
        await store.appendEvents(
          Array.from({ length: 10 }, (_, i) =>
            retained(i, {
              targets: [{ type: 'customer', id: `cus_ret_${i}` }],
              searchText: `retained${i}`,
              ...(i === 0 && { idempotencyKey: 'retained-0', requestHash: new Uint8Array(32).fill(9) }),
            }),
          ),
        );
        logId = (await store.getLogHead('prj_test', ORG))?.log_id as number;
      });

      it("stores, replaces and lists organizations' retention settings", async () => {
        expect(await store.getRetentionPolicy('prj_test', ORG)).toBeUndefined();
        const row = {
          project_id: 'prj_test',
          organization_id: ORG,
          plan: 'pro',
          days: null,
          effective_at: 1,
          pending_plan: 'free',
          pending_days: null,
          pending_effective_at: 5,
          updated_at: 2,
        };
        await store.putRetentionPolicy(row);
        expect(await store.getRetentionPolicy('prj_test', ORG)).toEqual(row);
        const replaced = {
          ...row,
          plan: null,
          days: 10,
          pending_plan: null,
          pending_effective_at: null,
          updated_at: 3,
        };
        await store.putRetentionPolicy(replaced);
        expect(await store.getRetentionPolicy('prj_test', ORG)).toEqual(replaced);
        expect(await store.getRetentionPolicy('prj_other', ORG)).toBeUndefined();

        const all = await store.listRetentionTargets(-1, 1000);
        expect(all.find((t) => t.organization_id === ORG)).toEqual({
          log_id: logId,
          project_id: 'prj_test',
          organization_id: ORG,
          policy: replaced,
        });
        expect(all.find((t) => t.organization_id === 'org_1')?.policy).toBeNull();
        const first = await store.listRetentionTargets(-1, 2);
        const next = await store.listRetentionTargets(first[1]?.log_id as number, 1000);
        expect([...first, ...next]).toEqual(all);
        expect(all.map((t) => t.log_id)).toEqual([...all.map((t) => t.log_id)].sort((a, b) => a - b));
      });

      it('deletes the oldest due events a batch per transaction, leaving tombstones and every leaf hash', async () => {
        const before = await backend.logHead(store, 'prj_test', ORG);
        const request = { logId, receivedBefore: T0 + 6 * DAY + 1, prunedAt: T0 + 40 * DAY, rule };
        const batches = [];
        for (let i = 0; i < 4; i++) batches.push(await store.pruneEvents({ ...request, limit: 3 }));
        expect(batches).toEqual([3, 3, 1, 0]);

        const page = await store.listEvents({
          projectId: 'prj_test',
          organizationId: ORG,
          filter: emptyFilter(),
          order: 'sequence',
          limit: 100,
        });
        expect(page.map((row) => row.sequence)).toEqual([7, 8, 9]);
        expect(await store.getEvent('prj_test', retained(0).id)).toBeUndefined();
        expect(await store.getPrunedEvent('prj_test', retained(2).id)).toEqual({
          id: retained(2).id,
          organization_id: ORG,
          sequence: 2,
          received_at: T0 + 2 * DAY,
          pruned_at: T0 + 40 * DAY,
          received_before: request.receivedBefore,
          rule,
        });
        expect(await store.getPrunedEvent('prj_other', retained(2).id)).toBeUndefined();
        expect(await store.getPrunedEvent('prj_test', retained(8).id)).toBeUndefined();
        expect(await store.listPrunedSequences(logId, 0, 10)).toEqual([0, 1, 2, 3, 4, 5, 6]);
        expect(await store.listPrunedSequences(logId, 2, 5)).toEqual([2, 3, 4]);

        // The tree is untouched: every leaf hash is still a level-0 node, the head did not move.
        const nodes = await store.readNodes(
          logId,
          Array.from({ length: 10 }, (_, i) => ({ level: 0, index: i })),
        );
        const leafHashes = Array.from({ length: 10 }, (_, i) => nodes.get(nodeKey(0, i)));
        expect(leafHashes.map((hash) => Buffer.from(hash ?? []).toString('hex'))).toEqual(
          Array.from({ length: 10 }, (_, i) => Buffer.from(retained(i).leafHash).toString('hex')),
        );
        const after = await backend.logHead(store, 'prj_test', ORG);
        expect(after.size).toBe(before.size);
        expect(Buffer.from(after.root_hash).equals(Buffer.from(before.root_hash))).toBe(true);
        expect(Buffer.from(rootFromLeafHashes(leafHashes as Uint8Array[])).equals(Buffer.from(after.root_hash))).toBe(
          true,
        );
      });

      it('forgets what it deleted: targets, search text and idempotency keys', async () => {
        const find = async (filter: Partial<ReturnType<typeof emptyFilter>>) =>
          (
            await store.listEvents({
              projectId: 'prj_test',
              organizationId: ORG,
              filter: { ...emptyFilter(), ...filter },
              limit: 100,
            })
          ).map((row) => row.sequence);
        expect(await find({ resources: { include: [{ type: 'customer', id: 'cus_ret_1' }], exclude: [] } })).toEqual(
          [],
        );
        expect(await find({ resources: { include: [{ type: 'customer', id: 'cus_ret_8' }], exclude: [] } })).toEqual([
          8,
        ]);
        expect(await find({ text: ['retained3'] })).toEqual([]);
        expect(await find({ text: ['retained9'] })).toEqual([9]);
        // The key of a deleted event is free again: a retry this late is a new event, not a crash.
        const [again] = await store.appendEvents([
          retained(20, { receivedAt: T0 + 50 * DAY, idempotencyKey: 'retained-0', requestHash: new Uint8Array(32) }),
        ]);
        expect(again).toMatchObject({ kind: 'created', receipt: { sequence: 10 } });
      });

      it('stops at the first event not yet due, even when one after it arrived earlier', async () => {
        const org = 'org_retention_order';
        await store.appendEvents(
          [0, 5, 1].map((day, i) => prepared(330 + i, { organizationId: org, receivedAt: T0 + day * DAY })),
        );
        const log = (await store.getLogHead('prj_test', org))?.log_id as number;
        const prune = (days: number) =>
          store.pruneEvents({ logId: log, receivedBefore: T0 + days * DAY, limit: 100, prunedAt: T0, rule });
        expect(await prune(2)).toBe(1);
        expect(await store.listPrunedSequences(log, 0, 3)).toEqual([0]);
        expect(await prune(6)).toBe(2);
        expect(await store.listPrunedSequences(log, 0, 3)).toEqual([0, 1, 2]);
      });

      it('refuses deletion outside the retention path, and inside it anything retention does not need', async () => {
        const live = retained(9).id;
        await expect(backend.execute(store, `DELETE FROM events WHERE id = '${live}'`)).rejects.toThrow(/append-only/);
        await expect(backend.execute(store, `DELETE FROM event_targets WHERE log_id = ${logId}`)).rejects.toThrow(
          /append-only/,
        );
        await expect(backend.execute(store, 'DELETE FROM idempotency_keys')).rejects.toThrow(/append-only/);
        await expect(backend.execute(store, 'DELETE FROM pruned_events')).rejects.toThrow(/append-only/);
        await expect(backend.execute(store, "UPDATE pruned_events SET id = 'x'")).rejects.toThrow(/append-only/);
        await expect(backend.execute(store, 'DELETE FROM retention_prunes')).rejects.toThrow(/append-only/);
        await expect(
          backend.execute(
            store,
            `INSERT INTO retention_prunes (log_id, received_before, plan, days, source, pruned_at)
             VALUES (${logId}, 0, NULL, 1, 'project', 0)`,
          ),
        ).rejects.toThrow(/only by retention/);
        // On the retention path: no deletion without a tombstone, and nothing but deletion.
        await expect(backend.executeAsRetention(store, `DELETE FROM events WHERE id = '${live}'`)).rejects.toThrow(
          /append-only/,
        );
        await expect(backend.executeAsRetention(store, 'DELETE FROM merkle_nodes')).rejects.toThrow(/append-only/);
        await store.insertCheckpoint({
          log_id: logId,
          size: 1,
          root_hash: retained(0).leafHash,
          note: 'n',
          created_at: 0,
        });
        await expect(backend.executeAsRetention(store, 'DELETE FROM checkpoints')).rejects.toThrow(/append-only/);
        await expect(backend.executeAsRetention(store, 'DELETE FROM logs')).rejects.toThrow(/cannot be deleted/);
        await expect(backend.executeAsRetention(store, "UPDATE events SET disclosures = '{}'")).rejects.toThrow(
          /append-only/,
        );
        await expect(backend.executeAsRetention(store, 'UPDATE logs SET size = 0')).rejects.toThrow(/only grow/);
        // Not even retention may delete what arrived within the last day (by the database's clock).
        const fresh = prepared(340, { organizationId: 'org_retention_fresh', receivedAt: Date.now() });
        await store.appendEvents([fresh]);
        const freshLog = (await store.getLogHead('prj_test', 'org_retention_fresh'))?.log_id as number;
        await expect(
          store.pruneEvents({
            logId: freshLog,
            receivedBefore: Date.now() + DAY,
            limit: 10,
            prunedAt: Date.now(),
            rule,
          }),
        ).rejects.toThrow(/over a day ago/);
        await expect(
          backend.executeAsRetention(
            store,
            `INSERT INTO retention_prunes (log_id, received_before, plan, days, source, pruned_at)
               VALUES (${freshLog}, ${Date.now() + DAY}, NULL, 1, 'project', 0);
             INSERT INTO pruned_events (log_id, seq, id, received_at, prune_id)
               SELECT ${freshLog}, 0, '${fresh.id}', ${fresh.receivedAt}, max(id) FROM retention_prunes`,
          ),
        ).rejects.toThrow(/over a day ago/);
        expect(await store.getEvent('prj_test', fresh.id)).toBeDefined();
        expect(await store.getEvent('prj_test', live)).toBeDefined();
      });
    });
  });
}
