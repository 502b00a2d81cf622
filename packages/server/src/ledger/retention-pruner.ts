// The retention job: deletes event payloads older than each organization's window, in the
// background (hourly by default) and in small transactions, so ingest never waits on it for long.
// What stays — leaf hashes, every Merkle node, checkpoints, log heads and a tombstone per deleted
// event — keeps every proof and checkpoint verifiable (docs/retention.md).
import type { RetentionConfig } from '../config.js';
import type { Store } from '../store/store.js';
import { DAY_MS, retentionRule } from './retention-policy.js';

export interface RetentionPrunerOptions {
  store: Store;
  config: RetentionConfig;
  now: () => number;
}

export interface RetentionReport {
  /** Logs that lost events in this pass. */
  logs: number;
  /** Events deleted. */
  events: number;
  /** Organizations skipped because their plan is no longer in the config (nothing deleted). */
  unresolved: string[];
}

/** Logs read per page while walking every log. */
const TARGET_PAGE = 500;
/** The first pass after start comes sooner than the interval, so short-lived nodes prune too. */
const FIRST_PASS_DELAY_MS = 60_000;

export class RetentionPruner {
  readonly #options: RetentionPrunerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopping = false;

  constructor(options: RetentionPrunerOptions) {
    this.#options = options;
  }

  /**
   * One pass over every log of every project: deletes what is due at this instant, at most
   * `batchSize` events per transaction. Safe to run on several nodes at once.
   */
  async pruneExpired(): Promise<RetentionReport> {
    const { store, config } = this.#options;
    const now = this.#options.now();
    const report: RetentionReport = { logs: 0, events: 0, unresolved: [] };
    let afterLogId = -1;
    for (;;) {
      const targets = await store.listRetentionTargets(afterLogId, TARGET_PAGE);
      for (const target of targets) {
        if (this.#stopping) return report;
        const rule = retentionRule(config, target.policy, now);
        if (rule === null) {
          report.unresolved.push(`${target.project_id}/${target.organization_id}`);
          continue;
        }
        const request = { logId: target.log_id, receivedBefore: now - rule.days * DAY_MS, prunedAt: now, rule };
        let pruned = 0;
        for (;;) {
          const count = await store.pruneEvents({ ...request, limit: config.batchSize });
          pruned += count;
          if (count < config.batchSize || this.#stopping) break;
          // Between transactions, let requests run (SQLite work is synchronous).
          await new Promise((resolve) => setImmediate(resolve));
        }
        if (pruned > 0) {
          report.logs += 1;
          report.events += pruned;
        }
      }
      const last = targets[targets.length - 1];
      if (!last || targets.length < TARGET_PAGE) return report;
      afterLogId = last.log_id;
    }
  }

  /** Starts the background loop; one pass at a time, never overlapping. */
  start(intervalMs: number, onPass: (report: RetentionReport) => void, onError: (error: unknown) => void): void {
    const run = () => {
      if (this.#running) return;
      this.#running = this.pruneExpired()
        .then(onPass, onError)
        .finally(() => {
          this.#running = undefined;
        });
    };
    this.#timer = setTimeout(
      () => {
        run();
        this.#timer = setInterval(run, intervalMs);
        this.#timer.unref();
      },
      Math.min(intervalMs, FIRST_PASS_DELAY_MS),
    );
    this.#timer.unref();
  }

  /** Stops the loop; a pass in progress ends after its current transaction. */
  async stop(): Promise<void> {
    this.#stopping = true;
    // clearTimeout also clears an interval: both are the same kind of timer in Node.
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#running) await this.#running;
  }
}
