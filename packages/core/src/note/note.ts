// C2SP signed-note (https://c2sp.org/signed-note), Ed25519 only, behaving like
// golang.org/x/mod/sumdb/note's Sign and Open so notes interoperate byte for byte.
import { ed25519Verify } from '#crypto';
import { decodeBase64, encodeBase64 } from './encoding.js';
import { NoteError } from './errors.js';
import {
  isValidKeyName,
  isWellFormedNoteText,
  keyIdHex,
  type NoteSigner,
  type NoteVerifier,
  readUint32,
  toSigner,
  toVerifier,
} from './keys.js';

/** Result of {@link openNote}. */
export interface OpenedNote {
  /** The signed text, final newline included. */
  readonly text: string;
  /** The trusted keys whose signatures verified, in signature order. */
  readonly verifiedBy: readonly NoteVerifier[];
}

/** One trusted key or several, as key strings or parsed keys. */
export type VerifierKeys = string | NoteVerifier | readonly (string | NoteVerifier)[];

// Go's limit; the spec requires accepting at least 16. Bounds the work an attacker can demand.
const MAX_SIGNATURES = 100;
const SIGNATURE_PREFIX = '\u2014 ';
const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function malformed(why: string): NoteError {
  return new NoteError('malformed', `malformed note: ${why}`);
}

/** Throws NoteError('malformed') unless `text` can be the text of a signed note. */
export function assertNoteText(text: string): void {
  if (typeof text !== 'string' || !text.endsWith('\n')) throw malformed('the text must end with a newline');
  if (!isWellFormedNoteText(text)) throw malformed('control characters or invalid Unicode in the text');
}

/**
 * Signs `text` (which must end in a newline) as a C2SP signed note: the text, a blank line, and
 * `— <key name> base64(key ID ‖ Ed25519 signature)`.
 */
export function signNote(text: string, signer: string | NoteSigner): string {
  assertNoteText(text);
  const key = toSigner(signer);
  if (!isValidKeyName(key.name)) throw new NoteError('invalid_key', `invalid key name ${JSON.stringify(key.name)}`);
  const signature = key.sign(encoder.encode(text));
  const blob = new Uint8Array(4 + signature.length);
  blob[0] = key.keyId >>> 24;
  blob[1] = (key.keyId >>> 16) & 0xff;
  blob[2] = (key.keyId >>> 8) & 0xff;
  blob[3] = key.keyId & 0xff;
  blob.set(signature, 4);
  return `${text}\n${SIGNATURE_PREFIX}${key.name} ${encodeBase64(blob)}\n`;
}

function verifierIndex(keys: VerifierKeys): Map<string, NoteVerifier[]> {
  const list = Array.isArray(keys) ? keys : [keys as string | NoteVerifier];
  const index = new Map<string, NoteVerifier[]>();
  for (const key of list) {
    const verifier = toVerifier(key);
    const id = `${verifier.name}+${keyIdHex(verifier.keyId)}`;
    const same = index.get(id);
    if (same === undefined) index.set(id, [verifier]);
    else if (!same.some((v) => bytesEqual(v.publicKey, verifier.publicKey))) same.push(verifier);
  }
  return index;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Opens a C2SP signed note: checks its syntax, then every signature by a trusted key. Signatures
 * by unknown keys are ignored (witness cosignatures, rotated keys). Throws NoteError: 'malformed',
 * 'bad_signature' (a trusted key's signature fails: the note was altered), 'unknown_key' (no
 * trusted key signed it) or 'ambiguous_key'.
 */
export function openNote(note: string | Uint8Array, verifierKeys: VerifierKeys): OpenedNote {
  const trusted = verifierIndex(verifierKeys);
  let message: string;
  if (typeof note === 'string') {
    message = note;
  } else {
    try {
      message = strictDecoder.decode(note);
    } catch {
      throw malformed('not valid UTF-8');
    }
  }
  if (!isWellFormedNoteText(message)) throw malformed('control characters or invalid Unicode');

  // The text ends at the last blank line; everything after it must be signature lines.
  const split = message.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const text = message.slice(0, split + 1);
  const signatures = message.slice(split + 2);
  if (signatures === '' || !signatures.endsWith('\n')) throw malformed('the signature block must end with a newline');
  const lines = signatures.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw malformed(`more than ${MAX_SIGNATURES} signatures`);

  const textBytes = encoder.encode(text);
  const verifiedBy: NoteVerifier[] = [];
  const seen = new Set<string>();
  const unknown: string[] = [];
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed('a signature line must start with "— "');
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = space < 0 ? rest : rest.slice(0, space);
    const blob = space < 0 ? null : decodeBase64(rest.slice(space + 1));
    if (!isValidKeyName(name) || blob === null || blob.length < 5) throw malformed('bad signature line');
    const id = `${name}+${keyIdHex(readUint32(blob))}`;
    const candidates = trusted.get(id);
    if (candidates === undefined) {
      unknown.push(id);
      continue;
    }
    if (candidates.length > 1) throw new NoteError('ambiguous_key', `two trusted keys are named ${id}`);
    if (seen.has(id)) continue;
    seen.add(id);
    const verifier = candidates[0] as NoteVerifier;
    if (!ed25519Verify(blob.subarray(4), textBytes, verifier.publicKey)) {
      throw new NoteError('bad_signature', `signature by ${id} does not verify: the note was altered`);
    }
    verifiedBy.push(verifier);
  }
  if (verifiedBy.length === 0) {
    const by = unknown.length > 0 ? ` (signed only by ${[...new Set(unknown)].join(', ')})` : '';
    throw new NoteError('unknown_key', `note has no signature by a trusted key${by}`);
  }
  return { text, verifiedBy };
}
