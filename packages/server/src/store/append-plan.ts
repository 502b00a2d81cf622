// The backend-independent first half of an append transaction: which events are replays or
// conflicting reuses of an idempotency key (against the stored keys and earlier events of the same
// group), and which logs the rest go to. Both stores run it inside their transaction.
import type { AppendOutcome, EventReceiptRow, PreparedEvent } from './store.js';

/** A key already stored: the hash of the request that used it and that request's receipt. */
export interface StoredIdempotency {
  requestHash: Uint8Array;
  receipt: EventReceiptRow;
}

export interface AppendPlan {
  /** Decided outcomes (replays and conflicts); the store fills in the appended ones. */
  outcomes: (AppendOutcome | undefined)[];
  /** Indexes of the events to append, grouped by log (`project ␀ organization`), in order. */
  byLog: Map<string, number[]>;
  /** Events repeating an earlier event of this group: they get its outcome once it is known. */
  pendingReplays: { index: number; of: number }[];
}

export function planAppend(
  events: readonly PreparedEvent[],
  stored: (event: PreparedEvent & { idempotencyKey: string }) => StoredIdempotency | undefined,
): AppendPlan {
  const outcomes: (AppendOutcome | undefined)[] = new Array(events.length);
  // Keys first seen in this group: a second use must compare against the first, not the table.
  const groupKeys = new Map<string, { index: number; requestHash: Uint8Array }>();
  const pendingReplays: { index: number; of: number }[] = [];
  const byLog = new Map<string, number[]>();

  events.forEach((event, index) => {
    if (event.idempotencyKey !== null && event.requestHash !== null) {
      const scopedKey = `${event.projectId}\u0000${event.idempotencyKey}`;
      const earlier = groupKeys.get(scopedKey);
      if (earlier) {
        if (equalBytes(earlier.requestHash, event.requestHash)) pendingReplays.push({ index, of: earlier.index });
        else outcomes[index] = { kind: 'conflict', idempotencyKey: event.idempotencyKey };
        return;
      }
      const previous = stored(event as PreparedEvent & { idempotencyKey: string });
      if (previous) {
        outcomes[index] = equalBytes(previous.requestHash, event.requestHash)
          ? { kind: 'replayed', receipt: previous.receipt }
          : { kind: 'conflict', idempotencyKey: event.idempotencyKey };
        return;
      }
      groupKeys.set(scopedKey, { index, requestHash: event.requestHash });
    }
    const logKey = `${event.projectId}\u0000${event.organizationId}`;
    const indexes = byLog.get(logKey);
    if (indexes) indexes.push(index);
    else byLog.set(logKey, [index]);
  });
  return { outcomes, byLog, pendingReplays };
}

/** Gives each in-group repeat the outcome of the event it repeats; returns the complete list. */
export function settleReplays(plan: AppendPlan): AppendOutcome[] {
  const { outcomes } = plan;
  for (const { index, of } of plan.pendingReplays) {
    const original = outcomes[of];
    outcomes[index] =
      original && original.kind !== 'conflict' ? { kind: 'replayed', receipt: original.receipt } : original;
  }
  return outcomes as AppendOutcome[];
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
