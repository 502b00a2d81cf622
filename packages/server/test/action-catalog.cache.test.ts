// The in-memory catalog ingest reads: one store read when cold, none while fresh, a background
// refresh (never a wait) once stale on a multi-node store, and a local change visible at once.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppContext } from '../src/context.js';
import { CATALOG_REFRESH_MS, forgetActionCatalog, loadActionCatalog } from '../src/services/actions/action-catalog.js';
import type { ActionEnforcement, CatalogActionRow } from '../src/store/store.js';

function fakeContext(multiNode: boolean) {
  const state = { enforcement: 'warn' as ActionEnforcement, rows: [] as CatalogActionRow[], reads: 0 };
  let gate: Promise<void> | undefined;
  const store = {
    capabilities: { multiNode },
    async getActionEnforcement() {
      return state.enforcement;
    },
    async listCatalogActions() {
      state.reads += 1;
      const rows = state.rows;
      if (gate) await gate;
      return rows;
    },
  };
  return {
    ctx: { store } as unknown as AppContext,
    state,
    /** Holds reads (which have already taken their rows) until the returned function is called. */
    hold(): () => void {
      let open: () => void = () => {};
      gate = new Promise((resolve) => {
        open = resolve;
      });
      return () => {
        gate = undefined;
        open();
      };
    },
  };
}

const row = (action: string, schema: object | null = null): CatalogActionRow => ({
  project_id: 'prj',
  action,
  description: null,
  metadata_schema: schema === null ? null : JSON.stringify(schema),
  created_at: 0,
  updated_at: 0,
});

afterEach(() => {
  vi.useRealTimers();
});

describe('loadActionCatalog', () => {
  it('reads once, then serves from memory until forgotten (single node)', async () => {
    const { ctx, state } = fakeContext(false);
    state.rows = [row('user.deleted')];
    const first = await loadActionCatalog(ctx, 'prj');
    expect([...first.validators.keys()]).toEqual(['user.deleted']);
    await loadActionCatalog(ctx, 'prj');
    expect(state.reads).toBe(1);
    state.rows = [row('user.deleted'), row('user.created', { required: ['x'] })];
    forgetActionCatalog(ctx, 'prj');
    const second = await loadActionCatalog(ctx, 'prj');
    expect(state.reads).toBe(2);
    expect(second.validators.get('user.created')?.({})).toEqual([
      { path: 'metadata.x', message: 'is required by the action catalog' },
    ]);
  });

  it('on a shared store, answers from the stale copy while refreshing in the background', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { ctx, state } = fakeContext(true);
    state.rows = [row('a.b')];
    await loadActionCatalog(ctx, 'prj');
    vi.setSystemTime(Date.now() + CATALOG_REFRESH_MS + 1);
    state.rows = [row('a.b'), row('c.d')];
    const stale = await loadActionCatalog(ctx, 'prj');
    expect([...stale.validators.keys()]).toEqual(['a.b']);
    await vi.waitFor(async () => {
      expect([...(await loadActionCatalog(ctx, 'prj')).validators.keys()]).toEqual(['a.b', 'c.d']);
    });
    expect(state.reads).toBe(2);
  });

  it('does not keep a load that raced a local change', async () => {
    const { ctx, state, hold } = fakeContext(false);
    state.rows = [row('old.action')];
    const releaseRead = hold();
    const racing = loadActionCatalog(ctx, 'prj');
    state.rows = [row('new.action')];
    forgetActionCatalog(ctx, 'prj');
    releaseRead();
    expect([...(await racing).validators.keys()]).toEqual(['old.action']);
    expect([...(await loadActionCatalog(ctx, 'prj')).validators.keys()]).toEqual(['new.action']);
  });
});
