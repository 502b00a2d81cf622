import type { AppContext, Caller } from '../../context.js';
import { RESERVED_ORGANIZATION_PREFIX } from '../meta/record-meta-event.js';

export interface OrganizationSummary {
  organization_id: string;
  /** Events ever appended to the organization's log (its tree size). */
  event_count: number;
}

/**
 * The organizations of the caller's project that have a log; a pinned caller sees only its own.
 * The project's own system log (the meta log of key changes) comes last, after the customers'.
 */
export async function listOrganizations(ctx: AppContext, caller: Caller): Promise<OrganizationSummary[]> {
  const heads = await ctx.store.listLogHeads(caller.projectId);
  return heads
    .filter((head) => caller.organizationId === null || head.organization_id === caller.organizationId)
    .map((head) => ({ organization_id: head.organization_id, event_count: Number(head.size) }))
    .sort(
      (a, b) =>
        Number(a.organization_id.startsWith(RESERVED_ORGANIZATION_PREFIX)) -
          Number(b.organization_id.startsWith(RESERVED_ORGANIZATION_PREFIX)) ||
        a.organization_id.localeCompare(b.organization_id),
    );
}
