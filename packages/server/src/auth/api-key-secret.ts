// API key secrets: `alk_<16-char id>_<43-char secret>`. Only SHA-256 of the whole token is stored;
// the secrets carry 256 bits of entropy, so a fast hash is enough (no password stretching needed).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { newRandomId } from '../ids.js';

const TOKEN_PATTERN = /^alk_([0-9a-z]{16})_([A-Za-z0-9_-]{43})$/;

export interface MintedKey {
  id: string;
  token: string;
  hash: Uint8Array;
}

/** Creates a new key id and secret; the token is shown to the user once and never stored. */
export function mintApiKey(): MintedKey {
  const id = newRandomId('key');
  const token = `alk_${id.slice(4)}_${randomBytes(32).toString('base64url')}`;
  return { id, token, hash: hashApiKey(token) };
}

export function hashApiKey(token: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(token).digest());
}

/** The key id a token claims to be, or undefined when it is not shaped like one of ours. */
export function parseApiKeyId(token: string): string | undefined {
  const match = TOKEN_PATTERN.exec(token);
  return match ? `key_${match[1]}` : undefined;
}

/** Constant-time comparison of a presented token with a stored hash. */
export function apiKeyMatches(token: string, storedHash: Uint8Array): boolean {
  const presented = hashApiKey(token);
  return presented.length === storedHash.length && timingSafeEqual(presented, storedHash);
}
