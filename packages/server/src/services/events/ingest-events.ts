// ingestEvents: validate → seal → hash (all outside the transaction) → ledger (group commit).
import {
  canonicalBytes,
  isIdempotencyKey,
  leafHash,
  type NormalizedEvent,
  sealEvent,
  sha256,
  storedEventFields,
  type ValidationIssue,
  validateEvent,
} from '@auditledge/core';
import type { AppContext, Caller } from '../../context.js';
import { AppError } from '../../errors.js';
import { newEventId } from '../../ids.js';
import type { EventReceiptRow, PreparedEvent } from '../../store/store.js';
import { catalogIssues, loadActionCatalog } from '../actions/action-catalog.js';
import { RESERVED_ORGANIZATION_PREFIX } from '../meta/record-meta-event.js';
import { loadProject } from '../projects/load-project.js';
import { searchText } from './search-text.js';

export interface IngestItem {
  /** The raw JSON body of one event. */
  body: unknown;
  /** From the `Idempotency-Key` header (single events); batch items carry `idempotency_key`. */
  idempotencyKey?: string;
}

export interface EventReceipt {
  id: string;
  sequence: number;
  organization_id: string;
  received_at: string;
  leaf_hash: string;
  /** Action-catalog findings in `warn` mode: the event was accepted anyway. */
  warnings?: { path: string; message: string }[];
}

export type IngestResult =
  | { status: 201 | 200; receipt: EventReceipt }
  | {
      status: 400 | 403 | 409 | 413;
      code: 'invalid_request' | 'forbidden' | 'idempotency_conflict' | 'payload_too_large';
      detail: string;
      issues: ValidationIssue[];
    };

/**
 * Ingests events for the caller's project. Invalid items are reported per item and never block
 * the valid ones; every 201/200 result is durable when this resolves.
 */
export async function ingestEvents(
  ctx: AppContext,
  caller: Caller,
  items: IngestItem[],
  options: { batch: boolean /** Meta-log events may use the reserved system organization. */; system?: boolean },
): Promise<IngestResult[]> {
  const project = await loadProject(ctx, caller.projectId);
  // Auditledge's own meta events are never held to the customer's catalog.
  const catalog = options.system ? undefined : await loadActionCatalog(ctx, project.id);
  const now = ctx.now();
  const results: (IngestResult | undefined)[] = new Array(items.length);
  const prepared: PreparedEvent[] = [];
  const preparedIndex: number[] = [];
  const warnings = new Map<number, ValidationIssue[]>();

  items.forEach((item, index) => {
    const validation = validateEvent(item.body, { now, allowIdempotencyKey: options.batch });
    if (!validation.ok) {
      const tooLarge = validation.issues.some((issue) => issue.code === 'too_large');
      results[index] = {
        status: tooLarge ? 413 : 400,
        code: tooLarge ? 'payload_too_large' : 'invalid_request',
        detail: describeIssues(validation.issues),
        issues: validation.issues,
      };
      return;
    }
    const event = validation.event;
    const idempotencyKey = item.idempotencyKey ?? validation.idempotencyKey ?? null;
    if (idempotencyKey !== null && !isIdempotencyKey(idempotencyKey)) {
      const issue = {
        path: 'idempotency_key',
        message: 'must be 1 to 255 printable ASCII characters (spaces allowed)',
      };
      results[index] = { status: 400, code: 'invalid_request', detail: issue.message, issues: [issue] };
      return;
    }
    if (!options.system && event.organization_id.startsWith(RESERVED_ORGANIZATION_PREFIX)) {
      const issue = {
        path: 'organization_id',
        message: `organization ids starting with "${RESERVED_ORGANIZATION_PREFIX}" are reserved for Auditledge's own log`,
      };
      results[index] = { status: 400, code: 'invalid_request', detail: issue.message, issues: [issue] };
      return;
    }
    if (caller.organizationId !== null && caller.organizationId !== event.organization_id) {
      const issue = { path: 'organization_id', message: `must be "${caller.organizationId}" for this API key` };
      results[index] = {
        status: 403,
        code: 'forbidden',
        detail: `this API key is limited to organization "${caller.organizationId}"`,
        issues: [issue],
      };
      return;
    }
    if (catalog !== undefined && catalog.enforcement !== 'off') {
      const issues = catalogIssues(catalog, event);
      if (issues.length > 0 && catalog.enforcement === 'enforce') {
        results[index] = { status: 400, code: 'invalid_request', detail: describeIssues(issues), issues };
        return;
      }
      if (issues.length > 0) warnings.set(index, issues);
    }
    prepared.push(
      prepareEvent(event, { projectId: project.id, personalFields: project.personal_fields, now, idempotencyKey }),
    );
    preparedIndex.push(index);
  });

  if (prepared.length > 0) {
    const outcomes = await ctx.ledger.append(prepared);
    outcomes.forEach((outcome, i) => {
      const index = preparedIndex[i] as number;
      if (outcome.kind === 'conflict') {
        const detail = `idempotency key "${clientIdempotencyKey(outcome.idempotencyKey)}" was already used with a different event`;
        results[index] = {
          status: 409,
          code: 'idempotency_conflict',
          detail,
          issues: [{ path: options.batch ? 'idempotency_key' : 'Idempotency-Key', message: detail }],
        };
      } else {
        const receipt = toReceipt(outcome.receipt);
        const found = warnings.get(index);
        if (found) receipt.warnings = found.map(({ path, message }) => ({ path, message }));
        results[index] = { status: outcome.kind === 'created' ? 201 : 200, receipt };
      }
    });
  }
  return results as IngestResult[];
}

// Idempotency keys are scoped to one organization: tenants of a project choose their keys
// independently, so one must neither collide with nor learn about another's. The stored key is
// `<organization_id> US <key>`; client keys are printable ASCII, so the unit separator is free.
const KEY_SEPARATOR = '\u001f';

function scopedIdempotencyKey(organizationId: string, key: string): string {
  return `${organizationId}${KEY_SEPARATOR}${key}`;
}

function clientIdempotencyKey(stored: string): string {
  return stored.slice(stored.indexOf(KEY_SEPARATOR) + 1);
}

function prepareEvent(
  event: NormalizedEvent,
  options: { projectId: string; personalFields: readonly string[]; now: number; idempotencyKey: string | null },
): PreparedEvent {
  const receivedAt = new Date(options.now).toISOString();
  const stored = storedEventFields(event, { id: newEventId(options.now), received_at: receivedAt });
  const sealed = sealEvent(stored, options.personalFields);
  return {
    projectId: options.projectId,
    organizationId: event.organization_id,
    id: stored.id,
    timestamp: Date.parse(stored.timestamp),
    receivedAt: options.now,
    actorId: event.actor.id,
    actorEmail: event.actor.email?.toLowerCase() ?? null,
    action: event.action,
    resourceType: event.resource?.type ?? null,
    resourceId: event.resource?.id ?? null,
    targets: (event.targets ?? []).map((target) => ({ type: target.type, id: target.id })),
    outcome: event.outcome,
    leaf: sealed.leaf,
    leafHash: leafHash(sealed.leafBytes),
    disclosures: JSON.stringify(sealed.disclosures),
    searchText: searchText(event),
    idempotencyKey:
      options.idempotencyKey === null ? null : scopedIdempotencyKey(event.organization_id, options.idempotencyKey),
    requestHash: options.idempotencyKey === null ? null : sha256(canonicalBytes(event)),
  };
}

function toReceipt(row: EventReceiptRow): EventReceipt {
  return {
    id: row.id,
    sequence: row.sequence,
    organization_id: row.organization_id,
    received_at: new Date(row.received_at).toISOString(),
    leaf_hash: Buffer.from(row.leaf_hash).toString('base64'),
  };
}

export function describeIssues(issues: ValidationIssue[]): string {
  const first = issues[0];
  if (!first) return 'the event is invalid';
  const where = first.path === '' ? '' : `${first.path}: `;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return `${where}${first.message}${more}`;
}

/** Turns a single-event result that is not a receipt into the error the route throws. */
export function ingestFailure(result: Exclude<IngestResult, { receipt: EventReceipt }>): AppError {
  return new AppError(result.code, result.detail, result.issues);
}
