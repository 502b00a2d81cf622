// Key strings in the golang.org/x/mod/sumdb/note format, so standard tooling (witnesses, the Go
// note package, litetlog) accepts our verifier key and we accept theirs:
//   signer:   PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 ‖ 32-byte Ed25519 seed)>
//   verifier: <name>+<hex key ID>+<base64(0x01 ‖ 32-byte Ed25519 public key)>
// key ID = first 4 bytes, big-endian, of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key) (C2SP signed-note).
import { ed25519PublicKey, ed25519Sign, randomBytes, sha256 } from '#crypto';
import { decodeBase64, encodeBase64 } from './encoding.js';
import { NoteError } from './errors.js';

/** Signature type byte of Ed25519 in C2SP signed-note. */
const ALG_ED25519 = 0x01;
const KEY_SIZE = 32;
const SIGNER_PREFIX = 'PRIVATE+KEY+';

/** A parsed verifier key: what a note or checkpoint is checked against. */
export interface NoteVerifier {
  readonly name: string;
  /** uint32 key ID, as the first 4 bytes of every signature by this key. */
  readonly keyId: number;
  readonly publicKey: Uint8Array;
  /** The encoded verifier key, `<name>+<hex key ID>+<base64>`. */
  readonly key: string;
}

/** A parsed signer key. The seed stays inside `sign`, so logging this object never leaks it. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Uint8Array;
  /** Ed25519 signature (RFC 8032) of `message`. */
  sign(message: Uint8Array): Uint8Array;
}

const encoder = new TextEncoder();

// unicode.IsSpace in Go, which golang.org/x/mod/sumdb/note uses for "Unicode spaces".
const SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

/**
 * Whether `name` can name a key (C2SP signed-note): non-empty, no `+`, no Unicode space. Control
 * characters and unpaired surrogates are refused too, since no note could carry them.
 */
export function isValidKeyName(name: string): boolean {
  if (typeof name !== 'string' || name === '' || name.includes('+') || SPACE.test(name)) return false;
  return isWellFormedNoteText(name);
}

/**
 * True when `text` is valid in a signed note: well-formed UTF-16 (so it encodes to valid UTF-8)
 * with no ASCII control character other than newline (C2SP signed-note).
 */
export function isWellFormedNoteText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) {
      if (c !== 0x0a) return false;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/** C2SP signed-note key ID of an Ed25519 key: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ publicKey)[:4] as a uint32. */
export function ed25519KeyId(name: string, publicKey: Uint8Array): number {
  const nameBytes = encoder.encode(name);
  const input = new Uint8Array(nameBytes.length + 2 + publicKey.length);
  input.set(nameBytes, 0);
  input[nameBytes.length] = 0x0a;
  input[nameBytes.length + 1] = ALG_ED25519;
  input.set(publicKey, nameBytes.length + 2);
  return readUint32(sha256(input));
}

/** Big-endian uint32 at the start of `bytes` (key IDs are stored this way). */
export function readUint32(bytes: Uint8Array): number {
  return (
    (((bytes[0] as number) << 24) |
      ((bytes[1] as number) << 16) |
      ((bytes[2] as number) << 8) |
      (bytes[3] as number)) >>>
    0
  );
}

/** A key ID as the 8 lowercase hex digits used in key strings. */
export function keyIdHex(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

function withAlg(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + key.length);
  out[0] = ALG_ED25519;
  out.set(key, 1);
  return out;
}

function formatVerifierKey(name: string, keyId: number, publicKey: Uint8Array): string {
  return `${name}+${keyIdHex(keyId)}+${encodeBase64(withAlg(publicKey))}`;
}

/** Splits `name+hex+base64` where only the first two `+` separate fields (base64 may contain `+`). */
function splitKey(text: string): { name: string; keyId: number; key: Uint8Array } | null {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) return null;
  const name = text.slice(0, first);
  const hex = text.slice(first + 1, second);
  const key = decodeBase64(text.slice(second + 1));
  if (!isValidKeyName(name) || !/^[0-9a-fA-F]{8}$/.test(hex) || key === null) return null;
  if (key.length !== 1 + KEY_SIZE || key[0] !== ALG_ED25519) return null;
  return { name, keyId: Number.parseInt(hex, 16), key: key.subarray(1) };
}

function invalidKey(what: 'signer' | 'verifier', why: string): NoteError {
  return new NoteError('invalid_key', `invalid ${what} key: ${why}`);
}

/** Parses a verifier key `<name>+<hex key ID>+<base64(0x01 ‖ public key)>`; throws NoteError('invalid_key'). */
export function parseVerifierKey(verifierKey: string): NoteVerifier {
  if (typeof verifierKey !== 'string') throw invalidKey('verifier', 'not a string');
  const parts = splitKey(verifierKey);
  if (parts === null)
    throw invalidKey('verifier', 'expected <name>+<8 hex digits>+<base64 of 0x01 and a 32-byte Ed25519 key>');
  if (ed25519KeyId(parts.name, parts.key) !== parts.keyId)
    throw invalidKey('verifier', 'key ID does not match the key');
  return Object.freeze({
    name: parts.name,
    keyId: parts.keyId,
    publicKey: new Uint8Array(parts.key),
    key: formatVerifierKey(parts.name, parts.keyId, parts.key),
  });
}

/** Parses a signer key `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 ‖ seed)>`; throws NoteError('invalid_key'). */
export function parseSignerKey(signerKey: string): NoteSigner {
  if (typeof signerKey !== 'string' || !signerKey.startsWith(SIGNER_PREFIX)) {
    throw invalidKey('signer', `expected ${SIGNER_PREFIX}<name>+<key ID>+<key>`);
  }
  const parts = splitKey(signerKey.slice(SIGNER_PREFIX.length));
  if (parts === null)
    throw invalidKey('signer', 'expected <name>+<8 hex digits>+<base64 of 0x01 and a 32-byte Ed25519 seed>');
  const seed = new Uint8Array(parts.key);
  const publicKey = ed25519PublicKey(seed);
  if (ed25519KeyId(parts.name, publicKey) !== parts.keyId) throw invalidKey('signer', 'key ID does not match the key');
  return Object.freeze({
    name: parts.name,
    keyId: parts.keyId,
    publicKey: new Uint8Array(publicKey),
    sign: (message: Uint8Array) => ed25519Sign(message, seed),
  });
}

/** A fresh Ed25519 signer key string for `name` (keep it secret; derive the public half with {@link verifierKeyFor}). */
export function generateSignerKey(name: string): string {
  if (!isValidKeyName(name)) throw invalidKey('signer', `invalid key name ${JSON.stringify(name)}`);
  const seed = randomBytes(KEY_SIZE);
  const keyId = ed25519KeyId(name, ed25519PublicKey(seed));
  return `${SIGNER_PREFIX}${name}+${keyIdHex(keyId)}+${encodeBase64(withAlg(seed))}`;
}

/** The verifier key string matching a signer key: what `/v1/verifier-key` publishes and verifiers pin. */
export function verifierKeyFor(signer: string | NoteSigner): string {
  const parsed = typeof signer === 'string' ? parseSignerKey(signer) : signer;
  return formatVerifierKey(parsed.name, parsed.keyId, parsed.publicKey);
}

/** Accepts a key string or an already-parsed key, so hot paths can parse once. */
export function toVerifier(key: string | NoteVerifier): NoteVerifier {
  return typeof key === 'string' ? parseVerifierKey(key) : key;
}

/** Accepts a key string or an already-parsed key, so hot paths can parse once. */
export function toSigner(key: string | NoteSigner): NoteSigner {
  return typeof key === 'string' ? parseSignerKey(key) : key;
}
