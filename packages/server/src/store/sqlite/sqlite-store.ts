// Embedded SQLite backend (better-sqlite3, WAL, synchronous=FULL). One writer connection owns all
// writes; a second, read-only connection serves queries, so a reader never sees a transaction
// that has not committed. better-sqlite3 is synchronous: each method runs to completion.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type NodeRef, nodeKey, storedHashIndex } from '@auditledge/core';
import Database from 'better-sqlite3';
import { eventFilterSql, type FilterSqlDialect } from '../event-filter-sql.js';
import type {
  ActionEnforcement,
  ActionStatsRow,
  ApiKeyRow,
  AppendOutcome,
  CatalogActionPut,
  CatalogActionRow,
  CheckpointRow,
  ErasureQuery,
  ErasureRewrite,
  EventPageQuery,
  EventRow,
  LogHeadRow,
  PreparedEvent,
  ProjectRow,
  PrunedEventRow,
  PruneRequest,
  RetentionPolicyRow,
  RetentionTargetRow,
  Scope,
  Store,
  StoreCapabilities,
} from '../store.js';
import * as actionCatalog from './sqlite-action-catalog.js';
import { AppendWorker } from './sqlite-append-worker-client.js';
import { configureWriter, SqliteAppender } from './sqlite-appender.js';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.js';
import * as retention from './sqlite-retention.js';

export interface SqliteStoreOptions {
  /** Path of the database file, or ':memory:' (single connection, tests only). */
  filename: string;
}

const OPTIMIZE_INTERVAL_MS = 10 * 60_000;

export class SqliteStore implements Store {
  readonly capabilities: StoreCapabilities = { multiNode: false };
  readonly #writer: Database.Database;
  readonly #reader: Database.Database;
  readonly #stmts: ReturnType<typeof prepareWriterStatements>;
  readonly #appender: SqliteAppender;
  readonly #readNode: Database.Statement;
  readonly #optimizer: NodeJS.Timeout;
  readonly #appendWorker: AppendWorker | undefined;

  private constructor(writer: Database.Database, reader: Database.Database, appendWorker: AppendWorker | undefined) {
    this.#writer = writer;
    this.#reader = reader;
    this.#stmts = prepareWriterStatements(writer);
    this.#appender = new SqliteAppender(writer);
    this.#readNode = reader.prepare('SELECT hash FROM merkle_nodes WHERE log_id = ? AND hidx = ?');
    // Refresh planner statistics as the data grows (sampled: milliseconds even at millions of rows).
    this.#optimizer = setInterval(() => {
      try {
        writer.pragma('optimize');
      } catch {
        // Busy with a long write: the next tick will do.
      }
    }, OPTIMIZE_INTERVAL_MS);
    this.#optimizer.unref();
    this.#appendWorker = appendWorker;
  }

  /** Opens (creating if needed) the database and runs pending migrations. */
  static open(options: SqliteStoreOptions): SqliteStore {
    const inMemory = options.filename === ':memory:';
    if (!inMemory) mkdirSync(dirname(options.filename), { recursive: true });
    const writer = new Database(options.filename);
    configureWriter(writer);
    migrate(writer);
    ensurePlannerStatistics(writer);
    const reader = inMemory ? writer : new Database(options.filename, { readonly: true, fileMustExist: true });
    reader.pragma('busy_timeout = 5000');
    // Appends run on a worker thread; an in-memory database cannot be shared with one.
    const worker = inMemory ? undefined : new AppendWorker(options.filename);
    return new SqliteStore(writer, reader, worker);
  }

  /** The writer connection, for tests that prove the database itself refuses tampering. */
  get rawDatabase(): Database.Database {
    return this.#writer;
  }

  async ensureDefaultProject(project: ProjectRow): Promise<{ project: ProjectRow; created: boolean }> {
    const existing = this.#writer.prepare('SELECT * FROM projects ORDER BY created_at LIMIT 1').get() as
      | ProjectDbRow
      | undefined;
    if (existing) return { project: toProject(existing), created: false };
    this.#writer
      .prepare('INSERT INTO projects (id, name, personal_fields, created_at) VALUES (?, ?, ?, ?)')
      .run(project.id, project.name, JSON.stringify(project.personal_fields), project.created_at);
    return { project, created: true };
  }

  async getProject(id: string): Promise<ProjectRow | undefined> {
    const row = this.#reader.prepare('SELECT * FROM projects WHERE id = ?').get(id) as ProjectDbRow | undefined;
    return row && toProject(row);
  }

  async insertApiKey(row: ApiKeyRow): Promise<void> {
    this.#writer
      .prepare(
        `INSERT INTO api_keys (id, project_id, name, secret_hash, scopes, organization_id, created_at, revoked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        row.id,
        row.project_id,
        row.name,
        row.secret_hash,
        JSON.stringify(row.scopes),
        row.organization_id,
        row.created_at,
        row.revoked_at,
      );
  }

  async getApiKey(id: string): Promise<ApiKeyRow | undefined> {
    // The writer connection: a key revoked a moment ago must stop working at once.
    const row = this.#stmts.getApiKey.get(id) as ApiKeyDbRow | undefined;
    return row && toApiKey(row);
  }

  async listApiKeys(projectId: string): Promise<ApiKeyRow[]> {
    const rows = this.#reader
      .prepare('SELECT * FROM api_keys WHERE project_id = ? ORDER BY created_at, id')
      .all(projectId) as ApiKeyDbRow[];
    return rows.map(toApiKey);
  }

  async revokeApiKey(projectId: string, id: string, at: number): Promise<boolean> {
    const result = this.#writer
      .prepare('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE project_id = ? AND id = ?')
      .run(at, projectId, id);
    return result.changes > 0;
  }

  async appendEvents(events: PreparedEvent[]): Promise<AppendOutcome[]> {
    // In the worker, the inserts and the fsync of the commit run beside the event loop, which
    // meanwhile parses, validates and seals the next group of requests.
    return this.#appendWorker ? this.#appendWorker.append(events) : this.#appender.append(events);
  }

  async listEvents(query: EventPageQuery): Promise<EventRow[]> {
    const log = this.#reader
      .prepare('SELECT id FROM logs WHERE project_id = ? AND organization_id = ?')
      .get(query.projectId, query.organizationId) as { id: number } | undefined;
    if (!log) return [];
    const where = eventFilterSql(log.id, query.filter, SQLITE_TEXT);
    let sql = `SELECT ${EVENT_COLUMNS} FROM events e WHERE ${where.sql}`;
    const params = [...where.params];
    if (query.beforeSequence !== undefined) {
      sql += ' AND e.seq < ?';
      params.push(query.beforeSequence);
    }
    if (query.order === 'sequence') {
      if (query.afterSequence !== undefined) {
        sql += ' AND e.seq > ?';
        params.push(query.afterSequence);
      }
      sql += ' ORDER BY e.seq ASC LIMIT ?';
    } else {
      if (query.after) {
        sql += ' AND (e.ts < ? OR (e.ts = ? AND e.seq < ?))';
        params.push(query.after.timestamp, query.after.timestamp, query.after.sequence);
      }
      sql += ' ORDER BY e.ts DESC, e.seq DESC LIMIT ?';
    }
    params.push(query.limit);
    const rows = this.#reader.prepare(sql).all(...params) as EventDbRow[];
    return rows.map((row) => toEventRow(row, query.organizationId));
  }

  async getEvent(projectId: string, eventId: string): Promise<EventRow | undefined> {
    const row = this.#reader
      .prepare(
        `SELECT ${EVENT_COLUMNS}, l.organization_id FROM events e JOIN logs l ON l.id = e.log_id
         WHERE e.id = ? AND l.project_id = ?`,
      )
      .get(eventId, projectId) as (EventDbRow & { organization_id: string }) | undefined;
    return row && toEventRow(row, row.organization_id);
  }

  async getLogHead(projectId: string, organizationId: string): Promise<LogHeadRow | undefined> {
    const row = this.#reader
      .prepare(
        'SELECT id AS log_id, project_id, organization_id, size, root_hash FROM logs WHERE project_id = ? AND organization_id = ?',
      )
      .get(projectId, organizationId) as LogHeadRow | undefined;
    return row && { ...row, root_hash: new Uint8Array(row.root_hash) };
  }

  async listLogHeads(projectId: string): Promise<LogHeadRow[]> {
    const rows = this.#reader
      .prepare(
        `SELECT id AS log_id, project_id, organization_id, size, root_hash FROM logs
         WHERE project_id = ? ORDER BY organization_id`,
      )
      .all(projectId) as LogHeadRow[];
    return rows.map((row) => ({ ...row, root_hash: new Uint8Array(row.root_hash) }));
  }

  async listLogsNeedingCheckpoint(limit: number): Promise<LogHeadRow[]> {
    const rows = this.#reader
      .prepare(
        `SELECT l.id AS log_id, l.project_id, l.organization_id, l.size, l.root_hash FROM logs l
         WHERE l.size > COALESCE((SELECT MAX(c.size) FROM checkpoints c WHERE c.log_id = l.id), 0)
         ORDER BY l.id LIMIT ?`,
      )
      .all(limit) as LogHeadRow[];
    return rows.map((row) => ({ ...row, root_hash: new Uint8Array(row.root_hash) }));
  }

  async readNodes(logId: number, refs: readonly NodeRef[]): Promise<Map<string, Uint8Array>> {
    const nodes = new Map<string, Uint8Array>();
    // Point lookups on the primary key, one prepared statement: a few microseconds each in-process,
    // and immune to the planner putting a table-valued function on the inside of a join (which
    // turned one proof into a scan of every node of the log).
    const read = this.#readNode;
    for (const ref of refs) {
      const key = nodeKey(ref.level, ref.index);
      if (nodes.has(key)) continue;
      const row = read.get(logId, storedHashIndex(ref.level, ref.index)) as { hash: Uint8Array } | undefined;
      if (row) nodes.set(key, new Uint8Array(row.hash));
    }
    return nodes;
  }

  async readLeaves(logId: number, start: number, end: number): Promise<string[]> {
    const rows = this.#reader
      .prepare('SELECT leaf FROM events WHERE log_id = ? AND seq >= ? AND seq < ? ORDER BY seq')
      .all(logId, start, end) as { leaf: string }[];
    return rows.map((row) => row.leaf);
  }

  async insertCheckpoint(row: CheckpointRow): Promise<void> {
    this.#writer
      .prepare('INSERT OR IGNORE INTO checkpoints (log_id, size, root_hash, note, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(row.log_id, row.size, row.root_hash, row.note, row.created_at);
  }

  async getCheckpoint(logId: number, size?: number): Promise<CheckpointRow | undefined> {
    // The writer connection: a checkpoint signed a moment ago by this process must be visible.
    const row = (
      size === undefined
        ? this.#writer.prepare('SELECT * FROM checkpoints WHERE log_id = ? ORDER BY size DESC LIMIT 1').get(logId)
        : this.#writer.prepare('SELECT * FROM checkpoints WHERE log_id = ? AND size = ?').get(logId, size)
    ) as CheckpointRow | undefined;
    return row && { ...row, root_hash: new Uint8Array(row.root_hash) };
  }

  async eraseEvents(
    query: ErasureQuery,
    rewrite: (row: EventRow) => ErasureRewrite | null,
  ): Promise<{ events: number; fields: number }> {
    const db = this.#writer;
    return db
      .transaction(() => {
        const log = db
          .prepare('SELECT id FROM logs WHERE project_id = ? AND organization_id = ?')
          .get(query.projectId, query.organizationId) as { id: number } | undefined;
        if (!log) return { events: 0, fields: 0 };
        const terms: string[] = [];
        const params: unknown[] = [log.id];
        if (query.actorId !== undefined) {
          terms.push('e.actor_id = ?');
          params.push(query.actorId);
        }
        if (query.email !== undefined) {
          terms.push('e.actor_email = ?');
          params.push(query.email.toLowerCase());
        }
        if (query.resourceId !== undefined) {
          terms.push(
            'e.resource_id = ? OR e.rowid_ IN (SELECT event_rowid FROM event_targets WHERE log_id = ? AND id = ?)',
          );
          params.push(query.resourceId, log.id, query.resourceId);
        }
        if (terms.length === 0) return { events: 0, fields: 0 };
        const rows = db
          .prepare(`SELECT e.rowid_, ${EVENT_COLUMNS} FROM events e WHERE e.log_id = ? AND (${terms.join(' OR ')})`)
          .all(...params) as (EventDbRow & { rowid_: number })[];
        db.prepare('UPDATE ledger_maintenance SET active = 1 WHERE id = 1').run();
        const update = db.prepare('UPDATE events SET disclosures = ?, actor_email = NULL WHERE rowid_ = ?');
        const deleteFts = db.prepare('DELETE FROM events_fts WHERE rowid = ?');
        const insertFts = db.prepare('INSERT INTO events_fts (rowid, body) VALUES (?, ?)');
        let events = 0;
        let fields = 0;
        for (const row of rows) {
          const change = rewrite(toEventRow(row, query.organizationId));
          if (!change) continue;
          update.run(change.disclosures, row.rowid_);
          deleteFts.run(row.rowid_);
          insertFts.run(row.rowid_, change.searchText);
          events += 1;
          fields += change.erasedFields;
        }
        db.prepare('UPDATE ledger_maintenance SET active = 0 WHERE id = 1').run();
        return { events, fields };
      })
      .immediate();
  }

  async getRetentionPolicy(projectId: string, organizationId: string): Promise<RetentionPolicyRow | undefined> {
    // The writer connection: a setting changed a moment ago must be what the next change builds on.
    return retention.getRetentionPolicy(this.#writer, projectId, organizationId);
  }

  async putRetentionPolicy(row: RetentionPolicyRow): Promise<void> {
    retention.putRetentionPolicy(this.#writer, row);
  }

  async listRetentionTargets(afterLogId: number, limit: number): Promise<RetentionTargetRow[]> {
    return retention.listRetentionTargets(this.#reader, afterLogId, limit);
  }

  async pruneEvents(request: PruneRequest): Promise<number> {
    return retention.pruneEvents(this.#writer, request);
  }

  async getPrunedEvent(projectId: string, eventId: string): Promise<PrunedEventRow | undefined> {
    return retention.getPrunedEvent(this.#reader, projectId, eventId);
  }

  async listPrunedSequences(logId: number, start: number, end: number): Promise<number[]> {
    return retention.listPrunedSequences(this.#reader, logId, start, end);
  }

  async listCatalogActions(projectId: string): Promise<CatalogActionRow[]> {
    // The writer connection: a change made a moment ago must be what the next ingest enforces.
    return actionCatalog.listCatalogActions(this.#writer, projectId);
  }

  async putCatalogAction(put: CatalogActionPut): Promise<{ row: CatalogActionRow; created: boolean }> {
    return actionCatalog.putCatalogAction(this.#writer, put);
  }

  async getActionEnforcement(projectId: string): Promise<ActionEnforcement> {
    return actionCatalog.getActionEnforcement(this.#writer, projectId);
  }

  async setActionEnforcement(projectId: string, enforcement: ActionEnforcement, at: number): Promise<void> {
    actionCatalog.setActionEnforcement(this.#writer, projectId, enforcement, at);
  }

  async listActionStats(projectId: string): Promise<ActionStatsRow[]> {
    return actionCatalog.listActionStats(this.#reader, projectId);
  }

  async getOrCreateSecret(name: string, create: () => Uint8Array): Promise<Uint8Array> {
    this.#writer.prepare('INSERT OR IGNORE INTO settings (name, value) VALUES (?, ?)').run(name, create());
    const row = this.#writer.prepare('SELECT value FROM settings WHERE name = ?').get(name) as { value: Uint8Array };
    return new Uint8Array(row.value);
  }

  async ping(): Promise<void> {
    this.#reader.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    clearInterval(this.#optimizer);
    await this.#appendWorker?.close();
    if (this.#reader !== this.#writer) this.#reader.close();
    // Folds the WAL back into the main file and refreshes planner statistics on a clean exit.
    try {
      this.#writer.pragma('optimize');
      this.#writer.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.#writer.close();
    }
  }
}

const EVENT_COLUMNS = 'e.id, e.seq, e.ts, e.received_at, e.leaf_hash, e.leaf, e.disclosures';

/** FTS5 query: each term is a quoted phrase (so operators in user input are inert), all required. */
const SQLITE_TEXT: FilterSqlDialect = {
  textMatch(terms) {
    const match = terms.map((term) => `"${term.replaceAll('"', '""')}"`).join(' AND ');
    return { sql: 'e.rowid_ IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)', params: [match] };
  },
};

function prepareWriterStatements(db: Database.Database) {
  return {
    getApiKey: db.prepare('SELECT * FROM api_keys WHERE id = ?'),
  };
}

/**
 * The query planner needs statistics to prefer the selective index (actor, resource id, FTS) over
 * walking the time index: without them a filtered first page at 1M events took 15-600 ms instead
 * of 2 ms. A new database gets representative statistics (a log of 1M events: ~100 per actor,
 * a few per resource id, 20 actions); `PRAGMA optimize` at close and on a timer replaces them with
 * real ones, sampled (analysis_limit) so it stays cheap at any size.
 */
const SEEDED_STATISTICS: readonly [string, string][] = [
  // Every index of the table needs an entry: one left out is guessed to be highly selective.
  ['sqlite_autoindex_events_1', '1000000 1'], // UNIQUE (id)
  ['sqlite_autoindex_events_2', '1000000 100000 1'], // UNIQUE (log_id, seq)
  ['events_time', '1000000 100000 2 1'],
  ['events_actor', '1000000 100000 100 2 1'],
  ['events_email', '1000000 100000 100 2 1'],
  ['events_action', '1000000 100000 5000 2 1'],
  ['events_resource_id', '1000000 100000 2 2 1'],
  ['events_resource_type', '1000000 100000 20000 2 1'],
];

function ensurePlannerStatistics(db: Database.Database): void {
  db.pragma('analysis_limit = 1000');
  const stat = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'").get();
  if (stat && db.prepare("SELECT 1 FROM sqlite_stat1 WHERE tbl = 'events'").get()) return;
  db.exec('ANALYZE sqlite_schema'); // creates sqlite_stat1
  const insert = db.prepare("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('events', ?, ?)");
  db.transaction(() => {
    db.prepare("DELETE FROM sqlite_stat1 WHERE tbl = 'events'").run();
    for (const [index, stats] of SEEDED_STATISTICS) insert.run(index, stats);
  })();
  db.exec('ANALYZE sqlite_schema'); // loads them
}

function migrate(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  for (const migration of SQLITE_MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        Date.now(),
      );
    }).immediate();
  }
}

interface ProjectDbRow {
  id: string;
  name: string;
  personal_fields: string;
  created_at: number;
}
interface ApiKeyDbRow {
  id: string;
  project_id: string;
  name: string;
  secret_hash: Uint8Array;
  scopes: string;
  organization_id: string | null;
  created_at: number;
  revoked_at: number | null;
}
interface EventDbRow {
  id: string;
  seq: number;
  ts: number;
  received_at: number;
  leaf_hash: Uint8Array;
  leaf: string;
  disclosures: string;
}

function toProject(row: ProjectDbRow): ProjectRow {
  return { ...row, personal_fields: JSON.parse(row.personal_fields) as string[] };
}

function toApiKey(row: ApiKeyDbRow): ApiKeyRow {
  return { ...row, secret_hash: new Uint8Array(row.secret_hash), scopes: JSON.parse(row.scopes) as Scope[] };
}

function toEventRow(row: EventDbRow, organizationId: string): EventRow {
  return {
    id: row.id,
    organization_id: organizationId,
    sequence: row.seq,
    timestamp: row.ts,
    received_at: row.received_at,
    leaf_hash: new Uint8Array(row.leaf_hash),
    leaf: row.leaf,
    disclosures: row.disclosures,
  };
}
