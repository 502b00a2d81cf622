// The disclosure check of verifyDisclosures (seal/seal.ts), on a leaf the verifier has already
// parsed: the bundle hot path would otherwise parse every leaf twice. Same verdict by construction
// (same steps, same order); verifyDisclosures itself still words the failure.
import { base64Decode } from '../json/index.js';
import { commitment, SALT_BYTES } from '../seal/index.js';
import { isPlainObject } from './parse.js';

const splitPaths = new Map<string, string[]>();

function segmentsOf(path: string): string[] {
  let segments = splitPaths.get(path);
  if (segments === undefined) {
    if (splitPaths.size >= 1024) splitPaths.clear();
    segments = path.split('.');
    splitPaths.set(path, segments);
  }
  return segments;
}

/** True iff every disclosure reproduces the commitment at its path in the parsed sealed leaf. */
export function disclosuresMatch(sealed: Record<string, unknown>, disclosures: Record<string, unknown>): boolean {
  for (const path of Object.keys(disclosures)) {
    let target: unknown = sealed;
    for (const segment of segmentsOf(path)) {
      if (!isPlainObject(target) || !Object.hasOwn(target, segment)) return false;
      target = target[segment];
    }
    // A commitment is exactly {"sha256": base64 of 32 bytes}; equality with a computed one implies the rest.
    if (!isPlainObject(target) || typeof target.sha256 !== 'string' || Object.keys(target).length !== 1) return false;
    const disclosure = disclosures[path];
    if (!isPlainObject(disclosure) || typeof disclosure.salt !== 'string' || !Object.hasOwn(disclosure, 'value'))
      return false;
    let expected: string;
    try {
      const salt = base64Decode(disclosure.salt);
      if (salt.length !== SALT_BYTES) return false;
      expected = commitment(disclosure.value, salt).sha256;
    } catch {
      return false;
    }
    if (expected !== target.sha256) return false;
  }
  return true;
}
