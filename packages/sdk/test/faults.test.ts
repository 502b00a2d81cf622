// Fault tests: a real server behind a proxy that drops connections (before and after the server
// handled the request), delays replies past the client's timeout, answers 503 and 429, and goes
// away for 5 seconds. The invariant each time: every event whose log() was accepted is stored
// exactly once, counted through the API by actor id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuditLedge,
  type AuditLedgeError,
  type AuditLedgeOptions,
  type EventInput,
  type EventReceipt,
} from '../src/index.js';
import { type FaultProxy, type ProxyAction, startProxy } from './fault-proxy.js';
import { eventsOfActor, removeDir, startServer, type TestServer, uniqueId } from './server.js';

let server: TestServer;
let proxy: FaultProxy;

beforeAll(async () => {
  server = await startServer();
  proxy = await startProxy(server.url);
});

afterAll(async () => {
  await proxy?.close();
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const FORWARD: ProxyAction = { kind: 'forward' };
const BATCH = '/v1/events/batch';

function client(errors: AuditLedgeError[], options: AuditLedgeOptions = {}): AuditLedge {
  return new AuditLedge(server.adminKey, {
    baseUrl: proxy.url,
    batchSize: 20,
    flushIntervalMs: 20,
    timeoutMs: 400,
    retry: { initialDelayMs: 50, maxDelayMs: 400 },
    drainOnExit: false,
    onError: (error) => errors.push(error),
    ...options,
  });
}

function event(actorId: string, n: number): EventInput {
  return {
    actor: { id: actorId },
    action: 'document.updated',
    resource: { type: 'document', id: `doc_${n}` },
    organization_id: 'org_faults',
  };
}

/** Faults only for batch requests, chosen by `pick` from the n-th batch request (0-based). */
function faultBatches(pick: (n: number) => ProxyAction): void {
  let n = 0;
  proxy.behavior = (request) => (request.method === 'POST' && request.path === BATCH ? pick(n++) : FORWARD);
}

async function expectExactlyOnce(actor: string, receipts: EventReceipt[], count: number): Promise<void> {
  expect(receipts).toHaveLength(count);
  expect(new Set(receipts.map((r) => r.id)).size).toBe(count);
  const stored = await eventsOfActor(server, 'org_faults', actor);
  expect(stored).toHaveLength(count);
  expect(new Set(stored.map((e) => e.resource?.id)).size).toBe(count);
  expect(new Set(stored.map((e) => e.id))).toEqual(new Set(receipts.map((r) => r.id)));
}

describe('every accepted event is stored exactly once', () => {
  it('when connections drop before the server sees the request', async () => {
    faultBatches((n) => (n < 3 ? { kind: 'drop-before' } : FORWARD));
    const errors: AuditLedgeError[] = [];
    const audit = client(errors);
    const actor = uniqueId('drop_before');
    const receipts = await Promise.all(Array.from({ length: 60 }, (_, i) => audit.log(event(actor, i))));
    await expectExactlyOnce(actor, receipts, 60);
    expect(errors).toEqual([]);
    await audit.close();
  });

  it('when connections drop after the server stored the events but before the reply', async () => {
    faultBatches((n) => (n < 3 ? { kind: 'drop-after' } : FORWARD));
    const errors: AuditLedgeError[] = [];
    const audit = client(errors);
    const actor = uniqueId('drop_after');
    const receipts = await Promise.all(Array.from({ length: 60 }, (_, i) => audit.log(event(actor, i))));
    await expectExactlyOnce(actor, receipts, 60);
    // The retries carried the same idempotency keys: the server answered them as replays.
    expect(receipts.filter((r) => r.replayed).length).toBeGreaterThanOrEqual(20);
    expect(errors).toEqual([]);
    await audit.close();
  });

  it('when the reply is delayed past the client timeout', async () => {
    faultBatches((n) => (n < 2 ? { kind: 'delay', ms: 900 } : FORWARD));
    const errors: AuditLedgeError[] = [];
    const audit = client(errors);
    const actor = uniqueId('slow');
    const receipts = await Promise.all(Array.from({ length: 40 }, (_, i) => audit.log(event(actor, i))));
    await expectExactlyOnce(actor, receipts, 40);
    expect(receipts.some((r) => r.replayed)).toBe(true);
    expect(errors).toEqual([]);
    await audit.close();
  });

  it('when the server answers 503 for a while', async () => {
    faultBatches((n) => (n < 4 ? { kind: 'respond', status: 503 } : FORWARD));
    const errors: AuditLedgeError[] = [];
    const audit = client(errors);
    const actor = uniqueId('unavailable');
    const receipts = await Promise.all(Array.from({ length: 30 }, (_, i) => audit.log(event(actor, i))));
    await expectExactlyOnce(actor, receipts, 30);
    expect(errors).toEqual([]);
    await audit.close();
  });

  it.each([
    ['delay-seconds', () => '1'],
    ['an HTTP-date', () => new Date(Date.now() + 2000).toUTCString()],
  ])('when the server answers 429 with Retry-After as %s, and waits as asked', async (_form, retryAfter) => {
    faultBatches((n) =>
      n === 0 ? { kind: 'respond', status: 429, headers: { 'retry-after': retryAfter() } } : FORWARD,
    );
    const errors: AuditLedgeError[] = [];
    const audit = client(errors, { batchSize: 100 });
    const actor = uniqueId('throttled');
    const first = proxy.requests.length;
    const receipts = await Promise.all(Array.from({ length: 10 }, (_, i) => audit.log(event(actor, i))));
    const batches = proxy.requests.slice(first).filter((r) => r.path === BATCH);
    expect(batches).toHaveLength(2);
    expect((batches[1]?.at as number) - (batches[0]?.at as number)).toBeGreaterThanOrEqual(950);
    await expectExactlyOnce(actor, receipts, 10);
    await audit.close();
  });

  it('under random faults of every kind', async () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const faults: ProxyAction[] = [
      { kind: 'drop-before' },
      { kind: 'drop-after' },
      { kind: 'delay', ms: 700 },
      { kind: 'respond', status: 503 },
      { kind: 'respond', status: 502, body: '<html>bad gateway</html>', headers: { 'content-type': 'text/html' } },
      { kind: 'respond', status: 429 },
      { kind: 'respond', status: 200, body: '{"results": "garbage"}' },
    ];
    faultBatches(() => (random() < 0.45 ? (faults[Math.floor(random() * faults.length)] as ProxyAction) : FORWARD));
    const errors: AuditLedgeError[] = [];
    const audit = client(errors, { concurrency: 4 });
    const actor = uniqueId('chaos');
    const logged: Promise<EventReceipt>[] = [];
    for (let i = 0; i < 400; i++) {
      logged.push(audit.log(event(actor, i)));
      if (i % 25 === 0) await sleep(5);
    }
    const receipts = await Promise.all(logged);
    await expectExactlyOnce(actor, receipts, 400);
    expect(errors).toEqual([]);
    await audit.close();
  });
});

describe('what is not retried, and giving up', () => {
  it('a 4xx for the whole batch fails its events at once, without a retry', async () => {
    faultBatches(() => ({ kind: 'respond', status: 400, body: JSON.stringify({ status: 400, detail: 'nope' }) }));
    const errors: AuditLedgeError[] = [];
    const audit = client(errors, { batchSize: 100 });
    const before = proxy.count('POST', BATCH);
    const results = await Promise.allSettled([1, 2, 3].map((i) => audit.log(event('nobody', i))));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(proxy.count('POST', BATCH) - before).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'http_error', status: 400, retryable: false });
    expect(errors[0]?.events).toHaveLength(3);
    await audit.close();
  });

  it('after maxElapsedMs it gives up loudly; re-sending error.events never duplicates', async () => {
    faultBatches(() => ({ kind: 'drop-after' }));
    const errors: AuditLedgeError[] = [];
    const audit = client(errors, { batchSize: 100, retry: { initialDelayMs: 20, maxDelayMs: 50, maxElapsedMs: 300 } });
    const actor = uniqueId('giveup');
    const results = await Promise.allSettled([0, 1, 2, 3].map((i) => audit.log(event(actor, i))));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(errors).toHaveLength(1);
    const failure = errors[0] as AuditLedgeError;
    expect(failure.code).toBe('network_error');
    expect(failure.message).toMatch(/gave up .* re-send error\.events/);
    expect(failure.events.map((e) => e.idempotency_key)).toEqual([
      expect.any(String),
      expect.any(String),
      expect.any(String),
      expect.any(String),
    ]);

    proxy.behavior = () => FORWARD;
    const again = client([]);
    const receipts = await Promise.all(failure.events.map((e) => again.log(e)));
    expect(receipts.every((r) => r.replayed)).toBe(true);
    await expectExactlyOnce(actor, receipts, 4);
    await again.close();
    await audit.close();
  });

  it('close({ timeoutMs }) stops waiting and hands back what was not acknowledged', async () => {
    faultBatches(() => ({ kind: 'respond', status: 503 }));
    const errors: AuditLedgeError[] = [];
    const audit = client(errors);
    const pending = [0, 1].map((i) => audit.log(event('closing', i)));
    const started = Date.now();
    await audit.close({ timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(2000);
    const results = await Promise.allSettled(pending);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(errors.flatMap((e) => e.events)).toHaveLength(2);
    proxy.behavior = () => FORWARD;
  });
});

describe('a server that is down for 5 seconds', () => {
  it('costs no events', async () => {
    proxy.behavior = () => FORWARD;
    const errors: AuditLedgeError[] = [];
    const audit = client(errors, { retry: { initialDelayMs: 100, maxDelayMs: 1000 } });
    const actor = uniqueId('outage');
    const logged: Promise<EventReceipt>[] = [];
    for (let i = 0; i < 20; i++) logged.push(audit.log(event(actor, i)));
    await Promise.all(logged);

    // The server process stops and its address refuses connections.
    await proxy.down();
    await server.stop();
    const downAt = Date.now();
    for (let i = 20; i < 120; i++) {
      logged.push(audit.log(event(actor, i)));
      if (i % 10 === 0) await sleep(100);
    }
    await sleep(5000 - (Date.now() - downAt));
    server = await startServer(server.dataDir, server.adminKey);
    proxy.target = server.url;
    await proxy.up();

    const receipts = await Promise.all(logged);
    await expectExactlyOnce(actor, receipts, 120);
    expect(errors).toEqual([]);
    await audit.close();
  }, 30_000);
});
