// Client-side verification: the SDK trusts only the verifier key pinned in its options, never the
// server it talks to. An event is genuine when its sealed leaf hashes to a leaf that an RFC 9162
// inclusion proof places under a checkpoint root signed by that key, its disclosed personal values
// open their commitments, and the event as displayed is exactly the unsealed leaf. A log is honest
// over time when every checkpoint it shows is consistent with the last one this client verified.
import {
  base64Decode,
  base64Encode,
  canonicalize,
  leafHash,
  NoteError,
  type NoteVerifier,
  type OpenedCheckpoint,
  openCheckpoint,
  parseVerifierKey,
  unsealEvent,
  verifyConsistency,
  verifyDisclosures,
  verifyInclusion,
} from '@auditledge/core';
import type { CheckpointStore } from './checkpoint-store.js';
import { AuditLedgeError, AuditLedgeHttpError } from './errors.js';
import type { HttpClient } from './http.js';
import type { AuditEvent, EventProof, EventReceipt } from './types.js';

/** Why a verification failed. */
export type VerificationFailureCode =
  /** The server's reply lacks a proof or has the wrong shape. */
  | 'malformed_proof'
  /** SHA-256(0x00 ‖ leaf) is not the event's (or the receipt's) leaf_hash. */
  | 'leaf_hash_mismatch'
  /** The inclusion proof does not lead from the leaf to the checkpoint's root. */
  | 'inclusion_failed'
  /** The checkpoint is signed by the pinned key's name and ID but the signature fails: it was altered. */
  | 'bad_signature'
  /** No signature by the pinned key: the checkpoint comes from another log operator (or another key). */
  | 'untrusted_key'
  /** The checkpoint verified but belongs to another log than this organization's. */
  | 'origin_mismatch'
  /** A disclosed personal value and its salt do not reproduce the commitment sealed in the leaf. */
  | 'disclosure_mismatch'
  /** The event as displayed differs from what the leaf seals (or from the receipt given). */
  | 'event_mismatch'
  /** The log is now smaller than a checkpoint this client verified before: events were removed. */
  | 'rolled_back'
  /** Two checkpoints signed by the pinned key are not consistent: the history was rewritten. */
  | 'forked';

export type VerificationFailure = { ok: false; code: VerificationFailureCode; message: string };

/** A checkpoint whose signature verified with the pinned key. */
export interface VerifiedCheckpoint {
  origin: string;
  size: number;
  /** Base64 RFC 9162 root hash. */
  root_hash: string;
  /** The signed note text: keep it to call `verifyConsistency(note)` later. */
  note: string;
}

export type EventVerification =
  | {
      ok: true;
      /** The event, checked field by field against its sealed leaf. */
      event: AuditEvent;
      /** The checkpoint the inclusion proof leads to. */
      checkpoint: VerifiedCheckpoint;
      /** The checkpoint remembered before this one (undefined on the first verification of the log). */
      previous: VerifiedCheckpoint | undefined;
    }
  | VerificationFailure;

export type ConsistencyVerification =
  | {
      ok: true;
      /** The server's current checkpoint, proven to extend the old one. */
      checkpoint: VerifiedCheckpoint;
      /** The checkpoint it was checked against. */
      previous: VerifiedCheckpoint | undefined;
    }
  | VerificationFailure;

export interface VerifierOptions {
  verifierKey: string | undefined;
  checkpointStore: CheckpointStore;
  checkpointOrigin: ((organizationId: string) => string) | undefined;
}

/** An opened checkpoint and the full signed note it came from (what the store keeps). */
type SignedCheckpoint = OpenedCheckpoint & { readonly note: string };

const encoder = new TextEncoder();
const fail = (code: VerificationFailureCode, message: string): VerificationFailure => ({ ok: false, code, message });

export class Verifier {
  readonly #http: HttpClient;
  readonly #key: NoteVerifier | undefined;
  readonly #store: CheckpointStore;
  readonly #origin: ((organizationId: string) => string) | undefined;
  /** Per-organization chain: checkpoint comparisons and store updates never interleave. */
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(http: HttpClient, options: VerifierOptions) {
    this.#http = http;
    this.#store = options.checkpointStore;
    this.#origin = options.checkpointOrigin;
    if (options.verifierKey !== undefined) {
      try {
        this.#key = parseVerifierKey(options.verifierKey.trim());
      } catch (error) {
        throw new AuditLedgeError(
          'invalid_usage',
          `verifierKey is not a note verifier key (<name>+<hex id>+<base64>): ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
  }

  async verifyEvent(target: string | EventReceipt): Promise<EventVerification> {
    const key = this.#requireKey();
    const id = typeof target === 'string' ? target : target.id;
    const reply = await this.#http.json<AuditEvent & { proof?: unknown }>(
      'GET',
      `/v1/events/${encodeURIComponent(id)}`,
      { query: { proof: 'true' }, what: `reading event ${id} with its proof` },
    );
    const { proof: rawProof, ...event } = reply;
    const proof = asProof(rawProof);
    if (proof === null) return fail('malformed_proof', `the server's reply for event ${id} has no valid proof`);
    const view = event as AuditEvent;
    if (view.id !== id) return fail('event_mismatch', `asked for event ${id}, the server answered with ${view.id}`);
    const organizationId = view.organization_id;
    if (typeof organizationId !== 'string') return fail('malformed_proof', 'the event has no organization_id');

    // 1. The leaf is the one the log committed to.
    const hash = base64Encode(leafHash(encoder.encode(proof.leaf)));
    if (hash !== view.leaf_hash) {
      return fail('leaf_hash_mismatch', `the leaf's hash ${hash} is not the event's leaf_hash ${view.leaf_hash}`);
    }
    if (typeof target !== 'string') {
      const receiptProblem = compareReceipt(target, view, hash);
      if (receiptProblem !== null) return receiptProblem;
    }
    // 2. The checkpoint is signed by the pinned key, for this organization's log.
    const opened = this.#open(proof.checkpoint, key, organizationId, 'the checkpoint served with the proof');
    if (!opened.ok) return opened;
    const checkpoint = opened.checkpoint;
    // 3. The leaf sits at its sequence in the signed tree.
    if (proof.leaf_index !== view.sequence) {
      return fail(
        'event_mismatch',
        `the proof is for leaf ${proof.leaf_index}, the event's sequence is ${view.sequence}`,
      );
    }
    if (proof.tree_size !== checkpoint.size) {
      return fail(
        'inclusion_failed',
        `the proof is for a tree of ${proof.tree_size}, the checkpoint has ${checkpoint.size}`,
      );
    }
    const path = decodeHashes(proof.inclusion);
    if (path === null) return fail('malformed_proof', 'the inclusion proof is not a list of base64 hashes');
    if (!verifyInclusion(base64Decode(hash), proof.leaf_index, checkpoint.size, path, checkpoint.rootHash)) {
      return fail(
        'inclusion_failed',
        `the inclusion proof does not lead from leaf ${proof.leaf_index} to the root of the signed tree of ${checkpoint.size}`,
      );
    }
    // 4. Personal values are the sealed ones, and the displayed event is exactly the leaf.
    const disclosureIssues = verifyDisclosures(proof.leaf, proof.disclosures);
    if (disclosureIssues.length > 0) {
      const first = disclosureIssues[0] as { path: string; message: string };
      return fail('disclosure_mismatch', `the disclosed ${first.path || 'leaf'}: ${first.message}`);
    }
    const difference = compareWithLeaf(view, proof);
    if (difference !== null) return fail('event_mismatch', difference);
    // 5. The checkpoint is consistent with what this client saw before.
    const history = await this.#advance(organizationId, checkpoint, { current: false });
    if (!history.ok) return history;
    return { ok: true, event: view, checkpoint: summarize(checkpoint), previous: history.previous };
  }

  async verifyConsistency(oldCheckpoint: string): Promise<ConsistencyVerification> {
    const key = this.#requireKey();
    let old: SignedCheckpoint;
    try {
      old = { ...openCheckpoint(oldCheckpoint, key), note: oldCheckpoint };
    } catch (error) {
      return noteFailure(error, 'the old checkpoint', key);
    }
    const organizationId = organizationFromOrigin(old.origin);
    if (organizationId === undefined) {
      return fail('origin_mismatch', `the old checkpoint's origin ${JSON.stringify(old.origin)} names no organization`);
    }
    const expected = this.#origin?.(organizationId);
    if (expected !== undefined && old.origin !== expected) {
      return fail('origin_mismatch', `the old checkpoint is for ${JSON.stringify(old.origin)}, expected ${expected}`);
    }
    const current = await this.#current(organizationId, key);
    if (!current.ok) return current;
    const step = await this.#extends(old, current.checkpoint, { current: true });
    if (!step.ok) return step;
    const history = await this.#advance(organizationId, current.checkpoint, { current: true });
    if (!history.ok) return history;
    return { ok: true, checkpoint: summarize(current.checkpoint), previous: summarize(old) };
  }

  async verifyLog(organizationId: string): Promise<ConsistencyVerification> {
    const key = this.#requireKey();
    const current = await this.#current(organizationId, key);
    if (!current.ok) return current;
    const history = await this.#advance(organizationId, current.checkpoint, { current: true });
    if (!history.ok) return history;
    return { ok: true, checkpoint: summarize(current.checkpoint), previous: history.previous };
  }

  #requireKey(): NoteVerifier {
    if (this.#key === undefined) {
      throw new AuditLedgeError(
        'invalid_usage',
        'verification needs a pinned verifierKey option: copy it once from GET /v1/verifier-key of a server you trust (or `auditledge` startup output) into your configuration',
      );
    }
    return this.#key;
  }

  async #current(
    organizationId: string,
    key: NoteVerifier,
  ): Promise<{ ok: true; checkpoint: SignedCheckpoint } | VerificationFailure> {
    const response = await this.#http.expectOk('GET', `/v1/logs/${encodeURIComponent(organizationId)}/checkpoint`, {
      headers: { accept: 'text/plain' },
      what: `reading the checkpoint of ${organizationId}`,
    });
    return this.#open(response.text, key, organizationId, "the server's current checkpoint");
  }

  #open(
    note: string,
    key: NoteVerifier,
    organizationId: string,
    what: string,
  ): { ok: true; checkpoint: SignedCheckpoint } | VerificationFailure {
    let checkpoint: SignedCheckpoint;
    try {
      checkpoint = { ...openCheckpoint(note, key), note };
    } catch (error) {
      return noteFailure(error, what, key);
    }
    const expected = this.#origin?.(organizationId);
    const matches =
      expected !== undefined
        ? checkpoint.origin === expected
        : organizationFromOrigin(checkpoint.origin) === organizationId;
    if (!matches) {
      return fail(
        'origin_mismatch',
        `${what} is for log ${JSON.stringify(checkpoint.origin)}, not organization ${JSON.stringify(organizationId)}'s`,
      );
    }
    return { ok: true, checkpoint };
  }

  /**
   * Compares `next` with the remembered checkpoint of the organization and remembers `next` when
   * it extends it. `current` says `next` is the server's claim of its latest state (so a smaller
   * one is a rollback), rather than the checkpoint a proof happened to use (which may be older).
   */
  #advance(
    organizationId: string,
    next: SignedCheckpoint,
    options: { current: boolean },
  ): Promise<{ ok: true; previous: VerifiedCheckpoint | undefined } | VerificationFailure> {
    const run = async (): Promise<{ ok: true; previous: VerifiedCheckpoint | undefined } | VerificationFailure> => {
      const key = this.#key as NoteVerifier;
      const note = await this.#store.get(organizationId);
      if (note === undefined) {
        await this.#store.set(organizationId, next.note);
        return { ok: true, previous: undefined };
      }
      let previous: SignedCheckpoint;
      try {
        previous = { ...openCheckpoint(note, key), note };
      } catch (error) {
        throw new AuditLedgeError(
          'invalid_usage',
          `the checkpoint store holds a note for ${organizationId} that does not verify with the pinned key: ${(error as Error).message}`,
          { cause: error },
        );
      }
      if (previous.origin !== next.origin) {
        return fail(
          'origin_mismatch',
          `the log of ${organizationId} was ${JSON.stringify(previous.origin)} and is now ${JSON.stringify(next.origin)}`,
        );
      }
      const step = await this.#extends(previous, next, options);
      if (!step.ok) return step;
      if (next.size > previous.size) await this.#store.set(organizationId, next.note);
      return { ok: true, previous: summarize(previous) };
    };
    const chained = (this.#locks.get(organizationId) ?? Promise.resolve()).then(run, run);
    const settled = chained.then(
      () => undefined,
      () => undefined,
    );
    this.#locks.set(organizationId, settled);
    void settled.then(() => {
      if (this.#locks.get(organizationId) === settled) this.#locks.delete(organizationId);
    });
    return chained;
  }

  /** Whether `next` is consistent with the earlier-verified `old` (same log). */
  async #extends(
    old: OpenedCheckpoint,
    next: OpenedCheckpoint,
    options: { current: boolean },
  ): Promise<{ ok: true } | VerificationFailure> {
    const organizationId = organizationFromOrigin(next.origin) as string;
    if (next.size === old.size) {
      if (bytesEqual(next.rootHash, old.rootHash)) return { ok: true };
      return fail(
        'forked',
        `two checkpoints of size ${old.size} signed by the pinned key have different roots: the log's history was rewritten`,
      );
    }
    if (next.size < old.size && options.current) {
      return fail(
        'rolled_back',
        `the log of ${organizationId} has ${next.size} events, but a checkpoint of ${old.size} was verified before: events were removed`,
      );
    }
    const [from, to] = next.size > old.size ? [old, next] : [next, old];
    let proof: string[];
    try {
      const reply = await this.#http.json<{ from?: unknown; to?: unknown; proof?: unknown }>(
        'GET',
        `/v1/logs/${encodeURIComponent(organizationId)}/proofs/consistency`,
        { query: { from: String(from.size), to: String(to.size) }, what: 'reading a consistency proof' },
      );
      proof = Array.isArray(reply.proof) ? (reply.proof as string[]) : [];
    } catch (error) {
      // Asked to prove an older checkpoint against a larger one we saw, a server whose log no
      // longer reaches that size refuses: that is the rollback.
      if (next.size < old.size && error instanceof AuditLedgeHttpError && error.status === 400) {
        return fail(
          'rolled_back',
          `the server cannot prove its checkpoint of ${next.size} against the ${old.size} events verified before: events were removed (${error.message})`,
        );
      }
      throw error;
    }
    const hashes = decodeHashes(proof);
    if (hashes === null || !verifyConsistency(from.size, to.size, hashes, from.rootHash, to.rootHash)) {
      return fail(
        'forked',
        `the checkpoint of ${to.size} does not extend the checkpoint of ${from.size}: the log's history was rewritten`,
      );
    }
    return { ok: true };
  }
}

function noteFailure(error: unknown, what: string, key: NoteVerifier): VerificationFailure {
  if (!(error instanceof NoteError)) throw error;
  switch (error.code) {
    case 'unknown_key':
      return fail('untrusted_key', `${what} is not signed by the pinned key ${key.name}`);
    case 'bad_signature':
    case 'ambiguous_key':
      return fail('bad_signature', `${what}'s signature by ${key.name} does not verify: the note was altered`);
    default:
      return fail('malformed_proof', `${what} is not a valid signed checkpoint: ${error.message}`);
  }
}

/** The organization whose log an origin `<prefix>/<project>/<url-encoded organization>` names. */
function organizationFromOrigin(origin: string): string | undefined {
  const slash = origin.lastIndexOf('/');
  if (slash < 0) return undefined;
  try {
    return decodeURIComponent(origin.slice(slash + 1));
  } catch {
    return undefined;
  }
}

function summarize(checkpoint: SignedCheckpoint): VerifiedCheckpoint {
  return {
    origin: checkpoint.origin,
    size: checkpoint.size,
    root_hash: base64Encode(checkpoint.rootHash),
    note: checkpoint.note,
  };
}

function asProof(value: unknown): EventProof | null {
  if (value === null || typeof value !== 'object') return null;
  const p = value as Record<string, unknown>;
  const ok =
    typeof p.leaf === 'string' &&
    typeof p.checkpoint === 'string' &&
    Number.isSafeInteger(p.leaf_index) &&
    Number.isSafeInteger(p.tree_size) &&
    Array.isArray(p.inclusion) &&
    p.disclosures !== null &&
    typeof p.disclosures === 'object' &&
    !Array.isArray(p.disclosures);
  return ok ? (p as unknown as EventProof) : null;
}

function decodeHashes(list: readonly unknown[]): Uint8Array[] | null {
  const out: Uint8Array[] = [];
  for (const item of list) {
    if (typeof item !== 'string') return null;
    try {
      out.push(base64Decode(item));
    } catch {
      return null;
    }
  }
  return out;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Null when the displayed event is exactly the unsealed leaf, else what differs. */
function compareWithLeaf(view: AuditEvent, proof: EventProof): string | null {
  let unsealed: { event: Record<string, unknown>; erased: string[] };
  try {
    unsealed = unsealEvent(proof.leaf, proof.disclosures) as unknown as typeof unsealed;
  } catch (error) {
    return `the leaf does not unseal: ${(error as Error).message}`;
  }
  const { sequence: _sequence, leaf_hash: _leafHash, erased, ...shown } = view as AuditEvent & Record<string, unknown>;
  const sealed = unsealed.event;
  for (const key of new Set([...Object.keys(shown), ...Object.keys(sealed)])) {
    const a = Object.hasOwn(shown, key) ? canonicalOrNull(shown[key]) : undefined;
    const b = Object.hasOwn(sealed, key) ? canonicalOrNull(sealed[key]) : undefined;
    if (a !== b) {
      const describe = (value: string | undefined) => (value === undefined ? 'absent' : value);
      return `the event shows ${key} = ${describe(a)}, but its sealed leaf holds ${describe(b)}`;
    }
  }
  const shownErased = [...(erased ?? [])].sort().join(',');
  if (shownErased !== unsealed.erased.join(',')) {
    return `the event lists erased fields [${shownErased}], but the leaf's commitments without a disclosure are [${unsealed.erased.join(',')}]`;
  }
  return null;
}

function canonicalOrNull(value: unknown): string {
  try {
    return canonicalize(value);
  } catch {
    return '<not JSON>';
  }
}

/** The receipt `log()` resolved with is a second witness of what was stored: it must agree. */
function compareReceipt(receipt: EventReceipt, view: AuditEvent, hash: string): VerificationFailure | null {
  if (receipt.leaf_hash !== hash) {
    return fail(
      'leaf_hash_mismatch',
      `the leaf's hash ${hash} is not the leaf_hash ${receipt.leaf_hash} the server acknowledged at ingest`,
    );
  }
  if (receipt.sequence !== view.sequence || receipt.organization_id !== view.organization_id) {
    return fail(
      'event_mismatch',
      `the event is at ${view.organization_id}#${view.sequence}, but it was acknowledged at ${receipt.organization_id}#${receipt.sequence}`,
    );
  }
  return null;
}
