// `@auditledge/sdk/node`: everything of the main entry, plus request context (AsyncLocalStorage)
// for Express and Fastify. Its AuditLedge reads that context by default.
import { type AuditLedgeOptions, AuditLedge as BaseAuditLedge } from './client.js';
import { auditContext } from './request-context.js';

export * from './index.js';
export {
  auditContext,
  clientIp,
  type FastifyPlugin,
  type FastifyRequestLike,
  type IncomingRequestLike,
  type RequestContextOptions,
  requestContext,
} from './request-context.js';

/**
 * The Node client: as the main entry's, with `metadata.ip` and `metadata.user_agent` taken from
 * the current request (see `auditContext`) for events that do not set them.
 *
 * @example
 * import express from 'express';
 * import { AuditLedge, auditContext } from '@auditledge/sdk/node';
 *
 * const audit = new AuditLedge(process.env.AUDITLEDGE_API_KEY!);
 * const app = express();
 * app.use(auditContext.express());
 */
export class AuditLedge extends BaseAuditLedge {
  constructor(apiKey: string, options: AuditLedgeOptions = {}) {
    super(apiKey, { context: auditContext.get, ...options });
  }
}
