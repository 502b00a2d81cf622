// `node bench/action-catalog.js` (after `npm run build`): the figures docs/action-catalog.md quotes.
//   1. append cost: 1000-event group commits through the real store, with the seen-action counters
//      kept in the append transaction (as shipped) and without them (the same build, copied with
//      tallyActions stubbed to return no tallies, so nothing else differs);
//   2. read cost at BENCH_CATALOG_EVENTS (default 1,000,000) events: listActionStats (the counter
//      table) vs. the alternative, a GROUP BY over the events table using the (log_id, action) index.
// Sections: `node bench/action-catalog.js sqlite postgres` (both by default). Absolute numbers
// wander on a shared machine; compare the ratios.
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { leafHash } from '@auditledge/core';
import pg from 'pg';
import { fmt, percentile, ROOT, tempDir, withDatabase } from './lib.js';

/** The built stores, as shipped or from a copy of the build whose tallyActions tallies nothing. */
async function loadStores(withCounters) {
  let dist = join(ROOT, 'packages/server/dist');
  let cleanup = () => {};
  if (!withCounters) {
    // Inside the repository, so the copy still resolves node_modules.
    const copy = mkdtempSync(join(ROOT, 'bench', '.no-counters-'));
    cpSync(dist, copy, { recursive: true });
    writeFileSync(join(copy, 'store/action-stats.js'), 'export function tallyActions() { return []; }\n');
    dist = copy;
    cleanup = () => rmSync(copy, { recursive: true, force: true });
  }
  const { SqliteStore } = await import(pathToFileURL(join(dist, 'store/sqlite/sqlite-store.js')).href);
  const { PostgresStore } = await import(pathToFileURL(join(dist, 'store/postgres/postgres-store.js')).href);
  return { SqliteStore, PostgresStore, cleanup };
}

const EVENTS = Number(process.env.BENCH_CATALOG_EVENTS ?? 1_000_000);
const APPEND_EVENTS = Number(process.env.BENCH_CATALOG_APPEND_EVENTS ?? 100_000);
const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ORGS = 20;
const ACTIONS = Array.from({ length: 40 }, (_, i) => `resource_${i % 10}.verb_${Math.floor(i / 10)}`);
const BATCH = 1000;
const sections = process.argv.slice(2);
const want = (name) => sections.length === 0 || sections.includes(name);

function prepared(n, now) {
  const leaf = JSON.stringify({ n });
  return {
    projectId: 'prj_bench',
    organizationId: `org_${n % ORGS}`,
    id: `evt_${String(n).padStart(26, '0')}`,
    timestamp: now,
    receivedAt: now,
    actorId: `user_${n % 1000}`,
    actorEmail: null,
    action: ACTIONS[n % ACTIONS.length],
    resourceType: 'invoice',
    resourceId: `inv_${n}`,
    targets: [],
    outcome: 'success',
    leaf,
    leafHash: leafHash(new TextEncoder().encode(leaf)),
    disclosures: '{}',
    searchText: `user_${n % 1000} inv_${n}`,
    idempotencyKey: null,
    requestHash: null,
  };
}

/** Appends `total` events in 1000-event commits. */
async function append(store, total, offset = 0) {
  for (let n = offset; n < offset + total; n += BATCH) {
    const now = Date.now();
    await store.appendEvents(
      Array.from({ length: Math.min(BATCH, offset + total - n) }, (_, i) => prepared(n + i, now)),
    );
  }
}

/**
 * The two builds side by side, commit by commit (each on its own database), so the machine's
 * noise falls on both alike; events per second of each.
 */
async function compareAppend(backend, open) {
  const variants = [
    { name: 'without counters', store: await open(await loadStores(false)), ms: 0 },
    { name: 'with counters', store: await open(await loadStores(true)), ms: 0 },
  ];
  try {
    for (let n = 0; n < APPEND_EVENTS; n += BATCH) {
      const now = Date.now();
      const batch = Array.from({ length: BATCH }, (_, i) => prepared(n + i, now));
      for (const variant of n % (2 * BATCH) === 0 ? variants : [...variants].reverse()) {
        const started = performance.now();
        await variant.store.appendEvents(batch);
        variant.ms += performance.now() - started;
      }
    }
    for (const variant of variants) {
      console.log(`${backend} append ${variant.name}: ${fmt(APPEND_EVENTS / (variant.ms / 1000))} events/s`);
    }
  } finally {
    for (const variant of variants) await variant.store.close();
  }
}

async function timeIt(runs, work) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), max: times[times.length - 1] };
}

async function benchSqlite() {
  const dirs = [];
  const open = async ({ SqliteStore, cleanup }) => {
    const dir = tempDir('auditledge-bench-catalog-');
    dirs.push(dir);
    const store = SqliteStore.open({ filename: join(dir, 'bench.db') });
    await store.ensureDefaultProject({ id: 'prj_bench', name: 'bench', personal_fields: [], created_at: 0 });
    const close = store.close.bind(store);
    store.close = async () => {
      await close();
      cleanup();
    };
    return store;
  };
  try {
    await compareAppend('sqlite', open);
    const store = await open(await loadStores(true));
    try {
      await append(store, EVENTS);
      const db = store.rawDatabase;
      db.exec('ANALYZE');
      const stats = await timeIt(20, () => store.listActionStats('prj_bench'));
      // The alternative at its best: first/last by event time (ts, in the index) so the (log_id,
      // action, ts, seq) index covers the query and no event row is read.
      const groupBy = db.prepare(
        `SELECT e.action, count(*) AS count, min(e.ts) AS first_seen, max(e.ts) AS last_seen
         FROM logs l JOIN events e INDEXED BY events_action ON e.log_id = l.id
         WHERE l.project_id = ? GROUP BY e.action`,
      );
      const scan = await timeIt(5, () => groupBy.all('prj_bench'));
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${groupBy.source}`).all('prj_bench');
      console.log(`sqlite read at ${fmt(EVENTS)} events: counters p50 ${fmt(stats.p50, 2)} ms;`);
      console.log(
        `  GROUP BY over events p50 ${fmt(scan.p50)} ms (plan: ${plan.map((row) => row.detail).join(' / ')})`,
      );
    } finally {
      await store.close();
    }
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

async function benchPostgres() {
  const dropAll = [];
  const open = async ({ PostgresStore, cleanup }) => {
    const name = `auditledge_bench_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    const store = await PostgresStore.open({ connectionString: url.toString() });
    await store.ensureDefaultProject({ id: 'prj_bench', name: 'bench', personal_fields: [], created_at: 0 });
    const close = store.close.bind(store);
    store.close = async () => {
      await close();
      cleanup();
    };
    dropAll.push(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    });
    return store;
  };
  try {
    await compareAppend('postgres', open);
  } finally {
    for (const drop of dropAll) await drop();
  }
  await withDatabase(ADMIN_URL, async (url) => {
    const { PostgresStore, cleanup } = await loadStores(true);
    const store = await PostgresStore.open({ connectionString: url });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await store.ensureDefaultProject({ id: 'prj_bench', name: 'bench', personal_fields: [], created_at: 0 });
      await append(store, EVENTS);
      await client.query('VACUUM ANALYZE events');
      const stats = await timeIt(20, () => store.listActionStats('prj_bench'));
      const sql = `SELECT e.action, count(*) AS count, min(e.ts) AS first_seen, max(e.ts) AS last_seen
         FROM logs l JOIN events e ON e.log_id = l.id WHERE l.project_id = $1 GROUP BY e.action`;
      const scan = await timeIt(5, () => client.query(sql, ['prj_bench']));
      const plan = await client.query(`EXPLAIN ${sql}`, ['prj_bench']);
      console.log(`postgres read at ${fmt(EVENTS)} events: counters p50 ${fmt(stats.p50, 2)} ms;`);
      console.log(
        `  GROUP BY over events p50 ${fmt(scan.p50)} ms (plan: ${plan.rows.map((r) => r['QUERY PLAN'].trim()).join(' / ')})`,
      );
    } finally {
      await client.end();
      await store.close();
      cleanup();
    }
  });
}

if (want('sqlite')) await benchSqlite();
if (want('postgres')) await benchPostgres();
