import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTimestamp, parseDate, parseTimestamp } from './timestamp.js';

describe('parseTimestamp', () => {
  it('agrees with Date.parse on every valid ISO instant in range', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59.999Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        (date, offset) => {
          const ms = date.getTime();
          // Render the same instant in a random offset.
          const local = new Date(ms + offset * 60_000).toISOString().slice(0, 23);
          const sign = offset < 0 ? '-' : '+';
          const abs = Math.abs(offset);
          const text = `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          const parsed = parseTimestamp(text);
          if (local.startsWith('1969') || local.startsWith('+0') || Number.isNaN(Date.parse(text))) return;
          if (ms < 0 || ms > Date.UTC(9999, 11, 31, 23, 59, 59, 999)) return;
          expect(parsed).toEqual({ ok: true, epochMs: ms });
        },
      ),
    );
  });

  it('never throws and only accepts strings with an offset', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const parsed = parseTimestamp(text);
        if (parsed.ok) expect(text).toMatch(/([Zz]|[+-]\d\d:\d\d)$/);
      }),
    );
  });

  it('round-trips formatTimestamp', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), (ms) => {
        expect(parseTimestamp(formatTimestamp(ms))).toEqual({ ok: true, epochMs: ms });
      }),
    );
  });

  it('truncates fraction digits instead of rounding', () => {
    expect(parseTimestamp('2026-12-31T23:59:59.9999999Z')).toEqual({
      ok: true,
      epochMs: Date.UTC(2026, 11, 31, 23, 59, 59, 999),
    });
  });

  it('accepts a space separator (RFC 3339 §5.6 note)', () => {
    expect(parseTimestamp('2026-05-01 14:32:00+00:00')).toEqual({ ok: true, epochMs: Date.UTC(2026, 4, 1, 14, 32) });
  });

  it('accepts the last representable instant and rejects year 10000', () => {
    expect(parseTimestamp('9999-12-31T23:59:59.999Z').ok).toBe(true);
    expect(parseTimestamp('9999-12-31T23:59:59-01:00').ok).toBe(false);
    expect(parseTimestamp('10000-01-01T00:00:00Z').ok).toBe(false);
  });
});

describe('parseDate', () => {
  it('returns the start of the UTC day', () => {
    expect(parseDate('2026-05-01')).toEqual({ ok: true, epochMs: Date.UTC(2026, 4, 1) });
  });

  it.each(['2026-5-1', '2026-02-30', '2026-05-01T00:00:00Z', '1969-12-31', ''])('rejects %j', (text) => {
    expect(parseDate(text).ok).toBe(false);
  });
});

describe('formatTimestamp', () => {
  it('is UTC with milliseconds', () => {
    expect(formatTimestamp(Date.UTC(2026, 4, 1, 14, 32))).toBe('2026-05-01T14:32:00.000Z');
  });
});
