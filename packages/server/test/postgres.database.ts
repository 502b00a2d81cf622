// Fresh PostgreSQL databases for tests: each test run creates its own database on the machine's
// server (127.0.0.1:5432, trust auth, user postgres or root) and drops it afterwards.
// When the server is unreachable the PostgreSQL tests are skipped with one notice, except in CI
// (CI=true), where they run anyway and fail: CI must never go green without PostgreSQL.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const HOST = process.env.PGHOST ?? '127.0.0.1';
const PORT = Number(process.env.PGPORT ?? 5432);
const USERS = process.env.PGUSER ? [process.env.PGUSER] : ['postgres', 'root'];

export interface FreshDatabase {
  name: string;
  /** A connection string as the superuser that created it (the schema owner). */
  ownerUrl: string;
  /** The same database as the `auditledge_app` role (SET ROLE at connection start). */
  appUrl: string;
  /** Runs SQL as the owner on a short-lived connection. */
  execute(sql: string): Promise<pg.QueryResult>;
  drop(): Promise<void>;
}

async function probe(): Promise<string | undefined> {
  for (const user of USERS) {
    const client = new pg.Client({ host: HOST, port: PORT, user, database: 'postgres', connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return user;
    } catch {
      // try the next user
    } finally {
      await client.end().catch(() => {});
    }
  }
  return undefined;
}

const adminUser = await probe();

/** Whether PostgreSQL tests should run: the server answered, or CI insists (and they will fail). */
export const postgresTestsEnabled = adminUser !== undefined || process.env.CI === 'true';

if (!postgresTestsEnabled) {
  console.warn(`PostgreSQL at ${HOST}:${PORT} is unreachable: skipping PostgreSQL tests (set CI=true to fail instead)`);
}

function urlFor(user: string, database: string, options?: string): string {
  const base = `postgres://${encodeURIComponent(user)}@${HOST}:${PORT}/${encodeURIComponent(database)}`;
  return options ? `${base}?options=${encodeURIComponent(options)}` : base;
}

async function withAdmin<T>(database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  if (adminUser === undefined)
    throw new Error(`PostgreSQL at ${HOST}:${PORT} is unreachable (users ${USERS.join(', ')})`);
  const client = new pg.Client({ connectionString: urlFor(adminUser, database) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates `auditledge_test_<random>`; call drop() in cleanup. */
export async function createFreshDatabase(): Promise<FreshDatabase> {
  const name = `auditledge_test_${randomBytes(6).toString('hex')}`;
  await withAdmin('postgres', (client) => client.query(`CREATE DATABASE ${name}`));
  const user = adminUser as string;
  return {
    name,
    ownerUrl: urlFor(user, name),
    appUrl: urlFor(user, name, '-c role=auditledge_app'),
    execute: (sql) => withAdmin(name, (client) => client.query(sql)),
    drop: () => withAdmin('postgres', (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(),
  };
}
