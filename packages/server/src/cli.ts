// The `auditledge` command. Each command validates its flags, calls a service verb and prints.

import { once } from 'node:events';
import { createReadStream, createWriteStream, readFileSync, statSync, type WriteStream } from 'node:fs';
import { BundleVerifier } from '@auditledge/core';
import { Command, InvalidArgumentError } from 'commander';
import { createAppContext } from './app.js';
import { progressBar } from './cli-progress.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import type { Caller } from './context.js';
import { AppError } from './errors.js';
import { startServer } from './server.js';
import { createApiKey } from './services/api-keys/create-api-key.js';
import { listApiKeys } from './services/api-keys/list-api-keys.js';
import { revokeApiKey } from './services/api-keys/revoke-api-key.js';
import { listEvents } from './services/events/list-events.js';
import { exportEvents } from './services/exports/export-events.js';

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
        actor: { id: 'cli', type: 'cli' },
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
      const key = await revokeApiKey(ctx, { projectId, keyId: id, actor: { id: 'cli', type: 'cli' } });
      process.stdout.write(`Revoked ${key.id} at ${key.revoked_at}\n`);
    });
  });

const FILTER_OPTIONS = [
  ['--actor-id <id>', 'actor_id'],
  ['--actor-email <email>', 'actor_email'],
  ['--action <pattern>', 'action'],
  ['--resource-type <type>', 'resource_type'],
  ['--resource-id <id>', 'resource_id'],
  ['--outcome <outcome>', 'outcome'],
  ['--since <time>', 'since'],
  ['--until <time>', 'until'],
] as const;

function withFilterOptions(command: Command): Command {
  for (const [flag, param] of FILTER_OPTIONS) command.option(flag, `filter by ${param}`);
  return command;
}

function filterParams(flags: Record<string, unknown>, q: string[]): Record<string, string | undefined> {
  const params: Record<string, string | undefined> = { organization_id: flags.organization as string };
  for (const [flag, param] of FILTER_OPTIONS) {
    const name = flag.slice(2, flag.indexOf(' ')).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (flags[name] !== undefined) params[param] = String(flags[name]);
  }
  if (q.length > 0) params.q = q.join(' ');
  return params;
}

/** The CLI works on the data directory with the rights of the project owner. */
function ownerCaller(projectId: string): Caller {
  return { projectId, keyId: 'cli', scopes: ['admin'], organizationId: null };
}

withFilterOptions(
  program
    .command('query')
    .description('print events of one organization, newest first (JSON Lines)')
    .argument('[q...]', 'query language, e.g. actor:alice@acme.com action:invoice.* after:2026-05-01')
    .requiredOption('--organization <id>', 'the organization whose events to read')
    .option('--limit <n>', 'how many events (default 50)', '50')
    .option(...dataDirOption),
).action(async (q: string[], flags) => {
  await withContext(flags, async ({ ctx, projectId }) => {
    const params = { ...filterParams(flags, q), limit: String(flags.limit) };
    const page = await listEvents(ctx, ownerCaller(projectId), { params });
    for (const event of page.data) process.stdout.write(`${JSON.stringify(event)}\n`);
  });
});

withFilterOptions(
  program
    .command('export')
    .description("export one organization's events as CSV, JSON Lines or a verifiable bundle")
    .argument('[q...]', 'query language filter')
    .requiredOption('--organization <id>', 'the organization to export')
    .option('--format <format>', 'csv, jsonl or bundle', 'bundle')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--consistency-from <size>', 'bundle: also prove the log extends the checkpoint of this size')
    .option(...dataDirOption),
).action(async (q: string[], flags) => {
  await withContext(flags, async ({ ctx, projectId }) => {
    const params: Record<string, string | undefined> = { ...filterParams(flags, q), format: String(flags.format) };
    if (flags.consistencyFrom !== undefined) params.consistency_from = String(flags.consistencyFrom);
    const exported = await exportEvents(ctx, ownerCaller(projectId), { params });
    const out = flags.out ? createWriteStream(flags.out) : process.stdout;
    const bar = progressBar(`exporting ${exported.format}`);
    let lines = 0;
    for await (const chunk of exported.chunks) {
      lines += chunk.split('\n').length - 1;
      bar.update(lines);
      if (!out.write(chunk)) await once(out, 'drain');
    }
    bar.done();
    if (flags.out) {
      await new Promise<void>((resolve, reject) =>
        (out as WriteStream).end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
      process.stderr.write(`wrote ${flags.out}\n`);
    }
  });
});

program
  .command('verify')
  .description('verify an exported bundle offline against a pinned verifier key; exits 1 on any failure')
  .argument('<bundle>', 'bundle file written by `auditledge export --format bundle`')
  .requiredOption('--key <verifier-key>', 'the verifier key (GET /v1/verifier-key), e.g. name+1234abcd+AQ…')
  .option('--previous-checkpoint <file>', 'a checkpoint seen earlier: fail if the log was rolled back or rewritten')
  .option('--origin <origin>', 'require this checkpoint origin')
  .action(async (file: string, flags) => {
    const previousCheckpoint = flags.previousCheckpoint ? readFileSync(flags.previousCheckpoint, 'utf8') : undefined;
    const verifier = new BundleVerifier(String(flags.key).trim(), {
      ...(previousCheckpoint !== undefined && { previousCheckpoint }),
      ...(flags.origin !== undefined && { origin: flags.origin }),
    });
    const total = statSync(file).size;
    const bar = progressBar('verifying');
    let read = 0;
    const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
    for await (const chunk of stream) {
      read += Buffer.byteLength(chunk as string);
      if (!verifier.pushText(chunk as string)) break;
      bar.update(read, total);
    }
    stream.destroy();
    bar.done();
    const verdict = verifier.finish();
    if (verdict.ok) {
      const scope = verdict.complete ? 'every event of the log' : `a filtered export (${verdict.filter})`;
      const pruned =
        verdict.prunedEvents > 0
          ? `, ${verdict.prunedEvents.toLocaleString('en-US')} of them deleted by retention (position and leaf hash only)`
          : '';
      process.stdout.write(
        `OK: ${verdict.events.toLocaleString('en-US')} events verified (${scope}${pruned}) against the signed checkpoint of ${verdict.organizationId} at size ${verdict.treeSize.toLocaleString('en-US')}, root ${verdict.rootHash}\n`,
      );
      return;
    }
    const where = verdict.error.eventId
      ? ` (event ${verdict.error.eventId})`
      : verdict.error.sequence !== undefined
        ? ` (sequence ${verdict.error.sequence})`
        : '';
    process.stdout.write(
      `FAILED at line ${verdict.error.line}${where}: ${verdict.error.message} [${verdict.error.code}]\n`,
    );
    process.exitCode = 1;
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
