// The background half of `log()`: a bounded queue of serialized events, sent to
// POST /v1/events/batch when a batch fills or the oldest event has waited `flushIntervalMs`, at most
// `concurrency` requests at a time. A batch that fails for a reason that may pass (network, timeout,
// 408, 429, 5xx) is resent with the same idempotency keys, so the server stores each event once
// however many times it arrives. Nothing here runs on the caller's stack except `enqueue`.
import type { EventInput } from '@auditledge/core';
import { BATCH_LIMITS } from '@auditledge/core';
import {
  AuditLedgeError,
  AuditLedgeHttpError,
  AuditLedgeQueueFullError,
  isRetryableStatus,
  type Problem,
} from './errors.js';
import { type HttpClient, httpError, parseJson } from './http.js';
import { isRetryable, type RetryOptions, retryDelay, sleep } from './retry.js';
import type { EventReceipt } from './types.js';

export interface DeliveryQueueOptions {
  batchSize: number;
  flushIntervalMs: number;
  maxQueueSize: number;
  concurrency: number;
  retry: RetryOptions;
  /** Whether the linger timer may keep a Node process alive (false when a beforeExit drain covers it). */
  refLingerTimer: boolean;
  onError: (error: AuditLedgeError) => void;
}

interface PendingEvent {
  /** The event as sent: compact JSON including its idempotency_key. */
  readonly json: string;
  readonly key: string;
  readonly promise: Promise<EventReceipt>;
  /** Settle the event; later calls are no-ops. */
  readonly resolve: (receipt: EventReceipt) => void;
  readonly reject: (error: AuditLedgeError) => void;
}

interface BatchResult {
  index?: unknown;
  status?: unknown;
  id?: unknown;
  sequence?: unknown;
  organization_id?: unknown;
  received_at?: unknown;
  leaf_hash?: unknown;
  error?: Problem;
}

const noop = () => {};
// `{"events":[` + `]}`: the envelope around the comma-joined events.
const ENVELOPE_BYTES = 13;

const schedule: (task: () => void) => void =
  typeof setImmediate === 'function' ? (task) => setImmediate(task) : (task) => setTimeout(task, 0);

export class DeliveryQueue {
  readonly #http: HttpClient;
  readonly #options: DeliveryQueueOptions;
  /** Events not yet taken into a request; `#head` is the first live slot (amortized O(1) shift). */
  #queue: PendingEvent[] = [];
  #head = 0;
  /** Queued plus in-flight events: the number `maxQueueSize` bounds. */
  #outstanding = 0;
  #inFlight = new Set<PendingEvent[]>();
  /** Events at queue positions below this are sent without waiting for a full batch (flush, timer). */
  #forced = 0;
  /** Total events ever enqueued: positions for `#forced`. */
  #enqueued = 0;
  #dispatchScheduled = false;
  #lingerTimer: ReturnType<typeof setTimeout> | undefined;
  /** Server-wide backpressure from Retry-After: no request starts before this time. */
  #pausedUntil = 0;
  readonly #abort = new AbortController();

  constructor(http: HttpClient, options: DeliveryQueueOptions) {
    this.#http = http;
    this.#options = options;
  }

  /** Events accepted by `log()` and not yet settled. */
  get outstanding(): number {
    return this.#outstanding;
  }

  /**
   * Queues one serialized event, or refuses it (`closed`, `queue_full`). Never throws and never
   * touches the network on this stack; the returned promise already has a handler, so leaving it
   * unawaited cannot crash the process.
   */
  enqueue(json: string, key: string, closed = false): Promise<EventReceipt> {
    if (closed || this.#abort.signal.aborted || this.#outstanding >= this.#options.maxQueueSize) {
      const error =
        closed || this.#abort.signal.aborted
          ? new AuditLedgeError('closed', 'the Auditledge client was closed; the event was not queued', {
              events: [parseEvent(json)],
            })
          : new AuditLedgeQueueFullError(this.#options.maxQueueSize, [parseEvent(json)]);
      this.#report(error);
      const refused = Promise.reject(error);
      refused.catch(noop);
      return refused;
    }
    let resolve!: (receipt: EventReceipt) => void;
    let reject!: (error: AuditLedgeError) => void;
    const promise = new Promise<EventReceipt>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(noop);
    // The count drops the moment an event settles, before any awaiting code resumes.
    let settled = false;
    const settle = () => {
      if (settled) return false;
      settled = true;
      this.#outstanding--;
      return true;
    };
    const item: PendingEvent = {
      json,
      key,
      promise,
      resolve: (receipt) => {
        if (settle()) resolve(receipt);
      },
      reject: (error) => {
        if (settle()) reject(error);
      },
    };
    this.#queue.push(item);
    this.#outstanding++;
    this.#enqueued++;
    const queued = this.#queue.length - this.#head;
    if (queued >= this.#options.batchSize) {
      if (this.#inFlight.size < this.#options.concurrency) this.#scheduleDispatch();
    } else if (this.#lingerTimer === undefined) {
      this.#armLinger();
    }
    return promise;
  }

  /** Sends everything queued now, even partial batches; resolves when each of those events has settled. */
  async flush(): Promise<void> {
    const waiting: Promise<unknown>[] = [];
    for (let i = this.#head; i < this.#queue.length; i++) waiting.push((this.#queue[i] as PendingEvent).promise);
    for (const batch of this.#inFlight) for (const item of batch) waiting.push(item.promise);
    if (waiting.length === 0) return;
    this.#forced = this.#enqueued;
    this.#dispatch();
    await Promise.allSettled(waiting);
  }

  /** Stops retrying and fails every unsettled event with `aborted` (close with a deadline). */
  abort(): void {
    this.#abort.abort();
    this.#forced = this.#enqueued;
    this.#dispatch();
  }

  #armLinger(): void {
    this.#lingerTimer = setTimeout(() => {
      this.#lingerTimer = undefined;
      this.#forced = this.#enqueued;
      this.#dispatch();
    }, this.#options.flushIntervalMs);
    if (!this.#options.refLingerTimer) (this.#lingerTimer as { unref?: () => void }).unref?.();
  }

  #scheduleDispatch(): void {
    if (this.#dispatchScheduled) return;
    this.#dispatchScheduled = true;
    schedule(() => {
      this.#dispatchScheduled = false;
      this.#dispatch();
    });
  }

  /** Starts as many requests as the concurrency limit allows and the thresholds call for. */
  #dispatch(): void {
    while (this.#inFlight.size < this.#options.concurrency) {
      const queued = this.#queue.length - this.#head;
      if (queued === 0) break;
      // Position of the queue head among all events ever enqueued.
      const headPosition = this.#enqueued - queued;
      if (queued < this.#options.batchSize && headPosition >= this.#forced) break;
      const batch = this.#takeBatch();
      this.#inFlight.add(batch);
      this.#send(batch)
        .catch((error: unknown) => {
          // Not reachable by design (#send settles every event itself); never leave a promise hanging.
          const cause = new AuditLedgeError('bad_response', String(error), { cause: error });
          this.#fail(batch, cause, false);
        })
        .finally(() => {
          this.#inFlight.delete(batch);
          this.#dispatch();
        });
    }
    const queued = this.#queue.length - this.#head;
    if (queued > 0 && this.#lingerTimer === undefined && this.#enqueued > this.#forced) this.#armLinger();
  }

  /** Up to `batchSize` events from the head, within the API's 5 MiB body limit. */
  #takeBatch(): PendingEvent[] {
    const end = Math.min(this.#queue.length, this.#head + this.#options.batchSize);
    let bytes = ENVELOPE_BYTES;
    let i = this.#head;
    for (; i < end; i++) {
      const json = (this.#queue[i] as PendingEvent).json;
      // UTF-8 takes at most 3 bytes per UTF-16 unit: exact counting is only needed near the limit.
      let size = json.length * 3 + 1;
      if (bytes + size > BATCH_LIMITS.maxBytes) size = utf8Bytes(json) + 1;
      if (i > this.#head && bytes + size > BATCH_LIMITS.maxBytes) break;
      bytes += size;
    }
    const batch = this.#queue.slice(this.#head, i);
    this.#head = i;
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 4096 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return batch;
  }

  /** Delivers one batch: retries what may succeed later, settles every event exactly once. */
  async #send(batch: PendingEvent[]): Promise<void> {
    let pending = batch;
    const started = Date.now();
    for (let attempt = 0; pending.length > 0; attempt++) {
      const signal = this.#abort.signal;
      const pause = this.#pausedUntil - Date.now();
      if (pause > 0) await sleep(pause, signal);
      let failure: AuditLedgeError;
      if (signal.aborted) {
        failure = new AuditLedgeError('aborted', 'the client was closed before the server acknowledged the event');
      } else {
        try {
          const response = await this.#http.request('POST', '/v1/events/batch', {
            body: `{"events":[${pending.map((item) => item.json).join(',')}]}`,
            signal,
            what: `sending ${pending.length} audit event${pending.length === 1 ? '' : 's'}`,
          });
          if (response.status === 200) {
            const retry = this.#settle(pending, parseJson<{ results?: unknown }>(response, 'the batch reply').results);
            if (retry.items.length === 0) return;
            pending = retry.items;
            failure = retry.error as AuditLedgeError;
          } else {
            failure = httpError(response, `sending ${pending.length} audit events`);
          }
        } catch (error) {
          failure =
            error instanceof AuditLedgeError
              ? error
              : new AuditLedgeError('bad_response', String(error), { cause: error, retryable: true });
        }
      }
      const delay = retryDelay(failure, attempt, this.#options.retry);
      if (failure instanceof AuditLedgeHttpError && failure.retryAfterMs !== undefined) {
        this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + delay);
      }
      const expired = Date.now() + delay - started > this.#options.retry.maxElapsedMs;
      if (!isRetryable(failure) || expired || this.#abort.signal.aborted) {
        this.#fail(pending, failure, expired && isRetryable(failure));
        return;
      }
      await sleep(delay, this.#abort.signal);
    }
  }

  /**
   * Resolves or rejects each event from the per-item results; returns the events to send again
   * (per-item 408/429/5xx, or results missing from a malformed reply) with the reason.
   */
  #settle(pending: PendingEvent[], results: unknown): { items: PendingEvent[]; error?: AuditLedgeError } {
    const done = new Array<boolean>(pending.length).fill(false);
    let retryError: AuditLedgeError | undefined;
    if (Array.isArray(results)) {
      for (const raw of results as BatchResult[]) {
        if (raw === null || typeof raw !== 'object') continue;
        const index = raw.index;
        if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= pending.length) continue;
        if (done[index]) continue;
        const item = pending[index] as PendingEvent;
        const status = typeof raw.status === 'number' ? raw.status : 0;
        if ((status === 201 || status === 200) && isReceipt(raw)) {
          done[index] = true;
          item.resolve({
            id: raw.id,
            sequence: raw.sequence,
            organization_id: raw.organization_id,
            received_at: raw.received_at,
            leaf_hash: raw.leaf_hash,
            idempotency_key: item.key,
            replayed: status === 200,
          });
        } else if (status >= 400 && !isRetryableStatus(status)) {
          done[index] = true;
          const error = new AuditLedgeHttpError(status, raw.error, {
            events: [parseEvent(item.json)],
            what: 'the audit event',
          });
          item.reject(error);
          this.#report(error);
        } else if (status >= 400) {
          retryError = new AuditLedgeHttpError(status, raw.error, { what: 'the audit event' });
        }
      }
    }
    const items = pending.filter((_, i) => !done[i]);
    if (items.length === 0) return { items };
    return {
      items,
      error:
        retryError ??
        new AuditLedgeError('bad_response', `the batch reply has no valid result for ${items.length} event(s)`, {
          retryable: true,
        }),
    };
  }

  #fail(pending: PendingEvent[], cause: AuditLedgeError, gaveUp: boolean): void {
    const events = pending.map((item) => parseEvent(item.json));
    const maybeStored =
      cause.retryable || cause.code === 'aborted'
        ? ' The server may have stored some of them: re-send error.events as they are (same idempotency_key) and none will be duplicated.'
        : '';
    const message = gaveUp
      ? `gave up delivering ${pending.length} audit event(s) after ${this.#options.retry.maxElapsedMs} ms of retries: ${cause.message}.${maybeStored}`
      : `${cause.message}${cause.message.endsWith('.') ? '' : '.'}${maybeStored}`;
    const error =
      cause instanceof AuditLedgeHttpError
        ? new AuditLedgeHttpError(cause.status, cause.problem, { events, retryAfterMs: cause.retryAfterMs })
        : new AuditLedgeError(cause.code, message, { cause, events, retryable: cause.retryable });
    error.message = message;
    for (const item of pending) item.reject(error);
    this.#report(error);
  }

  #report(error: AuditLedgeError): void {
    try {
      const returned: unknown = this.#options.onError(error);
      if (returned instanceof Promise) returned.catch(noop);
    } catch {
      // A throwing onError must not break delivery of the other events.
    }
  }
}

function isReceipt(raw: BatchResult): raw is BatchResult & {
  id: string;
  sequence: number;
  organization_id: string;
  received_at: string;
  leaf_hash: string;
} {
  return (
    typeof raw.id === 'string' &&
    typeof raw.sequence === 'number' &&
    typeof raw.organization_id === 'string' &&
    typeof raw.received_at === 'string' &&
    typeof raw.leaf_hash === 'string'
  );
}

function parseEvent(json: string): EventInput {
  return JSON.parse(json) as EventInput;
}

function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
