import type { AppContext, Caller } from '../../context.js';
import { policyState } from '../../ledger/retention-policy.js';
import { type RetentionPolicyView, toRetentionView } from './retention-view.js';

/** The retention policy in force for one organization of the caller's project, and any pending change. */
export async function getRetentionPolicy(
  ctx: AppContext,
  caller: Caller,
  input: { organizationId: string },
): Promise<RetentionPolicyView> {
  const row = await ctx.store.getRetentionPolicy(caller.projectId, input.organizationId);
  return toRetentionView(ctx.config.retention, input.organizationId, policyState(row, ctx.now()));
}
