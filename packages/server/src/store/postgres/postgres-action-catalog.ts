// The action catalog on PostgreSQL: catalog entries, the project's enforcement mode, and the
// seen-action counters (migration 3). The counters are written by the append statement itself
// (see ACTION_STATS_CTE), under the log head locks that append already holds.
import type pg from 'pg';
import type { ActionTally } from '../action-stats.js';
import type { ActionEnforcement, ActionStatsRow, CatalogActionPut, CatalogActionRow } from '../store.js';

/** The one driver method used here. */
export interface PgQueryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export async function listCatalogActions(db: PgQueryable, projectId: string): Promise<CatalogActionRow[]> {
  const { rows } = await db.query<CatalogActionRow>(
    'SELECT * FROM action_catalog WHERE project_id = $1 ORDER BY action',
    [projectId],
  );
  return rows;
}

export async function putCatalogAction(
  db: PgQueryable,
  put: CatalogActionPut,
): Promise<{ row: CatalogActionRow; created: boolean }> {
  // One statement: a field left undefined keeps its stored value; xmax = 0 marks a fresh insert.
  const { rows } = await db.query<CatalogActionRow & { created: boolean }>(
    `INSERT INTO action_catalog AS c (project_id, action, description, metadata_schema, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $5)
     ON CONFLICT (project_id, action) DO UPDATE SET
       description = CASE WHEN $6 THEN excluded.description ELSE c.description END,
       metadata_schema = CASE WHEN $7 THEN excluded.metadata_schema ELSE c.metadata_schema END,
       updated_at = excluded.updated_at
     RETURNING c.*, (xmax = 0) AS created`,
    [
      put.projectId,
      put.action,
      put.description ?? null,
      put.metadataSchema ?? null,
      put.at,
      put.description !== undefined,
      put.metadataSchema !== undefined,
    ],
  );
  const { created, ...row } = rows[0] as CatalogActionRow & { created: boolean };
  return { row, created };
}

export async function getActionEnforcement(db: PgQueryable, projectId: string): Promise<ActionEnforcement> {
  const { rows } = await db.query<{ enforcement: ActionEnforcement }>(
    'SELECT enforcement FROM action_catalog_settings WHERE project_id = $1',
    [projectId],
  );
  return rows[0]?.enforcement ?? 'off';
}

export async function setActionEnforcement(
  db: PgQueryable,
  projectId: string,
  enforcement: ActionEnforcement,
  at: number,
): Promise<void> {
  await db.query(
    `INSERT INTO action_catalog_settings (project_id, enforcement, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (project_id) DO UPDATE SET enforcement = excluded.enforcement, updated_at = excluded.updated_at`,
    [projectId, enforcement, at],
  );
}

export async function listActionStats(db: PgQueryable, projectId: string): Promise<ActionStatsRow[]> {
  const { rows } = await db.query<ActionStatsRow>(
    `SELECT s.action, sum(s.count)::bigint AS count, min(s.first_seen) AS first_seen, max(s.last_seen) AS last_seen
     FROM action_stats s JOIN logs l ON l.id = s.log_id
     WHERE l.project_id = $1 GROUP BY s.action ORDER BY s.action`,
    [projectId],
  );
  return rows;
}

/** Tallies as the five column arrays ACTION_STATS_CTE takes. */
export class ActionStatsColumns {
  readonly logId: number[] = [];
  readonly action: string[] = [];
  readonly count: number[] = [];
  readonly firstSeen: number[] = [];
  readonly lastSeen: number[] = [];

  push(logId: number, tally: ActionTally): void {
    this.logId.push(logId);
    this.action.push(tally.action);
    this.count.push(tally.count);
    this.firstSeen.push(tally.firstSeen);
    this.lastSeen.push(tally.lastSeen);
  }

  params(): unknown[][] {
    return [this.logId, this.action, this.count, this.firstSeen, this.lastSeen];
  }
}

/**
 * The counter upsert as one more CTE of the append statement, over parameters `$n … $n+4`.
 * (log, action) pairs are distinct within a statement (tallied per log), as ON CONFLICT requires.
 */
export function actionStatsCte(n: number): string {
  return `INSERT INTO action_stats AS s (log_id, action, count, first_seen, last_seen)
       SELECT * FROM unnest($${n}::bigint[], $${n + 1}::text[], $${n + 2}::bigint[], $${n + 3}::bigint[], $${n + 4}::bigint[])
       ON CONFLICT (log_id, action) DO UPDATE SET count = s.count + excluded.count,
         first_seen = least(s.first_seen, excluded.first_seen), last_seen = greatest(s.last_seen, excluded.last_seen)`;
}
