// Action names: lowercase dot-notation "resource.verb" (the seed: `user_deleted`, `userDeleted`,
// `delete_user` and `user.delete` meaning the same thing makes querying a nightmare). The rule
// is strict; the error message does the work of telling the developer what to write instead.
import { EVENT_LIMITS } from './limits.js';

const EXAMPLE = 'invoice.deleted';

function isSegmentChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f; // a-z 0-9 _
}

/** Whether `action` is lowercase dot-notation with ≥2 segments of `[a-z0-9_]` and ≤128 characters. */
export function isValidAction(action: string): boolean {
  if (action.length === 0 || action.length > EVENT_LIMITS.maxActionLength) return false;
  let segments = 1;
  let segmentLength = 0;
  for (let i = 0; i < action.length; i++) {
    const c = action.charCodeAt(i);
    if (c === 0x2e) {
      if (segmentLength === 0) return false;
      segments++;
      segmentLength = 0;
    } else if (isSegmentChar(c)) {
      segmentLength++;
    } else {
      return false;
    }
  }
  return segmentLength > 0 && segments >= EVENT_LIMITS.minActionSegments;
}

// Leading verbs (`delete_user`) move after the noun in the past tense (`user.deleted`); also the
// irregular verbs the action-family normalizer (action-family.ts) needs.
export const PAST_TENSE: ReadonlyMap<string, string> = new Map([
  ['access', 'accessed'],
  ['accept', 'accepted'],
  ['activate', 'activated'],
  ['add', 'added'],
  ['approve', 'approved'],
  ['archive', 'archived'],
  ['assign', 'assigned'],
  ['ban', 'banned'],
  ['block', 'blocked'],
  ['cancel', 'canceled'],
  ['change', 'changed'],
  ['close', 'closed'],
  ['configure', 'configured'],
  ['connect', 'connected'],
  ['copy', 'copied'],
  ['create', 'created'],
  ['deactivate', 'deactivated'],
  ['decline', 'declined'],
  ['delete', 'deleted'],
  ['deploy', 'deployed'],
  ['disable', 'disabled'],
  ['disconnect', 'disconnected'],
  ['download', 'downloaded'],
  ['downgrade', 'downgraded'],
  ['edit', 'edited'],
  ['enable', 'enabled'],
  ['export', 'exported'],
  ['generate', 'generated'],
  ['grant', 'granted'],
  ['import', 'imported'],
  ['install', 'installed'],
  ['invite', 'invited'],
  ['join', 'joined'],
  ['leave', 'left'],
  ['lock', 'locked'],
  ['login', 'logged_in'],
  ['logout', 'logged_out'],
  ['merge', 'merged'],
  ['modify', 'modified'],
  ['move', 'moved'],
  ['open', 'opened'],
  ['pay', 'paid'],
  ['publish', 'published'],
  ['read', 'read'],
  ['refund', 'refunded'],
  ['register', 'registered'],
  ['reject', 'rejected'],
  ['remove', 'removed'],
  ['rename', 'renamed'],
  ['reset', 'reset'],
  ['restore', 'restored'],
  ['revoke', 'revoked'],
  ['rotate', 'rotated'],
  ['send', 'sent'],
  ['set', 'set'],
  ['share', 'shared'],
  ['signin', 'signed_in'],
  ['signout', 'signed_out'],
  ['signup', 'signed_up'],
  ['start', 'started'],
  ['stop', 'stopped'],
  ['submit', 'submitted'],
  ['subscribe', 'subscribed'],
  ['suspend', 'suspended'],
  ['transfer', 'transferred'],
  ['unassign', 'unassigned'],
  ['unblock', 'unblocked'],
  ['uninstall', 'uninstalled'],
  ['unlock', 'unlocked'],
  ['unpublish', 'unpublished'],
  ['unsubscribe', 'unsubscribed'],
  ['update', 'updated'],
  ['upgrade', 'upgraded'],
  ['upload', 'uploaded'],
  ['verify', 'verified'],
  ['view', 'viewed'],
]);

// `log in`, `sign_up`: two-word verbs that the word splitter separates.
const PARTICLES: ReadonlySet<string> = new Set(['in', 'out', 'up']);
const PHRASAL_STEMS: ReadonlySet<string> = new Set(['log', 'sign']);

function isUpper(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}
function isLower(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Lowercase ASCII words of `text`: split at anything but letters/digits and at camelCase humps. */
function splitWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isUpper(c) && !isLower(c) && !isDigit(c)) {
      if (word !== '') words.push(word);
      word = '';
      continue;
    }
    if (isUpper(c) && word !== '') {
      const prev = text.charCodeAt(i - 1);
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      // userDeleted → user|Deleted; HTTPRequest → HTTP|Request; HTTP → HTTP
      if (isLower(prev) || isDigit(prev) || (isUpper(prev) && isLower(next))) {
        words.push(word);
        word = '';
      }
    }
    word += String.fromCharCode(isUpper(c) ? c + 32 : c);
  }
  if (word !== '') words.push(word);
  return words;
}

function joinPhrasal(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const next = words[i + 1];
    if (PHRASAL_STEMS.has(word) && next !== undefined && PARTICLES.has(next)) {
      out.push(word + next);
      i++;
    } else {
      out.push(word);
    }
  }
  return out;
}

function fromWords(words: string[]): string | undefined {
  if (words.length < 2) return undefined;
  const first = words[0] as string;
  const past = PAST_TENSE.get(first);
  if (past !== undefined) return `${words.slice(1).join('_')}.${past}`;
  // `user_logged_in` keeps its particle with the verb.
  const last = words[words.length - 1] as string;
  if (words.length >= 3 && PARTICLES.has(last)) {
    return `${words.slice(0, -2).join('_')}.${words[words.length - 2]}_${last}`;
  }
  return `${words.slice(0, -1).join('_')}.${last}`;
}

/**
 * The valid action most likely meant by `input` (`userDeleted`, `user_deleted`, `User.Deleted`,
 * `delete_user`, `user-deleted` → `user.deleted`), or undefined when there is no confident guess.
 */
export function suggestAction(input: string): string | undefined {
  if (input.length > EVENT_LIMITS.maxActionLength * 2) return undefined;
  // Non-ASCII letters cannot be mapped to [a-z0-9_] faithfully; dropping them would mislead.
  for (let i = 0; i < input.length; i++) if (input.charCodeAt(i) >= 0x80) return undefined;
  let candidate: string | undefined;
  if (input.includes('.')) {
    const segments = input
      .split('.')
      .map((segment) => splitWords(segment).join('_'))
      .filter((segment) => segment !== '');
    candidate = segments.length >= 2 ? segments.join('.') : fromWords(joinPhrasal(splitWords(input)));
  } else {
    candidate = fromWords(joinPhrasal(splitWords(input)));
  }
  return candidate !== undefined && candidate !== input && isValidAction(candidate) ? candidate : undefined;
}

/** Why `action` is not a valid action name (expected form plus a suggestion), or undefined if it is valid. */
export function actionProblem(action: string): string | undefined {
  if (isValidAction(action)) return undefined;
  const form = `lowercase dot-notation "resource.verb" (two or more [a-z0-9_] segments joined by dots, e.g. "${EXAMPLE}")`;
  if (action.length === 0) return `must not be empty; expected ${form}`;
  if (action.length > EVENT_LIMITS.maxActionLength) {
    return `must be at most ${EVENT_LIMITS.maxActionLength} characters (got ${action.length}); expected ${form}`;
  }
  const suggestion = suggestAction(action);
  if (suggestion !== undefined) return `must be ${form}; did you mean "${suggestion}"?`;
  const words = joinPhrasal(splitWords(action));
  if (words.length === 1) {
    const word = words[0] as string;
    const past = PAST_TENSE.get(word);
    const example = past === undefined ? `${word}.created` : `user.${past}`;
    return `needs at least two dot-separated segments "resource.verb", e.g. "${example}"`;
  }
  return `must be ${form}`;
}
