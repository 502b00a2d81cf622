// Schema for the PostgreSQL backend: the same tables and meaning as store/sqlite, in PostgreSQL
// types. Append-only is enforced twice inside the database: triggers refuse UPDATE/DELETE/TRUNCATE
// of ledger rows for every role (the table owner included), and the `auditledge_app` role the
// documented deployment runs as is granted nothing but SELECT/INSERT on them.
// All pending migrations run in one transaction under an advisory lock (see postgres-store.ts).

/** The role the application runs as in production (docs/postgres.md); created by migration 1. */
export const APP_ROLE = 'auditledge_app';

/**
 * The transaction-local setting that opens a maintenance path through the append-only triggers:
 * `'on'` for erasure (only personal-data columns of events may change), {@link RETENTION_MODE}
 * for retention (only tombstoned event rows may be deleted).
 */
export const MAINTENANCE_SETTING = 'auditledge.maintenance';
export const RETENTION_MODE = 'retention';

export const POSTGRES_MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'ledger',
    sql: `
CREATE TABLE projects (
  id              text PRIMARY KEY,
  name            text NOT NULL,
  personal_fields jsonb NOT NULL,          -- array of dotted paths
  created_at      bigint NOT NULL
);

CREATE TABLE api_keys (
  id              text PRIMARY KEY,
  project_id      text NOT NULL REFERENCES projects(id),
  name            text NOT NULL,
  secret_hash     bytea NOT NULL CHECK (octet_length(secret_hash) = 32), -- the secret is never stored
  scopes          jsonb NOT NULL,
  organization_id text,                    -- pinned organization, NULL = any
  created_at      bigint NOT NULL,
  revoked_at      bigint
);
CREATE INDEX api_keys_project ON api_keys (project_id, created_at);

-- Deployment-wide secrets shared by every node (cursor signing).
CREATE TABLE settings (
  name  text PRIMARY KEY,
  value bytea NOT NULL
);

-- One Merkle log per (project, organization). size = next sequence number = tree size. Appends
-- lock these rows (SELECT ... FOR UPDATE), which is what serializes sequencing across nodes.
-- right_edge copies the hashes of the complete subtrees on the tree's right edge (largest first,
-- 32 bytes each, at most one per bit of size) out of merkle_nodes, so the locking read returns
-- everything an append needs and the lock is held for one round trip less.
CREATE TABLE logs (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id      text NOT NULL REFERENCES projects(id),
  organization_id text NOT NULL,
  size            bigint NOT NULL DEFAULT 0 CHECK (size >= 0),
  root_hash       bytea NOT NULL CHECK (octet_length(root_hash) = 32),
  right_edge      bytea NOT NULL DEFAULT '' CHECK (octet_length(right_edge) % 32 = 0),
  created_at      bigint NOT NULL,
  UNIQUE (project_id, organization_id)
);

-- One row per leaf. The leaf (sealed canonical JSON) and its hash are the ledger; the other
-- columns are a denormalized index of the leaf for filtering. rowid_ keeps the SQLite name so
-- the shared filter SQL (event-filter-sql.ts) works unchanged. action is byte-ordered (COLLATE
-- "C") because prefix filters are the range ['invoice.', 'invoice/').
CREATE TABLE events (
  rowid_          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  log_id          bigint NOT NULL REFERENCES logs(id),
  seq             bigint NOT NULL CHECK (seq >= 0),
  id              text NOT NULL UNIQUE,
  ts              bigint NOT NULL,
  received_at     bigint NOT NULL,
  actor_id        text NOT NULL,
  actor_email     text,
  action          text COLLATE "C" NOT NULL,
  resource_type   text,
  resource_id     text,
  outcome         text NOT NULL,
  leaf_hash       bytea NOT NULL CHECK (octet_length(leaf_hash) = 32),
  leaf            text NOT NULL,
  disclosures     text NOT NULL,
  search_text     text NOT NULL,           -- lowercased words free-text search matches against
  UNIQUE (log_id, seq)
);
CREATE INDEX events_time          ON events (log_id, ts DESC, seq DESC);
CREATE INDEX events_actor         ON events (log_id, actor_id, ts DESC, seq DESC);
CREATE INDEX events_email         ON events (log_id, actor_email, ts DESC, seq DESC) WHERE actor_email IS NOT NULL;
CREATE INDEX events_action        ON events (log_id, action, ts DESC, seq DESC);
CREATE INDEX events_resource_id   ON events (log_id, resource_id, ts DESC, seq DESC) WHERE resource_id IS NOT NULL;
CREATE INDEX events_resource_type ON events (log_id, resource_type, ts DESC, seq DESC) WHERE resource_type IS NOT NULL;

-- Additional objects acted upon (event "targets"); resource filters match these too.
CREATE TABLE event_targets (
  event_rowid bigint NOT NULL,
  log_id      bigint NOT NULL,
  type        text NOT NULL,
  id          text NOT NULL,
  PRIMARY KEY (log_id, id, type, event_rowid)
);

-- Merkle nodes keyed by tlog stored-hash index (golang.org/x/mod/sumdb/tlog StoredHashIndex), as
-- on SQLite: node (level, idx), the root of the 2^level leaves from idx * 2^level, is stored at
-- storedHashIndex(level, idx), which counts up in append order, so each append writes at the end
-- of its log's index range. Level 0 holds the leaf hashes themselves, so proofs survive the
-- deletion of event payloads by retention.
CREATE TABLE merkle_nodes (
  log_id bigint NOT NULL,
  hidx   bigint NOT NULL CHECK (hidx >= 0),
  hash   bytea NOT NULL CHECK (octet_length(hash) = 32),
  PRIMARY KEY (log_id, hidx)
);

-- Idempotency keys are scoped to a project; the request hash tells a replay from a conflict.
CREATE TABLE idempotency_keys (
  project_id   text NOT NULL,
  key          text NOT NULL,
  request_hash bytea NOT NULL,
  event_rowid  bigint NOT NULL,
  PRIMARY KEY (project_id, key)
);

-- Signed checkpoints (C2SP tlog-checkpoint notes), one per (log, size): the root for a size is
-- fixed by the stored nodes and Ed25519 is deterministic, so two nodes signing it agree.
CREATE TABLE checkpoints (
  log_id     bigint NOT NULL REFERENCES logs(id),
  size       bigint NOT NULL,
  root_hash  bytea NOT NULL,
  note       text NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (log_id, size)
);

-- Free text: substring match (LIKE '%term%') on search_text, the reference semantics of
-- eventMatchesFilter, accelerated by a trigram index. pg_trgm is a trusted extension (PostgreSQL
-- 13+), so a database owner can create it; without it search still works, by scanning.
DO $do$
DECLARE
  trgm_schema text;
BEGIN
  BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
  EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'auditledge: pg_trgm is not available (%); free-text search will not use an index', SQLERRM;
  END;
  SELECT n.nspname INTO trgm_schema
  FROM pg_opclass c JOIN pg_namespace n ON n.oid = c.opcnamespace JOIN pg_am a ON a.oid = c.opcmethod
  WHERE c.opcname = 'gin_trgm_ops' AND a.amname = 'gin'
  LIMIT 1;
  IF trgm_schema IS NOT NULL THEN
    EXECUTE format('CREATE INDEX events_search ON events USING gin (search_text %I.gin_trgm_ops)', trgm_schema);
  END IF;
END
$do$;

-- Append-only. The one sanctioned way to change a ledger row is the erasure path (and, later,
-- retention): a transaction that first runs
--   SET LOCAL auditledge.maintenance = 'on'      -- or set_config('auditledge.maintenance', 'on', true)
-- may then rewrite the columns that hold personal data (events.disclosures and search_text, and
-- clear actor_email) — never the leaf, its hash, its position or any other column, and never
-- DELETE or TRUNCATE. The setting is transaction-local, so other sessions never see it.
-- Everything else is refused for every role, the owner included.
CREATE FUNCTION auditledge_in_maintenance() RETURNS boolean LANGUAGE sql STABLE AS $fn$
  SELECT coalesce(current_setting('auditledge.maintenance', true), '') = 'on'
$fn$;

CREATE FUNCTION auditledge_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION '% are append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation';
END
$fn$;

CREATE FUNCTION auditledge_events_erasure_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'UPDATE' AND auditledge_in_maintenance()
     AND NEW.rowid_ = OLD.rowid_ AND NEW.log_id = OLD.log_id AND NEW.seq = OLD.seq AND NEW.id = OLD.id
     AND NEW.ts = OLD.ts AND NEW.received_at = OLD.received_at AND NEW.actor_id = OLD.actor_id
     AND NEW.action = OLD.action AND NEW.resource_type IS NOT DISTINCT FROM OLD.resource_type
     AND NEW.resource_id IS NOT DISTINCT FROM OLD.resource_id AND NEW.outcome = OLD.outcome
     AND NEW.leaf_hash = OLD.leaf_hash AND NEW.leaf = OLD.leaf
     AND (NEW.actor_email IS NULL OR NEW.actor_email = OLD.actor_email) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'events are append-only: % is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation',
          HINT = 'only erasure (SET LOCAL auditledge.maintenance = ''on'') may rewrite personal-data columns';
END
$fn$;

CREATE FUNCTION auditledge_log_only_grows() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
    RAISE EXCEPTION 'logs cannot be deleted: a log can only grow' USING ERRCODE = 'restrict_violation';
  END IF;
  IF NEW.id <> OLD.id OR NEW.project_id <> OLD.project_id OR NEW.organization_id <> OLD.organization_id
     OR NEW.size < OLD.size
     OR (NEW.size = OLD.size AND (NEW.root_hash <> OLD.root_hash OR NEW.right_edge <> OLD.right_edge)) THEN
    RAISE EXCEPTION 'a log can only grow: log % from size % to %', OLD.id, OLD.size, NEW.size
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END
$fn$;

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION auditledge_events_erasure_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION auditledge_refuse_change();
CREATE TRIGGER event_targets_append_only BEFORE UPDATE OR DELETE ON event_targets
  FOR EACH ROW EXECUTE FUNCTION auditledge_refuse_change();
CREATE TRIGGER event_targets_no_truncate BEFORE TRUNCATE ON event_targets
  FOR EACH STATEMENT EXECUTE FUNCTION auditledge_refuse_change();
CREATE TRIGGER merkle_nodes_append_only BEFORE UPDATE OR DELETE ON merkle_nodes
  FOR EACH ROW EXECUTE FUNCTION auditledge_refuse_change();
CREATE TRIGGER merkle_nodes_no_truncate BEFORE TRUNCATE ON merkle_nodes
  FOR EACH STATEMENT EXECUTE FUNCTION auditledge_refuse_change();
CREATE TRIGGER idempotency_keys_append_only BEFORE UPDATE OR DELETE ON idempotency_keys
  FOR EACH ROW EXECUTE FUNCTION auditledge_refuse_change();
CREATE TRIGGER idempotency_keys_no_truncate BEFORE TRUNCATE ON idempotency_keys
  FOR EACH STATEMENT EXECUTE FUNCTION auditledge_refuse_change();
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints
  FOR EACH ROW EXECUTE FUNCTION auditledge_refuse_change();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION auditledge_refuse_change();
CREATE TRIGGER logs_only_grow BEFORE UPDATE OR DELETE ON logs
  FOR EACH ROW EXECUTE FUNCTION auditledge_log_only_grows();
CREATE TRIGGER logs_no_truncate BEFORE TRUNCATE ON logs
  FOR EACH STATEMENT EXECUTE FUNCTION auditledge_log_only_grows();

-- The application role: read and append the ledger, nothing else. UPDATE is granted only on the
-- columns that legitimately change (a log head advancing, a key being revoked, personal data
-- being erased — the last still gated by the trigger above); SELECT ... FOR UPDATE needs such a
-- column privilege too. No DELETE, no TRUNCATE, anywhere. Roles are cluster-wide, so another database's
-- migration may create it concurrently; without CREATEROLE the grants are skipped with a warning
-- and docs/postgres.md shows how to apply them by hand.
DO $do$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'auditledge_app') THEN
    BEGIN
      CREATE ROLE auditledge_app NOLOGIN;
    EXCEPTION
      WHEN duplicate_object OR unique_violation THEN NULL;
      WHEN insufficient_privilege THEN
        RAISE WARNING 'auditledge: cannot create role auditledge_app (%); see docs/postgres.md', SQLERRM;
    END;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'auditledge_app') THEN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO auditledge_app', current_schema());
    GRANT SELECT ON schema_migrations TO auditledge_app;
    GRANT SELECT, INSERT ON projects, settings, events, event_targets, merkle_nodes, idempotency_keys, checkpoints
      TO auditledge_app;
    GRANT SELECT, INSERT ON logs, api_keys TO auditledge_app;
    GRANT UPDATE (size, root_hash, right_edge) ON logs TO auditledge_app;
    GRANT UPDATE (revoked_at) ON api_keys TO auditledge_app;
    GRANT UPDATE (disclosures, search_text, actor_email) ON events TO auditledge_app;
  END IF;
END
$do$;
`,
  },
  {
    version: 2,
    name: 'retention',
    sql: `
-- Retention (docs/retention.md), as on SQLite. Each organization may override the project's
-- window; a shortening waits in pending_* until its grace period is over.
CREATE TABLE retention_policies (
  project_id           text NOT NULL REFERENCES projects(id),
  organization_id      text NOT NULL,
  plan                 text,                 -- plan and days both NULL: the project default
  days                 integer CHECK (days IS NULL OR days >= 1),
  effective_at         bigint,               -- NULL: never changed from the project default
  pending_plan         text,
  pending_days         integer CHECK (pending_days IS NULL OR pending_days >= 1),
  pending_effective_at bigint,               -- NULL: no shortening pending
  updated_at           bigint NOT NULL,
  PRIMARY KEY (project_id, organization_id)
);

-- Retention deletes event rows (payload, index columns, targets, search text, idempotency key)
-- and keeps, per deleted event, a tombstone: its id, position and arrival time, and the pass
-- (rule and cutoff) that deleted it. Leaf hashes stay in merkle_nodes (level 0), so every proof
-- and checkpoint still verifies.
CREATE TABLE retention_prunes (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  log_id          bigint NOT NULL REFERENCES logs(id),
  received_before bigint NOT NULL,
  plan            text,
  days            integer NOT NULL CHECK (days >= 1),
  source          text NOT NULL CHECK (source IN ('organization', 'project')),
  pruned_at       bigint NOT NULL
);
CREATE TABLE pruned_events (
  log_id      bigint NOT NULL,
  seq         bigint NOT NULL,
  id          text NOT NULL UNIQUE,
  received_at bigint NOT NULL,
  prune_id    bigint NOT NULL REFERENCES retention_prunes(id),
  PRIMARY KEY (log_id, seq)
);
-- Retention deletes an event's targets and idempotency key by the event's row id.
CREATE INDEX event_targets_event ON event_targets (event_rowid);
CREATE INDEX idempotency_keys_event ON idempotency_keys (event_rowid);

-- The retention door: a transaction that runs SET LOCAL auditledge.maintenance = 'retention'
-- (erasure's value is 'on', so neither can do the other's work). Even then an event row (with its
-- targets and idempotency key) may only be deleted after its tombstone was written, and a
-- tombstone only names an existing event, received before its pass's cutoff and at least one day
-- ago by the database's own clock: no path deletes what was just written.
CREATE FUNCTION auditledge_maintenance_mode() RETURNS text LANGUAGE sql STABLE AS $fn$
  SELECT coalesce(current_setting('auditledge.maintenance', true), '')
$fn$;

CREATE FUNCTION auditledge_events_guard() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'UPDATE' AND auditledge_maintenance_mode() = 'on'
     AND NEW.rowid_ = OLD.rowid_ AND NEW.log_id = OLD.log_id AND NEW.seq = OLD.seq AND NEW.id = OLD.id
     AND NEW.ts = OLD.ts AND NEW.received_at = OLD.received_at AND NEW.actor_id = OLD.actor_id
     AND NEW.action = OLD.action AND NEW.resource_type IS NOT DISTINCT FROM OLD.resource_type
     AND NEW.resource_id IS NOT DISTINCT FROM OLD.resource_id AND NEW.outcome = OLD.outcome
     AND NEW.leaf_hash = OLD.leaf_hash AND NEW.leaf = OLD.leaf
     AND (NEW.actor_email IS NULL OR NEW.actor_email = OLD.actor_email) THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'DELETE' AND auditledge_maintenance_mode() = 'retention'
     AND EXISTS (SELECT 1 FROM pruned_events p WHERE p.log_id = OLD.log_id AND p.seq = OLD.seq AND p.id = OLD.id) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'events are append-only: % is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation',
          HINT = 'only erasure may rewrite personal-data columns, and only retention may delete (docs/retention.md)';
END
$fn$;
DROP TRIGGER events_append_only ON events;
DROP FUNCTION auditledge_events_erasure_only();
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION auditledge_events_guard();

CREATE FUNCTION auditledge_event_rows_guard() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'DELETE' AND auditledge_maintenance_mode() = 'retention' AND EXISTS (
       SELECT 1 FROM events e JOIN pruned_events p ON p.log_id = e.log_id AND p.seq = e.seq
       WHERE e.rowid_ = OLD.event_rowid) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '% are append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation';
END
$fn$;
DROP TRIGGER event_targets_append_only ON event_targets;
CREATE TRIGGER event_targets_append_only BEFORE UPDATE OR DELETE ON event_targets
  FOR EACH ROW EXECUTE FUNCTION auditledge_event_rows_guard();
DROP TRIGGER idempotency_keys_append_only ON idempotency_keys;
CREATE TRIGGER idempotency_keys_append_only BEFORE UPDATE OR DELETE ON idempotency_keys
  FOR EACH ROW EXECUTE FUNCTION auditledge_event_rows_guard();

CREATE FUNCTION auditledge_retention_prunes_guard() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF auditledge_maintenance_mode() = 'retention' THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'retention_prunes are written only by retention' USING ERRCODE = 'restrict_violation';
END
$fn$;
CREATE FUNCTION auditledge_pruned_events_guard() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF auditledge_maintenance_mode() = 'retention'
     AND EXISTS (SELECT 1 FROM events e WHERE e.log_id = NEW.log_id AND e.seq = NEW.seq AND e.id = NEW.id
                 AND e.received_at = NEW.received_at)
     AND EXISTS (SELECT 1 FROM retention_prunes r WHERE r.id = NEW.prune_id AND r.log_id = NEW.log_id
                 AND NEW.received_at < r.received_before)
     AND NEW.received_at < (extract(epoch FROM now()) * 1000)::bigint - 86400000 THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'pruned_events: only retention may delete an event, received before its cutoff and over a day ago'
    USING ERRCODE = 'restrict_violation';
END
$fn$;
CREATE TRIGGER retention_prunes_insert BEFORE INSERT ON retention_prunes
  FOR EACH ROW EXECUTE FUNCTION auditledge_retention_prunes_guard();
CREATE TRIGGER pruned_events_insert BEFORE INSERT ON pruned_events
  FOR EACH ROW EXECUTE FUNCTION auditledge_pruned_events_guard();
CREATE TRIGGER retention_prunes_append_only BEFORE UPDATE OR DELETE ON retention_prunes
  FOR EACH ROW EXECUTE FUNCTION auditledge_refuse_change();
CREATE TRIGGER retention_prunes_no_truncate BEFORE TRUNCATE ON retention_prunes
  FOR EACH STATEMENT EXECUTE FUNCTION auditledge_refuse_change();
CREATE TRIGGER pruned_events_append_only BEFORE UPDATE OR DELETE ON pruned_events
  FOR EACH ROW EXECUTE FUNCTION auditledge_refuse_change();
CREATE TRIGGER pruned_events_no_truncate BEFORE TRUNCATE ON pruned_events
  FOR EACH STATEMENT EXECUTE FUNCTION auditledge_refuse_change();

-- The application role may now DELETE event rows (still gated by the triggers above: only on the
-- retention path, only with a tombstone), and keeps retention settings and tombstones.
DO $do$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'auditledge_app') THEN
    GRANT SELECT, INSERT ON retention_policies, retention_prunes, pruned_events TO auditledge_app;
    GRANT UPDATE (plan, days, effective_at, pending_plan, pending_days, pending_effective_at, updated_at)
      ON retention_policies TO auditledge_app;
    GRANT DELETE ON events, event_targets, idempotency_keys TO auditledge_app;
  END IF;
END
$do$;
`,
  },
  {
    version: 3,
    name: 'action catalog',
    sql: `
-- The action catalog (docs/action-catalog.md), as on SQLite: known actions with a description and
-- an optional JSON Schema for metadata, and the project's enforcement mode.
CREATE TABLE action_catalog (
  project_id      text NOT NULL REFERENCES projects(id),
  action          text COLLATE "C" NOT NULL,
  description     text,
  metadata_schema text,                     -- JSON Schema text; NULL = any metadata
  created_at      bigint NOT NULL,
  updated_at      bigint NOT NULL,
  PRIMARY KEY (project_id, action)
);
CREATE TABLE action_catalog_settings (
  project_id  text PRIMARY KEY REFERENCES projects(id),
  enforcement text NOT NULL CHECK (enforcement IN ('off', 'warn', 'enforce')),
  updated_at  bigint NOT NULL
);

-- Actions seen, per log: kept by the append statement itself (one upsert per log and action of a
-- group commit), so listing them never scans events. Per log, not per project, because the append
-- already holds its log's head lock: the counters add no lock another node's append could wait on.
CREATE TABLE action_stats (
  log_id     bigint NOT NULL REFERENCES logs(id),
  action     text COLLATE "C" NOT NULL,
  count      bigint NOT NULL CHECK (count >= 0),
  first_seen bigint NOT NULL,               -- received_at (epoch ms) of the first event
  last_seen  bigint NOT NULL,
  PRIMARY KEY (log_id, action)
);
INSERT INTO action_stats (log_id, action, count, first_seen, last_seen)
SELECT log_id, action, count(*), min(received_at), max(received_at) FROM events GROUP BY log_id, action;

DO $do$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'auditledge_app') THEN
    GRANT SELECT, INSERT ON action_catalog, action_catalog_settings, action_stats TO auditledge_app;
    GRANT UPDATE (description, metadata_schema, updated_at) ON action_catalog TO auditledge_app;
    GRANT UPDATE (enforcement, updated_at) ON action_catalog_settings TO auditledge_app;
    GRANT UPDATE (count, first_seen, last_seen) ON action_stats TO auditledge_app;
  END IF;
END
$do$;
`,
  },
];
