// The store contract, run against every backend. Each backend gets a fresh database per run.

import { emptyFilter, leafHash, rootFromLeafHashes } from '@auditledge/core';
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
  });
}
