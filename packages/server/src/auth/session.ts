// The operator console's session: after signing in with an admin API key, the browser holds an
// httpOnly, SameSite=Strict cookie with a signed console session (`acs_…`); the key itself never
// reaches JavaScript storage. State-changing requests made with the cookie must also carry the
// session's CSRF token in `x-csrf-token` (derived from the session, handed to the page on sign-in)
// and, when the browser sends one, an Origin of this server.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext, Caller } from '../context.js';
import { AppError } from '../errors.js';
import { authenticate } from './authenticate.js';
import { dashboardTokenKey, verifyToken } from './viewer-token.js';

export const SESSION_COOKIE = 'auditledge_session';
export const CSRF_HEADER = 'x-csrf-token';
/** Console sessions last a working day; revoking the API key ends them at once. */
export const CONSOLE_SESSION_SECONDS = 12 * 60 * 60;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** One cookie's value from a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  // Secure whenever the request came over TLS; http://localhost must keep working for `npm start`.
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

export function setSessionCookie(reply: FastifyReply, request: FastifyRequest, value: string, maxAge: number): void {
  reply.header('set-cookie', sessionCookie(request, value, maxAge));
  reply.header('cache-control', 'no-store');
}

/** The CSRF token of a session: an HMAC of the session token, so nothing is stored. */
export async function csrfTokenFor(ctx: AppContext, session: string): Promise<string> {
  return createHmac('sha256', await dashboardTokenKey(ctx))
    .update(`csrf.${session}`)
    .digest('base64url');
}

/** Resolves a console session token to the caller of the admin key it was opened with. */
export async function authenticateConsoleSession(ctx: AppContext, session: string): Promise<Caller> {
  const check = verifyToken(await dashboardTokenKey(ctx), 'acs', session, ctx.now());
  if (!check.ok) {
    throw new AppError(
      'unauthorized',
      check.reason === 'expired'
        ? 'the console session has expired; sign in again'
        : 'the console session is not valid',
    );
  }
  const row = check.claims.kid ? await ctx.store.getApiKey(check.claims.kid) : undefined;
  if (!row || row.project_id !== check.claims.prj)
    throw new AppError('unauthorized', 'the console session is not valid');
  if (row.revoked_at !== null) throw new AppError('unauthorized', 'the API key of this session has been revoked');
  return {
    projectId: row.project_id,
    keyId: row.id,
    scopes: row.scopes,
    organizationId: row.organization_id,
    kind: 'console',
  };
}

/**
 * Every route's authentication: an Authorization header (API key, viewer token, viewer session)
 * wins; otherwise the console session cookie, with CSRF checks on state-changing methods.
 */
export async function authenticateHttp(ctx: AppContext, request: FastifyRequest): Promise<Caller> {
  const authorization = request.headers.authorization;
  const session = authorization ? undefined : readCookie(request.headers.cookie, SESSION_COOKIE);
  if (!session) return authenticate(ctx, authorization);
  const caller = await authenticateConsoleSession(ctx, session);
  if (!SAFE_METHODS.has(request.method)) await requireCsrf(ctx, request, session);
  return caller;
}

async function requireCsrf(ctx: AppContext, request: FastifyRequest, session: string): Promise<void> {
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `${request.protocol}://${request.host}`) {
    throw new AppError('forbidden', 'cross-origin requests cannot use the console session');
  }
  const header = request.headers[CSRF_HEADER];
  const presented = Buffer.from(typeof header === 'string' ? header : '');
  const expected = Buffer.from(await csrfTokenFor(ctx, session));
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
    throw new AppError('forbidden', `send the session's CSRF token in the ${CSRF_HEADER} header`, [
      { path: CSRF_HEADER, message: 'missing or wrong CSRF token' },
    ]);
  }
}
