// Value checks shared by the `q=` language and the API query parameters, so `action=inv*` and
// `q=action:inv*` fail with the same explanation.
import { actionProblem, isValidAction, suggestAction } from '../event/action.js';
import { EVENT_LIMITS } from '../event/limits.js';
import { closestMatch } from '../event/suggest.js';
import { parseDate, parseTimestamp } from '../event/timestamp.js';
import type { EventOutcome } from '../event/types.js';
import type { ResourceRef } from './filter.js';

export type TermResult<T> = { ok: true; value: T } | { ok: false; message: string };

const good = <T>(value: T): TermResult<T> => ({ ok: true, value });
const bad = <T>(message: string): TermResult<T> => ({ ok: false, message });

/** An exact action or a `prefix.*` pattern whose prefix is one or more valid segments. */
export function actionTerm(value: string): TermResult<string> {
  if (isValidAction(value)) return good(value);
  const usage = 'use an exact action like "invoice.deleted" or a prefix like "invoice.*"';
  if (value.endsWith('.*')) {
    const prefix = value.slice(0, -2);
    // `invoice.*` has a one-segment prefix, which is not itself a valid action: check it as `prefix.x`.
    if (prefix.length > 0 && isValidAction(`${prefix}.x`)) return good(value);
    return bad(`"${value}" is not a valid prefix pattern; ${usage}`);
  }
  if (value.includes('*')) return bad(`"${value}" is not a valid pattern; only a trailing ".*" is supported: ${usage}`);
  if (isValidAction(`${value}.x`)) return bad(`"${value}" is not a complete action; did you mean "${value}.*"?`);
  const suggestion = suggestAction(value);
  if (suggestion !== undefined) return bad(`"${value}" is not a valid action; did you mean "${suggestion}"?`);
  return bad(`"${value}" is not a valid action: ${actionProblem(value) ?? usage}`);
}

/** `type/id`, `type/*` or `type` (any object of that type), `*\/id` (any type with that id). */
export function resourceTerm(value: string): TermResult<ResourceRef> {
  const usage = 'expected "type/id", "type", "type/*" or "*/id", e.g. "invoice/inv_789"';
  const slash = value.indexOf('/');
  const type = slash < 0 ? value : value.slice(0, slash);
  const id = slash < 0 ? '*' : value.slice(slash + 1);
  if (type === '' || id === '' || (type === '*' && id === '*')) return bad(`"${value}": ${usage}`);
  const ref: ResourceRef = {};
  if (type !== '*') {
    const problem = lengthProblem(type, EVENT_LIMITS.maxTypeLength, 'type');
    if (problem !== undefined) return bad(problem);
    ref.type = type;
  }
  // Ids may contain "/": everything after the first slash is the id.
  if (id !== '*') {
    const problem = lengthProblem(id, EVENT_LIMITS.maxIdLength, 'id');
    if (problem !== undefined) return bad(problem);
    ref.id = id;
  }
  return good(ref);
}

/** `success` or `failure`, with a suggestion for near misses. */
export function outcomeTerm(value: string): TermResult<EventOutcome> {
  if (value === 'success' || value === 'failure') return good(value);
  const lower = value.toLowerCase();
  const guess = lower.startsWith('fail')
    ? 'failure'
    : lower.startsWith('succ')
      ? 'success'
      : closestMatch(lower, ['success', 'failure']);
  return bad(
    `"${value}" is not an outcome; expected "success" or "failure"${guess === undefined ? '' : `; did you mean "${guess}"?`}`,
  );
}

/** A date (start of that UTC day) or an RFC 3339 instant with an offset, as epoch ms. */
export function instantTerm(value: string): TermResult<number> {
  const parsed = value.length === 10 ? parseDate(value) : parseTimestamp(value);
  if (parsed.ok) return good(parsed.epochMs);
  return bad(`"${value}" ${parsed.message}; expected a date like 2026-05-01 or a timestamp like 2026-05-01T14:32:00Z`);
}

export function lengthProblem(value: string, max: number, what: string): string | undefined {
  if (value.length === 0) return `empty ${what}`;
  if (value.length > max) return `${what} is longer than ${max} characters`;
  return undefined;
}

/** An actor email: must contain "@". */
export function emailTerm(value: string): TermResult<string> {
  const problem = lengthProblem(value, EVENT_LIMITS.maxEmailLength, 'email');
  if (problem !== undefined) return bad(problem);
  if (!value.includes('@')) return bad(`"${value}" is not an email address (no "@"); use actor_id for ids`);
  return good(value);
}

/** An actor id. */
export function idTerm(value: string): TermResult<string> {
  const problem = lengthProblem(value, EVENT_LIMITS.maxIdLength, 'id');
  return problem === undefined ? good(value) : bad(problem);
}

/** A resource or target type. */
export function typeTerm(value: string): TermResult<string> {
  const problem = lengthProblem(value, EVENT_LIMITS.maxTypeLength, 'type');
  return problem === undefined ? good(value) : bad(problem);
}
