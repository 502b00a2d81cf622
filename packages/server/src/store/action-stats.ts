// Seen-action counters, aggregated in memory per group commit so the append transaction writes
// one row per (log, action) however many events of that action the group holds.
import type { PreparedEvent } from './store.js';

export interface ActionTally {
  action: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
}

/** Events of one log, tallied by action (receivedAt is the arrival time the counters keep). */
export function tallyActions(events: readonly PreparedEvent[]): ActionTally[] {
  const byAction = new Map<string, ActionTally>();
  for (const event of events) {
    const tally = byAction.get(event.action);
    if (tally === undefined) {
      byAction.set(event.action, {
        action: event.action,
        count: 1,
        firstSeen: event.receivedAt,
        lastSeen: event.receivedAt,
      });
    } else {
      tally.count += 1;
      if (event.receivedAt < tally.firstSeen) tally.firstSeen = event.receivedAt;
      if (event.receivedAt > tally.lastSeen) tally.lastSeen = event.receivedAt;
    }
  }
  return [...byAction.values()];
}
