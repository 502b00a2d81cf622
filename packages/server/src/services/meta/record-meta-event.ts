// The meta log: Auditledge records its own security-relevant acts (keys created and revoked,
// viewer sessions, exports, erasures) as ordinary audit events, appended through the same ingest
// path as any event. They land in the affected organization's log, or in the project's system log
// when no single organization is affected, so "who read or exported this log?" is a plain query.
import type { AppContext, Caller } from '../../context.js';
import { AppError } from '../../errors.js';
import { ingestEvents } from '../events/ingest-events.js';

/** The organization id of each project's own log. Customer events may not use the prefix. */
export const SYSTEM_ORGANIZATION_ID = 'auditledge:system';
export const RESERVED_ORGANIZATION_PREFIX = 'auditledge:';

export type MetaAction =
  | 'api_key.created'
  | 'api_key.revoked'
  | 'viewer.session_started'
  | 'export.created'
  | 'events.erased'
  | 'retention.changed'
  | 'catalog.changed';

/** Every action Auditledge records itself; the action catalog lists them as built in. */
export const META_ACTIONS: Readonly<Record<MetaAction, true>> = {
  'api_key.created': true,
  'api_key.revoked': true,
  'viewer.session_started': true,
  'export.created': true,
  'events.erased': true,
  'retention.changed': true,
  'catalog.changed': true,
};

export interface MetaEvent {
  projectId: string;
  /** The affected organization; null = the project's system log. */
  organizationId: string | null;
  action: MetaAction;
  /** Who acted: the API key id, viewer token id, or `cli`/`auditledge` for local and automatic acts. */
  actor: { id: string; type: 'api_key' | 'viewer_token' | 'cli' | 'system' };
  resource?: { type: string; id: string };
  metadata?: Record<string, string | number>;
}

/** The meta-log actor for a caller. */
export function metaActor(caller: Caller): MetaEvent['actor'] {
  if (caller.kind === 'viewer') return { id: caller.keyId, type: 'viewer_token' };
  if (caller.keyId === 'cli') return { id: 'cli', type: 'cli' };
  return { id: caller.keyId, type: 'api_key' };
}

/** Appends one meta event durably; resolves with its event id. */
export async function recordMetaEvent(ctx: AppContext, meta: MetaEvent): Promise<string> {
  const organizationId = meta.organizationId ?? SYSTEM_ORGANIZATION_ID;
  const system: Caller = { projectId: meta.projectId, keyId: 'system', scopes: ['events:write'], organizationId };
  const body = {
    actor: meta.actor,
    action: meta.action,
    organization_id: organizationId,
    ...(meta.resource && { resource: meta.resource }),
    ...(meta.metadata && { metadata: meta.metadata }),
  };
  const [result] = await ingestEvents(ctx, system, [{ body }], { batch: false, system: true });
  if (!result || !('receipt' in result)) {
    throw new AppError(
      'internal',
      `recording ${meta.action} failed: ${result && 'detail' in result ? result.detail : 'no result'}`,
    );
  }
  return result.receipt.id;
}

/** The request details worth keeping with a meta event (personal fields: sealed like any). */
export function requestMetadata(request: { ip: string; headers: Record<string, unknown> }): Record<string, string> {
  const agent = request.headers['user-agent'];
  return {
    ip: request.ip,
    ...(typeof agent === 'string' && agent !== '' && { user_agent: agent.slice(0, 512) }),
  };
}
