// Configuration is validated once at start (flags > environment > defaults) and frozen. A bad
// value stops the process with one clear line. Nothing else in the server reads process.env.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface Config {
  /** TCP port to listen on; 0 picks a free port. */
  readonly port: number;
  readonly host: string;
  /** Where the embedded SQLite database and generated keys live. */
  readonly dataDir: string;
  /** PostgreSQL connection string; when set, PostgreSQL is used instead of SQLite. */
  readonly databaseUrl: string | undefined;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Log origins are `<logOriginPrefix>/<project>/<organization_id>` in signed checkpoints. */
  readonly logOriginPrefix: string;
  /** The most events one group-commit transaction may carry. */
  readonly groupCommitMaxEvents: number;
  /**
   * The checkpoint signing key (note signer key `PRIVATE+KEY+…`), from AUDITLEDGE_SIGNING_KEY or
   * the file named by AUDITLEDGE_SIGNING_KEY_FILE; unset = generated into the data directory.
   */
  readonly signingKey: string | undefined;
  /** How often grown logs get a new signed checkpoint. */
  readonly checkpointIntervalMs: number;
  /**
   * Where browsers reach this server (AUDITLEDGE_PUBLIC_URL, e.g. `https://audit.example.com`);
   * viewer links are built on it. Unset: the request's own scheme and host.
   */
  readonly publicUrl: string | undefined;
  /**
   * Who may embed the customer viewer in a frame (AUDITLEDGE_FRAME_ANCESTORS, space-separated CSP
   * sources such as `https://app.example.com`); default `'self'`. The console is never framed.
   */
  readonly frameAncestors: readonly string[];
  /** How long event payloads are kept, by plan (docs/retention.md). */
  readonly retention: RetentionConfig;
}

/** Retention settings; organizations choose a plan or a window over the API. */
export interface RetentionConfig {
  /**
   * Named plans and their windows in days, from AUDITLEDGE_RETENTION_PLANS (a JSON object, which
   * replaces the defaults): `{"free": 30, "pro": 365, "enterprise": 2555}`.
   */
  readonly plans: Readonly<Record<string, number>>;
  /** The project default plan for organizations without their own (AUDITLEDGE_RETENTION_DEFAULT_PLAN, `enterprise`). */
  readonly defaultPlan: string;
  /** An explicit project default window (AUDITLEDGE_RETENTION_DEFAULT_DAYS) that wins over the plan's; null = the plan's. */
  readonly defaultDays: number | null;
  /** How long a shortened window waits before it applies (AUDITLEDGE_RETENTION_GRACE_DAYS, 7). */
  readonly graceDays: number;
  /** How often the retention job runs (AUDITLEDGE_RETENTION_INTERVAL_MS, hourly). */
  readonly intervalMs: number;
  /** Events deleted per transaction (AUDITLEDGE_RETENTION_BATCH_SIZE, 1000). */
  readonly batchSize: number;
}

export const DEFAULT_RETENTION_PLANS: Readonly<Record<string, number>> = Object.freeze({
  free: 30,
  pro: 365,
  enterprise: 2555,
});
/** The longest window a plan or organization may have: a century, in days. */
export const MAX_RETENTION_DAYS = 36_500;

export const DEFAULT_PORT = 4680;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface ConfigSources {
  /** Command-line flags, already parsed (highest precedence). */
  flags?: Partial<Record<'port' | 'host' | 'dataDir' | 'databaseUrl' | 'logLevel', string | number | undefined>>;
  /** Usually process.env. */
  env?: Record<string, string | undefined>;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Builds the frozen config; throws ConfigError naming the bad setting. */
export function loadConfig(sources: ConfigSources = {}): Config {
  const flags = sources.flags ?? {};
  const env = sources.env ?? {};
  const pick = (flag: keyof NonNullable<ConfigSources['flags']>, ...envNames: string[]) => {
    const fromFlag = flags[flag];
    if (fromFlag !== undefined && fromFlag !== '') return { value: String(fromFlag), source: `--${kebab(flag)}` };
    for (const name of envNames) {
      const value = env[name];
      if (value !== undefined && value !== '') return { value, source: name };
    }
    return undefined;
  };

  const portSetting = pick('port', 'AUDITLEDGE_PORT', 'PORT');
  const port = portSetting ? Number(portSetting.value) : DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${portSetting?.source} must be a port number 0-65535, got "${portSetting?.value}"`);
  }
  const host = pick('host', 'AUDITLEDGE_HOST')?.value ?? '127.0.0.1';
  const dataDir = resolve(pick('dataDir', 'AUDITLEDGE_DATA_DIR')?.value ?? '.auditledge');
  const databaseUrlSetting = pick('databaseUrl', 'DATABASE_URL');
  if (databaseUrlSetting && !/^postgres(ql)?:\/\//.test(databaseUrlSetting.value)) {
    throw new ConfigError(`${databaseUrlSetting.source} must be a postgres:// or postgresql:// URL`);
  }
  const logLevelSetting = pick('logLevel', 'AUDITLEDGE_LOG_LEVEL', 'LOG_LEVEL');
  const logLevel = (logLevelSetting?.value ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`${logLevelSetting?.source} must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const logOriginPrefix = env.AUDITLEDGE_LOG_ORIGIN_PREFIX ?? 'auditledge.local';
  if (!/^[\x21-\x7e]+$/.test(logOriginPrefix) || logOriginPrefix.includes('+')) {
    throw new ConfigError('AUDITLEDGE_LOG_ORIGIN_PREFIX must be printable ASCII without spaces or "+"');
  }
  const groupCommitMaxEvents = Number(env.AUDITLEDGE_GROUP_COMMIT_MAX_EVENTS ?? 5000);
  if (!Number.isInteger(groupCommitMaxEvents) || groupCommitMaxEvents < 1) {
    throw new ConfigError('AUDITLEDGE_GROUP_COMMIT_MAX_EVENTS must be a positive integer');
  }

  let signingKey = env.AUDITLEDGE_SIGNING_KEY;
  if (signingKey === undefined && env.AUDITLEDGE_SIGNING_KEY_FILE) {
    try {
      signingKey = readFileSync(env.AUDITLEDGE_SIGNING_KEY_FILE, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(`AUDITLEDGE_SIGNING_KEY_FILE cannot be read: ${(error as Error).message}`);
    }
  }
  const checkpointIntervalMs = Number(env.AUDITLEDGE_CHECKPOINT_INTERVAL_MS ?? 1000);
  if (!Number.isInteger(checkpointIntervalMs) || checkpointIntervalMs < 50) {
    throw new ConfigError('AUDITLEDGE_CHECKPOINT_INTERVAL_MS must be an integer of at least 50');
  }

  const publicUrl = env.AUDITLEDGE_PUBLIC_URL?.replace(/\/+$/, '') || undefined;
  if (publicUrl !== undefined && !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(publicUrl)) {
    throw new ConfigError('AUDITLEDGE_PUBLIC_URL must be an http(s) URL without query or fragment');
  }
  const frameAncestors = (env.AUDITLEDGE_FRAME_ANCESTORS ?? "'self'").split(/\s+/).filter((source) => source !== '');
  const CSP_SOURCE = /^(?:'self'|'none'|\*|https?:|(?:https?:\/\/)?(?:\*\.)?[A-Za-z0-9.-]+(?::(?:\d{1,5}|\*))?)$/;
  const badSource = frameAncestors.find((source) => !CSP_SOURCE.test(source));
  if (badSource !== undefined || frameAncestors.length === 0) {
    throw new ConfigError(
      `AUDITLEDGE_FRAME_ANCESTORS must be space-separated CSP sources like 'self' https://app.example.com, got "${badSource ?? ''}"`,
    );
  }

  return Object.freeze({
    port,
    host,
    dataDir,
    databaseUrl: databaseUrlSetting?.value,
    logLevel,
    logOriginPrefix,
    groupCommitMaxEvents,
    signingKey,
    checkpointIntervalMs,
    publicUrl,
    frameAncestors: Object.freeze(frameAncestors),
    retention: loadRetentionConfig(env),
  });
}

function loadRetentionConfig(env: Record<string, string | undefined>): RetentionConfig {
  const plans: Record<string, number> = Object.create(null);
  if (env.AUDITLEDGE_RETENTION_PLANS === undefined || env.AUDITLEDGE_RETENTION_PLANS === '') {
    Object.assign(plans, DEFAULT_RETENTION_PLANS);
  } else {
    const usage = `AUDITLEDGE_RETENTION_PLANS must be a JSON object of plan names (a-z, 0-9, _ or -) to days 1-${MAX_RETENTION_DAYS}, like {"free":30,"pro":365}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(env.AUDITLEDGE_RETENTION_PLANS);
    } catch {
      throw new ConfigError(usage);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || Object.keys(parsed).length === 0) {
      throw new ConfigError(usage);
    }
    for (const [name, days] of Object.entries(parsed)) {
      if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name) || !isDays(days)) {
        throw new ConfigError(`${usage}; got ${JSON.stringify(name)}: ${JSON.stringify(days)}`);
      }
      plans[name] = days;
    }
  }
  const defaultPlan = env.AUDITLEDGE_RETENTION_DEFAULT_PLAN || 'enterprise';
  if (!Object.hasOwn(plans, defaultPlan)) {
    throw new ConfigError(
      `AUDITLEDGE_RETENTION_DEFAULT_PLAN must name a plan (${Object.keys(plans).join(', ')}), got "${defaultPlan}"`,
    );
  }
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    }
    return value;
  };
  const defaultDays =
    env.AUDITLEDGE_RETENTION_DEFAULT_DAYS === undefined || env.AUDITLEDGE_RETENTION_DEFAULT_DAYS === ''
      ? null
      : integer('AUDITLEDGE_RETENTION_DEFAULT_DAYS', 0, 1, MAX_RETENTION_DAYS);
  return Object.freeze({
    plans: Object.freeze(plans),
    defaultPlan,
    defaultDays,
    graceDays: integer('AUDITLEDGE_RETENTION_GRACE_DAYS', 7, 0, 365),
    intervalMs: integer('AUDITLEDGE_RETENTION_INTERVAL_MS', 3_600_000, 1000, 7 * 24 * 3_600_000),
    batchSize: integer('AUDITLEDGE_RETENTION_BATCH_SIZE', 1000, 1, 10_000),
  });
}

function isDays(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_RETENTION_DAYS;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
