// Test helpers: a real app on a real SQLite file in a fresh temporary directory, driven through
// app.inject(); keys are created through the same service the API uses.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { type BuildAppOptions, buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createApiKey } from '../src/services/api-keys/create-api-key.js';
import type { Scope } from '../src/store/store.js';

/** The event from the seed article, verbatim. */
export const SEED_EVENT = {
  actor: {
    id: 'user_abc123',
    name: 'Alice Johnson',
    email: 'alice@acme.com',
  },
  action: 'invoice.deleted',
  resource: {
    type: 'invoice',
    id: 'inv_789',
    name: 'Invoice #1042',
  },
  organization_id: 'org_acme',
  timestamp: '2026-05-01T14:32:00Z',
  metadata: {
    ip: '203.0.113.42',
    user_agent: 'Mozilla/5.0...',
  },
};

export interface TestApp {
  app: FastifyInstance;
  dataDir: string;
  /** The admin key created on first start. */
  adminKey: string;
  key(scopes: Scope[], organizationId?: string): Promise<string>;
  request(options: InjectOptions & { key?: string }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export function tempDir(prefix = 'auditledge-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function createTestApp(
  options: BuildAppOptions & { dataDir?: string; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const dataDir = options.dataDir ?? tempDir();
  const config = loadConfig({ flags: { dataDir, logLevel: 'silent' }, env: options.env ?? {} });
  const app = await buildApp(config, { logger: false, ...options });
  const adminKey = app.auditledge.initialAdminKey;
  if (!adminKey) throw new Error('expected a fresh data directory to create an admin key');
  return {
    app,
    dataDir,
    adminKey,
    async key(scopes, organizationId) {
      const created = await createApiKey(app.auditledge, {
        projectId: app.auditledge.defaultProjectId,
        name: 'test',
        scopes,
        organizationId: organizationId ?? null,
        actor: { id: 'test', type: 'system' },
      });
      return created.secret;
    },
    request({ key, headers, ...rest }) {
      return app.inject({
        ...rest,
        headers: { ...(key !== undefined && { authorization: `Bearer ${key}` }), ...headers },
      });
    },
    async close() {
      await app.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
