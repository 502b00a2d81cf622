// Exports: CSV that is safe to open in a spreadsheet, JSON Lines, and subject-access exports.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, SEED_EVENT, type TestApp } from './helpers.js';

const ORG = 'org_exports';
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  const hostile = {
    ...SEED_EVENT,
    organization_id: ORG,
    actor: { id: 'user_mallory', name: '=HYPERLINK("http://evil.test","click")', email: 'mallory@evil.test' },
    resource: { type: 'invoice', id: '+1-555', name: '@SUM(A1:A9)' },
    metadata: { ip: '-2+3', user_agent: '\tcmd', note: '\rlater' },
  };
  const aboutAlice = {
    ...SEED_EVENT,
    organization_id: ORG,
    actor: { id: 'admin_bob', name: 'Bob' },
    action: 'user.deleted',
    resource: { type: 'user', id: 'user_abc123', name: 'Alice Johnson' },
  };
  const unrelated = {
    ...SEED_EVENT,
    organization_id: ORG,
    actor: { id: 'user_carol' },
    resource: { type: 'invoice', id: 'inv_1' },
  };
  const res = await t.request({
    method: 'POST',
    url: '/v1/events/batch',
    key: t.adminKey,
    payload: { events: [{ ...SEED_EVENT, organization_id: ORG }, hostile, aboutAlice, unrelated] },
  });
  expect((res.json() as { results: { status: number }[] }).results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
});
afterAll(async () => {
  await t.close();
});

/** Parses CSV with Python's csv module: an independent, standard parser. */
function parseCsv(text: string): string[][] {
  const result = spawnSync(
    'python3',
    ['-c', 'import csv,json,sys; print(json.dumps(list(csv.reader(sys.stdin, strict=True))))'],
    {
      input: text,
      encoding: 'utf8',
    },
  );
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

const exportOf = async (query: string) => {
  const res = await t.request({
    method: 'GET',
    url: `/v1/exports/events?organization_id=${ORG}&${query}`,
    key: t.adminKey,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res;
};

describe('CSV export', () => {
  it('is a file download any CSV parser reads, one row per event plus a header', async () => {
    const res = await exportOf('format=csv&action=invoice.*');
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="auditledge-org_exports-.*\.csv"$/);
    const rows = parseCsv(res.body);
    expect(rows[0]?.slice(0, 4)).toEqual(['id', 'sequence', 'timestamp', 'received_at']);
    expect(rows).toHaveLength(1 + 3);
  });

  it('neutralises every cell a spreadsheet would run as a formula', async () => {
    const rows = parseCsv((await exportOf('format=csv&actor_id=user_mallory')).body);
    const header = rows[0] as string[];
    const row = rows[1] as string[];
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell('actor_name')).toBe('\'=HYPERLINK("http://evil.test","click")');
    expect(cell('resource_id')).toBe("'+1-555");
    expect(cell('resource_name')).toBe("'@SUM(A1:A9)");
    expect(cell('ip')).toBe("'-2+3");
    expect(cell('user_agent')).toBe("'\tcmd");
    for (const value of row) expect(value).not.toMatch(/^[=+\-@\t\r]/);
    // Nothing is lost: the JSON column keeps the exact values.
    expect(JSON.parse(cell('metadata') as string)).toEqual({ ip: '-2+3', user_agent: '\tcmd', note: '\rlater' });
  });
});

describe('subject-access export', () => {
  it('returns every event in which a person is the actor or the resource, and nothing else', async () => {
    const res = await exportOf('format=jsonl&subject=user_abc123');
    const events = res.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { actor: { id: string }; action: string });
    expect(events.map((e) => `${e.actor.id} ${e.action}`).sort()).toEqual([
      'admin_bob user.deleted',
      'user_abc123 invoice.deleted',
    ]);
  });

  it('finds the person by email too, and in the query language', async () => {
    const res = await exportOf('format=jsonl&subject=Alice@Acme.com');
    expect(res.body.trim().split('\n')).toHaveLength(1);
    const listed = await t.request({
      method: 'GET',
      url: '/v1/events',
      key: t.adminKey,
      query: { organization_id: ORG, q: 'subject:user_abc123' },
    });
    expect((listed.json() as { data: unknown[] }).data).toHaveLength(2);
  });
});
