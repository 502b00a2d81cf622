// The event model as it travels on the wire: snake_case, exactly the seed article's JSON.
import type { JsonObject, JsonValue } from '../json/types.js';

/** Who performed the action. Store a snapshot of name and email: users get renamed, ids don't change. */
export interface EventActor {
  id: string;
  type?: string;
  name?: string;
  email?: string;
  metadata?: Record<string, unknown>;
}

/** The primary object acted upon. */
export interface EventResource {
  type: string;
  id: string;
  name?: string;
  metadata?: Record<string, unknown>;
}

/** An additional object acted upon (e.g. the user added to a team). */
export interface EventTarget {
  type: string;
  id: string;
  name?: string;
}

/** One changed field: its value before and after the action (either may be absent). */
export interface EventChange {
  before?: unknown;
  after?: unknown;
}

export type EventOutcome = 'success' | 'failure';

/** What an integrating application sends (`POST /v1/events`, `audit.log({...})`). */
export interface EventInput {
  actor: EventActor;
  action: string;
  resource?: EventResource;
  targets?: EventTarget[];
  organization_id: string;
  /** RFC 3339 with `Z` or an explicit offset; defaults to the time the server received the event. */
  timestamp?: string;
  metadata?: Record<string, unknown>;
  changes?: Record<string, EventChange>;
  outcome?: EventOutcome;
  /** Batch items only; single events use the `Idempotency-Key` header. */
  idempotency_key?: string;
}

/** A normalized actor: optional fields that were absent or `null` are absent (never `undefined`-valued). */
export interface NormalizedActor {
  id: string;
  type?: string;
  name?: string;
  email?: string;
  metadata?: JsonObject;
}

export interface NormalizedResource {
  type: string;
  id: string;
  name?: string;
  metadata?: JsonObject;
}

export interface NormalizedChange {
  before?: JsonValue;
  after?: JsonValue;
}

/**
 * A validated event: `timestamp` normalized to UTC `YYYY-MM-DDTHH:mm:ss.sssZ` (absent when the
 * input had none, so the server fills in `received_at`), `outcome` defaulted, `idempotency_key`
 * removed. Absent optional fields are absent keys, so canonical JSON never sees `undefined`.
 */
export interface NormalizedEvent {
  actor: NormalizedActor;
  action: string;
  resource?: NormalizedResource;
  targets?: EventTarget[];
  organization_id: string;
  timestamp?: string;
  metadata?: JsonObject;
  changes?: Record<string, NormalizedChange>;
  outcome: EventOutcome;
}

/**
 * The fields of a stored event that are sealed into its ledger leaf: the normalized event plus the
 * server-assigned `id` and `received_at`, with `timestamp` always set (defaulting to `received_at`).
 * `sequence` and `leaf_hash` are outputs of sealing, so they are not part of it.
 */
export interface StoredEventFields extends Omit<NormalizedEvent, 'timestamp'> {
  id: string;
  received_at: string;
  timestamp: string;
}
