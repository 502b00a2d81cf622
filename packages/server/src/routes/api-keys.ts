import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireScope } from '../auth/authenticate.js';
import type { AppContext, Caller } from '../context.js';
import { AppError } from '../errors.js';
import { createApiKey } from '../services/api-keys/create-api-key.js';
import { listApiKeys } from '../services/api-keys/list-api-keys.js';
import { revokeApiKey } from '../services/api-keys/revoke-api-key.js';
import { metaActor } from '../services/meta/record-meta-event.js';

const CREATE_FIELDS = new Set(['name', 'scopes', 'organization_id']);

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

  app.post('/v1/api-keys', { preHandler: authenticateRequest }, async (request, reply) => {
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
  });

  app.get('/v1/api-keys', { preHandler: authenticateRequest }, async (request) => {
    const caller = admin(request);
    return { data: await listApiKeys(ctx, { projectId: caller.projectId }) };
  });

  app.delete<{ Params: { id: string } }>('/v1/api-keys/:id', { preHandler: authenticateRequest }, async (request) => {
    const caller = admin(request);
    return revokeApiKey(ctx, { projectId: caller.projectId, keyId: request.params.id, actor: metaActor(caller) });
  });
}
