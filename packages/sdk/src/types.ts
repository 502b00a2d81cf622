// Wire types of the Auditledge API v1 as the SDK returns them (snake_case, exactly the JSON).
import type { EventActor, EventChange, EventInput, EventOutcome, EventResource, EventTarget } from '@auditledge/core';

export type { EventActor, EventChange, EventInput, EventOutcome, EventResource, EventTarget };

/** What the server acknowledged for one logged event: it is durable and sealed in the ledger. */
export interface EventReceipt {
  /** Server-generated, time-sortable id (`evt_…`). */
  id: string;
  /** The event's leaf index in its organization's log. */
  sequence: number;
  organization_id: string;
  /** RFC 3339 UTC time the server first received the event. */
  received_at: string;
  /** Base64 RFC 9162 leaf hash; `verifyEvent` checks it against the proof. */
  leaf_hash: string;
  /** The idempotency key the event was sent with (the SDK's own UUID unless the event carried one). */
  idempotency_key: string;
  /** True when the server had already stored this key (a retry of a request whose reply was lost). */
  replayed: boolean;
}

/** A stored event as `GET /v1/events` and `GET /v1/events/{id}` return it. */
export interface AuditEvent {
  id: string;
  organization_id: string;
  sequence: number;
  received_at: string;
  timestamp: string;
  actor: EventActor;
  action: string;
  resource?: EventResource;
  targets?: EventTarget[];
  metadata?: Record<string, unknown>;
  changes?: Record<string, EventChange>;
  outcome: EventOutcome;
  leaf_hash: string;
  /** Personal fields whose values were erased; their commitments remain in the leaf. */
  erased?: string[];
}

/** `GET /v1/events/{id}?proof=true`: everything needed to verify the event without trusting the server. */
export interface EventProof {
  /** The sealed canonical JSON whose SHA-256(0x00 ‖ UTF-8) is the leaf hash. */
  leaf: string;
  /** Personal values and salts that reproduce the leaf's commitments. */
  disclosures: Record<string, { value: unknown; salt: string }>;
  leaf_index: number;
  tree_size: number;
  /** RFC 9162 inclusion path, base64. */
  inclusion: string[];
  /** The signed checkpoint (C2SP note) whose root the path leads to. */
  checkpoint: string;
}

/** Filters of `GET /v1/events`, all ANDed. */
export interface EventFilters {
  /** Required unless the API key is pinned to one organization. */
  organization_id?: string;
  actor_id?: string;
  actor_email?: string;
  /** Exact (`invoice.deleted`), prefix (`invoice.*`), or several of either. */
  action?: string | readonly string[];
  resource_type?: string;
  resource_id?: string;
  outcome?: EventOutcome;
  /** Inclusive lower bound: an RFC 3339 instant, a date (`2026-05-01`), or a Date. */
  since?: string | Date;
  /** Exclusive upper bound, same forms as `since`. */
  until?: string | Date;
  /** The query language: `actor:alice@acme.com action:invoice.* after:2026-05-01 "free text"`. */
  q?: string;
  /** Page size, 1–1000 (default 50). Iteration still walks every page. */
  limit?: number;
}

/** One page of `GET /v1/events`. */
export interface EventPage {
  data: AuditEvent[];
  next_cursor: string | null;
}

/** Request facts `log()` copies into `metadata` when the event does not set them. */
export interface RequestContext {
  ip?: string | undefined;
  user_agent?: string | undefined;
}
