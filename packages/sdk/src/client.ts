// The AuditLedge client: `log()` validates on the caller's stack and queues; everything that
// touches the network happens in the background (DeliveryQueue) or in the read and verify methods.
import { type EventInput, validateEvent } from '@auditledge/core';
import { type CheckpointStore, MemoryCheckpointStore } from './checkpoint-store.js';
import { DeliveryQueue } from './delivery-queue.js';
import { AuditLedgeError, AuditLedgeValidationError } from './errors.js';
import { drainOnExit, exitDrainAvailable } from './exit-drain.js';
import { type FetchLike, HttpClient } from './http.js';
import { newIdempotencyKey } from './idempotency-key.js';
import { createQuery, type EventQuery } from './query.js';
import { DEFAULT_RETRY, type RetryOptions, withRetries } from './retry.js';
import type { AuditEvent, EventFilters, EventReceipt, RequestContext } from './types.js';
import { type ConsistencyVerification, type EventVerification, Verifier } from './verify.js';

/** The port `auditledge serve` listens on by default. */
export const DEFAULT_BASE_URL = 'http://localhost:4680';

export interface AuditLedgeOptions {
  /** The server's URL. Default: the `AUDITLEDGE_URL` environment variable (Node), else `http://localhost:4680`. */
  baseUrl?: string;
  /**
   * The server's note verifier key (`GET /v1/verifier-key`), pinned in your configuration. Required
   * by `verifyEvent`, `verifyConsistency` and `verifyLog`; never fetched from the server itself.
   */
  verifierKey?: string;
  /** Send a batch once this many events are queued. 1–1000, default 100. */
  batchSize?: number;
  /** Send whatever is queued once the oldest event has waited this long. Default 200 ms. */
  flushIntervalMs?: number;
  /** Events accepted but not yet acknowledged, at most. Beyond it `log()` rejects with `queue_full`. Default 10,000. */
  maxQueueSize?: number;
  /** Batch requests in flight at once. Default 2. */
  concurrency?: number;
  /** Per-request timeout (connect, send, reply). Default 10 s. */
  timeoutMs?: number;
  /** Backoff of retried batches; see README "Retries and idempotency". */
  retry?: Partial<RetryOptions>;
  /**
   * Called once for every failure of a logged event (whether or not its promise is awaited): the
   * event was refused, rejected by the server, or could not be delivered. `error.events` holds the
   * events with their idempotency keys, safe to re-send. Default: a line on `console.error`.
   */
  onError?: (error: AuditLedgeError) => void;
  /**
   * Node: when the event loop empties with events still queued, send them before the process
   * exits ('beforeExit'). Default true. It cannot help after `process.exit()`: `await close()` first.
   */
  drainOnExit?: boolean;
  /** Where the last verified checkpoint per organization is remembered. Default: in memory. */
  checkpointStore?: CheckpointStore;
  /**
   * The exact checkpoint origin of an organization's log (`<origin prefix>/<project id>/<org>`). By
   * default any origin whose last segment is the organization is accepted the first time and must
   * then never change.
   */
  checkpointOrigin?: (organizationId: string) => string;
  /**
   * Request facts for `metadata.ip` / `metadata.user_agent` of events that do not set them. The
   * `@auditledge/sdk/node` client reads them from `auditContext` (Express/Fastify middleware).
   */
  context?: () => RequestContext | undefined;
  /** A fetch implementation (default: the global one). */
  fetch?: FetchLike;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

const USER_AGENT = 'auditledge-sdk-js/0.1.0';

function defaultBaseUrl(): string {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const url = env?.AUDITLEDGE_URL;
  return url !== undefined && url !== '' ? url : DEFAULT_BASE_URL;
}

function integerOption(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new AuditLedgeError('invalid_usage', `${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

const reportToConsole = (error: AuditLedgeError) => {
  console.error(`[auditledge] ${error.message}`);
};

/**
 * The Auditledge client. One instance per process (it batches across requests).
 *
 * @example
 * import { AuditLedge } from '@auditledge/sdk';
 *
 * const audit = new AuditLedge(process.env.AUDITLEDGE_API_KEY!, { baseUrl: 'https://audit.example.com' });
 * audit.log({
 *   actor: { id: user.id, name: user.name, email: user.email },
 *   action: 'invoice.deleted',
 *   resource: { type: 'invoice', id: invoice.id, name: invoice.number },
 *   organization_id: user.organizationId,
 * });
 */
export class AuditLedge {
  readonly #http: HttpClient;
  readonly #queue: DeliveryQueue;
  readonly #verifier: Verifier;
  readonly #context: (() => RequestContext | undefined) | undefined;
  readonly #unregisterExitDrain: () => void;
  #closing: Promise<void> | undefined;

  constructor(apiKey: string, options: AuditLedgeOptions = {}) {
    if (typeof apiKey !== 'string' || apiKey.trim() === '') {
      throw new AuditLedgeError('invalid_usage', 'new AuditLedge(apiKey): the API key must be a non-empty string');
    }
    if (options.fetch === undefined && typeof globalThis.fetch !== 'function') {
      throw new AuditLedgeError('invalid_usage', 'no global fetch here; pass options.fetch');
    }
    // Browsers refuse a fetch called as a method of another object ("Illegal invocation").
    const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const baseUrl = options.baseUrl ?? defaultBaseUrl();
    try {
      const protocol = new URL(baseUrl).protocol;
      if (protocol !== 'http:' && protocol !== 'https:') throw new Error(protocol);
    } catch {
      throw new AuditLedgeError('invalid_usage', `baseUrl must be an http(s) URL, got ${JSON.stringify(baseUrl)}`);
    }
    const retry: RetryOptions = {
      initialDelayMs: integerOption(
        'retry.initialDelayMs',
        options.retry?.initialDelayMs,
        DEFAULT_RETRY.initialDelayMs,
        1,
        60_000,
      ),
      maxDelayMs: integerOption('retry.maxDelayMs', options.retry?.maxDelayMs, DEFAULT_RETRY.maxDelayMs, 1, 3_600_000),
      maxElapsedMs: integerOption(
        'retry.maxElapsedMs',
        options.retry?.maxElapsedMs,
        DEFAULT_RETRY.maxElapsedMs,
        0,
        2 ** 31 - 1,
      ),
    };
    this.#http = new HttpClient({
      baseUrl,
      apiKey,
      timeoutMs: integerOption('timeoutMs', options.timeoutMs, 10_000, 1, 2 ** 31 - 1),
      fetch: fetchImpl,
      headers: { 'user-agent': USER_AGENT, ...options.headers },
    });
    const drain = options.drainOnExit !== false && exitDrainAvailable();
    this.#queue = new DeliveryQueue(this.#http, {
      batchSize: integerOption('batchSize', options.batchSize, 100, 1, 1000),
      flushIntervalMs: integerOption('flushIntervalMs', options.flushIntervalMs, 200, 0, 60_000),
      maxQueueSize: integerOption('maxQueueSize', options.maxQueueSize, 10_000, 1, 10_000_000),
      concurrency: integerOption('concurrency', options.concurrency, 2, 1, 64),
      retry,
      refLingerTimer: !drain,
      onError: options.onError ?? reportToConsole,
    });
    this.#verifier = new Verifier(this.#http, {
      verifierKey: options.verifierKey,
      checkpointStore: options.checkpointStore ?? new MemoryCheckpointStore(),
      checkpointOrigin: options.checkpointOrigin,
    });
    this.#context = options.context;
    const queue = this.#queue;
    this.#unregisterExitDrain = drain
      ? drainOnExit({
          get hasPendingWork() {
            return queue.outstanding > 0;
          },
          flush: () => queue.flush(),
        })
      : () => {};
  }

  /** The server URL this client talks to. */
  get baseUrl(): string {
    return this.#http.baseUrl;
  }

  /** Events accepted by `log()` that the server has not acknowledged yet (queued or in flight). */
  get pending(): number {
    return this.#queue.outstanding;
  }

  /**
   * Records one audit event. Validates it now (an invalid event throws `AuditLedgeValidationError`
   * on this line, with the field path), gives it an idempotency key, queues it and returns at once;
   * the event is sent in the background with others. The promise resolves with the server's receipt
   * once the event is durable, or rejects with an `AuditLedgeError` (also passed to `onError`).
   * You need not await it: an unawaited failure never crashes the process.
   *
   * @example
   * // Fire and forget: costs microseconds, never blocks the request.
   * audit.log({
   *   actor: { id: 'user_abc123', name: 'Alice Johnson', email: 'alice@acme.com' },
   *   action: 'invoice.deleted',
   *   resource: { type: 'invoice', id: 'inv_789', name: 'Invoice #1042' },
   *   organization_id: 'org_acme',
   * });
   * // Or wait for the receipt when the caller must know it is stored:
   * const receipt = await audit.log(event);
   * console.log(receipt.id, receipt.sequence);
   */
  log(event: EventInput): Promise<EventReceipt> {
    let body = event;
    let key = event?.idempotency_key;
    if (event !== null && typeof event === 'object') {
      // One shallow copy at most: the caller's object is never modified.
      const metadata = this.#contextMetadata(event);
      if (metadata !== undefined || key === undefined || event.timestamp === undefined) {
        body = { ...event };
        if (metadata !== undefined) body.metadata = metadata;
        if (key === undefined) {
          key = newIdempotencyKey();
          body.idempotency_key = key;
        }
        // The action happened now, not when a retry finally gets through (same as the Python SDK).
        if (event.timestamp === undefined) body.timestamp = new Date().toISOString();
      }
    }
    const result = validateEvent(body, { allowIdempotencyKey: true });
    if (!result.ok) {
      throw new AuditLedgeValidationError(
        result.issues.map(({ path, message }) => ({ path, message })),
        [event],
      );
    }
    return this.#queue.enqueue(JSON.stringify(body), key as string, this.#closing !== undefined);
  }

  /**
   * Sends every queued event now, without waiting for a full batch, and resolves when each event
   * queued before the call is acknowledged or has failed (failures go to their promises and
   * `onError`; `flush` itself never rejects).
   *
   * @example
   * audit.log(event);
   * await audit.flush(); // e.g. at the end of a serverless invocation
   */
  flush(): Promise<void> {
    return this.#queue.flush();
  }

  /**
   * Stops accepting events (later `log()` calls reject with `closed`), delivers everything queued
   * and resolves when done. With `timeoutMs`, events still unacknowledged by then are failed with
   * `aborted` (and reported to `onError` with their idempotency keys) instead of waiting longer.
   * Calling it again returns the same promise.
   *
   * @example
   * process.on('SIGTERM', async () => {
   *   await server.close();
   *   await audit.close({ timeoutMs: 10_000 });
   *   process.exit(0);
   * });
   */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#closing = (async () => {
      const flushed = this.#queue.flush();
      const timeoutMs = options.timeoutMs;
      if (timeoutMs !== undefined && Number.isFinite(timeoutMs)) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const deadline = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, Math.max(0, timeoutMs));
        });
        await Promise.race([flushed, deadline]);
        clearTimeout(timer);
        this.#queue.abort();
      }
      await flushed;
      this.#unregisterExitDrain();
    })();
    return this.#closing;
  }

  /**
   * All events matching the filters, newest first, as an async iterable that follows the server's
   * cursors page by page. Invalid filters throw `AuditLedgeValidationError` (`invalid_query`) here.
   * Needs a key with the `events:read` scope.
   *
   * @example
   * for await (const event of audit.query({ organization_id: 'org_acme', action: 'invoice.*', since: '2026-05-01' })) {
   *   console.log(event.timestamp, event.actor.email, event.action, event.resource?.id);
   * }
   */
  query(filters: EventFilters = {}): EventQuery {
    return createQuery(this.#http, filters);
  }

  /**
   * One stored event by id. Rejects with an `AuditLedgeHttpError` (status 404) when there is none
   * visible to this key.
   *
   * @example
   * const event = await audit.getEvent(receipt.id);
   * console.log(event.actor.name, event.action, event.received_at);
   */
  getEvent(id: string): Promise<AuditEvent> {
    return withRetries(
      () => this.#http.json<AuditEvent>('GET', `/v1/events/${encodeURIComponent(id)}`, { what: `reading event ${id}` }),
      { ...DEFAULT_RETRY, maxAttempts: 4, maxElapsedMs: 30_000 },
    );
  }

  /**
   * Proves, against the pinned `verifierKey` only, that the event is in its organization's log
   * exactly as displayed: leaf hash, inclusion proof, checkpoint signature and origin, personal-field
   * disclosures, the displayed event versus the sealed leaf, and consistency with the last
   * checkpoint this client verified for the organization. Pass the receipt from `log()` to also
   * check it against what the server stores now. Resolves `{ ok: false, code, message }` when the
   * proof fails; rejects only when the server cannot be read.
   *
   * @example
   * const receipt = await audit.log(event);
   * const result = await audit.verifyEvent(receipt);
   * if (!result.ok) alert(`audit log tampered: ${result.code}: ${result.message}`);
   */
  verifyEvent(idOrReceipt: string | EventReceipt): Promise<EventVerification> {
    return this.#verifier.verifyEvent(idOrReceipt);
  }

  /**
   * Proves that the organization's log today extends an older signed checkpoint you kept (e.g.
   * `result.checkpoint.note` from an earlier verification, stored in your own database): nothing
   * was removed (`rolled_back`) or rewritten (`forked`). Also checks against the checkpoint this
   * client remembers, and remembers the current one.
   *
   * @example
   * const result = await audit.verifyConsistency(savedNote);
   * if (result.ok) savedNote = result.checkpoint.note;
   * else console.error(result.code, result.message);
   */
  verifyConsistency(oldCheckpoint: string): Promise<ConsistencyVerification> {
    return this.#verifier.verifyConsistency(oldCheckpoint);
  }

  /**
   * Checks the organization's current checkpoint against the one this client remembers (a monitor):
   * the first call pins it, later calls demand a consistency proof from it.
   *
   * @example
   * setInterval(async () => {
   *   const result = await audit.verifyLog('org_acme');
   *   if (!result.ok) page(`audit log ${result.code}: ${result.message}`);
   * }, 60_000);
   */
  verifyLog(organizationId: string): Promise<ConsistencyVerification> {
    return this.#verifier.verifyLog(organizationId);
  }

  /** The event's metadata with the request context's ip and user agent added, or undefined when nothing is added. */
  #contextMetadata(event: EventInput): Record<string, unknown> | undefined {
    if (this.#context === undefined) return undefined;
    const context = this.#context();
    if (context === undefined) return undefined;
    const metadata: unknown = event.metadata;
    if (metadata !== undefined && (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))) {
      return undefined; // invalid: validation will say so
    }
    const current = metadata as Record<string, unknown> | undefined;
    const addIp = context.ip !== undefined && current?.ip === undefined;
    const addAgent = context.user_agent !== undefined && current?.user_agent === undefined;
    if (!addIp && !addAgent) return undefined;
    const merged: Record<string, unknown> = { ...current };
    if (addIp) merged.ip = context.ip;
    if (addAgent) merged.user_agent = context.user_agent;
    return merged;
  }
}
