import { sha256 } from '#crypto';

/** Size in bytes of every hash in the tree (SHA-256). */
export const HASH_SIZE = 32;

/** Merkle Tree Hash of the empty list, `SHA-256("")` (RFC 9162 §2.1.1). */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

// The constant above is exported and therefore mutable by callers; comparisons use this copy.
// (new Uint8Array, not .slice(): under Node the digest is a Buffer, whose slice() is a view.)
const emptyRoot = new Uint8Array(EMPTY_ROOT);

// One reusable input buffer per hash kind: sha256 is synchronous, so no call can observe another's
// bytes, and the ingest and verification hot paths avoid an allocation per hash.
const nodeInput = new Uint8Array(1 + 2 * HASH_SIZE);
nodeInput[0] = 0x01;
let leafInput = new Uint8Array(4096);

/** RFC 9162 §2.1.1 leaf hash: `SHA-256(0x00 ‖ leafBytes)`. */
export function leafHash(leafBytes: Uint8Array): Uint8Array {
  const needed = leafBytes.length + 1;
  if (needed > leafInput.length) {
    // Events are capped at 64 KiB, so growing once keeps the buffer bounded in practice.
    leafInput = new Uint8Array(Math.max(needed, leafInput.length * 2));
  }
  leafInput[0] = 0x00;
  leafInput.set(leafBytes, 1);
  return sha256(leafInput.subarray(0, needed));
}

/** RFC 9162 §2.1.1 interior node hash: `SHA-256(0x01 ‖ left ‖ right)`. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    const input = new Uint8Array(1 + left.length + right.length);
    input[0] = 0x01;
    input.set(left, 1);
    input.set(right, 1 + left.length);
    return sha256(input);
  }
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return sha256(nodeInput);
}

/** Byte-wise equality; hashes here are public, so constant time buys nothing. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}

/** True when `hash` equals the root of the empty tree. */
export function isEmptyRoot(hash: Uint8Array): boolean {
  return bytesEqual(hash, emptyRoot);
}

/** A fresh copy of the empty-tree root, so callers can never alter the shared constant. */
export function emptyRootCopy(): Uint8Array {
  return new Uint8Array(emptyRoot);
}
