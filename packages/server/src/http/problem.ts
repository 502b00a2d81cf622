// Maps every error to RFC 9457 problem+json. Known errors keep their status and field paths;
// anything unexpected is logged with the request id and answered with a generic 500.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_STATUS, ERROR_TITLE, type ErrorCode, problemType } from '../errors.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  request_id: string;
  errors?: { path: string; message: string }[];
}

export function problemFor(
  code: ErrorCode,
  detail: string,
  requestId: string,
  issues: AppError['issues'] = [],
): Problem {
  return {
    type: problemType(code),
    title: ERROR_TITLE[code],
    status: ERROR_STATUS[code],
    detail,
    request_id: requestId,
    ...(issues.length > 0 && { errors: issues.map(({ path, message }) => ({ path, message })) }),
  };
}

/** Fastify's own errors that are the client's fault, by Fastify error code. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_VALIDATION: 'invalid_request',
};

export function toAppError(error: FastifyError | Error): AppError | undefined {
  if (error instanceof AppError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const issues = fastifyError.validation.map((v) => {
      const params = v.params as Record<string, unknown>;
      const field = params.missingProperty ?? params.additionalProperty;
      const base = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
      const path = field === undefined ? base : base ? `${base}.${String(field)}` : String(field);
      const message = v.keyword === 'additionalProperties' ? 'is not a known field' : (v.message ?? 'is invalid');
      return { path, message };
    });
    return new AppError('invalid_request', `${issues[0]?.path ?? ''} ${issues[0]?.message ?? ''}`.trim(), issues);
  }
  const code = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (code) {
    const detail =
      code === 'unsupported_media_type'
        ? 'send JSON with "Content-Type: application/json"'
        : code === 'payload_too_large'
          ? 'the request body is larger than this endpoint accepts'
          : fastifyError.message;
    return new AppError(code, detail);
  }
  const status = fastifyError.statusCode;
  if (status === 404) return new AppError('not_found', fastifyError.message);
  if (status === 405) return new AppError('method_not_allowed', fastifyError.message);
  if (status !== undefined && status >= 400 && status < 500)
    return new AppError('invalid_request', fastifyError.message);
  return undefined;
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, error: AppError): FastifyReply {
  return reply
    .code(error.status)
    .type('application/problem+json')
    .send({ ...error.extensions, ...problemFor(error.code, error.message, request.id, error.issues) });
}
