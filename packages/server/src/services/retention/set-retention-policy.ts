// Changes an organization's retention. Every change is recorded in the organization's own log
// (`retention.changed`) before it is stored; a shorter window only applies after the grace
// period, a longer one (or cancelling a pending shortening) at once.
import { EVENT_LIMITS, hasControlCharacter, isWellFormed } from '@auditledge/core';
import { MAX_RETENTION_DAYS, type RetentionConfig } from '../../config.js';
import type { AppContext, Caller } from '../../context.js';
import { AppError } from '../../errors.js';
import {
  changeSetting,
  policyState,
  type RetentionSetting,
  resolveSetting,
  toPolicyRow,
} from '../../ledger/retention-policy.js';
import {
  metaActor,
  RESERVED_ORGANIZATION_PREFIX,
  recordMetaEvent,
  SYSTEM_ORGANIZATION_ID,
} from '../meta/record-meta-event.js';
import { type RetentionPolicyView, toRetentionView } from './retention-view.js';

export interface RetentionInput {
  organizationId: string;
  /** Neither plan nor days: follow the project default. */
  setting: RetentionSetting;
  /** Who asked, for the meta event (ip, user agent). */
  requestMetadata?: Record<string, string>;
}

/** Validates an organization id taken from a path. */
export function checkOrganizationId(organizationId: string): void {
  const issue =
    organizationId.length === 0
      ? 'must not be empty'
      : organizationId.length > EVENT_LIMITS.maxOrganizationIdLength
        ? `must be at most ${EVENT_LIMITS.maxOrganizationIdLength} characters`
        : hasControlCharacter(organizationId) || !isWellFormed(organizationId)
          ? 'must be valid Unicode without control characters'
          : organizationId.startsWith(RESERVED_ORGANIZATION_PREFIX) && organizationId !== SYSTEM_ORGANIZATION_ID
            ? `is reserved: of the ids starting with "${RESERVED_ORGANIZATION_PREFIX}" only ${SYSTEM_ORGANIZATION_ID} has a log`
            : undefined;
  if (issue)
    throw new AppError('invalid_request', `organization_id ${issue}`, [{ path: 'organization_id', message: issue }]);
}

/** Validates the body of PUT /v1/organizations/{id}/retention: `{ plan?, days? }`. */
export function parseRetentionBody(config: RetentionConfig, body: unknown): RetentionSetting {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError('invalid_request', 'the body must be a JSON object { "plan"?, "days"? }', [
      { path: '', message: 'must be an object' },
    ]);
  }
  const plans = Object.keys(config.plans);
  const issues: { path: string; message: string }[] = [];
  const setting: RetentionSetting = { plan: null, days: null };
  for (const [key, value] of Object.entries(body)) {
    if (key === 'plan') {
      if (value === null) continue;
      if (typeof value === 'string' && Object.hasOwn(config.plans, value)) setting.plan = value;
      else issues.push({ path: 'plan', message: `must be one of ${plans.join(', ')}` });
    } else if (key === 'days') {
      if (value === null) continue;
      if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_RETENTION_DAYS) {
        setting.days = value;
      } else {
        issues.push({ path: 'days', message: `must be an integer from 1 to ${MAX_RETENTION_DAYS}` });
      }
    } else {
      issues.push({ path: key, message: 'is not a known field; use plan or days' });
    }
  }
  if (issues.length > 0) throw new AppError('invalid_request', `${issues[0]?.path} ${issues[0]?.message}`, issues);
  return setting;
}

export async function setRetentionPolicy(
  ctx: AppContext,
  caller: Caller,
  input: RetentionInput,
): Promise<RetentionPolicyView> {
  const config = ctx.config.retention;
  const now = ctx.now();
  const row = await ctx.store.getRetentionPolicy(caller.projectId, input.organizationId);
  const { state, change } = changeSetting(config, row, input.setting, now);
  if (change !== 'unchanged') {
    const from = resolveSetting(config, policyState(row, now).current);
    const to = resolveSetting(config, input.setting);
    const effectiveAt = state.pending?.effectiveAt ?? now;
    // Recorded first: no change to what will be deleted is ever stored without its record.
    await recordMetaEvent(ctx, {
      projectId: caller.projectId,
      organizationId: input.organizationId,
      action: 'retention.changed',
      actor: metaActor(caller),
      resource: { type: 'retention_policy', id: input.organizationId },
      metadata: {
        ...input.requestMetadata,
        change,
        from_source: from.source,
        ...(from.plan !== null && { from_plan: from.plan }),
        ...(from.days !== null && { from_days: from.days }),
        to_source: to.source,
        ...(to.plan !== null && { to_plan: to.plan }),
        ...(to.days !== null && { to_days: to.days }),
        effective_at: new Date(effectiveAt).toISOString(),
      },
    });
    await ctx.store.putRetentionPolicy(toPolicyRow(caller.projectId, input.organizationId, state, now));
  }
  return toRetentionView(config, input.organizationId, state);
}
