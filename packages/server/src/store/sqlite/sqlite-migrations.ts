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
];
