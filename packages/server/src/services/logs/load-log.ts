import { requireOrganization } from '../../auth/authenticate.js';
import type { AppContext, Caller } from '../../context.js';
import { AppError } from '../../errors.js';
import type { CheckpointRow, LogHeadRow } from '../../store/store.js';

/** The caller's view of one organization's log; 404 when it has no events yet. */
export async function loadLog(ctx: AppContext, caller: Caller, organizationId: string): Promise<LogHeadRow> {
  requireOrganization(caller, organizationId);
  const head = await ctx.store.getLogHead(caller.projectId, organizationId);
  if (!head || head.size === 0) throw new AppError('not_found', `organization ${organizationId} has no events yet`);
  return head;
}

/**
 * The newest checkpoint covering at least `minSize` leaves; signs one of the current head on
 * demand when the background signer has not caught up yet.
 */
export async function checkpointCovering(ctx: AppContext, head: LogHeadRow, minSize = 1): Promise<CheckpointRow> {
  const latest = await ctx.store.getCheckpoint(head.log_id);
  if (latest && latest.size >= minSize) return latest;
  return ctx.checkpointer.checkpoint(head);
}

/**
 * The checkpoint a reader should see now: the newest one, re-signed at the current head when the
 * log has grown and the newest is older than the signing interval (so at most one per interval).
 */
export async function currentCheckpoint(ctx: AppContext, head: LogHeadRow): Promise<CheckpointRow> {
  const latest = await ctx.store.getCheckpoint(head.log_id);
  if (latest && (latest.size >= head.size || ctx.now() - latest.created_at < ctx.config.checkpointIntervalMs)) {
    return latest;
  }
  return ctx.checkpointer.checkpoint(head);
}
