import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireScope } from '../auth/authenticate.js';
import type { AppContext, Caller } from '../context.js';
import { bearer, documentOnly, json, pathParams, problems, queryString, raw } from '../http/schemas.js';
import { currentCheckpoint, loadLog } from '../services/logs/load-log.js';
import { consistencyProof, inclusionProof } from '../services/logs/prove.js';
import { readTile } from '../services/logs/read-tile.js';

type OrgParams = { Params: { organization_id: string }; Querystring: Record<string, string | undefined> };

const ORG_PARAMS = pathParams({ organization_id: 'The organization whose log it is, URL-encoded' });
const HASHES = { type: 'array', items: { type: 'string', description: 'base64 SHA-256' } };

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
  app.get(
    '/v1/verifier-key',
    {
      schema: {
        tags: ['proofs'],
        operationId: 'getVerifierKey',
        summary: 'The note verifier key for every checkpoint',
        description:
          'In signed-note form `<name>+<hex key id>+<base64(0x01 ‖ Ed25519 public key)>`. Pin it for offline verification.',
        response: { 200: raw('The verifier key and a newline', 'text/plain'), ...problems() },
      },
    },
    async (_request, reply) => reply.type('text/plain; charset=utf-8').send(`${ctx.signingKey.verifierKey}\n`),
  );

  app.get<OrgParams>(
    '/v1/logs/:organization_id/checkpoint',
    {
      preHandler: authenticateRequest,
      schema: {
        tags: ['proofs'],
        operationId: 'getCheckpoint',
        summary: "The log's latest signed checkpoint",
        description: 'A C2SP tlog-checkpoint signed note (origin, tree size, base64 root hash, Ed25519 signature).',
        security: bearer('events:read'),
        params: ORG_PARAMS,
        response: { 200: raw('The checkpoint note', 'text/plain'), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const head = await loadLog(ctx, reader(request), request.params.organization_id);
      const checkpoint = await currentCheckpoint(ctx, head);
      return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-cache').send(checkpoint.note);
    },
  );

  app.get<OrgParams>(
    '/v1/logs/:organization_id/proofs/inclusion',
    {
      preHandler: authenticateRequest,
      config: documentOnly({
        querystring: queryString(
          { index: 'The leaf index (an event sequence)', tree_size: 'The tree size of a checkpoint' },
          ['index', 'tree_size'],
        ),
      }),
      schema: {
        tags: ['proofs'],
        operationId: 'getInclusionProof',
        summary: 'RFC 9162 inclusion proof of a leaf in a tree size',
        security: bearer('events:read'),
        params: ORG_PARAMS,
        response: {
          200: json('The proof', {
            type: 'object',
            required: ['index', 'tree_size', 'leaf_hash', 'proof'],
            additionalProperties: false,
            properties: {
              index: { type: 'integer', minimum: 0 },
              tree_size: { type: 'integer', minimum: 1 },
              leaf_hash: { type: 'string', description: 'base64 SHA-256' },
              proof: HASHES,
            },
          }),
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (request) =>
      inclusionProof(ctx, reader(request), {
        organizationId: request.params.organization_id,
        index: request.query.index,
        treeSize: request.query.tree_size,
      }),
  );

  app.get<OrgParams>(
    '/v1/logs/:organization_id/proofs/consistency',
    {
      preHandler: authenticateRequest,
      config: documentOnly({
        querystring: queryString({ from: 'The older tree size', to: 'The newer tree size' }, ['from', 'to']),
      }),
      schema: {
        tags: ['proofs'],
        operationId: 'getConsistencyProof',
        summary: 'RFC 9162 consistency proof between two tree sizes',
        security: bearer('events:read'),
        params: ORG_PARAMS,
        response: {
          200: json('The proof', {
            type: 'object',
            required: ['from', 'to', 'proof'],
            additionalProperties: false,
            properties: { from: { type: 'integer', minimum: 1 }, to: { type: 'integer', minimum: 1 }, proof: HASHES },
          }),
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (request) =>
      consistencyProof(ctx, reader(request), {
        organizationId: request.params.organization_id,
        from: request.query.from,
        to: request.query.to,
      }),
  );

  app.get<{ Params: { organization_id: string; '*': string } }>(
    '/v1/logs/:organization_id/tile/*',
    {
      preHandler: authenticateRequest,
      config: documentOnly({
        url: '/v1/logs/:organization_id/tile/:tile_path',
        params: pathParams({
          organization_id: 'The organization whose log it is, URL-encoded',
          tile_path: 'A C2SP tlog-tiles path below tile/, e.g. `0/x001/234` or `entries/000.p/7`',
        }),
      }),
      schema: {
        tags: ['proofs'],
        operationId: 'getTile',
        summary: 'C2SP tlog-tiles resources: hash tiles and entry bundles',
        description: 'Full tiles are immutable and cached as such; partial tiles are not.',
        security: bearer('events:read'),
        response: { 200: raw('The tile bytes', 'application/octet-stream'), ...problems(401, 403, 404) },
      },
    },
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
