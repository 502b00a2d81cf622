import { describe, expect, it } from 'vitest';
import { emptyFilter } from './filter.js';
import { filterFromParams } from './params.js';

describe('filterFromParams', () => {
  it('is the empty filter without parameters, and ignores empty and non-filter ones', () => {
    expect(filterFromParams({})).toEqual({ ok: true, filter: emptyFilter() });
    expect(filterFromParams({ actor_id: '', organization_id: 'org', limit: '5', cursor: 'abc' })).toEqual({
      ok: true,
      filter: emptyFilter(),
    });
  });

  it('maps every parameter', () => {
    const result = filterFromParams({
      actor_id: 'user_abc123',
      actor_email: 'alice@acme.com',
      action: 'invoice.*, user.created',
      resource_type: 'invoice',
      resource_id: 'inv_789',
      outcome: 'failure',
      since: '2026-05-01T00:00:00Z',
      until: '2026-06-01',
    });
    expect(result).toEqual({
      ok: true,
      filter: {
        ...emptyFilter(),
        actorIds: { include: ['user_abc123'], exclude: [] },
        actorEmails: { include: ['alice@acme.com'], exclude: [] },
        actions: { include: ['invoice.*', 'user.created'], exclude: [] },
        resources: { include: [{ type: 'invoice', id: 'inv_789' }], exclude: [] },
        outcomes: { include: ['failure'], exclude: [] },
        since: Date.UTC(2026, 4, 1),
        until: Date.UTC(2026, 5, 1),
      },
    });
  });

  it('paths every issue by its parameter', () => {
    const result = filterFromParams({
      actor_email: 'alice',
      action: 'inv*,invoice',
      outcome: 'ok',
      since: '2026-05-01T00:00:00',
      until: 'tomorrow',
      resource_type: 't'.repeat(129),
      q: 'acter:x',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path)).toEqual([
      'actor_email',
      'action',
      'action',
      'resource_type',
      'outcome',
      'since',
      'until',
      'q',
    ]);
    expect(result.issues[2]?.message).toMatch(/did you mean "invoice\.\*"\?/);
    expect(result.issues[5]?.message).toMatch(/no UTC offset/);
    expect(result.issues[7]?.message).toMatch(/did you mean "actor:"\?/);
  });

  it('rejects empty comma-list items', () => {
    const result = filterFromParams({ action: 'a.b,' });
    expect(result).toEqual({ ok: false, issues: [{ path: 'action', message: 'has an empty item in its comma list' }] });
  });

  it('ANDs q with the parameters', () => {
    const result = filterFromParams({ action: 'invoice.*', q: 'action:invoice.deleted actor:bob@x.io "late fee"' });
    expect(result).toMatchObject({
      ok: true,
      filter: {
        actions: { include: ['invoice.deleted'] },
        actorEmails: { include: ['bob@x.io'] },
        text: ['late fee'],
      },
    });
  });

  it('reports an unmergeable resource combination on q', () => {
    expect(filterFromParams({ resource_type: 'invoice', q: 'resource:user/u1' })).toEqual({
      ok: false,
      issues: [
        {
          path: 'q',
          message: 'cannot combine resource filters "invoice/*" and "user/u1"; put all resource terms in one place',
        },
      ],
    });
  });

  it('ignores inherited properties', () => {
    const params = Object.create({ actor_id: 'inherited' }) as Record<string, string>;
    expect(filterFromParams(params)).toEqual({ ok: true, filter: emptyFilter() });
  });
});
