import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { type ApiKey, toApiKey } from './api-key.js';

/** Revokes a key of the project; revoking twice keeps the first revocation time. */
export async function revokeApiKey(ctx: AppContext, input: { projectId: string; keyId: string }): Promise<ApiKey> {
  const revoked = await ctx.store.revokeApiKey(input.projectId, input.keyId, ctx.now());
  const row = revoked ? await ctx.store.getApiKey(input.keyId) : undefined;
  if (!row || row.project_id !== input.projectId) throw new AppError('not_found', `no API key ${input.keyId}`);
  return toApiKey(row);
}
