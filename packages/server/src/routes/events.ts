import { FILTER_PARAMS } from '@auditledge/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireScope } from '../auth/authenticate.js';
import type { AppContext, Caller } from '../context.js';
import { AppError } from '../errors.js';
import { problemFor } from '../http/problem.js';
import {
  bearer,
  documentOnly,
  FILTER_PARAM_DOCS,
  json,
  pathParams,
  problems,
  queryString,
  ref,
} from '../http/schemas.js';
import { getEvent } from '../services/events/get-event.js';
import { ingestEvents, ingestFailure } from '../services/events/ingest-events.js';
import { listEvents } from '../services/events/list-events.js';
import { queryParams } from './query-params.js';

/** A single event may not exceed 64 KiB serialized; the body limit leaves room for whitespace. */
const SINGLE_EVENT_BODY_BYTES = 128 * 1024;
export const MAX_BATCH_EVENTS = 1000;
const LIST_PARAMS = [...FILTER_PARAMS, 'organization_id', 'limit', 'cursor'];

const LIST_QUERY = queryString({
  ...FILTER_PARAM_DOCS,
  limit: 'Page size, 1 to 1000 (default 50)',
  cursor: 'The next_cursor of the previous page',
});

export function registerEventRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  authenticateRequest: (request: FastifyRequest) => Promise<void>,
): void {
  const caller = (request: FastifyRequest): Caller => request.caller as Caller;

  app.post(
    '/v1/events',
    {
      bodyLimit: SINGLE_EVENT_BODY_BYTES,
      preHandler: authenticateRequest,
      config: documentOnly({
        body: ref('EventInput'),
        headers: {
          type: 'object',
          properties: {
            'idempotency-key': {
              type: 'string',
              description:
                'Makes a retry safe: the same key with the same event answers 200 with the original receipt; with a different event, 409',
            },
          },
        },
      }),
      schema: {
        tags: ['events'],
        operationId: 'createEvent',
        summary: 'Record one event',
        description:
          "Validates, seals and appends the event to its organization's log, and answers once it is durable. When the project enforces its action catalog, an uncatalogued action or metadata failing the action's schema is a 400 (`enforce`) or a warning on the receipt (`warn`).",
        security: bearer('events:write'),
        response: {
          201: json('The event is durable', ref('EventReceipt')),
          200: json('A replay: the receipt of the event first recorded with this Idempotency-Key', ref('EventReceipt')),
          ...problems(400, 401, 403, 409, 413, 415),
        },
      },
    },
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

  app.post(
    '/v1/events/batch',
    {
      preHandler: authenticateRequest,
      config: documentOnly({ body: ref('EventBatch') }),
      schema: {
        tags: ['events'],
        operationId: 'createEvents',
        summary: 'Record up to 1000 events',
        description:
          'Each event is validated on its own: an invalid one gets a problem in its result and does not block the others. Every receipt in the answer is durable. Per-event `idempotency_key`.',
        security: bearer('events:write'),
        response: {
          200: json('One result per event, in request order', ref('EventBatchResult')),
          ...problems(400, 401, 403, 413, 415),
        },
      },
    },
    async (request) => {
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
    },
  );

  app.get(
    '/v1/events',
    {
      preHandler: authenticateRequest,
      config: documentOnly({ querystring: LIST_QUERY }),
      schema: {
        tags: ['events'],
        operationId: 'listEvents',
        summary: "Search an organization's events",
        description: 'Newest first, filtered, keyset-paged. Unknown or repeated parameters are a 400.',
        security: bearer('events:read'),
        response: { 200: json('One page of events', ref('EventPage')), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      requireScope(caller(request), 'events:read');
      return listEvents(ctx, caller(request), { params: queryParams(request.query, LIST_PARAMS) });
    },
  );

  app.get<{ Params: { id: string }; Querystring: { proof?: string } }>(
    '/v1/events/:id',
    {
      preHandler: authenticateRequest,
      config: documentOnly({
        querystring: queryString({ proof: '`true` adds the inclusion proof and the checkpoint it verifies against' }),
      }),
      schema: {
        tags: ['events'],
        operationId: 'getEvent',
        summary: 'Read one event, optionally with its proof',
        security: bearer('events:read'),
        params: pathParams({ id: 'The event id (evt_…)' }),
        response: { 200: json('The event', ref('EventWithProof')), ...problems(400, 401, 403, 404, 410) },
      },
    },
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
