// Streams an organization's events, filtered, as CSV, JSON Lines or a verifiable bundle
// (auditledge.bundle/1), page by page from the store: memory stays flat however large the export.
import {
  assembleConsistencyProof,
  assembleInclusionProof,
  bundleEventLine,
  bundleHeader,
  bundleTrailer,
  consistencyProofPlan,
  type EventFilter,
  encodeBundleLine,
  filterFromParams,
  inclusionProofPlan,
  type NodeRef,
  nodeKey,
} from '@auditledge/core';
import type { AppContext, Caller } from '../../context.js';
import { AppError } from '../../errors.js';
import { newRandomId } from '../../ids.js';
import type { CheckpointRow, EventRow, LogHeadRow } from '../../store/store.js';
import { type EventView, toEventView } from '../events/event-view.js';
import { resolveOrganization } from '../events/list-events.js';
import { parseStoredDisclosures } from '../events/stored-disclosures.js';
import { currentCheckpoint } from '../logs/load-log.js';
import { metaActor, recordMetaEvent } from '../meta/record-meta-event.js';
import { csvRow } from './csv.js';

export const EXPORT_FORMATS = ['csv', 'jsonl', 'bundle'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface EventExport {
  format: ExportFormat;
  contentType: string;
  filename: string;
  /** Chunks of the file; pulled lazily, one store page at a time. */
  chunks: AsyncIterable<string>;
}

const PAGE = 1000;

export async function exportEvents(
  ctx: AppContext,
  caller: Caller,
  input: { params: Record<string, string | undefined>; requestMetadata?: Record<string, string> },
): Promise<EventExport> {
  const {
    format: formatParam,
    organization_id,
    consistency_from,
    cursor: _cursor,
    limit: _limit,
    ...filterParams
  } = input.params;
  const format = (formatParam ?? 'jsonl') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) {
    throw new AppError('invalid_request', `format must be one of ${EXPORT_FORMATS.join(', ')}`, [
      { path: 'format', message: `must be one of ${EXPORT_FORMATS.join(', ')}` },
    ]);
  }
  const organizationId = resolveOrganization(caller, organization_id);
  const parsed = filterFromParams(filterParams);
  if (!parsed.ok) throw new AppError('invalid_request', parsed.issues[0]?.message ?? 'invalid filter', parsed.issues);
  const filter = parsed.filter;
  const stamp = new Date(ctx.now()).toISOString().replaceAll(':', '').slice(0, 15);
  const filename = `auditledge-${organizationId.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64)}-${stamp}.${format === 'bundle' ? 'bundle.jsonl' : format}`;
  const description = Object.entries(filterParams)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${key}=${value}`)
    .join('&');

  // Everything that can fail is checked before the export is recorded: a refused export leaves no
  // trace, and an organization without a log does not get one.
  const head = await ctx.store.getLogHead(caller.projectId, organizationId);
  if (!head || head.size === 0) throw new AppError('not_found', `organization ${organizationId} has no events yet`);
  const base = { projectId: caller.projectId, organizationId, filter };
  let bundle: { checkpoint: CheckpointRow; consistency: Consistency | null } | undefined;
  if (format === 'bundle') {
    const checkpoint = await currentCheckpoint(ctx, head);
    const fromSize = consistency_from === undefined ? undefined : parseSize(consistency_from, checkpoint.size);
    bundle = {
      checkpoint,
      consistency: fromSize === undefined ? null : await consistencyFrom(ctx, head, fromSize, checkpoint.size),
    };
  }

  // Recorded before the first byte leaves: every export is answerable with a query. The filter's
  // parameter names are kept, never its values, which may be the very personal data (a subject
  // access by email) that a later erasure must be able to remove.
  await recordMetaEvent(ctx, {
    projectId: caller.projectId,
    organizationId,
    action: 'export.created',
    actor: metaActor(caller),
    resource: { type: 'export', id: newRandomId('exp') },
    metadata: {
      ...input.requestMetadata,
      format,
      filename,
      filter: Object.keys(filterParams)
        .filter((key) => filterParams[key])
        .sort()
        .join(','),
    },
  });

  if (bundle) {
    return {
      format,
      filename,
      contentType: 'application/jsonl; charset=utf-8',
      chunks: bundleChunks(ctx, head, base, description, bundle.checkpoint, bundle.consistency),
    };
  }
  const rows = pages(ctx, { ...base, order: 'newest' });
  return format === 'csv'
    ? { format, filename, contentType: 'text/csv; charset=utf-8', chunks: csvChunks(rows) }
    : { format, filename, contentType: 'application/jsonl; charset=utf-8', chunks: jsonlChunks(rows) };
}

type Consistency = { fromCheckpoint: string; proof: Uint8Array[] };

async function consistencyFrom(
  ctx: AppContext,
  head: LogHeadRow,
  fromSize: number,
  size: number,
): Promise<Consistency> {
  const older = await ctx.store.getCheckpoint(head.log_id, fromSize);
  if (!older) {
    throw new AppError('not_found', `no checkpoint was signed at size ${fromSize}`, [
      { path: 'consistency_from', message: `no signed checkpoint has size ${fromSize}` },
    ]);
  }
  const nodes = await ctx.store.readNodes(head.log_id, consistencyProofPlan(fromSize, size));
  return { fromCheckpoint: older.note, proof: assembleConsistencyProof(fromSize, size, nodes) };
}

interface PageBase {
  projectId: string;
  organizationId: string;
  filter: EventFilter;
}

async function* pages(
  ctx: AppContext,
  query: PageBase & { order: 'newest' | 'sequence'; beforeSequence?: number },
): AsyncGenerator<EventRow[]> {
  let after: { timestamp: number; sequence: number } | undefined;
  let afterSequence: number | undefined;
  for (;;) {
    const rows = await ctx.store.listEvents({
      ...query,
      limit: PAGE,
      ...(after && { after }),
      ...(afterSequence !== undefined && { afterSequence }),
    });
    if (rows.length === 0) return;
    yield rows;
    const last = rows[rows.length - 1] as EventRow;
    after = { timestamp: last.timestamp, sequence: last.sequence };
    afterSequence = last.sequence;
    if (rows.length < PAGE) return;
  }
}

async function* jsonlChunks(rows: AsyncIterable<EventRow[]>): AsyncGenerator<string> {
  for await (const page of rows) yield page.map((row) => `${JSON.stringify(toEventView(row))}\n`).join('');
}

export const CSV_COLUMNS = [
  'id',
  'sequence',
  'timestamp',
  'received_at',
  'organization_id',
  'actor_id',
  'actor_type',
  'actor_name',
  'actor_email',
  'action',
  'resource_type',
  'resource_id',
  'resource_name',
  'outcome',
  'ip',
  'user_agent',
  'targets',
  'metadata',
  'changes',
  'erased',
  'leaf_hash',
] as const;

function csvValues(event: EventView): unknown[] {
  const actor = event.actor as { id?: unknown; type?: unknown; name?: unknown; email?: unknown };
  const resource = (event.resource ?? {}) as { type?: unknown; id?: unknown; name?: unknown };
  const metadata = (event.metadata ?? {}) as { ip?: unknown; user_agent?: unknown };
  return [
    event.id,
    event.sequence,
    event.timestamp,
    event.received_at,
    event.organization_id,
    actor.id,
    actor.type,
    actor.name,
    actor.email,
    event.action,
    resource.type,
    resource.id,
    resource.name,
    event.outcome,
    metadata.ip,
    metadata.user_agent,
    event.targets,
    event.metadata,
    event.changes,
    event.erased?.join(' '),
    event.leaf_hash,
  ];
}

async function* csvChunks(rows: AsyncIterable<EventRow[]>): AsyncGenerator<string> {
  yield csvRow(CSV_COLUMNS);
  for await (const page of rows) yield page.map((row) => csvRow(csvValues(toEventView(row)))).join('');
}

async function* bundleChunks(
  ctx: AppContext,
  head: LogHeadRow,
  base: PageBase,
  description: string,
  checkpoint: CheckpointRow,
  consistency: Consistency | null,
): AsyncGenerator<string> {
  const size = checkpoint.size;
  yield encodeBundleLine(
    bundleHeader({
      origin: ctx.checkpointer.origin(head.project_id, head.organization_id),
      organizationId: head.organization_id,
      checkpoint: checkpoint.note,
      complete: description === '',
      filter: description === '' ? null : description,
      consistency,
    }),
  );
  let count = 0;
  // A complete bundle lists every position, events deleted by retention as their leaf hash alone
  // (so it still verifies as complete); a filtered one lists the matching events still held.
  const entries =
    description === ''
      ? completePages(ctx, head.log_id, base, size)
      : heldPages(pages(ctx, { ...base, order: 'sequence', beforeSequence: size }));
  for await (const page of entries) {
    // One node read per page: the union of every proof's plan (upper nodes are shared), and the
    // leaf hashes (level 0) of pruned events.
    const refs = new Map<string, NodeRef>();
    for (const { sequence, row } of page) {
      for (const ref of inclusionProofPlan(sequence, size)) refs.set(nodeKey(ref.level, ref.index), ref);
      if (row === null) refs.set(nodeKey(0, sequence), { level: 0, index: sequence });
    }
    const nodes = await ctx.store.readNodes(head.log_id, [...refs.values()]);
    let chunk = '';
    for (const { sequence, row } of page) {
      const proof = assembleInclusionProof(sequence, size, nodes);
      if (row === null) {
        const leafHash = nodes.get(nodeKey(0, sequence));
        if (!leafHash) throw new Error(`ledger corrupt: the leaf hash of pruned sequence ${sequence} is missing`);
        chunk += encodeBundleLine(bundleEventLine({ sequence, leaf: null, leafHash, proof }));
        continue;
      }
      chunk += encodeBundleLine(
        bundleEventLine({
          sequence,
          leaf: row.leaf,
          disclosures: parseStoredDisclosures(row.disclosures).disclosures,
          proof,
        }),
      );
    }
    count += page.length;
    yield chunk;
  }
  yield encodeBundleLine(bundleTrailer(count));
}

/** One position of a log in a bundle: its event, or null where retention deleted it. */
interface LedgerEntry {
  sequence: number;
  row: EventRow | null;
}

async function* heldPages(rows: AsyncIterable<EventRow[]>): AsyncGenerator<LedgerEntry[]> {
  for await (const page of rows) yield page.map((row) => ({ sequence: row.sequence, row }));
}

/** Every position below `size`, window by window in leaf order. */
async function* completePages(
  ctx: AppContext,
  logId: number,
  base: PageBase,
  size: number,
): AsyncGenerator<LedgerEntry[]> {
  for (let start = 0; start < size; start += PAGE) {
    const end = Math.min(size, start + PAGE);
    const rows = await ctx.store.listEvents({
      ...base,
      order: 'sequence',
      afterSequence: start - 1,
      beforeSequence: end,
      limit: PAGE,
    });
    // Read after the rows: an event deleted in between already has its tombstone.
    const pruned = new Set(rows.length === end - start ? [] : await ctx.store.listPrunedSequences(logId, start, end));
    const held = new Map(rows.map((row) => [row.sequence, row]));
    const page: LedgerEntry[] = [];
    for (let sequence = start; sequence < end; sequence++) {
      const row = held.get(sequence);
      if (row !== undefined) page.push({ sequence, row });
      else if (pruned.has(sequence)) page.push({ sequence, row: null });
      // Neither the event nor a tombstone: a row was removed behind the ledger's back. Leave the
      // gap for the verifier to report (missing_events) rather than vouch for the position.
    }
    if (page.length > 0) yield page;
  }
}

function parseSize(raw: string, max: number): number {
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new AppError('invalid_request', `consistency_from must be a checkpoint size from 1 to ${max}`, [
      { path: 'consistency_from', message: `must be a checkpoint size from 1 to ${max}` },
    ]);
  }
  return value;
}
