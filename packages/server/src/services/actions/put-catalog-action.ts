// PUT /v1/actions/{action}: creates or updates one catalog entry. A field left out keeps its
// value, null clears it; a metadata schema is compiled before it is stored, so a broken one is a
// 400 naming the schema path, never a surprise at ingest.
import { actionProblem } from '@auditledge/core';
import type { AppContext, Caller } from '../../context.js';
import { AppError } from '../../errors.js';
import { metaActor, recordMetaEvent } from '../meta/record-meta-event.js';
import { forgetActionCatalog } from './action-catalog.js';
import { type ActionView, toActionView } from './list-actions.js';
import { compileMetadataSchema } from './metadata-schema.js';

export const MAX_ACTION_DESCRIPTION_LENGTH = 1000;
const FIELDS = ['description', 'metadata_schema'];

export interface PutCatalogActionInput {
  action: string;
  description?: string | null;
  metadataSchema?: Record<string, unknown> | null;
}

/** Validates the path and body of PUT /v1/actions/{action}. */
export function parseCatalogActionBody(action: string, body: unknown): PutCatalogActionInput {
  const problem = actionProblem(action);
  if (problem !== undefined)
    throw new AppError('invalid_request', `action ${problem}`, [{ path: 'action', message: problem }]);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError('invalid_request', 'the body must be a JSON object { description?, metadata_schema? }', [
      { path: '', message: 'must be an object' },
    ]);
  }
  const issues: { path: string; message: string }[] = [];
  for (const key of Object.keys(body)) {
    if (!FIELDS.includes(key))
      issues.push({ path: key, message: 'is not a known field; use description or metadata_schema' });
  }
  const { description, metadata_schema: schema } = body as Record<string, unknown>;
  if (
    description !== undefined &&
    description !== null &&
    (typeof description !== 'string' || description.length > MAX_ACTION_DESCRIPTION_LENGTH)
  ) {
    issues.push({
      path: 'description',
      message: `must be a string of at most ${MAX_ACTION_DESCRIPTION_LENGTH} characters, or null`,
    });
  }
  if (issues.length > 0) throw new AppError('invalid_request', `${issues[0]?.path}: ${issues[0]?.message}`, issues);
  // Throws with the offending schema path.
  if (schema !== undefined && schema !== null) compileMetadataSchema(schema);
  return {
    action,
    ...(description !== undefined && { description: description as string | null }),
    ...(schema !== undefined && { metadataSchema: schema as Record<string, unknown> | null }),
  };
}

export async function putCatalogAction(
  ctx: AppContext,
  caller: Caller,
  input: PutCatalogActionInput,
): Promise<{ view: ActionView; created: boolean }> {
  const { row, created } = await ctx.store.putCatalogAction({
    projectId: caller.projectId,
    action: input.action,
    ...(input.description !== undefined && { description: input.description }),
    ...(input.metadataSchema !== undefined && {
      metadataSchema: input.metadataSchema === null ? null : JSON.stringify(input.metadataSchema),
    }),
    at: ctx.now(),
  });
  forgetActionCatalog(ctx, caller.projectId);
  await recordMetaEvent(ctx, {
    projectId: caller.projectId,
    organizationId: null,
    action: 'catalog.changed',
    actor: metaActor(caller),
    resource: { type: 'action', id: input.action },
    // Which fields changed, not their values: the catalog itself holds those.
    metadata: {
      change: created ? 'action_created' : 'action_updated',
      fields: FIELDS.filter((field) =>
        field === 'description' ? input.description !== undefined : input.metadataSchema !== undefined,
      ).join(','),
    },
  });
  const stats = (await ctx.store.listActionStats(caller.projectId)).find((s) => s.action === input.action);
  return { view: toActionView(input.action, row, stats), created };
}
