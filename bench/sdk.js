// `node bench/sdk.js` (after `npm run build`): what the TypeScript SDK costs its caller and what it
// delivers, against a real local server.
//   1. latency a request handler pays for an unawaited `audit.log(event)` (p50/p99 over ≥100k calls;
//      target p99 ≤ 50 µs), plain and inside an Express-style request context;
//   2. SDK throughput vs raw POST /v1/events/batch of the same events, same batch size and number of
//      requests in flight (ratio; target ≥ 0.8). The SDK always sends idempotency keys (UUIDv7),
//      which cost the server a lookup and an index insert per event, so the raw baseline is run with
//      the same keys (the like-for-like ratio) and without keys (what idempotency costs on top).
//      Rounds rotate the order of the three runs; the median of per-round ratios is reported.
// Environment: BENCH_SDK_CALLS (default 100000), BENCH_SDK_EVENTS (default 30000), BENCH_SDK_ROUNDS (5),
// BENCH_AUDITLEDGE_CLI (another build of the server's bin/auditledge.js).
// Absolute figures wander on a shared 2-core machine (the server runs on the same cores).
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { newIdempotencyKey } from '../packages/sdk/dist/idempotency-key.js';
import { AuditLedge, auditContext } from '../packages/sdk/dist/node.js';
import { CLI, fmt, percentile, SEED_EVENT, startProcess, stop, tempDir } from './lib.js';

const CALLS = Number(process.env.BENCH_SDK_CALLS ?? 100_000);
const EVENTS = Number(process.env.BENCH_SDK_EVENTS ?? 30_000);
const ROUNDS = Number(process.env.BENCH_SDK_ROUNDS ?? 5);
// The latency loop calls log() faster than a local server can store; past this many unacknowledged
// events it waits (untimed), like a handler whose traffic the server keeps up with.
const BACKLOG = Number(process.env.BENCH_SDK_BACKLOG ?? 1000);
const BATCH_SIZE = 100;
const CONCURRENCY = 2;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function eventFor(org, i) {
  return {
    ...SEED_EVENT,
    organization_id: org,
    actor: { ...SEED_EVENT.actor, id: `user_${i % 1000}` },
    resource: { ...SEED_EVENT.resource, id: `inv_${i}` },
  };
}

// What a handler does before it logs: read its input (here a small JSON body) and build the event.
const REQUEST_BODY = JSON.stringify({ invoice: { id: 'inv_789', number: 'Invoice #1042' }, reason: 'duplicate' });

/**
 * A stand-in request handler, `calls` times with log() and as many times without, interleaved so
 * both see the same machine: the log() call is timed alone, and the whole handler is timed both
 * ways. Between calls the loop yields, like a server between requests; when the SDK's queue runs
 * ahead of the local server the harness waits (untimed) until it drains below BACKLOG.
 */
async function logLatency(audit, org, wrap, calls = CALLS) {
  const logCall = new Float64Array(calls);
  const withLog = new Float64Array(calls);
  const withoutLog = new Float64Array(calls);
  let failures = 0;
  const onFailure = () => {
    failures++;
  };
  const handler = (i) => {
    const n = i >> 1;
    const handlerStarted = performance.now();
    const input = JSON.parse(REQUEST_BODY);
    const event = eventFor(org, n);
    event.resource.name = input.invoice.number;
    if (i % 2 === 0) {
      const started = performance.now();
      const receipt = audit.log(event);
      const ended = performance.now();
      logCall[n] = (ended - started) * 1000;
      withLog[n] = (ended - handlerStarted) * 1000;
      receipt.catch(onFailure);
    } else {
      withoutLog[n] = (performance.now() - handlerStarted) * 1000;
    }
  };
  for (let i = 0; i < 2 * calls; i++) {
    // `wrap` is what a framework does around the handler (e.g. the request-context middleware).
    wrap(() => handler(i));
    if (i % 16 === 0) await yieldToLoop();
    while (audit.pending > BACKLOG) await sleep(1);
  }
  await audit.flush();
  for (const samples of [logCall, withLog, withoutLog]) samples.sort();
  const summary = (samples) => ({
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    p999: percentile(samples, 99.9),
  });
  return { log: summary(logCall), withLog: summary(withLog), withoutLog: summary(withoutLog), failures };
}

/** The cost of the timer itself, to read the figures against. */
function timerFloor() {
  const samples = new Float64Array(CALLS);
  for (let i = 0; i < CALLS; i++) {
    const started = performance.now();
    samples[i] = (performance.now() - started) * 1000;
  }
  samples.sort();
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/** Events/s through the SDK: log every event (yielding like a server between requests), await every receipt. */
async function sdkThroughput(server, org) {
  const audit = new AuditLedge(server.adminKey, {
    baseUrl: server.url,
    batchSize: BATCH_SIZE,
    concurrency: CONCURRENCY,
    maxQueueSize: EVENTS,
    drainOnExit: false,
  });
  const events = Array.from({ length: EVENTS }, (_, i) => eventFor(org, i));
  const started = performance.now();
  const receipts = [];
  for (let i = 0; i < EVENTS; i++) {
    receipts.push(audit.log(events[i]));
    if (i % BATCH_SIZE === BATCH_SIZE - 1) await yieldToLoop();
  }
  await Promise.all(receipts);
  const seconds = (performance.now() - started) / 1000;
  await audit.close();
  return EVENTS / seconds;
}

/** Events/s of plain fetch POSTs of the same events: same batch size, same requests in flight. */
async function rawThroughput(server, org, withKeys = true) {
  const events = Array.from({ length: EVENTS }, (_, i) =>
    withKeys ? { ...eventFor(org, i), idempotency_key: newIdempotencyKey() } : eventFor(org, i),
  );
  const started = performance.now();
  let next = 0;
  async function worker() {
    while (next < EVENTS) {
      const batch = events.slice(next, next + BATCH_SIZE);
      next += BATCH_SIZE;
      const response = await fetch(`${server.url}/v1/events/batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events: batch }),
      });
      const body = await response.json();
      if (response.status !== 200 || body.results.some((r) => r.status !== 201)) throw new Error('raw batch failed');
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return EVENTS / ((performance.now() - started) / 1000);
}

async function main() {
  const dir = tempDir('auditledge-bench-sdk-');
  const started = await startProcess([
    process.env.BENCH_AUDITLEDGE_CLI ?? CLI,
    'serve',
    '--port',
    '0',
    '--data-dir',
    dir,
  ]);
  const server = { ...started, url: started.url.replace('//localhost:', '//127.0.0.1:') };
  try {
    const floor = timerFloor();
    const audit = new AuditLedge(server.adminKey, { baseUrl: server.url, drainOnExit: false });
    // Warm-up: JIT, connections, the server's first log.
    await logLatency(audit, 'org_warmup', (call) => call(), 20_000);
    const plain = await logLatency(audit, 'org_latency', (call) => call());
    const context = { ip: '203.0.113.42', user_agent: 'Mozilla/5.0 (bench)' };
    const inContext = await logLatency(audit, 'org_latency_ctx', (call) => auditContext.run(context, call));
    await audit.close();

    const micro = (n) => `${fmt(n, 1)} µs`;
    const line = (label, r) => `  ${label.padEnd(34)} p50 ${micro(r.p50)}  p99 ${micro(r.p99)}  p99.9 ${micro(r.p999)}`;
    console.log(
      `log() latency in a handler (${fmt(CALLS)} unawaited calls per case; timer floor p99 ${micro(floor.p99)})`,
    );
    console.log(line('log() call:', plain.log));
    console.log(line('handler with log():', plain.withLog));
    console.log(line('handler without log():', plain.withoutLog));
    console.log(line('log() call in a request context:', inContext.log));
    console.log(line('handler with log(), in context:', inContext.withLog));
    console.log(`  failed log() calls: ${plain.failures + inContext.failures}`);

    await rawThroughput(server, 'org_warm_raw');
    await sdkThroughput(server, 'org_warm_sdk');
    const raw = [];
    const sdk = [];
    const rawNoKeys = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order: the server slows slightly as its database grows.
      const runs = [
        async () => rawNoKeys.push(await rawThroughput(server, `org_rawnk_${round}`, false)),
        async () => raw.push(await rawThroughput(server, `org_raw_${round}`)),
        async () => sdk.push(await sdkThroughput(server, `org_sdk_${round}`)),
      ];
      for (let i = 0; i < runs.length; i++) await runs[(round + i) % runs.length]();
    }
    const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
    console.log(`throughput, ${fmt(EVENTS)} events, batches of ${BATCH_SIZE}, ${CONCURRENCY} requests in flight`);
    console.log(`  raw batch POSTs, no idempotency keys: ${rawNoKeys.map((r) => fmt(r)).join(', ')} events/s`);
    console.log(`  raw batch POSTs: ${raw.map((r) => fmt(r)).join(', ')} events/s`);
    console.log(`  SDK:             ${sdk.map((r) => fmt(r)).join(', ')} events/s`);
    // Each round's runs are back to back, so a round's ratio sees one state of the machine.
    const perRound = (base) => sdk.map((value, i) => value / base[i]);
    const ratios = (base) =>
      `${fmt(median(perRound(base)), 2)} (rounds: ${perRound(base)
        .map((r) => fmt(r, 2))
        .join(', ')})`;
    console.log(`  ratio SDK / raw, median of rounds: ${ratios(raw)}`);
    console.log(`  ratio SDK / raw without keys, median of rounds: ${ratios(rawNoKeys)}`);
  } finally {
    await stop(started);
  }
}

await main();
