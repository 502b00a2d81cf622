// The API description: /openapi.json (OpenAPI 3.1, generated from the route schemas) and /docs,
// the same document as a plain HTML page (no script, so the strict CSP holds).
import type { FastifyInstance } from 'fastify';
import { DOCS_CSS, type OpenApiDocument, renderDocsPage } from '../http/docs-page.js';
import { json, problems, raw } from '../http/schemas.js';

export function registerDocsRoutes(app: FastifyInstance): void {
  let page: string | undefined;

  app.get(
    '/openapi.json',
    {
      schema: {
        tags: ['operations'],
        operationId: 'getOpenApi',
        summary: 'This API as an OpenAPI 3.1 document',
        response: {
          200: json('The OpenAPI document', { type: 'object', additionalProperties: true }),
          ...problems(),
        },
      },
    },
    async (_request, reply) => reply.header('cache-control', 'no-cache').send(app.swagger()),
  );

  app.get(
    '/docs',
    {
      schema: {
        tags: ['operations'],
        operationId: 'getDocs',
        summary: 'This API as a readable HTML page',
        response: { 200: raw('The API reference', 'text/html'), ...problems() },
      },
    },
    async (_request, reply) => {
      page ??= renderDocsPage(app.swagger() as unknown as OpenApiDocument);
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page);
    },
  );

  app.get(
    '/docs/docs.css',
    {
      schema: {
        tags: ['operations'],
        operationId: 'getDocsStylesheet',
        summary: 'The stylesheet of /docs',
        response: { 200: raw('The stylesheet', 'text/css'), ...problems() },
      },
    },
    async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(DOCS_CSS),
  );
}
