// GET /v1/events as an async iterable: pages are fetched lazily, one at a time, following
// next_cursor until the server says there is no more. Filters are checked locally first, with the
// same parser the server uses, so a typo fails before any request.
import { FILTER_PARAMS, filterFromParams } from '@auditledge/core';
import { AuditLedgeValidationError } from './errors.js';
import type { HttpClient } from './http.js';
import { DEFAULT_RETRY, withRetries } from './retry.js';
import type { AuditEvent, EventFilters, EventPage } from './types.js';

/** The events matching a query, newest first. Iterate it with `for await`; it may be iterated more than once. */
export interface EventQuery extends AsyncIterable<AuditEvent> {
  /**
   * The same results page by page, as the API returns them.
   *
   * @example
   * for await (const page of audit.query({ organization_id: 'org_acme', limit: 500 }).pages()) {
   *   await exportRows(page.data);
   * }
   */
  pages(): AsyncIterableIterator<EventPage>;
  /**
   * Collects the matching events into an array, up to `max` (default 10,000) of them.
   *
   * @example
   * const deletions = await audit.query({ organization_id: 'org_acme', action: 'invoice.deleted' }).toArray(100);
   */
  toArray(max?: number): Promise<AuditEvent[]>;
}

const KNOWN_PARAMS: ReadonlySet<string> = new Set([...FILTER_PARAMS, 'organization_id', 'limit']);

/** Query parameters of the filters, validated; throws AuditLedgeValidationError('invalid_query'). */
export function queryParams(filters: EventFilters): Record<string, string> {
  const params: Record<string, string> = {};
  const unknown: string[] = [];
  for (const [name, value] of Object.entries(filters) as [keyof EventFilters, unknown][]) {
    if (!KNOWN_PARAMS.has(name)) unknown.push(name);
    if (value === undefined || value === null) continue;
    if (value instanceof Date) params[name] = value.toISOString();
    else if (Array.isArray(value)) params[name] = value.join(',');
    else params[name] = String(value);
  }
  const { organization_id: _org, limit, ...filterOnly } = params;
  const parsed = filterFromParams(filterOnly);
  const issues = unknown.map((name) => ({
    path: name,
    message: `is not a filter; use ${[...KNOWN_PARAMS].join(', ')}`,
  }));
  if (!parsed.ok) issues.push(...parsed.issues);
  if (limit !== undefined && !/^(?:[1-9]\d{0,2}|1000)$/.test(limit)) {
    issues.push({ path: 'limit', message: 'must be an integer from 1 to 1000' });
  }
  if (issues.length > 0) throw new AuditLedgeValidationError(issues, [], 'invalid_query');
  return params;
}

export function createQuery(http: HttpClient, filters: EventFilters): EventQuery {
  const params = queryParams(filters);
  async function* pages(): AsyncIterableIterator<EventPage> {
    let cursor: string | undefined;
    do {
      const query = cursor === undefined ? params : { ...params, cursor };
      const page = await withRetries(
        () => http.json<EventPage>('GET', '/v1/events', { query, what: 'querying events' }),
        { ...DEFAULT_RETRY, maxAttempts: 4, maxElapsedMs: 30_000 },
      );
      yield page;
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
  }
  async function* events(): AsyncIterableIterator<AuditEvent> {
    for await (const page of pages()) yield* page.data;
  }
  return {
    [Symbol.asyncIterator]: events,
    pages,
    async toArray(max = 10_000) {
      const out: AuditEvent[] = [];
      if (max <= 0) return out;
      for await (const event of events()) {
        out.push(event);
        if (out.length >= max) break;
      }
      return out;
    },
  };
}
