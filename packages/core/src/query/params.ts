// `GET /v1/events` query parameters → EventFilter. `organization_id`, `limit` and `cursor` are
// the route's business (authorization and paging), not filters, so they are ignored here.
import { ValidationError, type ValidationIssue } from '../errors.js';
import { type EventFilter, emptyFilter, mergeFilters } from './filter.js';
import { parseQuery } from './parse.js';
import { actionTerm, emailTerm, idTerm, instantTerm, outcomeTerm, type TermResult, typeTerm } from './terms.js';

export type FilterFromParamsResult = { ok: true; filter: EventFilter } | { ok: false; issues: ValidationIssue[] };

/** The filter query parameters this module reads. */
export const FILTER_PARAMS = [
  'actor_id',
  'actor_email',
  'action',
  'resource_type',
  'resource_id',
  'outcome',
  'subject',
  'since',
  'until',
  'q',
] as const;

/**
 * Builds an EventFilter from API query parameters: `actor_id`, `actor_email`, `action` (exact,
 * `invoice.*` prefix, or a comma list of either), `resource_type` and `resource_id` (together: the
 * same object), `outcome`, `since`/`until` (RFC 3339 instant, or a date = start of that UTC day),
 * and `q` (the query language), all ANDed. Empty parameters count as absent. Issues are pathed by
 * parameter name.
 */
export function filterFromParams(params: Readonly<Record<string, string | undefined>>): FilterFromParamsResult {
  const issues: ValidationIssue[] = [];
  const filter = emptyFilter();
  const param = (name: (typeof FILTER_PARAMS)[number]): string | undefined => {
    const value = Object.hasOwn(params, name) ? params[name] : undefined;
    return value === undefined || value === '' ? undefined : value;
  };
  function take<T>(name: string, result: TermResult<T>, add: (value: T) => void): void {
    if (result.ok) add(result.value);
    else issues.push({ path: name, message: result.message });
  }

  const actorId = param('actor_id');
  if (actorId !== undefined) take('actor_id', idTerm(actorId), (v) => filter.actorIds.include.push(v));
  const actorEmail = param('actor_email');
  if (actorEmail !== undefined) take('actor_email', emailTerm(actorEmail), (v) => filter.actorEmails.include.push(v));
  const action = param('action');
  if (action !== undefined) {
    for (const item of action.split(',')) {
      const trimmed = item.trim();
      if (trimmed === '') issues.push({ path: 'action', message: 'has an empty item in its comma list' });
      else take('action', actionTerm(trimmed), (v) => filter.actions.include.push(v));
    }
  }
  const resourceType = param('resource_type');
  const resourceId = param('resource_id');
  if (resourceType !== undefined || resourceId !== undefined) {
    const ref: { type?: string; id?: string } = {};
    if (resourceType !== undefined) take('resource_type', typeTerm(resourceType), (v) => (ref.type = v));
    if (resourceId !== undefined) take('resource_id', idTerm(resourceId), (v) => (ref.id = v));
    if (ref.type !== undefined || ref.id !== undefined) filter.resources.include.push(ref);
  }
  const outcome = param('outcome');
  if (outcome !== undefined) take('outcome', outcomeTerm(outcome), (v) => filter.outcomes.include.push(v));
  const subject = param('subject');
  if (subject !== undefined) take('subject', idTerm(subject), (v) => filter.subjects.include.push(v));
  const since = param('since');
  if (since !== undefined) take('since', instantTerm(since), (v) => (filter.since = v));
  const until = param('until');
  if (until !== undefined) take('until', instantTerm(until), (v) => (filter.until = v));

  const q = param('q');
  let merged = filter;
  if (q !== undefined) {
    const parsed = parseQuery(q);
    if (!parsed.ok) issues.push(...parsed.issues);
    else if (issues.length === 0) {
      try {
        merged = mergeFilters(filter, parsed.filter);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        issues.push(...error.issues.map((issue) => ({ ...issue, path: 'q' })));
      }
    }
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, filter: merged };
}
