// JSON Schemas shared by the routes: registered once with app.addSchema (their $id is the OpenAPI
// component name) and referenced as { $ref: 'Name#' }. Response schemas also drive Fastify's
// serializer, which DROPS properties a schema does not list: every object here either lists all
// of its properties or says additionalProperties: true where it is open (metadata, changes).
// Request bodies and filter query strings are validated by the services and core (their errors
// carry field paths and did-you-mean hints); their schemas here document them (see documentOnly).
import { BATCH_LIMITS, EVENT_LIMITS } from '@auditledge/core';
import type { FastifySchema } from 'fastify';
import { ERROR_STATUS, ERROR_TITLE, type ErrorCode } from '../errors.js';

export type JsonSchema = Record<string, unknown>;

/** A reference to a shared schema by its $id. */
export function ref(id: string): JsonSchema {
  return { $ref: `${id}#` };
}

const nullable = (schema: JsonSchema): JsonSchema => ({
  ...schema,
  type: [schema.type as string, 'null'],
});
const base64Hash = { type: 'string', contentEncoding: 'base64', description: '32 bytes, standard base64 with padding' };
const dateTime = { type: 'string', format: 'date-time' };
const jsonObject = (description: string): JsonSchema => ({ type: 'object', additionalProperties: true, description });

const ISSUE = {
  type: 'object',
  required: ['path', 'message'],
  additionalProperties: false,
  properties: {
    path: {
      type: 'string',
      description:
        'The field, dotted from the request body or event (`actor.email`, `targets[2].id`, `metadata.amount`)',
    },
    message: { type: 'string' },
  },
} as const;

const PROBLEM: JsonSchema = {
  $id: 'Problem',
  type: 'object',
  description:
    'RFC 9457 problem details. `type` is `urn:auditledge:problem:<code>`; validation failures list every field in `errors`. Some problems carry extension members (a 410 names the retention rule).',
  required: ['type', 'title', 'status', 'detail', 'request_id'],
  additionalProperties: true,
  properties: {
    type: { type: 'string', examples: ['urn:auditledge:problem:invalid_request'] },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    request_id: {
      type: 'string',
      description: 'Also sent as the X-Request-Id header; quote it when reporting a problem',
    },
    errors: { type: 'array', items: ISSUE },
  },
};

const ERASED_VALUE: JsonSchema = {
  $id: 'ErasedValue',
  type: 'object',
  description:
    "A personal value's salted commitment, left in place when the value was erased (its path is listed in the event's `erased`)",
  required: ['sha256'],
  additionalProperties: false,
  properties: { sha256: base64Hash },
};

const PERSONAL_STRING: JsonSchema = {
  $id: 'PersonalString',
  description: "A string; if the project lists this field as personal and it was erased, the value's commitment",
  anyOf: [{ type: 'string' }, ref('ErasedValue')],
};

const str = (min: number, max: number, description?: string): JsonSchema => ({
  type: 'string',
  minLength: min,
  maxLength: max,
  ...(description !== undefined && { description }),
});
const optional = (schema: JsonSchema): JsonSchema => nullable(schema);
const freeJson = (what: string) =>
  jsonObject(`${what}: any JSON object, nested at most ${EVENT_LIMITS.maxJsonDepth} levels deep`);

const EVENT_INPUT: JsonSchema = {
  $id: 'EventInput',
  type: 'object',
  description: `One audit event, as the integrating application sends it (the seed article's JSON is valid as is). Unknown fields are rejected; null and absent mean the same for optional fields. At most ${EVENT_LIMITS.maxEventBytes} bytes serialized. The server validates it (core validation, with field paths and suggestions) and, when the project enforces its action catalog, checks the action and its metadata schema.`,
  required: ['actor', 'action', 'organization_id'],
  additionalProperties: false,
  properties: {
    actor: {
      type: 'object',
      description: 'Who performed the action: a snapshot, since users get renamed',
      required: ['id'],
      additionalProperties: false,
      properties: {
        id: str(1, EVENT_LIMITS.maxIdLength),
        type: optional(str(1, EVENT_LIMITS.maxTypeLength)),
        name: optional(str(0, EVENT_LIMITS.maxNameLength)),
        email: optional(str(3, EVENT_LIMITS.maxEmailLength)),
        metadata: nullable(freeJson('Actor details')),
      },
    },
    action: {
      type: 'string',
      pattern: '^[a-z0-9_]+(\\.[a-z0-9_]+)+$',
      maxLength: EVENT_LIMITS.maxActionLength,
      description: 'Lowercase dot-notation "resource.verb"; a wrong form is answered with the likely intended name',
      examples: ['invoice.deleted'],
    },
    resource: nullable({
      type: 'object',
      description: 'The primary object acted upon',
      required: ['type', 'id'],
      additionalProperties: false,
      properties: {
        type: str(1, EVENT_LIMITS.maxTypeLength),
        id: str(1, EVENT_LIMITS.maxIdLength),
        name: optional(str(0, EVENT_LIMITS.maxNameLength)),
        metadata: nullable(freeJson('Resource details')),
      },
    }),
    targets: nullable({
      type: 'array',
      maxItems: EVENT_LIMITS.maxTargets,
      description: 'Further objects acted upon; resource filters match them too',
      items: {
        type: 'object',
        required: ['type', 'id'],
        additionalProperties: false,
        properties: {
          type: str(1, EVENT_LIMITS.maxTypeLength),
          id: str(1, EVENT_LIMITS.maxIdLength),
          name: optional(str(0, EVENT_LIMITS.maxNameLength)),
        },
      },
    }),
    organization_id: str(
      1,
      EVENT_LIMITS.maxOrganizationIdLength,
      'The tenant whose admins may see the event; ids starting with "auditledge:" are reserved',
    ),
    timestamp: nullable({
      ...dateTime,
      description:
        'RFC 3339 with Z or an explicit offset (a time without one is rejected as ambiguous); stored as UTC milliseconds. Defaults to received_at.',
    }),
    metadata: nullable(
      freeJson('Context such as ip and user_agent (by convention); checked against the action catalog schema if any'),
    ),
    changes: nullable({
      type: 'object',
      maxProperties: EVENT_LIMITS.maxChanges,
      description: 'Changed fields with their values before and after',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: { before: {}, after: {} },
      },
    }),
    outcome: nullable({ type: 'string', enum: ['success', 'failure'], default: 'success' }),
    idempotency_key: {
      type: 'string',
      minLength: 1,
      maxLength: EVENT_LIMITS.maxIdempotencyKeyLength,
      description:
        'Batch items only (single events use the Idempotency-Key header): printable ASCII; a retry with the same key and event is answered with the original receipt',
    },
  },
};

const BATCH_INPUT: JsonSchema = {
  $id: 'EventBatch',
  type: 'object',
  required: ['events'],
  additionalProperties: false,
  description: `At most ${BATCH_LIMITS.maxEvents} events and ${BATCH_LIMITS.maxBytes} bytes; an invalid event does not block the valid ones`,
  properties: { events: { type: 'array', minItems: 1, maxItems: BATCH_LIMITS.maxEvents, items: ref('EventInput') } },
};

const RECEIPT_PROPERTIES = {
  id: { type: 'string', description: 'Server-generated, time-sortable, prefixed evt_', examples: ['evt_01J0000000'] },
  sequence: { type: 'integer', minimum: 0, description: "The event's leaf index in its organization's log" },
  organization_id: { type: 'string' },
  received_at: dateTime,
  leaf_hash: base64Hash,
  warnings: {
    type: 'array',
    items: ISSUE,
    description: 'Action-catalog findings when the project enforces its catalog in `warn` mode',
  },
};

const RECEIPT: JsonSchema = {
  $id: 'EventReceipt',
  type: 'object',
  description: 'The event is durable: committed to its log, with its position and leaf hash',
  required: ['id', 'sequence', 'organization_id', 'received_at', 'leaf_hash'],
  additionalProperties: false,
  properties: RECEIPT_PROPERTIES,
};

const BATCH_RESULT: JsonSchema = {
  $id: 'EventBatchResult',
  type: 'object',
  required: ['results'],
  additionalProperties: false,
  properties: {
    results: {
      type: 'array',
      description: 'One result per event, in request order: a receipt (201 created, 200 replayed) or a problem',
      items: {
        type: 'object',
        required: ['index', 'status'],
        additionalProperties: false,
        properties: {
          index: { type: 'integer', minimum: 0 },
          status: { type: 'integer', description: 'The status this event alone would have had' },
          ...RECEIPT_PROPERTIES,
          error: ref('Problem'),
        },
      },
    },
  },
};

const personalObject = (required: string[], fields: string[], description: string): JsonSchema => ({
  type: 'object',
  description,
  required,
  additionalProperties: false,
  properties: {
    ...Object.fromEntries(fields.map((field) => [field, ref('PersonalString')])),
    metadata: { type: 'object', additionalProperties: true },
  },
});

const EVENT_PROPERTIES: JsonSchema = {
  id: { type: 'string' },
  organization_id: { type: 'string' },
  sequence: { type: 'integer', minimum: 0 },
  received_at: dateTime,
  timestamp: dateTime,
  actor: personalObject(['id'], ['id', 'type', 'name', 'email'], 'Who performed the action'),
  action: { type: 'string' },
  resource: personalObject(['type', 'id'], ['type', 'id', 'name'], 'The primary object acted upon'),
  targets: {
    type: 'array',
    items: {
      type: 'object',
      required: ['type', 'id'],
      additionalProperties: false,
      properties: { type: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' } },
    },
  },
  metadata: { type: 'object', additionalProperties: true },
  changes: { type: 'object', additionalProperties: true },
  outcome: { type: 'string', enum: ['success', 'failure'] },
  leaf_hash: base64Hash,
  erased: {
    type: 'array',
    items: { type: 'string' },
    description: 'Personal fields whose values were erased; their commitments remain, so the leaf still verifies',
  },
};
const EVENT_REQUIRED = [
  'id',
  'organization_id',
  'sequence',
  'received_at',
  'timestamp',
  'actor',
  'action',
  'outcome',
  'leaf_hash',
];

const EVENT: JsonSchema = {
  $id: 'Event',
  type: 'object',
  description: 'A stored event: the input, normalized, with its id, position and leaf hash',
  required: EVENT_REQUIRED,
  additionalProperties: false,
  properties: EVENT_PROPERTIES,
};

const EVENT_PROOF: JsonSchema = {
  $id: 'EventProof',
  type: 'object',
  description: 'Everything needed to verify the event offline against a pinned verifier key (docs/verification.md)',
  required: ['leaf', 'disclosures', 'leaf_index', 'tree_size', 'inclusion', 'checkpoint'],
  additionalProperties: false,
  properties: {
    leaf: { type: 'string', description: 'The sealed canonical JSON whose SHA-256(0x00 ‖ UTF-8) is the leaf hash' },
    disclosures: {
      type: 'object',
      description: 'Personal values and the salts that reproduce their commitments, by field path',
      additionalProperties: {
        type: 'object',
        required: ['value', 'salt'],
        additionalProperties: false,
        properties: { value: {}, salt: { type: 'string' } },
      },
    },
    leaf_index: { type: 'integer', minimum: 0 },
    tree_size: { type: 'integer', minimum: 1 },
    inclusion: { type: 'array', items: base64Hash, description: 'RFC 9162 inclusion path' },
    checkpoint: { type: 'string', description: 'The signed C2SP checkpoint note the path leads to' },
  },
};

const EVENT_WITH_PROOF: JsonSchema = {
  $id: 'EventWithProof',
  type: 'object',
  description: 'An event; with ?proof=true, also its inclusion proof',
  required: EVENT_REQUIRED,
  additionalProperties: false,
  properties: { ...EVENT_PROPERTIES, proof: ref('EventProof') },
};

const EVENT_PAGE: JsonSchema = {
  $id: 'EventPage',
  type: 'object',
  required: ['data', 'next_cursor'],
  additionalProperties: false,
  properties: {
    data: { type: 'array', items: ref('Event'), description: 'Newest first' },
    next_cursor: nullable({ type: 'string', description: 'Opaque; pass as cursor for the next page' }),
  },
};

const API_KEY_PROPERTIES = {
  id: { type: 'string' },
  name: { type: 'string' },
  scopes: { type: 'array', items: { type: 'string', enum: ['events:write', 'events:read', 'admin'] } },
  organization_id: nullable({ type: 'string', description: 'The one organization the key may touch' }),
  created_at: dateTime,
  revoked_at: nullable(dateTime),
};
const API_KEY_REQUIRED = ['id', 'name', 'scopes', 'organization_id', 'created_at', 'revoked_at'];

const API_KEY: JsonSchema = {
  $id: 'ApiKey',
  type: 'object',
  description: 'An API key: never its secret',
  required: API_KEY_REQUIRED,
  additionalProperties: false,
  properties: API_KEY_PROPERTIES,
};

const NEW_API_KEY: JsonSchema = {
  $id: 'NewApiKey',
  type: 'object',
  required: [...API_KEY_REQUIRED, 'secret'],
  additionalProperties: false,
  properties: {
    ...API_KEY_PROPERTIES,
    secret: { type: 'string', description: 'Shown this once; only its hash is stored' },
  },
};

const ISSUE_LIST = { type: 'array', items: ISSUE };

const CATALOG_ACTION: JsonSchema = {
  $id: 'CatalogAction',
  type: 'object',
  description: 'An action of the project: catalogued, seen in its logs, or both',
  required: [
    'action',
    'catalogued',
    'builtin',
    'description',
    'metadata_schema',
    'count',
    'first_seen',
    'last_seen',
    'catalogued_at',
    'updated_at',
    'similar',
  ],
  additionalProperties: false,
  properties: {
    action: { type: 'string' },
    catalogued: { type: 'boolean', description: 'False for an action only seen in the logs' },
    builtin: { type: 'boolean', description: 'Recorded by Auditledge itself (its meta log)' },
    description: nullable({ type: 'string' }),
    metadata_schema: nullable({
      type: 'object',
      additionalProperties: true,
      description: 'JSON Schema (2020-12 unless $schema names draft-07) that event metadata must satisfy',
    }),
    count: { type: 'integer', minimum: 0, description: 'Events ever appended with this action, in every log' },
    first_seen: nullable(dateTime),
    last_seen: nullable(dateTime),
    catalogued_at: nullable(dateTime),
    updated_at: nullable(dateTime),
    similar: {
      type: 'array',
      items: { type: 'string' },
      description: 'Listed actions that differ only in noun number or verb form (near-duplicates)',
    },
  },
};

const ENFORCEMENT = {
  type: 'string',
  enum: ['off', 'warn', 'enforce'],
  description:
    '`off`: the catalog is informational. `warn`: events are accepted and receipts carry `warnings`. `enforce`: events with an uncatalogued action or metadata failing its schema are rejected with 400.',
};

const ACTION_CATALOG: JsonSchema = {
  $id: 'ActionCatalog',
  type: 'object',
  required: ['enforcement', 'actions', 'near_duplicates'],
  additionalProperties: false,
  properties: {
    enforcement: ENFORCEMENT,
    actions: { type: 'array', items: ref('CatalogAction'), description: 'By action name' },
    near_duplicates: {
      type: 'array',
      description: 'Actions that look like one action spelled several ways (users.deleted, user.delete, user.deleted)',
      items: {
        type: 'object',
        required: ['actions', 'suggested'],
        additionalProperties: false,
        properties: {
          actions: { type: 'array', items: { type: 'string' } },
          suggested: { type: 'string', description: 'The spelling to keep: the catalogued one, else the most used' },
        },
      },
    },
  },
};

export const ACTION_ENFORCEMENT_SCHEMA = ENFORCEMENT;

/** Every shared schema, in dependency order, for app.addSchema. */
export const SHARED_SCHEMAS: readonly JsonSchema[] = [
  PROBLEM,
  ERASED_VALUE,
  PERSONAL_STRING,
  EVENT_INPUT,
  BATCH_INPUT,
  RECEIPT,
  BATCH_RESULT,
  EVENT,
  EVENT_PROOF,
  EVENT_WITH_PROOF,
  EVENT_PAGE,
  API_KEY,
  NEW_API_KEY,
  CATALOG_ACTION,
  ACTION_CATALOG,
];

export { ISSUE_LIST };

// --- responses ---------------------------------------------------------------------------------

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is invalid; `errors` names each field',
  401: 'No valid API key, viewer token or session',
  403: 'The credentials lack the scope, or are pinned to another organization',
  404: 'Not found (also for another organization’s resources, so ids do not leak)',
  409: 'The Idempotency-Key was used with a different request',
  410: 'Deleted by retention; the problem names the rule',
  413: 'The body or an event is too large',
  415: 'The body is not JSON',
};

const problemResponse = (description: string): JsonSchema => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});

/**
 * Problem+json responses for the given statuses, plus `5xx` (an unexpected error, or 503 while
 * the store is unreachable or the server is shutting down).
 */
export function problems(...statuses: number[]): Record<string, JsonSchema> {
  const responses: Record<string, JsonSchema> = {};
  for (const status of statuses) {
    const code = (Object.keys(ERROR_STATUS) as ErrorCode[]).find((c) => ERROR_STATUS[c] === status);
    responses[status] = problemResponse(PROBLEM_DESCRIPTIONS[status] ?? (code ? ERROR_TITLE[code] : 'Error'));
  }
  responses['5xx'] = problemResponse(
    'Unexpected server error (quote request_id), or 503 when the store is unreachable',
  );
  return responses;
}

/** A JSON response with a description. */
export function json(description: string, schema: JsonSchema): JsonSchema {
  return { description, content: { 'application/json': { schema } } };
}

/** A non-JSON response (text, a file, a stream): sent as is, never serialized. */
export function raw(description: string, contentType: string, schema: JsonSchema = { type: 'string' }): JsonSchema {
  return { description, content: { [contentType]: { schema } } };
}

// --- security ----------------------------------------------------------------------------------

/**
 * OpenAPI 3.1 security requirements; for schemes other than OAuth the array lists required roles,
 * here the API key scopes. Viewer tokens and sessions count as `events:read` for one organization.
 */
export function bearer(scope: 'events:write' | 'events:read' | 'admin'): FastifySchema['security'] {
  return scope === 'admin'
    ? [{ bearerAuth: ['admin'] }, { consoleSession: ['admin'] }]
    : [{ bearerAuth: [scope] }, { consoleSession: [scope] }];
}

export const SECURITY_SCHEMES = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API key (scopes events:write, events:read, admin; optionally pinned to one organization), a viewer token or a viewer session (read-only, one organization)',
  },
  consoleSession: {
    type: 'apiKey',
    in: 'cookie',
    name: 'auditledge_session',
    description: 'The operator console session (POST /v1/console/session); unsafe methods also need X-CSRF-Token',
  },
} as const;

// --- documentation-only request schemas -------------------------------------------------------

/**
 * Request parts validated by the service rather than by Fastify, attached to the route's OpenAPI
 * operation only (through @fastify/swagger's per-route transform): Fastify's Ajv would answer
 * first with its own messages and, for query strings, coerce or strip values. `url` and `params`
 * name a wildcard route's rest-of-path (`*`) for the document.
 */
export function documentOnly(parts: {
  body?: JsonSchema;
  querystring?: JsonSchema;
  params?: JsonSchema;
  headers?: JsonSchema;
  url?: string;
}): {
  swaggerTransform: (input: { schema: FastifySchema; url: string }) => { schema: FastifySchema; url: string };
} {
  const { url: documentedUrl, ...schemaParts } = parts;
  return {
    swaggerTransform: ({ schema, url }) => ({ schema: { ...schema, ...schemaParts }, url: documentedUrl ?? url }),
  };
}

/** A query string of optional string parameters, each with a description. */
export function queryString(params: Record<string, string>, required: string[] = []): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    required,
    properties: Object.fromEntries(
      Object.entries(params).map(([name, description]) => [name, { type: 'string', description }]),
    ),
  };
}

/** Path parameters, all strings. */
export function pathParams(params: Record<string, string>): JsonSchema {
  return {
    type: 'object',
    required: Object.keys(params),
    properties: Object.fromEntries(
      Object.entries(params).map(([name, description]) => [name, { type: 'string', description }]),
    ),
  };
}

/** The event filters shared by GET /v1/events and GET /v1/exports/events (core FILTER_PARAMS). */
export const FILTER_PARAM_DOCS: Record<string, string> = {
  organization_id: 'The organization whose events to read; implied for keys and viewer tokens pinned to one',
  actor_id: 'Exact actor id',
  actor_email: 'Actor email, case-insensitive',
  action: 'Exact action, a prefix such as `invoice.*`, or a comma-separated list of either',
  resource_type: 'Type of the primary resource or of any target',
  resource_id: 'Id of the primary resource or of any target (with resource_type: the same object)',
  outcome: '`success` or `failure`',
  since: 'Events at or after this RFC 3339 instant, or a date (the start of that UTC day)',
  until: 'Events before this RFC 3339 instant, or a date',
  q: 'The query language, e.g. `actor:alice@acme.com action:invoice.* after:2026-05-01 -outcome:success "free text"`',
};
