// Retention on PostgreSQL: organization settings, the pruning transaction through the maintenance
// path (`SET LOCAL auditledge.maintenance = 'retention'`, see migration 2), and the tombstones it
// leaves. Several nodes may run the job at once: a transaction-scoped advisory lock per log lets
// one prune it while the others skip it.
import type pg from 'pg';
import { dueRows, type PrunedDbRow, toPrunedEvent } from '../retention-rows.js';
import type { PrunedEventRow, PruneRequest, RetentionPolicyRow, RetentionTargetRow } from '../store.js';
import { MAINTENANCE_SETTING, RETENTION_MODE } from './postgres-migrations.js';

/** The one driver method used here. */
export interface PgQueryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}
export type PgTransaction = <T>(work: (client: PgQueryable) => Promise<T>) => Promise<T>;

/** Class id for `pg_try_advisory_xact_lock(int4, int4)`: (class, log id) while a log is pruned. */
const RETENTION_LOCK_CLASS = 0x414c4b03;

const POLICY_COLUMNS = [
  'plan',
  'days',
  'effective_at',
  'pending_plan',
  'pending_days',
  'pending_effective_at',
  'updated_at',
] as const;

export async function getRetentionPolicy(
  db: PgQueryable,
  projectId: string,
  organizationId: string,
): Promise<RetentionPolicyRow | undefined> {
  const { rows } = await db.query<RetentionPolicyRow>(
    `SELECT project_id, organization_id, ${POLICY_COLUMNS.join(', ')} FROM retention_policies
     WHERE project_id = $1 AND organization_id = $2`,
    [projectId, organizationId],
  );
  return rows[0];
}

export async function putRetentionPolicy(db: PgQueryable, row: RetentionPolicyRow): Promise<void> {
  await db.query(
    `INSERT INTO retention_policies (project_id, organization_id, ${POLICY_COLUMNS.join(', ')})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (project_id, organization_id) DO UPDATE SET
       ${POLICY_COLUMNS.map((column) => `${column} = excluded.${column}`).join(', ')}`,
    [
      row.project_id,
      row.organization_id,
      row.plan,
      row.days,
      row.effective_at,
      row.pending_plan,
      row.pending_days,
      row.pending_effective_at,
      row.updated_at,
    ],
  );
}

export async function listRetentionTargets(
  db: PgQueryable,
  afterLogId: number,
  limit: number,
): Promise<RetentionTargetRow[]> {
  const { rows } = await db.query<RetentionPolicyRow & { log_id: number; policy_organization_id: string | null }>(
    `SELECT l.id AS log_id, l.project_id, l.organization_id, p.organization_id AS policy_organization_id,
       ${POLICY_COLUMNS.map((column) => `p.${column}`).join(', ')}
     FROM logs l LEFT JOIN retention_policies p ON p.project_id = l.project_id AND p.organization_id = l.organization_id
     WHERE l.id > $1 ORDER BY l.id LIMIT $2`,
    [afterLogId, limit],
  );
  return rows.map(({ log_id, policy_organization_id, ...policy }) => ({
    log_id,
    project_id: policy.project_id,
    organization_id: policy.organization_id,
    policy: policy_organization_id === null ? null : policy,
  }));
}

export async function pruneEvents(transaction: PgTransaction, request: PruneRequest): Promise<number> {
  return transaction(async (client) => {
    const lock = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_xact_lock($1::int4, $2::int4) AS locked',
      [RETENTION_LOCK_CLASS, request.logId % 2 ** 31],
    );
    if (!lock.rows[0]?.locked) return 0;
    const oldest = await client.query<{ rowid_: number; seq: number; id: string; received_at: number }>(
      'SELECT rowid_, seq, id, received_at FROM events WHERE log_id = $1 ORDER BY seq LIMIT $2 FOR UPDATE',
      [request.logId, request.limit],
    );
    const due = dueRows(oldest.rows, request.receivedBefore);
    if (due.length === 0) return 0;
    // The only door through the append-only triggers for deletion; transaction-local.
    await client.query('SELECT set_config($1, $2, true)', [MAINTENANCE_SETTING, RETENTION_MODE]);
    const { rule } = request;
    const prune = await client.query<{ id: number }>(
      `INSERT INTO retention_prunes (log_id, received_before, plan, days, source, pruned_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [request.logId, request.receivedBefore, rule.plan, rule.days, rule.source, request.prunedAt],
    );
    await client.query(
      `INSERT INTO pruned_events (log_id, seq, id, received_at, prune_id)
       SELECT $1, u.seq, u.id, u.received_at, $5 FROM unnest($2::bigint[], $3::text[], $4::bigint[]) AS u(seq, id, received_at)`,
      [
        request.logId,
        due.map((row) => row.seq),
        due.map((row) => row.id),
        due.map((row) => row.received_at),
        prune.rows[0]?.id,
      ],
    );
    const rowids = due.map((row) => row.rowid_);
    await client.query('DELETE FROM event_targets WHERE event_rowid = ANY($1::bigint[])', [rowids]);
    await client.query('DELETE FROM idempotency_keys WHERE event_rowid = ANY($1::bigint[])', [rowids]);
    const deleted = await client.query('DELETE FROM events WHERE rowid_ = ANY($1::bigint[])', [rowids]);
    if (deleted.rowCount !== due.length) throw new Error('retention: not every due event row was deleted');
    return due.length;
  });
}

export async function getPrunedEvent(
  db: PgQueryable,
  projectId: string,
  eventId: string,
): Promise<PrunedEventRow | undefined> {
  const { rows } = await db.query<PrunedDbRow>(
    `SELECT p.id, l.organization_id, p.seq, p.received_at, r.pruned_at, r.received_before, r.plan, r.days, r.source
     FROM pruned_events p JOIN logs l ON l.id = p.log_id JOIN retention_prunes r ON r.id = p.prune_id
     WHERE p.id = $1 AND l.project_id = $2`,
    [eventId, projectId],
  );
  return rows[0] && toPrunedEvent(rows[0]);
}

export async function listPrunedSequences(
  db: PgQueryable,
  logId: number,
  start: number,
  end: number,
): Promise<number[]> {
  const { rows } = await db.query<{ seq: number }>(
    'SELECT seq FROM pruned_events WHERE log_id = $1 AND seq >= $2 AND seq < $3 ORDER BY seq',
    [logId, start, end],
  );
  return rows.map((row) => row.seq);
}
