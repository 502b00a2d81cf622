import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { json, problems } from '../http/schemas.js';

const status = (value: string) => ({
  type: 'object',
  required: ['status'],
  additionalProperties: false,
  properties: { status: { type: 'string', const: value } },
});

export function registerOperationsRoutes(app: FastifyInstance, ctx: AppContext): void {
  /** Liveness: the process is up and serving HTTP. */
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        operationId: 'getHealth',
        summary: 'Liveness',
        response: { 200: json('The process serves HTTP', status('ok')), ...problems() },
      },
    },
    async () => ({ status: 'ok' }),
  );

  /** Readiness: the store answers, so events can be accepted. */
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        operationId: 'getReadiness',
        summary: 'Readiness: the store answers',
        response: { 200: json('Events can be accepted', status('ready')), ...problems() },
      },
    },
    async () => {
      try {
        await ctx.store.ping();
      } catch (error) {
        throw new AppError('unavailable', `the store is not reachable: ${(error as Error).message}`);
      }
      return { status: 'ready' };
    },
  );
}
