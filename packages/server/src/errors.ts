// One closed list of error codes, one error class, one exhaustive status map: adding a code
// without a status fails to compile. Every error leaves the API as RFC 9457 problem+json.
import type { ValidationIssue } from '@auditledge/core';

export type ErrorCode =
  | 'invalid_request'
  | 'malformed_json'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'gone'
  | 'method_not_allowed'
  | 'idempotency_conflict'
  | 'invalid_cursor'
  | 'unavailable'
  | 'internal';

export const ERROR_STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  malformed_json: 400,
  invalid_cursor: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  gone: 410,
  method_not_allowed: 405,
  idempotency_conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unavailable: 503,
  internal: 500,
};

export const ERROR_TITLE: Record<ErrorCode, string> = {
  invalid_request: 'The request is invalid',
  malformed_json: 'The request body is not valid JSON',
  invalid_cursor: 'The cursor is invalid',
  unauthorized: 'Authentication required',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  gone: 'Deleted by retention',
  method_not_allowed: 'Method not allowed',
  idempotency_conflict: 'Idempotency key reused with a different request',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  unavailable: 'Service unavailable',
  internal: 'Internal server error',
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues: ValidationIssue[];
  /** RFC 9457 extension members added to the problem body (e.g. the retention rule of a 410). */
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    detail: string,
    issues: ValidationIssue[] = [],
    extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(detail);
    this.name = 'AppError';
    this.code = code;
    this.issues = issues;
    this.extensions = extensions;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** Problem type URI for a code; documented in docs/api.md. */
export function problemType(code: ErrorCode): string {
  return `urn:auditledge:problem:${code}`;
}
