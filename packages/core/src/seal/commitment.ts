// Salted commitments: `{ "sha256": base64(SHA-256(salt ‖ UTF-8(JCS(value)))) }`. The 16-byte
// random salt stops anyone holding the ledger from confirming a guess ("is this alice@acme.com?");
// JCS makes the committed bytes independent of how the value was written.
import { sha256 } from '#crypto';
import { base64Decode, base64Encode } from '../json/base64.js';
import { canonicalBytes } from '../json/canonical.js';

/** Salt length in bytes. */
export const SALT_BYTES = 16;

/** What replaces a personal value in a sealed event. */
export interface Commitment {
  sha256: string;
}

/** The commitment to `value` under `salt` (16 bytes); throws on a wrong salt length or a non-JSON value. */
export function commitment(value: unknown, salt: Uint8Array): Commitment {
  if (salt.length !== SALT_BYTES) throw new RangeError(`salt must be ${SALT_BYTES} bytes, got ${salt.length}`);
  const valueBytes = canonicalBytes(value);
  const input = new Uint8Array(SALT_BYTES + valueBytes.length);
  input.set(salt, 0);
  input.set(valueBytes, SALT_BYTES);
  return { sha256: base64Encode(sha256(input)) };
}

/** Whether `value` has the exact shape of a commitment: one key `sha256` holding base64 of 32 bytes. */
export function isCommitment(value: unknown): value is Commitment {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== 'sha256') return false;
  const digest = (value as { sha256: unknown }).sha256;
  if (typeof digest !== 'string' || digest.length !== 44) return false;
  try {
    return base64Decode(digest).length === 32;
  } catch {
    return false;
  }
}
