import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import {
  actionMatches,
  type EventFilter,
  emptyFilter,
  eventMatchesFilter,
  type FilterableEvent,
  filterMatchesNothing,
  mergeFilters,
  searchableText,
} from './filter.js';
import { parseQuery } from './parse.js';

const EVENT: FilterableEvent = {
  actor: { id: 'user_abc123', name: 'Alice Johnson', email: 'alice@acme.com' },
  action: 'invoice.deleted',
  resource: { type: 'invoice', id: 'inv_789', name: 'Invoice #1042' },
  targets: [{ type: 'user', id: 'user_def' }],
  timestamp: '2026-05-01T14:32:00.000Z',
  metadata: { ip: '203.0.113.42', nested: { note: 'Quarterly Cleanup' } },
  outcome: 'success',
};

function q(query: string): EventFilter {
  const result = parseQuery(query);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.filter;
}

describe('actionMatches', () => {
  it('matches exact actions and prefixes at a segment boundary', () => {
    expect(actionMatches('invoice.deleted', 'invoice.deleted')).toBe(true);
    expect(actionMatches('invoice.*', 'invoice.deleted')).toBe(true);
    expect(actionMatches('invoice.*', 'invoice.line.added')).toBe(true);
    expect(actionMatches('invoice.*', 'invoices.deleted')).toBe(false);
    expect(actionMatches('invoice.*', 'invoice')).toBe(false);
  });
});

describe('eventMatchesFilter', () => {
  it.each([
    ['', true],
    ['actor:alice@acme.com', true],
    ['actor:user_abc123', true],
    ['actor:bob@acme.com', false],
    ['-actor:user_abc123', false],
    ['action:invoice.*', true],
    ['action:user.*', false],
    ['action:user.*,invoice.deleted', true],
    ['resource:invoice/inv_789', true],
    ['resource:user/user_def', true], // a target
    ['resource:user', true],
    ['resource:invoice/user_def', false], // type and id must be the same object
    ['-resource:user', false],
    ['resource_id:inv_789', true],
    ['outcome:success', true],
    ['-outcome:success', false],
    ['after:2026-05-01', true],
    ['after:2026-05-02', false],
    ['before:2026-05-01', false],
    ['before:2026-05-02', true],
    ['since:2026-05-01T14:32:00Z', true], // inclusive
    ['until:2026-05-01T14:32:00Z', false], // exclusive
    ['alice', true],
    ['"alice johnson"', true],
    ['INVOICE #1042', true],
    ['cleanup', true],
    ['203.0.113', true],
    ['alice bob', false],
  ])('%j → %s', (query, expected) => {
    expect(eventMatchesFilter(EVENT, q(query))).toBe(expected);
  });
});

describe('searchableText', () => {
  it('covers actor, action, objects and metadata strings, lowercased', () => {
    expect(searchableText(EVENT)).toBe(
      'user_abc123\nalice johnson\nalice@acme.com\ninvoice.deleted\ninvoice\ninv_789\ninvoice #1042\nuser\nuser_def\n203.0.113.42\nquarterly cleanup',
    );
  });
});

describe('mergeFilters', () => {
  it('is neutral with the empty filter', () => {
    const f = q('actor:a@b.c action:invoice.* after:2026-01-01 word');
    expect(mergeFilters(f, emptyFilter())).toEqual(f);
    expect(mergeFilters(emptyFilter(), f)).toEqual(f);
  });

  it('intersects includes and unions excludes and text', () => {
    const m = mergeFilters(q('actor:u1,u2 -action:x.y word'), q('actor:u2,u3 -action:z.w other'));
    expect(m.actorIds).toEqual({ include: ['u2'], exclude: [] });
    expect(m.actions.exclude).toEqual(['x.y', 'z.w']);
    expect(m.text).toEqual(['word', 'other']);
    expect(filterMatchesNothing(m)).toBe(false);
  });

  it('intersects action patterns', () => {
    expect(mergeFilters(q('action:invoice.*'), q('action:invoice.deleted')).actions.include).toEqual([
      'invoice.deleted',
    ]);
    expect(mergeFilters(q('action:invoice.*'), q('action:invoice.line.*')).actions.include).toEqual(['invoice.line.*']);
    expect(mergeFilters(q('action:invoice.*,user.*'), q('action:user.created,team.created')).actions.include).toEqual([
      'user.created',
    ]);
  });

  it('matches nothing when includes cannot both hold', () => {
    const m = mergeFilters(q('action:invoice.deleted'), q('action:user.created'));
    expect(filterMatchesNothing(m)).toBe(true);
    expect(eventMatchesFilter(EVENT, m)).toBe(false);
    expect(filterMatchesNothing(mergeFilters(q('outcome:success'), q('outcome:failure')))).toBe(true);
    expect(filterMatchesNothing(mergeFilters(q('action:invoice.*'), q('action:invoices.*')))).toBe(true);
  });

  it('narrows time bounds', () => {
    const m = mergeFilters(q('after:2026-01-01 before:2026-12-01'), q('after:2026-03-01 before:2026-06-01'));
    expect(m).toMatchObject({ since: Date.UTC(2026, 2, 1), until: Date.UTC(2026, 5, 1) });
  });

  it('merges resource terms when one implies the other, and refuses otherwise', () => {
    expect(mergeFilters(q('resource:invoice'), q('resource:invoice/inv_1')).resources.include).toEqual([
      { type: 'invoice', id: 'inv_1' },
    ]);
    expect(mergeFilters(q('resource:invoice/inv_1'), q('resource_id:inv_1')).resources.include).toEqual([
      { type: 'invoice', id: 'inv_1' },
    ]);
    expect(() => mergeFilters(q('resource:invoice'), q('resource:user'))).toThrow(ValidationError);
    expect(() => mergeFilters(q('resource_type:invoice'), q('resource_id:inv_1'))).toThrow(
      /cannot combine resource filters "invoice\/\*" and "\*\/inv_1"/,
    );
  });

  it('matches exactly the events both filters match (property)', () => {
    const ids = fc.constantFrom('u1', 'u2', 'u3');
    const actions = fc.constantFrom('invoice.created', 'invoice.deleted', 'invoice.line.added', 'user.created');
    const patterns = fc.constantFrom(
      'invoice.created',
      'invoice.deleted',
      'invoice.*',
      'invoice.line.*',
      'user.*',
      'user.created',
    );
    const clause = <T>(arb: fc.Arbitrary<T>) =>
      fc.record({ include: fc.array(arb, { maxLength: 2 }), exclude: fc.array(arb, { maxLength: 1 }) });
    const filter: fc.Arbitrary<EventFilter> = fc.record({
      actorIds: clause(ids),
      actorEmails: clause(fc.constantFrom('a@x.io', 'b@x.io')),
      actions: clause(patterns),
      resources: fc.record({
        include: fc.constant([]),
        exclude: fc.array(fc.constantFrom({ type: 'invoice' }, { id: 'i1' }), { maxLength: 1 }),
      }),
      outcomes: clause(fc.constantFrom('success' as const, 'failure' as const)),
      subjects: clause(fc.constantFrom('u1', 'i1', 'a@x.io')),
      since: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
      until: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
      text: fc.array(fc.constantFrom('alice', 'bob'), { maxLength: 1 }),
    });
    const event: fc.Arbitrary<FilterableEvent> = fc.record({
      actor: fc.record({ id: ids, email: fc.constantFrom('a@x.io', 'b@x.io'), name: fc.constantFrom('alice', 'bob') }),
      action: actions,
      resource: fc.constantFrom({ type: 'invoice', id: 'i1' }, { type: 'user', id: 'u9' }),
      timestamp: fc.integer({ min: 0, max: 10 }).map((ms) => new Date(ms).toISOString()),
      outcome: fc.constantFrom('success' as const, 'failure' as const),
    });
    fc.assert(
      fc.property(filter, filter, event, (a, b, e) => {
        for (const f of [a, b]) {
          if (f.since === undefined) delete f.since;
          if (f.until === undefined) delete f.until;
        }
        const merged = mergeFilters(a, b);
        expect(eventMatchesFilter(e, merged)).toBe(eventMatchesFilter(e, a) && eventMatchesFilter(e, b));
      }),
      { numRuns: 2000 },
    );
  });
});
