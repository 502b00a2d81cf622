// What services need from the running app, passed explicitly (no globals), and who is calling.
import type { Config } from './config.js';
import type { Checkpointer } from './ledger/checkpointer.js';
import type { Ledger } from './ledger/ledger.js';
import type { RetentionPruner } from './ledger/retention-pruner.js';
import type { SigningKey } from './ledger/signing-key.js';
import type { Scope, Store } from './store/store.js';

export interface AppContext {
  readonly config: Config;
  readonly store: Store;
  readonly ledger: Ledger;
  /** Epoch milliseconds; injectable so tests control time. */
  readonly now: () => number;
  /** HMAC key for keyset cursors, shared by every node of a deployment. */
  readonly cursorKey: Uint8Array;
  readonly signingKey: SigningKey;
  readonly checkpointer: Checkpointer;
  /** The retention job; `pruneExpired()` runs one pass on demand. */
  readonly retention: RetentionPruner;
}

/** The authenticated principal of a request. */
export interface Caller {
  readonly projectId: string;
  readonly keyId: string;
  readonly scopes: readonly Scope[];
  /** When set, the caller may only touch this organization. */
  readonly organizationId: string | null;
  /**
   * How the caller authenticated: an API key (the default when absent), a viewer token or viewer
   * session (read-only, one organization), or the operator console's cookie session.
   */
  readonly kind?: 'api_key' | 'viewer' | 'console';
}
