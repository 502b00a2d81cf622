import type { StoredEventFields } from '../event/types.js';
import { base64Encode } from '../json/index.js';
import { leafHash } from '../merkle/index.js';
import { unsealEvent } from '../seal/index.js';
import type { BundleEventLine } from './format.js';
import { isPlainObject, parseEventLine } from './parse.js';

/** An event line made readable: what the viewer and `auditledge verify --show` display. */
export interface BundleEventView {
  readonly sequence: number;
  /** The event's id; null for a pruned event. */
  readonly eventId: string | null;
  /** True when retention deleted the payload: only the position is proven. */
  readonly pruned: boolean;
  /** The stored event with disclosed personal values put back; erased ones stay `{ "sha256": … }`. Null when pruned. */
  readonly event: StoredEventFields | null;
  /** Personal-field paths whose value was erased (commitment without disclosure), sorted. */
  readonly erased: string[];
  /** base64 leaf hash. */
  readonly leafHash: string;
}

const encoder = new TextEncoder();

/**
 * The readable form of one event line (an object handed to `onEvent`, or the line's text). Meant
 * for lines the {@link BundleVerifier} accepted; throws (TypeError, or ValidationError when a
 * disclosure does not match its commitment) on a line it would refuse.
 */
export function verifiedEventView(line: BundleEventLine | string): BundleEventView {
  const object: unknown = typeof line === 'string' ? JSON.parse(line) : line;
  if (!isPlainObject(object)) throw new TypeError('an event line must be a JSON object');
  const parsed = parseEventLine(object);
  if (typeof parsed === 'string') throw new TypeError(`not a bundle event line: ${parsed}`);
  if (parsed.leaf === null) {
    return {
      sequence: parsed.sequence,
      eventId: null,
      pruned: true,
      event: null,
      erased: [],
      leafHash: base64Encode(parsed.prunedLeafHash as Uint8Array),
    };
  }
  const entry = parsed.entry as { disclosures: Parameters<typeof unsealEvent>[1] };
  const { event, erased } = unsealEvent(parsed.leaf, entry.disclosures);
  return {
    sequence: parsed.sequence,
    eventId: typeof event.id === 'string' ? event.id : null,
    pruned: false,
    event,
    erased,
    leafHash: base64Encode(leafHash(encoder.encode(parsed.leaf))),
  };
}
