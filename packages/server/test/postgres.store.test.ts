// What only the PostgreSQL backend promises beyond the shared contract: several stores (nodes) on
// one database racing each other, and a database that refuses tampering by role and by trigger.
import { leafHash, rootFromLeafHashes } from '@auditledge/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import type { AppendOutcome, PreparedEvent } from '../src/store/store.js';
import { createFreshDatabase, type FreshDatabase, postgresTestsEnabled } from './postgres.database.js';

const PROJECT = 'prj_pg';
let counter = 0;

function prepared(organizationId: string, overrides: Partial<PreparedEvent> = {}): PreparedEvent {
  const i = counter++;
  const leaf = JSON.stringify({ i, organizationId });
  return {
    projectId: PROJECT,
    organizationId,
    id: `evt_pg_${String(i).padStart(20, '0')}`,
    timestamp: Date.UTC(2026, 4, 1) + i,
    receivedAt: Date.UTC(2026, 4, 1) + i,
    actorId: `user_${i % 7}`,
    actorEmail: null,
    action: 'invoice.created',
    resourceType: 'invoice',
    resourceId: `inv_${i}`,
    targets: [
      { type: 'customer', id: `cus_${i % 3}` },
      { type: 'customer', id: `cus_${i % 3}` },
    ],
    outcome: 'success',
    leaf,
    leafHash: leafHash(new TextEncoder().encode(leaf)),
    disclosures: '{}',
    searchText: `Invoice 100% done_${i}`,
    idempotencyKey: null,
    requestHash: null,
    ...overrides,
  };
}

async function asApp(database: FreshDatabase, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: database.appUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe.skipIf(!postgresTestsEnabled)('PostgreSQL store: many nodes, one database', () => {
  let database: FreshDatabase;
  let nodes: PostgresStore[] = [];

  beforeAll(async () => {
    database = await createFreshDatabase();
    // Migrated by the owner; the nodes run as auditledge_app, as the documented deployment does.
    await (await PostgresStore.open({ connectionString: database.ownerUrl })).close();
    nodes = await Promise.all([1, 2, 3].map(() => PostgresStore.open({ connectionString: database.appUrl })));
    await database.execute(
      `INSERT INTO projects (id, name, personal_fields, created_at) VALUES ('${PROJECT}', 'p', '[]', 0)`,
    );
  });
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await database?.drop();
  });

  it('migrates once, creates one default project and one secret when nodes start together', async () => {
    const fresh = await createFreshDatabase();
    const starting = await Promise.all([1, 2, 3].map(() => PostgresStore.open({ connectionString: fresh.ownerUrl })));
    try {
      const { rows } = await fresh.execute('SELECT version, count(*)::int AS n FROM schema_migrations GROUP BY 1');
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((row) => row.n === 1)).toBe(true);
      const results = await Promise.all(
        starting.map((node, i) =>
          node.ensureDefaultProject({ id: `prj_default_${i}`, name: 'd', personal_fields: [], created_at: i }),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.project.id)).size).toBe(1);
      const secrets = await Promise.all(
        starting.map((node, i) => node.getOrCreateSecret('cursor_hmac_key', () => new Uint8Array(32).fill(i + 1))),
      );
      for (const secret of secrets)
        expect(Buffer.from(secret).equals(Buffer.from(secrets[0] as Uint8Array))).toBe(true);
      // A node running as the app role cannot apply a pending migration, and says so.
      await fresh.execute('DELETE FROM schema_migrations WHERE version = 1');
      await expect(PostgresStore.open({ connectionString: fresh.appUrl })).rejects.toThrow(/needs the schema owner/);
    } finally {
      await Promise.all(starting.map((node) => node.close()));
      await fresh.drop();
    }
  });

  it('keeps every log contiguous and its root right when nodes append to overlapping logs at once', async () => {
    const orgs = ['org_a', 'org_b', 'org_c', 'org_d'];
    // Each append touches several logs, listed in different orders, to provoke lock-order cycles.
    const appends: Promise<AppendOutcome[]>[] = [];
    for (let round = 0; round < 12; round++) {
      nodes.forEach((node, n) => {
        const mine = round % 2 === 0 ? [...orgs] : [...orgs].reverse();
        const batch = Array.from({ length: 25 }, (_, j) => prepared(mine[(j + n + round) % mine.length] as string));
        appends.push(node.appendEvents(batch));
      });
    }
    const outcomes = (await Promise.all(appends)).flat();
    expect(outcomes.every((o) => o.kind === 'created')).toBe(true);
    for (const org of orgs) {
      const seqs = outcomes
        .flatMap((o) => (o.kind === 'created' && o.receipt.organization_id === org ? [o.receipt.sequence] : []))
        .sort((a, b) => a - b);
      expect(seqs).toEqual(seqs.map((_, i) => i));
      const head = await nodes[1]?.getLogHead(PROJECT, org);
      expect(head?.size).toBe(seqs.length);
      const { rows } = await database.execute(
        `SELECT e.leaf_hash FROM events e JOIN logs l ON l.id = e.log_id
         WHERE l.project_id = '${PROJECT}' AND l.organization_id = '${org}' ORDER BY e.seq`,
      );
      const root = rootFromLeafHashes(rows.map((row) => new Uint8Array(row.leaf_hash as Buffer)));
      expect(Buffer.from(root).equals(Buffer.from(head?.root_hash ?? []))).toBe(true);
    }
  });

  it('turns a duplicate racing in through another node into a replay, never a second event', async () => {
    const hash = new Uint8Array(32).fill(9);
    const other = new Uint8Array(32).fill(8);
    for (let k = 0; k < 10; k++) {
      const key = `race_${k}`;
      const outcomes = (
        await Promise.all(
          nodes.map((node, n) =>
            node.appendEvents([
              prepared('org_race', { idempotencyKey: key, requestHash: n === 2 && k % 2 === 0 ? other : hash }),
              prepared(`org_side_${n}`),
            ]),
          ),
        )
      ).map((o) => o[0] as AppendOutcome);
      const created = outcomes.filter((o) => o.kind === 'created');
      expect(created).toHaveLength(1);
      const winner = created[0]?.kind === 'conflict' ? undefined : created[0]?.receipt.id;
      for (const [n, outcome] of outcomes.entries()) {
        if (outcome.kind === 'replayed') expect(outcome.receipt.id).toBe(winner);
        if (outcome.kind === 'conflict') expect(n === 2 || outcomes[2]?.kind === 'created').toBe(true);
      }
    }
    const { rows } = await database.execute(
      `SELECT count(*)::int AS n FROM events e JOIN logs l ON l.id = e.log_id WHERE l.organization_id = 'org_race'`,
    );
    expect(rows[0]?.n).toBe(10);
  });

  it('stores a checkpoint once per size and finds logs that outgrew theirs', async () => {
    const head = await nodes[0]?.getLogHead(PROJECT, 'org_a');
    if (!head) throw new Error('expected org_a');
    const row = { log_id: head.log_id, size: head.size, root_hash: head.root_hash, note: 'n1', created_at: 1 };
    await Promise.all(nodes.map((node, i) => node.insertCheckpoint({ ...row, note: `n${i}`, created_at: i })));
    expect((await nodes[2]?.getCheckpoint(head.log_id))?.size).toBe(head.size);
    const needing = await nodes[1]?.listLogsNeedingCheckpoint(100);
    expect(needing?.map((h) => h.organization_id)).not.toContain('org_a');
    expect(needing?.map((h) => h.organization_id)).toContain('org_b');
  });

  it('matches free text as a case-insensitive substring with LIKE wildcards taken literally', async () => {
    await nodes[0]?.appendEvents([
      prepared('org_text', { searchText: 'Alice Johnson alice@acme.com 100% done' }),
      prepared('org_text', { searchText: 'Bob 1000 done' }),
    ]);
    const q = async (text: string[]) =>
      (
        await (nodes[0] as PostgresStore).listEvents({
          projectId: PROJECT,
          organizationId: 'org_text',
          filter: {
            actorIds: { include: [], exclude: [] },
            actorEmails: { include: [], exclude: [] },
            actions: { include: [], exclude: [] },
            resources: { include: [], exclude: [] },
            outcomes: { include: [], exclude: [] },
            subjects: { include: [], exclude: [] },
            text,
          },
          limit: 10,
        })
      ).length;
    expect(await q(['ACME.COM'])).toBe(1);
    expect(await q(['john', 'done'])).toBe(1);
    expect(await q(['100%'])).toBe(1);
    expect(await q(['10_'])).toBe(0);
    expect(await q(['done'])).toBe(2);
  });

  it('erases personal data through the maintenance path, leaving the leaf and its proofs alone', async () => {
    const [created] = await (nodes[0] as PostgresStore).appendEvents([
      prepared('org_erase', {
        actorEmail: 'erin@example.com',
        searchText: 'Erin Example erin@example.com',
        disclosures: '{"x":1}',
      }),
    ]);
    if (created?.kind !== 'created') throw new Error('expected an event');
    const before = await nodes[1]?.getEvent(PROJECT, created.receipt.id);
    const result = await nodes[1]?.eraseEvents(
      { projectId: PROJECT, organizationId: 'org_erase', email: 'ERIN@example.com' },
      (row) => (row.id === created.receipt.id ? { disclosures: '{}', searchText: 'user_x', erasedFields: 2 } : null),
    );
    expect(result).toEqual({ events: 1, fields: 2 });
    const after = await nodes[2]?.getEvent(PROJECT, created.receipt.id);
    expect(after?.disclosures).toBe('{}');
    expect(after?.leaf).toBe(before?.leaf);
    const { rows } = await database.execute(
      `SELECT actor_email, search_text FROM events WHERE id = '${created.receipt.id}'`,
    );
    expect(rows[0]).toEqual({ actor_email: null, search_text: 'user_x' });
    expect(
      await nodes[0]?.eraseEvents(
        { projectId: PROJECT, organizationId: 'org_erase', email: 'erin@example.com' },
        () => null,
      ),
    ).toEqual({ events: 0, fields: 0 });
  });

  describe('append-only inside the database', () => {
    const ledgerTables = ['events', 'event_targets', 'merkle_nodes', 'idempotency_keys', 'checkpoints', 'logs'];

    it('denies the app role UPDATE, DELETE and TRUNCATE of ledger rows, by grant or by trigger', async () => {
      // Retention deletes event rows (and their targets and keys) as the app role, so that DELETE
      // is granted; the trigger still refuses it outside the retention path.
      const retentionDeletes = ['events', 'event_targets', 'idempotency_keys'];
      for (const table of ledgerTables) {
        await expect(asApp(database, `DELETE FROM ${table}`)).rejects.toThrow(
          retentionDeletes.includes(table) ? /append-only/ : /permission denied/,
        );
        await expect(asApp(database, `TRUNCATE ${table}`)).rejects.toThrow(/permission denied/);
      }
      await expect(asApp(database, "UPDATE events SET action = 'x.y'")).rejects.toThrow(/permission denied/);
      await expect(asApp(database, "UPDATE api_keys SET name = 'x'")).rejects.toThrow(/permission denied/);
      // The head columns it may update still only move forward.
      await expect(asApp(database, 'UPDATE logs SET size = 0')).rejects.toThrow(/only grow/);
    });

    it('refuses TRUNCATE and DELETE to the owner too, by trigger', async () => {
      for (const table of ledgerTables.filter((t) => t !== 'logs')) {
        await expect(database.execute(`TRUNCATE ${table}`)).rejects.toThrow(/append-only/);
        await expect(database.execute(`DELETE FROM ${table}`)).rejects.toThrow(/append-only/);
      }
      await expect(database.execute('TRUNCATE logs CASCADE')).rejects.toThrow(/append-only|only grow/);
      await expect(database.execute('DELETE FROM logs')).rejects.toThrow(/only grow/);
      await expect(
        database.execute("UPDATE logs SET root_hash = '\\x00'::bytea || substr(root_hash, 2)"),
      ).rejects.toThrow(/only grow/);
    });

    it('opens only for erasure: personal-data columns, inside a maintenance transaction', async () => {
      const inMaintenance = async (sql: string, as: 'owner' | 'app' = 'owner') => {
        const statements = `BEGIN; SET LOCAL auditledge.maintenance = 'on'; ${sql}; ROLLBACK;`;
        if (as === 'app') return asApp(database, statements);
        await database.execute(statements);
      };
      await expect(
        inMaintenance(`UPDATE events SET disclosures = '{}', search_text = '', actor_email = NULL WHERE seq = 0`),
      ).resolves.toBeUndefined();
      await expect(
        inMaintenance(`UPDATE events SET disclosures = '{}', actor_email = NULL WHERE seq = 0`, 'app'),
      ).resolves.toBeUndefined();
      // Never the leaf, its hash or position, never a new email, never DELETE — not even the owner.
      await expect(inMaintenance(`UPDATE events SET leaf = '{}' WHERE seq = 0`)).rejects.toThrow(/append-only/);
      await expect(inMaintenance(`UPDATE events SET seq = seq + 1000000 WHERE seq = 0`)).rejects.toThrow(/append-only/);
      await expect(inMaintenance(`UPDATE events SET actor_email = 'mallory@x.y' WHERE seq = 0`)).rejects.toThrow(
        /append-only/,
      );
      await expect(inMaintenance('DELETE FROM events WHERE seq = 0')).rejects.toThrow(/append-only/);
      await expect(inMaintenance('DELETE FROM merkle_nodes')).rejects.toThrow(/append-only/);
      await expect(inMaintenance('DELETE FROM events', 'app')).rejects.toThrow(/append-only/);
      // Outside the transaction the door is shut again.
      await expect(database.execute("UPDATE events SET disclosures = '{}' WHERE seq = 0")).rejects.toThrow(
        /append-only/,
      );
    });
  });
});
