import { EVENT_LIMITS, hasControlCharacter } from '@auditledge/core';
import type { AppContext, Caller } from '../context.js';
import { AppError } from '../errors.js';
import type { Scope } from '../store/store.js';
import { apiKeyMatches, parseApiKeyId } from './api-key-secret.js';
import { authenticateViewerBearer, tokenKind } from './viewer-token.js';

/** Resolves `Authorization: Bearer <key>` to a caller, or throws 401. */
export async function authenticate(ctx: AppContext, authorization: string | undefined): Promise<Caller> {
  if (!authorization) throw new AppError('unauthorized', 'send an API key as "Authorization: Bearer <key>"');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw new AppError('unauthorized', 'the Authorization header must be "Bearer <key>"');
  const token = match[1] as string;
  // Viewer tokens and viewer sessions (the embeddable viewer) are signed, not stored.
  const dashboardKind = tokenKind(token);
  if (dashboardKind === 'avt' || dashboardKind === 'avs') return authenticateViewerBearer(ctx, dashboardKind, token);
  const keyId = parseApiKeyId(token);
  const row = keyId ? await ctx.store.getApiKey(keyId) : undefined;
  // One message for unknown, malformed and wrong secrets: nothing to learn from probing.
  if (!row || !apiKeyMatches(token, row.secret_hash)) throw new AppError('unauthorized', 'the API key is not valid');
  if (row.revoked_at !== null) throw new AppError('unauthorized', 'the API key has been revoked');
  return { projectId: row.project_id, keyId: row.id, scopes: row.scopes, organizationId: row.organization_id };
}

/** Throws 403 unless the caller holds the scope (admin holds every scope). */
export function requireScope(caller: Caller, scope: Scope): void {
  if (!caller.scopes.includes(scope) && !caller.scopes.includes('admin')) {
    throw new AppError('forbidden', `this API key lacks the "${scope}" scope`);
  }
}

/**
 * Throws 400 unless `organizationId` is one an event could carry (1 to 256 characters, no control
 * characters): anything else can name no log, and must not reach the meta log as a 500.
 */
export function assertOrganizationId(
  organizationId: unknown,
  path = 'organization_id',
): asserts organizationId is string {
  if (
    typeof organizationId !== 'string' ||
    organizationId.length === 0 ||
    organizationId.length > EVENT_LIMITS.maxOrganizationIdLength ||
    hasControlCharacter(organizationId)
  ) {
    const message = `must be 1 to ${EVENT_LIMITS.maxOrganizationIdLength} characters without control characters`;
    throw new AppError('invalid_request', `${path} ${message}`, [{ path, message }]);
  }
}

/** Throws 400 for an impossible organization id, 403 when a key pinned to one organization reaches for another. */
export function requireOrganization(caller: Caller, organizationId: string, path = 'organization_id'): void {
  assertOrganizationId(organizationId, path);
  if (caller.organizationId !== null && caller.organizationId !== organizationId) {
    throw new AppError('forbidden', `this API key is limited to organization "${caller.organizationId}"`, [
      { path, message: `must be "${caller.organizationId}" for this API key` },
    ]);
  }
}
