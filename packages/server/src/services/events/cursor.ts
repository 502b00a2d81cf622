// Keyset cursors are opaque and signed: `<payload>.<mac>` in base64url. The payload holds the last
// row's (timestamp, sequence) and a digest of the query it belongs to, so a cursor cannot be
// edited, nor replayed against another organization or filter.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../errors.js';

export interface CursorPosition {
  timestamp: number;
  sequence: number;
}

export function encodeCursor(key: Uint8Array, queryDigest: string, position: CursorPosition): string {
  const payload = Buffer.from(JSON.stringify([position.timestamp, position.sequence, queryDigest])).toString(
    'base64url',
  );
  return `${payload}.${mac(key, payload)}`;
}

export function decodeCursor(key: Uint8Array, queryDigest: string, cursor: string): CursorPosition {
  const invalid = (detail: string) => new AppError('invalid_cursor', detail, [{ path: 'cursor', message: detail }]);
  const [payload, signature, extra] = cursor.split('.');
  if (!payload || !signature || extra !== undefined) throw invalid('the cursor is malformed');
  const expected = Buffer.from(mac(key, payload));
  const presented = Buffer.from(signature);
  if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) {
    throw invalid('the cursor was not issued by this server or has been altered');
  }
  const [timestamp, sequence, digest] = JSON.parse(Buffer.from(payload, 'base64url').toString()) as [
    number,
    number,
    string,
  ];
  if (digest !== queryDigest) throw invalid('the cursor belongs to a different query; repeat the same filters');
  return { timestamp, sequence };
}

function mac(key: Uint8Array, payload: string): string {
  return createHmac('sha256', key).update(payload).digest().subarray(0, 16).toString('base64url');
}
