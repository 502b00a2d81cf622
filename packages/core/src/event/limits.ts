/**
 * Every limit `validateEvent` enforces, in one place so the API docs, the SDKs and the error
 * messages quote the same numbers. Lengths are in UTF-16 code units (JavaScript string length)
 * unless the name says bytes.
 */
export const EVENT_LIMITS = {
  /** Whole event, compact JSON (JSON.stringify, no whitespace) encoded as UTF-8. → 413 `too_large`. */
  maxEventBytes: 64 * 1024,
  /** `action`: lowercase dot-notation, at least this many segments of `[a-z0-9_]`. */
  minActionSegments: 2,
  maxActionLength: 128,
  /** `actor.id`, `resource.id`, `targets[].id`: 1..256 characters, no control characters. */
  maxIdLength: 256,
  /** `organization_id`: 1..256 characters, no control characters. */
  maxOrganizationIdLength: 256,
  /** `actor.type`, `resource.type`, `targets[].type`: 1..128 characters, no control characters. */
  maxTypeLength: 128,
  /** `actor.name`, `resource.name`, `targets[].name`: at most 512 characters. */
  maxNameLength: 512,
  /** `actor.email`: at most 320 characters (RFC 3696 errata), must contain `@`, no control characters. */
  maxEmailLength: 320,
  /** `targets`: at most this many entries. */
  maxTargets: 100,
  /** `changes`: at most this many fields. */
  maxChanges: 200,
  /** A key of `changes`: 1..256 characters. */
  maxChangeFieldLength: 256,
  /**
   * Nesting depth of free-form JSON (`metadata`, `actor.metadata`, `resource.metadata`, and each
   * `changes.*.before`/`after` value). The metadata object itself is depth 1; every nested object
   * or array adds one. A scalar `before`/`after` is depth 0.
   */
  maxJsonDepth: 8,
  /** `idempotency_key`: 1..255 printable ASCII characters (U+0020–U+007E). */
  maxIdempotencyKeyLength: 255,
  /** `timestamp` may be at most this far after the server's clock (clock skew allowance). */
  maxFutureSkewMs: 24 * 60 * 60 * 1000,
  /** `timestamp` year range, inclusive, checked on the UTC instant. */
  minTimestampYear: 1970,
  maxTimestampYear: 9999,
  /** Validation stops collecting after this many issues so a hostile event cannot inflate the error body. */
  maxIssues: 100,
} as const;

/** Limits of `POST /v1/events/batch`. */
export const BATCH_LIMITS = {
  maxEvents: 1000,
  /** Whole request body, bytes. */
  maxBytes: 5 * 1024 * 1024,
} as const;

/** Keys rejected at any depth: they reach prototypes in naive consumers (`obj[key] = value`). */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
