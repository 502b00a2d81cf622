// buildApp(config) assembles the Fastify app, its store and ledger without listening on a socket:
// server.ts listens; tests drive the app with app.inject().
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { authenticateHttp } from './auth/session.js';
import type { Config } from './config.js';
import type { AppContext, Caller } from './context.js';
import { AppError } from './errors.js';
import { registerOpenApi } from './http/openapi.js';
import { sendProblem, toAppError } from './http/problem.js';
import { Checkpointer } from './ledger/checkpointer.js';
import { Ledger } from './ledger/ledger.js';
import { RetentionPruner } from './ledger/retention-pruner.js';
import { loadSigningKey } from './ledger/signing-key.js';
import { registerActionRoutes } from './routes/actions.js';
import { registerApiKeyRoutes } from './routes/api-keys.js';
import { registerDashboard } from './routes/dashboard.js';
import { registerDocsRoutes } from './routes/docs.js';
import { registerEventRoutes } from './routes/events.js';
import { registerExportRoutes } from './routes/exports.js';
import { registerLogRoutes } from './routes/logs.js';
import { registerOperationsRoutes } from './routes/operations.js';
import { registerOrganizationRoutes } from './routes/organizations.js';
import { registerRetentionRoutes } from './routes/retention.js';
import { registerViewerRoutes } from './routes/viewer.js';
import { ensureDefaultProject } from './services/projects/ensure-default-project.js';
import { PostgresStore } from './store/postgres/postgres-store.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import type { Store } from './store/store.js';

export type { Config } from './config.js';
export { ConfigError, loadConfig } from './config.js';

declare module 'fastify' {
  interface FastifyInstance {
    auditledge: AppContext & {
      /** The default project's id. */
      defaultProjectId: string;
      /** Set only on the very first start: the admin key created with the default project. */
      initialAdminKey: string | undefined;
    };
  }
  interface FastifyRequest {
    /** The authenticated caller; set by `authenticateRequest`. */
    caller: Caller | null;
  }
}

export interface BuildAppOptions {
  /** Clock override for tests. */
  now?: () => number;
  /** Use this store instead of opening one from the config. */
  store?: Store;
  /** Fastify logger: pass false to silence (tests), or pino options. */
  logger?: boolean | Record<string, unknown>;
  /** Sees every route as it is registered (tests: every route has a response schema). */
  onRoute?: (route: RouteOptions) => void;
}

/** The largest request body any route accepts: a 1000-event batch of up to 5 MiB. */
export const MAX_BATCH_BODY_BYTES = 5 * 1024 * 1024;

/**
 * Opens the store, creates the default project on first start, and wires the ledger. Shared by
 * the HTTP app and the CLI commands that work on a data directory directly.
 */
export async function createAppContext(
  config: Config,
  options: Pick<BuildAppOptions, 'now' | 'store'> = {},
): Promise<{ ctx: AppContext; projectId: string; adminKey: string | undefined }> {
  const store = options.store ?? (await openStore(config));
  const now = options.now ?? Date.now;
  const ledger = new Ledger({ store, maxEventsPerCommit: config.groupCommitMaxEvents });
  const cursorKey = await store.getOrCreateSecret('cursor_hmac_key', () => randomBytes(32));
  const signingKey = loadSigningKey({
    dataDir: config.dataDir,
    keyName: config.logOriginPrefix,
    signingKey: config.signingKey,
  });
  const checkpointer = new Checkpointer({ store, key: signingKey, originPrefix: config.logOriginPrefix, now });
  const retention = new RetentionPruner({ store, config: config.retention, now });
  const ctx: AppContext = { config, store, ledger, now, cursorKey, signingKey, checkpointer, retention };
  const { projectId, adminKey } = await ensureDefaultProject(ctx);
  return { ctx, projectId, adminKey };
}

export async function buildApp(config: Config, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const { ctx, projectId, adminKey } = await createAppContext(config, options);
  const { store, ledger } = ctx;

  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: config.logLevel,
            // Secrets never reach a log line: credentials live only in these headers.
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["idempotency-key"]'],
              censor: '[redacted]',
            },
            ...(typeof options.logger === 'object' ? options.logger : {}),
          },
    bodyLimit: MAX_BATCH_BODY_BYTES,
    // Organization ids (up to 256 characters, URL-encoded up to 3× that) travel in paths.
    routerOptions: { maxParamLength: 1024 },
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    return503OnClosing: true,
  });
  app.decorate('auditledge', { ...ctx, defaultProjectId: projectId, initialAdminKey: adminKey });
  app.decorateRequest('caller', null);
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  // Before any route: the OpenAPI generator collects routes as they are added.
  await registerOpenApi(app);

  // JSON.parse keeps "__proto__" as a plain own property (no prototype pollution), so validation
  // can name the offending field instead of the parser rejecting the body blindly.
  // Only JSON is accepted; anything else is a 415 (Fastify would otherwise take text/plain).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === '') {
      done(new AppError('malformed_json', 'the request body is empty; send a JSON object'), undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(
        new AppError('malformed_json', `the request body is not valid JSON: ${(error as Error).message}`),
        undefined,
      );
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error as Error);
    if (appError) return sendProblem(reply, request, appError);
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(
      reply,
      request,
      new AppError('internal', 'an unexpected error occurred; quote the request_id when reporting it'),
    );
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, request, new AppError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  const authenticateRequest = async (request: import('fastify').FastifyRequest) => {
    // API key, viewer token or viewer session as a bearer; else the console's session cookie.
    request.caller = await authenticateHttp(ctx, request);
  };
  // Dashboard first: its security headers (CSP) and export recording hook cover every route.
  await registerDashboard(app, ctx, authenticateRequest);
  registerViewerRoutes(app, ctx, authenticateRequest);
  registerOperationsRoutes(app, ctx);
  registerEventRoutes(app, ctx, authenticateRequest);
  registerApiKeyRoutes(app, ctx, authenticateRequest);
  registerLogRoutes(app, ctx, authenticateRequest);
  registerExportRoutes(app, ctx, authenticateRequest);
  registerOrganizationRoutes(app, ctx, authenticateRequest);
  registerRetentionRoutes(app, ctx, authenticateRequest);
  registerActionRoutes(app, ctx, authenticateRequest);
  registerDocsRoutes(app);

  ctx.checkpointer.start(config.checkpointIntervalMs, (error) =>
    app.log.error({ err: error }, 'signing checkpoints failed; will retry'),
  );
  ctx.retention.start(
    config.retention.intervalMs,
    (report) => {
      if (report.events > 0) app.log.info({ retention: report }, 'retention deleted expired events');
      if (report.unresolved.length > 0) {
        app.log.warn(
          { organizations: report.unresolved.slice(0, 100) },
          'retention skipped organizations whose plan is not configured; nothing of theirs was deleted',
        );
      }
    },
    (error) => app.log.error({ err: error }, 'retention pass failed; will retry'),
  );
  app.addHook('onClose', async () => {
    await ctx.retention.stop();
    // Drain first: every queued event is committed (and covered by a checkpoint) before the store closes.
    await ledger.close();
    await ctx.checkpointer.stop();
    await store.close();
  });
  return app;
}

async function openStore(config: Config): Promise<Store> {
  // PostgreSQL when DATABASE_URL is set: many stateless nodes may share it (docs/postgres.md).
  if (config.databaseUrl !== undefined) return PostgresStore.open({ connectionString: config.databaseUrl });
  return SqliteStore.open({ filename: join(config.dataDir, 'auditledge.db') });
}
