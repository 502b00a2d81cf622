// The ledger is the only way events enter storage: prepared events go through the group-commit
// queue into one store transaction, and callers hear back only after that transaction is durable.
import type { AppendOutcome, PreparedEvent, Store } from '../store/store.js';
import { GroupCommitQueue } from './group-commit-queue.js';

export interface LedgerOptions {
  store: Store;
  maxEventsPerCommit: number;
}

export class Ledger {
  readonly #queue: GroupCommitQueue<PreparedEvent, AppendOutcome>;

  constructor(options: LedgerOptions) {
    this.#queue = new GroupCommitQueue({
      commit: (events) => options.store.appendEvents(events),
      maxItems: options.maxEventsPerCommit,
    });
  }

  /** Appends events; resolves with one outcome per event once they are durable. */
  append(events: PreparedEvent[]): Promise<AppendOutcome[]> {
    return this.#queue.submit(events);
  }

  /** Commit statistics (groups and events), to show how well requests coalesce. */
  get stats(): { groups: number; items: number; depth: number } {
    return { ...this.#queue.stats, depth: this.#queue.depth };
  }

  /** Refuses new events and waits until every queued one is durable. */
  close(): Promise<void> {
    return this.#queue.close();
  }
}
