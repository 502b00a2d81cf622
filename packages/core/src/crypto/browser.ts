// Browser (and any non-Node runtime) implementation of the primitives core needs, selected by the
// `#crypto` import condition "default". Pure JS from the audited @noble libraries, synchronous.
import * as ed from '@noble/ed25519';
import { sha256 as nobleSha256, sha512 } from '@noble/hashes/sha2.js';
import { randomBytes as nobleRandomBytes } from '@noble/hashes/utils.js';

ed.hashes.sha512 = sha512;

/** SHA-256 of `data`. */
export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

/** `n` cryptographically random bytes. */
export function randomBytes(n: number): Uint8Array {
  return nobleRandomBytes(n);
}

/** Ed25519 signature of `message` with the 32-byte private seed. */
export function ed25519Sign(message: Uint8Array, seed: Uint8Array): Uint8Array {
  return ed.sign(message, seed);
}

/** Verifies an Ed25519 signature against a 32-byte public key; false on any malformed input. */
export function ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return ed.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}

/** The 32-byte public key of a 32-byte Ed25519 private seed. */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  return ed.getPublicKey(seed);
}
