// Stored-node addressing, after golang.org/x/mod/sumdb/tlog: node (level, index) is the hash of the
// complete subtree of 2^level leaves that starts at leaf index·2^level. Nodes never change once
// complete, so any proof for any past tree size can be assembled from them.
import { HASH_SIZE, nodeHash } from './hash.js';

/** Address of one stored node: the complete subtree of `2^level` leaves starting at leaf `index·2^level`. */
export interface NodeRef {
  readonly level: number;
  readonly index: number;
}

/** A stored node with its hash, as produced by {@link appendLeaves} for the caller to persist. */
export interface StoredNode extends NodeRef {
  readonly hash: Uint8Array;
}

/** Reads one stored node; `undefined` when the store does not have it. */
export type NodeLookup = (level: number, index: number) => Uint8Array | undefined;

/** Where assemble functions read nodes from: a lookup function or a Map keyed by {@link nodeKey}. */
export type NodeSource = NodeLookup | ReadonlyMap<string, Uint8Array>;

/** Thrown by assemble functions when the store lacks a node the plan asked for (a store bug, never user input). */
export class MissingNodeError extends Error {
  readonly level: number;
  readonly index: number;

  constructor(level: number, index: number, detail = 'missing') {
    super(`Merkle node (level ${level}, index ${index}) is ${detail}`);
    this.name = 'MissingNodeError';
    this.level = level;
    this.index = index;
  }
}

/** Map key for a node, so results of one `WHERE (level, index) IN (…)` query can feed every assembler. */
export function nodeKey(level: number, index: number): string {
  return `${level}/${index}`;
}

/**
 * The position of node (level, index) in the order nodes are completed by appends — the stored-hash
 * index of golang.org/x/mod/sumdb/tlog (StoredHashIndex). Keying storage by it makes every append
 * write at the end of the index instead of at one insertion point per level.
 */
export function storedHashIndex(level: number, index: number): number {
  // Node (level, n) is completed right after node (level - 1, 2n + 1): walk down to level 0.
  let n = index;
  for (let l = level; l > 0; l--) n = 2 * n + 1;
  // Leaf n is stored after n + n/2 + n/4 + … earlier hashes.
  let i = 0;
  for (; n > 0; n = Math.floor(n / 2)) i += n;
  return i + level;
}

/** Builds a {@link NodeSource} from stored nodes (for example a cached right edge or fetched rows). */
export function nodeMap(nodes: Iterable<StoredNode>): Map<string, Uint8Array> {
  const map = new Map<string, Uint8Array>();
  for (const node of nodes) map.set(nodeKey(node.level, node.index), node.hash);
  return map;
}

/** Normalizes a source into a reader that fails loudly instead of producing a wrong hash. */
export function nodeReader(source: NodeSource): (level: number, index: number) => Uint8Array {
  const lookup: NodeLookup =
    typeof source === 'function' ? source : (level, index) => source.get(nodeKey(level, index));
  return (level, index) => {
    const hash = lookup(level, index);
    if (hash === undefined) throw new MissingNodeError(level, index);
    if (hash.length !== HASH_SIZE) throw new MissingNodeError(level, index, `${hash.length} bytes, not ${HASH_SIZE}`);
    return hash;
  };
}

/** Throws unless `n` is a tree size or index this module can represent exactly. */
export function assertCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative safe integer, got ${n}`);
}

const TWO_32 = 0x1_0000_0000;

/** floor(log2(x)) for 1 <= x <= 2^53, exact where Math.log2 may round. */
export function log2Floor(x: number): number {
  if (x < TWO_32) return 31 - Math.clz32(x);
  return 63 - Math.clz32(Math.floor(x / TWO_32));
}

/**
 * Appends the complete nodes covering leaves [start, end), largest first. Valid for every subtree
 * range of the RFC 9162 split (start is a multiple of the next power of two >= end - start), where
 * the greedy pieces shrink left to right and folding them from the right yields MTH(D[start:end]).
 */
export function pushRangeNodes(start: number, end: number, out: NodeRef[]): void {
  let pos = start;
  while (pos < end) {
    const level = log2Floor(end - pos);
    const width = 2 ** level;
    out.push({ level, index: pos / width });
    pos += width;
  }
}

/** RFC 9162 subtree hash of a range: right-to-left fold of its complete nodes. */
export function foldRange(
  start: number,
  end: number,
  read: (level: number, index: number) => Uint8Array,
  scratch: NodeRef[],
): Uint8Array {
  scratch.length = 0;
  pushRangeNodes(start, end, scratch);
  return foldNodes(scratch, read);
}

function foldNodes(refs: readonly NodeRef[], read: (level: number, index: number) => Uint8Array): Uint8Array {
  const last = refs[refs.length - 1];
  if (last === undefined) throw new RangeError('cannot fold an empty range');
  let hash = read(last.level, last.index);
  for (let i = refs.length - 2; i >= 0; i--) {
    const ref = refs[i] as NodeRef;
    hash = nodeHash(read(ref.level, ref.index), hash);
  }
  return hash;
}
