// Retention on SQLite: organization settings, the pruning transaction through the maintenance
// path (ledger_maintenance.active = 2, see migration 4), and the tombstones it leaves.
import type Database from 'better-sqlite3';
import { dueRows, type PrunedDbRow, toPrunedEvent } from '../retention-rows.js';
import type { PrunedEventRow, PruneRequest, RetentionPolicyRow, RetentionTargetRow } from '../store.js';

const POLICY_COLUMNS =
  'plan, days, effective_at, pending_plan, pending_days, pending_effective_at, updated_at' as const;

export function getRetentionPolicy(
  db: Database.Database,
  projectId: string,
  organizationId: string,
): RetentionPolicyRow | undefined {
  return db
    .prepare(
      `SELECT project_id, organization_id, ${POLICY_COLUMNS} FROM retention_policies
       WHERE project_id = ? AND organization_id = ?`,
    )
    .get(projectId, organizationId) as RetentionPolicyRow | undefined;
}

export function putRetentionPolicy(db: Database.Database, row: RetentionPolicyRow): void {
  db.prepare(
    `INSERT INTO retention_policies (project_id, organization_id, ${POLICY_COLUMNS})
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (project_id, organization_id) DO UPDATE SET
       plan = excluded.plan, days = excluded.days, effective_at = excluded.effective_at,
       pending_plan = excluded.pending_plan, pending_days = excluded.pending_days,
       pending_effective_at = excluded.pending_effective_at, updated_at = excluded.updated_at`,
  ).run(
    row.project_id,
    row.organization_id,
    row.plan,
    row.days,
    row.effective_at,
    row.pending_plan,
    row.pending_days,
    row.pending_effective_at,
    row.updated_at,
  );
}

export function listRetentionTargets(db: Database.Database, afterLogId: number, limit: number): RetentionTargetRow[] {
  const rows = db
    .prepare(
      `SELECT l.id AS log_id, l.project_id, l.organization_id, p.organization_id AS policy_organization_id,
         ${POLICY_COLUMNS.split(', ')
           .map((column) => `p.${column}`)
           .join(', ')}
       FROM logs l LEFT JOIN retention_policies p ON p.project_id = l.project_id AND p.organization_id = l.organization_id
       WHERE l.id > ? ORDER BY l.id LIMIT ?`,
    )
    .all(afterLogId, limit) as (RetentionPolicyRow & { log_id: number; policy_organization_id: string | null })[];
  return rows.map(({ log_id, policy_organization_id, ...policy }) => ({
    log_id,
    project_id: policy.project_id,
    organization_id: policy.organization_id,
    policy: policy_organization_id === null ? null : policy,
  }));
}

interface DueRow {
  rowid_: number;
  seq: number;
  id: string;
  received_at: number;
}

/** One retention transaction (IMMEDIATE: the write lock first, so the oldest rows cannot change under it). */
export function pruneEvents(db: Database.Database, request: PruneRequest): number {
  return db
    .transaction(() => {
      const oldest = db
        .prepare('SELECT rowid_, seq, id, received_at FROM events WHERE log_id = ? ORDER BY seq LIMIT ?')
        .all(request.logId, request.limit) as DueRow[];
      const due = dueRows(oldest, request.receivedBefore);
      if (due.length === 0) return 0;
      db.prepare('UPDATE ledger_maintenance SET active = 2 WHERE id = 1').run();
      const { rule } = request;
      const prune = db
        .prepare(
          `INSERT INTO retention_prunes (log_id, received_before, plan, days, source, pruned_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(request.logId, request.receivedBefore, rule.plan, rule.days, rule.source, request.prunedAt);
      const tombstone = db.prepare(
        'INSERT INTO pruned_events (log_id, seq, id, received_at, prune_id) VALUES (?, ?, ?, ?, ?)',
      );
      const deleteTargets = db.prepare('DELETE FROM event_targets WHERE event_rowid = ?');
      const deleteIdempotency = db.prepare('DELETE FROM idempotency_keys WHERE event_rowid = ?');
      const deleteText = db.prepare('DELETE FROM events_fts WHERE rowid = ?');
      const deleteEvent = db.prepare('DELETE FROM events WHERE rowid_ = ?');
      for (const row of due) {
        tombstone.run(request.logId, row.seq, row.id, row.received_at, prune.lastInsertRowid);
        deleteTargets.run(row.rowid_);
        deleteIdempotency.run(row.rowid_);
        deleteText.run(row.rowid_);
        deleteEvent.run(row.rowid_);
      }
      db.prepare('UPDATE ledger_maintenance SET active = 0 WHERE id = 1').run();
      return due.length;
    })
    .immediate();
}

export function getPrunedEvent(db: Database.Database, projectId: string, eventId: string): PrunedEventRow | undefined {
  const row = db
    .prepare(
      `SELECT p.id, l.organization_id, p.seq, p.received_at, r.pruned_at, r.received_before, r.plan, r.days, r.source
       FROM pruned_events p JOIN logs l ON l.id = p.log_id JOIN retention_prunes r ON r.id = p.prune_id
       WHERE p.id = ? AND l.project_id = ?`,
    )
    .get(eventId, projectId) as PrunedDbRow | undefined;
  return row && toPrunedEvent(row);
}

export function listPrunedSequences(db: Database.Database, logId: number, start: number, end: number): number[] {
  const rows = db
    .prepare('SELECT seq FROM pruned_events WHERE log_id = ? AND seq >= ? AND seq < ? ORDER BY seq')
    .all(logId, start, end) as { seq: number }[];
  return rows.map((row) => row.seq);
}
