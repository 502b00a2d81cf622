import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireScope } from '../auth/authenticate.js';
import type { AppContext, Caller } from '../context.js';
import { AppError } from '../errors.js';
import { ACTION_ENFORCEMENT_SCHEMA, bearer, documentOnly, json, pathParams, problems, ref } from '../http/schemas.js';
import { listActions } from '../services/actions/list-actions.js';
import { parseCatalogActionBody, putCatalogAction } from '../services/actions/put-catalog-action.js';
import { parseEnforcementBody, setActionEnforcement } from '../services/actions/set-action-enforcement.js';
import { queryParams } from './query-params.js';

const CATALOG_ACTION_BODY = {
  type: 'object',
  additionalProperties: false,
  description: 'A field left out keeps its current value; null removes it.',
  properties: {
    description: { type: ['string', 'null'], maxLength: 1000 },
    metadata_schema: {
      type: ['object', 'null'],
      additionalProperties: true,
      description:
        'A JSON Schema (2020-12, or draft-07 when $schema says so; at most 64 KiB, no remote $ref) that the metadata of events with this action must satisfy. An invalid schema is a 400 naming its path, e.g. metadata_schema.properties.amount.type.',
      examples: [{ type: 'object', required: ['amount'], properties: { amount: { type: 'number', minimum: 0 } } }],
    },
  },
};

const ENFORCEMENT_BODY = {
  type: 'object',
  required: ['enforcement'],
  additionalProperties: false,
  properties: { enforcement: ACTION_ENFORCEMENT_SCHEMA },
};

export function registerActionRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  authenticateRequest: (request: FastifyRequest) => Promise<void>,
): void {
  const admin = (request: FastifyRequest): Caller => {
    const caller = request.caller as Caller;
    requireScope(caller, 'admin');
    // The catalog is project-wide: a key pinned to one organization cannot change it.
    if (caller.organizationId !== null) {
      throw new AppError('forbidden', 'an organization-pinned key cannot manage the action catalog');
    }
    return caller;
  };

  app.get(
    '/v1/actions',
    {
      preHandler: authenticateRequest,
      schema: {
        tags: ['actions'],
        operationId: 'listActions',
        summary: 'The action catalog, with every action seen in the logs',
        description:
          "Catalogued actions (description, metadata schema) and every action appended to any of the project's logs (count, first and last seen), merged by name: `catalogued: false` flags an action used but not catalogued. Actions that differ only in noun number or verb form (`user.deleted`, `user.delete`, `users.deleted`) are grouped in `near_duplicates`.",
        security: bearer('admin'),
        response: { 200: json('The catalog', ref('ActionCatalog')), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const caller = admin(request);
      queryParams(request.query, []);
      return listActions(ctx, caller.projectId);
    },
  );

  app.put(
    '/v1/actions',
    {
      preHandler: authenticateRequest,
      config: documentOnly({ body: ENFORCEMENT_BODY }),
      schema: {
        tags: ['actions'],
        operationId: 'setActionEnforcement',
        summary: "Set the project's catalog enforcement",
        description:
          "`off`: the catalog is informational. `warn`: every event is accepted and its receipt (single or batch item) carries `warnings: [{ path, message }]`. `enforce`: an event whose action is not catalogued, or whose metadata fails the action's schema, is rejected with 400 and the schema paths in `errors[].path` (e.g. `metadata.amount`). Recorded as `catalog.changed` in the project's system log.",
        security: bearer('admin'),
        response: {
          200: json('The enforcement now in force', {
            type: 'object',
            required: ['enforcement', 'previous'],
            additionalProperties: false,
            properties: { enforcement: ACTION_ENFORCEMENT_SCHEMA, previous: ACTION_ENFORCEMENT_SCHEMA },
          }),
          ...problems(400, 401, 403, 415),
        },
      },
    },
    async (request) => {
      const caller = admin(request);
      return setActionEnforcement(ctx, caller, parseEnforcementBody(request.body));
    },
  );

  app.put<{ Params: { action: string } }>(
    '/v1/actions/:action',
    {
      preHandler: authenticateRequest,
      config: documentOnly({ body: CATALOG_ACTION_BODY }),
      schema: {
        tags: ['actions'],
        operationId: 'putCatalogAction',
        summary: 'Add an action to the catalog, or update it',
        description:
          "Schemas are compiled when they are stored, so a broken one is refused here, not at ingest. Recorded as `catalog.changed` in the project's system log.",
        security: bearer('admin'),
        params: pathParams({ action: 'The action, lowercase dot-notation ("invoice.deleted")' }),
        response: {
          201: json('Added to the catalog', ref('CatalogAction')),
          200: json('Updated', ref('CatalogAction')),
          ...problems(400, 401, 403, 415),
        },
      },
    },
    async (request, reply) => {
      const caller = admin(request);
      const input = parseCatalogActionBody(request.params.action, request.body);
      const { view, created } = await putCatalogAction(ctx, caller, input);
      return reply.code(created ? 201 : 200).send(view);
    },
  );
}
