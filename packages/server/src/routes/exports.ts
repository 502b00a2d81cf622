import { Readable } from 'node:stream';
import { FILTER_PARAMS } from '@auditledge/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireScope } from '../auth/authenticate.js';
import type { AppContext, Caller } from '../context.js';
import { bearer, documentOnly, FILTER_PARAM_DOCS, problems, queryString } from '../http/schemas.js';
import { exportEvents } from '../services/exports/export-events.js';
import { requestMetadata } from '../services/meta/record-meta-event.js';
import { queryParams } from './query-params.js';

const EXPORT_PARAMS = [...FILTER_PARAMS, 'organization_id', 'format', 'consistency_from'];

export function registerExportRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  authenticateRequest: (request: FastifyRequest) => Promise<void>,
): void {
  app.get(
    '/v1/exports/events',
    {
      preHandler: authenticateRequest,
      config: documentOnly({
        querystring: queryString({
          format: '`csv`, `jsonl` or `bundle` (verifiable offline with `auditledge verify`)',
          ...FILTER_PARAM_DOCS,
          consistency_from: 'bundle only: also prove consistency from this earlier checkpoint size',
        }),
      }),
      schema: {
        tags: ['exports'],
        operationId: 'exportEvents',
        summary: "Stream an organization's events as CSV, JSONL or a verifiable bundle",
        description:
          "Streamed in constant memory. CSV cells that a spreadsheet would run as a formula are neutralised. Recorded as `export.created` in the organization's log.",
        security: bearer('events:read'),
        response: {
          200: {
            description: 'The export, as an attachment',
            content: {
              'text/csv': { schema: { type: 'string' } },
              'application/jsonl': { schema: { type: 'string', description: 'One JSON value per line' } },
            },
          },
          ...problems(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
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
    },
  );
}
