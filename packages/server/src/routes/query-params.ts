import { closestMatch } from '@auditledge/core';
import { AppError } from '../errors.js';

/**
 * Query strings arrive as string | string[]. A repeated parameter is an error, not a silent pick,
 * and so is an unknown one: a typo in a filter must not quietly widen the result.
 */
export function queryParams(query: unknown, known: readonly string[]): Record<string, string | undefined> {
  const params: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (!known.includes(key)) {
      const suggestion = closestMatch(key, known);
      const message = `is not a known parameter${suggestion ? `; did you mean "${suggestion}"?` : ''}`;
      throw new AppError('invalid_request', `${key} ${message}`, [{ path: key, message }]);
    }
    if (Array.isArray(value)) {
      throw new AppError('invalid_request', `${key} was given more than once; use a comma-separated list`, [
        { path: key, message: 'must be given once' },
      ]);
    }
    params[key] = value === undefined ? undefined : String(value);
  }
  return params;
}
