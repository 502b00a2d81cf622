import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EventFilter, emptyFilter } from './filter.js';
import { parseQuery, QUERY_LIMITS } from './parse.js';

function parsed(q: string): EventFilter {
  const result = parseQuery(q);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.filter;
}

function failure(q: string): string[] {
  const result = parseQuery(q);
  if (result.ok) throw new Error(`expected issues for ${q}`);
  for (const issue of result.issues) expect(issue.path).toBe('q');
  return result.issues.map((i) => i.message);
}

describe('parseQuery', () => {
  it('parses the DESIGN example', () => {
    expect(
      parsed(
        'actor:alice@acme.com action:invoice.* resource:invoice/inv_789 after:2026-05-01 -outcome:success "free text" words',
      ),
    ).toEqual({
      ...emptyFilter(),
      actorEmails: { include: ['alice@acme.com'], exclude: [] },
      actions: { include: ['invoice.*'], exclude: [] },
      resources: { include: [{ type: 'invoice', id: 'inv_789' }], exclude: [] },
      outcomes: { include: [], exclude: ['success'] },
      since: Date.UTC(2026, 4, 1),
      text: ['free text', 'words'],
    });
  });

  it('is empty for an empty or blank query', () => {
    expect(parsed('')).toEqual(emptyFilter());
    expect(parsed('  \t\n ')).toEqual(emptyFilter());
    expect(parsed('""')).toEqual(emptyFilter());
  });

  it('routes actor: to email or id', () => {
    const f = parsed('actor:user_abc123 actor:bob@x.io -actor:svc_ci');
    expect(f.actorIds).toEqual({ include: ['user_abc123'], exclude: ['svc_ci'] });
    expect(f.actorEmails).toEqual({ include: ['bob@x.io'], exclude: [] });
  });

  it('supports quoted values with escapes', () => {
    expect(parsed('actor:"Alice Johnson"').actorIds.include).toEqual(['Alice Johnson']);
    expect(parsed('"say \\"hi\\" \\\\ there"').text).toEqual(['say "hi" \\ there']);
    // Quoted values are never split on commas.
    expect(parsed('resource_id:"a,b"').resources.include).toEqual([{ id: 'a,b' }]);
  });

  it('accepts actor_id, actor_email, resource_type, resource_id', () => {
    const f = parsed('actor_id:u1 actor_email:a@b.c resource_type:invoice -resource_id:inv_1');
    expect(f.actorIds.include).toEqual(['u1']);
    expect(f.actorEmails.include).toEqual(['a@b.c']);
    expect(f.resources).toEqual({ include: [{ type: 'invoice' }], exclude: [{ id: 'inv_1' }] });
  });

  it.each([
    ['invoice/inv_789', { type: 'invoice', id: 'inv_789' }],
    ['invoice/*', { type: 'invoice' }],
    ['invoice', { type: 'invoice' }],
    ['*/inv_789', { id: 'inv_789' }],
    ['file/path/to/x', { type: 'file', id: 'path/to/x' }],
  ])('resource:%s', (value, ref) => {
    expect(parsed(`resource:${value}`).resources.include).toEqual([ref]);
  });

  it.each(['*/*', '/x', 'invoice/', '*'])('rejects resource:%s', (value) => {
    expect(failure(`resource:${value}`)[0]).toMatch(/expected "type\/id"/);
  });

  it('ORs comma lists and repeated keys', () => {
    const f = parsed('action:invoice.created,invoice.deleted action:user.*');
    expect(f.actions.include).toEqual(['invoice.created', 'invoice.deleted', 'user.*']);
  });

  it('validates action patterns', () => {
    expect(parsed('action:invoice.* action:api_key.created action:a.b.*').actions.include).toEqual([
      'invoice.*',
      'api_key.created',
      'a.b.*',
    ]);
    expect(failure('action:*')[0]).toMatch(/only a trailing "\.\*" is supported/);
    expect(failure('action:inv*')[0]).toMatch(/only a trailing "\.\*" is supported/);
    expect(failure('action:*.deleted')[0]).toMatch(/not a valid prefix pattern|only a trailing/);
    expect(failure('action:.*')[0]).toMatch(/not a valid prefix pattern/);
    expect(failure('action:invoice')[0]).toMatch(/did you mean "invoice\.\*"\?/);
    expect(failure('action:userDeleted')[0]).toMatch(/did you mean "user\.deleted"\?/);
  });

  it('parses time bounds as dates or instants', () => {
    expect(parsed('after:2026-05-01 before:2026-06-01')).toMatchObject({
      since: Date.UTC(2026, 4, 1),
      until: Date.UTC(2026, 5, 1),
    });
    expect(parsed('since:2026-05-01T10:00:00+02:00 until:2026-05-01T12:00:00Z')).toMatchObject({
      since: Date.UTC(2026, 4, 1, 8),
      until: Date.UTC(2026, 4, 1, 12),
    });
    // Repeated bounds narrow.
    expect(parsed('after:2026-01-01 after:2026-03-01 before:2026-12-01 before:2026-06-01')).toMatchObject({
      since: Date.UTC(2026, 2, 1),
      until: Date.UTC(2026, 5, 1),
    });
    expect(failure('after:2026-05-01T10:00:00')[0]).toMatch(/no UTC offset/);
    expect(failure('after:yesterday')[0]).toMatch(/expected a date like 2026-05-01/);
    expect(failure('-after:2026-05-01')[0]).toMatch(/cannot be negated/);
  });

  it('validates outcomes', () => {
    expect(parsed('outcome:failure').outcomes.include).toEqual(['failure']);
    expect(failure('outcome:failed')[0]).toMatch(/did you mean "failure"\?/);
  });

  it('treats keys case-insensitively', () => {
    expect(parsed('Action:invoice.deleted').actions.include).toEqual(['invoice.deleted']);
  });

  it('reports unknown keys with a suggestion and the position of the term', () => {
    expect(failure('action:a.b acter:bob')).toEqual([
      'unknown filter "acter:"; did you mean "actor:"? (to search for text containing ":", put it in quotes) (in "acter:bob" at position 12)',
    ]);
    expect(failure('user:bob')[0]).toMatch(/did you mean "actor:"\?/);
    expect(failure('zzz:1')[0]).toMatch(/known filters: actor, actor_id/);
    // Quoting makes it text.
    expect(parsed('"http://x.y"').text).toEqual(['http://x.y']);
    // A colon after digits is text, not a key.
    expect(parsed('12:30').text).toEqual(['12:30']);
  });

  it('collects every bad term', () => {
    expect(failure('acter:x outcome:maybe action:inv* ok')).toHaveLength(3);
  });

  it('reports quoting mistakes', () => {
    expect(failure('actor:"Alice')[0]).toMatch(/unterminated quote \(in "actor:\\"Alice" at position 1\)/);
    expect(failure('"a"b')[0]).toMatch(/expected a space after the closing quote/);
    expect(failure('actor:')[0]).toMatch(/empty value for "actor:"/);
    expect(failure('action:a.b,,c.d')[0]).toMatch(/empty value/);
  });

  it('requires a key for negation', () => {
    expect(failure('-secret')[0]).toMatch(/negation needs a key/);
    expect(parsed('"-secret"').text).toEqual(['-secret']);
  });

  it('enforces its limits', () => {
    expect(failure('x'.repeat(QUERY_LIMITS.maxLength + 1))[0]).toMatch(/longer than 2048/);
    expect(
      failure(
        Array(QUERY_LIMITS.maxTerms + 1)
          .fill('w')
          .join(' '),
      )[0],
    ).toMatch(/at most 64/);
    expect(failure(`actor:${'a'.repeat(QUERY_LIMITS.maxValueLength + 1)}`)[0]).toMatch(/longer than 512/);
  });

  it('never throws', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('a', ':', '"', '\\', '-', ' ', ',', '*', '.', '/', 'actor:', 'after:', '2026-05-01'),
        }),
        (q) => {
          const result = parseQuery(q);
          if (!result.ok) expect(result.issues.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
