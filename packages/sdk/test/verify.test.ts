// Client-side verification against a real server, and against the same server's replies altered
// in flight by a proxy: every alteration must be caught, with a code that says what was altered.
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  base64Decode,
  base64Encode,
  generateSignerKey,
  leafHash,
  parseCheckpoint,
  seedEvent,
  signCheckpoint,
} from '@auditledge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLedge, type EventInput, type EventReceipt } from '../src/index.js';
import { type FaultProxy, startProxy } from './fault-proxy.js';
import { removeDir, startServer, type TestServer, tempDir, uniqueId } from './server.js';

let server: TestServer;
let proxy: FaultProxy;

beforeAll(async () => {
  server = await startServer();
  proxy = await startProxy(server.url);
});

afterAll(async () => {
  await proxy?.close();
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function client(baseUrl = proxy.url): AuditLedge {
  return new AuditLedge(server.adminKey, { baseUrl, verifierKey: server.verifierKey, drainOnExit: false });
}

function eventFor(organizationId: string, n = 0): EventInput {
  return { ...seedEvent(), organization_id: organizationId, resource: { type: 'invoice', id: `inv_${n}` } };
}

/** Logs `count` events into a fresh organization's log; returns the organization and the receipts. */
async function freshLog(count: number): Promise<{ org: string; receipts: EventReceipt[] }> {
  const org = uniqueId('org');
  const audit = client(server.url);
  const receipts = await Promise.all(Array.from({ length: count }, (_, i) => audit.log(eventFor(org, i))));
  await audit.close();
  return { org, receipts };
}

type EventReply = Record<string, unknown> & {
  actor: Record<string, unknown>;
  leaf_hash: string;
  proof: {
    leaf: string;
    disclosures: Record<string, { value: unknown; salt: string }>;
    inclusion: string[];
    checkpoint: string;
  };
};

/** Rewrites the JSON of GET /v1/events/{id} replies; everything else passes untouched. */
function tamperEventReplies(edit: (reply: EventReply) => void): void {
  proxy.behavior = (request) =>
    request.path.startsWith('/v1/events/') && request.path !== '/v1/events/batch'
      ? {
          kind: 'forward',
          rewrite: (body) => {
            const reply = JSON.parse(body) as EventReply;
            edit(reply);
            return JSON.stringify(reply);
          },
        }
      : { kind: 'forward' };
}

/** Serves `note` for GET /v1/logs/{org}/checkpoint. */
function serveCheckpoint(note: string): void {
  proxy.behavior = (request) =>
    request.path.endsWith('/checkpoint')
      ? { kind: 'respond', status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: note }
      : { kind: 'forward' };
}

function serverSigner(dataDir: string): string {
  return readFileSync(join(dataDir, 'signing-key'), 'utf8').trim();
}

describe('verifyEvent on genuine replies', () => {
  it('accepts an event by id and by receipt, and remembers the checkpoint', async () => {
    proxy.behavior = () => ({ kind: 'forward' });
    const { receipts } = await freshLog(3);
    const audit = client();
    const first = await audit.verifyEvent(receipts[0]?.id as string);
    expect(first).toMatchObject({ ok: true, previous: undefined });
    if (!first.ok) return;
    expect(first.event).toMatchObject({ id: receipts[0]?.id, actor: seedEvent().actor });
    expect(first.checkpoint.size).toBeGreaterThanOrEqual(1);
    expect(first.checkpoint.origin).toMatch(new RegExp(`/${first.event.organization_id}$`));

    const second = await audit.verifyEvent(receipts[2] as EventReceipt);
    expect(second).toMatchObject({ ok: true, previous: { size: first.checkpoint.size } });
  });

  it('still verifies an event whose personal values were erased, and refuses to show them back', async () => {
    proxy.behavior = () => ({ kind: 'forward' });
    const { org, receipts } = await freshLog(1);
    const erased = await fetch(`${server.url}/v1/organizations/${org}/erasures`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ actor_id: 'user_abc123' }),
    });
    expect(erased.status).toBe(200);
    const result = await client().verifyEvent(receipts[0] as EventReceipt);
    expect(result).toMatchObject({
      ok: true,
      event: { erased: ['actor.email', 'actor.name', 'metadata.ip', 'metadata.user_agent'] },
    });
    if (result.ok) expect(result.event.actor.email).toEqual({ sha256: expect.any(String) });

    // A server that shows an erased value again (without a disclosure that opens the commitment).
    tamperEventReplies((reply) => {
      reply.actor.email = 'alice@acme.com';
    });
    expect(await client().verifyEvent(receipts[0] as EventReceipt)).toMatchObject({
      ok: false,
      code: 'event_mismatch',
    });
    proxy.behavior = () => ({ kind: 'forward' });
  });

  it('needs a pinned verifier key', async () => {
    const audit = new AuditLedge(server.adminKey, { baseUrl: server.url, drainOnExit: false });
    await expect(audit.verifyEvent('evt_x')).rejects.toMatchObject({ code: 'invalid_usage' });
    expect(() => new AuditLedge(server.adminKey, { verifierKey: 'not a key', drainOnExit: false })).toThrow(
      /verifierKey/,
    );
  });
});

describe('verifyEvent on tampered replies', () => {
  let receipts: EventReceipt[];
  let otherOrgCheckpoint: string;

  beforeAll(async () => {
    ({ receipts } = await freshLog(5));
    const other = await freshLog(1);
    otherOrgCheckpoint = await (
      await fetch(`${server.url}/v1/logs/${other.org}/checkpoint`, {
        headers: { authorization: `Bearer ${server.adminKey}` },
      })
    ).text();
  });

  const cases: [string, (reply: EventReply) => void, string][] = [
    [
      'the displayed actor name',
      (r) => {
        r.actor.name = 'Mallory';
      },
      'event_mismatch',
    ],
    [
      'the displayed action',
      (r) => {
        r.action = 'invoice.created';
      },
      'event_mismatch',
    ],
    [
      'a displayed field that is not in the leaf',
      (r) => {
        r.outcome = 'failure';
      },
      'event_mismatch',
    ],
    [
      'a disclosed personal value (shown consistently)',
      (r) => {
        r.actor.email = 'mallory@evil.example';
        r.proof.disclosures['actor.email'] = {
          value: 'mallory@evil.example',
          salt: r.proof.disclosures['actor.email']?.salt as string,
        };
      },
      'disclosure_mismatch',
    ],
    [
      'one byte of the leaf',
      (r) => {
        r.proof.leaf = r.proof.leaf.replace('invoice.deleted', 'invoice.deletee');
        r.action = 'invoice.deletee';
      },
      'leaf_hash_mismatch',
    ],
    [
      'the leaf and its leaf_hash together',
      (r) => {
        r.proof.leaf = r.proof.leaf.replace('invoice.deleted', 'invoice.deletee');
        r.action = 'invoice.deletee';
        r.leaf_hash = base64Encode(leafHash(new TextEncoder().encode(r.proof.leaf)));
      },
      'inclusion_failed',
    ],
    [
      'one bit of the inclusion proof',
      (r) => {
        const bytes = base64Decode(r.proof.inclusion[0] as string);
        bytes[0] = (bytes[0] as number) ^ 1;
        r.proof.inclusion[0] = base64Encode(bytes);
      },
      'inclusion_failed',
    ],
    [
      "the checkpoint's root hash",
      (r) => {
        const lines = r.proof.checkpoint.split('\n');
        const root = base64Decode(lines[2] as string);
        root[31] = (root[31] as number) ^ 1;
        lines[2] = base64Encode(root);
        r.proof.checkpoint = lines.join('\n');
      },
      'bad_signature',
    ],
    [
      'the checkpoint, re-signed by another key',
      (r) => {
        const checkpoint = parseCheckpoint(r.proof.checkpoint.slice(0, r.proof.checkpoint.indexOf('\n\n') + 1));
        r.proof.checkpoint = signCheckpoint(checkpoint, generateSignerKey('auditledge'));
      },
      'untrusted_key',
    ],
    [
      "another organization's genuine checkpoint",
      (r) => {
        r.proof.checkpoint = otherOrgCheckpoint;
      },
      'origin_mismatch',
    ],
  ];

  it.each(cases)('detects a reply with %s altered', async (_what, edit, code) => {
    tamperEventReplies(edit);
    const result = await client().verifyEvent(receipts[1]?.id as string);
    proxy.behavior = () => ({ kind: 'forward' });
    expect(result).toMatchObject({ ok: false, code });
    if (!result.ok) expect(result.message.length).toBeGreaterThan(10);
  });

  it('detects a server whose stored leaf no longer matches the receipt it gave at ingest', async () => {
    proxy.behavior = () => ({ kind: 'forward' });
    const receipt = receipts[3] as EventReceipt;
    const forged = { ...receipt, leaf_hash: receipts[4]?.leaf_hash as string };
    expect(await client().verifyEvent(forged)).toMatchObject({ ok: false, code: 'leaf_hash_mismatch' });
    expect(await client().verifyEvent(receipt)).toMatchObject({ ok: true });
  });
});

describe('checkpoint history', () => {
  it('verifyConsistency proves that today’s log extends a checkpoint kept earlier', async () => {
    proxy.behavior = () => ({ kind: 'forward' });
    const { org, receipts } = await freshLog(2);
    const audit = client();
    const first = await audit.verifyEvent(receipts[1] as EventReceipt);
    if (!first.ok) throw new Error(first.message);
    const writer = client(server.url);
    await Promise.all(Array.from({ length: 5 }, (_, i) => writer.log(eventFor(org, 10 + i))));
    await sleep(300);
    const later = await client().verifyConsistency(first.checkpoint.note);
    expect(later).toMatchObject({ ok: true, previous: { size: first.checkpoint.size } });
    if (later.ok) expect(later.checkpoint.size).toBe(first.checkpoint.size + 5);
  });

  it('detects a rolled-back log (the server shows an older checkpoint than one already verified)', async () => {
    proxy.behavior = () => ({ kind: 'forward' });
    const { org } = await freshLog(2);
    const audit = client();
    await sleep(200);
    const old = await audit.verifyLog(org);
    if (!old.ok) throw new Error(old.message);
    const writer = client(server.url);
    await Promise.all(Array.from({ length: 3 }, (_, i) => writer.log(eventFor(org, 10 + i))));
    await sleep(300);
    const grown = await audit.verifyLog(org);
    expect(grown).toMatchObject({ ok: true, previous: { size: 2 }, checkpoint: { size: 5 } });

    serveCheckpoint(old.checkpoint.note);
    expect(await audit.verifyLog(org)).toMatchObject({ ok: false, code: 'rolled_back' });
    if (grown.ok) {
      expect(await client().verifyConsistency(grown.checkpoint.note)).toMatchObject({ ok: false, code: 'rolled_back' });
    }
    proxy.behavior = () => ({ kind: 'forward' });
  });

  it('detects a forked log (a checkpoint signed by the real key that does not extend the verified one)', async () => {
    proxy.behavior = () => ({ kind: 'forward' });
    const { org } = await freshLog(2);
    const audit = client();
    await sleep(200);
    const pinned = await audit.verifyLog(org);
    if (!pinned.ok) throw new Error(pinned.message);
    const writer = client(server.url);
    await Promise.all(Array.from({ length: 3 }, (_, i) => writer.log(eventFor(org, 10 + i))));
    const signer = serverSigner(server.dataDir);
    const { origin } = pinned.checkpoint;
    const randomRoot = crypto.getRandomValues(new Uint8Array(32));

    // Same size, other root: two histories of one log.
    serveCheckpoint(signCheckpoint({ origin, size: 2, rootHash: randomRoot }, signer));
    expect(await audit.verifyLog(org)).toMatchObject({ ok: false, code: 'forked' });
    // Larger, but the real server's consistency proof cannot connect it to what was verified.
    serveCheckpoint(signCheckpoint({ origin, size: 5, rootHash: randomRoot }, signer));
    expect(await audit.verifyLog(org)).toMatchObject({ ok: false, code: 'forked' });
    proxy.behavior = () => ({ kind: 'forward' });
    await sleep(300);
    expect(await audit.verifyLog(org)).toMatchObject({ ok: true, checkpoint: { size: 5 } });
  });

  it('detects a server restored from an old backup, and one that then grew a different history', async () => {
    proxy.behavior = () => ({ kind: 'forward' });
    const org = uniqueId('org');
    const dirA = tempDir();
    let a = await startServer(dirA);
    const adminKey = a.adminKey;
    const writerA = new AuditLedge(adminKey, { baseUrl: a.url, drainOnExit: false });
    const early = await Promise.all([0, 1, 2].map((n) => writerA.log(eventFor(org, n))));
    await writerA.close();
    await a.stop();
    const dirB = tempDir();
    cpSync(dirA, dirB, { recursive: true }); // the backup
    a = await startServer(dirA, adminKey);
    const writerA2 = new AuditLedge(adminKey, { baseUrl: a.url, drainOnExit: false });
    const late = await Promise.all([3, 4, 5].map((n) => writerA2.log(eventFor(org, n))));
    await writerA2.close();

    // One client, one URL (the proxy), and a checkpoint memory that outlives the switch of servers.
    const memory = new Map<string, string>();
    const watcher = new AuditLedge(adminKey, {
      baseUrl: proxy.url,
      verifierKey: a.verifierKey,
      drainOnExit: false,
      checkpointStore: { get: (o) => memory.get(o), set: (o, note) => void memory.set(o, note) },
    });
    proxy.target = a.url;
    let b: TestServer | undefined;
    try {
      expect(await watcher.verifyEvent(late[2] as EventReceipt)).toMatchObject({ ok: true, checkpoint: { size: 6 } });
      await a.stop();
      b = await startServer(dirB, adminKey);
      proxy.target = b.url;
      expect(await watcher.verifyLog(org)).toMatchObject({ ok: false, code: 'rolled_back' });
      expect(await watcher.verifyEvent(early[0] as EventReceipt)).toMatchObject({ ok: false, code: 'rolled_back' });

      // The restored server accepts new, different events: its history now forks from the verified one.
      const writerB = new AuditLedge(adminKey, { baseUrl: b.url, drainOnExit: false });
      await Promise.all([6, 7, 8, 9].map((n) => writerB.log(eventFor(org, 100 + n))));
      await writerB.close();
      await sleep(300);
      expect(await watcher.verifyLog(org)).toMatchObject({ ok: false, code: 'forked' });
    } finally {
      proxy.target = server.url;
      await a.stop();
      await b?.stop();
      removeDir(dirA);
      removeDir(dirB);
    }
  });
});
