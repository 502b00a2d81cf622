// An attacker with write access to the database edits, deletes, reorders or truncates ledger rows,
// or swaps in a checkpoint signed by another key. Offline verification must catch each one and say
// what is wrong. The attacker first drops our append-only triggers, as a real one would.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type BundleVerdict,
  BundleVerifier,
  generateSignerKey,
  openCheckpoint,
  signCheckpoint,
  storedHashIndex,
} from '@auditledge/core';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { createTestApp, SEED_EVENT, type TestApp } from './helpers.js';
import { CLI } from './process.js';

const ORG = 'org_tamper';
let t: TestApp;
let verifierKey: string;
let db: Database.Database;

beforeEach(async () => {
  // Exports reuse the latest checkpoint within the signing interval; a long interval makes which
  // checkpoint a bundle uses independent of how fast the machine runs the test.
  t = await createTestApp({ env: { AUDITLEDGE_CHECKPOINT_INTERVAL_MS: '3600000' } });
  verifierKey = t.app.auditledge.signingKey.verifierKey;
  db = (t.app.auditledge.store as SqliteStore).rawDatabase;
  const events = Array.from({ length: 12 }, (_, i) => ({
    ...SEED_EVENT,
    organization_id: ORG,
    actor: { ...SEED_EVENT.actor, id: `user_${i}` },
  }));
  const res = await t.request({ method: 'POST', url: '/v1/events/batch', key: t.adminKey, payload: { events } });
  expect(res.statusCode).toBe(200);
  await t.app.auditledge.checkpointer.signGrownLogs();
});
afterEach(async () => {
  await t.close();
});

async function exportBundle(query = ''): Promise<string> {
  const res = await t.request({
    method: 'GET',
    url: `/v1/exports/events?format=bundle&organization_id=${ORG}${query}`,
    key: t.adminKey,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.body;
}

function verify(bundle: string, previousCheckpoint?: string): BundleVerdict {
  const verifier = new BundleVerifier(verifierKey, previousCheckpoint ? { previousCheckpoint } : {});
  verifier.pushText(bundle);
  return verifier.finish();
}

function dropTriggers(): void {
  const triggers = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string }[];
  for (const { name } of triggers) db.exec(`DROP TRIGGER ${name}`);
}

const idAt = (seq: number) =>
  (
    db
      .prepare('SELECT id FROM events WHERE seq = ? AND log_id = (SELECT id FROM logs WHERE organization_id = ?)')
      .get(seq, ORG) as { id: string }
  ).id;

describe('an untouched export', () => {
  it('verifies, in process and with the CLI', async () => {
    const bundle = await exportBundle();
    const verdict = verify(bundle);
    expect(verdict).toMatchObject({ ok: true, events: 12, treeSize: 12, complete: true });

    const file = join(t.dataDir, 'ok.bundle.jsonl');
    writeFileSync(file, bundle);
    const out = execFileSync(process.execPath, [CLI, 'verify', file, '--key', verifierKey], { encoding: 'utf8' });
    expect(out).toMatch(/^OK: 12 events verified \(every event of the log\)/);
  });

  it('verifies when filtered, and says so', async () => {
    const verdict = verify(await exportBundle('&actor_id=user_3'));
    expect(verdict).toMatchObject({ ok: true, events: 1, complete: false });
  });
});

describe('tampering is detected', () => {
  it('one changed byte in a stored event', async () => {
    dropTriggers();
    const victim = idAt(5);
    db.prepare("UPDATE events SET leaf = replace(leaf, 'invoice.deleted', 'invoice.deletes') WHERE id = ?").run(victim);
    const verdict = verify(await exportBundle());
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.error).toMatchObject({ code: 'inclusion_failed', sequence: 5, eventId: victim });
    expect(verdict.error.message).toContain(victim);
  });

  it('a deleted row', async () => {
    dropTriggers();
    db.prepare('DELETE FROM events_fts WHERE rowid = (SELECT rowid_ FROM events WHERE id = ?)').run(idAt(7));
    db.prepare('DELETE FROM events WHERE id = ?').run(idAt(7));
    const verdict = verify(await exportBundle());
    expect(verdict).toMatchObject({ ok: false, error: { code: 'missing_events', sequence: 7 } });
  });

  it('two rows swapped', async () => {
    dropTriggers();
    const [a, b] = [3, 4].map(
      (seq) =>
        db.prepare('SELECT leaf, leaf_hash FROM events WHERE seq = ?').get(seq) as { leaf: string; leaf_hash: Buffer },
    ) as [{ leaf: string; leaf_hash: Buffer }, { leaf: string; leaf_hash: Buffer }];
    db.prepare('UPDATE events SET leaf = ?, leaf_hash = ? WHERE seq = 3').run(b.leaf, b.leaf_hash);
    db.prepare('UPDATE events SET leaf = ?, leaf_hash = ? WHERE seq = 4').run(a.leaf, a.leaf_hash);
    const verdict = verify(await exportBundle());
    expect(verdict).toMatchObject({ ok: false, error: { code: 'inclusion_failed', sequence: 3 } });
  });

  it('a truncated log, against a checkpoint seen before', async () => {
    const before = (await t.request({ method: 'GET', url: `/v1/logs/${ORG}/checkpoint`, key: t.adminKey })).body;
    expect(openCheckpoint(before, verifierKey).size).toBe(12);
    dropTriggers();
    // Remove the last four events and every trace of them, then rewind the head to size 8.
    db.exec(`DELETE FROM events_fts WHERE rowid IN (SELECT rowid_ FROM events WHERE seq >= 8);
      DELETE FROM events WHERE seq >= 8; DELETE FROM checkpoints;
      DELETE FROM merkle_nodes WHERE hidx > ${storedHashIndex(3, 0)}`);
    const root8 = db.prepare('SELECT hash FROM merkle_nodes WHERE hidx = ?').get(storedHashIndex(3, 0)) as {
      hash: Buffer;
    };
    db.prepare('UPDATE logs SET size = 8, root_hash = ?').run(root8.hash);
    const after = await exportBundle();
    // On its own the shorter log looks fine: only the earlier checkpoint reveals the truncation.
    expect(verify(after)).toMatchObject({ ok: true, treeSize: 8 });
    const verdict = verify(after, before);
    expect(verdict).toMatchObject({ ok: false, error: { code: 'rolled_back' } });
  });

  it('a checkpoint signed by another key', async () => {
    dropTriggers();
    const row = db.prepare('SELECT log_id, size, root_hash FROM checkpoints ORDER BY size DESC LIMIT 1').get() as {
      log_id: number;
      size: number;
      root_hash: Buffer;
    };
    const forged = signCheckpoint(
      {
        origin: `auditledge.local/${t.app.auditledge.defaultProjectId}/${ORG}`,
        size: row.size,
        rootHash: new Uint8Array(row.root_hash),
      },
      generateSignerKey('auditledge.local'),
    );
    db.prepare('UPDATE checkpoints SET note = ? WHERE log_id = ? AND size = ?').run(forged, row.log_id, row.size);
    const verdict = verify(await exportBundle());
    expect(verdict).toMatchObject({ ok: false, error: { code: 'bad_checkpoint_signature' } });

    const file = join(t.dataDir, 'forged.bundle.jsonl');
    writeFileSync(file, await exportBundle());
    let status = 0;
    let out = '';
    try {
      execFileSync(process.execPath, [CLI, 'verify', file, '--key', verifierKey], { encoding: 'utf8' });
    } catch (error) {
      status = (error as { status: number }).status;
      out = (error as { stdout: string }).stdout;
    }
    expect(status).toBe(1);
    expect(out).toMatch(/^FAILED at line 1: .*\[bad_checkpoint_signature\]/);
  });
});
