// The `auditledge` CLI as a user runs it: keys, query, export and verify against a data directory.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_EVENT, tempDir } from './helpers.js';
import { CLI, startServerProcess, waitForExit } from './process.js';

const dataDir = tempDir('auditledge-cli-');
const run = (...args: string[]) =>
  execFileSync(process.execPath, [CLI, ...args, '--data-dir', dataDir], {
    encoding: 'utf8',
    env: { ...process.env, AUDITLEDGE_LOG_LEVEL: 'silent' },
  });

let verifierKey: string;
beforeAll(async () => {
  const server = await startServerProcess(dataDir);
  const res = await fetch(`${server.url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(SEED_EVENT),
  });
  expect(res.status).toBe(201);
  verifierKey = (await (await fetch(`${server.url}/v1/verifier-key`)).text()).trim();
  server.child.kill('SIGTERM');
  await waitForExit(server.child);
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('auditledge CLI', () => {
  it('creates a key with its secret alone on the last line, lists it without the secret, revokes it', () => {
    const out = run('keys', 'create', '--name', 'billing', '--scopes', 'events:write', '--organization', 'org_acme');
    const lines = out.trimEnd().split('\n');
    const secret = lines.at(-1) as string;
    expect(secret).toMatch(/^alk_[0-9a-z]{16}_[A-Za-z0-9_-]{43}$/);
    const id = `key_${secret.slice(4, 20)}`;
    const listed = run('keys', 'list');
    expect(listed).toContain(id);
    expect(listed).toContain('org=org_acme');
    expect(listed).not.toContain(secret.slice(21));
    expect(run('keys', 'revoke', id)).toContain(`Revoked ${id}`);
    expect(run('keys', 'list')).toMatch(new RegExp(`${id}\\trevoked`));
  });

  it('refuses bad scopes with one clear line and a non-zero exit', () => {
    let stderr = '';
    let status = 0;
    try {
      run('keys', 'create', '--scopes', 'events:delete');
    } catch (error) {
      status = (error as { status: number }).status;
      stderr = (error as { stderr: string }).stderr;
    }
    expect(status).toBe(2);
    expect(stderr.trim()).toBe('auditledge: "events:delete" is not a scope; use events:write, events:read, admin');
  });

  it('queries with the query language and exports a bundle that verifies', () => {
    const found = run('query', '--organization', 'org_acme', 'actor:alice@acme.com', 'action:invoice.*');
    const event = JSON.parse(found.trim().split('\n')[0] as string);
    expect(event).toMatchObject({ action: 'invoice.deleted', actor: SEED_EVENT.actor, organization_id: 'org_acme' });
    const file = join(dataDir, 'acme.bundle.jsonl');
    run('export', '--organization', 'org_acme', '--format', 'bundle', '--out', file);
    expect(readFileSync(file, 'utf8').split('\n')[0]).toContain('"format":"auditledge.bundle/1"');
    const verdict = execFileSync(process.execPath, [CLI, 'verify', file, '--key', verifierKey], { encoding: 'utf8' });
    expect(verdict).toMatch(/^OK: \d+ events verified \(every event of the log\)/);
  });
});
