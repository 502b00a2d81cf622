/**
 * Where the client remembers the last checkpoint it verified for each organization's log, so the
 * next verification can demand a consistency proof from it (and notice a log that shrank or
 * forked). The note is stored signed and re-verified with the pinned key when read back, so a
 * tampered store is detected, not trusted. Use one store per (server, project).
 *
 * @example
 * // Persist across restarts in a file (Node):
 * import { readFileSync, writeFileSync } from 'node:fs';
 * const file = './auditledge-checkpoints.json';
 * const load = () => { try { return JSON.parse(readFileSync(file, 'utf8')); } catch { return {}; } };
 * const checkpointStore = {
 *   get: (org) => load()[org],
 *   set: (org, note) => writeFileSync(file, JSON.stringify({ ...load(), [org]: note })),
 * };
 * const audit = new AuditLedge(key, { verifierKey, checkpointStore });
 */
export interface CheckpointStore {
  /** The signed checkpoint note last remembered for this organization, or undefined. */
  get(organizationId: string): string | undefined | Promise<string | undefined>;
  /** Remembers a verified checkpoint note; only called with a note consistent with the previous one. */
  set(organizationId: string, note: string): void | Promise<void>;
}

/**
 * The default store: a Map, forgotten when the process ends.
 *
 * @example
 * // Share one memory between two clients of the same server.
 * const checkpointStore = new MemoryCheckpointStore();
 * const a = new AuditLedge(keyA, { verifierKey, checkpointStore });
 * const b = new AuditLedge(keyB, { verifierKey, checkpointStore });
 */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly #notes = new Map<string, string>();

  get(organizationId: string): string | undefined {
    return this.#notes.get(organizationId);
  }

  set(organizationId: string, note: string): void {
    this.#notes.set(organizationId, note);
  }
}
