// Identifiers: time-sortable event ids (ULID layout: 48-bit ms time + 80 random bits, Crockford
// base32) and random ids for keys and projects.
import { randomBytes } from '@auditledge/core';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

function encodeBase32(bytes: Uint8Array, length: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += CROCKFORD[(buffer << (5 - bits)) & 31];
  return out.slice(0, length);
}

/** `evt_` + 26 chars; lexical order follows creation time to the millisecond. */
export function newEventId(now: number): string {
  // 48 bits of milliseconds as 10 base32 digits, most significant first, then 80 random bits.
  let timePart = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    timePart = CROCKFORD[t % 32] + timePart;
    t = Math.floor(t / 32);
  }
  return `evt_${timePart}${encodeBase32(randomBytes(10), 16)}`;
}

/** A random lowercase id with a type prefix, e.g. `key_4f…`. */
export function newRandomId(prefix: string, bytes = 10): string {
  return `${prefix}_${encodeBase32(randomBytes(bytes), Math.ceil((bytes * 8) / 5))}`;
}
