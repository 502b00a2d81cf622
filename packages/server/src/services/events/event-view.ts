// Maps stored rows to the API's event object: the leaf with its personal values put back.
import { unsealEvent } from '@auditledge/core';
import type { EventRow } from '../../store/store.js';
import { parseStoredDisclosures } from './stored-disclosures.js';

export interface EventView {
  id: string;
  organization_id: string;
  sequence: number;
  received_at: string;
  timestamp: string;
  actor: Record<string, unknown>;
  action: string;
  resource?: Record<string, unknown>;
  targets?: Record<string, unknown>[];
  metadata?: Record<string, unknown>;
  changes?: Record<string, unknown>;
  outcome: 'success' | 'failure';
  leaf_hash: string;
  /** Personal fields whose values were erased; their commitments remain in the leaf. */
  erased?: string[];
}

export function toEventView(row: EventRow): EventView {
  const { disclosures, paths } = parseStoredDisclosures(row.disclosures);
  const { event, erased } = unsealEvent(row.leaf, disclosures, { personalFields: paths });
  const { format: _format, ...fields } = event as unknown as Record<string, unknown>;
  return {
    ...(fields as Omit<EventView, 'sequence' | 'leaf_hash' | 'erased'>),
    id: row.id,
    organization_id: row.organization_id,
    sequence: row.sequence,
    leaf_hash: Buffer.from(row.leaf_hash).toString('base64'),
    ...(erased.length > 0 && { erased }),
  };
}
