import type { AppContext } from '../../context.js';
import { type ApiKey, toApiKey } from './api-key.js';

export async function listApiKeys(ctx: AppContext, input: { projectId: string }): Promise<ApiKey[]> {
  return (await ctx.store.listApiKeys(input.projectId)).map(toApiKey);
}
