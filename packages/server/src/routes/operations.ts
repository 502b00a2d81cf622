import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';

export function registerOperationsRoutes(app: FastifyInstance, ctx: AppContext): void {
  /** Liveness: the process is up and serving HTTP. */
  app.get('/healthz', async () => ({ status: 'ok' }));

  /** Readiness: the store answers, so events can be accepted. */
  app.get('/readyz', async () => {
    try {
      await ctx.store.ping();
    } catch (error) {
      throw new AppError('unavailable', `the store is not reachable: ${(error as Error).message}`);
    }
    return { status: 'ready' };
  });
}
