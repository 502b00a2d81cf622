// One error class with a closed list of codes; two subclasses carry extra fields (validation issues,
// an HTTP problem). Every failure of `log()` is one of these, delivered to its promise and to onError.
import type { EventInput } from '@auditledge/core';

export type AuditLedgeErrorCode =
  /** The event failed local validation (thrown synchronously by `log()`); see `issues`. */
  | 'invalid_event'
  /** Query filters that cannot be valid (thrown synchronously by `query()`); see `issues`. */
  | 'invalid_query'
  /** The in-memory queue held `maxQueueSize` undelivered events; this one was refused, not queued. */
  | 'queue_full'
  /** `log()` after `close()`. */
  | 'closed'
  /** The server answered with an error status (see `status` and `problem`). */
  | 'http_error'
  /** The server could not be reached, or the connection broke before a reply. */
  | 'network_error'
  /** No reply within `timeoutMs`. */
  | 'timeout'
  /** The reply was not what the API contract promises (e.g. a proxy's HTML page). */
  | 'bad_response'
  /** Retries stopped at `close({ timeoutMs })` before the event was acknowledged. */
  | 'aborted'
  /** A misuse of the SDK itself: a bad option, or verification without a pinned `verifierKey`. */
  | 'invalid_usage';

/** One problem with an event field: `path` is like `actor.email` or `targets[2].id`. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** An RFC 9457 problem+json body as the Auditledge API returns it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  request_id?: string;
  errors?: FieldIssue[];
}

/** Every error the SDK produces. Branch on `code`; show `message`. */
export class AuditLedgeError extends Error {
  readonly code: AuditLedgeErrorCode;
  /**
   * The events this failure concerns, as they were (or would have been) sent, each with its
   * `idempotency_key`: re-sending one later can never create a duplicate. Empty for reads.
   */
  readonly events: readonly EventInput[];
  /** Whether the same request may succeed later (network trouble, 408, 429, 5xx). */
  readonly retryable: boolean;

  constructor(
    code: AuditLedgeErrorCode,
    message: string,
    options: { cause?: unknown; events?: readonly EventInput[]; retryable?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AuditLedgeError';
    this.code = code;
    this.events = options.events ?? [];
    this.retryable = options.retryable ?? false;
  }
}

/**
 * Thrown synchronously by `log()` (code `invalid_event`) or `query()` (`invalid_query`) when the
 * input cannot be valid: a bug to fix, not a condition to retry.
 */
export class AuditLedgeValidationError extends AuditLedgeError {
  readonly issues: readonly FieldIssue[];

  constructor(
    issues: readonly FieldIssue[],
    events: readonly EventInput[] = [],
    code: 'invalid_event' | 'invalid_query' = 'invalid_event',
  ) {
    super(code, describeIssues(issues, code === 'invalid_event' ? 'audit event' : 'query'), { events });
    this.name = 'AuditLedgeValidationError';
    this.issues = issues;
  }
}

/** `log()` was refused because `maxQueueSize` events were already waiting; see README "Overflow". */
export class AuditLedgeQueueFullError extends AuditLedgeError {
  constructor(maxQueueSize: number, events: readonly EventInput[]) {
    super(
      'queue_full',
      `the audit event queue is full (${maxQueueSize} events not yet acknowledged by the server); this event was not queued`,
      { events, retryable: true },
    );
    this.name = 'AuditLedgeQueueFullError';
  }
}

/** The server answered with an error status. */
export class AuditLedgeHttpError extends AuditLedgeError {
  readonly status: number;
  readonly problem: Problem | undefined;
  /** Milliseconds the server asked to wait (`Retry-After`), when it did. */
  readonly retryAfterMs: number | undefined;

  constructor(
    status: number,
    problem: Problem | undefined,
    options: { retryAfterMs?: number | undefined; events?: readonly EventInput[]; what?: string } = {},
  ) {
    const detail = problem?.detail ?? problem?.title;
    super('http_error', `${options.what ?? 'the request'} failed with HTTP ${status}${detail ? `: ${detail}` : ''}`, {
      events: options.events ?? [],
      retryable: isRetryableStatus(status),
    });
    this.name = 'AuditLedgeHttpError';
    this.status = status;
    this.problem = problem;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Field problems reported by the server (`errors` of the problem body). */
  get issues(): readonly FieldIssue[] {
    return this.problem?.errors ?? [];
  }
}

/** 408, 429 and 5xx may succeed later; every other status will not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function describeIssues(issues: readonly FieldIssue[], what: string): string {
  const first = issues[0];
  if (first === undefined) return `the ${what} is invalid`;
  const where = first.path === '' ? '' : `${first.path}: `;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return `invalid ${what}: ${where}${first.message}${more}`;
}
