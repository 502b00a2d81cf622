// `node bench/postgres.js` (after `npm run build`): the PostgreSQL figures docs/postgres.md quotes.
//   1. batch ingest through the real store (appendEvents, 1000-event batches) vs raw multi-row
//      INSERT of the same rows into the same schema on the same database;
//   2. three server processes vs one, through HTTP, on one database;
//   3. filtered first page p50/p95 at 1,000,000 events (bulk-loaded with generate_series).
// Sections: `node bench/postgres.js ingest nodes query` (all by default). Each section creates its
// own database and drops it. Absolute numbers wander on a shared machine; compare the ratios.
// BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres) must be allowed CREATE DATABASE.
import { rmSync } from 'node:fs';
import http from 'node:http';
import { leafHash, sealEvent, storedEventFields, validateEvent } from '@auditledge/core';
import pg from 'pg';
import { EventColumns, PostgresStore } from '../packages/server/dist/store/postgres/postgres-store.js';
import {
  BENCH_ACTIONS,
  cannon,
  fmt,
  percentile,
  SEED_EVENT,
  startAuditledge,
  stop,
  tempDir,
  withDatabase,
} from './lib.js';

const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const INGEST_EVENTS = Number(process.env.BENCH_PG_INGEST_EVENTS ?? 100_000);
const QUERY_EVENTS = Number(process.env.BENCH_QUERY_EVENTS ?? 1_000_000);
const PERSONAL = ['actor.name', 'actor.email', 'metadata.ip', 'metadata.user_agent'];
const sections = process.argv.slice(2);
const want = (name) => sections.length === 0 || sections.includes(name);
const rows = [];
const report = (section, metric, value, note = '') => {
  rows.push({ section, metric, value, note });
  process.stderr.write(`  ${section}: ${metric} = ${value}${note ? ` (${note})` : ''}\n`);
};

/** Prepared exactly as the ingest service prepares them: validated, sealed, hashed (not timed). */
function preparedEvents(total, orgs, offset) {
  const now = Date.now();
  return Array.from({ length: total }, (_, i) => {
    const n = offset + i;
    const { event } = validateEvent({
      ...SEED_EVENT,
      organization_id: orgs[n % orgs.length],
      actor: { ...SEED_EVENT.actor, id: `user_${n % 1000}` },
      resource: { ...SEED_EVENT.resource, id: `inv_${n}` },
    });
    const id = `evt_${String(n).padStart(26, '0')}`;
    const sealed = sealEvent(storedEventFields(event, { id, received_at: new Date(now).toISOString() }), PERSONAL);
    return {
      projectId: 'prj_bench',
      organizationId: event.organization_id,
      id,
      timestamp: Date.parse(event.timestamp),
      receivedAt: now,
      actorId: event.actor.id,
      actorEmail: event.actor.email,
      action: event.action,
      resourceType: event.resource.type,
      resourceId: event.resource.id,
      targets: [],
      outcome: event.outcome,
      leaf: sealed.leaf,
      leafHash: leafHash(sealed.leafBytes),
      disclosures: JSON.stringify(sealed.disclosures),
      searchText: `${event.actor.id} ${event.action} ${event.actor.name} ${event.actor.email} invoice ${event.resource.id} ${event.resource.name} 203.0.113.42`,
      idempotencyKey: null,
      requestHash: null,
    };
  });
}

const EVENT_COLUMN_NAMES = `log_id, seq, id, ts, received_at, actor_id, actor_email, action, resource_type,
  resource_id, outcome, leaf_hash, leaf, disclosures, search_text`;

/** The baseline: one classic multi-row INSERT … VALUES (…), (…) per 1000 rows, autocommit. */
async function rawInsert(client, logIds, batch, seqs) {
  const columns = new EventColumns();
  batch.forEach((event) => {
    const logId = logIds.get(event.organizationId);
    const seq = seqs.get(logId) ?? 0;
    seqs.set(logId, seq + 1);
    columns.push(logId, seq, event);
  });
  const arrays = columns.params();
  const values = [];
  const tuples = [];
  for (let r = 0; r < columns.length; r++) {
    tuples.push(`(${arrays.map((_, c) => `$${r * arrays.length + c + 1}`).join(', ')})`);
    for (const column of arrays) values.push(column[r]);
  }
  await client.query(`INSERT INTO events (${EVENT_COLUMN_NAMES}) VALUES ${tuples.join(', ')}`, values);
}

async function benchIngest() {
  await withDatabase(ADMIN_URL, async (url) => {
    const store = await PostgresStore.open({ connectionString: url });
    await store.ensureDefaultProject({ id: 'prj_bench', name: 'bench', personal_fields: PERSONAL, created_at: 0 });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const orgs = Array.from({ length: 10 }, (_, i) => `org_${i}`);
    const { rows: logRows } = await client.query(
      `INSERT INTO logs (project_id, organization_id, size, root_hash, created_at)
       SELECT 'prj_bench', 'raw_' || o, 0, sha256(''), 0 FROM unnest($1::text[]) AS o RETURNING id, organization_id`,
      [orgs],
    );
    const rawLogIds = new Map(logRows.map((row) => [row.organization_id.slice(4), Number(row.id)]));
    const seqs = new Map();
    process.stderr.write(`preparing ${fmt(2 * INGEST_EVENTS)} sealed events...\n`);
    const ours = preparedEvents(INGEST_EVENTS, orgs, 0);
    const raws = preparedEvents(INGEST_EVENTS, orgs, INGEST_EVENTS);
    // Warm up both paths, then alternate rounds so neither side gets a quieter machine.
    await store.appendEvents(preparedEvents(1000, orgs, 3 * INGEST_EVENTS));
    await rawInsert(client, rawLogIds, preparedEvents(1000, orgs, 4 * INGEST_EVENTS), seqs);
    let storeMs = 0;
    let rawMs = 0;
    const rounds = 5;
    const perRound = INGEST_EVENTS / rounds;
    for (let round = 0; round < rounds; round++) {
      let t0 = performance.now();
      for (let b = round * perRound; b < (round + 1) * perRound; b += 1000) {
        await store.appendEvents(ours.slice(b, b + 1000));
      }
      storeMs += performance.now() - t0;
      t0 = performance.now();
      for (let b = round * perRound; b < (round + 1) * perRound; b += 1000) {
        await rawInsert(client, rawLogIds, raws.slice(b, b + 1000), seqs);
      }
      rawMs += performance.now() - t0;
    }
    const storeRate = INGEST_EVENTS / (storeMs / 1000);
    const rawRate = INGEST_EVENTS / (rawMs / 1000);
    report('ingest', 'store.appendEvents, 1000-event batches', `${fmt(storeRate)} events/s`, '10 orgs per batch');
    report('ingest', 'raw multi-row INSERT, same rows', `${fmt(rawRate)} events/s`, 'events only, no ledger');
    report('ingest', 'ratio store / raw', `${fmt(storeRate / rawRate, 2)}×`, 'target ≥ 0.5×');
    await client.end();
    await store.close();
  });
}

/** Request bodies, one organization each, spread over `orgs` organizations. */
function bodies(orgs, eventsPerRequest) {
  return Array.from({ length: orgs }, (_, o) =>
    JSON.stringify(
      eventsPerRequest === 1
        ? { ...SEED_EVENT, organization_id: `org_nodes_${o}` }
        : {
            events: Array.from({ length: eventsPerRequest }, (_, i) => ({
              ...SEED_EVENT,
              organization_id: `org_nodes_${o}`,
              actor: { ...SEED_EVENT.actor, id: `user_${i}` },
            })),
          },
    ),
  );
}

/** Drives `connections` in total, split over the nodes, for `duration` seconds; events per second. */
async function drive(nodes, key, { path, bodies: choices, eventsPerRequest, connections }, duration = DURATION) {
  let next = 0;
  const results = await Promise.all(
    nodes.map((node, i) =>
      cannon({
        url: node.url,
        connections: Math.floor(connections / nodes.length) + (i < connections % nodes.length ? 1 : 0),
        duration,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        requests: [
          { method: 'POST', path, setupRequest: (req) => ({ ...req, body: choices[next++ % choices.length] }) },
        ],
      }),
    ),
  );
  const non2xx = results.reduce((sum, r) => sum + r.non2xx + r.errors, 0);
  return { eventsPerSecond: results.reduce((sum, r) => sum + r.requests.average, 0) * eventsPerRequest, non2xx };
}

async function benchNodes() {
  const workloads = [
    {
      name: 'batches of 100 events, 30 orgs',
      path: '/v1/events/batch',
      bodies: bodies(30, 100),
      eventsPerRequest: 100,
      connections: 6,
    },
    { name: 'single events, 30 orgs', path: '/v1/events', bodies: bodies(30, 1), eventsPerRequest: 1, connections: 48 },
    {
      name: 'single events, 1 hot org',
      path: '/v1/events',
      bodies: bodies(1, 1),
      eventsPerRequest: 1,
      connections: 48,
    },
  ];
  const measured = {};
  for (const count of [1, 3]) {
    await withDatabase(ADMIN_URL, async (url) => {
      const dir = tempDir('auditledge-pgbench-');
      const first = await startAuditledge(dir, { DATABASE_URL: url });
      const others = await Promise.all(
        Array.from({ length: count - 1 }, () => startAuditledge(dir, { DATABASE_URL: url })),
      );
      const nodes = [first, ...others];
      try {
        for (const workload of workloads) {
          await drive(nodes, first.adminKey, workload, 2); // warm-up
          const result = await drive(nodes, first.adminKey, workload);
          measured[`${workload.name}/${count}`] = result;
          report(
            'nodes',
            `${count} node${count > 1 ? 's' : ''}, ${workload.name}`,
            `${fmt(result.eventsPerSecond)} events/s`,
            `${workload.connections} connections${result.non2xx ? `, ${result.non2xx} non-2xx/errors` : ''}`,
          );
        }
      } finally {
        await Promise.all(nodes.map((node) => stop(node)));
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
  for (const workload of workloads) {
    const ratio = measured[`${workload.name}/3`].eventsPerSecond / measured[`${workload.name}/1`].eventsPerSecond;
    report(
      'nodes',
      `scaling 3 nodes / 1 node, ${workload.name}`,
      `${fmt(ratio, 2)}×`,
      'PostgreSQL, nodes and load share 2 cores',
    );
  }
}

function get(agent, url, headers) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${res.statusCode} ${body}`))));
    });
    req.on('error', reject);
  });
}

/**
 * A real sealed leaf with marker values, so bulk-loaded rows unseal like ingested ones: the SQL
 * load substitutes id, time, actor, action and resource per row (personal fields keep one
 * commitment and its disclosure). Leaf hashes are not recomputed: this log serves no proofs.
 */
function leafTemplate() {
  const { event } = validateEvent({
    ...SEED_EVENT,
    actor: { ...SEED_EVENT.actor, id: 'ACTORMARK' },
    action: 'placeholder.action',
    resource: { type: 'invoice', id: 'RESMARK', name: 'RESNAMEMARK' },
    timestamp: '2000-01-01T00:00:00Z',
  });
  const sealed = sealEvent(
    storedEventFields(event, { id: 'evt_IDMARK', received_at: '1999-01-01T00:00:00.000Z' }),
    PERSONAL,
  );
  return { leaf: sealed.leaf, disclosures: JSON.stringify(sealed.disclosures) };
}

/**
 * Bulk-loads `total` events into one organization's log with generate_series, with the same shape
 * as bench/run.js's HTTP load (1000 actors, 20 actions, one year). Secondary indexes are dropped
 * and rebuilt around the load (same definitions), which is how one bulk-loads PostgreSQL.
 */
async function bulkLoad(client, projectId, org, total) {
  const { rows: logRows } = await client.query(
    `INSERT INTO logs (project_id, organization_id, size, root_hash, created_at)
     VALUES ($1, $2, 0, sha256(''), 0) RETURNING id`,
    [projectId, org],
  );
  const logId = Number(logRows[0].id);
  const { rows: indexes } = await client.query(
    `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'events' AND indexname LIKE 'events\\_%'
       AND indexname NOT IN ('events_pkey', 'events_id_key', 'events_log_id_seq_key')`,
  );
  for (const index of indexes) await client.query(`DROP INDEX ${index.indexname}`);
  const template = leafTemplate();
  const start = Date.UTC(2025, 10, 27);
  const chunk = 250_000;
  for (let from = 0; from < total; from += chunk) {
    await client.query(
      `INSERT INTO events (log_id, seq, id, ts, received_at, actor_id, actor_email, action, resource_type,
         resource_id, outcome, leaf_hash, leaf, disclosures, search_text)
       SELECT $1, n, id, ts, ts, actor, 'alice@acme.com', action, 'invoice', 'inv_' || n, 'success',
         sha256(convert_to(leaf, 'UTF8')), leaf, $7,
         lower(actor || ' ' || action || ' ' || replace(action, '.', ' ') || ' alice johnson alice@acme.com invoice inv_' || n
           || ' invoice #' || n || ' 203.0.113.42 mozilla/5.0...')
       FROM (
         SELECT n, id, ts, actor, action,
           replace(replace(replace(replace(replace(replace(replace($6::text,
             'evt_IDMARK', id), 'ACTORMARK', actor), 'placeholder.action', action),
             'RESNAMEMARK', 'Invoice #' || n), 'RESMARK', 'inv_' || n),
             '2000-01-01T00:00:00.000Z', iso), '1999-01-01T00:00:00.000Z', iso) AS leaf
         FROM (
           SELECT n, 'evt_bulk_' || lpad(n::text, 22, '0') AS id, ts,
             to_char(to_timestamp(ts / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS iso,
             'user_' || ((n * 7919) % 1000) AS actor, ($3::text[])[1 + (n * 31) % 20] AS action
           FROM (
             SELECT n, $5::bigint + floor(n::float8 / $4 * 365 * 86400000)::bigint AS ts
             FROM generate_series($2::bigint, least($2::bigint + ${chunk} - 1, $4::bigint - 1)) AS n
           ) g
         ) r
       ) s`,
      [logId, from, BENCH_ACTIONS, total, start, template.leaf, template.disclosures],
    );
    process.stderr.write(`  loaded ${fmt(Math.min(total, from + chunk))} / ${fmt(total)}\n`);
  }
  await client.query("SET maintenance_work_mem = '512MB'");
  for (const index of indexes) await client.query(index.indexdef);
  await client.query('UPDATE logs SET size = $2 WHERE id = $1', [logId, total]);
  await client.query('VACUUM ANALYZE events');
}

async function benchQuery() {
  await withDatabase(ADMIN_URL, async (url) => {
    const dir = tempDir('auditledge-pgbench-');
    const server = await startAuditledge(dir, { DATABASE_URL: url });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const org = 'org_query';
      const { rows } = await client.query('SELECT id FROM projects LIMIT 1');
      process.stderr.write(`bulk-loading ${fmt(QUERY_EVENTS)} events into one organization...\n`);
      const t0 = performance.now();
      await bulkLoad(client, rows[0].id, org, QUERY_EVENTS);
      report(
        'query',
        'bulk load incl. index builds',
        `${fmt((performance.now() - t0) / 1000, 1)} s`,
        `${fmt(QUERY_EVENTS)} events`,
      );

      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const headers = { authorization: `Bearer ${server.adminKey}` };
      const measure = async (name, makeUrl, n = 300) => {
        for (let i = 0; i < 20; i++) await get(agent, makeUrl(i + 1000), headers);
        const times = [];
        let empty = 0;
        for (let i = 0; i < n; i++) {
          const t = performance.now();
          const body = await get(agent, makeUrl(i), headers);
          times.push(performance.now() - t);
          if (body.startsWith('{"data":[]')) empty++;
        }
        times.sort((a, b) => a - b);
        report(
          'query',
          `first page (50), ${name}`,
          `p50 ${fmt(percentile(times, 50), 1)} ms, p95 ${fmt(percentile(times, 95), 1)} ms`,
          empty ? `${empty}/${n} pages empty` : '',
        );
      };
      const day = 86_400_000;
      const base = Date.UTC(2025, 10, 27);
      const list = (query) => `${server.url}/v1/events?organization_id=${org}&limit=50&${query}`;
      const range = (i, days) => {
        const from = base + ((i * 37) % (365 - days)) * day;
        return `since=${new Date(from).toISOString()}&until=${new Date(from + days * day).toISOString()}`;
      };
      await measure('no filter', () => list(''));
      await measure('actor_id', (i) => list(`actor_id=user_${(i * 13) % 1000}`));
      await measure('action=invoice.*', () => list('action=invoice.*'));
      await measure('7-day range', (i) => list(range(i, 7)));
      await measure('actor_id + action=invoice.* + 30-day range', (i) =>
        list(`actor_id=user_${(i * 13) % 1000}&action=invoice.*&${range(i, 30)}`),
      );
      await measure('free text q="invoice #12345"', (i) =>
        list(`q=${encodeURIComponent(`"invoice #${10_000 + i * 1009}"`)}`),
      );
      await measure('resource_type + resource_id', (i) => list(`resource_type=invoice&resource_id=inv_${i * 3001}`));
      agent.destroy();
    } finally {
      await client.end();
      await stop(server);
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

const started = performance.now();
if (want('ingest')) await benchIngest();
if (want('nodes')) await benchNodes();
if (want('query')) await benchQuery();

const width = (key) => Math.max(key.length, ...rows.map((row) => String(row[key]).length));
const [ws, wm, wv] = [width('section'), width('metric'), width('value')];
const line = (s, m, v, n) => `${s.padEnd(ws)}  ${m.padEnd(wm)}  ${v.padEnd(wv)}  ${n}`;
console.log(
  `\nAuditledge on PostgreSQL — ${new Date().toISOString()}, ${fmt((performance.now() - started) / 1000)} s total`,
);
console.log(line('section', 'metric', 'value', 'note'));
console.log(line('-'.repeat(ws), '-'.repeat(wm), '-'.repeat(wv), '----'));
for (const row of rows) console.log(line(row.section, row.metric, row.value, row.note));
