import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidAction } from './action.js';
import { actionFamily, nearDuplicateActions, pastTenseVerb, singularNoun } from './action-family.js';

describe('actionFamily', () => {
  it.each([
    ['user.deleted', 'user.delete', 'users.deleted', 'users.delete', 'user.deletes', 'user.deleting'],
    ['user.logged_in', 'user.login', 'user.log_in', 'users.logged_in'],
    ['user.signed_up', 'user.signup', 'user.sign_up'],
    ['api_key.created', 'apikey.created', 'api_keys.create'],
    ['invoice.paid', 'invoice.pay', 'invoices.paid'],
    ['policy.copied', 'policies.copy', 'policy.copying'],
    ['job.stopped', 'job.stop', 'jobs.stopping'],
    ['address.changed', 'addresses.change'],
    ['order.shipped', 'order.ship', 'orders.shipping'],
    ['report.processed', 'reports.process', 'report.processing'],
    ['team.member_added', 'team.members_added', 'teams.member_add'],
    ['email.sent', 'emails.send'],
  ])('puts %s and its variants in one family', (...names) => {
    const keys = new Set(names.map(actionFamily));
    expect(keys.size, `${names.join(', ')} → ${[...keys].join(', ')}`).toBe(1);
  });

  it.each([
    ['user.created', 'user.deleted'],
    ['user.deleted', 'team.deleted'],
    ['user.logged_in', 'user.logged_out'],
    ['invoice.paid', 'invoice.sent'],
    ['status.changed', 'state.changed'],
    ['access.granted', 'access.revoked'],
    ['user.login_failed', 'user.logged_in'],
    ['billing.plan.changed', 'billing.plans'],
  ])('keeps %s and %s apart', (a, b) => {
    expect(actionFamily(a)).not.toBe(actionFamily(b));
  });

  it('never throws and keeps the number of segments, for any valid action', () => {
    const segment = fc.string({
      unit: fc.constantFrom('a', 'e', 's', 'd', 'i', 'n', 'g', 'y', '_', '0'),
      minLength: 1,
    });
    fc.assert(
      fc.property(fc.array(segment, { minLength: 2, maxLength: 4 }), (segments) => {
        const action = segments.join('.');
        fc.pre(isValidAction(action));
        const key = actionFamily(action);
        expect(key.split('.')).toHaveLength(segments.length);
        expect(actionFamily(action)).toBe(key);
      }),
    );
  });
});

describe('singularNoun and pastTenseVerb', () => {
  it.each([
    ['users', 'user'],
    ['policies', 'policy'],
    ['addresses', 'address'],
    ['boxes', 'box'],
    ['status', 'status'],
    ['access', 'access'],
    ['people', 'person'],
    ['ids', 'ids'],
  ])('singularNoun(%s) = %s', (plural, singular) => {
    expect(singularNoun(plural)).toBe(singular);
  });

  it.each([
    ['delete', 'deleted'],
    ['deleted', 'deleted'],
    ['deletes', 'deleted'],
    ['deleting', 'deleted'],
    ['copy', 'copied'],
    ['send', 'sent'],
    ['login', 'logged_in'],
    ['pushes', 'pushed'],
  ])('pastTenseVerb(%s) = %s', (verb, past) => {
    expect(pastTenseVerb(verb)).toBe(past);
  });
});

describe('nearDuplicateActions', () => {
  it('groups only families with more than one name', () => {
    expect(
      nearDuplicateActions([
        'users.deleted',
        'user.deleted',
        'invoice.created',
        'user.delete',
        'user.login',
        'user.logged_in',
        'user.deleted',
      ]),
    ).toEqual([
      ['user.delete', 'user.deleted', 'users.deleted'],
      ['user.logged_in', 'user.login'],
    ]);
  });
});
