import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { type MetaEvent, recordMetaEvent } from '../meta/record-meta-event.js';
import { type ApiKey, toApiKey } from './api-key.js';

/** Revokes a key of the project; revoking twice keeps the first revocation time. */
export async function revokeApiKey(
  ctx: AppContext,
  input: { projectId: string; keyId: string; actor: MetaEvent['actor'] },
): Promise<ApiKey> {
  const before = await ctx.store.getApiKey(input.keyId);
  const revoked = await ctx.store.revokeApiKey(input.projectId, input.keyId, ctx.now());
  const row = revoked ? await ctx.store.getApiKey(input.keyId) : undefined;
  if (!row || row.project_id !== input.projectId) throw new AppError('not_found', `no API key ${input.keyId}`);
  if (before?.revoked_at === null) {
    await recordMetaEvent(ctx, {
      projectId: input.projectId,
      organizationId: row.organization_id,
      action: 'api_key.revoked',
      actor: input.actor,
      resource: { type: 'api_key', id: row.id },
    });
  }
  return toApiKey(row);
}
