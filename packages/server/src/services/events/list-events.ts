import { createHash } from 'node:crypto';
import { canonicalize, filterFromParams } from '@auditledge/core';
import { requireOrganization } from '../../auth/authenticate.js';
import type { AppContext, Caller } from '../../context.js';
import { AppError } from '../../errors.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { type EventView, toEventView } from './event-view.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

export interface ListEventsInput {
  /** Query-string parameters as received: filters, `q`, `limit`, `cursor`, `organization_id`. */
  params: Record<string, string | undefined>;
}

export interface EventPage {
  data: EventView[];
  next_cursor: string | null;
}

/** One page of an organization's events, newest first, filtered; keyset-paged. */
export async function listEvents(ctx: AppContext, caller: Caller, input: ListEventsInput): Promise<EventPage> {
  const { cursor, limit: limitParam, organization_id: orgParam, ...filterParams } = input.params;
  const organizationId = resolveOrganization(caller, orgParam);
  const limit = parseLimit(limitParam);
  const parsed = filterFromParams(filterParams);
  if (!parsed.ok) throw new AppError('invalid_request', parsed.issues[0]?.message ?? 'invalid filter', parsed.issues);

  const digest = createHash('sha256')
    .update(canonicalize({ organization_id: organizationId, filter: parsed.filter }))
    .digest('base64url')
    .slice(0, 16);
  const after = cursor ? decodeCursor(ctx.cursorKey, digest, cursor) : undefined;
  const rows = await ctx.store.listEvents({
    projectId: caller.projectId,
    organizationId,
    filter: parsed.filter,
    limit: limit + 1,
    ...(after && { after }),
  });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    data: page.map(toEventView),
    next_cursor:
      rows.length > limit && last
        ? encodeCursor(ctx.cursorKey, digest, { timestamp: last.timestamp, sequence: last.sequence })
        : null,
  };
}

/** Every read is scoped to one organization: named by the caller, or implied by a pinned key. */
export function resolveOrganization(caller: Caller, requested: string | undefined): string {
  if (requested === undefined || requested === '') {
    if (caller.organizationId !== null) return caller.organizationId;
    throw new AppError('invalid_request', 'organization_id is required', [
      { path: 'organization_id', message: 'name the organization whose events to read' },
    ]);
  }
  requireOrganization(caller, requested);
  return requested;
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PAGE_SIZE;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new AppError('invalid_request', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`, [
      { path: 'limit', message: `must be an integer from 1 to ${MAX_PAGE_SIZE}` },
    ]);
  }
  return limit;
}
