// RFC 3339 timestamps. Audit trails need one unambiguous instant per event, so a timestamp must
// carry its offset, and everything is stored as UTC with millisecond precision.
import { EVENT_LIMITS } from './limits.js';

export type InstantResult = { ok: true; epochMs: number } | { ok: false; message: string };

const EXAMPLE = '"2026-05-01T14:32:00Z"';
const MAX_LENGTH = 64;
const MIN_MS = Date.UTC(EVENT_LIMITS.minTimestampYear, 0, 1);
const MAX_MS = Date.UTC(EVENT_LIMITS.maxTimestampYear, 11, 31, 23, 59, 59, 999);

function digits(s: string, start: number, count: number): number {
  if (start + count > s.length) return -1;
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function fail(message: string): InstantResult {
  return { ok: false, message };
}

/** Parses `YYYY-MM-DD` into its calendar parts, or explains what is wrong. */
function parseDatePart(s: string): { year: number; month: number; day: number } | string {
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  if (year < 0 || month < 0 || day < 0 || s[4] !== '-' || s[7] !== '-') {
    return `must be an RFC 3339 timestamp like ${EXAMPLE}`;
  }
  if (month < 1 || month > 12) return `has month ${String(month).padStart(2, '0')}; months are 01–12`;
  if (day < 1 || day > daysInMonth(year, month)) {
    return `is not a calendar date (${s.slice(0, 10)} does not exist)`;
  }
  return { year, month, day };
}

function inRange(epochMs: number): InstantResult {
  if (epochMs < MIN_MS || epochMs > MAX_MS) {
    return fail(`must be between ${EVENT_LIMITS.minTimestampYear} and ${EVENT_LIMITS.maxTimestampYear} (UTC)`);
  }
  return { ok: true, epochMs };
}

/**
 * Parses an RFC 3339 date-time with an explicit offset (`Z` or `±hh:mm`) into epoch milliseconds
 * (fraction digits beyond milliseconds truncated). Rejects date-only and offset-less values as
 * ambiguous, impossible dates (Feb 30, hour 24, leap second 60) and years outside 1970–9999.
 */
export function parseTimestamp(text: string): InstantResult {
  if (text.length > MAX_LENGTH) return fail(`must be an RFC 3339 timestamp like ${EXAMPLE}`);
  if (text.length === 10) {
    const date = parseDatePart(text);
    if (typeof date === 'string') return fail(date);
    return fail(`is a date without a time; send a full timestamp with an offset, e.g. "${text}T00:00:00Z"`);
  }
  const date = parseDatePart(text);
  if (typeof date === 'string') return fail(date);
  const sep = text[10];
  if (sep !== 'T' && sep !== 't' && sep !== ' ') return fail(`must be an RFC 3339 timestamp like ${EXAMPLE}`);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (hour < 0 || minute < 0 || second < 0 || text[13] !== ':' || text[16] !== ':') {
    return fail(`must be an RFC 3339 timestamp with hours, minutes and seconds, like ${EXAMPLE}`);
  }
  if (hour > 23) return fail(`has hour ${hour}; hours are 00–23 (use 00:00 of the next day for midnight)`);
  if (minute > 59) return fail(`has minute ${minute}; minutes are 00–59`);
  if (second > 59) return fail(`has second ${second}; seconds are 00–59 (leap seconds are not supported)`);
  let i = 19;
  let millis = 0;
  if (text[i] === '.') {
    i++;
    const start = i;
    while (i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
    if (i === start) return fail(`has a "." without fraction digits; expected e.g. "14:32:00.123Z"`);
    // Truncate (not round) beyond milliseconds so a value never moves into the next millisecond.
    const fraction = text.slice(start, Math.min(i, start + 3)).padEnd(3, '0');
    millis = Number(fraction);
  }
  let offsetMinutes: number;
  const zone = text[i];
  if (zone === undefined) {
    return fail(`has no UTC offset, so the instant is ambiguous; append "Z" for UTC or an offset like "+02:00"`);
  }
  if (zone === 'Z' || zone === 'z') {
    offsetMinutes = 0;
    i++;
  } else if (zone === '+' || zone === '-') {
    const oh = digits(text, i + 1, 2);
    const om = digits(text, i + 4, 2);
    if (oh < 0 || om < 0 || text[i + 3] !== ':') return fail(`has a malformed UTC offset; expected "Z" or ±hh:mm`);
    if (oh > 23 || om > 59) return fail(`has an impossible UTC offset ${text.slice(i, i + 6)}`);
    offsetMinutes = (zone === '-' ? -1 : 1) * (oh * 60 + om);
    i += 6;
  } else {
    return fail(`must be an RFC 3339 timestamp like ${EXAMPLE}`);
  }
  if (i !== text.length) return fail(`has unexpected text after the UTC offset`);
  // Date.UTC maps years 0–99 to 1900–1999, so range-check those before calling it.
  if (date.year < 100) return inRange(Number.NEGATIVE_INFINITY);
  const local = Date.UTC(date.year, date.month - 1, date.day, hour, minute, second, millis);
  return inRange(local - offsetMinutes * 60_000);
}

/** Parses a full date `YYYY-MM-DD` to the epoch milliseconds of that day's start in UTC. */
export function parseDate(text: string): InstantResult {
  if (text.length !== 10) return fail('must be a date like "2026-05-01"');
  const date = parseDatePart(text);
  if (typeof date === 'string') return fail(date);
  if (date.year < 100) return inRange(Number.NEGATIVE_INFINITY);
  return inRange(Date.UTC(date.year, date.month - 1, date.day));
}

/** The canonical stored form of an instant: UTC `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export function formatTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
