// The filter every search surface compiles to: API query parameters, the `q=` language, CLI flags
// and the viewer's facets. Stores translate it to SQL; `eventMatchesFilter` is the reference
// semantics they must agree with (and what the viewer uses to filter a live tail in the browser).
import { ValidationError } from '../errors.js';
import type { EventOutcome } from '../event/types.js';

/** `include`: the field must match at least one entry (OR); empty = no constraint. `exclude`: it must match none. */
export interface FilterClause<T> {
  include: T[];
  exclude: T[];
}

/** A resource constraint; both parts given means the same object must have that type and id. */
export interface ResourceRef {
  type?: string;
  id?: string;
}

/**
 * A conjunction of clauses: an event matches when every clause matches. `since`/`until` bound the
 * event `timestamp` (epoch ms, since inclusive, until exclusive); `since >= until` matches nothing.
 * `text` terms must each occur, case-insensitively, in the event's searchable text.
 */
export interface EventFilter {
  actorIds: FilterClause<string>;
  actorEmails: FilterClause<string>;
  /** Exact `invoice.deleted` or prefix pattern `invoice.*` (matches `invoice.` followed by anything). */
  actions: FilterClause<string>;
  /** Matches the primary resource OR any target. */
  resources: FilterClause<ResourceRef>;
  outcomes: FilterClause<EventOutcome>;
  /**
   * Subject access (GDPR Art. 15): a person's id or email; matches events where they are the actor
   * (by id or email) or the primary resource or any target (by id).
   */
  subjects: FilterClause<string>;
  since?: number;
  until?: number;
  text: string[];
}

/** A filter that matches every event. */
export function emptyFilter(): EventFilter {
  return {
    actorIds: { include: [], exclude: [] },
    actorEmails: { include: [], exclude: [] },
    actions: { include: [], exclude: [] },
    resources: { include: [], exclude: [] },
    outcomes: { include: [], exclude: [] },
    subjects: { include: [], exclude: [] },
    text: [],
  };
}

/** Whether the filter can match no event at all (its time range is empty), so a store can skip the query. */
export function filterMatchesNothing(filter: EventFilter): boolean {
  return filter.since !== undefined && filter.until !== undefined && filter.since >= filter.until;
}

// --- actions -----------------------------------------------------------------------------------

/** Whether `action` matches `pattern` (an exact action, or `prefix.*`). */
export function actionMatches(pattern: string, action: string): boolean {
  if (pattern.endsWith('.*')) return action.startsWith(pattern.slice(0, -1));
  return action === pattern;
}

/** The pattern matching exactly the actions both patterns match, or undefined when none does. */
function intersectActions(a: string, b: string): string | undefined {
  const aPrefix = a.endsWith('.*');
  const bPrefix = b.endsWith('.*');
  if (!aPrefix && !bPrefix) return a === b ? a : undefined;
  if (aPrefix && !bPrefix) return actionMatches(a, b) ? b : undefined;
  if (!aPrefix && bPrefix) return actionMatches(b, a) ? a : undefined;
  // Two prefixes overlap only when one extends the other; the longer one is the intersection.
  const longer = a.length >= b.length ? a : b;
  const shorter = longer === a ? b : a;
  return longer.startsWith(shorter.slice(0, -1)) ? longer : undefined;
}

// --- merging -----------------------------------------------------------------------------------

function unique<T>(values: T[], key: (value: T) => string = String): T[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const k = key(value);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const resourceKey = (r: ResourceRef) => JSON.stringify([r.type ?? null, r.id ?? null]);

/** `x` implies `y` when every object matching x also matches y. */
function implies(x: ResourceRef, y: ResourceRef): boolean {
  return (y.type === undefined || y.type === x.type) && (y.id === undefined || y.id === x.id);
}

/**
 * AND of two OR-lists, as one OR-list: the pairwise intersections. `undefined` means the result is
 * empty although both sides constrained the field (nothing can match).
 */
function intersectIncludes<T>(
  a: T[],
  b: T[],
  pair: (x: T, y: T) => T | undefined,
  key?: (value: T) => string,
): T[] | undefined {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: T[] = [];
  for (const x of a) {
    for (const y of b) {
      const both = pair(x, y);
      if (both !== undefined) out.push(both);
    }
  }
  return out.length === 0 ? undefined : unique(out, key);
}

/**
 * The filter matching events that match both `a` and `b` (AND), e.g. API parameters plus `q=`.
 * Per field, includes intersect: actor ids, emails and outcomes as sets; action patterns by overlap
 * (`invoice.*` AND `invoice.deleted` = `invoice.deleted`). When an intersection is empty the result
 * matches nothing (an empty time range, see filterMatchesNothing). Excludes and text terms are
 * unioned; `since` takes the later bound and `until` the earlier.
 *
 * Resources are the one field where AND cannot always be written as one OR-list, because a resource
 * term matches the primary resource OR any target: "touches an invoice AND touches user u1" needs two
 * objects. Pairs where one term implies the other merge to the more specific one (`invoice` AND
 * `invoice/inv_1` = `invoice/inv_1`); any other pair throws a ValidationError (path '') rather than
 * silently widening or narrowing the result.
 */
export function mergeFilters(a: EventFilter, b: EventFilter): EventFilter {
  let nothing = false;
  function strings<T extends string>(
    x: FilterClause<T>,
    y: FilterClause<T>,
    pair: (p: T, q: T) => T | undefined,
  ): FilterClause<T> {
    const include = intersectIncludes(x.include, y.include, pair);
    if (include === undefined) nothing = true;
    return { include: include ?? [], exclude: unique([...x.exclude, ...y.exclude]) };
  }
  const same = <T>(p: T, q: T) => (p === q ? p : undefined);

  const resourceInclude = intersectIncludes(
    a.resources.include,
    b.resources.include,
    (x, y) => {
      if (implies(x, y)) return x;
      if (implies(y, x)) return y;
      throw new ValidationError([
        {
          path: '',
          message: `cannot combine resource filters ${describeResource(x)} and ${describeResource(y)}; put all resource terms in one place`,
        },
      ]);
    },
    resourceKey,
  );

  const merged: EventFilter = {
    actorIds: strings(a.actorIds, b.actorIds, same),
    actorEmails: strings(a.actorEmails, b.actorEmails, same),
    actions: strings(a.actions, b.actions, intersectActions),
    resources: {
      include: resourceInclude ?? [],
      exclude: unique([...a.resources.exclude, ...b.resources.exclude], resourceKey),
    },
    outcomes: strings(a.outcomes, b.outcomes, same),
    subjects: strings(a.subjects, b.subjects, same),
    text: unique([...a.text, ...b.text]),
  };
  const since = a.since === undefined ? b.since : b.since === undefined ? a.since : Math.max(a.since, b.since);
  const until = a.until === undefined ? b.until : b.until === undefined ? a.until : Math.min(a.until, b.until);
  if (since !== undefined) merged.since = since;
  if (until !== undefined) merged.until = until;
  if (nothing) {
    // An empty half-open range is the one "matches nothing" every store already understands.
    merged.since = merged.since ?? 0;
    merged.until = merged.since;
  }
  return merged;
}

function describeResource(r: ResourceRef): string {
  return `"${r.type ?? '*'}/${r.id ?? '*'}"`;
}

// --- reference matcher -------------------------------------------------------------------------

/** The parts of an event a filter looks at (a stored event or a normalized one with its timestamp). */
export interface FilterableEvent {
  actor: { id: string; type?: string; name?: string; email?: string };
  action: string;
  resource?: { type: string; id: string; name?: string };
  targets?: { type: string; id: string; name?: string }[];
  timestamp: string;
  metadata?: unknown;
  outcome: EventOutcome;
}

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, out);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) collectStrings(v, out);
}

/**
 * The text free-text terms search, lowercased: actor id/type/name/email, action, resource and
 * target type/id/name, and every string value inside metadata, one per line. Stores that keep a
 * search column should fill it with exactly this.
 */
export function searchableText(event: FilterableEvent): string {
  const parts: string[] = [event.actor.id];
  for (const v of [event.actor.type, event.actor.name, event.actor.email]) if (v !== undefined) parts.push(v);
  parts.push(event.action);
  for (const object of [event.resource, ...(event.targets ?? [])]) {
    if (object === undefined) continue;
    parts.push(object.type, object.id);
    if (object.name !== undefined) parts.push(object.name);
  }
  collectStrings(event.metadata, parts);
  return parts.join('\n').toLowerCase();
}

function clauseMatches<T>(clause: FilterClause<T>, matches: (entry: T) => boolean): boolean {
  if (clause.include.length > 0 && !clause.include.some(matches)) return false;
  return !clause.exclude.some(matches);
}

/** Whether `event` matches `filter`: the reference semantics of every store's query translation. */
export function eventMatchesFilter(event: FilterableEvent, filter: EventFilter): boolean {
  if (!clauseMatches(filter.actorIds, (id) => event.actor.id === id)) return false;
  if (!clauseMatches(filter.actorEmails, (email) => event.actor.email === email)) return false;
  if (!clauseMatches(filter.actions, (pattern) => actionMatches(pattern, event.action))) return false;
  if (!clauseMatches(filter.outcomes, (outcome) => event.outcome === outcome)) return false;
  const objects = event.targets === undefined ? [] : [...event.targets];
  if (event.resource !== undefined) objects.push(event.resource);
  const resourceMatches = (ref: ResourceRef) =>
    objects.some((o) => (ref.type === undefined || o.type === ref.type) && (ref.id === undefined || o.id === ref.id));
  if (!clauseMatches(filter.resources, resourceMatches)) return false;
  const subjectMatches = (subject: string) =>
    event.actor.id === subject ||
    (event.actor.email !== undefined && event.actor.email.toLowerCase() === subject.toLowerCase()) ||
    objects.some((o) => o.id === subject);
  if (!clauseMatches(filter.subjects, subjectMatches)) return false;
  if (filter.since !== undefined || filter.until !== undefined) {
    const at = Date.parse(event.timestamp);
    if (filter.since !== undefined && !(at >= filter.since)) return false;
    if (filter.until !== undefined && !(at < filter.until)) return false;
  }
  if (filter.text.length > 0) {
    const haystack = searchableText(event);
    for (const term of filter.text) if (!haystack.includes(term.toLowerCase())) return false;
  }
  return true;
}
