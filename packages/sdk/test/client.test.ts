// The SDK against a real server: the seed event end to end, batching, local validation, paging,
// per-item rejections, the bounded queue, close(), and unawaited failures in a real process.
import { spawn } from 'node:child_process';
import { seedEvent } from '@auditledge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuditLedge,
  type AuditLedgeError,
  AuditLedgeHttpError,
  AuditLedgeQueueFullError,
  AuditLedgeValidationError,
  type EventFilters,
  type EventInput,
} from '../src/index.js';
import { type FaultProxy, startProxy } from './fault-proxy.js';
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

function event(actorId: string, n: number, organizationId = 'org_acme'): EventInput {
  return {
    actor: { id: actorId, name: 'Alice Johnson', email: 'alice@acme.com' },
    action: 'invoice.deleted',
    resource: { type: 'invoice', id: `inv_${n}`, name: `Invoice #${n}` },
    organization_id: organizationId,
  };
}

describe('the seed event', () => {
  it('is logged, acknowledged with a receipt, and found by id and by query', async () => {
    const audit = new AuditLedge(server.adminKey, { baseUrl: server.url });
    const seed = seedEvent();
    const receipt = await audit.log(seed);
    expect(receipt).toMatchObject({ organization_id: 'org_acme', replayed: false });
    expect(receipt.id).toMatch(/^evt_/);
    // A UUIDv7: time-ordered, so the server's idempotency index grows at its end.
    expect(receipt.idempotency_key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const keyTime = Number.parseInt(receipt.idempotency_key.replaceAll('-', '').slice(0, 12), 16);
    expect(Math.abs(keyTime - Date.now())).toBeLessThan(60_000);

    const stored = await audit.getEvent(receipt.id);
    expect(stored).toMatchObject({
      id: receipt.id,
      sequence: receipt.sequence,
      leaf_hash: receipt.leaf_hash,
      actor: seed.actor,
      action: 'invoice.deleted',
      resource: seed.resource,
      timestamp: '2026-05-01T14:32:00.000Z',
      metadata: seed.metadata,
      outcome: 'success',
    });
    const found = await audit.query({ organization_id: 'org_acme', actor_id: 'user_abc123' }).toArray();
    expect(found.map((e) => e.id)).toContain(receipt.id);
    await audit.close();
  });

  it('reads the base URL from AUDITLEDGE_URL when none is given', () => {
    const previous = process.env.AUDITLEDGE_URL;
    process.env.AUDITLEDGE_URL = 'http://audit.internal:9000';
    try {
      expect(new AuditLedge('alk_x', { drainOnExit: false }).baseUrl).toBe('http://audit.internal:9000');
      delete process.env.AUDITLEDGE_URL;
      expect(new AuditLedge('alk_x', { drainOnExit: false }).baseUrl).toBe('http://localhost:4680');
    } finally {
      if (previous === undefined) delete process.env.AUDITLEDGE_URL;
      else process.env.AUDITLEDGE_URL = previous;
    }
  });
});

describe('batching', () => {
  it('coalesces many log() calls into few batch requests', async () => {
    const actor = uniqueId('batcher');
    const audit = new AuditLedge(server.adminKey, { baseUrl: proxy.url, batchSize: 100 });
    const before = proxy.count('POST', '/v1/events/batch');
    const receipts = await Promise.all(Array.from({ length: 250 }, (_, i) => audit.log(event(actor, i))));
    const requests = proxy.count('POST', '/v1/events/batch') - before;
    expect(requests).toBeGreaterThanOrEqual(3);
    expect(requests).toBeLessThanOrEqual(4);
    expect(new Set(receipts.map((r) => r.id)).size).toBe(250);
    expect(await eventsOfActor(server, 'org_acme', actor)).toHaveLength(250);
    await audit.close();
  });

  it('sends a partial batch once the oldest event has waited flushIntervalMs', async () => {
    const actor = uniqueId('linger');
    const audit = new AuditLedge(server.adminKey, { baseUrl: proxy.url, flushIntervalMs: 50 });
    const started = Date.now();
    const receipt = await audit.log(event(actor, 1));
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(receipt.sequence).toBeGreaterThanOrEqual(0);
    await audit.close();
  });

  it('returns from log() before any request is made', async () => {
    const audit = new AuditLedge(server.adminKey, { baseUrl: proxy.url, batchSize: 1 });
    const before = proxy.requests.length;
    const pending = audit.log(event(uniqueId('sync'), 1));
    expect(proxy.requests.length).toBe(before);
    expect(audit.pending).toBe(1);
    await pending;
    expect(audit.pending).toBe(0);
    await audit.close();
  });
});

describe('local validation', () => {
  it('throws synchronously with the field path and sends nothing', () => {
    const audit = new AuditLedge(server.adminKey, { baseUrl: proxy.url, drainOnExit: false });
    const before = proxy.requests.length;
    const bad = { ...event('u', 1), actor: { id: 'u', email: 'not-an-email' } };
    let thrown: unknown;
    try {
      audit.log(bad);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AuditLedgeValidationError);
    const error = thrown as AuditLedgeValidationError;
    expect(error.code).toBe('invalid_event');
    expect(error.issues).toEqual([{ path: 'actor.email', message: expect.stringMatching(/email/) }]);
    expect(error.message).toMatch(/^invalid audit event: actor\.email: /);

    expect(() => audit.log({ ...event('u', 1), action: 'Invoice Deleted' })).toThrow(/action/);
    expect(() => audit.log({ ...event('u', 1), timestamp: '2026-05-01 14:32' })).toThrow(/timestamp/);
    expect(() => audit.log({ ...event('u', 1), actr: {} } as unknown as EventInput)).toThrow(/did you mean "actor"/);
    expect(() => audit.log(null as unknown as EventInput)).toThrow(AuditLedgeValidationError);
    expect(proxy.requests.length).toBe(before);
    expect(audit.pending).toBe(0);
  });

  it('rejects invalid query filters before any request', () => {
    const audit = new AuditLedge(server.adminKey, { baseUrl: proxy.url, drainOnExit: false });
    expect(() => audit.query({ organization_id: 'org_acme', action: 'Not An Action' })).toThrow(
      expect.objectContaining({ code: 'invalid_query', issues: [expect.objectContaining({ path: 'action' })] }),
    );
    expect(() => audit.query({ organization_id: 'org_acme', limit: 5000 })).toThrow(/limit/);
    expect(() => audit.query({ organization_id: 'org_acme', actor: 'alice' } as EventFilters)).toThrow(
      /actor: is not a filter/,
    );
  });
});

describe('query', () => {
  it('iterates every page, newest first, following the cursor', async () => {
    const actor = uniqueId('pager');
    const audit = new AuditLedge(server.adminKey, { baseUrl: proxy.url });
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        audit.log({ ...event(actor, i), timestamp: new Date(Date.UTC(2026, 4, 1, 12, i)).toISOString() }),
      ),
    );
    const before = proxy.count('GET', '/v1/events');
    const seen: string[] = [];
    for await (const stored of audit.query({ organization_id: 'org_acme', actor_id: actor, limit: 10 })) {
      seen.push(stored.resource?.id ?? '');
    }
    expect(proxy.count('GET', '/v1/events') - before).toBe(3);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `inv_${24 - i}`));

    const pages: number[] = [];
    for await (const page of audit.query({ organization_id: 'org_acme', actor_id: actor, limit: 10 }).pages()) {
      pages.push(page.data.length);
    }
    expect(pages).toEqual([10, 10, 5]);
    const since = await audit
      .query({ organization_id: 'org_acme', actor_id: actor, since: new Date(Date.UTC(2026, 4, 1, 12, 20)) })
      .toArray();
    expect(since).toHaveLength(5);
    await audit.close();
  });

  it('reports a missing event as a 404 AuditLedgeHttpError', async () => {
    const audit = new AuditLedge(server.adminKey, { baseUrl: server.url, drainOnExit: false });
    await expect(audit.getEvent('evt_does_not_exist')).rejects.toMatchObject({ code: 'http_error', status: 404 });
  });
});

describe('rejections', () => {
  it('rejects only the events the server refuses, with the problem, and reports each to onError', async () => {
    const created = await fetch(`${server.url}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'pinned', scopes: ['events:write'], organization_id: 'org_pinned' }),
    });
    const { secret } = (await created.json()) as { secret: string };
    const errors: AuditLedgeError[] = [];
    const audit = new AuditLedge(secret, { baseUrl: proxy.url, onError: (error) => errors.push(error) });
    const actor = uniqueId('pinned');
    const before = proxy.count('POST', '/v1/events/batch');
    const allowed = audit.log(event(actor, 1, 'org_pinned'));
    const refused = audit.log(event(actor, 2, 'org_other'));
    await expect(allowed).resolves.toMatchObject({ organization_id: 'org_pinned' });
    const error = await refused.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuditLedgeHttpError);
    expect(error).toMatchObject({ status: 403, retryable: false, issues: [{ path: 'organization_id' }] });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.events).toEqual([expect.objectContaining({ organization_id: 'org_other' })]);
    // One request: a 403 is not retried.
    expect(proxy.count('POST', '/v1/events/batch') - before).toBe(1);
    await audit.close();
  });

  it('refuses events beyond maxQueueSize at once, never dropping silently', async () => {
    const errors: AuditLedgeError[] = [];
    const audit = new AuditLedge(server.adminKey, {
      baseUrl: server.url,
      maxQueueSize: 5,
      onError: (error) => errors.push(error),
    });
    const actor = uniqueId('overflow');
    const accepted = Array.from({ length: 5 }, (_, i) => audit.log(event(actor, i)));
    const overflow = audit.log(event(actor, 5));
    await expect(overflow).rejects.toBeInstanceOf(AuditLedgeQueueFullError);
    expect(errors.map((e) => e.code)).toEqual(['queue_full']);
    expect(errors[0]?.events[0]).toMatchObject({ resource: { id: 'inv_5' } });
    await Promise.all(accepted);
    // Room again once the server acknowledged.
    await expect(audit.log(event(actor, 6))).resolves.toMatchObject({ organization_id: 'org_acme' });
    expect(await eventsOfActor(server, 'org_acme', actor)).toHaveLength(6);
    await audit.close();
  });

  it('close() delivers what was queued, then refuses new events', async () => {
    const errors: AuditLedgeError[] = [];
    const audit = new AuditLedge(server.adminKey, {
      baseUrl: server.url,
      flushIntervalMs: 60_000,
      onError: (error) => errors.push(error),
    });
    const actor = uniqueId('closer');
    const queued = Array.from({ length: 7 }, (_, i) => audit.log(event(actor, i)));
    await audit.close();
    expect(audit.pending).toBe(0);
    await Promise.all(queued);
    expect(await eventsOfActor(server, 'org_acme', actor)).toHaveLength(7);
    await expect(audit.log(event(actor, 8))).rejects.toMatchObject({ code: 'closed' });
    expect(errors.map((e) => e.code)).toEqual(['closed']);
  });
});

describe('in a real Node process', () => {
  const SDK = new URL('../dist/index.js', import.meta.url).href;
  function runScript(source: string): Promise<{ code: number | null; stderr: string; stdout: string }> {
    const child = spawn(process.execPath, ['--input-type=module', '-e', source], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr, stdout })));
  }

  it('an unawaited log() that fails does not crash the process; the failure reaches onError', async () => {
    const result = await runScript(`
      import { AuditLedge } from ${JSON.stringify(SDK)};
      const audit = new AuditLedge('alk_not_a_real_key', { baseUrl: ${JSON.stringify(server.url)}, maxQueueSize: 1 });
      const event = { actor: { id: 'u' }, action: 'invoice.deleted', organization_id: 'org_acme' };
      audit.log(event);          // fails later: 401
      audit.log(event);          // fails now: queue full
      setTimeout(() => console.log('still alive'), 500);
    `);
    expect(result.stdout).toContain('still alive');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/\[auditledge\] the audit event queue is full/);
    expect(result.stderr).toMatch(/\[auditledge\] .*HTTP 401/);
    expect(result.stderr).not.toMatch(/Unhandled|ERR_UNHANDLED_REJECTION/);
  });

  it('sends what is still queued when the process runs out of work (beforeExit)', async () => {
    const actor = uniqueId('exiter');
    const result = await runScript(`
      import { AuditLedge } from ${JSON.stringify(SDK)};
      const audit = new AuditLedge(${JSON.stringify(server.adminKey)}, { baseUrl: ${JSON.stringify(server.url)}, flushIntervalMs: 60000 });
      for (let i = 0; i < 3; i++) audit.log({ actor: { id: ${JSON.stringify(actor)} }, action: 'invoice.deleted', organization_id: 'org_acme' });
    `);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(await eventsOfActor(server, 'org_acme', actor)).toHaveLength(3);
  });
});
