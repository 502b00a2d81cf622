// Signs C2SP tlog-checkpoints for logs that have grown: about once a second per log in the
// background, and on demand when a proof needs a checkpoint that covers a fresh event.
// A checkpoint signs the (size, root) pair of one log head row, read together, so two signers
// (two nodes, or a timer and a request) can only ever produce the same note for a given size.
import { signCheckpoint } from '@auditledge/core';
import type { CheckpointRow, LogHeadRow, Store } from '../store/store.js';
import type { SigningKey } from './signing-key.js';

export interface CheckpointerOptions {
  store: Store;
  key: SigningKey;
  originPrefix: string;
  now: () => number;
}

export class Checkpointer {
  readonly #options: CheckpointerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(options: CheckpointerOptions) {
    this.#options = options;
  }

  /** The checkpoint origin of one organization's log. */
  origin(projectId: string, organizationId: string): string {
    return `${this.#options.originPrefix}/${projectId}/${encodeURIComponent(organizationId)}`;
  }

  /** Signs and stores a checkpoint of the head as read; returns the stored row. */
  async checkpoint(head: LogHeadRow): Promise<CheckpointRow> {
    const note = signCheckpoint(
      { origin: this.origin(head.project_id, head.organization_id), size: head.size, rootHash: head.root_hash },
      this.#options.key.signer,
    );
    const row = {
      log_id: head.log_id,
      size: head.size,
      root_hash: head.root_hash,
      note,
      created_at: this.#options.now(),
    };
    await this.#options.store.insertCheckpoint(row);
    return (await this.#options.store.getCheckpoint(head.log_id, head.size)) ?? row;
  }

  /** Signs logs that grew since their last checkpoint (one bounded pass; the next tick does the rest). */
  async signGrownLogs(limit = 1000): Promise<number> {
    const heads = await this.#options.store.listLogsNeedingCheckpoint(limit);
    for (const head of heads) await this.checkpoint(head);
    return heads.length;
  }

  /** Starts the background loop; one pass at a time, never overlapping. */
  start(intervalMs: number, onError: (error: unknown) => void): void {
    this.#timer = setInterval(() => {
      if (this.#running) return;
      this.#running = this.signGrownLogs()
        .then(() => undefined, onError)
        .finally(() => {
          this.#running = undefined;
        });
    }, intervalMs);
    this.#timer.unref();
  }

  /** Stops the loop after signing whatever grew, so a clean shutdown leaves every log covered. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#running) await this.#running;
    await this.signGrownLogs();
  }
}
