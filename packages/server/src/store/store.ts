// The narrow storage interface every backend (store/sqlite, store/postgres) implements.
// Rows here are storage shapes (snake_case, epoch-ms numbers); services map them to API objects.
import type { EventFilter, NodeRef } from '@auditledge/core';

export type Scope = 'events:write' | 'events:read' | 'admin';
export const SCOPES: readonly Scope[] = ['events:write', 'events:read', 'admin'];

export interface ProjectRow {
  id: string;
  name: string;
  personal_fields: string[];
  created_at: number;
}

export interface ApiKeyRow {
  id: string;
  project_id: string;
  name: string;
  /** SHA-256 of the full secret; the secret itself is never stored. */
  secret_hash: Uint8Array;
  scopes: Scope[];
  /** When set, the key may only touch this organization. */
  organization_id: string | null;
  created_at: number;
  revoked_at: number | null;
}

/** An event made ready for the ledger outside the transaction: validated, sealed and hashed. */
export interface PreparedEvent {
  projectId: string;
  organizationId: string;
  id: string;
  /** Event time (epoch ms, UTC). */
  timestamp: number;
  receivedAt: number;
  actorId: string;
  actorEmail: string | null;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  targets: { type: string; id: string }[];
  outcome: 'success' | 'failure';
  /** Canonical JSON of the sealed event: the Merkle leaf bytes (UTF-8). */
  leaf: string;
  leafHash: Uint8Array;
  /** JSON of { path: { value, salt } } for the personal fields the leaf commits to. */
  disclosures: string;
  /** Words indexed for free-text search. */
  searchText: string;
  idempotencyKey: string | null;
  /** SHA-256 of the canonical request, to tell a replay from a conflicting reuse of a key. */
  requestHash: Uint8Array | null;
}

export type AppendOutcome =
  | { kind: 'created' | 'replayed'; receipt: EventReceiptRow }
  | { kind: 'conflict'; idempotencyKey: string };

export interface EventReceiptRow {
  id: string;
  organization_id: string;
  sequence: number;
  received_at: number;
  leaf_hash: Uint8Array;
}

export interface EventRow extends EventReceiptRow {
  timestamp: number;
  leaf: string;
  disclosures: string;
}

export interface LogHeadRow {
  log_id: number;
  project_id: string;
  organization_id: string;
  size: number;
  root_hash: Uint8Array;
}

/** A signed checkpoint of one log (C2SP tlog-checkpoint note text). */
export interface CheckpointRow {
  log_id: number;
  size: number;
  root_hash: Uint8Array;
  note: string;
  created_at: number;
}

export interface EventPageQuery {
  projectId: string;
  organizationId: string;
  filter: EventFilter;
  limit: number;
  /**
   * `newest` (default): by event time then sequence, descending; keyset `after` = (timestamp,
   * sequence) of the last row seen. `sequence`: ascending leaf order, for verifiable exports;
   * keyset `afterSequence` = the last sequence seen.
   */
  order?: 'newest' | 'sequence';
  after?: { timestamp: number; sequence: number };
  afterSequence?: number;
  /** Only leaves below this sequence (those covered by a given checkpoint). */
  beforeSequence?: number;
}

/** Which events of one log an erasure applies to: any criterion may match. */
export interface ErasureQuery {
  projectId: string;
  organizationId: string;
  actorId?: string;
  email?: string;
  /** Matches the primary resource or any target. */
  resourceId?: string;
}

/** The new personal-data state of one event after erasure. */
export interface ErasureRewrite {
  disclosures: string;
  searchText: string;
  erasedFields: number;
}

/**
 * An organization's retention setting: a named plan, an explicit window in days (which wins over
 * the plan's), or neither (follow the project default). A shortening waits in `pending_*` until
 * `pending_effective_at`; `pending_effective_at` null = nothing pending.
 */
export interface RetentionPolicyRow {
  project_id: string;
  organization_id: string;
  plan: string | null;
  days: number | null;
  /** When the setting in force took effect (epoch ms); null: the project default, never changed. */
  effective_at: number | null;
  pending_plan: string | null;
  pending_days: number | null;
  pending_effective_at: number | null;
  updated_at: number;
}

/** The rule a retention pass applied: recorded with every event it deleted. */
export interface RetentionRule {
  plan: string | null;
  days: number;
  source: 'organization' | 'project';
}

/** One log the retention job looks at, with its organization's setting (null: none stored). */
export interface RetentionTargetRow {
  log_id: number;
  project_id: string;
  organization_id: string;
  policy: RetentionPolicyRow | null;
}

export interface PruneRequest {
  logId: number;
  /** Events received (server time) before this instant are due. */
  receivedBefore: number;
  /** At most this many events in this one transaction. */
  limit: number;
  prunedAt: number;
  rule: RetentionRule;
}

/** What is left of an event retention deleted: enough to answer 410 and to place it in its log. */
export interface PrunedEventRow {
  id: string;
  organization_id: string;
  sequence: number;
  received_at: number;
  pruned_at: number;
  /** The cutoff of the pass that deleted it. */
  received_before: number;
  rule: RetentionRule;
}

/** How a project treats actions missing from its catalog or metadata failing an action's schema. */
export type ActionEnforcement = 'off' | 'warn' | 'enforce';
export const ACTION_ENFORCEMENTS: readonly ActionEnforcement[] = ['off', 'warn', 'enforce'];

/** One entry of a project's action catalog. */
export interface CatalogActionRow {
  project_id: string;
  action: string;
  description: string | null;
  /** JSON text of the JSON Schema an event's `metadata` must satisfy; null = any metadata. */
  metadata_schema: string | null;
  created_at: number;
  updated_at: number;
}

/** A catalog upsert: a field left undefined keeps its stored value (null clears it). */
export interface CatalogActionPut {
  projectId: string;
  action: string;
  description?: string | null;
  metadataSchema?: string | null;
  at: number;
}

/** An action as seen in a project's logs: events appended with it, first and last arrival (epoch ms). */
export interface ActionStatsRow {
  action: string;
  count: number;
  first_seen: number;
  last_seen: number;
}

/** What a backend can do beyond the contract, so callers branch on capability, never on dialect. */
export interface StoreCapabilities {
  /** Several server processes may share this store. */
  readonly multiNode: boolean;
}

export interface Store {
  readonly capabilities: StoreCapabilities;

  /** Creates the default project if there is none; reports whether it did. */
  ensureDefaultProject(project: ProjectRow): Promise<{ project: ProjectRow; created: boolean }>;
  getProject(id: string): Promise<ProjectRow | undefined>;

  insertApiKey(row: ApiKeyRow): Promise<void>;
  getApiKey(id: string): Promise<ApiKeyRow | undefined>;
  listApiKeys(projectId: string): Promise<ApiKeyRow[]>;
  /** Marks a key revoked; false when no such key exists in the project. */
  revokeApiKey(projectId: string, id: string, at: number): Promise<boolean>;

  /**
   * Appends events in ONE durable transaction: assigns each organization log contiguous
   * sequence numbers, stores leaves and every Merkle node they complete (level 0 included),
   * advances log heads.
   * Outcomes are in input order. Resolves only after the commit is durable.
   */
  appendEvents(events: PreparedEvent[]): Promise<AppendOutcome[]>;

  /** Newest first by event time, then sequence. */
  listEvents(query: EventPageQuery): Promise<EventRow[]>;
  getEvent(projectId: string, eventId: string): Promise<EventRow | undefined>;

  /** The head of one organization's log; undefined until its first event. */
  getLogHead(projectId: string, organizationId: string): Promise<LogHeadRow | undefined>;
  /** Every organization log of a project (its size is the event count), by organization id. */
  listLogHeads(projectId: string): Promise<LogHeadRow[]>;
  /** Logs that grew past their latest checkpoint (or never had one), at most `limit`. */
  listLogsNeedingCheckpoint(limit: number): Promise<LogHeadRow[]>;
  /**
   * Reads Merkle nodes of one log in one round trip, keyed by `nodeKey(level, index)`. Level 0
   * nodes are leaf hashes (stored in merkle_nodes, independent of event rows). Missing nodes are
   * simply absent from the map.
   */
  readNodes(logId: number, refs: readonly NodeRef[]): Promise<Map<string, Uint8Array>>;
  /** Leaf texts (sealed canonical JSON) for sequences [start, end), in order. */
  readLeaves(logId: number, start: number, end: number): Promise<string[]>;
  /** Stores a checkpoint; storing the same (log, size) again is a no-op. */
  insertCheckpoint(row: CheckpointRow): Promise<void>;
  /** The newest checkpoint of a log, or the one at exactly `size` when given. */
  getCheckpoint(logId: number, size?: number): Promise<CheckpointRow | undefined>;

  /**
   * Erasure (GDPR Art. 17) through the database's maintenance path: for each matching event,
   * `rewrite` decides its new disclosures and search text; actor_email is cleared. Leaves, leaf
   * hashes, Merkle nodes and checkpoints are never touched, so every proof still verifies.
   */
  eraseEvents(
    query: ErasureQuery,
    rewrite: (row: EventRow) => ErasureRewrite | null,
  ): Promise<{ events: number; fields: number }>;

  /** The organization's stored retention setting, if any. */
  getRetentionPolicy(projectId: string, organizationId: string): Promise<RetentionPolicyRow | undefined>;
  /** Creates or replaces an organization's retention setting. */
  putRetentionPolicy(row: RetentionPolicyRow): Promise<void>;
  /** Every log (all projects) by log id after `afterLogId`, with its stored setting; at most `limit`. */
  listRetentionTargets(afterLogId: number, limit: number): Promise<RetentionTargetRow[]>;
  /**
   * Retention, through the database's maintenance path, in ONE transaction: takes the log's oldest
   * remaining events in sequence order while they were received before the cutoff (at most
   * `limit`), records a tombstone for each (id, sequence, received_at, the rule), and deletes the
   * event rows with their targets, search text and idempotency keys. Leaf hashes (Merkle level 0),
   * every other Merkle node, checkpoints and the log head are never touched, so every proof still
   * verifies. Returns how many events were deleted (0 when another node is pruning this log).
   */
  pruneEvents(request: PruneRequest): Promise<number>;
  /** The tombstone of an event retention deleted, in the project. */
  getPrunedEvent(projectId: string, eventId: string): Promise<PrunedEventRow | undefined>;
  /** Sequences in [start, end) of one log whose events retention deleted, ascending. */
  listPrunedSequences(logId: number, start: number, end: number): Promise<number[]>;

  /** The project's action catalog, by action. */
  listCatalogActions(projectId: string): Promise<CatalogActionRow[]>;
  /** Creates or updates one catalog entry; `created` tells which. */
  putCatalogAction(put: CatalogActionPut): Promise<{ row: CatalogActionRow; created: boolean }>;
  /** The project's catalog enforcement; `off` until set. */
  getActionEnforcement(projectId: string): Promise<ActionEnforcement>;
  setActionEnforcement(projectId: string, enforcement: ActionEnforcement, at: number): Promise<void>;
  /**
   * Every action appended to any of the project's logs, by action. The counts are kept by
   * appendEvents in its own transaction (one upsert per log and action of a group commit) and
   * count every event ever appended: retention and erasure do not lower them.
   */
  listActionStats(projectId: string): Promise<ActionStatsRow[]>;

  /** A secret shared by every node of a deployment (cursor signing), created on first use. */
  getOrCreateSecret(name: string, create: () => Uint8Array): Promise<Uint8Array>;

  /** Cheap round trip for readiness probes. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
