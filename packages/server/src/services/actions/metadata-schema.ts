// JSON Schemas for event metadata, supplied by admins through the action catalog. Compiled once
// per catalog entry (Ajv generates a validator function) and cached with the catalog; a schema
// that does not compile is refused when it is PUT, with the path of the offending keyword.
import { joinIndex, joinKey, type ValidationIssue } from '@auditledge/core';
import { Ajv, type ErrorObject, type Options } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';
import { AppError } from '../../errors.js';

/** Checks one event's metadata; issues are pathed from the event (`metadata.amount`). */
export type MetadataValidator = (metadata: unknown) => ValidationIssue[];

/** A stored schema is at most this large (compact JSON), so a catalog stays cheap to load. */
export const MAX_METADATA_SCHEMA_BYTES = 64 * 1024;
/** Schema errors reported for one event: enough to fix it, not enough to bloat a response. */
const MAX_ISSUES = 20;
const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;

const AJV_OPTIONS: Options = {
  // Unknown keywords are typos (`requierd`): refuse them instead of ignoring them.
  strictSchema: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  allowUnionTypes: true,
  allErrors: true,
  // Never fetch a remote $ref: the server must not make requests on an admin's behalf.
  loadSchema: undefined,
  logger: false,
};

const addFormats = formatsPlugin.default;
let draft2020: Ajv2020 | undefined;
let draft07: Ajv | undefined;

/** JSON Schema 2020-12 (the default, as in OpenAPI 3.1) or draft-07 when `$schema` names it. */
function ajvFor(schema: Record<string, unknown>): Ajv | Ajv2020 {
  if (typeof schema.$schema === 'string' && DRAFT_07.test(schema.$schema)) {
    draft07 ??= addFormats(new Ajv(AJV_OPTIONS));
    return draft07;
  }
  draft2020 ??= addFormats(new Ajv2020(AJV_OPTIONS));
  return draft2020;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `/properties/amount/type` (a JSON Pointer) → `metadata_schema.properties.amount.type`. */
function pointerPath(root: string, pointer: string, data: unknown): string {
  let path = root;
  let node = data;
  if (pointer === '') return path;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node) && /^\d+$/.test(key)) {
      path = joinIndex(path, Number(key));
      node = node[Number(key)];
    } else {
      path = joinKey(path, key);
      node = isPlainObject(node) ? node[key] : undefined;
    }
  }
  return path;
}

/** The path of the first object key named `key` in `schema` (breadth first), for errors Ajv throws without one. */
function findKey(schema: unknown, key: string): string | undefined {
  const queue: { node: unknown; path: string }[] = [{ node: schema, path: 'metadata_schema' }];
  for (let i = 0; i < queue.length && i < 10_000; i++) {
    const { node, path } = queue[i] as { node: unknown; path: string };
    if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) queue.push({ node: item, path: joinIndex(path, index) });
    } else if (isPlainObject(node)) {
      if (Object.hasOwn(node, key)) return joinKey(path, key);
      for (const [name, value] of Object.entries(node)) queue.push({ node: value, path: joinKey(path, name) });
    }
  }
  return undefined;
}

function refused(path: string, message: string): AppError {
  return new AppError('invalid_request', `${path}: ${message}`, [{ path, message }]);
}

/** Maps Ajv's errors on one event's metadata to issues like `metadata.amount: must be number`. */
export function metadataIssues(errors: readonly ErrorObject[], metadata: unknown): ValidationIssue[] {
  return errors.slice(0, MAX_ISSUES).map((error) => {
    let path = pointerPath('metadata', error.instancePath, metadata);
    let message = error.message ?? 'is invalid';
    if (error.keyword === 'required') {
      path = joinKey(path, String(error.params.missingProperty));
      message = 'is required by the action catalog';
    } else if (error.keyword === 'additionalProperties') {
      path = joinKey(path, String(error.params.additionalProperty));
      message = 'is not allowed by the action catalog';
    }
    return { path, message };
  });
}

/**
 * Checks and compiles an admin-supplied metadata schema. Throws a 400 AppError naming the schema
 * path (`metadata_schema.properties.amount.type`) when it is not a valid, self-contained schema.
 */
export function compileMetadataSchema(schema: unknown): MetadataValidator {
  if (!isPlainObject(schema)) throw refused('metadata_schema', 'must be a JSON Schema object, or null to remove it');
  const bytes = Buffer.byteLength(JSON.stringify(schema));
  if (bytes > MAX_METADATA_SCHEMA_BYTES) {
    throw refused('metadata_schema', `is ${bytes} bytes; at most ${MAX_METADATA_SCHEMA_BYTES} are allowed`);
  }
  if (schema.$async === true) throw refused('metadata_schema.$async', 'asynchronous schemas are not supported');
  if (schema.$schema !== undefined && typeof schema.$schema === 'string' && !DRAFT_07.test(schema.$schema)) {
    if (!/^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/.test(schema.$schema)) {
      throw refused('metadata_schema.$schema', 'must be JSON Schema 2020-12 (the default) or draft-07');
    }
  }
  const ajv = ajvFor(schema);
  if (!ajv.validateSchema(schema)) {
    const issues = (ajv.errors ?? []).slice(0, MAX_ISSUES).map((error) => ({
      path: pointerPath('metadata_schema', error.instancePath, schema),
      message: error.message ?? 'is invalid',
    }));
    throw new AppError('invalid_request', `${issues[0]?.path}: ${issues[0]?.message}`, issues);
  }
  let validate: ReturnType<typeof ajv.compile>;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    const message = (error as Error).message;
    // "strict mode: unknown keyword: \"requierd\"": point at the keyword.
    const keyword = /unknown keyword: "([^"]+)"/.exec(message)?.[1];
    const at = (keyword !== undefined && findKey(schema, keyword)) || 'metadata_schema';
    throw refused(at, message.replace(/^strict mode: /, ''));
  } finally {
    // The compiled function keeps what it needs; dropping the schema from Ajv's registry lets two
    // catalog entries reuse a `$id` and lets replaced schemas be collected.
    ajv.removeSchema(schema);
  }
  return (metadata) => (validate(metadata) ? [] : metadataIssues(validate.errors ?? [], metadata));
}
