// The API object of an organization's retention policy (GET/PUT /v1/organizations/{id}/retention).
import type { RetentionConfig } from '../../config.js';
import { type PolicyState, resolveSetting } from '../../ledger/retention-policy.js';
import type { RetentionRule } from '../../store/store.js';

export interface RetentionPolicyView {
  organization_id: string;
  /** The plan in force: the organization's, or the project default's. */
  plan: string | null;
  /** The window in force; null only while the organization's plan is missing from the config. */
  days: number | null;
  source: RetentionRule['source'];
  /** When the policy in force took effect; absent while the organization never had its own. */
  effective_at?: string;
  /** A shortening that applies once its grace period is over. */
  pending?: { plan: string | null; days: number | null; source: RetentionRule['source']; effective_at: string };
}

export function toRetentionView(
  config: RetentionConfig,
  organizationId: string,
  state: PolicyState,
): RetentionPolicyView {
  const current = resolveSetting(config, state.current);
  const pending = state.pending && { ...resolveSetting(config, state.pending.setting), at: state.pending.effectiveAt };
  return {
    organization_id: organizationId,
    plan: current.plan,
    days: current.days,
    source: current.source,
    ...(state.effectiveAt !== null && { effective_at: new Date(state.effectiveAt).toISOString() }),
    ...(pending && {
      pending: {
        plan: pending.plan,
        days: pending.days,
        source: pending.source,
        effective_at: new Date(pending.at).toISOString(),
      },
    }),
  };
}

/** JSON Schema of {@link RetentionPolicyView}, for the routes' response schemas. */
export const RETENTION_POLICY_SCHEMA = {
  type: 'object',
  required: ['organization_id', 'plan', 'days', 'source'],
  additionalProperties: false,
  properties: {
    organization_id: { type: 'string' },
    plan: { type: ['string', 'null'], description: 'the plan in force, or null for an explicit window' },
    days: { type: ['integer', 'null'], description: 'the window in days; null while the plan is not configured' },
    source: { type: 'string', enum: ['organization', 'project'] },
    effective_at: { type: 'string', format: 'date-time' },
    pending: {
      type: 'object',
      description: 'a shortening waiting out its grace period',
      required: ['plan', 'days', 'source', 'effective_at'],
      additionalProperties: false,
      properties: {
        plan: { type: ['string', 'null'] },
        days: { type: ['integer', 'null'] },
        source: { type: 'string', enum: ['organization', 'project'] },
        effective_at: { type: 'string', format: 'date-time' },
      },
    },
  },
} as const;
