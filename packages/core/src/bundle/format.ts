// The export bundle `auditledge.bundle/1`: JSON Lines (UTF-8, one JSON object per line, `\n`
// separated) so that it is written and verified in constant memory.
//   line 1     header  {"format","origin","organization_id","checkpoint","complete","filter","consistency"}
//   lines 2…   events  {"sequence","leaf","disclosures","proof"} in strictly increasing sequence;
//                      retention-pruned events are {"sequence","leaf":null,"leaf_hash","proof"}
//   last line  trailer {"end":true,"count":<number of event lines>}
import { base64Encode } from '../json/base64.js';
import type { Disclosures } from '../seal/index.js';

/** The `format` of the header line of every bundle this version writes and reads. */
export const BUNDLE_FORMAT = 'auditledge.bundle/1';

/** Proof that the bundle's checkpoint extends an older one (RFC 9162 §2.1.4). */
export interface BundleConsistency {
  /** The older signed checkpoint note, full text. */
  from_checkpoint: string;
  /** RFC 9162 consistency proof from the older tree size to the bundle checkpoint's, base64 hashes. */
  proof: string[];
}

/** Line 1 of a bundle. */
export interface BundleHeader {
  format: typeof BUNDLE_FORMAT;
  /** The log's checkpoint origin (first line of the checkpoint note). */
  origin: string;
  organization_id: string;
  /** The full signed checkpoint note every inclusion proof in the bundle is relative to. */
  checkpoint: string;
  /** True when the bundle claims to hold every leaf 0..size-1 of the checkpoint's tree. */
  complete: boolean;
  /** Human-readable description of the export filter; null for an unfiltered export. */
  filter: string | null;
  consistency: BundleConsistency | null;
}

/** An event line whose sealed leaf is present. */
export interface BundleLeafLine {
  /** The event's leaf index in its organization's log. */
  sequence: number;
  /** The sealed event's canonical JSON (RFC 8785), exactly the bytes the leaf hash covers. */
  leaf: string;
  /** Personal values still held, by path; erased values are simply absent. */
  disclosures: Disclosures;
  /** RFC 9162 inclusion proof of leaf `sequence` in the checkpoint's tree, base64 hashes leaf to root. */
  proof: string[];
}

/** An event line whose payload retention deleted: it proves its position and shows nothing. */
export interface BundlePrunedLine {
  sequence: number;
  leaf: null;
  /** base64 of SHA-256(0x00 ‖ leaf bytes). */
  leaf_hash: string;
  proof: string[];
}

/** Lines 2… of a bundle. */
export type BundleEventLine = BundleLeafLine | BundlePrunedLine;

/** The last line of a bundle; without it the bundle was truncated. */
export interface BundleTrailer {
  end: true;
  /** Number of event lines. */
  count: number;
}

/** One line of a bundle: JSON followed by `\n`. */
export function encodeBundleLine(line: BundleHeader | BundleEventLine | BundleTrailer): string {
  return `${JSON.stringify(line)}\n`;
}

/** A hash list as written in a bundle; strings are taken to be base64 already. */
export type ProofInput = readonly (Uint8Array | string)[];

function encodeProof(proof: ProofInput): string[] {
  return proof.map((hash) => (typeof hash === 'string' ? hash : base64Encode(hash)));
}

/** What {@link bundleHeader} needs. */
export interface BundleHeaderInput {
  origin: string;
  organizationId: string;
  /** The signed checkpoint note the event proofs are relative to. */
  checkpoint: string;
  complete: boolean;
  filter?: string | null;
  /** An older signed checkpoint and the consistency proof from its size to the bundle checkpoint's. */
  consistency?: { fromCheckpoint: string; proof: ProofInput } | null;
}

/** The header line object (encode it with {@link encodeBundleLine}). */
export function bundleHeader(input: BundleHeaderInput): BundleHeader {
  const consistency = input.consistency ?? null;
  return {
    format: BUNDLE_FORMAT,
    origin: input.origin,
    organization_id: input.organizationId,
    checkpoint: input.checkpoint,
    complete: input.complete,
    filter: input.filter ?? null,
    consistency:
      consistency === null
        ? null
        : { from_checkpoint: consistency.fromCheckpoint, proof: encodeProof(consistency.proof) },
  };
}

/** What {@link bundleEventLine} needs: a sealed leaf with its disclosures, or a pruned leaf's hash. */
export type BundleEventInput =
  | { sequence: number; leaf: string; disclosures?: Disclosures; proof: ProofInput }
  | { sequence: number; leaf: null; leafHash: Uint8Array | string; proof: ProofInput };

/** An event line object (encode it with {@link encodeBundleLine}). */
export function bundleEventLine(input: BundleEventInput): BundleEventLine {
  if (input.leaf === null) {
    const leafHash = typeof input.leafHash === 'string' ? input.leafHash : base64Encode(input.leafHash);
    return { sequence: input.sequence, leaf: null, leaf_hash: leafHash, proof: encodeProof(input.proof) };
  }
  return {
    sequence: input.sequence,
    leaf: input.leaf,
    disclosures: input.disclosures ?? {},
    proof: encodeProof(input.proof),
  };
}

/** The trailer line object for a bundle of `count` event lines. */
export function bundleTrailer(count: number): BundleTrailer {
  return { end: true, count };
}
