import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Decode, base64Encode, base64UrlDecode, base64UrlEncode } from './base64.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('base64', () => {
  // RFC 4648 §10 test vectors.
  it.each([
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='],
    ['fooba', 'Zm9vYmE='],
    ['foobar', 'Zm9vYmFy'],
  ])('RFC 4648 vector %j', (plain, encoded) => {
    expect(base64Encode(bytes(plain))).toBe(encoded);
    expect(base64Decode(encoded)).toEqual(bytes(plain));
    expect(base64UrlEncode(bytes(plain))).toBe(encoded.replace(/=+$/, ''));
    expect(base64UrlDecode(encoded.replace(/=+$/, ''))).toEqual(bytes(plain));
  });

  it('uses + and / for standard, - and _ for url', () => {
    const b = new Uint8Array([0xfb, 0xff, 0xbf]);
    expect(base64Encode(b)).toBe('+/+/');
    expect(base64UrlEncode(b)).toBe('-_-_');
    expect(base64Decode('+/+/')).toEqual(b);
    expect(base64UrlDecode('-_-_')).toEqual(b);
  });

  it.each([
    'Zg', // missing padding
    'Zg=', // short padding
    'Zh==', // non-zero trailing bits
    'Zm9=', // non-zero trailing bits
    'Zm 9v',
    'Zm9v\n',
    '=Zg=',
    'Z===',
    'Zm-v',
    'Zm9vé===',
  ])('rejects malformed standard base64 %j', (text) => {
    expect(() => base64Decode(text)).toThrow(TypeError);
  });

  it.each(['Zg==', 'Z', 'Zh', 'Zm+v', 'Zm/v'])('rejects malformed base64url %j', (text) => {
    expect(() => base64UrlDecode(text)).toThrow(TypeError);
  });

  it('round-trips and matches Node Buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (data) => {
        const std = base64Encode(data);
        expect(std).toBe(Buffer.from(data).toString('base64'));
        expect(base64Decode(std)).toEqual(data);
        const url = base64UrlEncode(data);
        expect(url).toBe(Buffer.from(data).toString('base64url'));
        expect(base64UrlDecode(url)).toEqual(data);
      }),
    );
  });
});
