import type { AppContext, Caller } from '../../context.js';
import { AppError } from '../../errors.js';
import type { PrunedEventRow } from '../../store/store.js';
import { checkpointCovering } from '../logs/load-log.js';
import { inclusionProofFor } from '../logs/prove.js';
import { type EventView, toEventView } from './event-view.js';
import { parseStoredDisclosures } from './stored-disclosures.js';

/** What a client needs to verify an event by itself against the pinned verifier key. */
export interface EventProof {
  /** The sealed canonical JSON whose SHA-256(0x00 ‖ UTF-8) is the leaf hash. */
  leaf: string;
  /** Personal values and salts that reproduce the leaf's commitments. */
  disclosures: Record<string, { value: unknown; salt: string }>;
  leaf_index: number;
  tree_size: number;
  /** RFC 9162 inclusion path, base64. */
  inclusion: string[];
  /** The signed checkpoint (C2SP note) whose root the path leads to. */
  checkpoint: string;
}

/** One event of the caller's project; other projects' and (for pinned keys) organizations' are 404. */
export async function getEvent(
  ctx: AppContext,
  caller: Caller,
  input: { eventId: string; withProof?: boolean },
): Promise<EventView & { proof?: EventProof }> {
  const row = await ctx.store.getEvent(caller.projectId, input.eventId);
  // 404, not 403, for another organization: a pinned key must not learn that the id exists.
  const visible = (organizationId: string) =>
    caller.organizationId === null || organizationId === caller.organizationId;
  if (!row) {
    const pruned = await ctx.store.getPrunedEvent(caller.projectId, input.eventId);
    if (pruned && visible(pruned.organization_id)) throw prunedEventGone(pruned);
    throw new AppError('not_found', `no event ${input.eventId}`);
  }
  if (!visible(row.organization_id)) throw new AppError('not_found', `no event ${input.eventId}`);
  const view = toEventView(row);
  if (!input.withProof) return view;
  const head = await ctx.store.getLogHead(caller.projectId, row.organization_id);
  if (!head) throw new AppError('internal', 'the event has no log');
  const checkpoint = await checkpointCovering(ctx, head, row.sequence + 1);
  const inclusion = await inclusionProofFor(ctx, head, row.sequence, checkpoint.size);
  return {
    ...view,
    proof: {
      leaf: row.leaf,
      disclosures: parseStoredDisclosures(row.disclosures).disclosures,
      leaf_index: row.sequence,
      tree_size: checkpoint.size,
      inclusion: inclusion.proof,
      checkpoint: checkpoint.note,
    },
  };
}

/** 410 for an event retention deleted, naming the rule that deleted it. */
function prunedEventGone(pruned: PrunedEventRow): AppError {
  const { plan, days, source } = pruned.rule;
  const rule = `${days}-day retention${plan === null ? '' : ` (plan "${plan}")`} of ${source === 'organization' ? 'the organization' : 'the project default'}`;
  return new AppError(
    'gone',
    `event ${pruned.id} was deleted on ${iso(pruned.pruned_at)} by the ${rule}: it was received at ${iso(pruned.received_at)}. ` +
      'Its leaf hash and position stay in the log, so its inclusion and every checkpoint still verify.',
    [],
    {
      event_id: pruned.id,
      organization_id: pruned.organization_id,
      sequence: pruned.sequence,
      received_at: iso(pruned.received_at),
      pruned_at: iso(pruned.pruned_at),
      retention: { plan, days, source },
    },
  );
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
