import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireScope } from '../auth/authenticate.js';
import type { AppContext, Caller } from '../context.js';
import { AppError } from '../errors.js';
import { bearer, documentOnly, json, pathParams, problems, ref } from '../http/schemas.js';
import { createApiKey } from '../services/api-keys/create-api-key.js';
import { listApiKeys } from '../services/api-keys/list-api-keys.js';
import { revokeApiKey } from '../services/api-keys/revoke-api-key.js';
import { metaActor } from '../services/meta/record-meta-event.js';

const CREATE_FIELDS = new Set(['name', 'scopes', 'organization_id']);

const CREATE_BODY = {
  type: 'object',
  required: ['scopes'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', description: 'A label for people' },
    scopes: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', enum: ['events:write', 'events:read', 'admin'] },
    },
    organization_id: { type: ['string', 'null'], description: 'Pin the key to this one organization' },
  },
};

export function registerApiKeyRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  authenticateRequest: (request: FastifyRequest) => Promise<void>,
): void {
  const admin = (request: FastifyRequest): Caller => {
    const caller = request.caller as Caller;
    requireScope(caller, 'admin');
    // A key pinned to one organization cannot administer the whole project.
    if (caller.organizationId !== null)
      throw new AppError('forbidden', 'an organization-pinned key cannot manage API keys');
    return caller;
  };

  app.post(
    '/v1/api-keys',
    {
      preHandler: authenticateRequest,
      config: documentOnly({ body: CREATE_BODY }),
      schema: {
        tags: ['keys'],
        operationId: 'createApiKey',
        summary: 'Create an API key',
        description: 'The secret is in this response only. Recorded as `api_key.created` in the meta log.',
        security: bearer('admin'),
        response: { 201: json('The new key, with its secret', ref('NewApiKey')), ...problems(400, 401, 403, 415) },
      },
    },
    async (request, reply) => {
      const caller = admin(request);
      const body = request.body;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw new AppError('invalid_request', 'the body must be a JSON object', [
          { path: '', message: 'must be an object' },
        ]);
      }
      const unknown = Object.keys(body).filter((key) => !CREATE_FIELDS.has(key));
      if (unknown.length > 0) {
        throw new AppError(
          'invalid_request',
          `"${unknown[0]}" is not a field of an API key`,
          unknown.map((key) => ({ path: key, message: 'is not a known field' })),
        );
      }
      const input = body as { name?: string; scopes?: string[]; organization_id?: string | null };
      const key = await createApiKey(ctx, {
        projectId: caller.projectId,
        ...(input.name !== undefined && { name: input.name }),
        scopes: input.scopes as string[],
        organizationId: input.organization_id ?? null,
        actor: metaActor(caller),
      });
      return reply.code(201).send(key);
    },
  );

  app.get(
    '/v1/api-keys',
    {
      preHandler: authenticateRequest,
      schema: {
        tags: ['keys'],
        operationId: 'listApiKeys',
        summary: "List the project's API keys",
        security: bearer('admin'),
        response: {
          200: json('Every key, revoked ones included; never a secret', {
            type: 'object',
            required: ['data'],
            additionalProperties: false,
            properties: { data: { type: 'array', items: ref('ApiKey') } },
          }),
          ...problems(401, 403),
        },
      },
    },
    async (request) => {
      const caller = admin(request);
      return { data: await listApiKeys(ctx, { projectId: caller.projectId }) };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/api-keys/:id',
    {
      preHandler: authenticateRequest,
      schema: {
        tags: ['keys'],
        operationId: 'revokeApiKey',
        summary: 'Revoke an API key',
        description: 'Takes effect at once; revoking twice changes nothing. Recorded as `api_key.revoked`.',
        security: bearer('admin'),
        params: pathParams({ id: 'The key id (key_…)' }),
        response: { 200: json('The revoked key', ref('ApiKey')), ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const caller = admin(request);
      return revokeApiKey(ctx, { projectId: caller.projectId, keyId: request.params.id, actor: metaActor(caller) });
    },
  );
}
