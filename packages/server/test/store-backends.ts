// The backends the store contract suite runs against, each on a fresh database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { LogHeadRow, Store } from '../src/store/store.js';
import { createFreshDatabase, type FreshDatabase, postgresTestsEnabled } from './postgres.database.js';

export interface StoreBackend {
  name: string;
  available: boolean;
  open(): Promise<Store>;
  cleanup?(): Promise<void>;
  /** Runs raw SQL as the application would, to prove the database itself refuses tampering. */
  execute(store: Store, sql: string): Promise<void>;
  /** Runs raw SQL inside a transaction that opened the retention maintenance path. */
  executeAsRetention(store: Store, sql: string): Promise<void>;
  logHead(store: Store, projectId: string, organizationId: string): Promise<Pick<LogHeadRow, 'size' | 'root_hash'>>;
}

export function storeBackends(): StoreBackend[] {
  let dir: string | undefined;
  const sqlite: StoreBackend = {
    name: 'sqlite',
    available: true,
    async open() {
      dir = mkdtempSync(join(tmpdir(), 'auditledge-store-'));
      return SqliteStore.open({ filename: join(dir, 'test.db') });
    },
    async cleanup() {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
    async execute(store, sql) {
      (store as SqliteStore).rawDatabase.exec(sql);
    },
    async executeAsRetention(store, sql) {
      const db = (store as SqliteStore).rawDatabase;
      db.transaction(() => {
        db.exec('UPDATE ledger_maintenance SET active = 2 WHERE id = 1');
        db.exec(sql);
        db.exec('UPDATE ledger_maintenance SET active = 0 WHERE id = 1');
      })();
    },
    async logHead(store, projectId, organizationId) {
      return (store as SqliteStore).rawDatabase
        .prepare('SELECT size, root_hash FROM logs WHERE project_id = ? AND organization_id = ?')
        .get(projectId, organizationId) as Pick<LogHeadRow, 'size' | 'root_hash'>;
    },
  };

  let database: FreshDatabase | undefined;
  const postgres: StoreBackend = {
    name: 'postgres',
    available: postgresTestsEnabled,
    async open() {
      database = await createFreshDatabase();
      // Migrate as the schema owner, then run the store as the role production runs as, so the
      // contract also proves auditledge_app's grants are enough for everything the store does.
      await (await PostgresStore.open({ connectionString: database.ownerUrl })).close();
      return PostgresStore.open({ connectionString: database.appUrl });
    },
    async cleanup() {
      await database?.drop();
    },
    // As the schema owner: auditledge_app is refused even earlier, by its missing UPDATE/DELETE/
    // TRUNCATE grants (postgres.append-only.test.ts); the triggers must stop everyone else too.
    async execute(_store, sql) {
      await database?.execute(sql);
    },
    async executeAsRetention(_store, sql) {
      await database?.execute(`BEGIN; SET LOCAL auditledge.maintenance = 'retention'; ${sql}; COMMIT;`);
    },
    async logHead(store, projectId, organizationId) {
      const head = await store.getLogHead(projectId, organizationId);
      if (!head) throw new Error(`no log for ${projectId}/${organizationId}`);
      return head;
    },
  };
  return [sqlite, postgres];
}
