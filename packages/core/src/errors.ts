/**
 * One problem with a piece of input. `path` is relative to the thing being validated (an event:
 * `actor.email`, `targets[2].id`, `metadata.ip`; `''` for the whole thing; a query parameter name
 * for query input), so a route can prefix it (`events[3].actor.id`) and return it as-is in a
 * problem+json `errors` entry.
 */
export interface ValidationIssue {
  path: string;
  message: string;
  /** `too_large` maps to HTTP 413; anything else (absent or `invalid`) to 400. */
  code?: 'too_large' | 'invalid';
}

/** Thrown by the throwing variants (`parseEvent`, …) so callers can map every issue to a 4xx. */
export class ValidationError extends Error {
  readonly issues: ValidationIssue[];

  constructor(issues: ValidationIssue[]) {
    super(summarize(issues));
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

function summarize(issues: readonly ValidationIssue[]): string {
  const first = issues[0];
  if (first === undefined) return 'invalid input';
  const where = first.path === '' ? '' : `${first.path}: `;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length > 2 ? 's' : ''})` : '';
  return `${where}${first.message}${more}`;
}
