// The main thread's handle on the append worker: one promise per append, settled by the worker's
// reply. If the worker dies, every pending and later append fails loudly (nothing is acknowledged
// that was not committed).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AppendOutcome, PreparedEvent } from '../store.js';

/**
 * The compiled worker script. Tests run this module from TypeScript sources, where no .js sits
 * beside it; they use the build in dist/ (`npm test` builds first).
 */
function workerScript(): URL {
  const beside = new URL('./sqlite-append-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  return new URL('../../../dist/store/sqlite/sqlite-append-worker.js', import.meta.url);
}

interface Pending {
  resolve: (value: AppendOutcome[]) => void;
  reject: (error: Error) => void;
}

export class AppendWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #failure: Error | undefined;
  #closing: Promise<void> | undefined;

  constructor(filename: string) {
    // The worker only holds one group of events at a time: a small heap keeps the process's memory
    // flat however long it ingests.
    this.#worker = new Worker(workerScript(), {
      workerData: { filename },
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 },
    });
    this.#worker.on('message', (message: { id: number; outcomes?: AppendOutcome[]; error?: string; closed?: true }) => {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (message.error !== undefined) pending.reject(new Error(`append failed: ${message.error}`));
      else pending.resolve(message.outcomes ?? []);
    });
    const fail = (error: Error) => {
      this.#failure = error;
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => {
      if (this.#closing === undefined) fail(new Error(`the append worker exited with code ${code}`));
    });
  }

  append(events: PreparedEvent[]): Promise<AppendOutcome[]> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, events });
    });
  }

  /** Lets queued appends finish, closes the worker's connection and ends the thread. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      if (this.#failure) {
        void this.#worker.terminate().then(() => resolve());
        return;
      }
      const id = this.#nextId++;
      this.#pending.set(id, { resolve: () => resolve(), reject: () => resolve() });
      this.#worker.postMessage({ id, close: true });
    }).then(() => this.#worker.terminate().then(() => undefined));
    return this.#closing;
  }
}
