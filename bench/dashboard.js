// `node bench/dashboard.js [events]` (after `npm run build`): the dashboard's budget, measured.
// 1. The viewer's JavaScript, gzipped (budget ≤ 150 KB): every script viewer.html loads.
// 2. First page of 50 events rendered in the viewer, from navigation start, on a local server
//    holding 100,000 events in the organization (budget ≤ 300 ms): Debian chromium via
//    playwright-core; the time includes exchanging the viewer token for a session.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { buildApp, loadConfig } from '../packages/server/dist/app.js';

const EVENTS = Number(process.argv[2] ?? 100_000);
const RUNS = 7;
const dist = new URL('../packages/dashboard/dist/', import.meta.url);

function viewerJsGzip() {
  const html = readFileSync(new URL('viewer.html', dist), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  let raw = 0;
  let gz = 0;
  for (const file of new Set(files)) {
    const body = readFileSync(new URL(file, dist));
    raw += body.length;
    gz += gzipSync(body, { level: 9 }).length;
  }
  return { files: [...new Set(files)], raw, gz };
}

const js = viewerJsGzip();
console.log(
  `viewer JS: ${js.files.length} files, ${(js.raw / 1024).toFixed(1)} KB raw, ${(js.gz / 1024).toFixed(1)} KB gzipped (budget 150 KB)`,
);

const dataDir = mkdtempSync(join(tmpdir(), 'auditledge-bench-dashboard-'));
const app = await buildApp(loadConfig({ flags: { dataDir, logLevel: 'silent' }, env: {} }), { logger: false });
const admin = { authorization: `Bearer ${app.auditledge.initialAdminKey}` };
const started = Date.now();
const actions = [
  'invoice.created',
  'invoice.paid',
  'invoice.deleted',
  'user.invited',
  'user.role_changed',
  'auth.login',
];
for (let done = 0; done < EVENTS; done += 1000) {
  const events = Array.from({ length: Math.min(1000, EVENTS - done) }, (_, j) => {
    const i = done + j;
    return {
      actor: { id: `user_${i % 500}`, name: `User ${i % 500}`, email: `user${i % 500}@acme.com` },
      action: actions[i % actions.length],
      resource: { type: 'invoice', id: `inv_${i}` },
      organization_id: 'org_acme',
      timestamp: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      metadata: { ip: `198.51.100.${i % 250}`, user_agent: 'bench' },
    };
  });
  const response = await app.inject({ method: 'POST', url: '/v1/events/batch', headers: admin, payload: { events } });
  if (response.statusCode !== 200) throw new Error(response.body);
}
console.log(`seeded ${EVENTS} events in ${((Date.now() - started) / 1000).toFixed(1)} s`);
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${app.server.address().port}`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
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
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
// Records the moment the 50th row is in the DOM, relative to navigation start.
await context.addInitScript(() => {
  new MutationObserver((_records, observer) => {
    if (document.querySelectorAll('table.events tbody tr').length >= 50) {
      window.__firstPage = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
});
const timings = [];
for (let run = 0; run < RUNS; run++) {
  const minted = await app.inject({
    method: 'POST',
    url: '/v1/viewer-tokens',
    headers: admin,
    payload: { organization_id: 'org_acme' },
  });
  const page = await context.newPage();
  await page.goto(`${base}/viewer${new URL(minted.json().url).hash}`);
  await page.waitForFunction(() => window.__firstPage !== undefined, undefined, { timeout: 10_000 });
  timings.push(await page.evaluate(() => window.__firstPage));
  await page.close();
}
const sorted = [...timings].sort((a, b) => a - b);
console.log(
  `first page of 50 rows (ms from navigation start), ${RUNS} runs: ${timings.map((t) => t.toFixed(0)).join(', ')}`,
);
console.log(
  `median ${sorted[Math.floor(RUNS / 2)].toFixed(0)} ms, worst ${sorted[RUNS - 1].toFixed(0)} ms (budget 300 ms; first run includes a cold browser cache)`,
);
const api = [];
for (let i = 0; i < 20; i++) {
  const t0 = performance.now();
  await fetch(`${base}/v1/events?organization_id=org_acme&limit=50`, { headers: admin });
  api.push(performance.now() - t0);
}
api.sort((a, b) => a - b);
console.log(`GET /v1/events (50 of ${EVENTS}) over HTTP: median ${api[10].toFixed(1)} ms`);
await browser.close();
await app.close();
rmSync(dataDir, { recursive: true, force: true });
