// Which values of an event are "personal": sealed into the ledger only as salted commitments so
// that erasing them (deleting value and salt) leaves every leaf, proof and checkpoint verifiable.
import type { ValidationIssue } from '../errors.js';
import { FORBIDDEN_KEYS } from '../event/limits.js';

/** The personal fields of a project that has not configured its own. */
export const DEFAULT_PERSONAL_FIELDS: readonly string[] = Object.freeze([
  'actor.name',
  'actor.email',
  'metadata.ip',
  'metadata.user_agent',
]);

/** Top-level objects a personal field may live in (`targets` is an array, the rest are the event's skeleton). */
const SEALABLE_ROOTS: ReadonlySet<string> = new Set(['actor', 'resource', 'metadata', 'changes']);

const MAX_PERSONAL_FIELDS = 64;

/**
 * Checks a project's personal-field list: dotted paths through objects (no array indexes), at
 * least two segments under `actor`, `resource`, `metadata` or `changes`, no duplicates and no path
 * inside another. Issues are pathed `personal_fields[i]`.
 */
export function validatePersonalFields(paths: unknown): ValidationIssue[] {
  if (!Array.isArray(paths)) return [{ path: 'personal_fields', message: 'must be an array of dotted paths' }];
  const issues: ValidationIssue[] = [];
  if (paths.length > MAX_PERSONAL_FIELDS) {
    issues.push({
      path: 'personal_fields',
      message: `has ${paths.length} entries; at most ${MAX_PERSONAL_FIELDS} are allowed`,
    });
  }
  const valid: string[] = [];
  paths.forEach((path: unknown, index) => {
    const at = `personal_fields[${index}]`;
    if (typeof path !== 'string') {
      issues.push({ path: at, message: 'must be a string like "actor.email"' });
      return;
    }
    const segments = path.split('.');
    const root = segments[0] as string;
    if (segments.length < 2 || segments.some((s) => s === '')) {
      issues.push({
        path: at,
        message: `"${path}" must be a dotted path with at least two segments, like "metadata.ip"`,
      });
    } else if (!SEALABLE_ROOTS.has(root)) {
      issues.push({ path: at, message: `"${path}" must start with actor., resource., metadata. or changes.` });
    } else if (segments.some((s) => FORBIDDEN_KEYS.has(s))) {
      issues.push({ path: at, message: `"${path}" contains a forbidden key` });
    } else if (valid.includes(path)) {
      issues.push({ path: at, message: `"${path}" is listed twice` });
    } else {
      const overlap = valid.find((other) => other.startsWith(`${path}.`) || path.startsWith(`${other}.`));
      if (overlap !== undefined)
        issues.push({ path: at, message: `"${path}" overlaps "${overlap}"; list only one of them` });
      else valid.push(path);
    }
  });
  return issues;
}
