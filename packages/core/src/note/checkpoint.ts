// C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the signed tree head as note text
//   <origin>\n<decimal tree size>\n<base64 root hash>\n[<extension line>\n]…
import { decodeBase64, encodeBase64 } from './encoding.js';
import { NoteError } from './errors.js';
import { isWellFormedNoteText, type NoteSigner, type NoteVerifier } from './keys.js';
import { openNote, signNote, type VerifierKeys } from './note.js';

const ROOT_HASH_SIZE = 32;
const DECIMAL = /^(?:0|[1-9][0-9]{0,15})$/;

/** A Merkle tree head for one log. */
export interface Checkpoint {
  /** Unique identifier of the log (SHOULD be a schema-less URL), first line of the note. */
  readonly origin: string;
  /** Number of leaves. */
  readonly size: number;
  /** RFC 9162 root hash of the tree of `size` leaves, 32 bytes. */
  readonly rootHash: Uint8Array;
  /** Opaque extra lines; the spec discourages them (monitors cannot audit them). */
  readonly extensions?: readonly string[];
}

/** A checkpoint read from note text. */
export interface ParsedCheckpoint extends Checkpoint {
  readonly extensions: readonly string[];
}

/** A checkpoint whose signature verified. */
export interface OpenedCheckpoint extends ParsedCheckpoint {
  /** The exact signed note text the checkpoint was read from. */
  readonly text: string;
  readonly verifiedBy: readonly NoteVerifier[];
}

function malformed(why: string): NoteError {
  return new NoteError('malformed', `malformed checkpoint: ${why}`);
}

function isLine(line: string): boolean {
  return typeof line === 'string' && line !== '' && !line.includes('\n') && isWellFormedNoteText(line);
}

/** The C2SP tlog-checkpoint note text of a tree head (unsigned). Throws NoteError('malformed') on invalid fields. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, rootHash, extensions = [] } = checkpoint;
  if (!isLine(origin)) throw malformed('the origin must be one non-empty line');
  if (!Number.isSafeInteger(size) || size < 0)
    throw malformed(`the size must be a non-negative safe integer, got ${size}`);
  if (!(rootHash instanceof Uint8Array) || rootHash.length !== ROOT_HASH_SIZE)
    throw malformed('the root hash must be 32 bytes');
  let text = `${origin}\n${size}\n${encodeBase64(rootHash)}\n`;
  for (const line of extensions) {
    if (!isLine(line)) throw malformed('extension lines must be non-empty single lines');
    text += `${line}\n`;
  }
  return text;
}

/**
 * Strictly parses checkpoint note text: non-empty origin, decimal size without leading zeros
 * (at most 2^53 − 1 here), canonical base64 of a 32-byte root, non-empty extension lines.
 * Throws NoteError('malformed').
 */
export function parseCheckpoint(text: string): ParsedCheckpoint {
  if (typeof text !== 'string' || !text.endsWith('\n')) throw malformed('the text must end with a newline');
  if (!isWellFormedNoteText(text)) throw malformed('control characters or invalid Unicode');
  const lines = text.slice(0, -1).split('\n');
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (origin === undefined || sizeText === undefined || rootText === undefined)
    throw malformed('fewer than three lines');
  if (origin === '') throw malformed('empty origin');
  if (!DECIMAL.test(sizeText)) throw malformed('the size must be decimal without leading zeros');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw malformed('the size exceeds 2^53 - 1');
  const rootHash = decodeBase64(rootText);
  if (rootHash === null) throw malformed('the root hash is not canonical standard base64');
  if (rootHash.length !== ROOT_HASH_SIZE) throw malformed(`the root hash is ${rootHash.length} bytes, not 32`);
  if (extensions.some((line) => line === '')) throw malformed('empty extension line');
  return { origin, size, rootHash, extensions };
}

/** Formats and signs a checkpoint: the note a log publishes at `<prefix>/checkpoint`. */
export function signCheckpoint(checkpoint: Checkpoint, signer: string | NoteSigner): string {
  return signNote(formatCheckpoint(checkpoint), signer);
}

/**
 * Verifies a signed checkpoint against trusted keys and parses it. Pass `origin` whenever the log is
 * known: one key may sign many logs, and a checkpoint of another log must not be accepted for this
 * one. Throws NoteError (see {@link openNote}, plus 'malformed' and 'origin_mismatch').
 */
export function openCheckpoint(
  note: string | Uint8Array,
  verifierKeys: VerifierKeys,
  options: { readonly origin?: string } = {},
): OpenedCheckpoint {
  const { text, verifiedBy } = openNote(note, verifierKeys);
  const checkpoint = parseCheckpoint(text);
  if (options.origin !== undefined && checkpoint.origin !== options.origin) {
    throw new NoteError(
      'origin_mismatch',
      `checkpoint is for ${JSON.stringify(checkpoint.origin)}, expected ${JSON.stringify(options.origin)}`,
    );
  }
  return { ...checkpoint, text, verifiedBy };
}
