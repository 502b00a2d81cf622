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
import { bearer, documentOnly, json, problems } from '../http/schemas.js';
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

const object = (properties: Record<string, unknown>, required: string[] = Object.keys(properties)) => ({
  type: 'object',
  required,
  additionalProperties: false,
  properties,
});
const dateTime = { type: 'string', format: 'date-time' };
const CONSOLE_SESSION = object({
  csrf_token: { type: 'string', description: 'Send as X-CSRF-Token with every unsafe request' },
  expires_at: dateTime,
  key_id: { type: 'string' },
  organization_id: { type: ['string', 'null'] },
});
const CONSOLE_SESSION_DESCRIPTION =
  'The session itself is an httpOnly, SameSite=Strict cookie (auditledge_session), never readable by scripts.';

export function publicBaseUrl(ctx: AppContext, request: FastifyRequest): string {
  return ctx.config.publicUrl ?? `${request.protocol}://${request.host}`;
}

export function registerViewerRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  authenticateRequest: (request: FastifyRequest) => Promise<void>,
): void {
  app.post(
    '/v1/viewer-tokens',
    {
      preHandler: authenticateRequest,
      config: documentOnly({
        body: object(
          {
            organization_id: { type: 'string', minLength: 1, maxLength: 256 },
            ttl_seconds: { type: 'integer', minimum: 60, maximum: 86400, default: 900 },
          },
          ['organization_id'],
        ),
      }),
      schema: {
        tags: ['viewer'],
        operationId: 'createViewerToken',
        summary: "Mint a short-lived token that reads one organization's events",
        description:
          'Minted by the integrating backend and handed to the browser: `url` opens the embeddable viewer with the token in its fragment (never sent to a server).',
        security: bearer('admin'),
        response: {
          201: json(
            'The token',
            object({
              id: { type: 'string' },
              token: { type: 'string' },
              organization_id: { type: 'string' },
              expires_at: dateTime,
              url: { type: 'string', format: 'uri' },
            }),
          ),
          ...problems(400, 401, 403, 415),
        },
      },
    },
    async (request, reply) => {
      const caller = request.caller as Caller;
      requireScope(caller, 'admin');
      const body = objectBody(request.body, ['organization_id', 'ttl_seconds']);
      if (typeof body.organization_id === 'string') requireOrganization(caller, body.organization_id);
      const minted = await mintViewerToken(ctx, {
        projectId: caller.projectId,
        keyId: caller.keyId,
        organizationId: body.organization_id,
        ttlSeconds: body.ttl_seconds,
        baseUrl: publicBaseUrl(ctx, request),
      });
      return reply.code(201).header('cache-control', 'no-store').send(minted);
    },
  );

  // The viewer page posts the token from its URL fragment here and keeps the session in memory.
  app.post(
    '/v1/viewer/sessions',
    {
      config: documentOnly({ body: object({ token: { type: 'string', description: 'A viewer token' } }) }),
      schema: {
        tags: ['viewer'],
        operationId: 'openViewerSession',
        summary: 'Exchange a viewer token for a viewer session',
        description:
          "Same organization and expiry as the token; the viewer keeps the session in memory and sends it as a bearer. Recorded as `viewer.session_started` in the organization's log.",
        response: {
          201: json(
            'The session',
            object({
              session_token: { type: 'string' },
              organization_id: { type: 'string' },
              expires_at: dateTime,
              event_id: { type: 'string', description: 'The viewer.session_started event' },
            }),
          ),
          ...problems(400, 401, 415),
        },
      },
    },
    async (request, reply) => {
      const body = objectBody(request.body, ['token']);
      const session = await openViewerSession(ctx, { token: body.token, metadata: requestMetadata(request) });
      return reply.code(201).header('cache-control', 'no-store').send(session);
    },
  );

  app.post(
    '/v1/console/session',
    {
      config: documentOnly({ body: object({ api_key: { type: 'string', description: 'An admin API key' } }) }),
      schema: {
        tags: ['viewer'],
        operationId: 'openConsoleSession',
        summary: 'Sign the operator console in with an admin API key',
        description: CONSOLE_SESSION_DESCRIPTION,
        response: { 201: json('Signed in', CONSOLE_SESSION), ...problems(400, 401, 403, 415) },
      },
    },
    async (request, reply) => {
      const body = objectBody(request.body, ['api_key']);
      const session = await openConsoleSession(ctx, { apiKey: body.api_key });
      setSessionCookie(reply, request, session.cookie, CONSOLE_SESSION_SECONDS);
      const { cookie: _cookie, ...visible } = session;
      return reply.code(201).send(visible);
    },
  );

  // A reloaded console page asks for its CSRF token; the cookie itself stays out of reach.
  app.get(
    '/v1/console/session',
    {
      schema: {
        tags: ['viewer'],
        operationId: 'getConsoleSession',
        summary: "The console session's CSRF token, for a reloaded page",
        description: CONSOLE_SESSION_DESCRIPTION,
        security: [{ consoleSession: [] }],
        response: {
          200: json(
            'The session',
            object({
              csrf_token: CONSOLE_SESSION.properties.csrf_token,
              key_id: { type: 'string' },
              organization_id: { type: ['string', 'null'] },
            }),
          ),
          ...problems(401),
        },
      },
    },
    async (request, reply) => {
      const session = readCookie(request.headers.cookie, SESSION_COOKIE);
      if (!session) throw new AppError('unauthorized', 'no console session; sign in with an admin API key');
      const caller = await authenticateConsoleSession(ctx, session);
      return reply.header('cache-control', 'no-store').send({
        csrf_token: await csrfTokenFor(ctx, session),
        key_id: caller.keyId,
        organization_id: caller.organizationId,
      });
    },
  );

  app.delete(
    '/v1/console/session',
    {
      preHandler: authenticateRequest,
      schema: {
        tags: ['viewer'],
        operationId: 'closeConsoleSession',
        summary: 'Sign the console out (clears the cookie)',
        security: [{ consoleSession: [] }],
        response: {
          200: json('Signed out', object({ signed_out: { type: 'boolean', const: true } })),
          ...problems(401, 403),
        },
      },
    },
    async (request, reply) => {
      setSessionCookie(reply, request, '', 0);
      return reply.send({ signed_out: true });
    },
  );
}
