// PostgreSQL backend (`pg` pool). Several stateless server processes may share one database:
// every append is one transaction that locks the affected log heads (SELECT ... FOR UPDATE, in a
// stable order so nodes never deadlock), so sequences stay contiguous whoever writes. Idempotency
// keys are serialized across nodes with transaction-scoped advisory locks taken before the heads.
import { createHash } from 'node:crypto';
import { EMPTY_ROOT, type NodeRef, nodeKey, nodeMap, storedHashIndex } from '@auditledge/core';
import pg from 'pg';
import { appendToLog, rightEdgeRefs } from '../../ledger/log-append.js';
import { tallyActions } from '../action-stats.js';
import { planAppend, settleReplays } from '../append-plan.js';
import { eventFilterSql, type FilterSqlDialect, type SqlFragment } from '../event-filter-sql.js';
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
  EventReceiptRow,
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
import * as actionCatalog from './postgres-action-catalog.js';
import { MAINTENANCE_SETTING, POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import * as retention from './postgres-retention.js';

/** `pg_advisory_xact_lock(bigint)` key serializing migrations across nodes ("auditled"). */
const MIGRATION_LOCK = '7022344779264386404';
/** Class ids for `pg_advisory_xact_lock(int4, int4)` (a key space apart from the bigint one). */
const IDEMPOTENCY_LOCK_CLASS = 0x414c4b01;
const DEFAULT_PROJECT_LOCK_CLASS = 0x414c4b02;
/** Whole-transaction retries after a serialization failure, deadlock or a lost uniqueness race. */
const MAX_APPEND_ATTEMPTS = 5;
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01', '23505']);

/** The few driver methods this store calls (Kysely-style: depend on the subset you use). */
interface PgQueryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}
interface PgClient extends PgQueryable {
  release(destroy?: boolean | Error): void;
}
interface PgPool extends PgQueryable {
  connect(): Promise<PgClient>;
  end(): Promise<void>;
}

export interface PostgresStoreOptions {
  /** `postgres://user@host:port/database`; `?options=-c%20role%3Dauditledge_app` switches role. */
  connectionString: string;
  /** Pool size per process (default 10). */
  maxConnections?: number;
}

/** int8 as JS number: every bigint here (epoch ms, sizes, ids) is far below 2^53. */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

export class PostgresStore implements Store {
  readonly capabilities: StoreCapabilities = { multiNode: true };
  readonly #pool: PgPool;
  /** Log ids by (project, organization). Logs are never deleted, so a known id stays valid. */
  readonly #logIds = new Map<string, number>();

  private constructor(pool: PgPool) {
    this.#pool = pool;
  }

  /** Connects and runs pending migrations (safe when several nodes start at once). */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      application_name: 'auditledge',
      types: TYPES,
      // Lets an append send its write and COMMIT in one round trip (see #appendOnce).
      pipeline: true,
    });
    // An idle client whose server went away: the pool drops it and the next query reconnects.
    pool.on('error', () => {});
    try {
      await migrate(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresStore(pool);
  }

  async ensureDefaultProject(project: ProjectRow): Promise<{ project: ProjectRow; created: boolean }> {
    // Nodes starting together on an empty database must agree on one default project.
    return this.#transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, 0)', [DEFAULT_PROJECT_LOCK_CLASS]);
      const existing = await client.query<ProjectDbRow>('SELECT * FROM projects ORDER BY created_at, id LIMIT 1');
      const row = existing.rows[0];
      if (row) return { project: toProject(row), created: false };
      await client.query('INSERT INTO projects (id, name, personal_fields, created_at) VALUES ($1, $2, $3, $4)', [
        project.id,
        project.name,
        JSON.stringify(project.personal_fields),
        project.created_at,
      ]);
      return { project, created: true };
    });
  }

  async getProject(id: string): Promise<ProjectRow | undefined> {
    const { rows } = await this.#pool.query<ProjectDbRow>('SELECT * FROM projects WHERE id = $1', [id]);
    return rows[0] && toProject(rows[0]);
  }

  async insertApiKey(row: ApiKeyRow): Promise<void> {
    await this.#pool.query(
      `INSERT INTO api_keys (id, project_id, name, secret_hash, scopes, organization_id, created_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        row.id,
        row.project_id,
        row.name,
        row.secret_hash,
        JSON.stringify(row.scopes),
        row.organization_id,
        row.created_at,
        row.revoked_at,
      ],
    );
  }

  async getApiKey(id: string): Promise<ApiKeyRow | undefined> {
    const { rows } = await this.#pool.query<ApiKeyDbRow>('SELECT * FROM api_keys WHERE id = $1', [id]);
    return rows[0] && toApiKey(rows[0]);
  }

  async listApiKeys(projectId: string): Promise<ApiKeyRow[]> {
    const { rows } = await this.#pool.query<ApiKeyDbRow>(
      'SELECT * FROM api_keys WHERE project_id = $1 ORDER BY created_at, id',
      [projectId],
    );
    return rows.map(toApiKey);
  }

  async revokeApiKey(projectId: string, id: string, at: number): Promise<boolean> {
    const result = await this.#pool.query(
      'UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE project_id = $2 AND id = $3',
      [at, projectId, id],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async appendEvents(events: PreparedEvent[]): Promise<AppendOutcome[]> {
    if (events.length === 0) return [];
    for (let attempt = 1; ; attempt++) {
      try {
        const heads: LogHead[] = [];
        const outcomes = await this.#appendOnce(events, heads);
        // Only committed logs are remembered: a rolled-back transaction may have created them.
        for (const head of heads) this.#logIds.set(scoped(head.project_id, head.organization_id), head.id);
        return outcomes;
      } catch (error) {
        // A racing node won a uniqueness race or PostgreSQL chose us as a deadlock victim: the
        // transaction rolled back whole, so running it again sees the winner's rows.
        if (attempt >= MAX_APPEND_ATTEMPTS || !RETRYABLE_SQLSTATES.has(sqlState(error))) throw error;
      }
    }
  }

  async #appendOnce(events: PreparedEvent[], heads: LogHead[]): Promise<AppendOutcome[]> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const { outcomes, write } = await this.#appendInTransaction(client, events, heads);
      // The write and COMMIT go out back to back (pipeline mode), so the head locks are released
      // without waiting for this process to be scheduled in between: under contention between
      // nodes, how long a head stays locked is what bounds throughput. A failed write turns the
      // COMMIT into a ROLLBACK.
      const [written, committed] = await Promise.allSettled([
        write && client.query(write.sql, write.params),
        client.query('COMMIT'),
      ]);
      if (written.status === 'rejected') throw written.reason;
      if (committed.status === 'rejected') throw committed.reason;
      return outcomes;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async #appendInTransaction(
    client: PgQueryable,
    events: PreparedEvent[],
    heads: LogHead[],
  ): Promise<{ outcomes: AppendOutcome[]; write: SqlFragment | undefined }> {
    const stored = await lockAndReadIdempotencyKeys(client, events);
    const plan = planAppend(events, (event) => {
      const previous = stored.get(scoped(event.projectId, event.idempotencyKey));
      return previous && { requestHash: previous.request_hash, receipt: toReceipt(previous) };
    });
    const { outcomes, byLog } = plan;

    let write: SqlFragment | undefined;
    if (byLog.size > 0) {
      heads.push(...(await this.#lockHeads(client, events, byLog)));
      write = appendStatement(events, byLog, heads, outcomes);
    }

    return { outcomes: settleReplays(plan), write };
  }

  /**
   * Locks the heads of every log the batch touches, creating missing ones first. All creations
   * happen before any row lock, and rows are locked in one statement in (project, organization)
   * order, so two transactions never wait on each other in a cycle.
   */
  async #lockHeads(client: PgQueryable, events: PreparedEvent[], byLog: Map<string, number[]>): Promise<LogHead[]> {
    const wanted = [...byLog.values()].map((indexes) => events[indexes[0] as number] as PreparedEvent);
    const projects = wanted.map((event) => event.projectId);
    const organizations = wanted.map((event) => event.organizationId);
    if (wanted.some((event) => !this.#logIds.has(scoped(event.projectId, event.organizationId)))) {
      const createdAt = Math.min(...wanted.map((event) => event.receivedAt));
      const order = wanted.map((_, i) => i).sort((a, b) => compareLogs(wanted[a], wanted[b]));
      await client.query(
        `INSERT INTO logs (project_id, organization_id, size, root_hash, created_at)
         SELECT w.project_id, w.organization_id, 0, $3, $4 FROM unnest($1::text[], $2::text[]) AS w(project_id, organization_id)
         ON CONFLICT (project_id, organization_id) DO NOTHING`,
        [order.map((i) => projects[i]), order.map((i) => organizations[i]), EMPTY_ROOT, createdAt],
      );
    }
    const { rows } = await client.query<LogHead>(
      `SELECT l.id, l.project_id, l.organization_id, l.size, l.root_hash, l.right_edge
       FROM logs l JOIN unnest($1::text[], $2::text[]) AS w(project_id, organization_id)
         ON l.project_id = w.project_id AND l.organization_id = w.organization_id
       ORDER BY l.project_id COLLATE "C", l.organization_id COLLATE "C"
       FOR UPDATE OF l`,
      [projects, organizations],
    );
    if (rows.length !== wanted.length) throw new Error('ledger: a log head vanished while being locked');
    return rows;
  }

  async listEvents(query: EventPageQuery): Promise<EventRow[]> {
    const logId = await this.#logId(query.projectId, query.organizationId);
    if (logId === undefined) return [];
    const where = eventFilterSql(logId, query.filter, POSTGRES_TEXT);
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
        // A row comparison is one index range on (log_id, ts, seq), not an OR the planner splits.
        sql += ' AND (e.ts, e.seq) < (?, ?)';
        params.push(query.after.timestamp, query.after.sequence);
      }
      sql += ' ORDER BY e.ts DESC, e.seq DESC LIMIT ?';
    }
    params.push(query.limit);
    const { rows } = await this.#pool.query<EventDbRow>(numberPlaceholders(sql), params);
    return rows.map((row) => toEventRow(row, query.organizationId));
  }

  async getEvent(projectId: string, eventId: string): Promise<EventRow | undefined> {
    const { rows } = await this.#pool.query<EventDbRow & { organization_id: string }>(
      `SELECT ${EVENT_COLUMNS}, l.organization_id FROM events e JOIN logs l ON l.id = e.log_id
       WHERE e.id = $1 AND l.project_id = $2`,
      [eventId, projectId],
    );
    const row = rows[0];
    return row && toEventRow(row, row.organization_id);
  }

  async getLogHead(projectId: string, organizationId: string): Promise<LogHeadRow | undefined> {
    const { rows } = await this.#pool.query<LogHeadRow>(
      `SELECT id AS log_id, project_id, organization_id, size, root_hash FROM logs
       WHERE project_id = $1 AND organization_id = $2`,
      [projectId, organizationId],
    );
    return rows[0] && toLogHead(rows[0]);
  }

  async listLogHeads(projectId: string): Promise<LogHeadRow[]> {
    const { rows } = await this.#pool.query<LogHeadRow>(
      `SELECT id AS log_id, project_id, organization_id, size, root_hash FROM logs
       WHERE project_id = $1 ORDER BY organization_id`,
      [projectId],
    );
    return rows.map(toLogHead);
  }

  async listLogsNeedingCheckpoint(limit: number): Promise<LogHeadRow[]> {
    const { rows } = await this.#pool.query<LogHeadRow>(
      `SELECT l.id AS log_id, l.project_id, l.organization_id, l.size, l.root_hash FROM logs l
       WHERE l.size > COALESCE((SELECT max(c.size) FROM checkpoints c WHERE c.log_id = l.id), 0)
       ORDER BY l.id LIMIT $1`,
      [limit],
    );
    return rows.map(toLogHead);
  }

  async readNodes(logId: number, refs: readonly NodeRef[]): Promise<Map<string, Uint8Array>> {
    const nodes = new Map<string, Uint8Array>();
    if (refs.length === 0) return nodes;
    // One statement: the stored-hash indexes become a join on the primary key.
    const { rows } = await this.#pool.query<{ i: number; hash: Uint8Array }>(
      `SELECT r.i, n.hash FROM unnest($2::bigint[]) WITH ORDINALITY AS r(hidx, i)
       JOIN merkle_nodes n ON n.log_id = $1 AND n.hidx = r.hidx`,
      [logId, refs.map((ref) => storedHashIndex(ref.level, ref.index))],
    );
    for (const row of rows) {
      const ref = refs[row.i - 1] as NodeRef;
      nodes.set(nodeKey(ref.level, ref.index), new Uint8Array(row.hash));
    }
    return nodes;
  }

  async readLeaves(logId: number, start: number, end: number): Promise<string[]> {
    const { rows } = await this.#pool.query<{ leaf: string }>(
      'SELECT leaf FROM events WHERE log_id = $1 AND seq >= $2 AND seq < $3 ORDER BY seq',
      [logId, start, end],
    );
    return rows.map((row) => row.leaf);
  }

  async insertCheckpoint(row: CheckpointRow): Promise<void> {
    await this.#pool.query(
      `INSERT INTO checkpoints (log_id, size, root_hash, note, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (log_id, size) DO NOTHING`,
      [row.log_id, row.size, row.root_hash, row.note, row.created_at],
    );
  }

  async getCheckpoint(logId: number, size?: number): Promise<CheckpointRow | undefined> {
    const { rows } =
      size === undefined
        ? await this.#pool.query<CheckpointRow>(
            'SELECT * FROM checkpoints WHERE log_id = $1 ORDER BY size DESC LIMIT 1',
            [logId],
          )
        : await this.#pool.query<CheckpointRow>('SELECT * FROM checkpoints WHERE log_id = $1 AND size = $2', [
            logId,
            size,
          ]);
    const row = rows[0];
    return row && { ...row, root_hash: new Uint8Array(row.root_hash) };
  }

  async eraseEvents(
    query: ErasureQuery,
    rewrite: (row: EventRow) => ErasureRewrite | null,
  ): Promise<{ events: number; fields: number }> {
    const logId = await this.#logId(query.projectId, query.organizationId);
    if (logId === undefined) return { events: 0, fields: 0 };
    const terms: string[] = [];
    const params: unknown[] = [logId];
    if (query.actorId !== undefined) {
      params.push(query.actorId);
      terms.push(`e.actor_id = $${params.length}`);
    }
    if (query.email !== undefined) {
      params.push(query.email.toLowerCase());
      terms.push(`e.actor_email = $${params.length}`);
    }
    if (query.resourceId !== undefined) {
      params.push(query.resourceId);
      terms.push(
        `e.resource_id = $${params.length} OR e.rowid_ IN (SELECT t.event_rowid FROM event_targets t WHERE t.log_id = $1 AND t.id = $${params.length})`,
      );
    }
    if (terms.length === 0) return { events: 0, fields: 0 };
    return this.#transaction(async (client) => {
      // The only door through the append-only trigger; transaction-local, so it closes at COMMIT.
      await client.query('SELECT set_config($1, $2, true)', [MAINTENANCE_SETTING, 'on']);
      // FOR UPDATE: a concurrent erasure of the same event waits and rewrites the erased version.
      const { rows } = await client.query<EventDbRow & { rowid_: number }>(
        `SELECT e.rowid_, ${EVENT_COLUMNS} FROM events e WHERE e.log_id = $1 AND (${terms.join(' OR ')})
         ORDER BY e.rowid_ FOR UPDATE`,
        params,
      );
      const changed = { rowid: [] as number[], disclosures: [] as string[], searchText: [] as string[] };
      let fields = 0;
      for (const row of rows) {
        const change = rewrite(toEventRow(row, query.organizationId));
        if (!change) continue;
        changed.rowid.push(row.rowid_);
        changed.disclosures.push(change.disclosures);
        changed.searchText.push(change.searchText.toLowerCase());
        fields += change.erasedFields;
      }
      if (changed.rowid.length > 0) {
        await client.query(
          `UPDATE events SET disclosures = u.disclosures, search_text = u.search_text, actor_email = NULL
           FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(rowid_, disclosures, search_text)
           WHERE events.rowid_ = u.rowid_`,
          [changed.rowid, changed.disclosures, changed.searchText],
        );
      }
      return { events: changed.rowid.length, fields };
    });
  }

  async getRetentionPolicy(projectId: string, organizationId: string): Promise<RetentionPolicyRow | undefined> {
    return retention.getRetentionPolicy(this.#pool, projectId, organizationId);
  }

  async putRetentionPolicy(row: RetentionPolicyRow): Promise<void> {
    await retention.putRetentionPolicy(this.#pool, row);
  }

  async listRetentionTargets(afterLogId: number, limit: number): Promise<RetentionTargetRow[]> {
    return retention.listRetentionTargets(this.#pool, afterLogId, limit);
  }

  async pruneEvents(request: PruneRequest): Promise<number> {
    return retention.pruneEvents((work) => this.#transaction(work), request);
  }

  async getPrunedEvent(projectId: string, eventId: string): Promise<PrunedEventRow | undefined> {
    return retention.getPrunedEvent(this.#pool, projectId, eventId);
  }

  async listPrunedSequences(logId: number, start: number, end: number): Promise<number[]> {
    return retention.listPrunedSequences(this.#pool, logId, start, end);
  }

  async listCatalogActions(projectId: string): Promise<CatalogActionRow[]> {
    return actionCatalog.listCatalogActions(this.#pool, projectId);
  }

  async putCatalogAction(put: CatalogActionPut): Promise<{ row: CatalogActionRow; created: boolean }> {
    return actionCatalog.putCatalogAction(this.#pool, put);
  }

  async getActionEnforcement(projectId: string): Promise<ActionEnforcement> {
    return actionCatalog.getActionEnforcement(this.#pool, projectId);
  }

  async setActionEnforcement(projectId: string, enforcement: ActionEnforcement, at: number): Promise<void> {
    await actionCatalog.setActionEnforcement(this.#pool, projectId, enforcement, at);
  }

  async listActionStats(projectId: string): Promise<ActionStatsRow[]> {
    return actionCatalog.listActionStats(this.#pool, projectId);
  }

  async getOrCreateSecret(name: string, create: () => Uint8Array): Promise<Uint8Array> {
    // Two statements: the SELECT must see a row another node committed after our INSERT began.
    await this.#pool.query('INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
      name,
      create(),
    ]);
    const { rows } = await this.#pool.query<{ value: Uint8Array }>('SELECT value FROM settings WHERE name = $1', [
      name,
    ]);
    const row = rows[0];
    if (!row) throw new Error(`setting ${name} vanished`);
    return new Uint8Array(row.value);
  }

  async ping(): Promise<void> {
    await this.#pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  async #logId(projectId: string, organizationId: string): Promise<number | undefined> {
    const key = scoped(projectId, organizationId);
    const known = this.#logIds.get(key);
    if (known !== undefined) return known;
    const { rows } = await this.#pool.query<{ id: number }>(
      'SELECT id FROM logs WHERE project_id = $1 AND organization_id = $2',
      [projectId, organizationId],
    );
    const id = rows[0]?.id;
    if (id !== undefined) this.#logIds.set(key, id);
    return id;
  }

  async #transaction<T>(work: (client: PgQueryable) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // The connection itself failed: do not hand it to the next caller.
        broken = rollbackError as Error;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }
}

interface LogHead {
  id: number;
  project_id: string;
  organization_id: string;
  size: number;
  root_hash: Uint8Array;
  /** rightEdgeRefs(size) hashes, concatenated. */
  right_edge: Uint8Array;
}

/**
 * Takes a transaction-scoped advisory lock per idempotency key (in sorted order, before any head
 * lock), then reads the keys already stored. A duplicate racing in through another node waits
 * here until the first commits, then sees its row: a replay or a conflict, never a second event.
 */
async function lockAndReadIdempotencyKeys(
  client: PgQueryable,
  events: PreparedEvent[],
): Promise<Map<string, ReceiptDbRow & { request_hash: Uint8Array }>> {
  const keys = new Map<string, { projectId: string; key: string }>();
  for (const event of events) {
    if (event.idempotencyKey === null || event.requestHash === null) continue;
    keys.set(scoped(event.projectId, event.idempotencyKey), { projectId: event.projectId, key: event.idempotencyKey });
  }
  const stored = new Map<string, ReceiptDbRow & { request_hash: Uint8Array }>();
  if (keys.size === 0) return stored;
  const lockIds = [...new Set([...keys.keys()].map(advisoryKey))].sort((a, b) => a - b);
  await client.query('SELECT pg_advisory_xact_lock($1, k) FROM unnest($2::int4[]) AS k', [
    IDEMPOTENCY_LOCK_CLASS,
    lockIds,
  ]);
  const list = [...keys.values()];
  const { rows } = await client.query<ReceiptDbRow & { request_hash: Uint8Array; project_id: string; key: string }>(
    `SELECT k.project_id, k.key, k.request_hash, e.id, l.organization_id, e.seq, e.received_at, e.leaf_hash
     FROM unnest($1::text[], $2::text[]) AS w(project_id, key)
     JOIN idempotency_keys k ON k.project_id = w.project_id AND k.key = w.key
     JOIN events e ON e.rowid_ = k.event_rowid
     JOIN logs l ON l.id = e.log_id`,
    [list.map((k) => k.projectId), list.map((k) => k.key)],
  );
  for (const row of rows) stored.set(scoped(row.project_id, row.key), row);
  return stored;
}

/**
 * Computes the appends from the locked heads (which carry their right edges) and builds the one
 * statement that writes events, targets, idempotency keys, Merkle nodes and the advanced heads:
 * chained CTEs, each a set-based INSERT over arrays (unnest) rather than one statement per row.
 */
function appendStatement(
  events: PreparedEvent[],
  byLog: Map<string, number[]>,
  heads: LogHead[],
  outcomes: (AppendOutcome | undefined)[],
): SqlFragment {
  const headByKey = new Map(heads.map((head) => [scoped(head.project_id, head.organization_id), head]));
  const plan = [...byLog.entries()].map(([key, indexes]) => {
    const head = headByKey.get(key);
    if (!head) throw new Error('ledger: a locked head is missing');
    const refs = rightEdgeRefs(head.size);
    if (head.right_edge.length !== refs.length * 32) {
      throw new Error(
        `ledger corrupt: log ${head.id} has ${head.right_edge.length / 32} right-edge hashes for size ${head.size}`,
      );
    }
    const edge = refs.map((_, i) => new Uint8Array(head.right_edge.subarray(i * 32, (i + 1) * 32)));
    return { head, indexes, refs, edge };
  });

  const ev = new EventColumns();
  const tg = { logId: [] as number[], seq: [] as number[], type: [] as string[], id: [] as string[] };
  const ik = {
    projectId: [] as string[],
    key: [] as string[],
    requestHash: [] as Uint8Array[],
    logId: [] as number[],
    seq: [] as number[],
  };
  const mn = { logId: [] as number[], hidx: [] as number[], hash: [] as Uint8Array[] };
  const hd = { id: [] as number[], size: [] as number[], root: [] as Uint8Array[], edge: [] as Uint8Array[] };
  const st = new actionCatalog.ActionStatsColumns();

  for (const { head, indexes, refs, edge } of plan) {
    const batch = indexes.map((i) => events[i] as PreparedEvent);
    const appended = appendToLog(
      head.size,
      edge,
      batch.map((event) => event.leafHash),
    );
    batch.forEach((event, offset) => {
      const sequence = head.size + offset;
      ev.push(head.id, sequence, event);
      const seen = new Set<string>();
      for (const target of event.targets) {
        const dedupe = scoped(target.type, target.id);
        if (seen.has(dedupe)) continue;
        seen.add(dedupe);
        tg.logId.push(head.id);
        tg.seq.push(sequence);
        tg.type.push(target.type);
        tg.id.push(target.id);
      }
      if (event.idempotencyKey !== null && event.requestHash !== null) {
        ik.projectId.push(event.projectId);
        ik.key.push(event.idempotencyKey);
        ik.requestHash.push(event.requestHash);
        ik.logId.push(head.id);
        ik.seq.push(sequence);
      }
      outcomes[indexes[offset] as number] = {
        kind: 'created',
        receipt: {
          id: event.id,
          organization_id: event.organizationId,
          sequence,
          received_at: event.receivedAt,
          leaf_hash: event.leafHash,
        },
      };
    });
    for (const tally of tallyActions(batch)) st.push(head.id, tally);
    for (const node of appended.nodes) {
      mn.logId.push(head.id);
      mn.hidx.push(storedHashIndex(node.level, node.index));
      mn.hash.push(node.hash);
    }
    hd.id.push(head.id);
    hd.size.push(appended.size);
    hd.root.push(appended.rootHash);
    // Every subtree on the new right edge is either untouched old edge or newly completed.
    const known = nodeMap([...refs.map((ref, i) => ({ ...ref, hash: edge[i] as Uint8Array })), ...appended.nodes]);
    hd.edge.push(
      Buffer.concat(
        rightEdgeRefs(appended.size).map((ref) => {
          const hash = known.get(nodeKey(ref.level, ref.index));
          if (!hash) throw new Error(`ledger: right-edge node (${ref.level}, ${ref.index}) was not computed`);
          return hash;
        }),
      ),
    );
  }

  return {
    sql: `WITH ev AS (
       ${INSERT_EVENTS_FROM_ARRAYS}
       RETURNING rowid_, log_id, seq
     ), tg AS (
       INSERT INTO event_targets (event_rowid, log_id, type, id)
       SELECT ev.rowid_, ev.log_id, t.type, t.id
       FROM unnest($16::bigint[], $17::bigint[], $18::text[], $19::text[]) AS t(log_id, seq, type, id)
       JOIN ev ON ev.log_id = t.log_id AND ev.seq = t.seq
     ), ik AS (
       INSERT INTO idempotency_keys (project_id, key, request_hash, event_rowid)
       SELECT k.project_id, k.key, k.request_hash, ev.rowid_
       FROM unnest($20::text[], $21::text[], $22::bytea[], $23::bigint[], $24::bigint[])
         AS k(project_id, key, request_hash, log_id, seq)
       JOIN ev ON ev.log_id = k.log_id AND ev.seq = k.seq
     ), mn AS (
       INSERT INTO merkle_nodes (log_id, hidx, hash)
       SELECT * FROM unnest($25::bigint[], $26::bigint[], $27::bytea[])
     ), hd AS (
       UPDATE logs SET size = h.size, root_hash = h.root_hash, right_edge = h.right_edge
       FROM unnest($28::bigint[], $29::bigint[], $30::bytea[], $31::bytea[]) AS h(id, size, root_hash, right_edge)
       WHERE logs.id = h.id
     ), st AS (
       ${actionCatalog.actionStatsCte(32)}
     )
     SELECT count(*)::int AS inserted FROM ev`,
    params: [
      ...ev.params(),
      tg.logId,
      tg.seq,
      tg.type,
      tg.id,
      ik.projectId,
      ik.key,
      ik.requestHash,
      ik.logId,
      ik.seq,
      mn.logId,
      mn.hidx,
      mn.hash,
      hd.id,
      hd.size,
      hd.root,
      hd.edge,
      ...st.params(),
    ],
  };
}

/**
 * `INSERT INTO events … SELECT … FROM unnest($1 … $15)`: the event columns as 15 parallel
 * arrays. Shared with bench/postgres.js's raw-INSERT baseline through {@link EventColumns}.
 */
export const INSERT_EVENTS_FROM_ARRAYS = `INSERT INTO events (log_id, seq, id, ts, received_at, actor_id, actor_email, action,
         resource_type, resource_id, outcome, leaf_hash, leaf, disclosures, search_text)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::text[],
         $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bytea[], $13::text[], $14::text[],
         $15::text[])`;

/** Event rows as column arrays for {@link INSERT_EVENTS_FROM_ARRAYS}. */
export class EventColumns {
  readonly #columns: unknown[][] = Array.from({ length: 15 }, () => []);

  push(logId: number, sequence: number, event: PreparedEvent): void {
    const values = [
      logId,
      sequence,
      event.id,
      event.timestamp,
      event.receivedAt,
      event.actorId,
      event.actorEmail,
      event.action,
      event.resourceType,
      event.resourceId,
      event.outcome,
      event.leafHash,
      event.leaf,
      event.disclosures,
      event.searchText.toLowerCase(),
    ];
    values.forEach((value, i) => {
      (this.#columns[i] as unknown[]).push(value);
    });
  }

  get length(): number {
    return (this.#columns[0] as unknown[]).length;
  }

  params(): unknown[][] {
    return this.#columns;
  }
}

async function migrate(pool: PgPool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Every node starting at once queues here; the first applies, the rest find nothing to do.
    await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    // Checked before creating: the app role may read the table but has no CREATE privilege.
    const exists = await client.query<{ present: boolean }>(
      "SELECT to_regclass('schema_migrations') IS NOT NULL AS present",
    );
    if (!exists.rows[0]?.present) {
      await client.query(`CREATE TABLE schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`);
    }
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => row.version));
    for (const migration of POSTGRES_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      try {
        await client.query(migration.sql);
      } catch (error) {
        if (sqlState(error) === '42501') {
          throw new Error(
            `PostgreSQL migration ${migration.version} (${migration.name}) needs the schema owner: run it once ` +
              `with an owner DATABASE_URL, then run nodes as auditledge_app (docs/postgres.md): ${(error as Error).message}`,
          );
        }
        throw error;
      }
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        Date.now(),
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

const EVENT_COLUMNS = 'e.id, e.seq, e.ts, e.received_at, e.leaf_hash, e.leaf, e.disclosures';

/**
 * Free text as case-insensitive substring match, the reference semantics of eventMatchesFilter;
 * `search_text` is stored lowercased and the trigram GIN index (pg_trgm) serves LIKE '%term%'.
 */
const POSTGRES_TEXT: FilterSqlDialect = {
  textMatch(terms): SqlFragment {
    return {
      sql: `(${terms.map(() => "e.search_text LIKE ? ESCAPE '\\'").join(' AND ')})`,
      params: terms.map((term) => `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`),
    };
  },
};

/** The shared filter SQL uses `?`; PostgreSQL numbers its parameters. No literal here contains `?`. */
function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function scoped(a: string, b: string): string {
  return `${a}\u0000${b}`;
}

function compareLogs(a: PreparedEvent | undefined, b: PreparedEvent | undefined): number {
  const x = scoped(a?.projectId ?? '', a?.organizationId ?? '');
  const y = scoped(b?.projectId ?? '', b?.organizationId ?? '');
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A 32-bit advisory lock key per (project, idempotency key); a collision only serializes two keys. */
function advisoryKey(scopedKey: string): number {
  return createHash('sha256').update(scopedKey).digest().readInt32BE(0);
}

function sqlState(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

interface ProjectDbRow {
  id: string;
  name: string;
  personal_fields: string[];
  created_at: number;
}
interface ApiKeyDbRow {
  id: string;
  project_id: string;
  name: string;
  secret_hash: Uint8Array;
  scopes: Scope[];
  organization_id: string | null;
  created_at: number;
  revoked_at: number | null;
}
interface ReceiptDbRow {
  id: string;
  organization_id: string;
  seq: number;
  received_at: number;
  leaf_hash: Uint8Array;
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
  return { id: row.id, name: row.name, personal_fields: row.personal_fields, created_at: row.created_at };
}

function toApiKey(row: ApiKeyDbRow): ApiKeyRow {
  return { ...row, secret_hash: new Uint8Array(row.secret_hash) };
}

function toLogHead(row: LogHeadRow): LogHeadRow {
  return { ...row, root_hash: new Uint8Array(row.root_hash) };
}

function toReceipt(row: ReceiptDbRow): EventReceiptRow {
  return {
    id: row.id,
    organization_id: row.organization_id,
    sequence: row.seq,
    received_at: row.received_at,
    leaf_hash: new Uint8Array(row.leaf_hash),
  };
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
