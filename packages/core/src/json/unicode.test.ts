import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasControlCharacter, isWellFormed, isWellFormedFallback, utf8Length } from './unicode.js';

describe('isWellFormed', () => {
  it.each([
    ['', true],
    ['plain', true],
    ['😀', true],
    ['\ud83d', false],
    ['\ude00x', false],
    ['x\ude00\ud83d', false],
  ])('%j → %s (native and fallback)', (s, expected) => {
    expect(isWellFormed(s)).toBe(expected);
    expect(isWellFormedFallback(s)).toBe(expected);
  });

  it('fallback agrees with the native check', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.array(fc.integer({ min: 0xd800, max: 0xdfff })), (s, units) => {
        const mixed = s + String.fromCharCode(...units) + s;
        expect(isWellFormedFallback(mixed)).toBe(isWellFormed(mixed));
      }),
    );
  });
});

describe('hasControlCharacter', () => {
  it('flags C0, DEL and C1 but not other text', () => {
    expect(hasControlCharacter('org_acme')).toBe(false);
    expect(hasControlCharacter('Åcme 😀')).toBe(false);
    for (const c of ['\u0000', '\n', '\u001f', '\u007f', '\u0085', '\u009f']) {
      expect(hasControlCharacter(`a${c}b`)).toBe(true);
    }
  });
});

describe('utf8Length', () => {
  it('matches TextEncoder for any string', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.array(fc.integer({ min: 0xd800, max: 0xdfff }), { maxLength: 3 }),
        (s, units) => {
          const mixed = String.fromCharCode(...units) + s;
          expect(utf8Length(mixed)).toBe(encoder.encode(mixed).length);
        },
      ),
    );
  });
});
