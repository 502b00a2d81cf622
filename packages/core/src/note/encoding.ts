// Standard base64 (RFC 4648 §4, with padding; the one strict, canonical codec in json/base64.ts,
// returning null instead of throwing) and lowercase hex, without Buffer so core runs in browsers.
// Strictness matters: one encoding per byte string, so a signed value cannot be re-spelled.
import { base64Decode, base64Encode } from '../json/base64.js';

/** Standard base64 with padding (RFC 4648 §4). */
export function encodeBase64(bytes: Uint8Array): string {
  return base64Encode(bytes);
}

/** Strict standard base64 decoding (RFC 4648 §4, padding required, canonical); null when malformed. */
export function decodeBase64(text: string): Uint8Array | null {
  try {
    return base64Decode(text);
  } catch {
    return null;
  }
}

/** Lowercase hex. */
export function encodeHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (bytes[i] as number).toString(16).padStart(2, '0');
  return out;
}

/** Hex (either case) to bytes; null unless the input is an even number of hex digits. */
export function decodeHex(text: string): Uint8Array | null {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return null;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}
