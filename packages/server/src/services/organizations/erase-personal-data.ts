// Erasure (GDPR Art. 17) without breaking immutability: the personal values and their salts are
// deleted; the leaves keep their salted commitments, so every leaf hash, proof and checkpoint still
// verifies, and nobody can recover the values from what remains.
import { unsealEvent } from '@auditledge/core';
import type { AppContext, Caller } from '../../context.js';
import { AppError } from '../../errors.js';
import { searchText } from '../events/search-text.js';
import { eraseStoredDisclosures, parseStoredDisclosures } from '../events/stored-disclosures.js';
import { metaActor, recordMetaEvent } from '../meta/record-meta-event.js';

export interface ErasureInput {
  organizationId: string;
  actorId?: string;
  email?: string;
  resourceId?: string;
}

export interface ErasureResult {
  erased_events: number;
  erased_fields: number;
}

const FIELDS = new Set(['actor_id', 'email', 'resource_id']);

/** Validates the request body of POST /v1/organizations/{id}/erasures. */
export function parseErasureBody(organizationId: string, body: unknown): ErasureInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError('invalid_request', 'the body must be a JSON object', [
      { path: '', message: 'must be an object' },
    ]);
  }
  const input: ErasureInput = { organizationId };
  const issues: { path: string; message: string }[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (!FIELDS.has(key))
      issues.push({ path: key, message: 'is not a known field; use actor_id, email or resource_id' });
    else if (typeof value !== 'string' || value.length === 0 || value.length > 320)
      issues.push({ path: key, message: 'must be a non-empty string' });
  }
  const b = body as Record<string, string>;
  if (issues.length === 0 && b.actor_id === undefined && b.email === undefined && b.resource_id === undefined) {
    issues.push({ path: '', message: 'name whose data to erase: actor_id, email or resource_id' });
  }
  if (issues.length > 0) throw new AppError('invalid_request', issues[0]?.message ?? 'invalid erasure', issues);
  if (b.actor_id !== undefined) input.actorId = b.actor_id;
  if (b.email !== undefined) input.email = b.email;
  if (b.resource_id !== undefined) input.resourceId = b.resource_id;
  return input;
}

export async function erasePersonalData(ctx: AppContext, caller: Caller, input: ErasureInput): Promise<ErasureResult> {
  const at = new Date(ctx.now()).toISOString();
  const { events, fields } = await ctx.store.eraseEvents(
    {
      projectId: caller.projectId,
      organizationId: input.organizationId,
      ...(input.actorId !== undefined && { actorId: input.actorId }),
      ...(input.email !== undefined && { email: input.email }),
      ...(input.resourceId !== undefined && { resourceId: input.resourceId }),
    },
    (row) => {
      const erased = eraseStoredDisclosures(row.disclosures, at);
      if (erased.erased === 0) return null;
      const { paths } = parseStoredDisclosures(erased.json);
      const { event } = unsealEvent(row.leaf, {}, { personalFields: paths });
      // Index only what is still readable: drop the commitments left where values were.
      for (const path of paths) {
        const segments = path.split('.');
        const parent = segments
          .slice(0, -1)
          .reduce<Record<string, unknown> | undefined>(
            (node, key) => node?.[key] as Record<string, unknown> | undefined,
            event as unknown as Record<string, unknown>,
          );
        if (parent) delete parent[segments[segments.length - 1] as string];
      }
      return { disclosures: erased.json, searchText: searchText(event), erasedFields: erased.erased };
    },
  );
  // The meta event names which criteria were used, never their values: that would re-record
  // the very data being erased.
  await recordMetaEvent(ctx, {
    projectId: caller.projectId,
    organizationId: input.organizationId,
    action: 'events.erased',
    actor: metaActor(caller),
    metadata: {
      criteria: [input.actorId && 'actor_id', input.email && 'email', input.resourceId && 'resource_id']
        .filter(Boolean)
        .join(','),
      erased_events: events,
      erased_fields: fields,
    },
  });
  return { erased_events: events, erased_fields: fields };
}
