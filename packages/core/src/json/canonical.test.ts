import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CanonicalizationError, canonicalBytes, canonicalize } from './canonical.js';

function fromIeeeHex(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

describe('RFC 8785 examples', () => {
  // §3.2.2: the input object, written as JSON text so the parser sees exactly the RFC's escapes.
  const sample = String.raw`{
    "numbers": [333333333.33333329, 1E30, 4.50,
                2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  }`;

  it('§3.2.3: canonicalizes the §3.2.2 sample to the RFC text', () => {
    expect(canonicalize(JSON.parse(sample))).toBe(
      String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
    );
  });

  it('§3.2.4: produces the RFC UTF-8 bytes for the sample', () => {
    expect(hex(canonicalBytes(JSON.parse(sample)))).toBe(
      [
        '7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72',
        '75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a',
        '5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31',
        '65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37',
        '5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30',
        '30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d',
      ].join(' '),
    );
  });

  it('§3.2.3: sorts property names by UTF-16 code units', () => {
    const input = JSON.parse(String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`);
    const out = canonicalize(input);
    // The RFC states the expected order of the values; read them in text order (JSON.parse would
    // move the integer-like key "1" first).
    expect(Array.from(out.matchAll(/:"([^"]*)"/g), (m) => m[1])).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
    expect(out).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  // Appendix B, Table 1: IEEE 754 bits → JSON text ('' = must be rejected).
  const appendixB: [string, string][] = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['7fffffffffffffff', ''],
    ['7ff0000000000000', ''],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];

  it.each(appendixB)('Appendix B: %s → %s', (bits, expected) => {
    const value = fromIeeeHex(bits);
    if (expected === '') {
      expect(() => canonicalize(value)).toThrow(CanonicalizationError);
      expect(() => canonicalize([value])).toThrow(CanonicalizationError);
    } else {
      expect(canonicalize(value)).toBe(expected);
      expect(canonicalize({ n: value })).toBe(`{"n":${expected}}`);
    }
  });

  it('rejects -Infinity', () => {
    expect(() => canonicalize(Number.NEGATIVE_INFINITY)).toThrow(/not a JSON number/);
  });
});

describe('canonicalize', () => {
  it('escapes strings exactly as JSON.stringify does', () => {
    const s = '\u0000\u0001\b\t\n\u000b\f\r\u001f "\\/\u007f\u2028\u2029é😀';
    expect(canonicalize(s)).toBe(JSON.stringify(s));
    expect(canonicalize(s)).toBe('"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f \\"\\\\/\u007f\u2028\u2029é😀"');
  });

  it('rejects lone surrogates in values and keys, with a path', () => {
    expect(() => canonicalize('a\ud800b')).toThrow(/lone surrogate/);
    expect(() => canonicalize('\udc00')).toThrow(/lone surrogate/);
    expect(() => canonicalize({ ok: [1, { 'bad\ud83d': 1 }] })).toThrow(/at \$\["ok"\]\[1\]/);
    try {
      canonicalize({ a: { b: ['x', '\ude00'] } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CanonicalizationError);
      expect((error as CanonicalizationError).path).toBe('$["a"]["b"][1]');
    }
  });

  it('sorts nested objects and keeps array order', () => {
    expect(canonicalize({ b: [3, { z: 1, a: 2 }, 1], a: { d: null, c: true } })).toBe(
      '{"a":{"c":true,"d":null},"b":[3,{"a":2,"z":1},1]}',
    );
  });

  it('omits undefined properties but rejects undefined elsewhere', () => {
    expect(canonicalize({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(() => canonicalize(undefined)).toThrow(CanonicalizationError);
    expect(() => canonicalize([1, undefined])).toThrow(/at \$\[1\]/);
  });

  it('treats an own "__proto__" key (as JSON.parse creates it) as data', () => {
    expect(canonicalize(JSON.parse('{"__proto__":{"x":1},"a":2}'))).toBe('{"__proto__":{"x":1},"a":2}');
  });

  it('accepts null-prototype objects and rejects non-JSON values', () => {
    const bare = Object.assign(Object.create(null) as object, { b: 1, a: 2 });
    expect(canonicalize(bare)).toBe('{"a":2,"b":1}');
    expect(() => canonicalize(new Date(0))).toThrow(/Date object/);
    expect(() => canonicalize(new Map())).toThrow(/Map object/);
    expect(() => canonicalize(1n)).toThrow(/bigint/);
    expect(() => canonicalize({ f: () => 1 })).toThrow(/function/);
    expect(() => canonicalize(Symbol('x'))).toThrow(/symbol/);
  });

  it('turns a cycle into an error instead of a stack overflow', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalize(cyclic)).toThrow(/nesting deeper/);
  });

  it('encodes to UTF-8', () => {
    expect(Array.from(canonicalBytes('é😀'))).toEqual([0x22, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80, 0x22]);
  });
});

describe('canonicalize properties', () => {
  it('is idempotent through JSON.parse', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const once = canonicalize(value);
        expect(canonicalize(JSON.parse(once))).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it('is idempotent for full-Unicode strings and keys', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 8 });
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        text,
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(text, tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(json, (value) => {
        const once = canonicalize(value);
        expect(canonicalize(JSON.parse(once))).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it('does not depend on key insertion order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.string({ unit: 'binary-ascii' }), fc.jsonValue({ maxDepth: 2 })), {
          selector: ([key]) => key,
          maxLength: 12,
        }),
        fc.infiniteStream(fc.nat()),
        (entries, randomness) => {
          const shuffled = [...entries];
          const picks = randomness.take(shuffled.length);
          let i = shuffled.length;
          for (const r of picks) {
            const j = r % i--;
            [shuffled[i], shuffled[j]] = [
              shuffled[j] as (typeof shuffled)[number],
              shuffled[i] as (typeof shuffled)[number],
            ];
          }
          expect(canonicalize(Object.fromEntries(shuffled))).toBe(canonicalize(Object.fromEntries(entries)));
        },
      ),
    );
  });

  it('agrees with JSON.stringify on numbers and well-formed strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ unit: 'grapheme' })),
        (v) => {
          expect(canonicalize(v)).toBe(JSON.stringify(v));
        },
      ),
    );
  });
});
