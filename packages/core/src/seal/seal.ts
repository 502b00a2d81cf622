// The sealed leaf format `auditledge.event/1`, specified in docs/verification.md: the stored event
// with a format tag, personal values replaced by salted commitments, serialized with RFC 8785.
// The leaf hash the Merkle log stores is SHA-256(0x00 ‖ leafBytes) (RFC 9162 §2.1.1).
import { randomBytes } from '#crypto';
import { ValidationError, type ValidationIssue } from '../errors.js';
import type { NormalizedEvent, StoredEventFields } from '../event/types.js';
import { base64Decode, base64Encode } from '../json/base64.js';
import { canonicalize } from '../json/canonical.js';
import { type Commitment, commitment, isCommitment, SALT_BYTES } from './commitment.js';
import { validatePersonalFields } from './personal.js';

/** The `format` value of every leaf this version writes. */
export const SEALED_EVENT_FORMAT = 'auditledge.event/1';

/** A personal value and the salt of its commitment, base64. Erasure deletes both. */
export interface Disclosure {
  value: unknown;
  salt: string;
}

/** Disclosures by personal-field path (`actor.email`). */
export type Disclosures = Record<string, Disclosure>;

export interface SealResult {
  /** The canonical JSON of the sealed event (RFC 8785). */
  leaf: string;
  /** UTF-8 of `leaf`: the RFC 9162 leaf data. */
  leafBytes: Uint8Array;
  /** One entry per personal field present in the event. Store beside the event, never in it. */
  disclosures: Disclosures;
}

const encoder = new TextEncoder();

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// Projects reuse one personal-field array for every event: split and check it once.
const parsedPaths = new WeakMap<readonly string[], string[][]>();

function splitPersonalFields(personalFields: readonly string[]): string[][] {
  const cached = parsedPaths.get(personalFields);
  if (cached !== undefined) return cached;
  const issues = validatePersonalFields(personalFields);
  if (issues.length > 0) throw new ValidationError(issues);
  const split = personalFields.map((path) => path.split('.'));
  parsedPaths.set(personalFields, split);
  return split;
}

/** The stored-event fields of a normalized event: adds `id` and `received_at`; `timestamp` defaults to `received_at`. */
export function storedEventFields(event: NormalizedEvent, ids: { id: string; received_at: string }): StoredEventFields {
  const { timestamp, ...rest } = event;
  return { ...rest, id: ids.id, received_at: ids.received_at, timestamp: timestamp ?? ids.received_at };
}

/**
 * Seals a stored event into its ledger leaf: picks exactly the sealed fields (extra properties such
 * as `sequence` are ignored), replaces each present personal field with a salted commitment, and
 * canonicalizes. `salt` is called once per present personal field, in `personalFields` order.
 * The input is not modified.
 */
export function sealEvent(
  stored: StoredEventFields,
  personalFields: readonly string[],
  salt: () => Uint8Array = () => randomBytes(SALT_BYTES),
): SealResult {
  const sealed: Record<string, unknown> = {
    format: SEALED_EVENT_FORMAT,
    id: stored.id,
    organization_id: stored.organization_id,
    received_at: stored.received_at,
    timestamp: stored.timestamp,
    actor: stored.actor,
    action: stored.action,
  };
  if (stored.resource !== undefined) sealed.resource = stored.resource;
  if (stored.targets !== undefined) sealed.targets = stored.targets;
  if (stored.metadata !== undefined) sealed.metadata = stored.metadata;
  if (stored.changes !== undefined) sealed.changes = stored.changes;
  sealed.outcome = stored.outcome;

  const disclosures: Disclosures = {};
  // Containers on a personal path are shallow-copied once, so the caller's event stays untouched.
  const copies = new Map<string, Record<string, unknown>>();
  const paths = splitPersonalFields(personalFields);
  for (let p = 0; p < paths.length; p++) {
    const segments = paths[p] as string[];
    let container: Record<string, unknown> | undefined = sealed;
    let prefix = '';
    for (let i = 0; i < segments.length - 1 && container !== undefined; i++) {
      const segment = segments[i] as string;
      prefix = prefix === '' ? segment : `${prefix}.${segment}`;
      let copy = copies.get(prefix);
      if (copy === undefined) {
        const child: unknown = Object.hasOwn(container, segment) ? container[segment] : undefined;
        if (!isPlainObject(child)) {
          container = undefined;
          break;
        }
        copy = { ...child };
        container[segment] = copy;
        copies.set(prefix, copy);
      }
      container = copy;
    }
    const last = segments[segments.length - 1] as string;
    if (container === undefined || !Object.hasOwn(container, last) || container[last] === undefined) continue;
    const value = container[last];
    const saltBytes = salt();
    container[last] = commitment(value, saltBytes);
    disclosures[personalFields[p] as string] = { value, salt: base64Encode(saltBytes) };
  }

  const leaf = canonicalize(sealed);
  return { leaf, leafBytes: encoder.encode(leaf), disclosures };
}

function parseLeaf(leaf: string): Record<string, unknown> | ValidationIssue {
  let parsed: unknown;
  try {
    parsed = JSON.parse(leaf);
  } catch {
    return { path: '', message: 'leaf is not valid JSON' };
  }
  if (!isPlainObject(parsed)) return { path: '', message: 'leaf is not a JSON object' };
  if (parsed.format !== SEALED_EVENT_FORMAT) {
    return {
      path: 'format',
      message: `unsupported leaf format ${JSON.stringify(parsed.format)}; expected "${SEALED_EVENT_FORMAT}"`,
    };
  }
  return parsed;
}

/** The value at a dotted path through plain objects, or undefined. */
function valueAt(root: Record<string, unknown>, segments: readonly string[]): unknown {
  let current: unknown = root;
  for (const segment of segments) {
    if (!isPlainObject(current) || !Object.hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

function checkDisclosure(
  sealed: Record<string, unknown>,
  path: string,
  disclosure: unknown,
): ValidationIssue | undefined {
  const target = valueAt(sealed, path.split('.'));
  if (!isCommitment(target)) return { path, message: 'the leaf has no commitment at this path' };
  if (!isPlainObject(disclosure) || typeof disclosure.salt !== 'string' || !Object.hasOwn(disclosure, 'value')) {
    return { path, message: 'a disclosure must be {"value": …, "salt": "<base64>"}' };
  }
  let saltBytes: Uint8Array;
  try {
    saltBytes = base64Decode(disclosure.salt);
  } catch {
    return { path, message: 'salt is not valid base64' };
  }
  if (saltBytes.length !== SALT_BYTES) return { path, message: `salt must be ${SALT_BYTES} bytes` };
  let expected: Commitment;
  try {
    expected = commitment(disclosure.value, saltBytes);
  } catch {
    return { path, message: 'value is not canonicalizable JSON' };
  }
  if (expected.sha256 !== target.sha256)
    return { path, message: 'value and salt do not match the commitment in the leaf' };
  return undefined;
}

/**
 * Checks every disclosure against the leaf: each value and salt must reproduce the commitment at
 * its path. Returns the problems, pathed by personal-field path (`''` when the leaf itself is bad);
 * an empty list means every disclosed value is the one that was sealed. Never throws.
 */
export function verifyDisclosures(leaf: string, disclosures: Readonly<Record<string, unknown>>): ValidationIssue[] {
  const sealed = parseLeaf(leaf);
  if (!isPlainObject(sealed) || sealed.format !== SEALED_EVENT_FORMAT) return [sealed as ValidationIssue];
  const issues: ValidationIssue[] = [];
  for (const path of Object.keys(disclosures)) {
    const issue = checkDisclosure(sealed, path, disclosures[path]);
    if (issue !== undefined) issues.push(issue);
  }
  return issues;
}

/** Every dotted path (through objects, not arrays) in `root` whose value is commitment-shaped. */
function findCommitments(root: Record<string, unknown>, prefix: string, out: string[]): void {
  for (const key of Object.keys(root)) {
    const value = root[key];
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (isCommitment(value)) out.push(path);
    else if (isPlainObject(value)) findCommitments(value, path, out);
  }
}

export interface UnsealResult {
  /** The stored event with disclosed values restored; erased values remain as their `{ "sha256" }` commitment. */
  event: StoredEventFields;
  /** Personal-field paths whose commitment has no disclosure (erased, or withheld), sorted. */
  erased: string[];
}

/**
 * Reverses sealEvent for display and export: verifies every disclosure (throws ValidationError if
 * one does not match), puts the disclosed values back, and lists commitments left without one.
 * Pass the project's `personalFields` when known; otherwise commitments are recognized by shape
 * (an object whose only key is "sha256" holding base64 of 32 bytes).
 */
export function unsealEvent(
  leaf: string,
  disclosures: Readonly<Record<string, Disclosure>>,
  options: { personalFields?: readonly string[] } = {},
): UnsealResult {
  const sealed = parseLeaf(leaf);
  if (!isPlainObject(sealed) || sealed.format !== SEALED_EVENT_FORMAT)
    throw new ValidationError([sealed as ValidationIssue]);
  const issues = verifyDisclosures(leaf, disclosures);
  if (issues.length > 0) throw new ValidationError(issues);

  const candidates: string[] = [];
  if (options.personalFields === undefined) findCommitments(sealed, '', candidates);
  else
    for (const path of options.personalFields)
      if (isCommitment(valueAt(sealed, path.split('.')))) candidates.push(path);

  for (const path of Object.keys(disclosures)) {
    const segments = path.split('.');
    const parent = valueAt(sealed, segments.slice(0, -1)) as Record<string, unknown>;
    parent[segments[segments.length - 1] as string] = (disclosures[path] as Disclosure).value;
  }
  const erased = candidates.filter((path) => !Object.hasOwn(disclosures, path)).sort();
  const { format: _format, ...event } = sealed;
  return { event: event as unknown as StoredEventFields, erased };
}
