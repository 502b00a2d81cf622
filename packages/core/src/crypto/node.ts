// Node implementation of the primitives core needs, selected by the `#crypto` import condition
// ("node"). node:crypto uses the CPU's SHA extensions, which matters on the ingest hot path.
import { createPrivateKey, createPublicKey, hash, randomBytes as nodeRandomBytes, sign, verify } from 'node:crypto';

/** SHA-256 of `data`. */
export function sha256(data: Uint8Array): Uint8Array {
  // A plain Uint8Array view: Buffer's slice() aliases instead of copying, which callers of a
  // Uint8Array API do not expect.
  const digest = hash('sha256', data, 'buffer');
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
}

// Salts and ids need a few random bytes per event; one CSPRNG call per event costs more than the
// hashing. Draw 4 KiB at a time and hand out fresh, never-reused slices.
const POOL_SIZE = 4096;
let pool = new Uint8Array(0);
let poolOffset = 0;

/** `n` cryptographically random bytes (a copy; never shared with another caller). */
export function randomBytes(n: number): Uint8Array {
  if (n > POOL_SIZE / 4) return new Uint8Array(nodeRandomBytes(n));
  if (poolOffset + n > pool.length) {
    pool = new Uint8Array(nodeRandomBytes(POOL_SIZE));
    poolOffset = 0;
  }
  const out = pool.slice(poolOffset, poolOffset + n);
  // Zero what was handed out so the pool never holds a copy of a secret already in use.
  pool.fill(0, poolOffset, poolOffset + n);
  poolOffset += n;
  return out;
}

// PKCS#8 / SPKI DER prefixes for raw 32-byte Ed25519 keys (RFC 8410).
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Ed25519 signature of `message` with the 32-byte private seed. */
export function ed25519Sign(message: Uint8Array, seed: Uint8Array): Uint8Array {
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  return new Uint8Array(sign(null, message, key));
}

/** Verifies an Ed25519 signature against a 32-byte public key; false on any malformed input. */
export function ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' });
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

/** The 32-byte public key of a 32-byte Ed25519 private seed. */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(SPKI_ED25519_PREFIX.length));
}
