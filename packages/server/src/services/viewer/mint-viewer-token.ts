import { assertOrganizationId } from '../../auth/authenticate.js';
import { dashboardTokenKey, signToken } from '../../auth/viewer-token.js';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { newRandomId } from '../../ids.js';

export const DEFAULT_VIEWER_TTL_SECONDS = 15 * 60;
export const MAX_VIEWER_TTL_SECONDS = 24 * 60 * 60;
export const MIN_VIEWER_TTL_SECONDS = 60;

export interface MintViewerTokenInput {
  projectId: string;
  /** The API key minting the token: revoking it ends the token and its sessions. */
  keyId: string;
  organizationId: unknown;
  ttlSeconds?: unknown;
  /** Where the viewer is served, e.g. `https://audit.example.com` (no trailing slash). */
  baseUrl: string;
}

export interface ViewerToken {
  id: string;
  token: string;
  organization_id: string;
  expires_at: string;
  /** The viewer with the token in the fragment: browsers never send fragments to servers. */
  url: string;
}

/** Mints a short-lived, signed token that reads one organization of one project. */
export async function mintViewerToken(ctx: AppContext, input: MintViewerTokenInput): Promise<ViewerToken> {
  const issues = [];
  const { organizationId } = input;
  try {
    assertOrganizationId(organizationId);
  } catch (error) {
    issues.push(...(error as AppError).issues);
  }
  const ttl = input.ttlSeconds ?? DEFAULT_VIEWER_TTL_SECONDS;
  if (
    typeof ttl !== 'number' ||
    !Number.isInteger(ttl) ||
    ttl < MIN_VIEWER_TTL_SECONDS ||
    ttl > MAX_VIEWER_TTL_SECONDS
  ) {
    issues.push({
      path: 'ttl_seconds',
      message: `must be an integer from ${MIN_VIEWER_TTL_SECONDS} to ${MAX_VIEWER_TTL_SECONDS} (24 hours)`,
    });
  }
  if (issues.length > 0) throw new AppError('invalid_request', issues[0]?.message ?? 'invalid', issues);
  const id = newRandomId('vtk');
  const exp = Math.floor(ctx.now() / 1000) + (ttl as number);
  const token = signToken(await dashboardTokenKey(ctx), 'avt', {
    jti: id,
    prj: input.projectId,
    org: organizationId as string,
    kid: input.keyId,
    exp,
  });
  return {
    id,
    token,
    organization_id: organizationId as string,
    expires_at: new Date(exp * 1000).toISOString(),
    url: `${input.baseUrl}/viewer#token=${token}`,
  };
}
