// Strict shape checks for bundle lines. The lines are not signed, so every member is closed: an
// unknown or renamed member is refused rather than ignored, or a one-byte change to a member name
// (`"disclosures"` → `"disclosurez"`) could silently hide data from the verifier.

import { base64Decode } from '../json/index.js';
import { HASH_SIZE } from '../merkle/index.js';
import type { BundleEventLine } from './format.js';

/** A parsed event line with its hashes decoded. */
export interface ParsedEventLine {
  readonly entry: BundleEventLine;
  readonly sequence: number;
  /** The sealed canonical JSON, or null for a retention-pruned event. */
  readonly leaf: string | null;
  /** Decoded `leaf_hash` of a pruned event; null when the leaf is present. */
  readonly prunedLeafHash: Uint8Array | null;
  readonly proof: Uint8Array[];
  /** Whether `disclosures` has at least one member. */
  readonly hasDisclosures: boolean;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The first member of `object` not in `allowed`, if any. */
export function unknownMember(object: Record<string, unknown>, allowed: readonly string[]): string | undefined {
  for (const key in object) {
    if (!allowed.includes(key)) return key;
  }
  return undefined;
}

/**
 * Decodes lists of base64 hashes, remembering the previous list: consecutive inclusion proofs of a
 * dense export share most of their upper elements, so most elements are not decoded again.
 */
export class HashListDecoder {
  #texts: string[] = [];
  #hashes: Uint8Array[] = [];

  /** The decoded hashes, or the reason (a sentence fragment) they cannot be decoded. */
  decode(value: unknown, what: string): Uint8Array[] | string {
    if (!Array.isArray(value)) return `${what} must be an array of base64 hashes`;
    const texts = this.#texts;
    const hashes = this.#hashes;
    const out: Uint8Array[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const text: unknown = value[i];
      if (typeof text === 'string' && text === texts[i]) {
        out[i] = hashes[i] as Uint8Array;
        continue;
      }
      const hash = typeof text === 'string' ? decodeHash(text) : null;
      if (hash === null) return `${what} element ${i} is not the base64 of a 32-byte hash`;
      out[i] = hash;
      texts[i] = text as string;
      hashes[i] = hash;
    }
    return out;
  }
}

/** Decodes a list of base64 hashes; the reason it cannot (a sentence fragment) otherwise. */
export function decodeHashes(value: unknown, what: string): Uint8Array[] | string {
  return new HashListDecoder().decode(value, what);
}

/** The 32 bytes of a canonical base64 hash, or null. */
export function decodeHash(text: string): Uint8Array | null {
  if (text.length !== 44) return null;
  try {
    const bytes = base64Decode(text);
    return bytes.length === HASH_SIZE ? bytes : null;
  } catch {
    return null;
  }
}

const LEAF_MEMBERS = ['sequence', 'leaf', 'disclosures', 'proof'] as const;
const PRUNED_MEMBERS = ['sequence', 'leaf', 'leaf_hash', 'proof', 'disclosures'] as const;

/** Checks the shape of an event line object; returns the reason (a sentence fragment) when it is wrong. */
export function parseEventLine(
  object: Record<string, unknown>,
  proofs: HashListDecoder = new HashListDecoder(),
): ParsedEventLine | string {
  const { sequence, leaf } = object;
  if (!isIndex(sequence)) return '"sequence" must be a non-negative integer';
  if (typeof leaf !== 'string' && leaf !== null) return '"leaf" must be a string, or null for a pruned event';
  const extra = unknownMember(object, leaf === null ? PRUNED_MEMBERS : LEAF_MEMBERS);
  if (extra !== undefined) return `unexpected member ${JSON.stringify(extra)} in an event line`;
  const proof = proofs.decode(object.proof, '"proof"');
  if (typeof proof === 'string') return proof;

  const { disclosures } = object;
  if (leaf === null) {
    const leafHash = typeof object.leaf_hash === 'string' ? decodeHash(object.leaf_hash) : null;
    if (leafHash === null) return 'a pruned event ("leaf": null) needs "leaf_hash", the base64 of a 32-byte hash';
    if (disclosures !== undefined && !(isPlainObject(disclosures) && Object.keys(disclosures).length === 0))
      return 'a pruned event cannot disclose values';
    const entry: BundleEventLine = {
      sequence,
      leaf: null,
      leaf_hash: object.leaf_hash as string,
      proof: object.proof as string[],
    };
    return { entry, sequence, leaf: null, prunedLeafHash: leafHash, proof, hasDisclosures: false };
  }
  if (!isPlainObject(disclosures)) return '"disclosures" must be an object (empty when nothing is disclosed)';
  let hasDisclosures = false;
  for (const _ in disclosures) {
    hasDisclosures = true;
    break;
  }
  const entry = object as unknown as BundleEventLine;
  return { entry, sequence, leaf, prunedLeafHash: null, proof, hasDisclosures };
}
