// Inclusion and consistency proofs, assembled from O(log n) stored nodes read in one round trip.
import {
  assembleConsistencyProof,
  assembleInclusionProof,
  consistencyProofPlan,
  inclusionProofPlan,
  nodeKey,
} from '@auditledge/core';
import type { AppContext, Caller } from '../../context.js';
import { AppError } from '../../errors.js';
import type { LogHeadRow } from '../../store/store.js';
import { loadLog } from './load-log.js';

export interface InclusionProof {
  index: number;
  tree_size: number;
  leaf_hash: string;
  proof: string[];
}

export interface ConsistencyProof {
  from: number;
  to: number;
  proof: string[];
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

export async function inclusionProofFor(
  ctx: AppContext,
  head: LogHeadRow,
  index: number,
  treeSize: number,
): Promise<InclusionProof> {
  const refs = [...inclusionProofPlan(index, treeSize), { level: 0, index }];
  const nodes = await ctx.store.readNodes(head.log_id, refs);
  const leaf = nodes.get(nodeKey(0, index));
  if (!leaf) throw new AppError('not_found', `leaf ${index} is not in the log`);
  return {
    index,
    tree_size: treeSize,
    leaf_hash: b64(leaf),
    proof: assembleInclusionProof(index, treeSize, nodes).map(b64),
  };
}

export async function inclusionProof(
  ctx: AppContext,
  caller: Caller,
  input: { organizationId: string; index: string | undefined; treeSize: string | undefined },
): Promise<InclusionProof> {
  const head = await loadLog(ctx, caller, input.organizationId);
  const treeSize = parseCount(input.treeSize, 'tree_size', 1, head.size);
  const index = parseCount(input.index, 'index', 0, treeSize - 1);
  return inclusionProofFor(ctx, head, index, treeSize);
}

export async function consistencyProof(
  ctx: AppContext,
  caller: Caller,
  input: { organizationId: string; from: string | undefined; to: string | undefined },
): Promise<ConsistencyProof> {
  const head = await loadLog(ctx, caller, input.organizationId);
  const to = parseCount(input.to, 'to', 1, head.size);
  const from = parseCount(input.from, 'from', 1, to);
  const nodes = await ctx.store.readNodes(head.log_id, consistencyProofPlan(from, to));
  return { from, to, proof: assembleConsistencyProof(from, to, nodes).map(b64) };
}

function parseCount(raw: string | undefined, name: string, min: number, max: number): number {
  const value = raw === undefined || raw === '' || !/^\d+$/.test(raw) ? Number.NaN : Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const message = max < min ? 'the log is too small for this proof' : `must be an integer from ${min} to ${max}`;
    throw new AppError('invalid_request', `${name} ${message}`, [{ path: name, message }]);
  }
  return value;
}
