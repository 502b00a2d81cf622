// Issue paths: `actor.email`, `targets[2].id`, `metadata["user agent"]`. Dotted while a key reads
// unambiguously, bracket-quoted when it would not (dots, brackets, quotes, spaces, empty).

import { isWellFormed } from '../json/unicode.js';

const MAX_KEY_IN_PATH = 64;

function needsQuoting(key: string): boolean {
  if (key.length === 0) return true;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    // . [ ] " ' \ and anything up to and including space
    if (c <= 0x20 || c === 0x2e || c === 0x5b || c === 0x5d || c === 0x22 || c === 0x27 || c === 0x5c) return true;
  }
  // JSON.stringify escapes lone surrogates, so the path itself stays valid Unicode in error bodies.
  return !isWellFormed(key);
}

/** `parent.key` (or `key` at the root); long keys are shortened so paths stay readable. */
export function joinKey(parent: string, key: string): string {
  const shown = key.length > MAX_KEY_IN_PATH ? `${key.slice(0, MAX_KEY_IN_PATH)}…` : key;
  if (needsQuoting(shown)) return `${parent}[${JSON.stringify(shown)}]`;
  return parent === '' ? shown : `${parent}.${shown}`;
}

/** `parent[index]`. */
export function joinIndex(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/** A key as quoted in a message: JSON string syntax, shortened when long. */
export function quoteKey(key: string): string {
  return JSON.stringify(key.length > MAX_KEY_IN_PATH ? `${key.slice(0, MAX_KEY_IN_PATH)}…` : key);
}
