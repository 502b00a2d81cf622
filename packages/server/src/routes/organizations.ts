import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireOrganization, requireScope } from '../auth/authenticate.js';
import type { AppContext, Caller } from '../context.js';
import { erasePersonalData, parseErasureBody } from '../services/organizations/erase-personal-data.js';

export function registerOrganizationRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  authenticateRequest: (request: FastifyRequest) => Promise<void>,
): void {
  app.post<{ Params: { organization_id: string } }>(
    '/v1/organizations/:organization_id/erasures',
    { preHandler: authenticateRequest },
    async (request) => {
      const caller = request.caller as Caller;
      requireScope(caller, 'admin');
      requireOrganization(caller, request.params.organization_id);
      const input = parseErasureBody(request.params.organization_id, request.body);
      return erasePersonalData(ctx, caller, input);
    },
  );
}
