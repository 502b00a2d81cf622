// The action-catalog part of the store contract, run against every backend: catalog entries, the
// enforcement mode, and the seen-action counters appendEvents keeps in its own transaction.
import { leafHash } from '@auditledge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreparedEvent, Store } from '../src/store/store.js';
import { storeBackends } from './store-backends.js';

const T0 = Date.UTC(2026, 4, 1);

function prepared(i: number, overrides: Partial<PreparedEvent> = {}): PreparedEvent {
  const leaf = JSON.stringify({ i, org: overrides.organizationId ?? 'org_1', action: overrides.action });
  return {
    projectId: 'prj_test',
    organizationId: 'org_1',
    id: `evt_catalog_${String(i).padStart(20, '0')}`,
    timestamp: T0 + i * 1000,
    receivedAt: T0 + i * 1000,
    actorId: 'user_1',
    actorEmail: null,
    action: 'invoice.deleted',
    resourceType: null,
    resourceId: null,
    targets: [],
    outcome: 'success',
    leaf,
    leafHash: leafHash(new TextEncoder().encode(leaf)),
    disclosures: '{}',
    searchText: '',
    idempotencyKey: null,
    requestHash: null,
    ...overrides,
  };
}

for (const backend of storeBackends()) {
  describe.skipIf(!backend.available)(`store contract (action catalog): ${backend.name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await backend.open();
      await store.ensureDefaultProject({ id: 'prj_test', name: 'test', personal_fields: [], created_at: 0 });
    });
    afterAll(async () => {
      await store?.close();
      await backend.cleanup?.();
    });

    it('creates a catalog entry, then updates only the fields given', async () => {
      const first = await store.putCatalogAction({
        projectId: 'prj_test',
        action: 'invoice.deleted',
        description: 'An invoice was deleted',
        metadataSchema: '{"type":"object"}',
        at: 1000,
      });
      expect(first).toEqual({
        created: true,
        row: {
          project_id: 'prj_test',
          action: 'invoice.deleted',
          description: 'An invoice was deleted',
          metadata_schema: '{"type":"object"}',
          created_at: 1000,
          updated_at: 1000,
        },
      });
      // Description left out: kept. Schema null: cleared.
      const second = await store.putCatalogAction({
        projectId: 'prj_test',
        action: 'invoice.deleted',
        metadataSchema: null,
        at: 2000,
      });
      expect(second).toEqual({
        created: false,
        row: { ...first.row, metadata_schema: null, updated_at: 2000 },
      });
      await store.putCatalogAction({ projectId: 'prj_test', action: 'api_key.created', at: 3000 });
      const listed = await store.listCatalogActions('prj_test');
      expect(listed.map((row) => [row.action, row.description])).toEqual([
        ['api_key.created', null],
        ['invoice.deleted', 'An invoice was deleted'],
      ]);
      expect(await store.listCatalogActions('prj_none')).toEqual([]);
    });

    it("keeps the project's enforcement mode, off until set", async () => {
      expect(await store.getActionEnforcement('prj_test')).toBe('off');
      await store.setActionEnforcement('prj_test', 'enforce', 1000);
      expect(await store.getActionEnforcement('prj_test')).toBe('enforce');
      await store.setActionEnforcement('prj_test', 'warn', 2000);
      expect(await store.getActionEnforcement('prj_test')).toBe('warn');
      expect(await store.getActionEnforcement('prj_none')).toBe('off');
    });

    it('counts appended events per action across logs and commits, with first and last arrival', async () => {
      await store.appendEvents([
        prepared(1),
        prepared(2, { action: 'user.created' }),
        prepared(3, { organizationId: 'org_2' }),
        prepared(4),
      ]);
      await store.appendEvents([prepared(5, { organizationId: 'org_2', action: 'user.created' }), prepared(0)]);
      expect(await store.listActionStats('prj_test')).toEqual([
        { action: 'invoice.deleted', count: 4, first_seen: T0, last_seen: T0 + 4000 },
        { action: 'user.created', count: 2, first_seen: T0 + 2000, last_seen: T0 + 5000 },
      ]);
      expect(await store.listActionStats('prj_none')).toEqual([]);
    });

    it('does not count an idempotent replay or a conflicting key', async () => {
      const key = { idempotencyKey: 'catalog-key', requestHash: new Uint8Array(32).fill(1) };
      const outcomes = await store.appendEvents([
        prepared(10, { action: 'report.exported', ...key }),
        prepared(11, { action: 'report.exported', ...key }),
      ]);
      expect(outcomes.map((o) => o.kind)).toEqual(['created', 'replayed']);
      const again = await store.appendEvents([
        prepared(12, { action: 'report.exported', ...key }),
        prepared(13, { action: 'report.exported', idempotencyKey: 'catalog-key', requestHash: new Uint8Array(32) }),
      ]);
      expect(again.map((o) => o.kind)).toEqual(['replayed', 'conflict']);
      const stats = await store.listActionStats('prj_test');
      expect(stats.find((row) => row.action === 'report.exported')).toMatchObject({ count: 1 });
    });
  });
}
