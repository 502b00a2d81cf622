// `npm run bench`: the figures the README quotes, measured side by side in one run on this machine.
// Sections (all by default): ingest, batch, query, proofs, verify. `node bench/run.js batch query`.
// Absolute numbers wander on a shared machine; the ratios are what to compare.
import { createWriteStream, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  appendLeaves,
  BundleVerifier,
  leafHash,
  nodeMap,
  sealEvent,
  storedEventFields,
  storedHashIndex,
  validateEvent,
} from '@auditledge/core';
import { SqliteStore } from '../packages/server/dist/store/sqlite/sqlite-store.js';
import {
  BENCH_ACTIONS,
  cannon,
  fmt,
  peakRssMb,
  percentile,
  ROOT,
  SEED_EVENT,
  startAuditledge,
  startProcess,
  stop,
  tempDir,
} from './lib.js';

const sections = process.argv.slice(2);
const want = (name) => sections.length === 0 || sections.includes(name);
const results = {};
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const QUERY_EVENTS = Number(process.env.BENCH_QUERY_EVENTS ?? 1_000_000);
const VERIFY_EVENTS = Number(process.env.BENCH_VERIFY_EVENTS ?? 100_000);

const json = (body) => JSON.stringify(body);
const auth = (key) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });

function batchBody(n, org, offset = 0) {
  return json({
    events: Array.from({ length: n }, (_, i) => ({
      ...SEED_EVENT,
      organization_id: org,
      actor: { ...SEED_EVENT.actor, id: `user_${(offset + i) % 1000}` },
      resource: { ...SEED_EVENT.resource, id: `inv_${offset + i}` },
    })),
  });
}

async function benchIngest() {
  const dir = tempDir('auditledge-bench-');
  const server = await startAuditledge(dir);
  const noop = await startProcess([join(ROOT, 'bench/noop-server.js')]);
  const body = json(SEED_EVENT);
  const run = (url, headers) =>
    cannon({ url: `${url}/v1/events`, method: 'POST', connections: 64, duration: DURATION, headers, body });
  // Warm both up, then measure back to back.
  await cannon({
    url: `${server.url}/v1/events`,
    method: 'POST',
    connections: 64,
    duration: 2,
    headers: auth(server.adminKey),
    body,
  });
  await cannon({
    url: `${noop.url}/v1/events`,
    method: 'POST',
    connections: 64,
    duration: 2,
    headers: auth('x'),
    body,
  });
  const ours = await run(server.url, auth(server.adminKey));
  const base = await run(noop.url, auth('x'));
  results.ingest = {
    auditledge_rps: ours.requests.average,
    auditledge_p99_ms: ours.latency.p99,
    noop_rps: base.requests.average,
    noop_p99_ms: base.latency.p99,
    ratio: ours.requests.average / base.requests.average,
    non2xx: ours.non2xx,
  };
  await stop(server);
  await stop(noop);
  rmSync(dir, { recursive: true, force: true });
}

/** Raw better-sqlite3 inserts of the same rows into the same schema, 1000-row transactions. */
function rawInsertBaseline(totalEvents, { withMerkle }) {
  const dir = tempDir('auditledge-raw-');
  const store = SqliteStore.open({ filename: join(dir, 'raw.db') });
  const db = store.rawDatabase;
  db.prepare("INSERT INTO projects (id, name, personal_fields, created_at) VALUES ('prj', 'p', '[]', 0)").run();
  db.prepare(
    "INSERT INTO logs (id, project_id, organization_id, size, root_hash, created_at) VALUES (1, 'prj', 'org_raw', 0, x'00', 0)",
  ).run();
  const insertEvent = db.prepare(`INSERT INTO events (log_id, seq, id, ts, received_at, actor_id, actor_email, action,
      resource_type, resource_id, outcome, leaf_hash, leaf, disclosures) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertFts = db.prepare('INSERT INTO events_fts (rowid, body) VALUES (?, ?)');
  const insertNode = db.prepare('INSERT INTO merkle_nodes (log_id, hidx, hash) VALUES (1, ?, ?)');
  const advance = db.prepare('UPDATE logs SET size = ?, root_hash = ? WHERE id = 1');

  // Rows prepared up front (not timed): exactly what the ledger writes for the seed event.
  const rows = [];
  let size = 0;
  let edge = [];
  const now = Date.now();
  let hashing = 0;
  for (let b = 0; b < totalEvents / 1000; b++) {
    const batch = [];
    for (let i = 0; i < 1000; i++) {
      const n = b * 1000 + i;
      const { event } = validateEvent({ ...SEED_EVENT, actor: { ...SEED_EVENT.actor, id: `user_${n % 1000}` } });
      const sealed = sealEvent(
        storedEventFields(event, {
          id: `evt_${String(n).padStart(26, '0')}`,
          received_at: new Date(now).toISOString(),
        }),
        ['actor.name', 'actor.email', 'metadata.ip', 'metadata.user_agent'],
      );
      const t0 = performance.now();
      const hash = leafHash(sealed.leafBytes);
      hashing += performance.now() - t0;
      batch.push({ n, event, sealed, hash });
    }
    const t0 = performance.now();
    const appended = appendLeaves(
      size,
      nodeMap(edge),
      batch.map((r) => r.hash),
    );
    hashing += performance.now() - t0;
    size = appended.newSize;
    edge = appended.rightEdge;
    rows.push({ batch, nodes: appended.newNodes, size, root: appended.rootHash });
  }

  const t0 = performance.now();
  for (const { batch, nodes, size: newSize, root } of rows) {
    db.transaction(() => {
      for (const { n, event, sealed, hash } of batch) {
        const info = insertEvent.run(
          n,
          `evt_${String(n).padStart(26, '0')}`,
          now,
          now,
          event.actor.id,
          event.actor.email,
          event.action,
          'invoice',
          'inv_789',
          'success',
          hash,
          sealed.leaf,
          JSON.stringify(sealed.disclosures),
        );
        insertFts.run(
          info.lastInsertRowid,
          `${event.actor.id} ${event.action} invoice inv_789 Invoice #1042 203.0.113.42`,
        );
      }
      if (withMerkle) {
        for (const node of nodes) insertNode.run(storedHashIndex(node.level, node.index), node.hash);
        advance.run(newSize, root);
      }
    }).immediate();
  }
  const seconds = (performance.now() - t0) / 1000;
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return { eventsPerSecond: totalEvents / seconds, hashingMsPerEvent: hashing / totalEvents };
}

async function benchBatch() {
  const dir = tempDir('auditledge-bench-');
  const server = await startAuditledge(dir);
  const body = batchBody(1000, 'org_batch');
  await cannon({
    url: `${server.url}/v1/events/batch`,
    method: 'POST',
    connections: 2,
    duration: 2,
    headers: auth(server.adminKey),
    body,
  });
  const ours = await cannon({
    url: `${server.url}/v1/events/batch`,
    method: 'POST',
    connections: 2,
    duration: DURATION,
    headers: auth(server.adminKey),
    body,
  });
  await stop(server);
  rmSync(dir, { recursive: true, force: true });
  const raw = rawInsertBaseline(100_000, { withMerkle: true });
  const rawNoMerkle = rawInsertBaseline(100_000, { withMerkle: false });
  const oursEps = ours.requests.average * 1000;
  // Merkle cost per event: leaf + node hashing, plus writing the node rows (raw delta).
  const merkleMs = raw.hashingMsPerEvent + (1000 / raw.eventsPerSecond - 1000 / rawNoMerkle.eventsPerSecond);
  const oursMs = 1000 / oursEps;
  results.batch = {
    auditledge_events_per_s: oursEps,
    raw_insert_events_per_s: raw.eventsPerSecond,
    ratio: oursEps / raw.eventsPerSecond,
    non2xx: ours.non2xx,
    merkle_ms_per_event: merkleMs,
    merkle_on_vs_off: (oursMs - merkleMs) / oursMs,
    raw_without_merkle_events_per_s: rawNoMerkle.eventsPerSecond,
  };
}

function get(agent, url, headers) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${res.statusCode} ${body}`))));
    });
    req.on('error', reject);
  });
}

async function loadEvents(server, org, total, spreadDays = 365) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  const start = Date.UTC(2025, 10, 27);
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < total) {
      const offset = next;
      next += 1000;
      const body = json({
        events: Array.from({ length: Math.min(1000, total - offset) }, (_, i) => {
          const n = offset + i;
          return {
            ...SEED_EVENT,
            organization_id: org,
            actor: { ...SEED_EVENT.actor, id: `user_${(n * 7919) % 1000}` },
            action: BENCH_ACTIONS[(n * 31) % BENCH_ACTIONS.length],
            resource: { type: 'invoice', id: `inv_${n}`, name: `Invoice #${n}` },
            timestamp: new Date(start + Math.floor((n / total) * spreadDays * 86_400_000)).toISOString(),
          };
        }),
      });
      await new Promise((resolve, reject) => {
        const req = http.request(
          `${server.url}/v1/events/batch`,
          { method: 'POST', agent, headers: auth(server.adminKey) },
          (res) => {
            res.resume();
            res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`batch ${res.statusCode}`))));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    }
  };
  await Promise.all([worker(), worker()]);
  agent.destroy();
  return total / ((performance.now() - t0) / 1000);
}

async function benchQueryAndProofs() {
  const dir = tempDir('auditledge-bench-');
  const server = await startAuditledge(dir);
  const org = 'org_query';
  process.stderr.write(`loading ${fmt(QUERY_EVENTS)} events into one organization...\n`);
  const loadRate = await loadEvents(server, org, QUERY_EVENTS);
  process.stderr.write(`loaded at ${fmt(loadRate)} events/s; measuring first pages...\n`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const headers = { authorization: `Bearer ${server.adminKey}` };
  const measure = async (name, makeUrl, n = 300) => {
    for (let i = 0; i < 20; i++) await get(agent, makeUrl(i), headers);
    const times = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await get(agent, makeUrl(i), headers);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { name, p50_ms: percentile(times, 50), p95_ms: percentile(times, 95) };
  };
  const day = 86_400_000;
  const base = Date.UTC(2025, 10, 27);
  const filtered = await measure('actor_id + action=invoice.* + 30-day range', (i) => {
    const since = new Date(base + ((i * 37) % 330) * day).toISOString();
    const until = new Date(base + (((i * 37) % 330) + 30) * day).toISOString();
    return `${server.url}/v1/events?organization_id=${org}&actor_id=user_${(i * 13) % 1000}&action=invoice.*&since=${since}&until=${until}&limit=50`;
  });
  const unfiltered = await measure('no filter', () => `${server.url}/v1/events?organization_id=${org}&limit=50`);
  const text = await measure(
    'free text q="Invoice #123…"',
    (i) => `${server.url}/v1/events?organization_id=${org}&q=${encodeURIComponent(`"Invoice #${1000 + i}"`)}&limit=50`,
  );
  const resource = await measure(
    'resource_type + resource_id',
    (i) => `${server.url}/v1/events?organization_id=${org}&resource_type=invoice&resource_id=inv_${i * 3001}&limit=50`,
  );
  agent.destroy();

  const size = QUERY_EVENTS;
  process.stderr.write('measuring inclusion proofs...\n');
  const proofs = await cannon({
    url: server.url,
    connections: 16,
    duration: DURATION,
    headers,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({
          ...req,
          path: `/v1/logs/${org}/proofs/inclusion?index=${Math.floor(Math.random() * size)}&tree_size=${size}`,
        }),
      },
    ],
  });
  results.query = { events: QUERY_EVENTS, load_events_per_s: loadRate, pages: [filtered, unfiltered, text, resource] };
  process.stderr.write('exporting every event as JSON Lines...\n');
  results.export = await exportWhileSamplingRss(server, org, QUERY_EVENTS);
  results.proofs = {
    inclusion_proofs_per_s: proofs.requests.average,
    p99_ms: proofs.latency.p99,
    non2xx: proofs.non2xx,
  };
  results.rss = {
    server_peak_rss_mb: peakRssMb(server.child.pid),
    after: `loading ${fmt(QUERY_EVENTS)} events, queries and proofs`,
  };
  await stop(server);
  rmSync(dir, { recursive: true, force: true });
}

/** Streams a full JSONL export to nowhere while sampling the server's resident memory. */
async function exportWhileSamplingRss(server, org, events) {
  const rssMb = () =>
    Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  const before = rssMb();
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb());
  }, 50);
  const t0 = performance.now();
  let bytes = 0;
  await new Promise((resolve, reject) => {
    http
      .get(
        `${server.url}/v1/exports/events?format=jsonl&organization_id=${org}`,
        { headers: { authorization: `Bearer ${server.adminKey}` } },
        (res) => {
          res.on('data', (chunk) => {
            bytes += chunk.length;
          });
          res.on('end', resolve);
          res.on('error', reject);
        },
      )
      .on('error', reject);
  });
  clearInterval(sampler);
  const seconds = (performance.now() - t0) / 1000;
  return { events, megabytes: bytes / 1e6, events_per_s: events / seconds, rss_before_mb: before, rss_peak_mb: peak };
}

async function benchVerify() {
  const dir = tempDir('auditledge-bench-');
  const server = await startAuditledge(dir);
  const org = 'org_verify';
  await loadEvents(server, org, VERIFY_EVENTS);
  const key = (await (await fetch(`${server.url}/v1/verifier-key`)).text()).trim();
  const file = join(dir, 'export.bundle.jsonl');
  const t0 = performance.now();
  await new Promise((resolve, reject) => {
    http.get(
      `${server.url}/v1/exports/events?format=bundle&organization_id=${org}`,
      { headers: { authorization: `Bearer ${server.adminKey}` } },
      (res) => pipeline(res, createWriteStream(file)).then(resolve, reject),
    );
  });
  const exportSeconds = (performance.now() - t0) / 1000;
  const text = readFileSync(file, 'utf8');
  const t1 = performance.now();
  const verifier = new BundleVerifier(key);
  verifier.pushText(text);
  const verdict = verifier.finish();
  const seconds = (performance.now() - t1) / 1000;
  if (!verdict.ok) throw new Error(`bundle did not verify: ${verdict.error.message}`);
  results.verify = {
    events: verdict.events,
    bundle_mb: statSync(file).size / 1e6,
    export_events_per_s: verdict.events / exportSeconds,
    verify_events_per_s: verdict.events / seconds,
  };
  await stop(server);
  rmSync(dir, { recursive: true, force: true });
}

if (want('ingest')) await benchIngest();
if (want('batch')) await benchBatch();
if (want('query') || want('proofs')) await benchQueryAndProofs();
if (want('verify')) await benchVerify();

const lines = [`Auditledge benchmark — ${new Date().toISOString()} — node ${process.version}, ${DURATION}s runs`];
if (results.ingest) {
  const r = results.ingest;
  lines.push(
    `single-event ingest, 64 connections: ${fmt(r.auditledge_rps)} req/s (p99 ${r.auditledge_p99_ms} ms) vs no-op Fastify route ${fmt(r.noop_rps)} req/s → ratio ${fmt(r.ratio, 2)} (target ≥ 0.6)${r.non2xx ? `, ${r.non2xx} non-2xx` : ''}`,
  );
}
if (results.batch) {
  const r = results.batch;
  lines.push(
    `batch ingest, 1000/request: ${fmt(r.auditledge_events_per_s)} events/s vs raw better-sqlite3 inserts ${fmt(r.raw_insert_events_per_s)} events/s → ratio ${fmt(r.ratio, 2)} (target ≥ 0.5)`,
  );
  lines.push(
    `Merkle work: ${fmt(r.merkle_ms_per_event * 1000, 1)} µs/event → throughput with Merkle on vs off ${fmt(r.merkle_on_vs_off, 2)} (target ≥ 0.9)`,
  );
}
if (results.query) {
  lines.push(
    `first page of 50 at ${fmt(results.query.events)} events in one organization (loaded at ${fmt(results.query.load_events_per_s)} events/s):`,
  );
  for (const p of results.query.pages)
    lines.push(`  ${p.name}: p50 ${fmt(p.p50_ms, 2)} ms, p95 ${fmt(p.p95_ms, 2)} ms`);
}
if (results.export) {
  const r = results.export;
  lines.push(
    `JSON Lines export of ${fmt(r.events)} events (${fmt(r.megabytes)} MB): ${fmt(r.events_per_s)} events/s; server RSS ${fmt(r.rss_before_mb)} MB before, peak ${fmt(r.rss_peak_mb)} MB during`,
  );
}
if (results.proofs)
  lines.push(
    `inclusion proofs served: ${fmt(results.proofs.inclusion_proofs_per_s)} /s (16 connections, p99 ${results.proofs.p99_ms} ms)`,
  );
if (results.verify) {
  const r = results.verify;
  lines.push(
    `offline verification: ${fmt(r.verify_events_per_s)} events/s over a ${fmt(r.events)}-event bundle (${fmt(r.bundle_mb, 1)} MB; exported at ${fmt(r.export_events_per_s)} events/s) (target ≥ 100,000)`,
  );
}
if (results.rss)
  lines.push(`server peak RSS: ${fmt(results.rss.server_peak_rss_mb)} MB after ${results.rss.after} (budget 250 MB)`);
process.stdout.write(`\n${lines.join('\n')}\n`);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results/latest.json'), `${JSON.stringify(results, null, 2)}\n`);
