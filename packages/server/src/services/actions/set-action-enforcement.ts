// PUT /v1/actions: the project's enforcement mode. `off` ignores the catalog, `warn` accepts every
// event and adds warnings to its receipt, `enforce` rejects uncatalogued actions and metadata that
// fails the action's schema with 400.
import type { AppContext, Caller } from '../../context.js';
import { AppError } from '../../errors.js';
import { ACTION_ENFORCEMENTS, type ActionEnforcement } from '../../store/store.js';
import { metaActor, recordMetaEvent } from '../meta/record-meta-event.js';
import { forgetActionCatalog } from './action-catalog.js';

/** Validates the body of PUT /v1/actions. */
export function parseEnforcementBody(body: unknown): ActionEnforcement {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError(
      'invalid_request',
      'the body must be a JSON object { "enforcement": "off" | "warn" | "enforce" }',
      [{ path: '', message: 'must be an object' }],
    );
  }
  const unknown = Object.keys(body).filter((key) => key !== 'enforcement');
  if (unknown.length > 0) {
    throw new AppError(
      'invalid_request',
      `"${unknown[0]}" is not a field of the catalog settings`,
      unknown.map((key) => ({ path: key, message: 'is not a known field; use enforcement' })),
    );
  }
  const { enforcement } = body as { enforcement?: unknown };
  if (!ACTION_ENFORCEMENTS.includes(enforcement as ActionEnforcement)) {
    const message = `must be one of ${ACTION_ENFORCEMENTS.map((mode) => `"${mode}"`).join(', ')}`;
    throw new AppError('invalid_request', `enforcement ${message}`, [{ path: 'enforcement', message }]);
  }
  return enforcement as ActionEnforcement;
}

export async function setActionEnforcement(
  ctx: AppContext,
  caller: Caller,
  enforcement: ActionEnforcement,
): Promise<{ enforcement: ActionEnforcement; previous: ActionEnforcement }> {
  const previous = await ctx.store.getActionEnforcement(caller.projectId);
  await ctx.store.setActionEnforcement(caller.projectId, enforcement, ctx.now());
  forgetActionCatalog(ctx, caller.projectId);
  if (previous !== enforcement) {
    await recordMetaEvent(ctx, {
      projectId: caller.projectId,
      organizationId: null,
      action: 'catalog.changed',
      actor: metaActor(caller),
      resource: { type: 'action_catalog', id: caller.projectId },
      metadata: { change: 'enforcement', enforcement, previous },
    });
  }
  return { enforcement, previous };
}
