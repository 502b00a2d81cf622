// Viewer tokens, viewer sessions, console cookie sessions (CSRF), and the dashboard's headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardTokenKey, signToken } from '../src/auth/viewer-token.js';
import { createTestApp, SEED_EVENT, type TestApp } from './helpers.js';

let t: TestApp;
const OTHER = { ...SEED_EVENT, organization_id: 'org_globex', actor: { id: 'user_bob', email: 'bob@globex.com' } };

async function mint(organizationId: string, extra: Record<string, unknown> = {}) {
  const response = await t.request({
    method: 'POST',
    url: '/v1/viewer-tokens',
    key: t.adminKey,
    payload: { organization_id: organizationId, ...extra },
  });
  expect(response.statusCode).toBe(201);
  return response.json() as { token: string; url: string; expires_at: string; id: string };
}

async function events(organizationId: string, key: string) {
  return t.request({ method: 'GET', url: `/v1/events?organization_id=${organizationId}`, key });
}

beforeAll(async () => {
  t = await createTestApp();
  for (const body of [SEED_EVENT, OTHER]) {
    const response = await t.request({ method: 'POST', url: '/v1/events', key: t.adminKey, payload: body });
    expect(response.statusCode).toBe(201);
  }
});
afterAll(() => t?.close());

describe('viewer tokens', () => {
  it('mints a short-lived token with the viewer URL carrying it in the fragment', async () => {
    const before = Date.now();
    const minted = await mint('org_acme');
    expect(minted.token).toMatch(/^avt_/);
    expect(minted.url).toBe(`http://localhost:80/viewer#token=${minted.token}`);
    const ttl = Date.parse(minted.expires_at) - before;
    expect(ttl).toBeGreaterThan(14 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000 + 1000);
  });

  it('reads its own organization and never another', async () => {
    const { token } = await mint('org_acme');
    const own = await t.request({ method: 'GET', url: '/v1/events', key: token });
    expect(own.statusCode).toBe(200);
    expect(own.json().data.map((e: { organization_id: string }) => e.organization_id)).toEqual(['org_acme']);
    const other = await events('org_globex', token);
    expect(other.statusCode).toBe(403);
    const globexId = (await events('org_globex', t.adminKey)).json().data[0].id;
    expect((await t.request({ method: 'GET', url: `/v1/events/${globexId}`, key: token })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: '/v1/logs/org_globex/checkpoint', key: token })).statusCode).toBe(
      403,
    );
    const exported = await t.request({
      method: 'GET',
      url: '/v1/exports/events?format=csv&organization_id=org_globex',
      key: token,
    });
    expect(exported.statusCode).toBe(403);
  });

  it('is read-only: no writes, no admin', async () => {
    const { token } = await mint('org_acme');
    const write = await t.request({ method: 'POST', url: '/v1/events', key: token, payload: SEED_EVENT });
    expect(write.statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: '/v1/api-keys', key: token })).statusCode).toBe(403);
    const minted = await t.request({
      method: 'POST',
      url: '/v1/viewer-tokens',
      key: token,
      payload: { organization_id: 'org_acme' },
    });
    expect(minted.statusCode).toBe(403);
  });

  it('refuses tampered, expired and out-of-range tokens', async () => {
    const { token } = await mint('org_acme');
    const [body, mac] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body.slice(4), 'base64url').toString());
    const forged = `avt_${Buffer.from(JSON.stringify({ ...claims, org: 'org_globex' })).toString('base64url')}.${mac}`;
    const response = await events('org_globex', forged);
    expect(response.statusCode).toBe(401);
    expect(response.json().detail).toBe('the viewer token is not valid');

    const key = await dashboardTokenKey(t.app.auditledge);
    const expiredToken = signToken(key, 'avt', { ...claims, exp: Math.floor(Date.now() / 1000) - 1 });
    const expired = await t.request({ method: 'GET', url: '/v1/events', key: expiredToken });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().detail).toMatch(/expired/);
    // A session token is not a viewer token, and vice versa: the kind is part of the signature.
    const asSession = `avs_${token.slice(4)}`;
    expect((await t.request({ method: 'GET', url: '/v1/events', key: asSession })).statusCode).toBe(401);
    for (const ttl of [0, 59, 86_401, '900', 1.5]) {
      const bad = await t.request({
        method: 'POST',
        url: '/v1/viewer-tokens',
        key: t.adminKey,
        payload: { organization_id: 'org_acme', ttl_seconds: ttl },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].path).toBe('ttl_seconds');
    }
  });

  it('an organization-pinned admin key mints only for its organization', async () => {
    const pinned = await t.key(['admin'], 'org_acme');
    const ok = await t.request({
      method: 'POST',
      url: '/v1/viewer-tokens',
      key: pinned,
      payload: { organization_id: 'org_acme' },
    });
    expect(ok.statusCode).toBe(201);
    const no = await t.request({
      method: 'POST',
      url: '/v1/viewer-tokens',
      key: pinned,
      payload: { organization_id: 'org_globex' },
    });
    expect(no.statusCode).toBe(403);
  });
});

describe('viewer sessions', () => {
  it('exchanges a token for a session and records viewer.session_started in the org log', async () => {
    const { token, id } = await mint('org_acme');
    const opened = await t.request({
      method: 'POST',
      url: '/v1/viewer/sessions',
      payload: { token },
      headers: { 'user-agent': 'test-browser' },
    });
    expect(opened.statusCode).toBe(201);
    const session = opened.json();
    expect(session.session_token).toMatch(/^avs_/);
    expect(session.organization_id).toBe('org_acme');
    const list = await t.request({
      method: 'GET',
      url: '/v1/events?q=action:viewer.session_started',
      key: session.session_token,
    });
    expect(list.statusCode).toBe(200);
    const recorded = list.json().data.find((e: { id: string }) => e.id === session.event_id);
    expect(recorded).toMatchObject({ actor: { id: id, type: 'viewer_token' }, organization_id: 'org_acme' });
    expect(recorded.metadata.user_agent).toBe('test-browser');

    const bad = await t.request({ method: 'POST', url: '/v1/viewer/sessions', payload: { token: `${token}x` } });
    expect(bad.statusCode).toBe(401);
  });

  it('records exports made with a viewer session as export.created', async () => {
    const { token, id } = await mint('org_acme');
    const session = (await t.request({ method: 'POST', url: '/v1/viewer/sessions', payload: { token } })).json();
    const csv = await t.request({
      method: 'GET',
      url: '/v1/exports/events?format=csv&q=actor:alice@acme.com',
      key: session.session_token,
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('alice@acme.com');
    const list = await t.request({
      method: 'GET',
      url: '/v1/events?organization_id=org_acme&q=action:export.created',
      key: t.adminKey,
    });
    const recorded = list.json().data[0];
    expect(recorded).toMatchObject({
      actor: { id, type: 'viewer_token' },
      metadata: { format: 'csv', filter: 'q' },
    });
  });
});

describe('console sessions', () => {
  async function signIn(apiKey = t.adminKey) {
    const response = await t.request({ method: 'POST', url: '/v1/console/session', payload: { api_key: apiKey } });
    const cookie = String(response.headers['set-cookie'] ?? '');
    return { response, cookie: cookie.split(';')[0] as string, setCookie: cookie };
  }

  it('signs in with an admin key into an httpOnly SameSite=Strict cookie', async () => {
    const { response, cookie, setCookie } = await signIn();
    expect(response.statusCode).toBe(201);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(response.json().csrf_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(response.json())).not.toContain(t.adminKey);
    const orgs = await t.request({ method: 'GET', url: '/v1/organizations', headers: { cookie } });
    expect(orgs.statusCode).toBe(200);
    expect(orgs.json().data).toEqual(expect.arrayContaining([{ organization_id: 'org_globex', event_count: 1 }]));
    const restored = await t.request({ method: 'GET', url: '/v1/console/session', headers: { cookie } });
    expect(restored.json().csrf_token).toBe(response.json().csrf_token);
  });

  it('refuses non-admin keys', async () => {
    const reader = await t.key(['events:read']);
    const { response } = await signIn(reader);
    expect(response.statusCode).toBe(403);
    expect((await signIn('alk_nope')).response.statusCode).toBe(401);
  });

  it('requires the CSRF token and a same origin for state-changing requests', async () => {
    const { response, cookie } = await signIn();
    const csrf = response.json().csrf_token;
    const payload = { organization_id: 'org_acme' };
    const without = await t.request({ method: 'POST', url: '/v1/viewer-tokens', headers: { cookie }, payload });
    expect(without.statusCode).toBe(403);
    const wrong = await t.request({
      method: 'POST',
      url: '/v1/viewer-tokens',
      headers: { cookie, 'x-csrf-token': 'x'.repeat(43) },
      payload,
    });
    expect(wrong.statusCode).toBe(403);
    const crossOrigin = await t.request({
      method: 'POST',
      url: '/v1/viewer-tokens',
      headers: { cookie, 'x-csrf-token': csrf, origin: 'https://evil.example' },
      payload,
    });
    expect(crossOrigin.statusCode).toBe(403);
    const ok = await t.request({
      method: 'POST',
      url: '/v1/viewer-tokens',
      headers: { cookie, 'x-csrf-token': csrf },
      payload,
    });
    expect(ok.statusCode).toBe(201);
    // Reads need no CSRF token (SameSite=Strict keeps the cookie off cross-site requests).
    expect((await t.request({ method: 'GET', url: '/v1/api-keys', headers: { cookie } })).statusCode).toBe(200);
  });

  it('ends when the key is revoked', async () => {
    const admin = await t.key(['admin']);
    const { cookie } = await signIn(admin);
    const id = (await t.request({ method: 'GET', url: '/v1/console/session', headers: { cookie } })).json().key_id;
    await t.request({ method: 'DELETE', url: `/v1/api-keys/${id}`, key: t.adminKey });
    const after = await t.request({ method: 'GET', url: '/v1/api-keys', headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });

  it('keeps API-key errors unchanged', async () => {
    const response = await t.request({ method: 'GET', url: '/v1/events' });
    expect(response.statusCode).toBe(401);
    expect(response.json().detail).toBe('send an API key as "Authorization: Bearer <key>"');
  });
});

describe('dashboard pages', () => {
  it('serves the console with a strict CSP and no framing', async () => {
    const page = await t.request({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.body).not.toMatch(/<script>(?!<)/);
  });

  it('serves the viewer frameable only by the configured ancestors', async () => {
    const page = await t.request({ method: 'GET', url: '/viewer' });
    expect(page.statusCode).toBe(200);
    expect(String(page.headers['content-security-policy'])).toContain("frame-ancestors 'self'");
    expect(page.headers['x-frame-options']).toBeUndefined();
    const element = await t.request({ method: 'GET', url: '/auditledge-viewer.js' });
    expect(element.statusCode).toBe(200);
    expect(element.headers['access-control-allow-origin']).toBe('*');
  });
});

describe('revoking the minting key', () => {
  it('ends the viewer links it issued and the sessions opened with them', async () => {
    const admin = await t.key(['admin']);
    const minted = await t.request({
      method: 'POST',
      url: '/v1/viewer-tokens',
      key: admin,
      payload: { organization_id: 'org_acme' },
    });
    const { token } = minted.json() as { token: string };
    const opened = await t.request({ method: 'POST', url: '/v1/viewer/sessions', payload: { token } });
    const { session_token: session } = opened.json() as { session_token: string };
    const read = (bearer: string) => t.request({ method: 'GET', url: '/v1/events', key: bearer });
    expect((await read(session)).statusCode).toBe(200);
    expect((await read(token)).statusCode).toBe(200);
    await t.request({ method: 'DELETE', url: `/v1/api-keys/key_${admin.slice(4, 20)}`, key: t.adminKey });
    for (const bearer of [session, token]) {
      const res = await read(bearer);
      expect(res.statusCode).toBe(401);
      expect((res.json() as { detail: string }).detail).toContain('revoked');
    }
    const again = await t.request({ method: 'POST', url: '/v1/viewer/sessions', payload: { token } });
    expect(again.statusCode).toBe(401);
  });
});
