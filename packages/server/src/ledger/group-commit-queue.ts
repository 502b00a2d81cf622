// Group commit: requests that arrive while the previous transaction is being written (or within
// the same turn of the event loop) are coalesced into the next transaction, so one fsync pays for
// many events. Each caller's promise settles only after the transaction holding its items commits.

interface Pending<T, R> {
  items: T[];
  resolve: (results: R[]) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions<T, R> {
  /** Writes one group durably; results in input order. */
  commit: (items: T[]) => Promise<R[]>;
  /** Upper bound of items in one transaction; a larger single submission still goes alone. */
  maxItems: number;
}

export class QueueClosedError extends Error {
  constructor() {
    super('the ledger is shutting down and accepts no new events');
    this.name = 'QueueClosedError';
  }
}

export class GroupCommitQueue<T, R> {
  readonly #commit: (items: T[]) => Promise<R[]>;
  readonly #maxItems: number;
  #pending: Pending<T, R>[] = [];
  #pendingItems = 0;
  #running: Promise<void> | undefined;
  #scheduled = false;
  #closed = false;
  /** Groups committed and items in them, for metrics and benchmarks. */
  readonly stats = { groups: 0, items: 0 };

  constructor(options: GroupCommitOptions<T, R>) {
    this.#commit = options.commit;
    this.#maxItems = options.maxItems;
  }

  /** Queues items for the next group; resolves with their results once that group is durable. */
  submit(items: T[]): Promise<R[]> {
    if (this.#closed) return Promise.reject(new QueueClosedError());
    return new Promise<R[]>((resolve, reject) => {
      this.#pending.push({ items, resolve, reject });
      this.#pendingItems += items.length;
      this.#schedule();
    });
  }

  /** Stops accepting submissions and resolves when everything already queued has committed. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#running || this.#pending.length > 0 || this.#scheduled) {
      if (this.#running) await this.#running;
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  #schedule(): void {
    if (this.#running || this.#scheduled) return;
    this.#scheduled = true;
    // setImmediate lets every request already parsed in this I/O phase join the group.
    setImmediate(() => {
      this.#scheduled = false;
      this.#running = this.#drainOnce().finally(() => {
        this.#running = undefined;
        if (this.#pending.length > 0) this.#schedule();
      });
    });
  }

  async #drainOnce(): Promise<void> {
    const group: Pending<T, R>[] = [];
    let count = 0;
    while (this.#pending.length > 0) {
      const next = this.#pending[0] as Pending<T, R>;
      if (group.length > 0 && count + next.items.length > this.#maxItems) break;
      group.push(next);
      count += next.items.length;
      this.#pending.shift();
    }
    this.#pendingItems -= count;
    const items = group.flatMap((p) => p.items);
    try {
      const results = await this.#commit(items);
      this.stats.groups += 1;
      this.stats.items += items.length;
      let offset = 0;
      for (const p of group) {
        p.resolve(results.slice(offset, offset + p.items.length));
        offset += p.items.length;
      }
    } catch (error) {
      for (const p of group) p.reject(error);
    }
  }

  /** Items waiting for a group, for backpressure and metrics. */
  get depth(): number {
    return this.#pendingItems;
  }
}
