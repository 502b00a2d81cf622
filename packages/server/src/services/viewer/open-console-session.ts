import { randomBytes } from 'node:crypto';
import { authenticate, requireScope } from '../../auth/authenticate.js';
import { CONSOLE_SESSION_SECONDS, csrfTokenFor } from '../../auth/session.js';
import { dashboardTokenKey, signToken } from '../../auth/viewer-token.js';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';

export interface ConsoleSession {
  /** The cookie value (httpOnly): never handed to JavaScript. */
  cookie: string;
  csrf_token: string;
  expires_at: string;
  key_id: string;
  /** Set when the key is pinned to one organization. */
  organization_id: string | null;
}

/** Signs the operator console in with an admin API key. */
export async function openConsoleSession(ctx: AppContext, input: { apiKey: unknown }): Promise<ConsoleSession> {
  if (typeof input.apiKey !== 'string' || input.apiKey === '') {
    throw new AppError('invalid_request', 'api_key is required', [{ path: 'api_key', message: 'an admin API key' }]);
  }
  const caller = await authenticate(ctx, `Bearer ${input.apiKey}`);
  if (caller.kind === 'viewer') throw new AppError('forbidden', 'sign in to the console with an admin API key');
  requireScope(caller, 'admin');
  const exp = Math.floor(ctx.now() / 1000) + CONSOLE_SESSION_SECONDS;
  const cookie = signToken(await dashboardTokenKey(ctx), 'acs', {
    jti: `css_${randomBytes(12).toString('base64url')}`,
    prj: caller.projectId,
    kid: caller.keyId,
    exp,
  });
  return {
    cookie,
    csrf_token: await csrfTokenFor(ctx, cookie),
    expires_at: new Date(exp * 1000).toISOString(),
    key_id: caller.keyId,
    organization_id: caller.organizationId,
  };
}
