// Streaming verification of an `auditledge.bundle/1` export against a pinned verifier key, with no
// server: line by line, in constant memory (plus the inclusion verifier's cache of authenticated
// subtrees), stopping at the first failure. Runs in Node (the CLI feeds it a file line by line)
// and in browsers (the viewer feeds it decoded chunks).
import { base64Encode } from '../json/index.js';
import { createInclusionVerifier, type InclusionVerifier, leafHash, verifyConsistency } from '../merkle/index.js';
import {
  NoteError,
  type NoteVerifier,
  type OpenedCheckpoint,
  openCheckpoint,
  parseVerifierKey,
} from '../note/index.js';
import { SEALED_EVENT_FORMAT, verifyDisclosures } from '../seal/index.js';
import { disclosuresMatch } from './disclosures.js';
import { BUNDLE_FORMAT, type BundleEventLine } from './format.js';
import {
  decodeHashes,
  HashListDecoder,
  isIndex,
  isPlainObject,
  type ParsedEventLine,
  parseEventLine,
  unknownMember,
} from './parse.js';

/** Longest line accepted, in UTF-16 code units: far above any event (64 KiB), so memory stays bounded. */
export const MAX_BUNDLE_LINE_LENGTH = 4 * 1024 * 1024;

/** Why a bundle was refused. The first failure stops verification. */
export type BundleFailureCode =
  /** The pinned verifier key string does not parse. */
  | 'invalid_key'
  /** A line is not JSON, or not the object it must be at that place (header, event, trailer). */
  | 'malformed'
  /** The first line is not an `auditledge.bundle/1` header. */
  | 'unsupported_format'
  /** The header's checkpoint is not a well-formed signed checkpoint note. */
  | 'bad_checkpoint'
  /** The checkpoint is not signed by the pinned key, or its signature does not verify. */
  | 'bad_checkpoint_signature'
  /** The checkpoint is for another log than the header (or the caller) names. */
  | 'origin_mismatch'
  /** The `previousCheckpoint` option does not verify with the pinned key or is for another log. */
  | 'bad_previous_checkpoint'
  /** The log is smaller than a checkpoint seen before: events were removed. */
  | 'rolled_back'
  /** A previous checkpoint was given but the bundle carries no consistency proof from its size. */
  | 'consistency_missing'
  /** The consistency proof fails: the log was rewritten (forked) since the older checkpoint. */
  | 'inconsistent'
  /** A sequence is lower than the one before it. */
  | 'out_of_order'
  /** A sequence appears twice in a row. */
  | 'duplicate'
  /** A sequence is not below the checkpoint's tree size. */
  | 'out_of_range'
  /** An event's leaf hash and inclusion proof do not reproduce the signed root at its sequence. */
  | 'inclusion_failed'
  /** A leaf is not a sealed event of format `auditledge.event/1`. */
  | 'bad_leaf'
  /** A leaf (or the header) belongs to another organization than the bundle (or the caller) names. */
  | 'organization_mismatch'
  /** A disclosed value and salt do not reproduce the commitment sealed in the leaf. */
  | 'disclosure_mismatch'
  /** A bundle that claims to be complete skips a sequence. */
  | 'missing_events'
  /** The trailer is missing (or the bundle is empty), or its count differs from the event lines read. */
  | 'truncated';

export interface BundleFailure {
  readonly code: BundleFailureCode;
  /** One sentence saying what is wrong, for people. */
  readonly message: string;
  /** 1-based line of the bundle where the failure was found; 0 when it concerns the caller's inputs. */
  readonly line: number;
  /** The event's sequence (for `missing_events`, the first missing sequence). */
  readonly sequence?: number;
  /** The event's id, when its leaf could be read. */
  readonly eventId?: string;
}

export type BundleVerdict =
  | {
      readonly ok: true;
      /** Event lines verified. */
      readonly events: number;
      /** Of which retention-pruned (`leaf: null`): position proven, content not shown. */
      readonly prunedEvents: number;
      /** Size of the signed log the bundle is checked against. */
      readonly treeSize: number;
      readonly origin: string;
      readonly organizationId: string;
      /** base64 root hash of the signed checkpoint. */
      readonly rootHash: string;
      /** The signed checkpoint note the bundle verified against: keep it as the next `previousCheckpoint`. */
      readonly checkpoint: string;
      /** Whether the bundle holds every event of the log (verified), or is a filtered export. */
      readonly complete: boolean;
      readonly filter: string | null;
      /** The older tree head proven to be a prefix of this log (the previous checkpoint, else the bundle's own). */
      readonly consistentWith: { readonly size: number; readonly rootHash: string } | null;
    }
  | { readonly ok: false; readonly error: BundleFailure };

/** Progress for a progress bar: `events` of `treeSize` when the bundle is complete. */
export interface BundleProgress {
  /** Lines read so far. */
  readonly lines: number;
  /** Event lines fully verified so far. */
  readonly events: number;
  /** The checkpoint's tree size, once the header is verified. */
  readonly treeSize: number | null;
  /** Whether the header claims a complete bundle, once read. */
  readonly complete: boolean | null;
}

/** One verified event, handed to `onEvent`. */
export interface VerifiedBundleEvent {
  readonly line: number;
  readonly sequence: number;
  /** The leaf's `id`; null for a pruned event. */
  readonly eventId: string | null;
  /** The event line as read; pass it to `verifiedEventView` to display it. */
  readonly entry: BundleEventLine;
}

export interface BundleVerifierOptions {
  /** A checkpoint of this log seen earlier: the bundle must prove the log still extends it. */
  readonly previousCheckpoint?: string;
  /** The origin the caller expects; by default any log signed by the pinned key is accepted. */
  readonly origin?: string;
  /** The organization the caller expects; by default the header's is reported. */
  readonly organizationId?: string;
  /** Called after each event line verifies, in order. */
  readonly onEvent?: (event: VerifiedBundleEvent) => void;
}

interface HeaderState {
  readonly origin: string;
  readonly organizationId: string;
  readonly checkpoint: OpenedCheckpoint;
  /** The header's note, signatures included. */
  readonly signedCheckpoint: string;
  readonly complete: boolean;
  readonly filter: string | null;
  readonly consistentWith: { size: number; rootHash: Uint8Array } | null;
  readonly inclusion: InclusionVerifier;
}

interface Gap {
  readonly missing: number;
  readonly line: number;
}

const encoder = new TextEncoder();
let leafBuffer = new Uint8Array(64 * 1024);

/** SHA-256(0x00 ‖ UTF-8(leaf)) without allocating the UTF-8 bytes for each leaf. */
function hashLeafText(leaf: string): Uint8Array {
  const worstCase = leaf.length * 3;
  if (worstCase > leafBuffer.length) leafBuffer = new Uint8Array(Math.max(worstCase, leafBuffer.length * 2));
  const { written } = encoder.encodeInto(leaf, leafBuffer);
  return leafHash(leafBuffer.subarray(0, written));
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function quote(text: string): string {
  return JSON.stringify(text);
}

const HEADER_MEMBERS = ['format', 'origin', 'organization_id', 'checkpoint', 'complete', 'filter', 'consistency'];
const TRAILER_MEMBERS = ['end', 'count'];

/**
 * Verifies a bundle fed one line at a time ({@link pushLine}) or in arbitrary text chunks
 * ({@link pushText}); {@link finish} returns the verdict. Nothing throws on bad input: the first
 * problem becomes the verdict and later lines are ignored.
 */
export class BundleVerifier {
  readonly #options: BundleVerifierOptions;
  #key: NoteVerifier | null = null;
  #previous: OpenedCheckpoint | null = null;
  #failure: BundleFailure | null = null;
  #header: HeaderState | null = null;
  #lines = 0;
  #events = 0;
  #pruned = 0;
  #last = -1;
  #gap: Gap | null = null;
  #trailer = false;
  #finished = false;
  #partial = '';
  readonly #proofs = new HashListDecoder();
  /** The last event, when its sequence is even and its inclusion proof verified. */
  #pairLeft: VerifiedLeaf | null = null;

  constructor(verifierKey: string, options: BundleVerifierOptions = {}) {
    this.#options = options;
    try {
      this.#key = parseVerifierKey(verifierKey);
    } catch (error) {
      const why = error instanceof NoteError ? error.message : 'it does not parse';
      this.#fail('invalid_key', `the pinned verifier key is not usable: ${why}`, 0);
      return;
    }
    if (options.previousCheckpoint !== undefined) {
      try {
        this.#previous = openCheckpoint(options.previousCheckpoint, this.#key);
      } catch (error) {
        const why = error instanceof NoteError ? error.message : String(error);
        this.#fail(
          'bad_previous_checkpoint',
          `the previous checkpoint you supplied does not verify with the pinned key: ${why}`,
          0,
        );
      }
    }
  }

  /** Progress so far (cheap; call it as often as a progress bar needs). */
  get progress(): BundleProgress {
    return {
      lines: this.#lines,
      events: this.#events,
      treeSize: this.#header?.checkpoint.size ?? null,
      complete: this.#header?.complete ?? null,
    };
  }

  /** Event lines fully verified so far. */
  get eventsVerified(): number {
    return this.#events;
  }

  /** The first failure, as soon as it is found (null while everything verifies). */
  get failure(): BundleFailure | null {
    return this.#failure;
  }

  /**
   * Verifies the next line (without its `\n`; a trailing `\r` is tolerated). Returns false once
   * the bundle has failed, so a reader can stop early.
   */
  pushLine(line: string): boolean {
    if (this.#finished) throw new Error('BundleVerifier: pushLine after finish');
    if (this.#failure !== null) return false;
    const lineNo = ++this.#lines;
    if (line.length > MAX_BUNDLE_LINE_LENGTH) {
      return this.#fail('malformed', `line ${lineNo} is longer than ${MAX_BUNDLE_LINE_LENGTH} characters`, lineNo);
    }
    let value: unknown;
    try {
      // A byte order mark some editors prepend is not part of the bundle.
      value = JSON.parse(lineNo === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
    } catch {
      const what = this.#header === null ? 'the bundle header' : this.#trailer ? 'nothing' : 'an event or the trailer';
      return this.#fail('malformed', `line ${lineNo} is not valid JSON (expected ${what})`, lineNo);
    }
    if (this.#header === null) return this.#readHeader(value, lineNo);
    if (this.#trailer) return this.#fail('malformed', `line ${lineNo} comes after the trailer line`, lineNo);
    if (!isPlainObject(value)) return this.#fail('malformed', `line ${lineNo} is not a JSON object`, lineNo);
    if (Object.hasOwn(value, 'end')) return this.#readTrailer(value, lineNo);
    return this.#readEvent(value, lineNo);
  }

  /** Feeds arbitrary chunks of the bundle text (for example from a stream); lines are split on `\n`. */
  pushText(chunk: string): boolean {
    if (this.#finished) throw new Error('BundleVerifier: pushText after finish');
    let start = 0;
    let newline = chunk.indexOf('\n');
    while (newline >= 0 && this.#failure === null) {
      const piece = chunk.slice(start, newline);
      const line = this.#partial === '' ? piece : this.#partial + piece;
      this.#partial = '';
      this.pushLine(line);
      start = newline + 1;
      newline = chunk.indexOf('\n', start);
    }
    if (this.#failure !== null) return false;
    if (start < chunk.length) {
      if (this.#partial.length + chunk.length - start > MAX_BUNDLE_LINE_LENGTH) {
        this.#partial = '';
        const lineNo = this.#lines + 1;
        return this.#fail('malformed', `line ${lineNo} is longer than ${MAX_BUNDLE_LINE_LENGTH} characters`, lineNo);
      }
      this.#partial += chunk.slice(start);
    }
    return true;
  }

  /** Ends the bundle and returns the verdict. */
  finish(): BundleVerdict {
    if (!this.#finished) {
      if (this.#partial !== '' && this.#failure === null) this.pushLine(this.#partial);
      this.#partial = '';
      this.#finished = true;
      if (this.#failure === null) {
        if (this.#header === null) this.#fail('truncated', 'the bundle is empty: it has no header line', 1);
        else if (!this.#trailer)
          this.#fail(
            'truncated',
            `the bundle ends after ${this.#events} events without its trailer line: it was truncated`,
            this.#lines + 1,
          );
      }
    }
    if (this.#failure !== null) return { ok: false, error: this.#failure };
    const header = this.#header as HeaderState;
    const consistentWith = header.consistentWith;
    return {
      ok: true,
      events: this.#events,
      prunedEvents: this.#pruned,
      treeSize: header.checkpoint.size,
      origin: header.origin,
      organizationId: header.organizationId,
      rootHash: base64Encode(header.checkpoint.rootHash),
      checkpoint: header.signedCheckpoint,
      complete: header.complete,
      filter: header.filter,
      consistentWith:
        consistentWith === null ? null : { size: consistentWith.size, rootHash: base64Encode(consistentWith.rootHash) },
    };
  }

  #fail(code: BundleFailureCode, message: string, line: number, sequence?: number, eventId?: string): false {
    const failure: { -readonly [K in keyof BundleFailure]: BundleFailure[K] } = { code, message, line };
    if (sequence !== undefined) failure.sequence = sequence;
    if (eventId !== undefined) failure.eventId = eventId;
    this.#failure = failure;
    return false;
  }

  #readHeader(value: unknown, lineNo: number): boolean {
    if (!isPlainObject(value) || typeof value.format !== 'string') {
      return this.#fail(
        'unsupported_format',
        'this is not an Auditledge bundle: its first line has no "format"',
        lineNo,
      );
    }
    if (value.format !== BUNDLE_FORMAT) {
      return this.#fail(
        'unsupported_format',
        `the bundle format is ${quote(value.format)}, but this verifier reads ${quote(BUNDLE_FORMAT)}`,
        lineNo,
      );
    }
    const bad = (why: string) => this.#fail('malformed', `the bundle header is malformed: ${why}`, lineNo);
    const extra = unknownMember(value, HEADER_MEMBERS);
    if (extra !== undefined) return bad(`unexpected member ${quote(extra)}`);
    const { origin, organization_id: organizationId, checkpoint, complete, filter, consistency } = value;
    if (typeof origin !== 'string' || origin === '') return bad('"origin" must be a non-empty string');
    if (typeof organizationId !== 'string' || organizationId === '')
      return bad('"organization_id" must be a non-empty string');
    if (typeof checkpoint !== 'string') return bad('"checkpoint" must be the signed checkpoint note');
    if (typeof complete !== 'boolean') return bad('"complete" must be true or false');
    if (filter !== null && typeof filter !== 'string') return bad('"filter" must be a string or null');
    if (consistency !== null && !isPlainObject(consistency))
      return bad('"consistency" must be null or {"from_checkpoint", "proof"}');

    const opened = this.#openCheckpoint(checkpoint, origin, 'the checkpoint', lineNo);
    if (opened === null) return false;

    if (this.#options.origin !== undefined && origin !== this.#options.origin) {
      return this.#fail(
        'origin_mismatch',
        `the bundle is for log ${quote(origin)}, not the log ${quote(this.#options.origin)} you asked to verify`,
        lineNo,
      );
    }
    if (this.#options.organizationId !== undefined && organizationId !== this.#options.organizationId) {
      return this.#fail(
        'organization_mismatch',
        `the bundle is for organization ${quote(organizationId)}, not ${quote(this.#options.organizationId)}`,
        lineNo,
      );
    }

    // The bundle's own consistency proof: the log signed both checkpoints, so they must agree.
    let consistentWith: { size: number; rootHash: Uint8Array } | null = null;
    if (consistency !== null) {
      const extraMember = unknownMember(consistency, ['from_checkpoint', 'proof']);
      if (extraMember !== undefined) return bad(`unexpected member ${quote(extraMember)} in "consistency"`);
      if (typeof consistency.from_checkpoint !== 'string')
        return bad('"consistency.from_checkpoint" must be a signed checkpoint note');
      const proof = decodeHashes(consistency.proof, '"consistency.proof"');
      if (typeof proof === 'string') return bad(proof);
      const from = this.#openCheckpoint(
        consistency.from_checkpoint,
        origin,
        'the older checkpoint of the consistency proof',
        lineNo,
      );
      if (from === null) return false;
      if (from.size > opened.size) return this.#rolledBack(from.size, opened.size, lineNo);
      if (!verifyConsistency(from.size, opened.size, proof, from.rootHash, opened.rootHash)) {
        return this.#fail(
          'inconsistent',
          `the log was rewritten: the bundle's checkpoint (size ${opened.size}) does not extend the log's own earlier checkpoint (size ${from.size})`,
          lineNo,
        );
      }
      consistentWith = { size: from.size, rootHash: from.rootHash };
    }

    const previous = this.#previous;
    if (previous !== null) {
      if (previous.origin !== origin) {
        return this.#fail(
          'bad_previous_checkpoint',
          `the previous checkpoint you supplied is for log ${quote(previous.origin)}, but the bundle is for ${quote(origin)}`,
          lineNo,
        );
      }
      if (previous.size > opened.size) return this.#rolledBack(previous.size, opened.size, lineNo);
      const rewritten = () =>
        this.#fail(
          'inconsistent',
          `the log was rewritten since the checkpoint you saw before (size ${previous.size}): the bundle's checkpoint (size ${opened.size}) does not extend it`,
          lineNo,
        );
      if (previous.size === 0 || previous.size === opened.size) {
        if (!verifyConsistency(previous.size, opened.size, [], previous.rootHash, opened.rootHash)) return rewritten();
      } else if (consistentWith === null || consistentWith.size !== previous.size) {
        const has =
          consistentWith === null ? 'no consistency proof' : `a consistency proof from size ${consistentWith.size}`;
        return this.#fail(
          'consistency_missing',
          `the bundle has ${has}, so it cannot show that the log still extends the checkpoint you saw before (size ${previous.size}); export it again from that size`,
          lineNo,
        );
      } else if (!bytesEqual(consistentWith.rootHash, previous.rootHash)) {
        return rewritten();
      }
      consistentWith = { size: previous.size, rootHash: previous.rootHash };
    }

    this.#header = {
      origin,
      organizationId,
      checkpoint: opened,
      signedCheckpoint: checkpoint,
      complete,
      filter: filter as string | null,
      consistentWith,
      inclusion: createInclusionVerifier(opened.size, opened.rootHash),
    };
    return true;
  }

  #rolledBack(seen: number, size: number, lineNo: number): false {
    return this.#fail(
      'rolled_back',
      `the log is smaller than a checkpoint you saw before: events were removed (it had ${seen} events, the bundle's checkpoint has ${size})`,
      lineNo,
    );
  }

  /** Opens a checkpoint note with the pinned key for `origin`; records the failure and returns null otherwise. */
  #openCheckpoint(note: string, origin: string, what: string, lineNo: number): OpenedCheckpoint | null {
    const key = this.#key as NoteVerifier;
    try {
      return openCheckpoint(note, key, { origin });
    } catch (error) {
      if (!(error instanceof NoteError)) throw error;
      switch (error.code) {
        case 'origin_mismatch': {
          // The signature verified, so the note has lines; its first is the origin.
          const actual = note.slice(0, Math.max(0, note.indexOf('\n')));
          this.#fail(
            'origin_mismatch',
            `${what} is for log ${quote(actual)}, but the bundle header says ${quote(origin)}`,
            lineNo,
          );
          break;
        }
        case 'unknown_key':
          this.#fail(
            'bad_checkpoint_signature',
            `${what} is not signed by the pinned key ${key.name}: ${error.message}`,
            lineNo,
          );
          break;
        case 'bad_signature':
        case 'ambiguous_key':
          this.#fail(
            'bad_checkpoint_signature',
            `${what}'s signature by the pinned key does not verify: it was altered`,
            lineNo,
          );
          break;
        default:
          this.#fail('bad_checkpoint', `${what} is not a valid signed checkpoint: ${error.message}`, lineNo);
      }
      return null;
    }
  }

  #readTrailer(value: Record<string, unknown>, lineNo: number): boolean {
    const extra = unknownMember(value, TRAILER_MEMBERS);
    if (extra !== undefined || value.end !== true || !isIndex(value.count)) {
      return this.#fail('malformed', `line ${lineNo} is not a valid trailer {"end": true, "count": N}`, lineNo);
    }
    const header = this.#header as HeaderState;
    if (this.#gap !== null) return this.#missing(this.#gap);
    if (header.complete && this.#last + 1 !== header.checkpoint.size) {
      return this.#missing({ missing: this.#last + 1, line: lineNo });
    }
    if (value.count !== this.#events) {
      return this.#fail(
        'truncated',
        `the trailer counts ${value.count} events but the bundle holds ${this.#events}: event lines were removed or added`,
        lineNo,
      );
    }
    this.#trailer = true;
    return true;
  }

  #missing(gap: Gap): false {
    const header = this.#header as HeaderState;
    return this.#fail(
      'missing_events',
      `sequence ${gap.missing} is missing, but the bundle claims to hold every one of the log's ${header.checkpoint.size} events`,
      gap.line,
      gap.missing,
    );
  }

  #readEvent(value: Record<string, unknown>, lineNo: number): boolean {
    const parsed = parseEventLine(value, this.#proofs);
    if (typeof parsed === 'string') return this.#fail('malformed', `line ${lineNo}: ${parsed}`, lineNo);
    const header = this.#header as HeaderState;
    const { sequence, leaf } = parsed;

    // Read the leaf first, if only to name the event in whatever fails next.
    let sealed: Record<string, unknown> | null = null;
    let eventId: string | undefined;
    if (leaf !== null) {
      try {
        const object: unknown = JSON.parse(leaf);
        if (isPlainObject(object)) {
          sealed = object;
          if (typeof object.id === 'string') eventId = object.id;
        }
      } catch {}
    }
    const fail = (code: BundleFailureCode, what: string): false => {
      const name =
        eventId !== undefined
          ? `event ${eventId} (sequence ${sequence})`
          : leaf === null
            ? `the pruned event at sequence ${sequence}`
            : `the event at sequence ${sequence}`;
      return this.#fail(code, `${name} ${what}`, lineNo, sequence, eventId);
    };

    // Order: strictly increasing, inside the signed tree.
    const size = header.checkpoint.size;
    if (sequence >= size) return fail('out_of_range', `is beyond the signed log, which has ${size} events`);
    if (sequence === this.#last) return fail('duplicate', 'appears twice');
    if (sequence < this.#last) {
      return fail('out_of_order', `comes after sequence ${this.#last}: the events are out of order`);
    }
    // A gap in a complete bundle is reported once the next line shows it was not a swapped pair.
    if (this.#gap !== null) return this.#missing(this.#gap);
    if (header.complete && sequence !== this.#last + 1) this.#gap = { missing: this.#last + 1, line: lineNo };

    // Position and content: the leaf hash at this index must reproduce the signed root.
    const hash = leaf === null ? (parsed.prunedLeafHash as Uint8Array) : hashLeafText(leaf);
    const left = this.#pairLeft;
    this.#pairLeft = null;
    if (!impliedByLeftSibling(left, hash, sequence, parsed.proof)) {
      if (!header.inclusion.verify(hash, sequence, parsed.proof)) {
        const what = leaf === null ? 'its leaf hash or position was altered' : 'its content or position was altered';
        return fail('inclusion_failed', `does not match the signed log: ${what}`);
      }
      if (sequence % 2 === 0) this.#pairLeft = { sequence, leafHash: hash, proof: parsed.proof };
    }

    if (leaf === null) {
      this.#pruned++;
    } else {
      const problem = checkLeaf(sealed, parsed, header.organizationId);
      if (problem !== null) return fail(problem.code, problem.what);
    }

    this.#last = sequence;
    this.#events++;
    this.#options.onEvent?.({ line: lineNo, sequence, eventId: eventId ?? null, entry: parsed.entry });
    return true;
  }
}

interface VerifiedLeaf {
  readonly sequence: number;
  readonly leafHash: Uint8Array;
  readonly proof: readonly Uint8Array[];
}

function sameHash(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a !== undefined && b !== undefined && (a === b || bytesEqual(a, b));
}

/**
 * Whether the inclusion of leaf `sequence` = 2k + 1 follows from the verified inclusion of its left
 * sibling 2k, with no hashing (most of a dense export). Leaves 2k and 2k + 1 share every subtree
 * above their parent (RFC 9162 splits at powers of two, which never separate an aligned pair), so
 * PATH(2k + 1) = [leaf 2k] ‖ PATH(2k)[1:], and PATH(2k)[0] is the hash of leaf 2k + 1. When this
 * returns false, the full verification decides.
 */
function impliedByLeftSibling(
  left: VerifiedLeaf | null,
  hash: Uint8Array,
  sequence: number,
  proof: readonly Uint8Array[],
): boolean {
  if (left === null || sequence !== left.sequence + 1 || proof.length !== left.proof.length || proof.length === 0)
    return false;
  if (!sameHash(hash, left.proof[0]) || !sameHash(proof[0], left.leafHash)) return false;
  for (let i = 1; i < proof.length; i++) if (!sameHash(proof[i], left.proof[i])) return false;
  return true;
}

/** What is wrong with a leaf whose inclusion verified (the end of a sentence naming the event), or null. */
function checkLeaf(
  sealed: Record<string, unknown> | null,
  parsed: ParsedEventLine,
  organizationId: string,
): { code: BundleFailureCode; what: string } | null {
  if (sealed === null) return { code: 'bad_leaf', what: 'has a leaf that is not a JSON object' };
  if (sealed.format !== SEALED_EVENT_FORMAT) {
    const format = typeof sealed.format === 'string' ? quote(sealed.format) : 'no format';
    return {
      code: 'bad_leaf',
      what: `has leaf format ${format}, but this verifier reads ${quote(SEALED_EVENT_FORMAT)}`,
    };
  }
  if (sealed.organization_id !== organizationId) {
    const org = typeof sealed.organization_id === 'string' ? quote(sealed.organization_id) : 'no organization';
    return {
      code: 'organization_mismatch',
      what: `belongs to ${org}, not to the bundle's organization ${quote(organizationId)}`,
    };
  }
  const entry = parsed.entry;
  if (parsed.hasDisclosures && entry.leaf !== null && !disclosuresMatch(sealed, entry.disclosures)) {
    const issue = verifyDisclosures(entry.leaf, entry.disclosures)[0];
    const what = issue === undefined ? 'values' : `a value for ${issue.path}`;
    const why = issue === undefined ? '' : ` (${issue.message})`;
    return { code: 'disclosure_mismatch', what: `discloses ${what} that is not the one sealed in its leaf${why}` };
  }
  return null;
}

/** Verifies a whole bundle held in memory (the browser viewer, tests); see {@link BundleVerifier}. */
export function verifyBundle(text: string, verifierKey: string, options: BundleVerifierOptions = {}): BundleVerdict {
  const verifier = new BundleVerifier(verifierKey, options);
  verifier.pushText(text);
  return verifier.finish();
}
