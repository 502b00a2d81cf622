// A real Auditledge server for SDK tests: the built CLI (`npm test` builds first) as a child
// process on a free port and a fresh data directory. No mocks: the SDK talks to the real API.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../server/bin/auditledge.js', import.meta.url));

export interface TestServer {
  child: ChildProcess;
  url: string;
  dataDir: string;
  /** The admin key printed on first start (admin holds every scope). */
  adminKey: string;
  verifierKey: string;
  stop(): Promise<void>;
}

export function tempDir(prefix = 'auditledge-sdk-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Starts `auditledge serve --port 0`; on a data directory that was used before, pass its admin key. */
export async function startServer(dataDir = tempDir(), adminKey?: string): Promise<TestServer> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, AUDITLEDGE_LOG_LEVEL: 'warn', AUDITLEDGE_CHECKPOINT_INTERVAL_MS: '100' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const started = await new Promise<{ url: string; key: string | undefined }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolve({ url: url.replace('//localhost:', '//127.0.0.1:'), key: /^\s+(alk_\S+)$/m.exec(output)?.[1] });
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before starting:\n${output}`));
    });
  });
  const key = adminKey ?? started.key;
  if (!key) throw new Error(`no admin key in the server output:\n${output}`);
  const verifierKey = (await (await fetch(`${started.url}/v1/verifier-key`)).text()).trim();
  return {
    child,
    url: started.url,
    dataDir,
    adminKey: key,
    verifierKey,
    stop: () => stopProcess(child),
  };
}

export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Every stored event of one actor, read straight from the API (not through the SDK under test). */
export async function eventsOfActor(
  server: { url: string; adminKey: string },
  organizationId: string,
  actorId: string,
): Promise<{ id: string; sequence: number; resource?: { id: string } }[]> {
  const events: { id: string; sequence: number; resource?: { id: string } }[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ organization_id: organizationId, actor_id: actorId, limit: '1000' });
    if (cursor) params.set('cursor', cursor);
    const response = await fetch(`${server.url}/v1/events?${params}`, {
      headers: { authorization: `Bearer ${server.adminKey}` },
    });
    if (response.status !== 200) throw new Error(`GET /v1/events: ${response.status} ${await response.text()}`);
    const page = (await response.json()) as { data: typeof events; next_cursor: string | null };
    events.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return events;
}

/** A fresh id so tests sharing a server never see each other's events. */
export function uniqueId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
