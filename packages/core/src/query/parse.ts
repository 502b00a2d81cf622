// The query language shared by the API (`q=`), the CLI and the viewer's search box, GitHub-style:
//
//   actor:alice@acme.com action:invoice.* resource:invoice/inv_789 after:2026-05-01 -outcome:success "free text"
//
// Grammar (whitespace separates terms):
//   term   = ["-"] key ":" value | phrase | word
//   value  = quoted | bare         quoted = '"' { char | '\"' | '\\' } '"'
//   bare values may be comma lists (OR): action:invoice.created,invoice.deleted
// Keys (case-insensitive): actor (email when it contains "@", else id), actor_id, actor_email,
// action (exact or prefix.*), resource (type/id, type, type/*, */id), resource_type, resource_id,
// outcome, after / since (inclusive), before / until (exclusive): a date means the start of that
// UTC day, or an RFC 3339 instant with offset. "-" negates a key term (not allowed on time bounds).
// Repeating a key ORs its values (an event has one action, so AND would match nothing); different
// keys AND. Words and "quoted phrases" are free text: each must occur (case-insensitively).
import type { ValidationIssue } from '../errors.js';
import { closestMatch } from '../event/suggest.js';
import { type EventFilter, emptyFilter } from './filter.js';
import {
  actionTerm,
  emailTerm,
  idTerm,
  instantTerm,
  outcomeTerm,
  resourceTerm,
  type TermResult,
  typeTerm,
} from './terms.js';

export const QUERY_LIMITS = {
  /** Characters in one query string. */
  maxLength: 2048,
  /** Terms (key terms and free-text terms together). */
  maxTerms: 64,
  /** Characters in one value or free-text term. */
  maxValueLength: 512,
} as const;

export type ParseQueryResult = { ok: true; filter: EventFilter } | { ok: false; issues: ValidationIssue[] };

const KEYS = [
  'actor',
  'actor_id',
  'actor_email',
  'action',
  'resource',
  'resource_type',
  'resource_id',
  'outcome',
  'subject',
  'after',
  'since',
  'before',
  'until',
] as const;
type Key = (typeof KEYS)[number];
const KEY_SET: ReadonlySet<string> = new Set(KEYS);
const KEY_ALIASES: Readonly<Record<string, Key>> = {
  user: 'actor',
  email: 'actor_email',
  type: 'resource_type',
  target: 'resource',
  status: 'outcome',
  from: 'after',
  to: 'before',
};

interface Term {
  /** 0-based offset of the term's first character. */
  start: number;
  raw: string;
  negated: boolean;
  key?: string;
  values: string[];
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isKeyChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

class QueryIssues {
  readonly list: ValidationIssue[] = [];
  constructor(private readonly q: string) {}

  at(start: number, end: number, problem: string): void {
    const token = this.q.slice(start, Math.min(end, start + 60)) + (end - start > 60 ? '…' : '');
    this.list.push({ path: 'q', message: `${problem} (in ${JSON.stringify(token)} at position ${start + 1})` });
  }
}

/** Reads a quoted string starting at the opening quote; returns its text and the index after the closing quote. */
function readQuoted(q: string, open: number): { text: string; end: number } | undefined {
  let text = '';
  for (let i = open + 1; i < q.length; i++) {
    const ch = q[i] as string;
    if (ch === '\\' && i + 1 < q.length) {
      text += q[++i];
    } else if (ch === '"') {
      return { text, end: i + 1 };
    } else {
      text += ch;
    }
  }
  return undefined;
}

function tokenize(q: string, issues: QueryIssues): Term[] {
  const terms: Term[] = [];
  let i = 0;
  while (i < q.length) {
    while (i < q.length && isSpace(q.charCodeAt(i))) i++;
    if (i >= q.length) break;
    const start = i;
    const negated = q[i] === '-';
    let k = negated ? i + 1 : i;
    const keyStart = k;
    while (k < q.length && isKeyChar(q.charCodeAt(k))) k++;
    const isKeyTerm = k > keyStart && q[k] === ':';
    const valueStart = isKeyTerm ? k + 1 : start;
    let end: number;
    let values: string[];
    if (q[valueStart] === '"') {
      const quoted = readQuoted(q, valueStart);
      if (quoted === undefined) {
        issues.at(start, q.length, 'unterminated quote');
        break;
      }
      end = quoted.end;
      if (end < q.length && !isSpace(q.charCodeAt(end))) {
        issues.at(start, end + 1, 'expected a space after the closing quote');
        while (end < q.length && !isSpace(q.charCodeAt(end))) end++;
        i = end;
        continue;
      }
      values = [quoted.text];
    } else {
      end = valueStart;
      while (end < q.length && !isSpace(q.charCodeAt(end))) end++;
      const bare = q.slice(valueStart, end);
      // Comma lists are a key-term feature; free text keeps its commas.
      values = isKeyTerm ? bare.split(',') : [bare];
    }
    const term: Term = { start, raw: q.slice(start, end), negated: isKeyTerm && negated, values };
    if (isKeyTerm) term.key = q.slice(keyStart, k);
    terms.push(term);
    i = end;
  }
  return terms;
}

function apply<T>(issues: QueryIssues, term: Term, result: TermResult<T>, add: (value: T) => void): void {
  if (result.ok) add(result.value);
  else issues.at(term.start, term.start + term.raw.length, result.message);
}

/** Parses a query string into an EventFilter, or every problem found, each pointing at its term. */
export function parseQuery(q: string): ParseQueryResult {
  const issues = new QueryIssues(q);
  if (q.length > QUERY_LIMITS.maxLength) {
    return { ok: false, issues: [{ path: 'q', message: `is longer than ${QUERY_LIMITS.maxLength} characters` }] };
  }
  const filter = emptyFilter();
  const terms = tokenize(q, issues);
  if (terms.length > QUERY_LIMITS.maxTerms) {
    issues.list.push({ path: 'q', message: `has ${terms.length} terms; at most ${QUERY_LIMITS.maxTerms} are allowed` });
    return { ok: false, issues: issues.list };
  }
  for (const term of terms) {
    const end = term.start + term.raw.length;
    if (term.key === undefined) {
      const text = term.values[0] as string;
      if (text === '') continue; // ""
      if (text.startsWith('-') && !term.raw.startsWith('"')) {
        issues.at(
          term.start,
          end,
          `negation needs a key, e.g. -action:${text.slice(1) || 'user.deleted'}; to search for the text, quote it`,
        );
        continue;
      }
      if (text.length > QUERY_LIMITS.maxValueLength) {
        issues.at(term.start, end, `text is longer than ${QUERY_LIMITS.maxValueLength} characters`);
        continue;
      }
      filter.text.push(text);
      continue;
    }
    const key = term.key.toLowerCase();
    if (!KEY_SET.has(key)) {
      const guess = Object.hasOwn(KEY_ALIASES, key) ? KEY_ALIASES[key] : closestMatch(key, KEYS);
      const hint = guess === undefined ? `; known filters: ${KEYS.join(', ')}` : `; did you mean "${guess}:"?`;
      issues.at(
        term.start,
        end,
        `unknown filter "${term.key}:"${hint} (to search for text containing ":", put it in quotes)`,
      );
      continue;
    }
    const clauseSide = term.negated ? 'exclude' : 'include';
    for (const value of term.values) {
      if (value === '') {
        issues.at(term.start, end, `empty value for "${key}:"`);
        continue;
      }
      if (value.length > QUERY_LIMITS.maxValueLength) {
        issues.at(term.start, end, `value is longer than ${QUERY_LIMITS.maxValueLength} characters`);
        continue;
      }
      switch (key as Key) {
        case 'actor':
          if (value.includes('@')) apply(issues, term, emailTerm(value), (v) => filter.actorEmails[clauseSide].push(v));
          else apply(issues, term, idTerm(value), (v) => filter.actorIds[clauseSide].push(v));
          break;
        case 'actor_id':
          apply(issues, term, idTerm(value), (v) => filter.actorIds[clauseSide].push(v));
          break;
        case 'actor_email':
          apply(issues, term, emailTerm(value), (v) => filter.actorEmails[clauseSide].push(v));
          break;
        case 'action':
          apply(issues, term, actionTerm(value), (v) => filter.actions[clauseSide].push(v));
          break;
        case 'resource':
          apply(issues, term, resourceTerm(value), (v) => filter.resources[clauseSide].push(v));
          break;
        case 'resource_type':
          apply(issues, term, typeTerm(value), (v) => filter.resources[clauseSide].push({ type: v }));
          break;
        case 'resource_id':
          apply(issues, term, idTerm(value), (v) => filter.resources[clauseSide].push({ id: v }));
          break;
        case 'outcome':
          apply(issues, term, outcomeTerm(value), (v) => filter.outcomes[clauseSide].push(v));
          break;
        case 'subject':
          apply(issues, term, idTerm(value), (v) => filter.subjects[clauseSide].push(v));
          break;
        case 'after':
        case 'since':
        case 'before':
        case 'until': {
          if (term.negated) {
            issues.at(
              term.start,
              end,
              `"${key}:" cannot be negated; use ${key === 'after' || key === 'since' ? 'before:' : 'after:'} instead`,
            );
            break;
          }
          const lower = key === 'after' || key === 'since';
          apply(issues, term, instantTerm(value), (ms) => {
            // Repeated bounds narrow: the latest lower bound and the earliest upper bound win.
            if (lower) filter.since = filter.since === undefined ? ms : Math.max(filter.since, ms);
            else filter.until = filter.until === undefined ? ms : Math.min(filter.until, ms);
          });
          break;
        }
      }
    }
  }
  return issues.list.length > 0 ? { ok: false, issues: issues.list } : { ok: true, filter };
}
