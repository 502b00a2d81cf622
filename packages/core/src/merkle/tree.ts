import { emptyRootCopy, HASH_SIZE, nodeHash } from './hash.js';
import { assertCount, type NodeRef, type NodeSource, nodeReader, pushRangeNodes, type StoredNode } from './nodes.js';

/** Result of {@link appendLeaves}. */
export interface AppendResult {
  /** Every node the appended leaves completed, leaves (level 0) included, in completion order. */
  readonly newNodes: StoredNode[];
  readonly newSize: number;
  readonly rootHash: Uint8Array;
  /** The complete nodes on the right edge of the new tree, largest first: the next append's input. */
  readonly rightEdge: StoredNode[];
}

function assertLeafHash(hash: Uint8Array | undefined, i: number): asserts hash is Uint8Array {
  if (hash === undefined || hash.length !== HASH_SIZE) {
    throw new RangeError(`leaf hash ${i} must be ${HASH_SIZE} bytes`);
  }
}

/**
 * RFC 9162 §2.1.1 Merkle Tree Hash of a whole list of leaf hashes, for verifiers that hold the
 * entire log. Linear time, O(log n) memory.
 */
export function rootFromLeafHashes(leafHashes: readonly Uint8Array[]): Uint8Array {
  const n = leafHashes.length;
  if (n === 0) return emptyRootCopy();
  // A binary counter over complete subtrees: stack[i] covers 2^levels[i] leaves, levels strictly
  // decreasing, which is exactly the right edge whose fold is the MTH.
  const hashes: Uint8Array[] = [];
  const levels: number[] = [];
  let top = -1;
  for (let i = 0; i < n; i++) {
    let hash = leafHashes[i];
    assertLeafHash(hash, i);
    let level = 0;
    while (top >= 0 && levels[top] === level) {
      hash = nodeHash(hashes[top] as Uint8Array, hash);
      top--;
      level++;
    }
    top++;
    hashes[top] = hash;
    levels[top] = level;
  }
  let root = hashes[top] as Uint8Array;
  for (let i = top - 1; i >= 0; i--) root = nodeHash(hashes[i] as Uint8Array, root);
  return root;
}

function rightEdge(size: number): NodeRef[] {
  const refs: NodeRef[] = [];
  pushRangeNodes(0, size, refs);
  return refs;
}

/** Nodes to read to compute the root of a tree of `size` leaves: its right edge, at most log2(size)+1. */
export function treeHashPlan(size: number): NodeRef[] {
  assertCount(size, 'size');
  return rightEdge(size);
}

/** Root of a tree of `size` leaves from stored nodes (RFC 9162 §2.1.1 MTH); reads {@link treeHashPlan}(size). */
export function assembleTreeHash(size: number, nodes: NodeSource): Uint8Array {
  assertCount(size, 'size');
  if (size === 0) return emptyRootCopy();
  const read = nodeReader(nodes);
  const refs = rightEdge(size);
  const last = refs[refs.length - 1] as NodeRef;
  let root = read(last.level, last.index);
  for (let i = refs.length - 2; i >= 0; i--) {
    const ref = refs[i] as NodeRef;
    root = nodeHash(read(ref.level, ref.index), root);
  }
  return root;
}

/** Nodes {@link appendLeaves} needs for a tree of `size` leaves: the complete subtrees on its right edge. */
export function appendPlan(size: number): NodeRef[] {
  assertCount(size, 'size');
  return rightEdge(size);
}

/**
 * Appends leaf hashes to a tree of `size` leaves whose right-edge nodes ({@link appendPlan}) are in
 * `rightEdgeNodes`. Returns every node the batch completes so the caller stores them in the same
 * transaction, and the new root. Cost: one node hash per completed node, about two per leaf.
 */
export function appendLeaves(
  size: number,
  rightEdgeNodes: NodeSource,
  newLeafHashes: readonly Uint8Array[],
): AppendResult {
  assertCount(size, 'size');
  if (!Number.isSafeInteger(size + newLeafHashes.length)) throw new RangeError('tree size would exceed 2^53 - 1');
  const read = nodeReader(rightEdgeNodes);
  const hashes: Uint8Array[] = [];
  const levels: number[] = [];
  for (const ref of rightEdge(size)) {
    hashes.push(read(ref.level, ref.index));
    levels.push(ref.level);
  }
  let top = hashes.length - 1;

  const newNodes: StoredNode[] = [];
  let leafIndex = size;
  for (let i = 0; i < newLeafHashes.length; i++, leafIndex++) {
    let hash = newLeafHashes[i];
    assertLeafHash(hash, i);
    newNodes.push({ level: 0, index: leafIndex, hash });
    let level = 0;
    while (top >= 0 && levels[top] === level) {
      hash = nodeHash(hashes[top] as Uint8Array, hash);
      top--;
      level++;
      // This leaf is the last of the completed subtree, so its start is leafIndex + 1 - 2^level.
      newNodes.push({ level, index: Math.floor(leafIndex / 2 ** level), hash });
    }
    top++;
    hashes[top] = hash;
    levels[top] = level;
  }
  hashes.length = top + 1;
  levels.length = top + 1;

  const newSize = leafIndex;
  let rootHash: Uint8Array;
  if (top < 0) {
    rootHash = emptyRootCopy();
  } else {
    rootHash = hashes[top] as Uint8Array;
    for (let i = top - 1; i >= 0; i--) rootHash = nodeHash(hashes[i] as Uint8Array, rootHash);
  }
  const edge = rightEdge(newSize).map((ref, i) => ({ ...ref, hash: hashes[i] as Uint8Array }));
  return { newNodes, newSize, rootHash, rightEdge: edge };
}
