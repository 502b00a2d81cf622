// Signed bearer tokens for the dashboard: viewer tokens (`avt_…`, minted by an admin for one
// organization, handed to a customer's browser), viewer sessions (`avs_…`, what a viewer token is
// exchanged for) and console sessions (`acs_…`, the operator console's httpOnly cookie).
// Layout: `<prefix>_<base64url(JSON claims)>.<base64url(HMAC-SHA256(key, prefix ‖ "." ‖ claims))>`.
// Stateless: every node of a deployment shares the key through store.getOrCreateSecret.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AppContext, Caller } from '../context.js';
import { AppError } from '../errors.js';
import type { Store } from '../store/store.js';

export type SignedTokenKind = 'avt' | 'avs' | 'acs';

export interface SignedTokenClaims {
  /** Token id: the actor recorded in the organization's log for what the bearer does. */
  readonly jti: string;
  readonly prj: string;
  /** Viewer tokens and sessions: the one organization they may read. */
  readonly org?: string;
  /** Console sessions: the admin API key the session was opened with. */
  readonly kid?: string;
  /** Viewer sessions: the viewer token they were exchanged for. */
  readonly vt?: string;
  /** Expiry, epoch seconds. */
  readonly exp: number;
}

const keys = new WeakMap<Store, Promise<Uint8Array>>();

/** The deployment-wide HMAC key for dashboard tokens, created on first use. */
export function dashboardTokenKey(ctx: AppContext): Promise<Uint8Array> {
  let key = keys.get(ctx.store);
  if (!key) {
    key = ctx.store.getOrCreateSecret('viewer_token_key', () => new Uint8Array(randomBytes(32)));
    keys.set(ctx.store, key);
  }
  return key;
}

function mac(key: Uint8Array, kind: SignedTokenKind, body: string): Buffer {
  return createHmac('sha256', key).update(`${kind}.${body}`).digest();
}

export function signToken(key: Uint8Array, kind: SignedTokenKind, claims: SignedTokenClaims): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${kind}_${body}.${mac(key, kind, body).toString('base64url')}`;
}

export type TokenCheck = { ok: true; claims: SignedTokenClaims } | { ok: false; reason: 'invalid' | 'expired' };

/** Verifies signature, kind and expiry in constant time with respect to the signature. */
export function verifyToken(key: Uint8Array, kind: SignedTokenKind, token: string, nowMs: number): TokenCheck {
  const match = /^([a-z]{3})_([A-Za-z0-9_-]{1,2048})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match || match[1] !== kind) return { ok: false, reason: 'invalid' };
  const body = match[2] as string;
  const presented = Buffer.from(match[3] as string, 'base64url');
  const expected = mac(key, kind, body);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
    return { ok: false, reason: 'invalid' };
  }
  let claims: SignedTokenClaims;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (typeof claims.jti !== 'string' || typeof claims.prj !== 'string' || typeof claims.exp !== 'number') {
    return { ok: false, reason: 'invalid' };
  }
  if (claims.exp * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

/** The kind a bearer string claims to be, or undefined when it is not a dashboard token. */
export function tokenKind(token: string): SignedTokenKind | undefined {
  const prefix = token.slice(0, 4);
  return prefix === 'avt_' || prefix === 'avs_' || prefix === 'acs_'
    ? (prefix.slice(0, 3) as SignedTokenKind)
    : undefined;
}

/**
 * Resolves a viewer token or viewer session presented as a bearer to a read-only caller pinned to
 * one organization. Throws 401 with one message per failure kind (nothing else to learn).
 */
export async function authenticateViewerBearer(ctx: AppContext, kind: 'avt' | 'avs', token: string): Promise<Caller> {
  const check = verifyToken(await dashboardTokenKey(ctx), kind, token, ctx.now());
  const what = kind === 'avt' ? 'viewer token' : 'viewer session';
  if (!check.ok) {
    throw new AppError(
      'unauthorized',
      check.reason === 'expired' ? `the ${what} has expired; ask for a new viewer link` : `the ${what} is not valid`,
    );
  }
  const { claims } = check;
  if (typeof claims.org !== 'string') throw new AppError('unauthorized', `the ${what} is not valid`);
  await requireMinterActive(ctx, claims.kid);
  return viewerCaller(claims);
}

/**
 * Viewer tokens and their sessions live only as long as the API key that minted them: revoking a
 * (perhaps stolen) admin key also cuts off every viewer link it handed out.
 */
export async function requireMinterActive(ctx: AppContext, keyId: string | undefined): Promise<void> {
  if (keyId === undefined) return;
  const key = await ctx.store.getApiKey(keyId);
  if (!key || key.revoked_at !== null) {
    throw new AppError('unauthorized', 'the API key that issued this viewer link has been revoked; ask for a new link');
  }
}

/** A viewer reads (and exports) one organization's events and proofs; nothing else. */
export function viewerCaller(claims: SignedTokenClaims): Caller {
  return {
    projectId: claims.prj,
    // The viewer token id is the actor of everything done with it, sessions included.
    keyId: claims.vt ?? claims.jti,
    scopes: ['events:read'],
    organizationId: claims.org ?? null,
    kind: 'viewer',
  };
}
