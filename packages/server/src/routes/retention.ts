import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireOrganization, requireScope } from '../auth/authenticate.js';
import type { AppContext, Caller } from '../context.js';
import { requestMetadata } from '../services/meta/record-meta-event.js';
import { getRetentionPolicy } from '../services/retention/get-retention-policy.js';
import { RETENTION_POLICY_SCHEMA } from '../services/retention/retention-view.js';
import {
  checkOrganizationId,
  parseRetentionBody,
  setRetentionPolicy,
} from '../services/retention/set-retention-policy.js';

const PARAMS_SCHEMA = {
  type: 'object',
  required: ['organization_id'],
  properties: { organization_id: { type: 'string' } },
} as const;

export function registerRetentionRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  authenticateRequest: (request: FastifyRequest) => Promise<void>,
): void {
  const admin = (request: FastifyRequest<{ Params: { organization_id: string } }>): Caller => {
    const caller = request.caller as Caller;
    requireScope(caller, 'admin');
    requireOrganization(caller, request.params.organization_id);
    checkOrganizationId(request.params.organization_id);
    return caller;
  };

  app.get<{ Params: { organization_id: string } }>(
    '/v1/organizations/:organization_id/retention',
    {
      preHandler: authenticateRequest,
      schema: {
        params: PARAMS_SCHEMA,
        response: { 200: RETENTION_POLICY_SCHEMA },
      },
    },
    async (request) => {
      const caller = admin(request);
      return getRetentionPolicy(ctx, caller, { organizationId: request.params.organization_id });
    },
  );

  app.put<{ Params: { organization_id: string } }>(
    '/v1/organizations/:organization_id/retention',
    {
      preHandler: authenticateRequest,
      schema: {
        params: PARAMS_SCHEMA,
        response: { 200: RETENTION_POLICY_SCHEMA },
      },
    },
    async (request) => {
      const caller = admin(request);
      return setRetentionPolicy(ctx, caller, {
        organizationId: request.params.organization_id,
        setting: parseRetentionBody(ctx.config.retention, request.body),
        requestMetadata: requestMetadata(request),
      });
    },
  );
}
