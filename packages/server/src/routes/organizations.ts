import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireOrganization, requireScope } from '../auth/authenticate.js';
import type { AppContext, Caller } from '../context.js';
import { bearer, documentOnly, json, pathParams, problems } from '../http/schemas.js';
import { erasePersonalData, parseErasureBody } from '../services/organizations/erase-personal-data.js';

export function registerOrganizationRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  authenticateRequest: (request: FastifyRequest) => Promise<void>,
): void {
  app.post<{ Params: { organization_id: string } }>(
    '/v1/organizations/:organization_id/erasures',
    {
      preHandler: authenticateRequest,
      config: documentOnly({
        body: {
          type: 'object',
          minProperties: 1,
          additionalProperties: false,
          description: 'Whose personal data to erase: events matching any given criterion',
          properties: {
            actor_id: { type: 'string', minLength: 1, maxLength: 320 },
            email: { type: 'string', minLength: 1, maxLength: 320, description: 'The actor email' },
            resource_id: {
              type: 'string',
              minLength: 1,
              maxLength: 320,
              description: 'The primary resource or any target',
            },
          },
        },
      }),
      schema: {
        tags: ['organizations'],
        operationId: 'erasePersonalData',
        summary: 'Erase personal data (GDPR Art. 17)',
        description:
          "Deletes the matching personal values and their salts. The salted commitments stay in the leaves, so every leaf hash, proof and checkpoint still verifies; erased fields are listed in each event's `erased`. Recorded as `events.erased` (criteria names, never values).",
        security: bearer('admin'),
        params: pathParams({ organization_id: 'The organization, URL-encoded' }),
        response: {
          200: json('What was erased', {
            type: 'object',
            required: ['erased_events', 'erased_fields'],
            additionalProperties: false,
            properties: {
              erased_events: { type: 'integer', minimum: 0 },
              erased_fields: { type: 'integer', minimum: 0 },
            },
          }),
          ...problems(400, 401, 403, 415),
        },
      },
    },
    async (request) => {
      const caller = request.caller as Caller;
      requireScope(caller, 'admin');
      requireOrganization(caller, request.params.organization_id);
      const input = parseErasureBody(request.params.organization_id, request.body);
      return erasePersonalData(ctx, caller, input);
    },
  );
}
