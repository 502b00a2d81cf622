// Acknowledged means durable: SIGKILL the server mid-load, restart it, and every event that was
// answered 2xx must be there exactly once, with contiguous sequences per organization.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { SEED_EVENT, tempDir } from './helpers.js';
import { startServerProcess, waitForExit } from './process.js';

const dataDir = tempDir('auditledge-crash-');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const ORGS = ['org_crash_1', 'org_crash_2', 'org_crash_3'];

describe('SIGKILL mid-load', () => {
  it('loses no acknowledged event and leaves no gap', async () => {
    const first = await startServerProcess(dataDir);
    const key = first.adminKey as string;
    expect(key).toMatch(/^alk_/);
    const acknowledged = new Map<string, { org: string; sequence: number }>();
    let stop = false;
    let n = 0;

    const worker = async (w: number) => {
      while (!stop) {
        const i = n++;
        const org = ORGS[i % ORGS.length] as string;
        const single = w % 2 === 0;
        const body = single
          ? { ...SEED_EVENT, organization_id: org, actor: { id: `user_${i}` } }
          : {
              events: Array.from({ length: 20 }, (_, j) => ({
                ...SEED_EVENT,
                organization_id: ORGS[j % 3],
                actor: { id: `user_${i}_${j}` },
              })),
            };
        try {
          const res = await fetch(`${first.url}/v1/events${single ? '' : '/batch'}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
          if (res.status === 201) {
            const r = (await res.json()) as { id: string; organization_id: string; sequence: number };
            acknowledged.set(r.id, { org: r.organization_id, sequence: r.sequence });
          } else if (res.status === 200) {
            const { results } = (await res.json()) as {
              results: { status: number; id: string; organization_id: string; sequence: number }[];
            };
            for (const r of results)
              if (r.status === 201) acknowledged.set(r.id, { org: r.organization_id, sequence: r.sequence });
          }
        } catch {
          // Connection reset by the kill: this request was never acknowledged.
        }
      }
    };
    const workers = Array.from({ length: 16 }, (_, w) => worker(w));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    first.child.kill('SIGKILL');
    await waitForExit(first.child);
    stop = true;
    await Promise.all(workers);
    expect(acknowledged.size).toBeGreaterThan(100);

    const second = await startServerProcess(dataDir);
    try {
      expect(second.adminKey).toBeUndefined(); // not a first start any more
      for (const org of ORGS) {
        const stored: { id: string; sequence: number }[] = [];
        let cursor: string | null = null;
        do {
          const url = new URL(`${second.url}/v1/events`);
          url.searchParams.set('organization_id', org);
          url.searchParams.set('limit', '1000');
          if (cursor) url.searchParams.set('cursor', cursor);
          const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
          expect(res.status).toBe(200);
          const page = (await res.json()) as { data: { id: string; sequence: number }[]; next_cursor: string | null };
          stored.push(...page.data);
          cursor = page.next_cursor;
        } while (cursor);
        const sequences = stored.map((e) => e.sequence).sort((a, b) => a - b);
        expect(sequences).toEqual(Array.from({ length: stored.length }, (_, i) => i));
        const byId = new Map(stored.map((e) => [e.id, e.sequence]));
        expect(byId.size).toBe(stored.length);
        for (const [id, ack] of acknowledged) {
          if (ack.org !== org) continue;
          expect(byId.get(id), `acknowledged ${id} missing`).toBe(ack.sequence);
        }
      }
    } finally {
      second.child.kill('SIGTERM');
      expect(await waitForExit(second.child)).toBe(0);
    }
  }, 60_000);
});
