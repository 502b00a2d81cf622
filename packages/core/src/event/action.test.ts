import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actionProblem, isValidAction, suggestAction } from './action.js';

describe('isValidAction', () => {
  it.each(['invoice.deleted', 'api_key.created', 'user.login_failed', 'a.b', 'a.b.c.d', 'v2.item_3.x'])(
    'accepts %s',
    (a) => {
      expect(isValidAction(a)).toBe(true);
      expect(actionProblem(a)).toBeUndefined();
    },
  );

  it.each([
    '',
    'invoice',
    'invoice.',
    '.invoice',
    'a..b',
    'Invoice.deleted',
    'invoice.deleted ',
    'invoice-x.y',
    'inv.*',
    'é.x',
  ])('rejects %j', (a) => {
    expect(isValidAction(a)).toBe(false);
    expect(actionProblem(a)).toBeTypeOf('string');
  });

  it('matches the documented regex on arbitrary strings', () => {
    const rule = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;
    const alphabet = fc.constantFrom('a', 'z', '0', '_', '.', 'A', '-', ' ', 'é');
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 12 }), (a) => {
        expect(isValidAction(a)).toBe(rule.test(a));
      }),
    );
  });
});

describe('suggestAction', () => {
  it.each([
    ['userDeleted', 'user.deleted'],
    ['user_deleted', 'user.deleted'],
    ['User.Deleted', 'user.deleted'],
    ['delete_user', 'user.deleted'],
    ['user-deleted', 'user.deleted'],
    ['deleteUser', 'user.deleted'],
    ['user deleted', 'user.deleted'],
    ['user.delete', undefined], // already valid
    ['USER_LOGIN', 'user.login'],
    ['createApiKey', 'api_key.created'],
    ['api_key_created', 'api_key.created'],
    ['apiKey.Created', 'api_key.created'],
    ['invite_member', 'member.invited'],
    ['add-team-member', 'team_member.added'],
    ['remove_user', 'user.removed'],
    ['update_invoice', 'invoice.updated'],
    ['login_user', 'user.logged_in'],
    ['log_in_user', 'user.logged_in'],
    ['userLoggedIn', 'user.logged_in'],
    ['HTTPRequest.Sent', 'http_request.sent'],
    ['invoice..deleted', 'invoice.deleted'],
    ['invoice', undefined],
    ['', undefined],
    ['élan.créé', undefined],
    ['!!!', undefined],
  ])('%j → %j', (input, expected) => {
    expect(suggestAction(input)).toBe(expected);
  });

  it('only ever suggests valid actions', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (input) => {
        const suggestion = suggestAction(input);
        if (suggestion !== undefined) expect(isValidAction(suggestion)).toBe(true);
      }),
    );
  });
});

describe('actionProblem', () => {
  it('states the form and a suggestion', () => {
    expect(actionProblem('userDeleted')).toBe(
      'must be lowercase dot-notation "resource.verb" (two or more [a-z0-9_] segments joined by dots, e.g. "invoice.deleted"); did you mean "user.deleted"?',
    );
  });

  it('asks for a second segment, with an example built from the word', () => {
    expect(actionProblem('invoice')).toBe(
      'needs at least two dot-separated segments "resource.verb", e.g. "invoice.created"',
    );
    expect(actionProblem('Invoice')).toBe(
      'needs at least two dot-separated segments "resource.verb", e.g. "invoice.created"',
    );
    expect(actionProblem('login')).toBe(
      'needs at least two dot-separated segments "resource.verb", e.g. "user.logged_in"',
    );
  });

  it('explains the form when no suggestion is possible', () => {
    expect(actionProblem('!!!')).toMatch(/^must be lowercase dot-notation "resource\.verb"/);
    expect(actionProblem('')).toMatch(/^must not be empty; expected lowercase dot-notation/);
  });
});
