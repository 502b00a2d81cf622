// The drawer's badge: an event's inclusion proof checked in the browser against the pinned
// verifier key, with @auditledge/core (no trust in the server's say-so).
import {
  base64Decode,
  base64Encode,
  leafHash,
  openCheckpoint,
  unsealEvent,
  verifyDisclosures,
  verifyInclusion,
} from '@auditledge/core';
import type { EventProof, EventView } from './api.js';

export type Verdict =
  | { state: 'verified'; treeSize: number; origin: string; event: Record<string, unknown> }
  | { state: 'failed'; reason: string }
  | { state: 'unchecked'; reason: string };

export function verifyEventProof(event: EventView, proof: EventProof, verifierKey: string | null): Verdict {
  if (!verifierKey) return { state: 'unchecked', reason: 'no verifier key is pinned' };
  let checkpoint: ReturnType<typeof openCheckpoint>;
  try {
    checkpoint = openCheckpoint(proof.checkpoint, verifierKey);
  } catch (error) {
    return { state: 'failed', reason: `the checkpoint signature does not verify: ${(error as Error).message}` };
  }
  if (!checkpoint.origin.endsWith(`/${encodeURIComponent(event.organization_id)}`)) {
    return { state: 'failed', reason: `the checkpoint is for another log (${checkpoint.origin})` };
  }
  if (checkpoint.size !== proof.tree_size) {
    return { state: 'failed', reason: 'the proof is for another tree size than the checkpoint' };
  }
  const hash = leafHash(new TextEncoder().encode(proof.leaf));
  if (base64Encode(hash) !== event.leaf_hash) return { state: 'failed', reason: 'the leaf hash does not match' };
  let path: Uint8Array[];
  try {
    path = proof.inclusion.map((node) => base64Decode(node));
  } catch {
    return { state: 'failed', reason: 'the inclusion proof is malformed' };
  }
  if (
    proof.leaf_index !== event.sequence ||
    !verifyInclusion(hash, proof.leaf_index, proof.tree_size, path, checkpoint.rootHash)
  ) {
    return { state: 'failed', reason: 'the inclusion proof does not lead to the signed root' };
  }
  const issues = verifyDisclosures(proof.leaf, proof.disclosures);
  if (issues.length > 0)
    return { state: 'failed', reason: `a personal value does not match its commitment (${issues[0]?.path})` };
  const sealed = unsealEvent(proof.leaf, proof.disclosures).event as unknown as Record<string, unknown>;
  if (sealed.id !== event.id || sealed.organization_id !== event.organization_id) {
    return { state: 'failed', reason: 'the signed leaf is another event' };
  }
  return { state: 'verified', treeSize: checkpoint.size, origin: checkpoint.origin, event: sealed };
}
