import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { seedEvent } from '../event/fixtures.js';
import type { StoredEventFields } from '../event/types.js';
import { parseEvent } from '../event/validate.js';
import { base64Encode } from '../json/base64.js';
import { canonicalize } from '../json/canonical.js';
import { commitment, isCommitment, SALT_BYTES } from './commitment.js';
import { DEFAULT_PERSONAL_FIELDS, validatePersonalFields } from './personal.js';
import { SEALED_EVENT_FORMAT, sealEvent, storedEventFields, unsealEvent, verifyDisclosures } from './seal.js';

const IDS = { id: 'evt_01JTC0Z8M8Q4Z8Y3K4G7N1V2XA', received_at: '2026-05-01T14:32:00.123Z' };

function stored(mutate?: (event: StoredEventFields) => void): StoredEventFields {
  const { event } = parseEvent(seedEvent(), { now: Date.parse('2026-05-01T15:00:00Z') });
  const result = storedEventFields(event, IDS);
  mutate?.(result);
  return result;
}

/** Deterministic salts 0x00.., 0x10.., … in call order. */
function counterSalts(): () => Uint8Array {
  let n = 0;
  return () => {
    const start = 16 * n++;
    return Uint8Array.from({ length: 16 }, (_, i) => (start + i) & 0xff);
  };
}

describe('storedEventFields', () => {
  it('adds id and received_at, defaulting timestamp to received_at', () => {
    const { event } = parseEvent({ actor: { id: 'u' }, action: 'a.b', organization_id: 'o' });
    expect(storedEventFields(event, IDS)).toEqual({
      actor: { id: 'u' },
      action: 'a.b',
      organization_id: 'o',
      outcome: 'success',
      id: IDS.id,
      received_at: IDS.received_at,
      timestamp: IDS.received_at,
    });
  });
});

describe('commitment', () => {
  it('is SHA-256(salt ‖ UTF-8(JCS(value))) in base64', () => {
    const salt = Uint8Array.from({ length: 16 }, (_, i) => i);
    expect(commitment('Alice Johnson', salt)).toEqual({ sha256: 'dAvghW6whYHuzTX0KuDUncJWTxbsn2gn7m5Ambn9plQ=' });
  });

  it('depends on the canonical form, not on key order', () => {
    const salt = new Uint8Array(16);
    expect(commitment({ b: 1, a: [true, null] }, salt)).toEqual(commitment({ a: [true, null], b: 1 }, salt));
    expect(commitment('1', salt)).not.toEqual(commitment(1, salt));
  });

  it('rejects salts that are not 16 bytes and non-JSON values', () => {
    expect(() => commitment('x', new Uint8Array(15))).toThrow(RangeError);
    expect(() => commitment(Number.NaN, new Uint8Array(16))).toThrow(/not a JSON number/);
  });

  it('recognizes the commitment shape', () => {
    expect(isCommitment(commitment('x', new Uint8Array(16)))).toBe(true);
    expect(isCommitment({ sha256: 'abc' })).toBe(false);
    expect(isCommitment({ sha256: base64Encode(new Uint8Array(32)), extra: 1 })).toBe(false);
    expect(isCommitment({ sha256: 'A'.repeat(44) })).toBe(false); // 33 bytes
    expect(isCommitment([base64Encode(new Uint8Array(32))])).toBe(false);
    expect(isCommitment(null)).toBe(false);
  });
});

describe('validatePersonalFields', () => {
  it('accepts the defaults and nested object paths', () => {
    expect(validatePersonalFields(DEFAULT_PERSONAL_FIELDS)).toEqual([]);
    expect(validatePersonalFields(['resource.name', 'metadata.geo.city', 'changes.email.before', 'actor.id'])).toEqual(
      [],
    );
  });

  it.each([
    [['metadata'], 'personal_fields[0]', /at least two segments/],
    [['metadata..ip'], 'personal_fields[0]', /at least two segments/],
    [['targets.name'], 'personal_fields[0]', /must start with actor/],
    [['id.x'], 'personal_fields[0]', /must start with actor/],
    [['metadata.__proto__'], 'personal_fields[0]', /forbidden key/],
    [['metadata.ip', 'metadata.ip'], 'personal_fields[1]', /listed twice/],
    [['metadata.geo', 'metadata.geo.city'], 'personal_fields[1]', /overlaps "metadata.geo"/],
    [[42], 'personal_fields[0]', /must be a string/],
  ])('rejects %j', (paths, path, message) => {
    const issues = validatePersonalFields(paths);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe(path);
    expect(issues[0]?.message).toMatch(message);
  });

  it('rejects a non-array', () => {
    expect(validatePersonalFields('actor.name')).toEqual([
      { path: 'personal_fields', message: 'must be an array of dotted paths' },
    ]);
  });
});

describe('sealEvent', () => {
  it('replaces each present personal field with its commitment and returns disclosures', () => {
    const sealed = sealEvent(stored(), DEFAULT_PERSONAL_FIELDS, counterSalts());
    const leaf = JSON.parse(sealed.leaf);
    expect(leaf.format).toBe(SEALED_EVENT_FORMAT);
    expect(leaf.actor).toEqual({
      id: 'user_abc123',
      name: { sha256: 'dAvghW6whYHuzTX0KuDUncJWTxbsn2gn7m5Ambn9plQ=' },
      email: { sha256: 'B9tfEWfP4c68IoIxMZ2K2/naFVZq2CjU1GxjpN/DAis=' },
    });
    expect(Object.keys(sealed.disclosures)).toEqual([...DEFAULT_PERSONAL_FIELDS]);
    expect(sealed.disclosures['actor.email']).toEqual({ value: 'alice@acme.com', salt: 'EBESExQVFhcYGRobHB0eHw==' });
    expect(sealed.leaf).toBe(canonicalize(leaf));
    expect(new TextDecoder().decode(sealed.leafBytes)).toBe(sealed.leaf);
    expect(sealed.leaf).not.toContain('alice@acme.com');
    expect(sealed.leaf).not.toContain('203.0.113.42');
  });

  it('does not modify the stored event', () => {
    const event = stored();
    const before = structuredClone(event);
    sealEvent(event, DEFAULT_PERSONAL_FIELDS);
    expect(event).toEqual(before);
  });

  it('skips absent fields without drawing a salt, and commits to null', () => {
    const event = stored((e) => {
      delete e.actor.name;
      e.metadata = { ip: null };
    });
    let calls = 0;
    const sealed = sealEvent(event, DEFAULT_PERSONAL_FIELDS, () => {
      calls++;
      return new Uint8Array(16);
    });
    expect(calls).toBe(2);
    expect(Object.keys(sealed.disclosures)).toEqual(['actor.email', 'metadata.ip']);
    expect(sealed.disclosures['metadata.ip']?.value).toBeNull();
    expect(JSON.parse(sealed.leaf).actor.name).toBeUndefined();
  });

  it('seals exactly the specified fields, ignoring extra properties', () => {
    const event = { ...stored(), sequence: 7, leaf_hash: 'x' } as StoredEventFields;
    const leaf = JSON.parse(sealEvent(event, []).leaf);
    expect(Object.keys(leaf).sort()).toEqual(
      [
        'action',
        'actor',
        'format',
        'id',
        'metadata',
        'organization_id',
        'outcome',
        'received_at',
        'resource',
        'timestamp',
      ].sort(),
    );
    // With no personal fields the leaf is the stored event plus its format.
    expect(leaf).toEqual({ ...stored(), format: SEALED_EVENT_FORMAT });
  });

  it('supports configured nested paths and leaves non-object parents alone', () => {
    const event = stored((e) => {
      e.metadata = { geo: { city: 'Lyon', country: 'FR' }, list: [{ city: 'x' }] };
      e.changes = { email: { before: 'old@x.io', after: 'new@x.io' } };
    });
    const sealed = sealEvent(
      event,
      ['metadata.geo.city', 'changes.email.before', 'metadata.list.city', 'resource.name'],
      counterSalts(),
    );
    const leaf = JSON.parse(sealed.leaf);
    expect(isCommitment(leaf.metadata.geo.city)).toBe(true);
    expect(leaf.metadata.geo.country).toBe('FR');
    expect(isCommitment(leaf.changes.email.before)).toBe(true);
    expect(leaf.changes.email.after).toBe('new@x.io');
    expect(isCommitment(leaf.resource.name)).toBe(true);
    expect(Object.keys(sealed.disclosures)).toEqual(['metadata.geo.city', 'changes.email.before', 'resource.name']);
  });

  it('draws fresh random salts by default', () => {
    const a = sealEvent(stored(), DEFAULT_PERSONAL_FIELDS);
    const b = sealEvent(stored(), DEFAULT_PERSONAL_FIELDS);
    expect(a.leaf).not.toBe(b.leaf);
    expect(a.disclosures['actor.name']?.salt).toHaveLength(24);
  });

  it('rejects invalid personal fields and bad salts', () => {
    expect(() => sealEvent(stored(), ['metadata'])).toThrow(ValidationError);
    expect(() => sealEvent(stored(), DEFAULT_PERSONAL_FIELDS, () => new Uint8Array(SALT_BYTES - 1))).toThrow(
      RangeError,
    );
  });
});

describe('verifyDisclosures', () => {
  const sealed = sealEvent(stored(), DEFAULT_PERSONAL_FIELDS, counterSalts());

  it('accepts the disclosures of the seal', () => {
    expect(verifyDisclosures(sealed.leaf, sealed.disclosures)).toEqual([]);
    expect(verifyDisclosures(sealed.leaf, {})).toEqual([]);
  });

  it('reports each disclosure that does not open its commitment', () => {
    const d = sealed.disclosures;
    const issues = verifyDisclosures(sealed.leaf, {
      ...d,
      'actor.email': { value: 'mallory@acme.com', salt: d['actor.email']?.salt },
      'actor.name': { value: 'Alice Johnson', salt: d['metadata.ip']?.salt },
      'metadata.ip': { value: '203.0.113.42', salt: 'not base64' },
      'metadata.user_agent': { value: 'Mozilla/5.0...', salt: 'AAAA' },
      'actor.id': { value: 'user_abc123', salt: d['actor.name']?.salt },
      'resource.name': 'oops',
    });
    expect(issues).toEqual([
      { path: 'actor.name', message: 'value and salt do not match the commitment in the leaf' },
      { path: 'actor.email', message: 'value and salt do not match the commitment in the leaf' },
      { path: 'metadata.ip', message: 'salt is not valid base64' },
      { path: 'metadata.user_agent', message: 'salt must be 16 bytes' },
      { path: 'actor.id', message: 'the leaf has no commitment at this path' },
      { path: 'resource.name', message: 'the leaf has no commitment at this path' },
    ]);
  });

  it('reports a malformed leaf', () => {
    expect(verifyDisclosures('{', {})).toEqual([{ path: '', message: 'leaf is not valid JSON' }]);
    expect(verifyDisclosures('[]', {})).toEqual([{ path: '', message: 'leaf is not a JSON object' }]);
    expect(verifyDisclosures('{"format":"other/2"}', {})[0]?.path).toBe('format');
  });

  it('never throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.constant(sealed.leaf)),
        fc.dictionary(fc.string(), fc.anything()),
        (leaf, disclosures) => {
          expect(Array.isArray(verifyDisclosures(leaf, disclosures))).toBe(true);
        },
      ),
    );
  });
});

describe('unsealEvent', () => {
  it('restores the stored event exactly', () => {
    const event = stored();
    const sealed = sealEvent(event, DEFAULT_PERSONAL_FIELDS);
    expect(unsealEvent(sealed.leaf, sealed.disclosures)).toEqual({ event, erased: [] });
  });

  it('lists erased fields and keeps their commitments, while the leaf still verifies', () => {
    const sealed = sealEvent(stored(), DEFAULT_PERSONAL_FIELDS);
    const { 'actor.email': _email, 'metadata.ip': _ip, ...kept } = sealed.disclosures;
    const { event, erased } = unsealEvent(sealed.leaf, kept);
    expect(erased).toEqual(['actor.email', 'metadata.ip']);
    expect(event.actor.name).toBe('Alice Johnson');
    expect(isCommitment(event.actor.email)).toBe(true);
    expect(isCommitment(event.metadata?.ip)).toBe(true);
    expect(verifyDisclosures(sealed.leaf, kept)).toEqual([]);
  });

  it('uses the personal-field list when given', () => {
    const sealed = sealEvent(stored(), DEFAULT_PERSONAL_FIELDS);
    const { erased } = unsealEvent(sealed.leaf, {}, { personalFields: ['actor.name', 'resource.name'] });
    expect(erased).toEqual(['actor.name']);
  });

  it('refuses disclosures that do not match, and foreign formats', () => {
    const sealed = sealEvent(stored(), DEFAULT_PERSONAL_FIELDS);
    const forged = {
      ...sealed.disclosures,
      'actor.email': { value: 'mallory@x.io', salt: sealed.disclosures['actor.email']?.salt ?? '' },
    };
    expect(() => unsealEvent(sealed.leaf, forged)).toThrow(/actor.email: value and salt do not match/);
    expect(() => unsealEvent('{"format":"x"}', {})).toThrow(ValidationError);
  });

  it('round-trips random metadata and personal values (property)', () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1 }).filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k)),
          json,
        ),
        json,
        (metadata, ip) => {
          const event = stored((e) => {
            e.metadata = { ...metadata, ip } as typeof e.metadata;
          });
          const sealed = sealEvent(event, DEFAULT_PERSONAL_FIELDS);
          expect(verifyDisclosures(sealed.leaf, sealed.disclosures)).toEqual([]);
          // Compared canonically: disclosures carry the original values (-0 stays -0 until serialized).
          const { event: unsealed } = unsealEvent(sealed.leaf, sealed.disclosures, {
            personalFields: DEFAULT_PERSONAL_FIELDS,
          });
          expect(canonicalize(unsealed)).toBe(canonicalize(event));
        },
      ),
      { numRuns: 300 },
    );
  });
});
