import { Readable } from 'node:stream';
import { FILTER_PARAMS } from '@auditledge/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireScope } from '../auth/authenticate.js';
import type { AppContext, Caller } from '../context.js';
import { exportEvents } from '../services/exports/export-events.js';
import { requestMetadata } from '../services/meta/record-meta-event.js';
import { queryParams } from './query-params.js';

const EXPORT_PARAMS = [...FILTER_PARAMS, 'organization_id', 'format', 'consistency_from'];

export function registerExportRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  authenticateRequest: (request: FastifyRequest) => Promise<void>,
): void {
  app.get('/v1/exports/events', { preHandler: authenticateRequest }, async (request, reply) => {
    const caller = request.caller as Caller;
    requireScope(caller, 'events:read');
    const exported = await exportEvents(ctx, caller, {
      params: queryParams(request.query, EXPORT_PARAMS),
      requestMetadata: requestMetadata(request),
    });
    return reply
      .type(exported.contentType)
      .header('content-disposition', `attachment; filename="${exported.filename}"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(exported.chunks));
  });
}
