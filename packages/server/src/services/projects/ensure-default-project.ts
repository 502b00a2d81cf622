import { DEFAULT_PERSONAL_FIELDS } from '@auditledge/core';
import type { AppContext } from '../../context.js';
import { newRandomId } from '../../ids.js';
import { createApiKey } from '../api-keys/create-api-key.js';

/**
 * Creates the default project on first start, with an admin key whose secret is returned once
 * (the server prints it). Later starts return the existing project and no secret.
 */
export async function ensureDefaultProject(ctx: AppContext): Promise<{ projectId: string; adminKey?: string }> {
  const { project, created } = await ctx.store.ensureDefaultProject({
    id: newRandomId('prj'),
    name: 'default',
    personal_fields: [...DEFAULT_PERSONAL_FIELDS],
    created_at: ctx.now(),
  });
  if (!created) return { projectId: project.id };
  const key = await createApiKey(ctx, {
    projectId: project.id,
    name: 'initial admin key',
    scopes: ['admin'],
    actor: { id: 'auditledge', type: 'system' },
  });
  return { projectId: project.id, adminKey: key.secret };
}
