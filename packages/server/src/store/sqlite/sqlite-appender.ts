// The append transaction of the SQLite ledger: assigns contiguous sequences per log, stores each
// leaf, the Merkle nodes it completes and the action counts, advances the log heads. It runs on
// whichever thread owns the connection it is given: the append worker, or the caller's thread for
// an in-memory database.
import { EMPTY_ROOT, storedHashIndex } from '@auditledge/core';
import type Database from 'better-sqlite3';
import { appendToLog, rightEdgeRefs } from '../../ledger/log-append.js';
import { tallyActions } from '../action-stats.js';
import { planAppend, settleReplays } from '../append-plan.js';
import type { AppendOutcome, EventReceiptRow, PreparedEvent } from '../store.js';
import { prepareActionStatsUpsert } from './sqlite-action-catalog.js';

/** Pragmas of every connection that writes: WAL, and FULL so each commit is fsynced (durable). */
export function configureWriter(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

export class SqliteAppender {
  readonly #stmts: ReturnType<typeof prepareAppendStatements>;
  readonly #upsertActionStats: ReturnType<typeof prepareActionStatsUpsert>;
  readonly #transaction: Database.Transaction<(events: PreparedEvent[]) => AppendOutcome[]>;

  constructor(db: Database.Database) {
    this.#stmts = prepareAppendStatements(db);
    this.#upsertActionStats = prepareActionStatsUpsert(db);
    this.#transaction = db.transaction((events: PreparedEvent[]) => this.#appendInTransaction(events));
  }

  /** One durable transaction; IMMEDIATE takes the write lock first so no head read goes stale. */
  append(events: PreparedEvent[]): AppendOutcome[] {
    return this.#transaction.immediate(events);
  }

  #appendInTransaction(events: PreparedEvent[]): AppendOutcome[] {
    const s = this.#stmts;
    const plan = planAppend(events, (event) => {
      const stored = s.getIdempotency.get(event.projectId, event.idempotencyKey) as
        | (ReceiptDbRow & { request_hash: Uint8Array })
        | undefined;
      return stored && { requestHash: new Uint8Array(stored.request_hash), receipt: toReceipt(stored) };
    });
    const { outcomes, byLog } = plan;

    for (const indexes of byLog.values()) {
      const first = events[indexes[0] as number] as PreparedEvent;
      let head = s.getLog.get(first.projectId, first.organizationId) as LogDbRow | undefined;
      if (!head) {
        const created = s.insertLog.run(first.projectId, first.organizationId, EMPTY_ROOT, first.receivedAt);
        head = { id: Number(created.lastInsertRowid), size: 0, root_hash: EMPTY_ROOT };
      }
      const logId = head.id;
      const edge = rightEdgeRefs(head.size).map((ref) => {
        const row = s.getNode.get(logId, storedHashIndex(ref.level, ref.index)) as { hash: Uint8Array } | undefined;
        if (!row) throw new Error(`ledger corrupt: node (${ref.level}, ${ref.index}) of log ${logId} is missing`);
        return row.hash;
      });
      const batch = indexes.map((i) => events[i] as PreparedEvent);
      const appended = appendToLog(
        head.size,
        edge,
        batch.map((event) => event.leafHash),
      );
      batch.forEach((event, offset) => {
        const sequence = head.size + offset;
        const inserted = s.insertEvent.run(
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
        );
        const rowid = inserted.lastInsertRowid;
        for (const target of event.targets) s.insertTarget.run(rowid, logId, target.type, target.id);
        s.insertFts.run(rowid, event.searchText);
        if (event.idempotencyKey !== null && event.requestHash !== null) {
          s.insertIdempotency.run(event.projectId, event.idempotencyKey, event.requestHash, rowid);
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
      for (const tally of tallyActions(batch)) this.#upsertActionStats(logId, tally);
      for (const node of appended.nodes) s.insertNode.run(logId, storedHashIndex(node.level, node.index), node.hash);
      s.advanceLog.run(appended.size, appended.rootHash, logId);
    }

    return settleReplays(plan);
  }
}

function prepareAppendStatements(db: Database.Database) {
  return {
    getIdempotency: db.prepare(
      `SELECT k.request_hash, e.id, l.organization_id, e.seq, e.received_at, e.leaf_hash
       FROM idempotency_keys k JOIN events e ON e.rowid_ = k.event_rowid JOIN logs l ON l.id = e.log_id
       WHERE k.project_id = ? AND k.key = ?`,
    ),
    getLog: db.prepare('SELECT id, size, root_hash FROM logs WHERE project_id = ? AND organization_id = ?'),
    insertLog: db.prepare(
      'INSERT INTO logs (project_id, organization_id, size, root_hash, created_at) VALUES (?, ?, 0, ?, ?)',
    ),
    getNode: db.prepare('SELECT hash FROM merkle_nodes WHERE log_id = ? AND hidx = ?'),
    insertEvent: db.prepare(
      `INSERT INTO events (log_id, seq, id, ts, received_at, actor_id, actor_email, action, resource_type,
         resource_id, outcome, leaf_hash, leaf, disclosures)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertTarget: db.prepare('INSERT OR IGNORE INTO event_targets (event_rowid, log_id, type, id) VALUES (?, ?, ?, ?)'),
    insertFts: db.prepare('INSERT INTO events_fts (rowid, body) VALUES (?, ?)'),
    insertIdempotency: db.prepare(
      'INSERT INTO idempotency_keys (project_id, key, request_hash, event_rowid) VALUES (?, ?, ?, ?)',
    ),
    insertNode: db.prepare('INSERT INTO merkle_nodes (log_id, hidx, hash) VALUES (?, ?, ?)'),
    advanceLog: db.prepare('UPDATE logs SET size = ?, root_hash = ? WHERE id = ?'),
  };
}

interface LogDbRow {
  id: number;
  size: number;
  root_hash: Uint8Array;
}

interface ReceiptDbRow {
  id: string;
  organization_id: string;
  seq: number;
  received_at: number;
  leaf_hash: Uint8Array;
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
