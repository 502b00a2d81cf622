// Schema for the embedded SQLite backend. Append-only is enforced by triggers in the database,
// so a stray UPDATE/DELETE (from our code, a script or a DBA) fails instead of rewriting history.
// Each migration runs once, in order, inside a transaction; applied versions are recorded.

export const SQLITE_MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'ledger',
    sql: `
CREATE TABLE projects (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  personal_fields TEXT NOT NULL,            -- JSON array of dotted paths
  created_at      INTEGER NOT NULL
);

CREATE TABLE api_keys (
  id              TEXT PRIMARY KEY,
  project_id      TEXT NOT NULL REFERENCES projects(id),
  name            TEXT NOT NULL,
  secret_hash     BLOB NOT NULL,            -- SHA-256 of the secret; the secret is never stored
  scopes          TEXT NOT NULL,            -- JSON array
  organization_id TEXT,                     -- pinned organization, NULL = any
  created_at      INTEGER NOT NULL,
  revoked_at      INTEGER
);
CREATE INDEX api_keys_project ON api_keys(project_id, created_at);

CREATE TABLE settings (
  name  TEXT PRIMARY KEY,
  value BLOB NOT NULL
);

-- One Merkle log per (project, organization). size = next sequence number = tree size.
CREATE TABLE logs (
  id              INTEGER PRIMARY KEY,
  project_id      TEXT NOT NULL REFERENCES projects(id),
  organization_id TEXT NOT NULL,
  size            INTEGER NOT NULL DEFAULT 0,
  root_hash       BLOB NOT NULL,
  created_at      INTEGER NOT NULL,
  UNIQUE (project_id, organization_id)
);

-- One row per leaf. The leaf (sealed canonical JSON) and its hash are the ledger; the other
-- columns are a denormalized index of the leaf for filtering.
CREATE TABLE events (
  rowid_          INTEGER PRIMARY KEY,
  log_id          INTEGER NOT NULL REFERENCES logs(id),
  seq             INTEGER NOT NULL,
  id              TEXT NOT NULL UNIQUE,
  ts              INTEGER NOT NULL,
  received_at     INTEGER NOT NULL,
  actor_id        TEXT NOT NULL,
  actor_email     TEXT,
  action          TEXT NOT NULL,
  resource_type   TEXT,
  resource_id     TEXT,
  outcome         TEXT NOT NULL,
  leaf_hash       BLOB NOT NULL,
  leaf            TEXT NOT NULL,
  disclosures     TEXT NOT NULL,
  UNIQUE (log_id, seq)
);
CREATE INDEX events_time     ON events(log_id, ts DESC, seq DESC);
CREATE INDEX events_actor    ON events(log_id, actor_id, ts DESC, seq DESC);
CREATE INDEX events_email    ON events(log_id, actor_email, ts DESC, seq DESC) WHERE actor_email IS NOT NULL;
CREATE INDEX events_action   ON events(log_id, action, ts DESC, seq DESC);
CREATE INDEX events_resource_id   ON events(log_id, resource_id, ts DESC, seq DESC) WHERE resource_id IS NOT NULL;
CREATE INDEX events_resource_type ON events(log_id, resource_type, ts DESC, seq DESC) WHERE resource_type IS NOT NULL;

-- Additional objects acted upon (event "targets"); resource filters match these too.
CREATE TABLE event_targets (
  event_rowid   INTEGER NOT NULL REFERENCES events(rowid_),
  log_id        INTEGER NOT NULL,
  type          TEXT NOT NULL,
  id            TEXT NOT NULL,
  PRIMARY KEY (log_id, id, type, event_rowid)
) WITHOUT ROWID;

-- Merkle nodes keyed by tlog stored-hash index (golang.org/x/mod/sumdb/tlog StoredHashIndex):
-- node (level, idx), the root of the 2^level leaves from idx * 2^level, is stored at position
-- storedHashIndex(level, idx), which counts up in append order, so every insert lands at the end
-- of the index. Level 0 holds the leaf hashes themselves, so proofs survive the deletion of event
-- payloads by retention.
CREATE TABLE merkle_nodes (
  log_id INTEGER NOT NULL,
  hidx   INTEGER NOT NULL,
  hash   BLOB NOT NULL,
  PRIMARY KEY (log_id, hidx)
) WITHOUT ROWID;

-- Idempotency keys are scoped to a project; the request hash tells a replay from a conflict.
CREATE TABLE idempotency_keys (
  project_id   TEXT NOT NULL,
  key          TEXT NOT NULL,
  request_hash BLOB NOT NULL,
  event_rowid  INTEGER NOT NULL,
  PRIMARY KEY (project_id, key)
) WITHOUT ROWID;

-- Free text over names, ids, action and metadata values. Contentless: the text lives in the leaf.
CREATE VIRTUAL TABLE events_fts USING fts5(body, content='', contentless_delete=1);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE is not allowed'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE is not allowed'); END;
CREATE TRIGGER merkle_nodes_no_update BEFORE UPDATE ON merkle_nodes
BEGIN SELECT RAISE(ABORT, 'merkle_nodes are append-only: UPDATE is not allowed'); END;
CREATE TRIGGER merkle_nodes_no_delete BEFORE DELETE ON merkle_nodes
BEGIN SELECT RAISE(ABORT, 'merkle_nodes are append-only: DELETE is not allowed'); END;
CREATE TRIGGER event_targets_no_update BEFORE UPDATE ON event_targets
BEGIN SELECT RAISE(ABORT, 'event_targets are append-only: UPDATE is not allowed'); END;
CREATE TRIGGER event_targets_no_delete BEFORE DELETE ON event_targets
BEGIN SELECT RAISE(ABORT, 'event_targets are append-only: DELETE is not allowed'); END;
CREATE TRIGGER logs_no_delete BEFORE DELETE ON logs
BEGIN SELECT RAISE(ABORT, 'logs cannot be deleted'); END;
CREATE TRIGGER logs_only_grow BEFORE UPDATE ON logs
WHEN NEW.size < OLD.size OR NEW.project_id IS NOT OLD.project_id OR NEW.organization_id IS NOT OLD.organization_id
BEGIN SELECT RAISE(ABORT, 'a log can only grow'); END;
`,
  },
  {
    version: 2,
    name: 'checkpoints',
    sql: `
-- Signed checkpoints (C2SP tlog-checkpoint notes). One per (log, size): a root for a given size
-- is fixed by the stored nodes and Ed25519 is deterministic, so re-signing yields the same note.
CREATE TABLE checkpoints (
  log_id     INTEGER NOT NULL REFERENCES logs(id),
  size       INTEGER NOT NULL,
  root_hash  BLOB NOT NULL,
  note       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (log_id, size)
) WITHOUT ROWID;

CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only: UPDATE is not allowed'); END;
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only: DELETE is not allowed'); END;
CREATE TRIGGER idempotency_keys_no_update BEFORE UPDATE ON idempotency_keys
BEGIN SELECT RAISE(ABORT, 'idempotency_keys are append-only: UPDATE is not allowed'); END;
`,
  },
  {
    version: 3,
    name: 'maintenance path for erasure and retention',
    sql: `
-- The one sanctioned way to change ledger rows: erasure (personal values and their salts) and,
-- later, retention. A transaction sets active = 1, makes its changes and sets it back; other
-- connections never see the flag set (isolation), and even then only the columns that hold
-- personal data may change: the leaf, its hash and its position never can.
CREATE TABLE ledger_maintenance (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  active INTEGER NOT NULL
);
INSERT INTO ledger_maintenance (id, active) VALUES (1, 0);

DROP TRIGGER events_no_update;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
WHEN (SELECT active FROM ledger_maintenance WHERE id = 1) IS NOT 1
  OR NEW.rowid_ IS NOT OLD.rowid_ OR NEW.log_id IS NOT OLD.log_id OR NEW.seq IS NOT OLD.seq
  OR NEW.id IS NOT OLD.id OR NEW.ts IS NOT OLD.ts OR NEW.received_at IS NOT OLD.received_at
  OR NEW.actor_id IS NOT OLD.actor_id OR NEW.action IS NOT OLD.action
  OR NEW.resource_type IS NOT OLD.resource_type OR NEW.resource_id IS NOT OLD.resource_id
  OR NEW.outcome IS NOT OLD.outcome OR NEW.leaf_hash IS NOT OLD.leaf_hash OR NEW.leaf IS NOT OLD.leaf
  OR (NEW.actor_email IS NOT NULL AND NEW.actor_email IS NOT OLD.actor_email)
BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE is not allowed'); END;
`,
  },
  {
    version: 4,
    name: 'retention',
    sql: `
-- Retention (docs/retention.md). Each organization may override the project's window; a
-- shortening waits in pending_* until its grace period is over.
CREATE TABLE retention_policies (
  project_id           TEXT NOT NULL REFERENCES projects(id),
  organization_id      TEXT NOT NULL,
  plan                 TEXT,                 -- plan and days both NULL: the project default
  days                 INTEGER CHECK (days IS NULL OR days >= 1),
  effective_at         INTEGER,              -- NULL: never changed from the project default
  pending_plan         TEXT,
  pending_days         INTEGER CHECK (pending_days IS NULL OR pending_days >= 1),
  pending_effective_at INTEGER,              -- NULL: no shortening pending
  updated_at           INTEGER NOT NULL,
  PRIMARY KEY (project_id, organization_id)
) WITHOUT ROWID;

-- Retention deletes event rows (payload, index columns, targets, search text, idempotency key)
-- and keeps, per deleted event, a tombstone: its id, position and arrival time, and the pass
-- (rule and cutoff) that deleted it. Leaf hashes stay in merkle_nodes (level 0), so every proof
-- and checkpoint still verifies.
CREATE TABLE retention_prunes (
  id              INTEGER PRIMARY KEY,
  log_id          INTEGER NOT NULL REFERENCES logs(id),
  received_before INTEGER NOT NULL,
  plan            TEXT,
  days            INTEGER NOT NULL CHECK (days >= 1),
  source          TEXT NOT NULL CHECK (source IN ('organization', 'project')),
  pruned_at       INTEGER NOT NULL
);
CREATE TABLE pruned_events (
  log_id      INTEGER NOT NULL,
  seq         INTEGER NOT NULL,
  id          TEXT NOT NULL UNIQUE,
  received_at INTEGER NOT NULL,
  prune_id    INTEGER NOT NULL REFERENCES retention_prunes(id),
  PRIMARY KEY (log_id, seq)
) WITHOUT ROWID;
-- Retention deletes an event's targets and idempotency key by the event's row id.
CREATE INDEX event_targets_event ON event_targets(event_rowid);
CREATE INDEX idempotency_keys_event ON idempotency_keys(event_rowid);

-- The retention door: ledger_maintenance.active = 2 (erasure is 1, so neither can do the other's
-- work). Even then a row may only go after its tombstone was written, and a tombstone only names
-- an existing event, received before its pass's cutoff and at least one day ago by the database's
-- own clock: no path deletes what was just written.
CREATE TRIGGER retention_prunes_insert BEFORE INSERT ON retention_prunes
WHEN (SELECT active FROM ledger_maintenance WHERE id = 1) IS NOT 2
BEGIN SELECT RAISE(ABORT, 'retention_prunes are written only by retention'); END;
CREATE TRIGGER retention_prunes_no_update BEFORE UPDATE ON retention_prunes
BEGIN SELECT RAISE(ABORT, 'retention_prunes are append-only: UPDATE is not allowed'); END;
CREATE TRIGGER retention_prunes_no_delete BEFORE DELETE ON retention_prunes
BEGIN SELECT RAISE(ABORT, 'retention_prunes are append-only: DELETE is not allowed'); END;

CREATE TRIGGER pruned_events_insert BEFORE INSERT ON pruned_events
WHEN (SELECT active FROM ledger_maintenance WHERE id = 1) IS NOT 2
  OR NOT EXISTS (SELECT 1 FROM events e WHERE e.log_id = NEW.log_id AND e.seq = NEW.seq AND e.id = NEW.id
                 AND e.received_at = NEW.received_at)
  OR NOT EXISTS (SELECT 1 FROM retention_prunes r WHERE r.id = NEW.prune_id AND r.log_id = NEW.log_id
                 AND NEW.received_at < r.received_before)
  OR NEW.received_at >= (CAST(strftime('%s', 'now') AS INTEGER) - 86400) * 1000
BEGIN SELECT RAISE(ABORT, 'pruned_events: only retention may delete an event, received before its cutoff and over a day ago'); END;
CREATE TRIGGER pruned_events_no_update BEFORE UPDATE ON pruned_events
BEGIN SELECT RAISE(ABORT, 'pruned_events are append-only: UPDATE is not allowed'); END;
CREATE TRIGGER pruned_events_no_delete BEFORE DELETE ON pruned_events
BEGIN SELECT RAISE(ABORT, 'pruned_events are append-only: DELETE is not allowed'); END;

DROP TRIGGER events_no_delete;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
WHEN (SELECT active FROM ledger_maintenance WHERE id = 1) IS NOT 2
  OR NOT EXISTS (SELECT 1 FROM pruned_events p WHERE p.log_id = OLD.log_id AND p.seq = OLD.seq AND p.id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE is not allowed'); END;
DROP TRIGGER event_targets_no_delete;
CREATE TRIGGER event_targets_no_delete BEFORE DELETE ON event_targets
WHEN (SELECT active FROM ledger_maintenance WHERE id = 1) IS NOT 2
  OR NOT EXISTS (SELECT 1 FROM events e JOIN pruned_events p ON p.log_id = e.log_id AND p.seq = e.seq
                 WHERE e.rowid_ = OLD.event_rowid)
BEGIN SELECT RAISE(ABORT, 'event_targets are append-only: DELETE is not allowed'); END;
CREATE TRIGGER idempotency_keys_no_delete BEFORE DELETE ON idempotency_keys
WHEN (SELECT active FROM ledger_maintenance WHERE id = 1) IS NOT 2
  OR NOT EXISTS (SELECT 1 FROM events e JOIN pruned_events p ON p.log_id = e.log_id AND p.seq = e.seq
                 WHERE e.rowid_ = OLD.event_rowid)
BEGIN SELECT RAISE(ABORT, 'idempotency_keys are append-only: DELETE is not allowed'); END;
`,
  },
  {
    version: 5,
    name: 'action catalog',
    sql: `
-- The action catalog (docs/action-catalog.md): known actions with a description and an optional
-- JSON Schema for metadata, and the project's enforcement mode.
CREATE TABLE action_catalog (
  project_id      TEXT NOT NULL REFERENCES projects(id),
  action          TEXT NOT NULL,
  description     TEXT,
  metadata_schema TEXT,                     -- JSON Schema text; NULL = any metadata
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  PRIMARY KEY (project_id, action)
) WITHOUT ROWID;
CREATE TABLE action_catalog_settings (
  project_id  TEXT PRIMARY KEY REFERENCES projects(id),
  enforcement TEXT NOT NULL CHECK (enforcement IN ('off', 'warn', 'enforce')),
  updated_at  INTEGER NOT NULL
) WITHOUT ROWID;

-- Actions seen, per log: kept by the append transaction itself (one upsert per log and action of
-- a group commit), so listing them never scans events. Per log, not per project, because the
-- append already holds its log's head: the counters add no lock another append could wait on.
CREATE TABLE action_stats (
  log_id     INTEGER NOT NULL REFERENCES logs(id),
  action     TEXT NOT NULL,
  count      INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,              -- received_at (epoch ms) of the first event
  last_seen  INTEGER NOT NULL,
  PRIMARY KEY (log_id, action)
) WITHOUT ROWID;
INSERT INTO action_stats (log_id, action, count, first_seen, last_seen)
SELECT log_id, action, count(*), min(received_at), max(received_at) FROM events GROUP BY log_id, action;
`,
  },
];
