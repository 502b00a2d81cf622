import { randomBytes } from 'node:crypto';
import { dashboardTokenKey, requireMinterActive, signToken, verifyToken } from '../../auth/viewer-token.js';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { recordMetaEvent } from '../meta/record-meta-event.js';

export interface ViewerSession {
  /** Sent as `Authorization: Bearer …` by the viewer page, which keeps it in memory only. */
  session_token: string;
  organization_id: string;
  expires_at: string;
  /** The `viewer.session_started` event recorded in the organization's log. */
  event_id: string;
}

/**
 * Exchanges a viewer token for a viewer session (same organization, same expiry) and records
 * `viewer.session_started` in that organization's log, with the token id as the actor.
 */
export async function openViewerSession(
  ctx: AppContext,
  input: { token: unknown; metadata: Record<string, string> },
): Promise<ViewerSession> {
  if (typeof input.token !== 'string' || input.token === '') {
    throw new AppError('invalid_request', 'token is required', [{ path: 'token', message: 'the viewer token' }]);
  }
  const key = await dashboardTokenKey(ctx);
  const check = verifyToken(key, 'avt', input.token, ctx.now());
  if (!check.ok) {
    throw new AppError(
      'unauthorized',
      check.reason === 'expired'
        ? 'the viewer token has expired; ask for a new viewer link'
        : 'the viewer token is not valid',
    );
  }
  const { jti, prj, org, exp, kid } = check.claims;
  await requireMinterActive(ctx, kid);
  if (typeof org !== 'string') throw new AppError('unauthorized', 'the viewer token is not valid');
  const sessionId = `vss_${randomBytes(12).toString('base64url')}`;
  const eventId = await recordMetaEvent(ctx, {
    projectId: prj,
    organizationId: org,
    action: 'viewer.session_started',
    actor: { id: jti, type: 'viewer_token' },
    resource: { type: 'viewer_session', id: sessionId },
    metadata: input.metadata,
  });
  const session = signToken(key, 'avs', { jti: sessionId, prj, org, vt: jti, ...(kid !== undefined && { kid }), exp });
  return {
    session_token: session,
    organization_id: org,
    expires_at: new Date(exp * 1000).toISOString(),
    event_id: eventId,
  };
}
