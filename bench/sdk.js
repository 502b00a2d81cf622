// `node bench/sdk.js` (after `npm run build`): what the TypeScript SDK costs its caller and what it
// delivers, against a real local server.
//   1. latency a request handler pays for an unawaited `audit.log(event)` (p50/p99 over ≥100k calls;
//      target p99 ≤ 50 µs), plain and inside an Express-style request context;
//   2. SDK throughput vs raw POST /v1/events/batch of the same events, same batch size and number of
//      requests in flight (ratio; target ≥ 0.8).
// Environment: BENCH_SDK_CALLS (default 100000), BENCH_SDK_EVENTS (default 30000).
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { AuditLedge, auditContext } from '../packages/sdk/dist/node.js';
import { fmt, percentile, SEED_EVENT, startAuditledge, stop, tempDir } from './lib.js';

const CALLS = Number(process.env.BENCH_SDK_CALLS ?? 100_000);
const EVENTS = Number(process.env.BENCH_SDK_EVENTS ?? 30_000);
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

/**
 * Times each `log()` call alone, as a handler would pay it. Between calls the loop yields, like a
 * server between requests; when the SDK's queue runs ahead of the server the harness waits (untimed).
 */
async function logLatency(audit, org, wrap, calls = CALLS) {
  const samples = new Float64Array(calls);
  let failures = 0;
  const onFailure = () => {
    failures++;
  };
  for (let i = 0; i < calls; i++) {
    const event = eventFor(org, i);
    const started = performance.now();
    const receipt = wrap(() => audit.log(event));
    samples[i] = (performance.now() - started) * 1000;
    receipt.catch(onFailure);
    if (i % 16 === 0) await yieldToLoop();
    while (audit.pending > 5000) await sleep(2);
  }
  await audit.flush();
  samples.sort();
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), p999: percentile(samples, 99.9), failures };
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
    withKeys ? { ...eventFor(org, i), idempotency_key: crypto.randomUUID() } : eventFor(org, i),
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
  const started = await startAuditledge(dir);
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
    console.log(
      `log() latency added to a handler (${fmt(CALLS)} unawaited calls each; timer floor p50 ${micro(floor.p50)}, p99 ${micro(floor.p99)})`,
    );
    console.log(
      `  plain:              p50 ${micro(plain.p50)}  p99 ${micro(plain.p99)}  p99.9 ${micro(plain.p999)}  failed ${plain.failures}`,
    );
    console.log(
      `  in request context: p50 ${micro(inContext.p50)}  p99 ${micro(inContext.p99)}  p99.9 ${micro(inContext.p999)}  failed ${inContext.failures}`,
    );

    await rawThroughput(server, 'org_warm_raw');
    await sdkThroughput(server, 'org_warm_sdk');
    const raw = [];
    const sdk = [];
    const rawNoKeys = [];
    for (let round = 0; round < 2; round++) {
      rawNoKeys.push(await rawThroughput(server, `org_rawnk_${round}`, false));
      raw.push(await rawThroughput(server, `org_raw_${round}`));
      sdk.push(await sdkThroughput(server, `org_sdk_${round}`));
    }
    const mean = (list) => list.reduce((a, b) => a + b, 0) / list.length;
    console.log(`throughput, ${fmt(EVENTS)} events, batches of ${BATCH_SIZE}, ${CONCURRENCY} requests in flight`);
    console.log(`  raw batch POSTs, no idempotency keys: ${rawNoKeys.map((r) => fmt(r)).join(', ')} events/s`);
    console.log(`  raw batch POSTs: ${raw.map((r) => fmt(r)).join(', ')} events/s`);
    console.log(`  SDK:             ${sdk.map((r) => fmt(r)).join(', ')} events/s`);
    console.log(`  ratio SDK / raw: ${fmt(mean(sdk) / mean(raw), 2)}`);
  } finally {
    await stop(started);
  }
}

await main();
