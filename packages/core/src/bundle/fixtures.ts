// An in-memory log that writes real bundles (real seals, Merkle tree, proofs and Ed25519-signed
// checkpoints) for tests and benchmarks. Not exported from the package index.
import { seedEvent } from '../event/fixtures.js';
import type { StoredEventFields } from '../event/types.js';
import { parseEvent } from '../event/validate.js';
import {
  appendLeaves,
  assembleConsistencyProof,
  assembleInclusionProof,
  EMPTY_ROOT,
  leafHash,
  nodeKey,
  rootFromLeafHashes,
} from '../merkle/index.js';
import { generateSignerKey, signCheckpoint, verifierKeyFor } from '../note/index.js';
import { DEFAULT_PERSONAL_FIELDS, type Disclosures, sealEvent, storedEventFields } from '../seal/index.js';
import { bundleEventLine, bundleHeader, bundleTrailer, encodeBundleLine } from './format.js';

export interface TestLogEntry {
  readonly sequence: number;
  readonly id: string;
  readonly leaf: string;
  readonly disclosures: Disclosures;
  readonly leafHash: Uint8Array;
}

export interface TestLogOptions {
  readonly organizationId?: string;
  /** Defaults to a fresh key named `audit.example.com`. */
  readonly signerKey?: string;
  /** Defaults to `audit.example.com/proj_test/<organization>` like the server's. */
  readonly origin?: string;
}

export interface TestBundleOptions {
  /** Tree size of the checkpoint (default: the whole log). */
  readonly size?: number;
  /** Which sequences to include (default: all, and the bundle is `complete`). */
  readonly include?: (sequence: number) => boolean;
  /** The header's `complete` (default: true when `include` is absent). */
  readonly complete?: boolean;
  readonly filter?: string | null;
  /** Sequences written as retention-pruned lines (`leaf: null`). */
  readonly prune?: (sequence: number) => boolean;
  /** Personal-field paths erased (disclosure removed) for a sequence. */
  readonly erase?: (sequence: number) => readonly string[];
  /** Add a consistency proof from this older size. */
  readonly from?: number;
}

const IDS_EPOCH = Date.parse('2026-05-01T14:32:00.000Z');

/** A Merkle log of sealed copies of the seed event, one organization, signing its checkpoints. */
export class TestLog {
  readonly organizationId: string;
  readonly signerKey: string;
  readonly verifierKey: string;
  readonly origin: string;
  readonly entries: TestLogEntry[] = [];
  readonly nodes = new Map<string, Uint8Array>();
  #rightEdge = new Map<string, Uint8Array>();

  constructor(options: TestLogOptions = {}) {
    this.organizationId = options.organizationId ?? 'org_acme';
    this.signerKey = options.signerKey ?? generateSignerKey('audit.example.com');
    this.verifierKey = verifierKeyFor(this.signerKey);
    this.origin = options.origin ?? `audit.example.com/proj_test/${encodeURIComponent(this.organizationId)}`;
  }

  get size(): number {
    return this.entries.length;
  }

  /** The stored event sealed at `sequence` (before sealing). */
  storedEvent(sequence: number): StoredEventFields {
    const input = seedEvent();
    input.organization_id = this.organizationId;
    if (input.resource !== undefined) input.resource.id = `inv_${sequence}`;
    if (sequence % 3 === 1) input.action = 'invoice.created';
    if (sequence % 5 === 2) delete input.metadata;
    const { event } = parseEvent(input, { now: IDS_EPOCH + 86_400_000 });
    const id = `evt_${String(sequence).padStart(26, '0')}`;
    return storedEventFields(event, { id, received_at: new Date(IDS_EPOCH + sequence).toISOString() });
  }

  /** Seals and appends `count` events. */
  append(count: number): this {
    const hashes: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const sequence = this.entries.length;
      const stored = this.storedEvent(sequence);
      const { leaf, leafBytes, disclosures } = sealEvent(stored, DEFAULT_PERSONAL_FIELDS);
      const hash = leafHash(leafBytes);
      this.entries.push({ sequence, id: stored.id, leaf, disclosures, leafHash: hash });
      hashes.push(hash);
    }
    const result = appendLeaves(this.entries.length - count, this.#rightEdge, hashes);
    for (const node of result.newNodes) this.nodes.set(nodeKey(node.level, node.index), node.hash);
    this.#rightEdge = new Map(result.rightEdge.map((node) => [nodeKey(node.level, node.index), node.hash]));
    return this;
  }

  root(size = this.size): Uint8Array {
    if (size === 0) return new Uint8Array(EMPTY_ROOT);
    return rootFromLeafHashes(this.entries.slice(0, size).map((entry) => entry.leafHash));
  }

  /** A checkpoint of the first `size` leaves signed with `signerKey` (default: the log's key) for `origin`. */
  checkpoint(size = this.size, options: { signerKey?: string; origin?: string; rootHash?: Uint8Array } = {}): string {
    return signCheckpoint(
      { origin: options.origin ?? this.origin, size, rootHash: options.rootHash ?? this.root(size) },
      options.signerKey ?? this.signerKey,
    );
  }

  inclusionProof(sequence: number, size = this.size): Uint8Array[] {
    return assembleInclusionProof(sequence, size, this.nodes);
  }

  consistencyProof(from: number, to = this.size): Uint8Array[] {
    return assembleConsistencyProof(from, to, this.nodes);
  }

  /** The bundle as lines without their `\n`: header, events, trailer. */
  bundleLines(options: TestBundleOptions = {}): string[] {
    const size = options.size ?? this.size;
    const include = options.include ?? (() => true);
    const lines: string[] = [];
    const header = bundleHeader({
      origin: this.origin,
      organizationId: this.organizationId,
      checkpoint: this.checkpoint(size),
      complete: options.complete ?? options.include === undefined,
      filter: options.filter ?? null,
      consistency:
        options.from === undefined
          ? null
          : { fromCheckpoint: this.checkpoint(options.from), proof: this.consistencyProof(options.from, size) },
    });
    lines.push(encodeBundleLine(header).slice(0, -1));
    let count = 0;
    for (let sequence = 0; sequence < size; sequence++) {
      if (!include(sequence)) continue;
      const entry = this.entries[sequence] as TestLogEntry;
      const proof = this.inclusionProof(sequence, size);
      let line: ReturnType<typeof bundleEventLine>;
      if (options.prune?.(sequence)) {
        line = bundleEventLine({ sequence, leaf: null, leafHash: entry.leafHash, proof });
      } else {
        const disclosures: Disclosures = { ...entry.disclosures };
        for (const path of options.erase?.(sequence) ?? []) delete disclosures[path];
        line = bundleEventLine({ sequence, leaf: entry.leaf, disclosures, proof });
      }
      lines.push(encodeBundleLine(line).slice(0, -1));
      count++;
    }
    lines.push(encodeBundleLine(bundleTrailer(count)).slice(0, -1));
    return lines;
  }

  /** The bundle text, every line ending in `\n`. */
  bundle(options: TestBundleOptions = {}): string {
    return `${this.bundleLines(options).join('\n')}\n`;
  }
}
