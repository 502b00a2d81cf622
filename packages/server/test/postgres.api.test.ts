// The API suites, unchanged, on PostgreSQL: createTestApp is wrapped so every app it builds runs
// on a fresh database of its own (dropped on close), then the suites are imported inside this
// file. Suites that peek into the SQLite file directly (rawDatabase) stay SQLite-only.
import { describe, vi } from 'vitest';
import { postgresTestsEnabled } from './postgres.database.js';

vi.mock('./helpers.js', async (importOriginal) => {
  const helpers = await importOriginal<typeof import('./helpers.js')>();
  const { createFreshDatabase } = await import('./postgres.database.js');
  const { PostgresStore } = await import('../src/store/postgres/postgres-store.js');
  return {
    ...helpers,
    async createTestApp(options: Parameters<typeof helpers.createTestApp>[0] = {}) {
      if (options.store) return helpers.createTestApp(options);
      const database = await createFreshDatabase();
      const store = await PostgresStore.open({ connectionString: database.ownerUrl });
      const t = await helpers.createTestApp({ ...options, store });
      return {
        ...t,
        async close() {
          await t.close();
          await database.drop();
        },
      };
    },
  };
});

describe.skipIf(!postgresTestsEnabled)('API on PostgreSQL', async () => {
  await import('./events.happy.test.js');
  await import('./ledger.proofs.test.js');
  await import('./actions.api.test.js');
  await import('./retention.api.test.js');
});
