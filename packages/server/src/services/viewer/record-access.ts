// Who opened the viewer and who exported: appended to the organization's own log through the same
// ingest path as any event, so the answer is in the trail the customer's admins already read.
import type { AppContext, Caller } from '../../context.js';
import { AppError } from '../../errors.js';
import { ingestEvents } from '../events/ingest-events.js';

export interface AccessEvent {
  projectId: string;
  organizationId: string;
  action: 'viewer.session_started' | 'export.created';
  /** The viewer token id or API key id that acted. */
  actor: { id: string; type: 'viewer_token' | 'api_key' };
  resource?: { type: string; id: string };
  metadata?: Record<string, string>;
}

export async function recordAccessEvent(ctx: AppContext, access: AccessEvent): Promise<string> {
  const system: Caller = {
    projectId: access.projectId,
    keyId: 'system',
    scopes: ['events:write'],
    organizationId: access.organizationId,
  };
  const body = {
    actor: access.actor,
    action: access.action,
    organization_id: access.organizationId,
    ...(access.resource && { resource: access.resource }),
    ...(access.metadata && { metadata: access.metadata }),
  };
  const [result] = await ingestEvents(ctx, system, [{ body }], { batch: false });
  if (!result || !('receipt' in result)) {
    throw new AppError(
      'internal',
      `recording ${access.action} failed: ${result && 'detail' in result ? result.detail : 'no result'}`,
    );
  }
  return result.receipt.id;
}

/** The request details worth keeping with an access event (personal fields: sealed like any). */
export function requestMetadata(request: { ip: string; headers: Record<string, unknown> }): Record<string, string> {
  const agent = request.headers['user-agent'];
  return {
    ip: request.ip,
    ...(typeof agent === 'string' && agent !== '' && { user_agent: agent.slice(0, 512) }),
  };
}
