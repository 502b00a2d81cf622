// Row shapes and rules of retention shared by both backends (store/sqlite, store/postgres).
import type { PrunedEventRow, RetentionRule } from './store.js';

/**
 * The oldest rows while they are due. Pruning stops at the first event received at or after the
 * cutoff, so it always removes a prefix of the log and never scans past it; an event that arrived
 * out of clock order waits until the cutoff passes the one before it.
 */
export function dueRows<T extends { received_at: number }>(oldest: T[], receivedBefore: number): T[] {
  const end = oldest.findIndex((row) => row.received_at >= receivedBefore);
  return end === -1 ? oldest : oldest.slice(0, end);
}

export interface PrunedDbRow {
  id: string;
  organization_id: string;
  seq: number;
  received_at: number;
  pruned_at: number;
  received_before: number;
  plan: string | null;
  days: number;
  source: RetentionRule['source'];
}

export function toPrunedEvent(row: PrunedDbRow): PrunedEventRow {
  return {
    id: row.id,
    organization_id: row.organization_id,
    sequence: row.seq,
    received_at: row.received_at,
    pruned_at: row.pruned_at,
    received_before: row.received_before,
    rule: { plan: row.plan, days: row.days, source: row.source },
  };
}
