// The backends the store contract suite runs against, each on a fresh database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { LogHeadRow, Store } from '../src/store/store.js';

export interface StoreBackend {
  name: string;
  available: boolean;
  open(): Promise<Store>;
  cleanup?(): Promise<void>;
  /** Runs raw SQL as the application would, to prove the database itself refuses tampering. */
  execute(store: Store, sql: string): Promise<void>;
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
    async logHead(store, projectId, organizationId) {
      return (store as SqliteStore).rawDatabase
        .prepare('SELECT size, root_hash FROM logs WHERE project_id = ? AND organization_id = ?')
        .get(projectId, organizationId) as Pick<LogHeadRow, 'size' | 'root_hash'>;
    },
  };
  return [sqlite];
}
