// A project's action catalog as ingest sees it: the enforcement mode and, per catalogued action,
// its compiled metadata validator. Read on every ingest, so it is held in memory per app and
// project: a change made through this process applies to the next event; on a store shared by
// several nodes, another node's change applies within CATALOG_REFRESH_MS.
import { actionFamily, closestMatch, type NormalizedEvent, type ValidationIssue } from '@auditledge/core';
import type { AppContext } from '../../context.js';
import type { ActionEnforcement, CatalogActionRow } from '../../store/store.js';
import { compileMetadataSchema, type MetadataValidator } from './metadata-schema.js';

/** How stale a node's copy of the catalog may get when several nodes share the store. */
export const CATALOG_REFRESH_MS = 5_000;

export interface LoadedCatalog {
  enforcement: ActionEnforcement;
  /** Catalogued actions; the validator is absent when the action accepts any metadata. */
  validators: ReadonlyMap<string, MetadataValidator | undefined>;
  /** A catalogued action per family key, to suggest the catalogued spelling of a near-duplicate. */
  families: ReadonlyMap<string, string>;
}

interface CacheSlot {
  catalog?: LoadedCatalog;
  loadedAt: number;
  loading?: Promise<LoadedCatalog>;
  /** Bumped by forgetActionCatalog, so a load that raced a change is not kept. */
  generation: number;
}

const catalogs = new WeakMap<AppContext, Map<string, CacheSlot>>();
/** Compiled validators by project and action, reused while the stored schema text is unchanged. */
const compiled = new WeakMap<AppContext, Map<string, { schema: string; validate: MetadataValidator }>>();

function slotFor(ctx: AppContext, projectId: string): CacheSlot {
  let slots = catalogs.get(ctx);
  if (!slots) {
    slots = new Map();
    catalogs.set(ctx, slots);
  }
  let slot = slots.get(projectId);
  if (!slot) {
    slot = { loadedAt: 0, generation: 0 };
    slots.set(projectId, slot);
  }
  return slot;
}

/** The validator for one catalog entry, compiled once per stored schema. */
export function metadataValidator(ctx: AppContext, row: CatalogActionRow): MetadataValidator | undefined {
  if (row.metadata_schema === null) return undefined;
  let cache = compiled.get(ctx);
  if (!cache) {
    cache = new Map();
    compiled.set(ctx, cache);
  }
  const key = `${row.project_id}\u0000${row.action}`;
  const hit = cache.get(key);
  if (hit && hit.schema === row.metadata_schema) return hit.validate;
  let validate: MetadataValidator;
  try {
    validate = compileMetadataSchema(JSON.parse(row.metadata_schema));
  } catch (error) {
    // Stored schemas compiled when they were PUT; should one stop compiling (an Ajv upgrade),
    // events of that action fail its check rather than pass unchecked.
    const message = `the catalog's metadata schema for "${row.action}" no longer compiles (${(error as Error).message}); PUT it again`;
    validate = () => [{ path: 'metadata', message }];
  }
  cache.set(key, { schema: row.metadata_schema, validate });
  return validate;
}

async function readCatalog(ctx: AppContext, projectId: string): Promise<LoadedCatalog> {
  const [enforcement, rows] = await Promise.all([
    ctx.store.getActionEnforcement(projectId),
    ctx.store.listCatalogActions(projectId),
  ]);
  const validators = new Map<string, MetadataValidator | undefined>();
  const families = new Map<string, string>();
  for (const row of rows) {
    validators.set(row.action, metadataValidator(ctx, row));
    const family = actionFamily(row.action);
    if (!families.has(family)) families.set(family, row.action);
  }
  return { enforcement, validators, families };
}

/**
 * The project's catalog from memory. Only a cold cache (first event, or right after a change made
 * through this process) waits for the store; a copy past CATALOG_REFRESH_MS is still used while a
 * fresh one loads in the background, so ingest never waits on a periodic refresh.
 */
export async function loadActionCatalog(ctx: AppContext, projectId: string): Promise<LoadedCatalog> {
  const slot = slotFor(ctx, projectId);
  const maxAge = ctx.store.capabilities.multiNode ? CATALOG_REFRESH_MS : Number.POSITIVE_INFINITY;
  if (slot.catalog && Date.now() - slot.loadedAt < maxAge) return slot.catalog;
  const loading = slot.loading ?? refresh(ctx, projectId, slot);
  if (slot.catalog) {
    loading.catch(() => {}); // A failed background refresh keeps the copy; the next event retries.
    return slot.catalog;
  }
  return loading;
}

function refresh(ctx: AppContext, projectId: string, slot: CacheSlot): Promise<LoadedCatalog> {
  const generation = slot.generation;
  const startedAt = Date.now();
  const loading = readCatalog(ctx, projectId)
    .then((catalog) => {
      if (slot.generation === generation) {
        slot.catalog = catalog;
        slot.loadedAt = startedAt;
      }
      return catalog;
    })
    .finally(() => {
      if (slot.loading === loading) slot.loading = undefined;
    });
  slot.loading = loading;
  return loading;
}

/** Drops this process's copy after a change, so the next event sees it. */
export function forgetActionCatalog(ctx: AppContext, projectId: string): void {
  const slot = slotFor(ctx, projectId);
  slot.generation += 1;
  slot.catalog = undefined;
  slot.loading = undefined;
}

/**
 * What the catalog says about one event: nothing when it is catalogued and its metadata fits the
 * action's schema; otherwise issues pathed from the event (`action`, `metadata.amount`).
 */
export function catalogIssues(catalog: LoadedCatalog, event: NormalizedEvent): ValidationIssue[] {
  if (!catalog.validators.has(event.action)) {
    const suggestion =
      catalog.families.get(actionFamily(event.action)) ?? closestMatch(event.action, catalog.validators.keys());
    const hint =
      suggestion === undefined ? '; add it with PUT /v1/actions/{action}' : `; did you mean "${suggestion}"?`;
    return [{ path: 'action', message: `"${event.action}" is not in the action catalog${hint}` }];
  }
  const validate = catalog.validators.get(event.action);
  // An event without metadata is checked as {}, so a schema's `required` still applies.
  return validate ? validate(event.metadata ?? {}) : [];
}
