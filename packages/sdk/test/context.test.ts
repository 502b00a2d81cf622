// Request context (`@auditledge/sdk/node`): Express-style middleware on a plain node:http server
// and the Fastify plugin on a real Fastify app fill metadata.ip and metadata.user_agent of events
// logged anywhere under the handler, after awaits and body parsing; X-Forwarded-For only on opt-in.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLedge, auditContext, clientIp, type EventInput, type RequestContextOptions } from '../src/node.js';
import { removeDir, startServer, type TestServer, uniqueId } from './server.js';

let server: TestServer;
let audit: AuditLedge;

beforeAll(async () => {
  server = await startServer();
  audit = new AuditLedge(server.adminKey, { baseUrl: server.url, flushIntervalMs: 10, drainOnExit: false });
});

afterAll(async () => {
  await audit?.close();
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

function deletion(metadata?: Record<string, unknown>): EventInput {
  return {
    actor: { id: uniqueId('ctx') },
    action: 'invoice.deleted',
    resource: { type: 'invoice', id: 'inv_1' },
    organization_id: 'org_ctx',
    ...(metadata && { metadata }),
  };
}

/** A service function far from the request object: it only knows the event. */
async function deleteInvoice(metadata?: Record<string, unknown>): Promise<string> {
  await tick();
  const receipt = await audit.log(deletion(metadata));
  return receipt.id;
}

async function storedMetadata(id: string): Promise<Record<string, unknown> | undefined> {
  return (await audit.getEvent(id)).metadata;
}

describe('Express-style middleware', () => {
  async function withApp(options: RequestContextOptions, run: (url: string) => Promise<void>): Promise<void> {
    const middleware = auditContext.express(options);
    const app = http.createServer((request, response) => {
      middleware(request, response, async () => {
        const explicit = request.url === '/explicit' ? { ip: '192.0.2.1', user_agent: 'set-by-app' } : undefined;
        const id = await deleteInvoice(explicit);
        response.end(id);
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    try {
      await run(`http://127.0.0.1:${(app.address() as AddressInfo).port}`);
    } finally {
      await new Promise((resolve) => app.close(resolve));
    }
  }

  it('fills ip and user agent from the request; ignores X-Forwarded-For by default', async () => {
    await withApp({}, async (url) => {
      const id = await (
        await fetch(url, { headers: { 'user-agent': 'test-agent/1.0', 'x-forwarded-for': '198.51.100.7' } })
      ).text();
      expect(await storedMetadata(id)).toEqual({ ip: '127.0.0.1', user_agent: 'test-agent/1.0' });
    });
  });

  it('keeps values the event sets itself', async () => {
    await withApp({}, async (url) => {
      const id = await (await fetch(`${url}/explicit`, { headers: { 'user-agent': 'test-agent/1.0' } })).text();
      expect(await storedMetadata(id)).toEqual({ ip: '192.0.2.1', user_agent: 'set-by-app' });
    });
  });

  it('reads X-Forwarded-For when trustProxy is set', async () => {
    await withApp({ trustProxy: true }, async (url) => {
      const id = await (await fetch(url, { headers: { 'x-forwarded-for': '198.51.100.7, 10.0.0.2' } })).text();
      expect(await storedMetadata(id)).toMatchObject({ ip: '198.51.100.7' });
    });
  });
});

describe('Fastify plugin', () => {
  it('fills metadata in handlers of every route, after the body is parsed', async () => {
    const app = Fastify();
    await app.register(auditContext.fastify, { trustProxy: 1 });
    app.post('/invoices/:id/delete', async (request) => {
      expect(request.body).toEqual({ reason: 'duplicate' });
      return { id: await deleteInvoice() };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const response = await fetch(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/invoices/1/delete`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'fastify-test', 'x-forwarded-for': '203.0.113.9' },
        body: JSON.stringify({ reason: 'duplicate' }),
      });
      const { id } = (await response.json()) as { id: string };
      // trustProxy: 1 trusts one hop (the socket peer), so the client is the last X-Forwarded-For entry.
      expect(await storedMetadata(id)).toEqual({ ip: '203.0.113.9', user_agent: 'fastify-test' });
    } finally {
      await app.close();
    }
  });
});

describe('outside a request', () => {
  it('adds nothing, and run() sets a context explicitly', async () => {
    expect(auditContext.get()).toBeUndefined();
    const plain = await audit.log(deletion());
    expect(await storedMetadata(plain.id)).toBeUndefined();
    const id = await auditContext.run({ ip: '198.51.100.1' }, () => deleteInvoice());
    expect(await storedMetadata(id)).toEqual({ ip: '198.51.100.1' });
  });
});

describe('clientIp', () => {
  const request = (remoteAddress: string, forwarded?: string) => ({
    headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
    socket: { remoteAddress },
  });

  it.each([
    [request('::ffff:10.0.0.9', '203.0.113.5'), false, '10.0.0.9'],
    [request('10.0.0.9', '203.0.113.5, 10.0.0.1'), true, '203.0.113.5'],
    [request('10.0.0.9', '203.0.113.5, 10.0.0.1'), 1, '10.0.0.1'],
    [request('10.0.0.9', '203.0.113.5, 10.0.0.1'), 2, '203.0.113.5'],
    [request('10.0.0.9', 'spoofed, 203.0.113.5, 10.0.0.1'), 2, '203.0.113.5'],
    [request('10.0.0.9', '203.0.113.5'), 5, '203.0.113.5'],
    [request('2001:db8::1'), true, '2001:db8::1'],
  ])('%j with trustProxy %s → %s', (req, trustProxy, expected) => {
    expect(clientIp(req, trustProxy)).toBe(expected);
  });
});
