// The seed article's example event, verbatim. It is the contract's first test case: whatever else
// changes, this JSON must validate unchanged. Exported so server, SDK and docs tests reuse it.
import type { EventInput } from './types.js';

/** The seed article's event JSON, byte for byte as published. */
export const SEED_EVENT_JSON = `{
  "actor": {
    "id": "user_abc123",
    "name": "Alice Johnson",
    "email": "alice@acme.com"
  },
  "action": "invoice.deleted",
  "resource": {
    "type": "invoice",
    "id": "inv_789",
    "name": "Invoice #1042"
  },
  "organization_id": "org_acme",
  "timestamp": "2026-05-01T14:32:00Z",
  "metadata": {
    "ip": "203.0.113.42",
    "user_agent": "Mozilla/5.0..."
  }
}`;

/** A fresh parsed copy of the seed event (safe to mutate in tests). */
export function seedEvent(): EventInput {
  return JSON.parse(SEED_EVENT_JSON) as EventInput;
}
