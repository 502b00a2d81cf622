// Idempotency keys the SDK assigns: RFC 9562 UUIDv7, a 48-bit Unix-millisecond prefix and 74 random
// bits. Time-ordered keys land at the end of the server's idempotency index instead of at random
// places in it: with random (v4) keys, batch ingest measured about 30% slower on SQLite.
import { randomBytes } from '@auditledge/core';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A fresh UUIDv7 string, e.g. `0196a4c2-9e1b-7c3d-8f2a-1b2c3d4e5f60`. */
export function newIdempotencyKey(now = Date.now()): string {
  const b = randomBytes(16);
  b[0] = Math.floor(now / 2 ** 40);
  b[1] = Math.floor(now / 2 ** 32);
  b[2] = now >>> 24;
  b[3] = now >>> 16;
  b[4] = now >>> 8;
  b[5] = now;
  b[6] = ((b[6] as number) & 0x0f) | 0x70;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  let out = '';
  for (let i = 0; i < 16; i++) {
    out += HEX[b[i] as number];
    if (i === 3 || i === 5 || i === 7 || i === 9) out += '-';
  }
  return out;
}
