import type { AppContext, Caller } from '../../context.js';
import { AppError } from '../../errors.js';
import { type EventView, toEventView } from './event-view.js';

/** One event of the caller's project; other projects' and (for pinned keys) organizations' are 404. */
export async function getEvent(ctx: AppContext, caller: Caller, input: { eventId: string }): Promise<EventView> {
  const row = await ctx.store.getEvent(caller.projectId, input.eventId);
  // 404, not 403, for another organization: a pinned key must not learn that the id exists.
  if (!row || (caller.organizationId !== null && row.organization_id !== caller.organizationId)) {
    throw new AppError('not_found', `no event ${input.eventId}`);
  }
  return toEventView(row);
}
