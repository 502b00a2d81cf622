// A small HTTP proxy in front of a real server that misbehaves on demand: drops connections before
// or after the server handled the request, delays replies past the client's timeout, answers
// 503/429 itself, rewrites replies (tampering), or refuses connections altogether (server down).
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ProxyAction =
  | { kind: 'forward'; rewrite?: (body: string, path: string) => string }
  /** Close the connection without forwarding: the server never sees the request. */
  | { kind: 'drop-before' }
  /** Forward, let the server answer, then close the connection instead of replying. */
  | { kind: 'drop-after' }
  /** Forward, then hold the reply for `ms` before sending it (the client may have given up). */
  | { kind: 'delay'; ms: number }
  /** Answer without forwarding. */
  | { kind: 'respond'; status: number; headers?: Record<string, string>; body?: string };

export interface ProxiedRequest {
  method: string;
  path: string;
  body: string;
  /** Date.now() when the request body had arrived. */
  at: number;
}

export class FaultProxy {
  target: string;
  /** Decides what happens to each request; `n` counts requests from 0. Default: forward. */
  behavior: (request: ProxiedRequest, n: number) => ProxyAction = () => ({ kind: 'forward' });
  /** Every request seen, in arrival order. */
  readonly requests: ProxiedRequest[] = [];
  readonly #server: http.Server;
  readonly #sockets = new Set<Socket>();
  readonly #agent = new http.Agent({ keepAlive: true });
  #port = 0;

  constructor(target: string) {
    this.target = target;
    this.#server = http.createServer((request, response) => {
      void this.#handle(request, response);
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Requests to one path (pathname, without the query). */
  count(method: string, path: string): number {
    return this.requests.filter((r) => r.method === method && r.path === path).length;
  }

  /** Starts listening (again, on the same port once it has one). */
  async up(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  /** Stops listening and cuts every open connection: clients get ECONNREFUSED / resets. */
  async down(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  async close(): Promise<void> {
    if (this.#server.listening) await this.down();
    this.#agent.destroy();
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    const path = new URL(request.url ?? '/', 'http://proxy').pathname;
    const proxied = { method: request.method ?? 'GET', path, body, at: Date.now() };
    const n = this.requests.length;
    this.requests.push(proxied);
    const action = this.behavior(proxied, n);
    if (action.kind === 'drop-before') {
      request.socket.destroy();
      return;
    }
    if (action.kind === 'respond') {
      response.writeHead(action.status, { 'content-type': 'application/problem+json', ...action.headers });
      response.end(action.body ?? JSON.stringify({ title: 'injected by the fault proxy', status: action.status }));
      return;
    }
    let upstream: { status: number; headers: http.IncomingHttpHeaders; body: string };
    try {
      upstream = await this.#forward(request, body);
    } catch {
      request.socket.destroy();
      return;
    }
    if (action.kind === 'drop-after') {
      request.socket.destroy();
      return;
    }
    if (action.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, action.ms));
    if (request.socket.destroyed) return;
    const text = action.kind === 'forward' && action.rewrite ? action.rewrite(upstream.body, path) : upstream.body;
    const {
      'content-length': _length,
      'transfer-encoding': _encoding,
      connection: _connection,
      ...headers
    } = upstream.headers;
    response.writeHead(upstream.status, { ...headers, 'content-length': Buffer.byteLength(text) });
    response.end(text);
  }

  #forward(
    request: IncomingMessage,
    body: string,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
    const { host: _host, connection: _connection, ...headers } = request.headers;
    return new Promise((resolve, reject) => {
      const outgoing = http.request(
        `${this.target}${request.url}`,
        { method: request.method, headers, agent: this.#agent },
        (reply) => {
          const chunks: Buffer[] = [];
          reply.on('data', (chunk: Buffer) => chunks.push(chunk));
          reply.on('end', () =>
            resolve({
              status: reply.statusCode ?? 502,
              headers: reply.headers,
              body: Buffer.concat(chunks).toString(),
            }),
          );
          reply.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
}

export async function startProxy(target: string): Promise<FaultProxy> {
  const proxy = new FaultProxy(target);
  await proxy.up();
  return proxy;
}
