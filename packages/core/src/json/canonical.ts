// RFC 8785 JSON Canonicalization Scheme (JCS). Leaf bytes and commitments are hashed over this
// output, so it must be byte-identical to every other JCS implementation: ECMAScript number and
// string serialization (which is what String() and JSON.stringify do), keys sorted by UTF-16 code
// units (what Array.prototype.sort does without a comparator), no whitespace, UTF-8.
import { isWellFormed } from './unicode.js';

/** Thrown when a value cannot be canonicalized; `path` locates it (`$.metadata.ip`, `$[3]`). */
export class CanonicalizationError extends TypeError {
  path: string;
  private readonly reason: string;

  constructor(message: string, path = '$') {
    super(`${message} at ${path}`);
    this.name = 'CanonicalizationError';
    this.path = path;
    this.reason = message;
  }

  /** Re-roots the error under a parent segment as it propagates up (only runs on failure). */
  prepend(segment: string): this {
    this.path = `$${segment}${this.path.slice(1)}`;
    this.message = `${this.reason} at ${this.path}`;
    return this;
  }
}

// Deep enough for any realistic document; turns a cyclic object into an error, not a stack overflow.
const MAX_DEPTH = 1000;

const encoder = new TextEncoder();

/**
 * The RFC 8785 canonical JSON text of `value`. Accepts the JSON data model only: plain objects,
 * arrays, strings, finite numbers, booleans, null. Object properties whose value is `undefined`
 * are omitted (as JSON.stringify does); anything else that is not JSON (NaN, Infinity, lone
 * surrogates, bigint, Date, Map, class instances, cycles) throws a CanonicalizationError.
 */
export function canonicalize(value: unknown): string {
  if (value === undefined) throw new CanonicalizationError('undefined is not a JSON value');
  return serialize(value, 0);
}

/** UTF-8 bytes of `canonicalize(value)`: the input to hashes and signatures. */
export function canonicalBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalize(value));
}

function serialize(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return serializeString(value);
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalizationError(`${value} is not a JSON number`);
      // ECMAScript Number::toString is exactly what RFC 8785 §3.2.2.3 specifies; -0 becomes "0".
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (depth >= MAX_DEPTH) throw new CanonicalizationError(`nesting deeper than ${MAX_DEPTH} (cycle?)`);
      return Array.isArray(value) ? serializeArray(value, depth + 1) : serializeObject(value, depth + 1);
    default:
      throw new CanonicalizationError(`${typeof value} is not a JSON value`);
  }
}

function serializeString(s: string): string {
  // RFC 8785 §3.2.2.2 requires an error on lone surrogates; JSON.stringify would escape them.
  if (!isWellFormed(s)) throw new CanonicalizationError('string contains a lone surrogate (invalid Unicode)');
  return JSON.stringify(s);
}

function serializeArray(array: readonly unknown[], depth: number): string {
  let out = '[';
  for (let i = 0; i < array.length; i++) {
    if (i > 0) out += ',';
    const element = array[i];
    if (element === undefined) throw new CanonicalizationError('undefined is not a JSON value', `$[${i}]`);
    try {
      out += serialize(element, depth);
    } catch (error) {
      if (error instanceof CanonicalizationError) error.prepend(`[${i}]`);
      throw error;
    }
  }
  return `${out}]`;
}

function serializeObject(object: object, depth: number): string {
  const proto = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) {
    const name = (object as { constructor?: { name?: unknown } }).constructor?.name;
    throw new CanonicalizationError(`${typeof name === 'string' ? name : 'non-plain'} object is not a JSON value`);
  }
  const record = object as Record<string, unknown>;
  // Default sort compares UTF-16 code units, exactly RFC 8785 §3.2.3.
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const child = record[key];
    if (child === undefined) continue;
    try {
      const serializedKey = serializeString(key);
      if (!first) out += ',';
      out += `${serializedKey}:${serialize(child, depth)}`;
    } catch (error) {
      if (error instanceof CanonicalizationError) error.prepend(`[${JSON.stringify(key)}]`);
      throw error;
    }
    first = false;
  }
  return `${out}}`;
}
