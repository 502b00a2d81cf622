import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireScope } from '../auth/authenticate.js';
import type { AppContext, Caller } from '../context.js';
import { currentCheckpoint, loadLog } from '../services/logs/load-log.js';
import { consistencyProof, inclusionProof } from '../services/logs/prove.js';
import { readTile } from '../services/logs/read-tile.js';

type OrgParams = { Params: { organization_id: string }; Querystring: Record<string, string | undefined> };

export function registerLogRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  authenticateRequest: (request: FastifyRequest) => Promise<void>,
): void {
  const reader = (request: FastifyRequest): Caller => {
    const caller = request.caller as Caller;
    requireScope(caller, 'events:read');
    return caller;
  };

  /** The note verifier key that checks every checkpoint this server signs. Public. */
  app.get('/v1/verifier-key', async (_request, reply) =>
    reply.type('text/plain; charset=utf-8').send(`${ctx.signingKey.verifierKey}\n`),
  );

  app.get<OrgParams>(
    '/v1/logs/:organization_id/checkpoint',
    { preHandler: authenticateRequest },
    async (request, reply) => {
      const head = await loadLog(ctx, reader(request), request.params.organization_id);
      const checkpoint = await currentCheckpoint(ctx, head);
      return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-cache').send(checkpoint.note);
    },
  );

  app.get<OrgParams>(
    '/v1/logs/:organization_id/proofs/inclusion',
    { preHandler: authenticateRequest },
    async (request) =>
      inclusionProof(ctx, reader(request), {
        organizationId: request.params.organization_id,
        index: request.query.index,
        treeSize: request.query.tree_size,
      }),
  );

  app.get<OrgParams>(
    '/v1/logs/:organization_id/proofs/consistency',
    { preHandler: authenticateRequest },
    async (request) =>
      consistencyProof(ctx, reader(request), {
        organizationId: request.params.organization_id,
        from: request.query.from,
        to: request.query.to,
      }),
  );

  app.get<{ Params: { organization_id: string; '*': string } }>(
    '/v1/logs/:organization_id/tile/*',
    { preHandler: authenticateRequest },
    async (request, reply) => {
      const tile = await readTile(ctx, reader(request), {
        organizationId: request.params.organization_id,
        path: request.params['*'],
      });
      return reply
        .type('application/octet-stream')
        .header('cache-control', tile.immutable ? 'private, max-age=31536000, immutable' : 'no-cache')
        .send(Buffer.from(tile.bytes));
    },
  );
}
