// Every bad input gets a clear 4xx problem+json naming the offending field, and leaves no row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, SEED_EVENT, type TestApp } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  request_id: string;
  errors?: { path: string; message: string }[];
}

async function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; json: () => unknown; body: string },
  status: number,
  path?: string,
): Promise<Problem> {
  expect(res.statusCode, res.body).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  const problem = res.json() as Problem;
  expect(problem).toMatchObject({ status, type: expect.stringMatching(/^urn:auditledge:problem:/) });
  expect(problem.request_id).toBe(res.headers['x-request-id']);
  expect(problem.detail.length).toBeGreaterThan(0);
  if (path !== undefined) expect(problem.errors?.map((e) => e.path)).toContain(path);
  return problem;
}

async function eventCount(): Promise<number> {
  const db = (t.app.auditledge.store as unknown as { rawDatabase: import('better-sqlite3').Database }).rawDatabase;
  // Customer logs only: the project's system log holds the meta event of the first admin key.
  const sql =
    "SELECT count(*) AS n FROM events e JOIN logs l ON l.id = e.log_id WHERE l.organization_id NOT LIKE 'auditledge:%'";
  return (db.prepare(sql).get() as { n: number }).n;
}

const postRaw = (payload: string, contentType = 'application/json') =>
  t.request({ method: 'POST', url: '/v1/events', key: t.adminKey, payload, headers: { 'content-type': contentType } });

describe('bad input on POST /v1/events', () => {
  it('malformed JSON → 400', async () => {
    await expectProblem(await postRaw('{"actor": '), 400);
  });
  it('empty body → 400', async () => {
    await expectProblem(await postRaw(''), 400);
  });
  it('wrong content type → 415', async () => {
    await expectProblem(await postRaw(JSON.stringify(SEED_EVENT), 'text/plain'), 415);
  });
  it('oversized body → 413', async () => {
    const big = { ...SEED_EVENT, metadata: { blob: 'x'.repeat(200_000) } };
    await expectProblem(await postRaw(JSON.stringify(big)), 413);
  });
  it('an event over 64 KiB serialized → 413', async () => {
    const big = { ...SEED_EVENT, metadata: { blob: 'x'.repeat(70_000) } };
    await expectProblem(await postRaw(JSON.stringify(big)), 413);
  });
  it('missing required field → 400 naming it', async () => {
    const { actor: _actor, ...noActor } = SEED_EVENT;
    await expectProblem(await postRaw(JSON.stringify(noActor)), 400, 'actor');
    const { organization_id: _org, ...noOrg } = SEED_EVENT;
    await expectProblem(await postRaw(JSON.stringify(noOrg)), 400, 'organization_id');
  });
  it('unknown field → 400 naming it, with a suggestion', async () => {
    const problem = await expectProblem(await postRaw(JSON.stringify({ ...SEED_EVENT, acter: {} })), 400, 'acter');
    expect(problem.errors?.find((e) => e.path === 'acter')?.message).toContain('actor');
  });
  it('timestamp without offset → 400', async () => {
    await expectProblem(
      await postRaw(JSON.stringify({ ...SEED_EVENT, timestamp: '2026-05-01T14:32:00' })),
      400,
      'timestamp',
    );
  });
  it('__proto__ key → 400 naming it', async () => {
    const payload = JSON.stringify(SEED_EVENT).replace('"ip"', '"__proto__":{"admin":true},"ip"');
    await expectProblem(await postRaw(payload), 400, 'metadata.__proto__');
  });
  it('action not in dot-notation → 400 with the expected form and a suggestion', async () => {
    const problem = await expectProblem(
      await postRaw(JSON.stringify({ ...SEED_EVENT, action: 'userDeleted' })),
      400,
      'action',
    );
    expect(problem.errors?.[0]?.message).toContain('user.deleted');
  });
  it('none of the bad inputs left a row behind', async () => {
    expect(await eventCount()).toBe(0);
  });
});

describe('bad input on other endpoints', () => {
  it('batch over 1000 events → 413', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/v1/events/batch',
      key: t.adminKey,
      payload: { events: Array.from({ length: 1001 }, () => SEED_EVENT) },
    });
    await expectProblem(res, 413, 'events');
  });
  it('batch with an unknown top-level field → 400', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/v1/events/batch',
      key: t.adminKey,
      payload: { events: [SEED_EVENT], extra: 1 },
    });
    await expectProblem(res, 400, 'extra');
  });
  it('unknown event id → 404', async () => {
    await expectProblem(await t.request({ method: 'GET', url: '/v1/events/evt_nope', key: t.adminKey }), 404);
  });
  it('unknown route → 404 problem', async () => {
    await expectProblem(await t.request({ method: 'GET', url: '/v1/nothing', key: t.adminKey }), 404);
  });
  it('listing without organization_id → 400', async () => {
    await expectProblem(await t.request({ method: 'GET', url: '/v1/events', key: t.adminKey }), 400, 'organization_id');
  });
  it('bad limit and bad query language → 400 naming the parameter', async () => {
    await expectProblem(
      await t.request({
        method: 'GET',
        url: '/v1/events',
        key: t.adminKey,
        query: { organization_id: 'o', limit: '5000' },
      }),
      400,
      'limit',
    );
    await expectProblem(
      await t.request({
        method: 'GET',
        url: '/v1/events',
        key: t.adminKey,
        query: { organization_id: 'o', q: 'colour:red' },
      }),
      400,
      'q',
    );
  });
  it('an unknown or repeated query parameter → 400 naming it', async () => {
    await expectProblem(
      await t.request({ method: 'GET', url: '/v1/events?organization_id=o&actor=alice', key: t.adminKey }),
      400,
      'actor',
    );
    await expectProblem(
      await t.request({ method: 'GET', url: '/v1/events?organization_id=o&action=a.b&action=c.d', key: t.adminKey }),
      400,
      'action',
    );
  });
  it('a tampered cursor → 400', async () => {
    const batch = { events: Array.from({ length: 3 }, () => ({ ...SEED_EVENT, organization_id: 'org_cursor' })) };
    await t.request({ method: 'POST', url: '/v1/events/batch', key: t.adminKey, payload: batch });
    const page = (
      await t.request({
        method: 'GET',
        url: '/v1/events',
        key: t.adminKey,
        query: { organization_id: 'org_cursor', limit: '1' },
      })
    ).json() as { next_cursor: string };
    expect(page.next_cursor).toBeTruthy();
    const [payload, mac] = page.next_cursor.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify([0, 999, 'x'])).toString('base64url');
    for (const cursor of [`${forged}.${mac}`, `${payload}.${mac.slice(1)}A`, 'garbage']) {
      await expectProblem(
        await t.request({
          method: 'GET',
          url: '/v1/events',
          key: t.adminKey,
          query: { organization_id: 'org_cursor', cursor },
        }),
        400,
        'cursor',
      );
    }
    // A genuine cursor used with other filters is refused too.
    await expectProblem(
      await t.request({
        method: 'GET',
        url: '/v1/events',
        key: t.adminKey,
        query: { organization_id: 'org_cursor', cursor: page.next_cursor, outcome: 'failure' },
      }),
      400,
      'cursor',
    );
  });
});
