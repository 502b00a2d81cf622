// Retention configuration and the pure policy rules: which window applies when, and what a change does.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type RetentionConfig } from '../src/config.js';
import { changeSetting, DAY_MS, policyState, retentionRule, toPolicyRow } from '../src/ledger/retention-policy.js';

const retentionConfig = (env: Record<string, string> = {}): RetentionConfig => loadConfig({ env }).retention;

describe('retention configuration', () => {
  it('has documented defaults', () => {
    expect(retentionConfig()).toEqual({
      plans: { free: 30, pro: 365, enterprise: 2555 },
      defaultPlan: 'enterprise',
      defaultDays: null,
      graceDays: 7,
      intervalMs: 3_600_000,
      batchSize: 1000,
    });
  });

  it('takes plans as JSON (replacing the defaults), a default plan or window, a grace period', () => {
    const config = retentionConfig({
      AUDITLEDGE_RETENTION_PLANS: '{"basic": 90, "regulated": 3650}',
      AUDITLEDGE_RETENTION_DEFAULT_PLAN: 'basic',
      AUDITLEDGE_RETENTION_DEFAULT_DAYS: '120',
      AUDITLEDGE_RETENTION_GRACE_DAYS: '0',
      AUDITLEDGE_RETENTION_INTERVAL_MS: '60000',
      AUDITLEDGE_RETENTION_BATCH_SIZE: '500',
    });
    expect({ ...config, plans: { ...config.plans } }).toEqual({
      plans: { basic: 90, regulated: 3650 },
      defaultPlan: 'basic',
      defaultDays: 120,
      graceDays: 0,
      intervalMs: 60_000,
      batchSize: 500,
    });
    expect(Object.isFrozen(config.plans)).toBe(true);
  });

  it.each([
    [{ AUDITLEDGE_RETENTION_PLANS: 'free=30' }, /AUDITLEDGE_RETENTION_PLANS must be a JSON object/],
    [{ AUDITLEDGE_RETENTION_PLANS: '[30]' }, /AUDITLEDGE_RETENTION_PLANS/],
    [{ AUDITLEDGE_RETENTION_PLANS: '{}' }, /AUDITLEDGE_RETENTION_PLANS/],
    [{ AUDITLEDGE_RETENTION_PLANS: '{"free": 0, "enterprise": 1}' }, /got "free": 0/],
    [{ AUDITLEDGE_RETENTION_PLANS: '{"free": 1.5, "enterprise": 1}' }, /got "free": 1.5/],
    [{ AUDITLEDGE_RETENTION_PLANS: '{"Free Plan": 30, "enterprise": 1}' }, /got "Free Plan": 30/],
    [{ AUDITLEDGE_RETENTION_PLANS: '{"basic": 30}' }, /AUDITLEDGE_RETENTION_DEFAULT_PLAN must name a plan \(basic\)/],
    [{ AUDITLEDGE_RETENTION_DEFAULT_PLAN: 'gold' }, /must name a plan \(free, pro, enterprise\), got "gold"/],
    [{ AUDITLEDGE_RETENTION_DEFAULT_PLAN: 'constructor' }, /must name a plan/],
    [{ AUDITLEDGE_RETENTION_DEFAULT_DAYS: '0' }, /AUDITLEDGE_RETENTION_DEFAULT_DAYS must be an integer from 1/],
    [{ AUDITLEDGE_RETENTION_GRACE_DAYS: '-1' }, /AUDITLEDGE_RETENTION_GRACE_DAYS must be an integer from 0 to 365/],
    [{ AUDITLEDGE_RETENTION_INTERVAL_MS: '10' }, /AUDITLEDGE_RETENTION_INTERVAL_MS/],
    [{ AUDITLEDGE_RETENTION_BATCH_SIZE: 'many' }, /AUDITLEDGE_RETENTION_BATCH_SIZE/],
  ])('refuses %j with one clear line', (env, message) => {
    expect(() => loadConfig({ env })).toThrow(ConfigError);
    expect(() => loadConfig({ env })).toThrow(message);
  });
});

describe('retention policy rules', () => {
  const config = retentionConfig();
  const NOW = Date.UTC(2026, 0, 1);
  const row = (state: ReturnType<typeof changeSetting>['state']) => toPolicyRow('prj', 'org', state, NOW);

  it('follows the project default until an organization chooses, and a window wins over its plan', () => {
    expect(retentionRule(config, undefined, NOW)).toEqual({ plan: 'enterprise', days: 2555, source: 'project' });
    const withDays = { ...retentionConfig({ AUDITLEDGE_RETENTION_DEFAULT_DAYS: '400' }) };
    expect(retentionRule(withDays, undefined, NOW)).toEqual({ plan: 'enterprise', days: 400, source: 'project' });
    const { state } = changeSetting(config, undefined, { plan: 'enterprise', days: 3000 }, NOW);
    expect(retentionRule(config, row(state), NOW)).toEqual({ plan: 'enterprise', days: 3000, source: 'organization' });
  });

  it('applies a pending shortening exactly when its grace period ends', () => {
    const { state, change } = changeSetting(config, undefined, { plan: 'pro', days: null }, NOW);
    expect(change).toBe('scheduled');
    const stored = row(state);
    expect(stored).toMatchObject({ plan: null, days: null, effective_at: null, pending_plan: 'pro' });
    expect(retentionRule(config, stored, NOW + 7 * DAY_MS - 1)?.days).toBe(2555);
    expect(retentionRule(config, stored, NOW + 7 * DAY_MS)).toEqual({ plan: 'pro', days: 365, source: 'organization' });
    expect(policyState(stored, NOW + 7 * DAY_MS)).toEqual({
      current: { plan: 'pro', days: null },
      effectiveAt: NOW + 7 * DAY_MS,
      pending: null,
    });
  });

  it('with no grace period configured, a shortening applies at once', () => {
    const impatient = retentionConfig({ AUDITLEDGE_RETENTION_GRACE_DAYS: '0' });
    const { state } = changeSetting(impatient, undefined, { plan: 'free', days: null }, NOW);
    expect(retentionRule(impatient, row(state), NOW)?.days).toBe(30);
  });

  it('keeps everything for an organization whose plan left the config, and treats any window as shorter', () => {
    const { state } = changeSetting(config, undefined, { plan: 'pro', days: 3000 }, NOW);
    const stored = { ...row(state), days: null };
    const reduced = retentionConfig({ AUDITLEDGE_RETENTION_PLANS: '{"free": 30, "enterprise": 2555}' });
    expect(retentionRule(reduced, stored, NOW)).toBeNull();
    expect(changeSetting(reduced, stored, { plan: 'enterprise', days: null }, NOW).change).toBe('scheduled');
  });
});
