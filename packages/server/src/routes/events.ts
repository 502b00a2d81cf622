import { FILTER_PARAMS } from '@auditledge/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireScope } from '../auth/authenticate.js';
import type { AppContext, Caller } from '../context.js';
import { AppError } from '../errors.js';
import { problemFor } from '../http/problem.js';
import { getEvent } from '../services/events/get-event.js';
import { ingestEvents, ingestFailure } from '../services/events/ingest-events.js';
import { listEvents } from '../services/events/list-events.js';
import { queryParams } from './query-params.js';

/** A single event may not exceed 64 KiB serialized; the body limit leaves room for whitespace. */
const SINGLE_EVENT_BODY_BYTES = 128 * 1024;
export const MAX_BATCH_EVENTS = 1000;
const LIST_PARAMS = [...FILTER_PARAMS, 'organization_id', 'limit', 'cursor'];

export function registerEventRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  authenticateRequest: (request: FastifyRequest) => Promise<void>,
): void {
  const caller = (request: FastifyRequest): Caller => request.caller as Caller;

  app.post(
    '/v1/events',
    { bodyLimit: SINGLE_EVENT_BODY_BYTES, preHandler: authenticateRequest },
    async (request, reply) => {
      requireScope(caller(request), 'events:write');
      const header = request.headers['idempotency-key'];
      const idempotencyKey = Array.isArray(header) ? header[0] : header;
      const [result] = await ingestEvents(
        ctx,
        caller(request),
        [{ body: request.body, ...(idempotencyKey !== undefined && { idempotencyKey }) }],
        { batch: false },
      );
      if (!result) throw new AppError('internal', 'no result for the event');
      if (!('receipt' in result)) throw ingestFailure(result);
      return reply.code(result.status).send(result.receipt);
    },
  );

  app.post('/v1/events/batch', { preHandler: authenticateRequest }, async (request) => {
    requireScope(caller(request), 'events:write');
    const events = batchEvents(request.body);
    const results = await ingestEvents(
      ctx,
      caller(request),
      events.map((body) => ({ body })),
      { batch: true },
    );
    return {
      results: results.map((result, index) =>
        'receipt' in result
          ? { index, status: result.status, ...result.receipt }
          : {
              index,
              status: result.status,
              error: problemFor(result.code, result.detail, request.id, result.issues),
            },
      ),
    };
  });

  app.get('/v1/events', { preHandler: authenticateRequest }, async (request) => {
    requireScope(caller(request), 'events:read');
    return listEvents(ctx, caller(request), { params: queryParams(request.query, LIST_PARAMS) });
  });

  app.get<{ Params: { id: string }; Querystring: { proof?: string } }>(
    '/v1/events/:id',
    { preHandler: authenticateRequest },
    async (request) => {
      requireScope(caller(request), 'events:read');
      const proof = request.query.proof;
      if (proof !== undefined && proof !== 'true' && proof !== 'false') {
        throw new AppError('invalid_request', 'proof must be true or false', [
          { path: 'proof', message: 'must be true or false' },
        ]);
      }
      return getEvent(ctx, caller(request), { eventId: request.params.id, withProof: proof === 'true' });
    },
  );
}

function batchEvents(body: unknown): unknown[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError('invalid_request', 'the body must be an object { "events": [...] }', [
      { path: '', message: 'must be an object with an "events" array' },
    ]);
  }
  const unknown = Object.keys(body).filter((key) => key !== 'events');
  if (unknown.length > 0) {
    throw new AppError(
      'invalid_request',
      `"${unknown[0]}" is not a field of a batch`,
      unknown.map((key) => ({ path: key, message: 'is not a known field; a batch has only "events"' })),
    );
  }
  const events = (body as { events?: unknown }).events;
  if (!Array.isArray(events) || events.length === 0) {
    throw new AppError('invalid_request', 'events must be a non-empty array', [
      { path: 'events', message: 'must be a non-empty array of events' },
    ]);
  }
  if (events.length > MAX_BATCH_EVENTS) {
    throw new AppError('payload_too_large', `a batch holds at most ${MAX_BATCH_EVENTS} events, got ${events.length}`, [
      { path: 'events', message: `must hold at most ${MAX_BATCH_EVENTS} events` },
    ]);
  }
  return events;
}
