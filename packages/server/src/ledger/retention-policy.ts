// Retention policy rules, pure: which window applies to an organization at a given instant, and
// how a requested change is applied. A longer window applies at once; a shorter one waits out the
// grace period, so one stolen admin key cannot delete history at once (docs/retention.md).
import type { RetentionConfig } from '../config.js';
import type { RetentionPolicyRow, RetentionRule } from '../store/store.js';

export const DAY_MS = 86_400_000;

/** What an organization asks for: a plan, a window, both (the window wins), or neither (the project default). */
export interface RetentionSetting {
  plan: string | null;
  days: number | null;
}

export interface ResolvedRetention {
  plan: string | null;
  /** null only when the setting names a plan the config no longer has: then nothing is pruned. */
  days: number | null;
  source: RetentionRule['source'];
}

/** A stored row read at one instant: a pending change that is due is already in force. */
export interface PolicyState {
  current: RetentionSetting;
  /** When the setting in force took effect; null when the organization never had a setting. */
  effectiveAt: number | null;
  pending: { setting: RetentionSetting; effectiveAt: number } | null;
}

const PROJECT_DEFAULT: RetentionSetting = { plan: null, days: null };

export function planDays(config: RetentionConfig, plan: string): number | undefined {
  return Object.hasOwn(config.plans, plan) ? config.plans[plan] : undefined;
}

export function resolveSetting(config: RetentionConfig, setting: RetentionSetting): ResolvedRetention {
  if (setting.plan === null && setting.days === null) {
    const days = config.defaultDays ?? planDays(config, config.defaultPlan) ?? null;
    return { plan: config.defaultPlan, days, source: 'project' };
  }
  const days = setting.days ?? (setting.plan === null ? undefined : planDays(config, setting.plan)) ?? null;
  return { plan: setting.plan, days, source: 'organization' };
}

export function policyState(row: RetentionPolicyRow | null | undefined, now: number): PolicyState {
  if (!row) return { current: PROJECT_DEFAULT, effectiveAt: null, pending: null };
  const current = { plan: row.plan, days: row.days };
  if (row.pending_effective_at === null) return { current, effectiveAt: row.effective_at, pending: null };
  const pending = {
    setting: { plan: row.pending_plan, days: row.pending_days },
    effectiveAt: row.pending_effective_at,
  };
  if (pending.effectiveAt <= now) return { current: pending.setting, effectiveAt: pending.effectiveAt, pending: null };
  return { current, effectiveAt: row.effective_at, pending };
}

/** The rule the retention job applies at `now`, or null when nothing may be pruned. */
export function retentionRule(
  config: RetentionConfig,
  row: RetentionPolicyRow | null | undefined,
  now: number,
): RetentionRule | null {
  const resolved = resolveSetting(config, policyState(row, now).current);
  return resolved.days === null ? null : { plan: resolved.plan, days: resolved.days, source: resolved.source };
}

/** `cancelled`: the window in force was asked for again, dropping a pending shortening. */
export type RetentionChange = 'unchanged' | 'applied' | 'scheduled' | 'cancelled';

/**
 * Applies a requested setting at `now`. A window at least as long as the one in force applies at
 * once (and cancels a pending shortening); a shorter one is scheduled `graceDays` ahead. Asking
 * again for a shortening that deletes no more than the one already scheduled keeps its date, so
 * repeating or softening a request never postpones it, and nothing can bring one forward.
 */
export function changeSetting(
  config: RetentionConfig,
  row: RetentionPolicyRow | null | undefined,
  requested: RetentionSetting,
  now: number,
): { state: PolicyState; change: RetentionChange } {
  const before = policyState(row, now);
  // A plan the config lost keeps everything, so any window is shorter than it.
  const currentDays = resolveSetting(config, before.current).days ?? Number.POSITIVE_INFINITY;
  const requestedDays = resolveSetting(config, requested).days ?? Number.POSITIVE_INFINITY;
  let state: PolicyState;
  if (requestedDays >= currentDays) {
    const same = sameSetting(requested, before.current);
    state = { current: requested, effectiveAt: same ? before.effectiveAt : now, pending: null };
  } else {
    const scheduled = before.pending;
    const scheduledDays = scheduled ? resolveSetting(config, scheduled.setting).days : null;
    const keptDate =
      scheduled && scheduledDays !== null && scheduledDays <= requestedDays ? scheduled.effectiveAt : null;
    state = {
      current: before.current,
      effectiveAt: before.effectiveAt,
      pending: { setting: requested, effectiveAt: keptDate ?? now + config.graceDays * DAY_MS },
    };
  }
  const unchanged =
    sameSetting(state.current, before.current) &&
    (state.pending === null
      ? before.pending === null
      : before.pending !== null &&
        sameSetting(state.pending.setting, before.pending.setting) &&
        state.pending.effectiveAt === before.pending.effectiveAt);
  if (unchanged) return { state: before, change: 'unchanged' };
  if (state.pending !== null) return { state, change: 'scheduled' };
  return { state, change: sameSetting(state.current, before.current) ? 'cancelled' : 'applied' };
}

export function toPolicyRow(
  projectId: string,
  organizationId: string,
  state: PolicyState,
  now: number,
): RetentionPolicyRow {
  return {
    project_id: projectId,
    organization_id: organizationId,
    plan: state.current.plan,
    days: state.current.days,
    effective_at: state.effectiveAt,
    pending_plan: state.pending?.setting.plan ?? null,
    pending_days: state.pending?.setting.days ?? null,
    pending_effective_at: state.pending?.effectiveAt ?? null,
    updated_at: now,
  };
}

function sameSetting(a: RetentionSetting, b: RetentionSetting): boolean {
  return a.plan === b.plan && a.days === b.days;
}
