// Proof verification, step for step as RFC 9162 §2.1.3.2 and §2.1.4.2. Inputs come from the
// network or an export bundle, so nothing here throws: malformed input simply fails.
// Tree sizes may exceed 2^32, so shifts are written as exact float arithmetic (floor(x / 2)).
import { bytesEqual, HASH_SIZE, isEmptyRoot, nodeHash } from './hash.js';
import { log2Floor } from './nodes.js';
import { inclusionRanges } from './proof.js';

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function isHash(h: unknown): h is Uint8Array {
  return h instanceof Uint8Array && h.length === HASH_SIZE;
}

function isProof(proof: unknown): proof is readonly Uint8Array[] {
  if (!Array.isArray(proof)) return false;
  for (const element of proof) if (!isHash(element)) return false;
  return true;
}

/**
 * The root implied by an inclusion proof (RFC 9162 §2.1.3.2 steps 1–5 without the final root
 * comparison), or null when the proof is malformed or has the wrong length for (index, size).
 */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): Uint8Array | null {
  if (!isCount(index) || !isCount(size) || index >= size || !isHash(leafHash) || !isProof(proof)) return null;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

/** RFC 9162 §2.1.3.2: true iff `proof` shows leaf `index` with `leafHash` is in the tree of `size` with `rootHash`. */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  rootHash: Uint8Array,
): boolean {
  if (!isHash(rootHash)) return false;
  const r = rootFromInclusionProof(leafHash, index, size, proof);
  return r !== null && bytesEqual(r, rootHash);
}

/**
 * RFC 9162 §2.1.4.2: true iff `proof` shows the tree of size `from` with `fromRoot` is a prefix of
 * the tree of size `to` with `toRoot`. Outside the RFC's 0 < from < to: from == to needs an empty
 * proof and equal roots; from == 0 needs an empty proof and `fromRoot` = SHA-256("") (RFC 9162 §2.1.1).
 */
export function verifyConsistency(
  from: number,
  to: number,
  proof: readonly Uint8Array[],
  fromRoot: Uint8Array,
  toRoot: Uint8Array,
): boolean {
  if (!isCount(from) || !isCount(to) || from > to) return false;
  if (!isHash(fromRoot) || !isHash(toRoot) || !isProof(proof)) return false;
  if (from === 0) return proof.length === 0 && isEmptyRoot(fromRoot) && (to > 0 || isEmptyRoot(toRoot));
  if (from === to) return proof.length === 0 && bytesEqual(fromRoot, toRoot);

  // Step 1.
  if (proof.length === 0) return false;
  // Step 2: when from is a power of two the old root is itself a node of the new tree.
  let path: readonly Uint8Array[] = proof;
  if (2 ** log2Floor(from) === from) path = [fromRoot, ...proof];
  // Step 3.
  let fn = from - 1;
  let sn = to - 1;
  // Step 4.
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Step 5.
  let fr = path[0] as Uint8Array;
  let sr = fr;
  // Step 6.
  for (let i = 1; i < path.length; i++) {
    const c = path[i] as Uint8Array;
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Step 7.
  return sn === 0 && bytesEqual(fr, fromRoot) && bytesEqual(sr, toRoot);
}

/** Verifies many inclusion proofs against one tree head; see {@link createInclusionVerifier}. */
export interface InclusionVerifier {
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** Same answer as {@link verifyInclusion}(leafHash, index, size, proof, rootHash). */
  verify(leafHash: Uint8Array, index: number, proof: readonly Uint8Array[]): boolean;
}

// Subtrees smaller than this are not remembered: it bounds memory to about 2n/16 entries for n
// verified leaves while still skipping all but the lowest four hashes of a dense export's proofs.
const MIN_CACHED_SUBTREE = 16;

/**
 * An inclusion verifier for one (size, rootHash) that remembers subtree hashes already
 * authenticated by earlier proofs, so verifying many leaves of one export costs a few hashes each
 * instead of log2(size). Same verdicts as RFC 9162 §2.1.3.2: a proof element that disagrees with an
 * authenticated subtree fails, exactly as it would have failed to reproduce the root.
 */
export function createInclusionVerifier(size: number, rootHash: Uint8Array): InclusionVerifier {
  const root = isHash(rootHash) ? new Uint8Array(rootHash) : null;
  const authenticated = new Map<string, Uint8Array>();
  const pending: { key: string; hash: Uint8Array }[] = [];

  function verify(leafHash: Uint8Array, index: number, proof: readonly Uint8Array[]): boolean {
    if (root === null || !isCount(size) || !isCount(index) || index >= size) return false;
    if (!isHash(leafHash) || !isProof(proof)) return false;
    const ranges = inclusionRanges(index, size);
    if (ranges.length !== 2 * proof.length) return false;
    pending.length = 0;
    let r = leafHash;
    let start = index;
    let end = index + 1;
    for (let i = 0; i < proof.length; i++) {
      const p = proof[i] as Uint8Array;
      const siblingStart = ranges[2 * i] as number;
      const siblingEnd = ranges[2 * i + 1] as number;
      if (siblingStart < start) {
        r = nodeHash(p, r);
        start = siblingStart;
      } else {
        r = nodeHash(r, p);
        end = siblingEnd;
      }
      if (end - start < MIN_CACHED_SUBTREE) continue;
      const key = `${start}:${end}`;
      const known = authenticated.get(key);
      if (known !== undefined) {
        if (!bytesEqual(known, r)) return false;
        // The path above an authenticated subtree is fixed, and its siblings were authenticated with it.
        for (let j = i + 1; j < proof.length; j++) {
          const sibling = authenticated.get(`${ranges[2 * j]}:${ranges[2 * j + 1]}`);
          if (sibling === undefined || !bytesEqual(sibling, proof[j] as Uint8Array)) return false;
        }
        remember();
        return true;
      }
      pending.push({ key, hash: r });
      if (i + 1 < proof.length)
        pending.push({ key: `${ranges[2 * i + 2]}:${ranges[2 * i + 3]}`, hash: proof[i + 1] as Uint8Array });
    }
    if (!bytesEqual(r, root)) return false;
    remember();
    return true;
  }

  function remember(): void {
    for (const { key, hash } of pending) authenticated.set(key, new Uint8Array(hash));
    pending.length = 0;
  }

  return { size, rootHash: root ?? rootHash, verify };
}
