// Request context for Node servers: an AsyncLocalStorage that Express middleware or a Fastify
// plugin fills per request, so `audit.log()` anywhere below the handler (services, repositories)
// gets `metadata.ip` and `metadata.user_agent` without passing the request around. Typed
// structurally: no dependency on express or fastify.
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import type { RequestContext } from './types.js';

export interface RequestContextOptions {
  /**
   * Read the client address from `X-Forwarded-For`. Only when a proxy you run sets it: anyone can
   * send the header. `true` takes the left-most (original client) address; a number n trusts n
   * proxy hops and takes the address n entries from the right, counting the socket peer.
   * Default false: the socket's peer address.
   */
  trustProxy?: boolean | number;
}

/** The part of a Node `IncomingMessage` (Express `req`, Fastify `request.raw`) that is read. */
export interface IncomingRequestLike {
  headers: Record<string, string | string[] | undefined>;
  socket?: { remoteAddress?: string | undefined } | null;
}

/** The part of a Fastify request that is read. */
export interface FastifyRequestLike {
  raw: IncomingRequestLike;
}

interface ContextSlot {
  request?: IncomingRequestLike;
  trustProxy?: boolean | number;
  resolved?: RequestContext;
}

const storage = new AsyncLocalStorage<ContextSlot>();
const RESOURCE = Symbol('auditledge.context');

function header(request: IncomingRequestLike, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `::ffff:203.0.113.42` (an IPv4 peer on a dual-stack socket) → `203.0.113.42`. */
function normalizeIp(address: string | undefined): string | undefined {
  if (address === undefined || address === '') return undefined;
  const trimmed = address.trim();
  return trimmed.startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice(7) : trimmed;
}

/**
 * The client address of a request, honouring `X-Forwarded-For` only as `trustProxy` allows.
 *
 * @example
 * clientIp(req);                 // the socket peer, e.g. '10.0.0.9'
 * clientIp(req, 1);              // behind one proxy of yours: the address it saw
 */
export function clientIp(request: IncomingRequestLike, trustProxy: boolean | number = false): string | undefined {
  const peer = normalizeIp(request.socket?.remoteAddress ?? undefined);
  if (trustProxy === false || trustProxy === 0) return peer;
  const forwarded = (request.headers['x-forwarded-for'] ?? [])
    .toString()
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (forwarded.length === 0) return peer;
  if (trustProxy === true) return normalizeIp(forwarded[0]);
  // The chain as seen by us: client, proxy1, …, proxyN (each appends its peer), then our socket peer.
  const chain = peer === undefined ? forwarded : [...forwarded, peer];
  const index = Math.max(0, chain.length - 1 - trustProxy);
  return normalizeIp(chain[index]);
}

/**
 * The request facts `log()` uses: client address and user agent.
 *
 * @example
 * // Carry them into a background job, then restore them there with auditContext.run().
 * queue.push({ ...job, context: requestContext(req, { trustProxy: 1 }) });
 */
export function requestContext(request: IncomingRequestLike, options: RequestContextOptions = {}): RequestContext {
  return { ip: clientIp(request, options.trustProxy ?? false), user_agent: header(request, 'user-agent') };
}

function resolve(slot: ContextSlot): RequestContext | undefined {
  if (slot.resolved === undefined && slot.request !== undefined) {
    slot.resolved = requestContext(slot.request, { trustProxy: slot.trustProxy ?? false });
  }
  return slot.resolved;
}

type FastifyHook = (request: FastifyRequestLike, reply: unknown, done: (error?: Error) => void) => void;

interface FastifyInstanceLike {
  addHook(name: 'onRequest' | 'preValidation', hook: FastifyHook): unknown;
}

/** A Fastify plugin (callback style). Marked to skip encapsulation so its hooks cover every route. */
export interface FastifyPlugin {
  (
    instance: { addHook: (...args: never[]) => unknown },
    options: RequestContextOptions,
    done: (error?: Error) => void,
  ): void;
  readonly [key: symbol]: unknown;
}

function fastifyPlugin(
  instance: { addHook: (...args: never[]) => unknown },
  options: RequestContextOptions,
  done: (error?: Error) => void,
): void {
  const app = instance as unknown as FastifyInstanceLike;
  const trustProxy = options?.trustProxy ?? false;
  app.addHook('onRequest', (request, _reply, next) => {
    storage.run({ request: request.raw, trustProxy }, () => {
      // Body parsing resumes from the socket's async context; re-entering this resource in
      // preValidation carries the context into the handler (as @fastify/request-context does).
      (request as unknown as Record<symbol, AsyncResource>)[RESOURCE] = new AsyncResource('auditledge.context');
      next();
    });
  });
  app.addHook('preValidation', (request, _reply, next) => {
    const resource = (request as unknown as Record<symbol, AsyncResource | undefined>)[RESOURCE];
    if (resource === undefined) next();
    else resource.runInAsyncScope(next);
  });
  done();
}
Object.assign(fastifyPlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'auditledge-context',
  [Symbol.for('plugin-meta')]: { name: 'auditledge-context', fastify: '>=4' },
});

/**
 * The per-request context of `@auditledge/sdk/node`.
 *
 * @example
 * // Express
 * app.use(auditContext.express({ trustProxy: 1 }));
 * // Fastify
 * await app.register(auditContext.fastify, { trustProxy: true });
 * // Anything else (a queue worker replaying a request's work):
 * auditContext.run({ ip: job.ip, user_agent: job.userAgent }, () => handle(job));
 */
export const auditContext = {
  /**
   * Runs `fn` (and everything it awaits) with this context.
   *
   * @example
   * auditContext.run({ ip: '203.0.113.42', user_agent: 'cli/1.0' }, () => audit.log(event));
   */
  run<T>(context: RequestContext, fn: () => T): T {
    return storage.run({ resolved: context }, fn);
  },

  /**
   * The current request's context, or undefined outside a request.
   *
   * @example
   * const { ip } = auditContext.get() ?? {};
   */
  get(): RequestContext | undefined {
    const slot = storage.getStore();
    return slot === undefined ? undefined : resolve(slot);
  },

  /**
   * Express (or Connect, or plain `node:http`) middleware: runs the rest of the request in its context.
   *
   * @example
   * app.use(auditContext.express());
   * app.delete('/invoices/:id', (req, res) => {
   *   audit.log({ actor: { id: req.user.id }, action: 'invoice.deleted', organization_id: req.user.org,
   *               resource: { type: 'invoice', id: req.params.id } }); // metadata.ip and user_agent filled in
   *   res.sendStatus(204);
   * });
   */
  express(options: RequestContextOptions = {}) {
    const trustProxy = options.trustProxy ?? false;
    return (request: IncomingRequestLike, _response: unknown, next: (error?: unknown) => void): void => {
      storage.run({ request, trustProxy }, next);
    };
  },

  /**
   * Fastify plugin: `app.register(auditContext.fastify, { trustProxy })`. Applies to every route.
   *
   * @example
   * await app.register(auditContext.fastify);
   * app.delete('/invoices/:id', async (request) => {
   *   await audit.log({ actor: { id: request.user.id }, action: 'invoice.deleted', organization_id: 'org_acme' });
   * });
   */
  fastify: fastifyPlugin as FastifyPlugin,
};
