// The disclosure check of verifyDisclosures (seal/seal.ts), on a leaf the verifier has already
// parsed: the bundle hot path would otherwise parse every leaf twice. Same steps and the same
// commitment, SHA-256(salt ‖ UTF-8(JCS(value))) (seal/commitment.ts), computed in a reused buffer
// and compared as bytes. verifyDisclosures itself still words a failure.
import { sha256 } from '#crypto';
import { base64Decode, canonicalize } from '../json/index.js';
import { SALT_BYTES } from '../seal/index.js';
import { isPlainObject } from './parse.js';

const COMMITMENT_BYTES = 32;
const encoder = new TextEncoder();
let input = new Uint8Array(1024);
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

/** Whether `salt` (base64) and `value` reproduce `expected` (base64 of the 32-byte commitment). */
function opens(expected: string, value: unknown, salt: string): boolean {
  let saltBytes: Uint8Array;
  let digest: Uint8Array;
  let canonical: string;
  try {
    saltBytes = base64Decode(salt);
    digest = base64Decode(expected);
    canonical = canonicalize(value);
  } catch {
    return false;
  }
  if (saltBytes.length !== SALT_BYTES || digest.length !== COMMITMENT_BYTES) return false;
  const needed = SALT_BYTES + canonical.length * 3;
  if (needed > input.length) input = new Uint8Array(Math.max(needed, input.length * 2));
  input.set(saltBytes, 0);
  const { written } = encoder.encodeInto(canonical, input.subarray(SALT_BYTES));
  const actual = sha256(input.subarray(0, SALT_BYTES + written));
  for (let i = 0; i < COMMITMENT_BYTES; i++) if (actual[i] !== digest[i]) return false;
  return true;
}

/** True iff every disclosure reproduces the commitment at its path in the parsed sealed leaf. */
export function disclosuresMatch(sealed: Record<string, unknown>, disclosures: Record<string, unknown>): boolean {
  for (const path of Object.keys(disclosures)) {
    let target: unknown = sealed;
    for (const segment of segmentsOf(path)) {
      if (!isPlainObject(target) || !Object.hasOwn(target, segment)) return false;
      target = target[segment];
    }
    // A commitment is exactly {"sha256": base64 of 32 bytes} (isCommitment).
    if (!isPlainObject(target) || typeof target.sha256 !== 'string' || target.sha256.length !== 44) return false;
    if (Object.keys(target).length !== 1) return false;
    const disclosure = disclosures[path];
    if (!isPlainObject(disclosure) || typeof disclosure.salt !== 'string' || !Object.hasOwn(disclosure, 'value'))
      return false;
    if (!opens(target.sha256, disclosure.value, disclosure.salt)) return false;
  }
  return true;
}
