// Exponential backoff with full jitter (a uniformly random wait in [0, min(cap, base·2^attempt)]),
// so many clients recovering from the same outage do not retry in lockstep. A server's
// Retry-After wins over the computed wait.
import { AuditLedgeError, AuditLedgeHttpError } from './errors.js';

export interface RetryOptions {
  /** The cap of the first wait; each retry doubles it. Default 100 ms. */
  initialDelayMs: number;
  /** The largest computed wait (a longer Retry-After is still honoured). Default 10 s. */
  maxDelayMs: number;
  /** Stop retrying once this long has passed since the first attempt. Default 120 s. */
  maxElapsedMs: number;
}

export const DEFAULT_RETRY: Readonly<RetryOptions> = Object.freeze({
  initialDelayMs: 100,
  maxDelayMs: 10_000,
  maxElapsedMs: 120_000,
});

/** A Retry-After longer than this is taken as this: a misconfigured server must not park events for a day. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** Whether another attempt may succeed. */
export function isRetryable(error: unknown): boolean {
  return error instanceof AuditLedgeError && error.retryable;
}

/** The wait before retry number `attempt` (0 for the first retry). */
export function retryDelay(error: unknown, attempt: number, options: RetryOptions, random = Math.random): number {
  if (error instanceof AuditLedgeHttpError && error.retryAfterMs !== undefined) {
    return Math.min(error.retryAfterMs, MAX_RETRY_AFTER_MS);
  }
  const cap = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * cap);
}

/** Resolves after `ms`, or as soon as `signal` aborts. The timer keeps a Node process alive: a retry is pending work. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs `attempt` until it succeeds, fails for good, `maxAttempts` is reached or `maxElapsedMs`
 * would be exceeded; rethrows the last error. For reads, which are idempotent by nature.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  options: RetryOptions & { maxAttempts: number; signal?: AbortSignal },
): Promise<T> {
  const started = Date.now();
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      const delay = retryDelay(error, n, options);
      const last = n + 1 >= options.maxAttempts || Date.now() + delay - started > options.maxElapsedMs;
      if (!isRetryable(error) || last || options.signal?.aborted) throw error;
      await sleep(delay, options.signal);
    }
  }
}
