// Base64 (RFC 4648 §4, with padding: hashes, salts, signatures on the wire) and base64url
// (RFC 4648 §5, without padding: tokens and URLs). Hand-rolled because core runs in browsers
// (no Buffer) and btoa/atob work on binary strings. Decoding is strict and canonical: one
// encoding per byte string, so a value that re-encodes differently is rejected, not "fixed".

const STANDARD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function decodeTable(alphabet: string): Int16Array {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}

const STANDARD_DECODE = decodeTable(STANDARD);
const URL_SAFE_DECODE = decodeTable(URL_SAFE);

function encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  const whole = bytes.length - (bytes.length % 3);
  for (let i = 0; i < whole; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += alphabet[n >>> 18] + (alphabet[(n >>> 12) & 63] as string) + alphabet[(n >>> 6) & 63] + alphabet[n & 63];
  }
  const rest = bytes.length - whole;
  if (rest === 1) {
    const n = (bytes[whole] as number) << 16;
    out += alphabet[n >>> 18] + (alphabet[(n >>> 12) & 63] as string) + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = ((bytes[whole] as number) << 16) | ((bytes[whole + 1] as number) << 8);
    out += alphabet[n >>> 18] + (alphabet[(n >>> 12) & 63] as string) + alphabet[(n >>> 6) & 63] + (pad ? '=' : '');
  }
  return out;
}

function decode(text: string, table: Int16Array, padded: boolean, name: string): Uint8Array {
  let length = text.length;
  if (padded) {
    if (length % 4 !== 0) throw new TypeError(`invalid ${name}: length is not a multiple of 4`);
    if (length > 0 && text.charCodeAt(length - 1) === 61) length--;
    if (length > 0 && text.charCodeAt(length - 1) === 61) length--;
  } else if (length % 4 === 1) {
    throw new TypeError(`invalid ${name}: impossible length`);
  }
  const tail = length % 4;
  const out = new Uint8Array(((length - tail) / 4) * 3 + (tail === 0 ? 0 : tail - 1));
  let o = 0;
  let acc = 0;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? (table[c] as number) : -1;
    if (v < 0) throw new TypeError(`invalid ${name}: unexpected character at ${i}`);
    acc = (acc << 6) | v;
    if ((i & 3) === 3) {
      out[o++] = acc >>> 16;
      out[o++] = (acc >>> 8) & 255;
      out[o++] = acc & 255;
      acc = 0;
    }
  }
  // Leftover bits must be zero, otherwise two different strings would decode to the same bytes.
  if (tail === 2) {
    if ((acc & 0xf) !== 0) throw new TypeError(`invalid ${name}: non-canonical trailing bits`);
    out[o] = acc >>> 4;
  } else if (tail === 3) {
    if ((acc & 0x3) !== 0) throw new TypeError(`invalid ${name}: non-canonical trailing bits`);
    out[o++] = acc >>> 10;
    out[o] = (acc >>> 2) & 255;
  }
  return out;
}

/** Standard base64 with `=` padding (RFC 4648 §4): the encoding of hashes, salts and proofs on the wire. */
export function base64Encode(bytes: Uint8Array): string {
  return encode(bytes, STANDARD, true);
}

/** Decodes standard padded base64; throws TypeError on any non-canonical or malformed input. */
export function base64Decode(text: string): Uint8Array {
  return decode(text, STANDARD_DECODE, true, 'base64');
}

/** base64url without padding (RFC 4648 §5), for tokens and URL path segments. */
export function base64UrlEncode(bytes: Uint8Array): string {
  return encode(bytes, URL_SAFE, false);
}

/** Decodes unpadded base64url; throws TypeError on padding, foreign characters or non-canonical input. */
export function base64UrlDecode(text: string): Uint8Array {
  return decode(text, URL_SAFE_DECODE, false, 'base64url');
}
