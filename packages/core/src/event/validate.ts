// Event validation and normalization: the first thing ingest does with every event, so it walks
// the input once, allocates only the small normalized shell (free-form JSON such as metadata is
// reused, not copied) and never throws, whatever JSON it is given.
import { ValidationError, type ValidationIssue } from '../errors.js';
import type { JsonObject } from '../json/types.js';
import { hasControlCharacter, isWellFormed, utf8Length } from '../json/unicode.js';
import { actionProblem } from './action.js';
import { EVENT_LIMITS, FORBIDDEN_KEYS } from './limits.js';
import { joinIndex, joinKey, quoteKey } from './path.js';
import { closestMatch } from './suggest.js';
import { formatTimestamp, parseTimestamp } from './timestamp.js';
import type {
  EventOutcome,
  EventTarget,
  NormalizedActor,
  NormalizedChange,
  NormalizedEvent,
  NormalizedResource,
} from './types.js';

export interface ValidateEventOptions {
  /** The server clock in epoch ms, for the "not in the future" rule; defaults to Date.now(). */
  now?: number;
  /** Accept `idempotency_key` in the body (batch items); single events use the header instead. */
  allowIdempotencyKey?: boolean;
}

export type ValidateEventResult =
  | { ok: true; event: NormalizedEvent; idempotencyKey?: string }
  | { ok: false; issues: ValidationIssue[] };

class Issues {
  readonly list: ValidationIssue[] = [];
  full = false;

  add(path: string, message: string, code?: ValidationIssue['code']): void {
    if (this.full) return;
    this.list.push(code === undefined ? { path, message } : { path, message, code });
    this.full = this.list.length >= EVENT_LIMITS.maxIssues;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Own property or undefined: never reads through the prototype (`constructor` is not a field). */
function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Absent and `null` both mean "not given" for optional fields (SDKs in other languages send null for None). */
function given(value: unknown): boolean {
  return value !== undefined && value !== null;
}

// --- strings -----------------------------------------------------------------------------------

interface StringRule {
  min: number;
  max: number;
  /** Reject C0/DEL/C1 controls: identifiers end up in CSV exports, log lines and URLs. */
  noControl: boolean;
}

const ID_RULE: StringRule = { min: 1, max: EVENT_LIMITS.maxIdLength, noControl: true };
const ORG_RULE: StringRule = { min: 1, max: EVENT_LIMITS.maxOrganizationIdLength, noControl: true };
const TYPE_RULE: StringRule = { min: 1, max: EVENT_LIMITS.maxTypeLength, noControl: true };
const NAME_RULE: StringRule = { min: 0, max: EVENT_LIMITS.maxNameLength, noControl: false };
const EMAIL_RULE: StringRule = { min: 3, max: EVENT_LIMITS.maxEmailLength, noControl: true };

function checkString(issues: Issues, value: unknown, path: string, rule: StringRule): string | undefined {
  if (typeof value !== 'string') {
    issues.add(path, `must be a string (got ${describe(value)})`);
    return undefined;
  }
  if (value.length < rule.min) {
    issues.add(path, rule.min === 1 ? 'must not be empty' : `must be at least ${rule.min} characters`);
    return undefined;
  }
  if (value.length > rule.max) {
    issues.add(path, `must be at most ${rule.max} characters (got ${value.length})`);
    return undefined;
  }
  if (!isWellFormed(value)) {
    issues.add(path, 'must be valid Unicode (contains a lone surrogate)');
    return undefined;
  }
  if (rule.noControl && hasControlCharacter(value)) {
    issues.add(path, 'must not contain control characters');
    return undefined;
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'string' ? 'a string' : `${typeof value}`;
}

// --- free-form JSON (metadata, change values) --------------------------------------------------

function checkKey(issues: Issues, key: string, parentPath: string): boolean {
  if (FORBIDDEN_KEYS.has(key)) {
    issues.add(joinKey(parentPath, key), `${quoteKey(key)} is not allowed as a key`);
    return false;
  }
  if (!isWellFormed(key)) {
    issues.add(joinKey(parentPath, key), 'key must be valid Unicode (contains a lone surrogate)');
    return false;
  }
  return true;
}

/** Checks a JSON value whose enclosing containers number `depth`; containers count toward the depth limit. */
function checkJson(issues: Issues, value: unknown, path: string, depth: number): void {
  if (issues.full) return;
  switch (typeof value) {
    case 'string':
      if (!isWellFormed(value)) issues.add(path, 'must be valid Unicode (contains a lone surrogate)');
      return;
    case 'number':
      if (!Number.isFinite(value)) issues.add(path, 'must be a finite number');
      return;
    case 'boolean':
      return;
    case 'object': {
      if (value === null) return;
      const isArray = Array.isArray(value);
      if (!isArray && !isPlainObject(value)) {
        issues.add(path, 'must be a JSON value');
        return;
      }
      if (depth + 1 > EVENT_LIMITS.maxJsonDepth) {
        issues.add(path, `nests deeper than ${EVENT_LIMITS.maxJsonDepth} levels of objects and arrays`);
        return;
      }
      if (isArray) {
        for (let i = 0; i < value.length; i++) checkJson(issues, value[i], joinIndex(path, i), depth + 1);
      } else {
        const record = value as Record<string, unknown>;
        for (const key of Object.keys(record)) {
          if (checkKey(issues, key, path)) checkJson(issues, record[key], joinKey(path, key), depth + 1);
        }
      }
      return;
    }
    default:
      issues.add(path, `must be a JSON value (got ${typeof value})`);
  }
}

function checkJsonObject(issues: Issues, value: unknown, path: string): JsonObject | undefined {
  if (!isPlainObject(value)) {
    issues.add(path, `must be a JSON object (got ${describe(value)})`);
    return undefined;
  }
  checkJson(issues, value, path, 0);
  return value as JsonObject;
}

// --- fixed-shape objects -----------------------------------------------------------------------

type FieldKind = 'id' | 'type' | 'name' | 'email' | 'metadata';

interface EntitySpec {
  /** How the entity is named in messages. */
  label: string;
  example: string;
  fields: Readonly<Record<string, FieldKind>>;
  required: readonly string[];
  /** Common wrong names → the field meant. */
  aliases: Readonly<Record<string, string>>;
}

const ACTOR: EntitySpec = {
  label: 'actor',
  example: '{"id": "user_abc123", "name": "Alice Johnson", "email": "alice@acme.com"}',
  fields: { id: 'id', type: 'type', name: 'name', email: 'email', metadata: 'metadata' },
  required: ['id'],
  aliases: { user_id: 'id', username: 'name', display_name: 'name', mail: 'email', kind: 'type' },
};

const RESOURCE: EntitySpec = {
  label: 'resource',
  example: '{"type": "invoice", "id": "inv_789", "name": "Invoice #1042"}',
  fields: { type: 'type', id: 'id', name: 'name', metadata: 'metadata' },
  required: ['type', 'id'],
  aliases: { kind: 'type', title: 'name' },
};

const TARGET: EntitySpec = {
  label: 'target',
  example: '{"type": "user", "id": "user_def456", "name": "Bob"}',
  fields: { type: 'type', id: 'id', name: 'name' },
  required: ['type', 'id'],
  aliases: { kind: 'type', title: 'name' },
};

function unknownFieldMessage(
  key: string,
  of: string,
  known: readonly string[],
  aliases: Readonly<Record<string, string>>,
  hint: string,
): string {
  const guess = Object.hasOwn(aliases, key) ? aliases[key] : closestMatch(key, known);
  const where = of === '' ? '' : ` of ${of}`;
  if (guess !== undefined) return `${quoteKey(key)} is not a field${where}; did you mean "${guess}"?`;
  return `${quoteKey(key)} is not a field${where}; expected ${known.join(', ')}${hint}`;
}

function checkEntity(
  issues: Issues,
  value: unknown,
  path: string,
  spec: EntitySpec,
): Record<string, unknown> | undefined {
  if (!isPlainObject(value)) {
    issues.add(path, `must be an object like ${spec.example} (got ${describe(value)})`);
    return undefined;
  }
  const known = Object.keys(spec.fields);
  for (const key of Object.keys(value)) {
    if (Object.hasOwn(spec.fields, key)) continue;
    if (!checkKey(issues, key, path)) continue;
    const hint = spec.fields.metadata === undefined ? '' : ' (put custom data in "metadata")';
    issues.add(joinKey(path, key), unknownFieldMessage(key, spec.label, known, spec.aliases, hint));
  }
  const out: Record<string, unknown> = {};
  for (const field of known) {
    const fieldValue = own(value, field);
    const fieldPath = joinKey(path, field);
    if (!given(fieldValue)) {
      if (spec.required.includes(field)) issues.add(fieldPath, 'is required');
      continue;
    }
    let normalized: unknown;
    switch (spec.fields[field]) {
      case 'id':
        normalized = checkString(issues, fieldValue, fieldPath, ID_RULE);
        break;
      case 'type':
        normalized = checkString(issues, fieldValue, fieldPath, TYPE_RULE);
        break;
      case 'name':
        normalized = checkString(issues, fieldValue, fieldPath, NAME_RULE);
        break;
      case 'email':
        normalized = checkString(issues, fieldValue, fieldPath, EMAIL_RULE);
        if (typeof normalized === 'string' && !normalized.includes('@')) {
          issues.add(fieldPath, 'must be an email address (contains no "@")');
          normalized = undefined;
        }
        break;
      case 'metadata':
        normalized = checkJsonObject(issues, fieldValue, fieldPath);
        break;
    }
    if (normalized !== undefined) out[field] = normalized;
  }
  return out;
}

// --- top level ---------------------------------------------------------------------------------

const TOP_FIELDS = [
  'actor',
  'action',
  'resource',
  'targets',
  'organization_id',
  'timestamp',
  'metadata',
  'changes',
  'outcome',
  'idempotency_key',
] as const;
const TOP_FIELD_SET: ReadonlySet<string> = new Set(TOP_FIELDS);

const TOP_ALIASES: Readonly<Record<string, string>> = {
  user: 'actor',
  actor_id: 'actor',
  event: 'action',
  event_type: 'action',
  event_name: 'action',
  type: 'action',
  name: 'action',
  target: 'targets',
  object: 'resource',
  entity: 'resource',
  org: 'organization_id',
  org_id: 'organization_id',
  organization: 'organization_id',
  tenant_id: 'organization_id',
  time: 'timestamp',
  occurred_at: 'timestamp',
  created_at: 'timestamp',
  meta: 'metadata',
  context: 'metadata',
  diff: 'changes',
  status: 'outcome',
  result: 'outcome',
};

const OUTCOME_ALIASES: Readonly<Record<string, EventOutcome>> = {
  ok: 'success',
  succeeded: 'success',
  successful: 'success',
  fail: 'failure',
  failed: 'failure',
  error: 'failure',
};

function checkTargets(issues: Issues, value: unknown): EventTarget[] | undefined {
  if (!Array.isArray(value)) {
    issues.add('targets', `must be an array of objects like ${TARGET.example} (got ${describe(value)})`);
    return undefined;
  }
  if (value.length > EVENT_LIMITS.maxTargets) {
    issues.add('targets', `has ${value.length} entries; at most ${EVENT_LIMITS.maxTargets} are allowed`);
  }
  const out: EventTarget[] = [];
  for (let i = 0; i < value.length && !issues.full; i++) {
    const target = checkEntity(issues, value[i], joinIndex('targets', i), TARGET);
    if (target !== undefined) out.push(target as unknown as EventTarget);
  }
  return out;
}

function checkChanges(issues: Issues, value: unknown): Record<string, NormalizedChange> | undefined {
  if (!isPlainObject(value)) {
    issues.add('changes', `must be an object of field → {"before": …, "after": …} (got ${describe(value)})`);
    return undefined;
  }
  const fields = Object.keys(value);
  if (fields.length > EVENT_LIMITS.maxChanges) {
    issues.add('changes', `has ${fields.length} fields; at most ${EVENT_LIMITS.maxChanges} are allowed`);
  }
  for (const field of fields) {
    if (issues.full) break;
    if (!checkKey(issues, field, 'changes')) continue;
    const path = joinKey('changes', field);
    if (field.length === 0 || field.length > EVENT_LIMITS.maxChangeFieldLength) {
      issues.add(path, `field names must be 1 to ${EVENT_LIMITS.maxChangeFieldLength} characters`);
      continue;
    }
    const entry = value[field];
    if (!isPlainObject(entry)) {
      issues.add(path, `must be an object with "before" and/or "after" (got ${describe(entry)})`);
      continue;
    }
    for (const key of Object.keys(entry)) {
      if (key === 'before' || key === 'after') {
        // null is a real value here ("the field was empty"), unlike for optional fields.
        checkJson(issues, entry[key], joinKey(path, key), 0);
      } else if (checkKey(issues, key, path)) {
        issues.add(
          joinKey(path, key),
          unknownFieldMessage(
            key,
            'a change',
            ['before', 'after'],
            { old: 'before', new: 'after', from: 'before', to: 'after' },
            '',
          ),
        );
      }
    }
  }
  // Reused as-is: every key and value was checked above, and nothing needs normalizing.
  return value as Record<string, NormalizedChange>;
}

function checkSize(issues: Issues, input: unknown): void {
  let json: string;
  try {
    json = JSON.stringify(input);
  } catch {
    issues.add('', 'is not serializable as JSON');
    return;
  }
  const max = EVENT_LIMITS.maxEventBytes;
  // UTF-8 needs 1 to 3 bytes per UTF-16 unit, so the exact count is only needed in between.
  if (json.length * 3 <= max) return;
  // Past 4× the limit an exact count is not worth a scan: it is too large either way.
  if (json.length > 4 * max) {
    issues.add('', `is more than ${4 * max} bytes of JSON; an event may be at most ${max} bytes (64 KiB)`, 'too_large');
    return;
  }
  const bytes = utf8Length(json);
  if (bytes > max) {
    issues.add('', `is ${bytes} bytes of JSON; an event may be at most ${max} bytes (64 KiB)`, 'too_large');
  }
}

function validate(input: unknown, options: ValidateEventOptions): ValidateEventResult {
  const issues = new Issues();
  if (!isPlainObject(input)) {
    issues.add('', `must be a JSON object (got ${describe(input)})`);
    return { ok: false, issues: issues.list };
  }
  checkSize(issues, input);

  for (const key of Object.keys(input)) {
    if (TOP_FIELD_SET.has(key)) continue;
    if (!checkKey(issues, key, '')) continue;
    issues.add(
      joinKey('', key),
      unknownFieldMessage(
        key,
        '',
        options.allowIdempotencyKey ? TOP_FIELDS : TOP_FIELDS.slice(0, -1),
        TOP_ALIASES,
        ' (put custom data in "metadata")',
      ),
    );
  }

  const actorValue = own(input, 'actor');
  let actor: NormalizedActor | undefined;
  if (!given(actorValue)) issues.add('actor', `is required: the user or service that acted, like ${ACTOR.example}`);
  else actor = checkEntity(issues, actorValue, 'actor', ACTOR) as NormalizedActor | undefined;

  const actionValue = own(input, 'action');
  let action: string | undefined;
  if (!given(actionValue)) {
    issues.add('action', 'is required: lowercase dot-notation "resource.verb", e.g. "invoice.deleted"');
  } else if (typeof actionValue !== 'string') {
    issues.add(
      'action',
      `must be a string in lowercase dot-notation "resource.verb", e.g. "invoice.deleted" (got ${describe(actionValue)})`,
    );
  } else {
    const problem = actionProblem(actionValue);
    if (problem === undefined) action = actionValue;
    else issues.add('action', problem);
  }

  const resourceValue = own(input, 'resource');
  const resource = given(resourceValue)
    ? (checkEntity(issues, resourceValue, 'resource', RESOURCE) as NormalizedResource | undefined)
    : undefined;

  const targetsValue = own(input, 'targets');
  const targets = given(targetsValue) ? checkTargets(issues, targetsValue) : undefined;

  const orgValue = own(input, 'organization_id');
  let organizationId: string | undefined;
  if (!given(orgValue)) issues.add('organization_id', 'is required: the tenant whose admins may see this event');
  else organizationId = checkString(issues, orgValue, 'organization_id', ORG_RULE);

  const timestampValue = own(input, 'timestamp');
  let timestamp: string | undefined;
  if (given(timestampValue)) {
    if (typeof timestampValue !== 'string') {
      issues.add(
        'timestamp',
        `must be an RFC 3339 string like "2026-05-01T14:32:00Z" (got ${describe(timestampValue)})`,
      );
    } else {
      const parsed = parseTimestamp(timestampValue);
      const now = options.now ?? Date.now();
      if (!parsed.ok) issues.add('timestamp', parsed.message);
      else if (parsed.epochMs > now + EVENT_LIMITS.maxFutureSkewMs) {
        issues.add('timestamp', 'is more than 24 hours in the future; check the sender clock and time zone');
      } else timestamp = formatTimestamp(parsed.epochMs);
    }
  }

  const metadataValue = own(input, 'metadata');
  const metadata = given(metadataValue) ? checkJsonObject(issues, metadataValue, 'metadata') : undefined;

  const changesValue = own(input, 'changes');
  const changes = given(changesValue) ? checkChanges(issues, changesValue) : undefined;

  const outcomeValue = own(input, 'outcome');
  let outcome: EventOutcome = 'success';
  if (given(outcomeValue)) {
    if (outcomeValue === 'success' || outcomeValue === 'failure') outcome = outcomeValue;
    else {
      const lower = typeof outcomeValue === 'string' ? outcomeValue.toLowerCase() : '';
      const guess = Object.hasOwn(OUTCOME_ALIASES, lower)
        ? OUTCOME_ALIASES[lower]
        : closestMatch(lower, ['success', 'failure']);
      issues.add('outcome', `must be "success" or "failure"${guess === undefined ? '' : `; did you mean "${guess}"?`}`);
    }
  }

  const keyValue = own(input, 'idempotency_key');
  let idempotencyKey: string | undefined;
  if (given(keyValue)) {
    if (!options.allowIdempotencyKey) {
      issues.add(
        'idempotency_key',
        'is only accepted on batch items; for a single event send the Idempotency-Key header',
      );
    } else if (typeof keyValue !== 'string' || !isIdempotencyKey(keyValue)) {
      issues.add('idempotency_key', `must be 1 to ${EVENT_LIMITS.maxIdempotencyKeyLength} printable ASCII characters`);
    } else idempotencyKey = keyValue;
  }

  if (issues.list.length > 0 || actor === undefined || action === undefined || organizationId === undefined) {
    return { ok: false, issues: issues.list };
  }
  // Built field by field in wire order so absent fields are absent keys, never `undefined` values.
  const event = { actor, action } as NormalizedEvent;
  if (resource !== undefined) event.resource = resource;
  if (targets !== undefined) event.targets = targets;
  event.organization_id = organizationId;
  if (timestamp !== undefined) event.timestamp = timestamp;
  if (metadata !== undefined) event.metadata = metadata;
  if (changes !== undefined) event.changes = changes;
  event.outcome = outcome;
  return idempotencyKey === undefined ? { ok: true, event } : { ok: true, event, idempotencyKey };
}

/** Whether `key` is a valid idempotency key: 1..255 printable ASCII characters (U+0020–U+007E). */
export function isIdempotencyKey(key: string): boolean {
  if (key.length === 0 || key.length > EVENT_LIMITS.maxIdempotencyKeyLength) return false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/**
 * Validates and normalizes one event, collecting every issue (up to EVENT_LIMITS.maxIssues) with
 * its path. Never throws, whatever value it is given.
 */
export function validateEvent(input: unknown, options: ValidateEventOptions = {}): ValidateEventResult {
  try {
    return validate(input, options);
  } catch {
    // Only reachable with non-JSON input (throwing getters, proxies); JSON.parse output never gets here.
    return { ok: false, issues: [{ path: '', message: 'is not a valid JSON event' }] };
  }
}

/** The throwing variant of validateEvent, for callers that map ValidationError to a 400/413. */
export function parseEvent(
  input: unknown,
  options: ValidateEventOptions = {},
): { event: NormalizedEvent; idempotencyKey?: string } {
  const result = validateEvent(input, options);
  if (!result.ok) throw new ValidationError(result.issues);
  return result.idempotencyKey === undefined
    ? { event: result.event }
    : { event: result.event, idempotencyKey: result.idempotencyKey };
}
