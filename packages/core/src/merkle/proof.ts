// Proof generation from stored nodes. Each proof element is the hash of one RFC 9162 subtree
// D[start:end]; complete subtrees are single stored nodes, and the one incomplete subtree on the
// right edge is folded from its complete pieces, so a proof costs O(log n) node reads.
import {
  assertCount,
  foldRange,
  log2Floor,
  type NodeRef,
  type NodeSource,
  nodeReader,
  pushRangeNodes,
} from './nodes.js';

/** Largest power of two strictly below n (n >= 2): the RFC 9162 split point. */
function splitPoint(n: number): number {
  return 2 ** log2Floor(n - 1);
}

/**
 * Subtree ranges of RFC 9162 §2.1.3.1 PATH(index, D[0:size]), flattened as [start0, end0, start1,
 * end1, …] in proof order (leaf to root).
 */
export function inclusionRanges(index: number, size: number): number[] {
  const rootToLeaf: number[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      rootToLeaf.push(lo + k, hi);
      hi = lo + k;
    } else {
      rootToLeaf.push(lo, lo + k);
      lo += k;
    }
  }
  return reversePairs(rootToLeaf);
}

/**
 * Subtree ranges of RFC 9162 §2.1.4.1 PROOF(from, D[0:to]) = SUBPROOF(from, D[0:to], true), in
 * proof order. Empty when from is 0 or equals to (the RFC defines proofs only for 0 < from < to).
 */
function consistencyRanges(from: number, to: number): number[] {
  if (from === 0 || from === to) return [];
  const outerFirst: number[] = [];
  let lo = 0;
  let hi = to;
  let isRootSide = true;
  while (from !== hi) {
    const k = splitPoint(hi - lo);
    if (from - lo <= k) {
      outerFirst.push(lo + k, hi);
      hi = lo + k;
    } else {
      outerFirst.push(lo, lo + k);
      lo += k;
      isRootSide = false;
    }
  }
  // SUBPROOF(m, D[m], b) is {MTH(D[m])} only when b is false: while we stayed on the left spine
  // the subtree is the whole old tree, whose root the verifier already holds as first_hash.
  if (!isRootSide) outerFirst.push(lo, hi);
  return reversePairs(outerFirst);
}

function reversePairs(pairs: number[]): number[] {
  const out: number[] = new Array(pairs.length);
  for (let i = 0, j = pairs.length - 2; j >= 0; i += 2, j -= 2) {
    out[i] = pairs[j] as number;
    out[i + 1] = pairs[j + 1] as number;
  }
  return out;
}

function planFor(ranges: number[]): NodeRef[] {
  const refs: NodeRef[] = [];
  for (let i = 0; i < ranges.length; i += 2) pushRangeNodes(ranges[i] as number, ranges[i + 1] as number, refs);
  return refs;
}

function assembleFor(ranges: number[], nodes: NodeSource): Uint8Array[] {
  const read = nodeReader(nodes);
  const scratch: NodeRef[] = [];
  const proof: Uint8Array[] = [];
  for (let i = 0; i < ranges.length; i += 2) {
    proof.push(foldRange(ranges[i] as number, ranges[i + 1] as number, read, scratch));
  }
  return proof;
}

function assertInclusionArgs(index: number, size: number): void {
  assertCount(index, 'index');
  assertCount(size, 'size');
  if (index >= size) throw new RangeError(`index ${index} is not in a tree of size ${size}`);
}

function assertConsistencyArgs(from: number, to: number): void {
  assertCount(from, 'from');
  assertCount(to, 'to');
  if (from > to) throw new RangeError(`from (${from}) is larger than to (${to})`);
}

/** Nodes to read for the inclusion proof of leaf `index` in a tree of `size` leaves; O(log size). */
export function inclusionProofPlan(index: number, size: number): NodeRef[] {
  assertInclusionArgs(index, size);
  return planFor(inclusionRanges(index, size));
}

/** RFC 9162 §2.1.3.1 inclusion proof (PATH, leaf to root) from the nodes of {@link inclusionProofPlan}. */
export function assembleInclusionProof(index: number, size: number, nodes: NodeSource): Uint8Array[] {
  assertInclusionArgs(index, size);
  return assembleFor(inclusionRanges(index, size), nodes);
}

/** Nodes to read for the consistency proof between tree sizes `from` and `to`; O(log to). */
export function consistencyProofPlan(from: number, to: number): NodeRef[] {
  assertConsistencyArgs(from, to);
  return planFor(consistencyRanges(from, to));
}

/**
 * RFC 9162 §2.1.4.1 consistency proof (SUBPROOF order) from the nodes of {@link consistencyProofPlan};
 * empty when `from` is 0 or equals `to`.
 */
export function assembleConsistencyProof(from: number, to: number, nodes: NodeSource): Uint8Array[] {
  assertConsistencyArgs(from, to);
  return assembleFor(consistencyRanges(from, to), nodes);
}
