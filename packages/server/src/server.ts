// The process: builds the app, listens, prints how to reach it, and shuts down gracefully on
// SIGTERM/SIGINT (pending events are committed before the process exits).
import { buildApp } from './app.js';
import type { Config } from './config.js';

export async function startServer(config: Config): Promise<void> {
  const app = await buildApp(config);
  const address = await app.listen({ port: config.port, host: config.host });
  const url = address.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  const banner = [
    `Auditledge is listening on ${url}`,
    `  storage: ${config.databaseUrl ? 'PostgreSQL' : `SQLite in ${config.dataDir}`}`,
  ];
  const adminKey = app.auditledge.initialAdminKey;
  if (adminKey) {
    banner.push(
      '',
      'First start: created the default project and an admin API key.',
      'Copy it now; it is shown only once and stored only as a hash:',
      '',
      `  ${adminKey}`,
      '',
    );
  }
  process.stdout.write(`${banner.join('\n')}\n`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: draining pending events');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
