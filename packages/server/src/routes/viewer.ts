// Viewer tokens, viewer sessions and console sessions: how browsers get read access without an
// API key in JavaScript storage. See docs/dashboard.md for why the viewer keeps its session in
// memory (cookies do not reach a cross-site iframe) while the console uses a SameSite=Strict cookie.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireOrganization, requireScope } from '../auth/authenticate.js';
import {
  authenticateConsoleSession,
  CONSOLE_SESSION_SECONDS,
  csrfTokenFor,
  readCookie,
  SESSION_COOKIE,
  setSessionCookie,
} from '../auth/session.js';
import type { AppContext, Caller } from '../context.js';
import { AppError } from '../errors.js';
import { requestMetadata } from '../services/meta/record-meta-event.js';
import { mintViewerToken } from '../services/viewer/mint-viewer-token.js';
import { openConsoleSession } from '../services/viewer/open-console-session.js';
import { openViewerSession } from '../services/viewer/open-viewer-session.js';

function objectBody(body: unknown, fields: readonly string[]): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError('invalid_request', 'the body must be a JSON object', [
      { path: '', message: 'must be an object' },
    ]);
  }
  const unknown = Object.keys(body).filter((key) => !fields.includes(key));
  if (unknown.length > 0) {
    throw new AppError(
      'invalid_request',
      `"${unknown[0]}" is not a known field`,
      unknown.map((key) => ({ path: key, message: `is not a known field; use ${fields.join(', ')}` })),
    );
  }
  return body as Record<string, unknown>;
}

export function publicBaseUrl(ctx: AppContext, request: FastifyRequest): string {
  return ctx.config.publicUrl ?? `${request.protocol}://${request.host}`;
}

export function registerViewerRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  authenticateRequest: (request: FastifyRequest) => Promise<void>,
): void {
  app.post('/v1/viewer-tokens', { preHandler: authenticateRequest }, async (request, reply) => {
    const caller = request.caller as Caller;
    requireScope(caller, 'admin');
    const body = objectBody(request.body, ['organization_id', 'ttl_seconds']);
    if (typeof body.organization_id === 'string') requireOrganization(caller, body.organization_id);
    const minted = await mintViewerToken(ctx, {
      projectId: caller.projectId,
      organizationId: body.organization_id,
      ttlSeconds: body.ttl_seconds,
      baseUrl: publicBaseUrl(ctx, request),
    });
    return reply.code(201).header('cache-control', 'no-store').send(minted);
  });

  // The viewer page posts the token from its URL fragment here and keeps the session in memory.
  app.post('/v1/viewer/sessions', async (request, reply) => {
    const body = objectBody(request.body, ['token']);
    const session = await openViewerSession(ctx, { token: body.token, metadata: requestMetadata(request) });
    return reply.code(201).header('cache-control', 'no-store').send(session);
  });

  app.post('/v1/console/session', async (request, reply) => {
    const body = objectBody(request.body, ['api_key']);
    const session = await openConsoleSession(ctx, { apiKey: body.api_key });
    setSessionCookie(reply, request, session.cookie, CONSOLE_SESSION_SECONDS);
    const { cookie: _cookie, ...visible } = session;
    return reply.code(201).send(visible);
  });

  // A reloaded console page asks for its CSRF token; the cookie itself stays out of reach.
  app.get('/v1/console/session', async (request, reply) => {
    const session = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (!session) throw new AppError('unauthorized', 'no console session; sign in with an admin API key');
    const caller = await authenticateConsoleSession(ctx, session);
    return reply.header('cache-control', 'no-store').send({
      csrf_token: await csrfTokenFor(ctx, session),
      key_id: caller.keyId,
      organization_id: caller.organizationId,
    });
  });

  app.delete('/v1/console/session', { preHandler: authenticateRequest }, async (request, reply) => {
    setSessionCookie(reply, request, '', 0);
    return reply.send({ signed_out: true });
  });
}
