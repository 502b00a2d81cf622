// Shared benchmark plumbing: start real server processes, drive load with autocannon, read RSS.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI = join(ROOT, 'packages/server/bin/auditledge.js');

export const SEED_EVENT = {
  actor: { id: 'user_abc123', name: 'Alice Johnson', email: 'alice@acme.com' },
  action: 'invoice.deleted',
  resource: { type: 'invoice', id: 'inv_789', name: 'Invoice #1042' },
  organization_id: 'org_acme',
  timestamp: '2026-05-01T14:32:00Z',
  metadata: { ip: '203.0.113.42', user_agent: 'Mozilla/5.0...' },
};

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Starts a process that prints "listening on <url>"; resolves with { child, url, adminKey }. */
export function startProcess(args, env = {}) {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, AUDITLEDGE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve({ child, url, adminKey: /^\s+(alk_\S+)$/m.exec(output)?.[1] });
    });
    child.on('exit', (code) => reject(new Error(`process exited with ${code}: ${output}`)));
  });
}

export function startAuditledge(dataDir, env = {}) {
  return startProcess([CLI, 'serve', '--port', '0', '--data-dir', dataDir], env);
}

export async function stop(proc) {
  if (proc.child.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.child.once('exit', resolve));
  proc.child.kill('SIGTERM');
  await exited;
}

/** Peak resident set size of a process in MB (Linux VmHWM). */
export function peakRssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

export function cannon(options) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const fmt = (n, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Twenty actions in five families: the mix the query benchmarks filter over. */
export const BENCH_ACTIONS = [
  'invoice.created',
  'invoice.updated',
  'invoice.deleted',
  'invoice.paid',
  'user.login',
  'user.logout',
  'user.invited',
  'user.deleted',
  'role.granted',
  'role.revoked',
  'apikey.created',
  'apikey.revoked',
  'export.created',
  'settings.updated',
  'project.created',
  'project.archived',
  'file.uploaded',
  'file.downloaded',
  'team.joined',
  'team.left',
];

/** Runs `work(url)` against a fresh PostgreSQL database created from `adminUrl`, dropped afterwards. */
export async function withDatabase(adminUrl, work) {
  const name = `auditledge_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
