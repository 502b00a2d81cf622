import { AppError } from '../errors.js';

/** Query strings arrive as string | string[]; a repeated parameter is an error, not a silent pick. */
export function queryParams(query: unknown): Record<string, string | undefined> {
  const params: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (Array.isArray(value)) {
      throw new AppError('invalid_request', `${key} was given more than once; use a comma-separated list`, [
        { path: key, message: 'must be given once' },
      ]);
    }
    params[key] = value === undefined ? undefined : String(value);
  }
  return params;
}
