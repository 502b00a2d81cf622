import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError, type ValidationIssue } from '../errors.js';
import { SEED_EVENT_JSON, seedEvent } from './fixtures.js';
import { EVENT_LIMITS } from './limits.js';
import { parseEvent, validateEvent } from './validate.js';

const NOW = Date.parse('2026-05-01T15:00:00Z');

// biome-ignore lint/suspicious/noExplicitAny: tests build deliberately malformed events.
type Loose = Record<string, any>;

function seed(mutate?: (event: Loose) => void): Loose {
  const event = seedEvent() as unknown as Loose;
  mutate?.(event);
  return event;
}

function issuesOf(input: unknown, options: { allowIdempotencyKey?: boolean } = {}): ValidationIssue[] {
  const result = validateEvent(input, { now: NOW, ...options });
  if (result.ok) throw new Error(`expected issues, got ${JSON.stringify(result.event)}`);
  return result.issues;
}

/** Asserts that the input fails with exactly one issue at `path`, whose message matches. */
function expectOnly(input: unknown, path: string, message: RegExp | string): ValidationIssue {
  const issues = issuesOf(input);
  expect(issues.map((i) => i.path)).toEqual([path]);
  const issue = issues[0] as ValidationIssue;
  if (typeof message === 'string') expect(issue.message).toBe(message);
  else expect(issue.message).toMatch(message);
  return issue;
}

function ok(input: unknown, options: { allowIdempotencyKey?: boolean } = {}) {
  const result = validateEvent(input, { now: NOW, ...options });
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.issues)}`);
  return result;
}

describe('the seed event', () => {
  it('validates verbatim and normalizes only the timestamp and outcome', () => {
    const result = ok(JSON.parse(SEED_EVENT_JSON));
    expect(result.idempotencyKey).toBeUndefined();
    expect(result.event).toEqual({
      actor: { id: 'user_abc123', name: 'Alice Johnson', email: 'alice@acme.com' },
      action: 'invoice.deleted',
      resource: { type: 'invoice', id: 'inv_789', name: 'Invoice #1042' },
      organization_id: 'org_acme',
      timestamp: '2026-05-01T14:32:00.000Z',
      metadata: { ip: '203.0.113.42', user_agent: 'Mozilla/5.0...' },
      outcome: 'success',
    });
    expect(Object.keys(result.event)).toEqual([
      'actor',
      'action',
      'resource',
      'organization_id',
      'timestamp',
      'metadata',
      'outcome',
    ]);
  });

  it('validates the seed article SDK call (no timestamp, no metadata)', () => {
    const result = ok({
      actor: { id: 'u1', name: 'Alice', email: 'alice@acme.com' },
      action: 'invoice.deleted',
      resource: { type: 'invoice', id: 'inv_1', name: '1042' },
      organization_id: 'org_acme',
    });
    expect(result.event.timestamp).toBeUndefined();
    expect('timestamp' in result.event).toBe(false);
  });

  it('accepts every optional field at once', () => {
    const result = ok(
      seed((e) => {
        e.actor.type = 'user';
        e.actor.metadata = { role: 'admin' };
        e.resource.metadata = { amount: 12.5 };
        e.targets = [{ type: 'user', id: 'user_2', name: 'Bob' }];
        e.changes = { status: { before: 'open', after: 'void' }, note: { after: null } };
        e.outcome = 'failure';
        e.idempotency_key = 'abc-123';
      }),
      { allowIdempotencyKey: true },
    );
    expect(result.idempotencyKey).toBe('abc-123');
    expect(result.event.outcome).toBe('failure');
    expect('idempotency_key' in result.event).toBe(false);
    expect(result.event.changes).toEqual({ status: { before: 'open', after: 'void' }, note: { after: null } });
  });

  it('treats null optional fields as absent', () => {
    const result = ok(
      seed((e) => {
        e.actor.name = null;
        e.resource = null;
        e.metadata = null;
        e.timestamp = null;
        e.outcome = null;
      }),
    );
    expect(result.event).toEqual({
      actor: { id: 'user_abc123', email: 'alice@acme.com' },
      action: 'invoice.deleted',
      organization_id: 'org_acme',
      outcome: 'success',
    });
  });
});

describe('top level', () => {
  it.each([null, 'x', 42, [], true])('rejects a non-object event %j', (input) => {
    expect(issuesOf(input)).toEqual([{ path: '', message: expect.stringMatching(/must be a JSON object/) }]);
  });

  it('rejects unknown fields and suggests the close one', () => {
    expectOnly(
      seed((e) => {
        e.acter = e.actor;
      }),
      'acter',
      '"acter" is not a field; did you mean "actor"?',
    );
    expectOnly(
      seed((e) => (e.organisation_id = 'x')),
      'organisation_id',
      /did you mean "organization_id"\?$/,
    );
    expectOnly(
      seed((e) => (e.organizationId = 'x')),
      'organizationId',
      /did you mean "organization_id"\?$/,
    );
    expectOnly(
      seed((e) => (e.user = {})),
      'user',
      /did you mean "actor"\?$/,
    );
    expectOnly(
      seed((e) => (e.ip = '1.2.3.4')),
      'ip',
      /"ip" is not a field; expected .*put custom data in "metadata"/,
    );
  });

  it('collects every issue, not just the first', () => {
    const issues = issuesOf({ acter: {}, action: 'userDeleted', organization_id: '', outcome: 'ok' });
    expect(issues.map((i) => i.path)).toEqual(['acter', 'actor', 'action', 'organization_id', 'outcome']);
  });

  it('reports a bracket-quoted path for keys that would be ambiguous when dotted', () => {
    expectOnly(
      seed((e) => (e['a.b'] = 1)),
      '["a.b"]',
      /is not a field/,
    );
    expectOnly(
      seed((e) => (e.metadata['user agent'] = '\ud800')),
      'metadata["user agent"]',
      /lone surrogate/,
    );
  });
});

describe('forbidden keys', () => {
  it.each(['__proto__', 'constructor', 'prototype'])('rejects %s at the top level and at any depth', (key) => {
    const top = JSON.parse(`{"${key}": {}, ${SEED_EVENT_JSON.slice(1)}`);
    expectOnly(top, key, `"${key}" is not allowed as a key`);
    const deep = seed((e) => {
      e.metadata = JSON.parse(`{"a": [{"${key}": 1}]}`);
    });
    expectOnly(deep, `metadata.a[0].${key}`, `"${key}" is not allowed as a key`);
    const inActor = JSON.parse(SEED_EVENT_JSON);
    inActor.actor = JSON.parse(`{"id": "u", "${key}": 1}`);
    expectOnly(inActor, `actor.${key}`, `"${key}" is not allowed as a key`);
    const inChanges = seed((e) => {
      e.changes = JSON.parse(`{"${key}": {"before": 1}}`);
    });
    expectOnly(inChanges, `changes.${key}`, `"${key}" is not allowed as a key`);
    const inChangeValue = seed((e) => {
      e.changes = JSON.parse(`{"x": {"after": {"${key}": 1}}}`);
    });
    expectOnly(inChangeValue, `changes.x.after.${key}`, `"${key}" is not allowed as a key`);
  });

  it('does not let a JSON "__proto__" key reach the normalized event', () => {
    const result = validateEvent(JSON.parse(`{"metadata": {"__proto__": {"polluted": true}}}`));
    expect(result.ok).toBe(false);
    expect(({} as Loose).polluted).toBeUndefined();
  });
});

describe('actor', () => {
  it('is required and must be an object', () => {
    expectOnly(
      seed((e) => delete e.actor),
      'actor',
      /^is required/,
    );
    expectOnly(
      seed((e) => (e.actor = 'user_abc123')),
      'actor',
      /^must be an object like \{"id"/,
    );
  });

  it('needs a non-empty string id within limits', () => {
    expectOnly(
      seed((e) => delete e.actor.id),
      'actor.id',
      'is required',
    );
    expectOnly(
      seed((e) => (e.actor.id = '')),
      'actor.id',
      'must not be empty',
    );
    expectOnly(
      seed((e) => (e.actor.id = 42)),
      'actor.id',
      'must be a string (got number)',
    );
    expectOnly(
      seed((e) => (e.actor.id = 'x'.repeat(257))),
      'actor.id',
      'must be at most 256 characters (got 257)',
    );
    expectOnly(
      seed((e) => (e.actor.id = 'a\tb')),
      'actor.id',
      'must not contain control characters',
    );
    ok(seed((e) => (e.actor.id = 'x'.repeat(256))));
  });

  it('rejects unknown actor fields with a suggestion', () => {
    expectOnly(
      seed((e) => (e.actor.emial = 'a@b.c')),
      'actor.emial',
      '"emial" is not a field of actor; did you mean "email"?',
    );
    expectOnly(
      seed((e) => (e.actor.user_id = 'u')),
      'actor.user_id',
      /did you mean "id"\?$/,
    );
  });

  it('checks type, name and email', () => {
    expectOnly(
      seed((e) => (e.actor.type = '')),
      'actor.type',
      'must not be empty',
    );
    expectOnly(
      seed((e) => (e.actor.type = 't'.repeat(129))),
      'actor.type',
      /at most 128/,
    );
    expectOnly(
      seed((e) => (e.actor.name = 'n'.repeat(513))),
      'actor.name',
      /at most 512/,
    );
    ok(seed((e) => (e.actor.name = 'n'.repeat(512))));
    ok(seed((e) => (e.actor.name = '')));
    expectOnly(
      seed((e) => (e.actor.email = 'alice.acme.com')),
      'actor.email',
      /contains no "@"/,
    );
    expectOnly(
      seed((e) => (e.actor.email = `${'a'.repeat(315)}@b.com`)),
      'actor.email',
      /at most 320/,
    );
    expectOnly(
      seed((e) => (e.actor.email = 'a@b\n.com')),
      'actor.email',
      /control characters/,
    );
  });

  it('checks actor.metadata like metadata', () => {
    expectOnly(
      seed((e) => (e.actor.metadata = [])),
      'actor.metadata',
      'must be a JSON object (got an array)',
    );
    expectOnly(
      seed((e) => (e.actor.metadata = { a: '\udc00' })),
      'actor.metadata.a',
      /lone surrogate/,
    );
  });
});

describe('action', () => {
  it('is required and must be a string', () => {
    expectOnly(
      seed((e) => delete e.action),
      'action',
      /^is required: lowercase dot-notation/,
    );
    expectOnly(
      seed((e) => (e.action = 5)),
      'action',
      /^must be a string in lowercase dot-notation/,
    );
  });

  it.each([
    ['userDeleted', 'user.deleted'],
    ['user_deleted', 'user.deleted'],
    ['User.Deleted', 'user.deleted'],
    ['delete_user', 'user.deleted'],
    ['user-deleted', 'user.deleted'],
  ])('rejects %s, stating the form and suggesting %s', (action, suggestion) => {
    const issue = expectOnly(
      seed((e) => (e.action = action)),
      'action',
      /lowercase dot-notation "resource\.verb"/,
    );
    expect(issue.message).toContain(`did you mean "${suggestion}"?`);
    expect(issue.message).toContain('e.g. "invoice.deleted"');
  });

  it('asks for two segments with an example built from a single word', () => {
    expectOnly(
      seed((e) => (e.action = 'invoice')),
      'action',
      'needs at least two dot-separated segments "resource.verb", e.g. "invoice.created"',
    );
  });

  it('limits the length to 128', () => {
    ok(seed((e) => (e.action = `a.${'b'.repeat(126)}`)));
    expectOnly(
      seed((e) => (e.action = `a.${'b'.repeat(127)}`)),
      'action',
      /^must be at most 128 characters/,
    );
  });

  it.each(['api_key.created', 'user.login_failed', 'a.b.c', 'v2.x'])('accepts %s', (action) => {
    ok(seed((e) => (e.action = action)));
  });
});

describe('resource and targets', () => {
  it('needs type and id when resource is present', () => {
    expectOnly(
      seed((e) => delete e.resource.type),
      'resource.type',
      'is required',
    );
    expectOnly(
      seed((e) => delete e.resource.id),
      'resource.id',
      'is required',
    );
    expectOnly(
      seed((e) => (e.resource = 'inv_789')),
      'resource',
      /^must be an object like/,
    );
    expectOnly(
      seed((e) => (e.resource.nmae = 'x')),
      'resource.nmae',
      /of resource; did you mean "name"\?$/,
    );
    expectOnly(
      seed((e) => (e.resource.metadata = { d: { e: [1, Number.NaN] } })),
      'resource.metadata.d.e[1]',
      'must be a finite number',
    );
  });

  it('checks each target with its index in the path', () => {
    const issues = issuesOf(
      seed((e) => {
        e.targets = [{ type: 'user', id: 'u1' }, { type: 'user' }, { type: 'team', id: 't', metadata: {} }, 'x'];
      }),
    );
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ['targets[1].id', 'is required'],
      ['targets[2].metadata', '"metadata" is not a field of target; expected type, id, name'],
      ['targets[3]', expect.stringMatching(/^must be an object like/)],
    ]);
  });

  it('allows at most 100 targets', () => {
    const target = { type: 'user', id: 'u' };
    ok(seed((e) => (e.targets = Array(100).fill(target))));
    expectOnly(
      seed((e) => (e.targets = Array(101).fill(target))),
      'targets',
      'has 101 entries; at most 100 are allowed',
    );
    expectOnly(
      seed((e) => (e.targets = { type: 'user' })),
      'targets',
      /^must be an array/,
    );
  });
});

describe('organization_id', () => {
  it('is required, 1..256 characters, without control characters', () => {
    expectOnly(
      seed((e) => delete e.organization_id),
      'organization_id',
      /^is required/,
    );
    expectOnly(
      seed((e) => (e.organization_id = '')),
      'organization_id',
      'must not be empty',
    );
    expectOnly(
      seed((e) => (e.organization_id = 'o'.repeat(257))),
      'organization_id',
      /at most 256/,
    );
    expectOnly(
      seed((e) => (e.organization_id = 'org\u0000')),
      'organization_id',
      /control characters/,
    );
    expectOnly(
      seed((e) => (e.organization_id = 'org\u0085')),
      'organization_id',
      /control characters/,
    );
    ok(seed((e) => (e.organization_id = 'o'.repeat(256))));
  });
});

describe('timestamp', () => {
  it.each([
    ['2026-05-01T14:32:00Z', '2026-05-01T14:32:00.000Z'],
    ['2026-05-01T16:32:00+02:00', '2026-05-01T14:32:00.000Z'],
    ['2026-05-01T09:02:00-05:30', '2026-05-01T14:32:00.000Z'],
    ['2026-05-01t14:32:00.1z', '2026-05-01T14:32:00.100Z'],
    ['2026-05-01T14:32:00.123456789Z', '2026-05-01T14:32:00.123Z'],
    ['2026-05-01T14:32:00.999999+00:00', '2026-05-01T14:32:00.999Z'],
    ['2024-02-29T00:00:00-00:00', '2024-02-29T00:00:00.000Z'],
    ['1970-01-01T00:00:00Z', '1970-01-01T00:00:00.000Z'],
  ])('normalizes %s to %s', (input, expected) => {
    expect(ok(seed((e) => (e.timestamp = input))).event.timestamp).toBe(expected);
  });

  it.each([
    ['2026-05-01T14:32:00', /no UTC offset.*ambiguous/],
    ['2026-05-01', /date without a time/],
    ['2026-02-30T00:00:00Z', /not a calendar date/],
    ['2025-02-29T00:00:00Z', /not a calendar date/],
    ['2026-05-01T24:00:00Z', /hour 24/],
    ['2026-05-01T14:60:00Z', /minute 60/],
    ['2026-05-01T14:32:60Z', /leap seconds/],
    ['2026-13-01T00:00:00Z', /month 13/],
    ['2026-05-01T14:32Z', /hours, minutes and seconds/],
    ['2026-05-01T14:32:00.Z', /without fraction digits/],
    ['2026-05-01T14:32:00+2:00', /malformed UTC offset/],
    ['2026-05-01T14:32:00+24:00', /impossible UTC offset/],
    ['2026-05-01T14:32:00Zjunk', /unexpected text/],
    ['1969-12-31T23:59:59Z', /between 1970 and 9999/],
    ['1970-01-01T00:30:00+01:00', /between 1970 and 9999/],
    ['0099-01-01T00:00:00Z', /between 1970 and 9999/],
    ['May 1, 2026', /RFC 3339/],
    ['2026-05-02T15:00:01Z', /more than 24 hours in the future/],
  ])('rejects %s', (input, message) => {
    expectOnly(
      seed((e) => (e.timestamp = input)),
      'timestamp',
      message,
    );
  });

  it('accepts up to 24 h ahead of now', () => {
    ok(seed((e) => (e.timestamp = '2026-05-02T15:00:00Z')));
  });

  it('must be a string', () => {
    expectOnly(
      seed((e) => (e.timestamp = 1777645920000)),
      'timestamp',
      /^must be an RFC 3339 string/,
    );
  });
});

describe('metadata', () => {
  function nested(depth: number): unknown {
    let value: unknown = 'leaf';
    for (let i = 0; i < depth; i++) value = { k: value };
    return value;
  }

  it('must be an object', () => {
    expectOnly(
      seed((e) => (e.metadata = 'x')),
      'metadata',
      'must be a JSON object (got a string)',
    );
    expectOnly(
      seed((e) => (e.metadata = [1])),
      'metadata',
      'must be a JSON object (got an array)',
    );
  });

  it('allows nesting depth 8 (metadata itself is level 1) and rejects 9', () => {
    ok(seed((e) => (e.metadata = nested(8))));
    expectOnly(
      seed((e) => (e.metadata = nested(9))),
      'metadata.k.k.k.k.k.k.k.k',
      /deeper than 8 levels/,
    );
    // Arrays count as levels too.
    expectOnly(
      seed((e) => (e.metadata = { a: [[[[[[[[1]]]]]]]] })),
      'metadata.a[0][0][0][0][0][0][0]',
      /deeper than 8/,
    );
  });

  it('rejects lone surrogates in values and keys', () => {
    expectOnly(
      seed((e) => (e.metadata.ip = '\ud83d')),
      'metadata.ip',
      /lone surrogate/,
    );
    expectOnly(
      seed((e) => (e.metadata = { 'k\udc00': 1 })),
      'metadata["k\\udc00"]',
      /key must be valid Unicode/,
    );
    ok(seed((e) => (e.metadata.emoji = '😀 ok')));
  });

  it('keeps the caller metadata object instead of copying it', () => {
    const input = seed();
    expect(ok(input).event.metadata).toBe(input.metadata);
  });
});

describe('changes', () => {
  it('accepts before/after with any JSON, null included', () => {
    const result = ok(
      seed(
        (e) => (e.changes = { plan: { before: 'free', after: { tier: 'pro', seats: [1, 2] } }, x: { before: null } }),
      ),
    );
    expect(result.event.changes?.x).toEqual({ before: null });
  });

  it('rejects other keys in an entry with a suggestion', () => {
    expectOnly(
      seed((e) => (e.changes = { status: { befor: 1 } })),
      'changes.status.befor',
      '"befor" is not a field of a change; did you mean "before"?',
    );
    expectOnly(
      seed((e) => (e.changes = { status: { old: 1 } })),
      'changes.status.old',
      /did you mean "before"\?$/,
    );
    expectOnly(
      seed((e) => (e.changes = { status: 'void' })),
      'changes.status',
      /^must be an object with "before" and\/or "after"/,
    );
    expectOnly(
      seed((e) => (e.changes = [])),
      'changes',
      /^must be an object of field/,
    );
  });

  it('allows at most 200 fields', () => {
    const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, { after: i }]));
    ok(seed((e) => (e.changes = many(200))));
    expectOnly(
      seed((e) => (e.changes = many(201))),
      'changes',
      'has 201 fields; at most 200 are allowed',
    );
  });

  it('limits depth of change values and field name length', () => {
    expectOnly(
      seed((e) => (e.changes = { a: { after: [[[[[[[[[1]]]]]]]]] } })),
      'changes.a.after[0][0][0][0][0][0][0][0]',
      /deeper than 8/,
    );
    expectOnly(
      seed((e) => (e.changes = { '': { after: 1 } })),
      'changes[""]',
      /1 to 256 characters/,
    );
  });
});

describe('outcome', () => {
  it('defaults to success and accepts failure', () => {
    expect(ok(seed()).event.outcome).toBe('success');
    expect(ok(seed((e) => (e.outcome = 'failure'))).event.outcome).toBe('failure');
  });

  it.each([
    ['failed', 'failure'],
    ['Success', 'success'],
    ['sucess', 'success'],
  ])('rejects %s and suggests %s', (value, suggestion) => {
    expectOnly(
      seed((e) => (e.outcome = value)),
      'outcome',
      `must be "success" or "failure"; did you mean "${suggestion}"?`,
    );
  });

  it('rejects non-strings', () => {
    expectOnly(
      seed((e) => (e.outcome = true)),
      'outcome',
      'must be "success" or "failure"',
    );
  });
});

describe('idempotency_key', () => {
  it('is refused in a single event body', () => {
    expectOnly(
      seed((e) => (e.idempotency_key = 'k1')),
      'idempotency_key',
      /Idempotency-Key header/,
    );
  });

  it('suggests the field name on batch items', () => {
    const issues = issuesOf(
      seed((e) => (e.idempotencyKey = 'k1')),
      { allowIdempotencyKey: true },
    );
    expect(issues).toEqual([
      { path: 'idempotencyKey', message: '"idempotencyKey" is not a field; did you mean "idempotency_key"?' },
    ]);
  });

  it('is returned separately for batch items', () => {
    const result = ok(
      seed((e) => (e.idempotency_key = 'k1')),
      { allowIdempotencyKey: true },
    );
    expect(result.idempotencyKey).toBe('k1');
  });

  it.each(['', 'k'.repeat(256), 'tab\there', 'é', 5])('rejects %j', (key) => {
    const issues = issuesOf(
      seed((e) => (e.idempotency_key = key)),
      { allowIdempotencyKey: true },
    );
    expect(issues).toEqual([{ path: 'idempotency_key', message: 'must be 1 to 255 printable ASCII characters' }]);
  });

  it('accepts 255 printable characters', () => {
    ok(
      seed((e) => (e.idempotency_key = '~'.repeat(255))),
      { allowIdempotencyKey: true },
    );
  });
});

describe('size', () => {
  it('accepts 64 KiB and rejects one byte more, counting UTF-8 bytes', () => {
    const base = JSON.stringify(seed((e) => (e.metadata.pad = ''))).length;
    const fits = seed((e) => (e.metadata.pad = 'x'.repeat(EVENT_LIMITS.maxEventBytes - base)));
    expect(new TextEncoder().encode(JSON.stringify(fits)).length).toBe(65536);
    ok(fits);
    const over = seed((e) => (e.metadata.pad = 'x'.repeat(EVENT_LIMITS.maxEventBytes - base + 1)));
    const issue = expectOnly(over, '', 'is 65537 bytes of JSON; an event may be at most 65536 bytes (64 KiB)');
    expect(issue.code).toBe('too_large');
    // 3-byte characters: fewer UTF-16 units than the limit, more bytes.
    const wide = seed((e) => (e.metadata.pad = '€'.repeat(22000)));
    expect(issuesOf(wide)).toEqual([{ path: '', message: expect.stringMatching(/^is \d+ bytes/), code: 'too_large' }]);
  });

  it('reports size together with other issues', () => {
    const issues = issuesOf(
      seed((e) => {
        e.metadata.pad = 'x'.repeat(70000);
        e.action = 'bad';
      }),
    );
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ['', 'too_large'],
      ['action', undefined],
    ]);
  });
});

describe('robustness', () => {
  it('caps the number of issues', () => {
    const metadata = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, Number.NaN]));
    expect(issuesOf(seed((e) => (e.metadata = metadata)))).toHaveLength(EVENT_LIMITS.maxIssues);
  });

  it('never throws on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = validateEvent(value);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on arbitrary JavaScript values', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBigInt: true,
          withMap: true,
          withSet: true,
          withDate: true,
          withNullPrototype: true,
          withSparseArray: true,
          withTypedArray: true,
          withBoxedValues: true,
        }),
        (value) => {
          validateEvent(value);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never throws on event-shaped random input', () => {
    const field = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string(), fc.constant(undefined));
    const shaped = fc.record(
      {
        actor: fc.oneof(
          fc.record({ id: field, name: field, email: field, metadata: field }, { requiredKeys: [] }),
          field,
        ),
        action: fc.oneof(fc.string(), field),
        resource: field,
        targets: fc.oneof(fc.array(fc.record({ type: field, id: field }, { requiredKeys: [] })), field),
        organization_id: field,
        timestamp: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          fc.string(),
          field,
        ),
        metadata: field,
        changes: fc.oneof(
          fc.dictionary(fc.string(), fc.record({ before: field, after: field }, { requiredKeys: [] })),
          field,
        ),
        outcome: field,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(shaped, fc.boolean(), (value, allow) => {
        const result = validateEvent(value, { allowIdempotencyKey: allow });
        if (!result.ok) for (const issue of result.issues) expect(typeof issue.path).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  it('handles cycles and throwing getters without throwing', () => {
    const cyclic = seed();
    cyclic.metadata.self = cyclic.metadata;
    expect(validateEvent(cyclic, { now: NOW }).ok).toBe(false);
    const hostile = seed();
    Object.defineProperty(hostile, 'metadata', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(validateEvent(hostile).ok).toBe(false);
  });
});

describe('parseEvent', () => {
  it('returns the normalized event', () => {
    expect(parseEvent(seed(), { now: NOW }).event.timestamp).toBe('2026-05-01T14:32:00.000Z');
  });

  it('throws a ValidationError carrying every issue', () => {
    try {
      parseEvent({ action: 'x' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const { issues, message } = error as ValidationError;
      expect(issues.map((i) => i.path)).toEqual(['actor', 'action', 'organization_id']);
      expect(message).toBe(
        'actor: is required: the user or service that acted, like {"id": "user_abc123", "name": "Alice Johnson", "email": "alice@acme.com"} (and 2 more issues)',
      );
    }
  });
});
