import type { ApiKeyRow, Scope } from '../../store/store.js';

/** An API key as the API shows it: never the secret, never its hash. */
export interface ApiKey {
  id: string;
  name: string;
  scopes: Scope[];
  organization_id: string | null;
  created_at: string;
  revoked_at: string | null;
}

export function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes,
    organization_id: row.organization_id,
    created_at: new Date(row.created_at).toISOString(),
    revoked_at: row.revoked_at === null ? null : new Date(row.revoked_at).toISOString(),
  };
}
