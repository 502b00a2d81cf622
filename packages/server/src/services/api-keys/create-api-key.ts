import { mintApiKey } from '../../auth/api-key-secret.js';
import { assertOrganizationId } from '../../auth/authenticate.js';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { SCOPES, type Scope } from '../../store/store.js';
import { type MetaEvent, recordMetaEvent } from '../meta/record-meta-event.js';
import { type ApiKey, toApiKey } from './api-key.js';

export interface CreateApiKeyInput {
  projectId: string;
  name?: string;
  scopes: string[];
  organizationId?: string | null;
  /** Who is creating the key, for the meta log. */
  actor: MetaEvent['actor'];
}

/** Creates a key; the returned `secret` is the only time the secret exists outside the caller. */
export async function createApiKey(ctx: AppContext, input: CreateApiKeyInput): Promise<ApiKey & { secret: string }> {
  const issues = [];
  const name = input.name ?? 'unnamed key';
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) {
    issues.push({ path: 'name', message: 'name must be a string of 1 to 200 characters' });
  }
  if (!Array.isArray(input.scopes) || input.scopes.length === 0) {
    issues.push({ path: 'scopes', message: `scopes must be a non-empty list of ${SCOPES.join(', ')}` });
  } else {
    input.scopes.forEach((scope, i) => {
      if (!SCOPES.includes(scope as Scope)) {
        issues.push({ path: `scopes[${i}]`, message: `"${scope}" is not a scope; use ${SCOPES.join(', ')}` });
      }
    });
  }
  const organizationId = input.organizationId ?? null;
  if (organizationId !== null) {
    try {
      assertOrganizationId(organizationId);
    } catch (error) {
      issues.push(...(error as AppError).issues);
    }
  }
  if (issues.length > 0) throw new AppError('invalid_request', issues[0]?.message ?? 'invalid key', issues);

  const minted = mintApiKey();
  const row = {
    id: minted.id,
    project_id: input.projectId,
    name,
    secret_hash: minted.hash,
    scopes: [...new Set(input.scopes as Scope[])],
    organization_id: organizationId,
    created_at: ctx.now(),
    revoked_at: null,
  };
  await ctx.store.insertApiKey(row);
  await recordMetaEvent(ctx, {
    projectId: input.projectId,
    organizationId,
    action: 'api_key.created',
    actor: input.actor,
    resource: { type: 'api_key', id: row.id },
    metadata: { scopes: row.scopes.join(','), name },
  });
  return { ...toApiKey(row), secret: minted.token };
}
