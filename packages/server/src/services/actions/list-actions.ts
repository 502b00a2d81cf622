// GET /v1/actions: the catalog merged with what the project's logs actually contain.
import { nearDuplicateActions } from '@auditledge/core';
import type { AppContext } from '../../context.js';
import type { ActionEnforcement, ActionStatsRow, CatalogActionRow } from '../../store/store.js';
import { META_ACTIONS } from '../meta/record-meta-event.js';

/** One action as the catalog API shows it: catalogued, seen, or both. */
export interface ActionView {
  action: string;
  /** In the catalog. False for an action only seen in the logs. */
  catalogued: boolean;
  /** Recorded by Auditledge itself (the meta log); needs no catalog entry. */
  builtin: boolean;
  description: string | null;
  metadata_schema: Record<string, unknown> | null;
  /** Events appended with this action, in every log of the project. */
  count: number;
  first_seen: string | null;
  last_seen: string | null;
  catalogued_at: string | null;
  updated_at: string | null;
  /** Other listed actions that differ only in noun number or verb form. */
  similar: string[];
}

/** Actions that look like one action spelled several ways. */
export interface NearDuplicateGroup {
  actions: string[];
  /** The spelling to keep: the catalogued one, else the most used. */
  suggested: string;
}

export interface ActionCatalogView {
  enforcement: ActionEnforcement;
  actions: ActionView[];
  near_duplicates: NearDuplicateGroup[];
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export function toActionView(
  action: string,
  entry: CatalogActionRow | undefined,
  stats: ActionStatsRow | undefined,
): ActionView {
  return {
    action,
    catalogued: entry !== undefined,
    builtin: Object.hasOwn(META_ACTIONS, action),
    description: entry?.description ?? null,
    metadata_schema:
      entry?.metadata_schema == null ? null : (JSON.parse(entry.metadata_schema) as Record<string, unknown>),
    count: Number(stats?.count ?? 0),
    first_seen: iso(stats?.first_seen),
    last_seen: iso(stats?.last_seen),
    catalogued_at: iso(entry?.created_at),
    updated_at: iso(entry?.updated_at),
    similar: [],
  };
}

/** Every catalogued or seen action of the project, by name, with near-duplicates flagged. */
export async function listActions(ctx: AppContext, projectId: string): Promise<ActionCatalogView> {
  const [enforcement, entries, stats] = await Promise.all([
    ctx.store.getActionEnforcement(projectId),
    ctx.store.listCatalogActions(projectId),
    ctx.store.listActionStats(projectId),
  ]);
  const entryBy = new Map(entries.map((row) => [row.action, row]));
  const statsBy = new Map(stats.map((row) => [row.action, row]));
  const names = [...new Set([...entryBy.keys(), ...statsBy.keys()])].sort();
  const views = new Map(
    names.map((action) => [action, toActionView(action, entryBy.get(action), statsBy.get(action))]),
  );

  const groups = nearDuplicateActions(names).map((actions): NearDuplicateGroup => {
    for (const action of actions) {
      (views.get(action) as ActionView).similar = actions.filter((other) => other !== action);
    }
    const members = actions.map((action) => views.get(action) as ActionView);
    const catalogued = members.filter((view) => view.catalogued);
    const pool = catalogued.length > 0 ? catalogued : members;
    const suggested = pool.reduce((best, view) => (view.count > best.count ? view : best));
    return { actions, suggested: suggested.action };
  });
  return { enforcement, actions: [...views.values()], near_duplicates: groups };
}
