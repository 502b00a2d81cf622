// The dashboard in a real browser: Debian's chromium driven by playwright-core (no downloaded
// browsers). Console sign-in, search, proof badge, CSV export, a viewer link embedded in an iframe
// on another site, the <auditledge-viewer> element, and a viewer that cannot reach another
// organization. Screenshots land in docs/screenshots/ for the README.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, loadConfig } from '../../server/src/app.js';

const CHROMIUM = '/usr/bin/chromium';
const DIST = fileURLToPath(new URL('../dist/index.html', import.meta.url));
// Screenshots land in test-results/ (ignored); `UPDATE_SCREENSHOTS=1 npm test` refreshes the ones
// the README shows, so a plain test run leaves the work tree clean.
const SCREENSHOTS = fileURLToPath(
  new URL(
    process.env.UPDATE_SCREENSHOTS ? '../../../docs/screenshots/' : '../../../test-results/screenshots/',
    import.meta.url,
  ),
);
const runnable = existsSync(CHROMIUM) && existsSync(DIST);

const SEED_EVENT = {
  actor: { id: 'user_abc123', name: 'Alice Johnson', email: 'alice@acme.com' },
  action: 'invoice.deleted',
  resource: { type: 'invoice', id: 'inv_789', name: 'Invoice #1042' },
  organization_id: 'org_acme',
  timestamp: '2026-05-01T14:32:00Z',
  metadata: { ip: '203.0.113.42', user_agent: 'Mozilla/5.0...' },
};

function seedEvents(): unknown[] {
  const people = [
    { id: 'user_bob', name: 'Bob Stone', email: 'bob@acme.com' },
    { id: 'user_carol', name: 'Carol Diaz', email: 'carol@acme.com' },
    { id: 'user_dan', name: 'Dan Wu', email: 'dan@acme.com' },
  ];
  const actions = [
    'invoice.created',
    'invoice.paid',
    'user.invited',
    'user.role_changed',
    'settings.updated',
    'auth.login',
  ];
  const events: unknown[] = [];
  for (let i = 0; i < 117; i++) {
    const actor = people[i % people.length];
    const action = actions[i % actions.length] as string;
    events.push({
      actor,
      action,
      resource: { type: action.split('.')[0], id: `${action.split('.')[0]}_${100 + i}` },
      organization_id: 'org_acme',
      timestamp: new Date(Date.UTC(2026, 3, 29, 8) + i * 47 * 60_000).toISOString(),
      metadata: { ip: `198.51.100.${i % 250}` },
      ...(action === 'user.role_changed' && { changes: { role: { before: 'member', after: 'admin' } } }),
      ...(i % 9 === 0 && { outcome: 'failure' }),
    });
  }
  events.push(
    { ...SEED_EVENT, action: 'invoice.viewed', timestamp: '2026-04-28T09:00:00Z' },
    {
      ...SEED_EVENT,
      action: 'invoice.updated',
      timestamp: '2026-05-01T20:00:00Z',
      changes: { amount: { before: 1200, after: 1250 } },
    },
    SEED_EVENT,
    { ...SEED_EVENT, organization_id: 'org_globex', actor: { id: 'user_eve', email: 'eve@globex.com' } },
  );
  return events;
}

describe.skipIf(!runnable)('dashboard in chromium', () => {
  let app: Awaited<ReturnType<typeof buildApp>>;
  let base: string;
  let adminKey: string;
  let dataDir: string;
  let embed: Server;
  let embedOrigin: string;
  let embedHtml = '';
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    // The embedding page lives on another site: http://localhost:<p2> vs http://127.0.0.1:<p1>.
    embed = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(embedHtml);
    });
    await new Promise<void>((resolve) => embed.listen(0, '127.0.0.1', resolve));
    embedOrigin = `http://localhost:${(embed.address() as AddressInfo).port}`;

    dataDir = mkdtempSync(join(tmpdir(), 'auditledge-browser-'));
    const config = loadConfig({
      flags: { dataDir, logLevel: 'silent', port: 0 },
      env: { AUDITLEDGE_FRAME_ANCESTORS: `'self' ${embedOrigin}`, AUDITLEDGE_CHECKPOINT_INTERVAL_MS: '100' },
    });
    app = await buildApp(config, { logger: false });
    adminKey = app.auditledge.initialAdminKey as string;
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const ingest = await app.inject({
      method: 'POST',
      url: '/v1/events/batch',
      headers: { authorization: `Bearer ${adminKey}` },
      payload: { events: seedEvents() },
    });
    expect(ingest.statusCode).toBe(200);
    // Proofs need a signed checkpoint covering the events.
    await new Promise((resolve) => setTimeout(resolve, 400));

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    context = await browser.newContext({
      viewport: { width: 1280, height: 860 },
      timezoneId: 'America/New_York',
      locale: 'en-US',
      acceptDownloads: true,
    });
    page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await new Promise((resolve) => embed?.close(resolve));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in with the admin key and lists the newest events', async () => {
    await page.goto(`${base}/`);
    await page.getByLabel('Admin API key').fill('alk_wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not valid');
    await page.getByLabel('Admin API key').fill(adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('table.events tbody tr').first().waitFor();
    expect(await page.locator('table.events tbody tr').count()).toBe(50);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-explorer.png') });
    // The key is nowhere in web storage.
    const stored = await page.evaluate(
      () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
    );
    expect(stored).not.toContain('alk_');
    // Infinite scroll: the next keyset page arrives when the end of the table shows.
    await page.locator('.sentinel').scrollIntoViewIfNeeded();
    await expect.poll(() => page.locator('table.events tbody tr').count()).toBe(100);
  });

  it('filters by actor and date, and shows the event verified', async () => {
    await page.getByLabel('Actor', { exact: true }).fill('alice@acme.com');
    await page.getByLabel('From', { exact: true }).fill('2026-05-01');
    await page.getByLabel('To', { exact: true }).fill('2026-05-01');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => page.locator('table.events tbody tr').count()).toBe(2);
    const rows = await page.locator('table.events tbody tr').allTextContents();
    expect(rows.every((row) => row.includes('alice@acme.com'))).toBe(true);
    // Local time (New York) in the cell, UTC on hover.
    const first = page.locator('table.events tbody tr').nth(1).locator('button');
    expect(await first.getAttribute('title')).toBe('2026-05-01T14:32:00.000Z (UTC)');
    expect(await first.textContent()).toContain('10:32:00');

    await page.locator('table.events tbody tr').first().locator('button').click();
    const badge = page.locator('.drawer .badge');
    await expect.poll(() => badge.getAttribute('data-verdict')).toBe('verified');
    expect(await badge.textContent()).toContain('Verified');
    expect(await page.locator('.drawer table.diff').textContent()).toContain('1250');
    await page.screenshot({ path: join(SCREENSHOTS, 'console-event-verified.png') });
    await page.keyboard.press('Escape');
    await page.locator('.drawer').waitFor({ state: 'detached' });
  });

  it('exports the current filter as CSV', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv.trim().split('\n');
    expect(lines[0]).toMatch(/^id,sequence,timestamp/);
    expect(lines).toHaveLength(3);
    expect(csv).toContain('alice@acme.com');
    expect(csv).not.toContain('bob@acme.com');
  });

  it('mints a viewer link that works in an iframe on another site and cannot reach another organization', async () => {
    await page.getByRole('button', { name: 'Viewer links' }).click();
    await page.getByLabel('Organization', { exact: true }).first().fill('org_acme');
    await page.getByRole('button', { name: 'Mint viewer link' }).click();
    const url = await page.getByLabel('Viewer URL').inputValue();
    expect(url).toMatch(new RegExp(`^${base}/viewer#token=avt_`));

    embedHtml = `<!doctype html><title>Acme admin</title><body style="margin:0;font-family:sans-serif">
      <h1 style="font-size:18px;margin:8px 12px">Acme settings › Audit log</h1>
      <iframe title="Audit log" src="${url}" style="width:100%;height:760px;border:0"></iframe></body>`;
    const embedPage = await context.newPage();
    embedPage.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await embedPage.goto(`${embedOrigin}/`);
    const viewer = embedPage.frameLocator('iframe');
    await viewer.locator('table.events tbody tr').first().waitFor();
    const organizations = await viewer.locator('.viewerhead').textContent();
    expect(organizations).toContain('org_acme');
    await viewer.getByLabel('Search', { exact: true }).fill('actor:alice@acme.com');
    await viewer.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => viewer.locator('table.events tbody tr').count()).toBe(3);
    await viewer.locator('table.events tbody tr').nth(1).locator('button').click();
    await expect.poll(() => viewer.locator('.drawer .badge').getAttribute('data-verdict')).toBe('verified');
    await embedPage.screenshot({ path: join(SCREENSHOTS, 'embedded-viewer.png') });

    // From inside the viewer's own origin, with the same token: another organization is refused.
    const token = new URL(url).hash.slice('#token='.length);
    const frame = embedPage.frames().find((f) => f.url().startsWith(`${base}/viewer`));
    expect(frame).toBeDefined();
    const globexId = (
      await app.inject({
        method: 'GET',
        url: '/v1/events?organization_id=org_globex',
        headers: { authorization: `Bearer ${adminKey}` },
      })
    ).json().data[0].id;
    const statuses = await frame?.evaluate(
      async ({ token, globexId }) => {
        const opened = await fetch('/v1/viewer/sessions', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token }),
        }).then((r) => r.json());
        const auth = { authorization: `Bearer ${opened.session_token}` };
        const list = await fetch('/v1/events?organization_id=org_globex', { headers: auth });
        const one = await fetch(`/v1/events/${globexId}`, { headers: auth });
        const exported = await fetch('/v1/exports/events?format=csv&organization_id=org_globex', { headers: auth });
        const own = await fetch('/v1/events', { headers: auth }).then((r) => r.json());
        return {
          list: list.status,
          one: one.status,
          exported: exported.status,
          ownOrgs: [...new Set(own.data.map((e: { organization_id: string }) => e.organization_id))],
        };
      },
      { token, globexId },
    );
    expect(statuses).toEqual({ list: 403, one: 404, exported: 403, ownOrgs: ['org_acme'] });

    // A token edited to claim the other organization is refused by the viewer itself.
    const [body, mac] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body.slice(4), 'base64url').toString());
    const forged = `avt_${Buffer.from(JSON.stringify({ ...claims, org: 'org_globex' })).toString('base64url')}.${mac}`;
    embedHtml = `<!doctype html><iframe title="Audit log" src="${base}/viewer#token=${forged}" style="width:100%;height:400px;border:0"></iframe>`;
    await embedPage.goto(`${embedOrigin}/forged`);
    const refused = embedPage.frameLocator('iframe').getByRole('alert');
    await expect.poll(() => refused.textContent()).toContain('not valid');
    expect(await embedPage.frameLocator('iframe').locator('table.events').count()).toBe(0);
    await embedPage.close();

    // Opening the viewer was recorded in org_acme's own log.
    const opened = await app.inject({
      method: 'GET',
      url: '/v1/events?organization_id=org_acme&q=action:viewer.session_started',
      headers: { authorization: `Bearer ${adminKey}` },
    });
    expect(opened.json().data.length).toBeGreaterThanOrEqual(1);
    expect(opened.json().data[0].actor.type).toBe('viewer_token');
  });

  it('runs as the <auditledge-viewer> element with the host page theme', async () => {
    const minted = await app.inject({
      method: 'POST',
      url: '/v1/viewer-tokens',
      headers: { authorization: `Bearer ${adminKey}` },
      payload: { organization_id: 'org_acme' },
    });
    const { token } = minted.json();
    embedHtml = `<!doctype html><title>Element</title>
      <script type="module" src="${base}/auditledge-viewer.js"></script>
      <style>auditledge-viewer { --al-accent: rgb(192, 38, 211); --al-height: 500px; }</style>
      <auditledge-viewer base-url="${base}" token="${token}"></auditledge-viewer>`;
    const elementPage = await context.newPage();
    await elementPage.goto(`${embedOrigin}/element`);
    const viewer = elementPage.frameLocator('auditledge-viewer iframe');
    await viewer.locator('table.events tbody tr').first().waitFor();
    const accent = await viewer
      .locator('button.primary')
      .first()
      .evaluate((button) => getComputedStyle(button).backgroundColor);
    expect(accent).toBe('rgb(192, 38, 211)');
    await elementPage.close();
  });

  it('keeps working on a phone-width screen', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.getByRole('button', { name: 'Events' }).click();
    await page.locator('table.events tbody tr').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.getByLabel('Search', { exact: true }).isVisible()).toBe(true);
  });

  it('raised no Content-Security-Policy violation', () => {
    expect(cspViolations).toEqual([]);
  });
});
