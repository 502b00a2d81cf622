// The action catalog on SQLite: catalog entries, the project's enforcement mode, and the seen-action
// counters the append transaction keeps (migration 5).
import type Database from 'better-sqlite3';
import type { ActionTally } from '../action-stats.js';
import type { ActionEnforcement, ActionStatsRow, CatalogActionPut, CatalogActionRow } from '../store.js';

export function listCatalogActions(db: Database.Database, projectId: string): CatalogActionRow[] {
  return db
    .prepare('SELECT * FROM action_catalog WHERE project_id = ? ORDER BY action')
    .all(projectId) as CatalogActionRow[];
}

export function putCatalogAction(
  db: Database.Database,
  put: CatalogActionPut,
): { row: CatalogActionRow; created: boolean } {
  return db
    .transaction(() => {
      const existing = db
        .prepare('SELECT * FROM action_catalog WHERE project_id = ? AND action = ?')
        .get(put.projectId, put.action) as CatalogActionRow | undefined;
      const row: CatalogActionRow = {
        project_id: put.projectId,
        action: put.action,
        description: put.description === undefined ? (existing?.description ?? null) : put.description,
        metadata_schema: put.metadataSchema === undefined ? (existing?.metadata_schema ?? null) : put.metadataSchema,
        created_at: existing?.created_at ?? put.at,
        updated_at: put.at,
      };
      db.prepare(
        `INSERT INTO action_catalog (project_id, action, description, metadata_schema, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (project_id, action) DO UPDATE SET description = excluded.description,
           metadata_schema = excluded.metadata_schema, updated_at = excluded.updated_at`,
      ).run(row.project_id, row.action, row.description, row.metadata_schema, row.created_at, row.updated_at);
      return { row, created: existing === undefined };
    })
    .immediate();
}

export function getActionEnforcement(db: Database.Database, projectId: string): ActionEnforcement {
  const row = db.prepare('SELECT enforcement FROM action_catalog_settings WHERE project_id = ?').get(projectId) as
    | { enforcement: ActionEnforcement }
    | undefined;
  return row?.enforcement ?? 'off';
}

export function setActionEnforcement(
  db: Database.Database,
  projectId: string,
  enforcement: ActionEnforcement,
  at: number,
): void {
  db.prepare(
    `INSERT INTO action_catalog_settings (project_id, enforcement, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (project_id) DO UPDATE SET enforcement = excluded.enforcement, updated_at = excluded.updated_at`,
  ).run(projectId, enforcement, at);
}

export function listActionStats(db: Database.Database, projectId: string): ActionStatsRow[] {
  return db
    .prepare(
      `SELECT s.action, sum(s.count) AS count, min(s.first_seen) AS first_seen, max(s.last_seen) AS last_seen
       FROM action_stats s JOIN logs l ON l.id = s.log_id
       WHERE l.project_id = ? GROUP BY s.action ORDER BY s.action`,
    )
    .all(projectId) as ActionStatsRow[];
}

/** The counter upsert, prepared once on the writer; run inside the append transaction. */
export function prepareActionStatsUpsert(db: Database.Database): (logId: number, tally: ActionTally) => void {
  const upsert = db.prepare(
    `INSERT INTO action_stats (log_id, action, count, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (log_id, action) DO UPDATE SET count = count + excluded.count,
       first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`,
  );
  return (logId, tally) => {
    upsert.run(logId, tally.action, tally.count, tally.firstSeen, tally.lastSeen);
  };
}
