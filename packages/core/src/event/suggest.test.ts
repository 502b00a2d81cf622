import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean } from './suggest.js';

const FIELDS = [
  'actor',
  'action',
  'resource',
  'targets',
  'organization_id',
  'timestamp',
  'metadata',
  'changes',
  'outcome',
];

describe('closestMatch', () => {
  it.each([
    ['acter', 'actor'],
    ['actoin', 'action'],
    ['Actor', 'actor'],
    ['organizationId', 'organization_id'],
    ['organization-id', 'organization_id'],
    ['organisation_id', 'organization_id'],
    ['metdata', 'metadata'],
    ['target', 'targets'],
    ['timestmap', 'timestamp'],
    ['zebra', undefined],
    ['a', undefined],
    ['', undefined],
    ['x'.repeat(1000), undefined],
  ])('%j → %j', (input, expected) => {
    expect(closestMatch(input, FIELDS)).toBe(expected);
  });

  it('formats a hint', () => {
    expect(didYouMean('acter', FIELDS)).toBe('; did you mean "actor"?');
    expect(didYouMean('zebra', FIELDS)).toBe('');
  });
});
