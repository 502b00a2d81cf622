// The `auditledge` command. Each command validates its flags, calls a service verb and prints.
import { Command, InvalidArgumentError } from 'commander';
import { createAppContext } from './app.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { AppError } from './errors.js';
import { startServer } from './server.js';
import { createApiKey } from './services/api-keys/create-api-key.js';
import { listApiKeys } from './services/api-keys/list-api-keys.js';
import { revokeApiKey } from './services/api-keys/revoke-api-key.js';

const program = new Command('auditledge')
  .description('Tamper-evident audit-log service: ingest, query and verify audit events')
  .showHelpAfterError();

const dataDirOption = [
  '--data-dir <dir>',
  'data directory of the embedded SQLite database (default ./.auditledge)',
] as const;

function config(flags: Record<string, unknown>): Config {
  return loadConfig({
    flags: {
      port: flags.port as number | undefined,
      host: flags.host as string | undefined,
      dataDir: flags.dataDir as string | undefined,
    },
    env: process.env,
  });
}

/** Runs a command against the store, closing it afterwards so the process can exit. */
async function withContext<T>(
  flags: Record<string, unknown>,
  fn: (c: Awaited<ReturnType<typeof createAppContext>>) => Promise<T>,
): Promise<T> {
  const context = await createAppContext({ ...config(flags), logLevel: 'silent' });
  try {
    return await fn(context);
  } finally {
    await context.ctx.ledger.close();
    await context.ctx.store.close();
  }
}

program
  .command('serve')
  .description('start the HTTP server (PostgreSQL when DATABASE_URL is set, else embedded SQLite)')
  .option('--port <port>', 'port to listen on (default 4680, or AUDITLEDGE_PORT)', parsePort)
  .option('--host <host>', 'interface to bind (default 127.0.0.1, or AUDITLEDGE_HOST)')
  .option(...dataDirOption)
  .action(async (flags) => {
    await startServer(config(flags));
  });

const keys = program.command('keys').description('manage API keys of the default project');

keys
  .command('create')
  .description('create an API key; the secret is printed alone on the last line')
  .option('--name <name>', 'a label for the key', 'cli key')
  .option('--scopes <scopes>', 'comma-separated: events:write, events:read, admin', 'events:write,events:read')
  .option('--organization <id>', 'pin the key to one organization')
  .option(...dataDirOption)
  .action(async (flags) => {
    await withContext(flags, async ({ ctx, projectId }) => {
      const key = await createApiKey(ctx, {
        projectId,
        name: flags.name,
        scopes: String(flags.scopes)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        organizationId: flags.organization ?? null,
      });
      const pinned = key.organization_id ? ` pinned to organization ${key.organization_id}` : '';
      process.stdout.write(`Created ${key.id} (${key.scopes.join(', ')})${pinned}. The secret is shown only once:\n`);
      process.stdout.write(`${key.secret}\n`);
    });
  });

keys
  .command('list')
  .description('list API keys (never their secrets)')
  .option('--json', 'print JSON')
  .option(...dataDirOption)
  .action(async (flags) => {
    await withContext(flags, async ({ ctx, projectId }) => {
      const all = await listApiKeys(ctx, { projectId });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
        return;
      }
      for (const key of all) {
        const state = key.revoked_at ? `revoked ${key.revoked_at}` : 'active';
        const org = key.organization_id ? ` org=${key.organization_id}` : '';
        process.stdout.write(`${key.id}\t${state}\t${key.scopes.join(',')}${org}\t${key.name}\n`);
      }
    });
  });

keys
  .command('revoke')
  .description('revoke an API key by id')
  .argument('<id>', 'key id, e.g. key_…')
  .option(...dataDirOption)
  .action(async (id: string, flags) => {
    await withContext(flags, async ({ ctx, projectId }) => {
      const key = await revokeApiKey(ctx, { projectId, keyId: id });
      process.stdout.write(`Revoked ${key.id} at ${key.revoked_at}\n`);
    });
  });

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be a port 0-65535');
  return port;
}

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof AppError) {
    process.stderr.write(`auditledge: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
});
