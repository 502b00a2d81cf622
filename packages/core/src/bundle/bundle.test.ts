import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { base64Encode } from '../json/base64.js';
import { leafHash } from '../merkle/index.js';
import { generateSignerKey, signCheckpoint, verifierKeyFor } from '../note/index.js';
import { TestLog } from './fixtures.js';
import {
  BUNDLE_FORMAT,
  type BundleFailureCode,
  type BundleVerdict,
  BundleVerifier,
  bundleEventLine,
  bundleHeader,
  bundleTrailer,
  encodeBundleLine,
  type VerifiedBundleEvent,
  verifiedEventView,
  verifyBundle,
} from './index.js';

const SIZE = 40;
const log = new TestLog().append(SIZE);
const KEY = log.verifierKey;

/** The line index (0-based, in bundleLines) of a sequence in a complete bundle. */
const at = (sequence: number) => sequence + 1;

function join(lines: readonly string[]): string {
  return `${lines.join('\n')}\n`;
}

function edit(lines: readonly string[], index: number, change: (object: Record<string, unknown>) => void): string[] {
  const copy = [...lines];
  const object = JSON.parse(copy[index] as string) as Record<string, unknown>;
  change(object);
  copy[index] = JSON.stringify(object);
  return copy;
}

function failure(verdict: BundleVerdict) {
  if (verdict.ok) throw new Error('expected the bundle to fail verification');
  return verdict.error;
}

function expectFailure(
  verdict: BundleVerdict,
  code: BundleFailureCode,
  where: { line?: number; sequence?: number; eventId?: string } = {},
) {
  const error = failure(verdict);
  expect(error.code).toBe(code);
  if (where.line !== undefined) expect(error.line).toBe(where.line);
  if (where.sequence !== undefined) expect(error.sequence).toBe(where.sequence);
  if (where.eventId !== undefined) expect(error.eventId).toBe(where.eventId);
  expect(error.message).not.toMatch(/\n/);
  return error;
}

const idOf = (sequence: number) => (log.entries[sequence] as { id: string }).id;

describe('bundle lines', () => {
  it('writes one JSON object per line in the decided shape', () => {
    const proof = log.inclusionProof(3);
    const header = bundleHeader({
      origin: log.origin,
      organizationId: log.organizationId,
      checkpoint: log.checkpoint(),
      complete: false,
      filter: 'actor.id = "user_abc123"',
      consistency: { fromCheckpoint: log.checkpoint(10), proof: log.consistencyProof(10) },
    });
    expect(Object.keys(header)).toEqual([
      'format',
      'origin',
      'organization_id',
      'checkpoint',
      'complete',
      'filter',
      'consistency',
    ]);
    expect(header.format).toBe(BUNDLE_FORMAT);
    expect(header.consistency?.proof).toEqual(log.consistencyProof(10).map(base64Encode));
    const text = encodeBundleLine(header);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(text)).toEqual(header);

    const entry = log.entries[3] as (typeof log.entries)[number];
    expect(bundleEventLine({ sequence: 3, leaf: entry.leaf, disclosures: entry.disclosures, proof })).toEqual({
      sequence: 3,
      leaf: entry.leaf,
      disclosures: entry.disclosures,
      proof: proof.map(base64Encode),
    });
    expect(bundleEventLine({ sequence: 3, leaf: null, leafHash: entry.leafHash, proof })).toEqual({
      sequence: 3,
      leaf: null,
      leaf_hash: base64Encode(entry.leafHash),
      proof: proof.map(base64Encode),
    });
    expect(bundleEventLine({ sequence: 3, leaf: entry.leaf, proof: ['x'] })).toEqual({
      sequence: 3,
      leaf: entry.leaf,
      disclosures: {},
      proof: ['x'],
    });
    expect(encodeBundleLine(bundleTrailer(7))).toBe('{"end":true,"count":7}\n');
  });
});

describe('verifyBundle: untouched bundles verify', () => {
  it('accepts a complete bundle and reports what it verified', () => {
    const verdict = verifyBundle(log.bundle(), KEY);
    expect(verdict).toEqual({
      ok: true,
      events: SIZE,
      prunedEvents: 0,
      treeSize: SIZE,
      origin: log.origin,
      organizationId: log.organizationId,
      rootHash: base64Encode(log.root()),
      checkpoint: JSON.parse(log.bundleLines()[0] as string).checkpoint,
      complete: true,
      filter: null,
      consistentWith: null,
    });
  });

  it('accepts a filtered bundle against a larger checkpoint', () => {
    const text = log.bundle({ include: (s) => s % 7 === 3, filter: 'action = "invoice.created"' });
    const verdict = verifyBundle(text, KEY);
    expect(verdict).toMatchObject({ ok: true, events: 6, treeSize: SIZE, complete: false });
  });

  it('accepts a bundle against an older checkpoint, and an empty log', () => {
    expect(verifyBundle(log.bundle({ size: 17 }), KEY)).toMatchObject({ ok: true, events: 17, treeSize: 17 });
    expect(verifyBundle(log.bundle({ size: 1 }), KEY)).toMatchObject({ ok: true, events: 1, treeSize: 1 });
    expect(verifyBundle(log.bundle({ size: 0 }), KEY)).toMatchObject({ ok: true, events: 0, treeSize: 0 });
  });

  it('gives the same verdict line by line, in odd chunks, and with CRLF line ends', () => {
    const text = log.bundle();
    const expected = verifyBundle(text, KEY);
    const seen: VerifiedBundleEvent[] = [];
    const byLine = new BundleVerifier(KEY, { onEvent: (event) => seen.push(event) });
    expect(byLine.progress).toEqual({ lines: 0, events: 0, treeSize: null, complete: null });
    const lines = log.bundleLines();
    for (const [i, line] of lines.entries()) {
      expect(byLine.pushLine(line)).toBe(true);
      if (i === 10) expect(byLine.progress).toEqual({ lines: 11, events: 10, treeSize: SIZE, complete: true });
    }
    expect(byLine.eventsVerified).toBe(SIZE);
    expect(byLine.finish()).toEqual(expected);
    expect(seen.map((e) => e.sequence)).toEqual([...Array(SIZE).keys()]);
    expect(seen[5]).toMatchObject({ line: 7, sequence: 5, eventId: idOf(5) });

    const chunked = new BundleVerifier(KEY);
    for (let i = 0; i < text.length; i += 7) chunked.pushText(text.slice(i, i + 7));
    expect(chunked.finish()).toEqual(expected);

    expect(verifyBundle(text.replaceAll('\n', '\r\n'), KEY)).toEqual(expected);
    expect(verifyBundle(text.slice(0, -1), KEY)).toEqual(expected);
    expect(verifyBundle(`\ufeff${text}`, KEY)).toEqual(expected);
  });

  it('accepts erased disclosures: the commitment stays, the value is gone', () => {
    const text = log.bundle({ erase: (s) => (s % 2 === 0 ? ['actor.email', 'actor.name'] : []) });
    const first = JSON.parse(text.split('\n')[at(0)] as string) as { disclosures: Record<string, unknown> };
    expect(Object.keys(first.disclosures).sort()).toEqual(['metadata.ip', 'metadata.user_agent']);
    expect(verifyBundle(text, KEY)).toMatchObject({ ok: true, events: SIZE });
    const view = verifiedEventView(log.bundleLines({ erase: () => ['actor.email'] })[at(4)] as string);
    expect(view.erased).toEqual(['actor.email']);
    expect(view.event?.actor.name).toBe('Alice Johnson');
    expect(view.event?.actor.email).toEqual({ sha256: expect.any(String) });
  });

  it('accepts retention-pruned events that only prove their position', () => {
    const text = log.bundle({ prune: (s) => s < 12 });
    const verdict = verifyBundle(text, KEY);
    expect(verdict).toMatchObject({ ok: true, events: SIZE, prunedEvents: 12, complete: true });
    const line = log.bundleLines({ prune: () => true })[at(3)] as string;
    expect(JSON.parse(line)).toEqual({
      sequence: 3,
      leaf: null,
      leaf_hash: base64Encode(log.entries[3]?.leafHash as Uint8Array),
      proof: expect.any(Array),
    });
    expect(verifiedEventView(line)).toEqual({
      sequence: 3,
      eventId: null,
      pruned: true,
      event: null,
      erased: [],
      leafHash: base64Encode(log.entries[3]?.leafHash as Uint8Array),
    });
  });
});

describe('verifyBundle: each tampering names the first bad event', () => {
  const lines = log.bundleLines();

  it('one changed byte in a leaf: inclusion_failed', () => {
    const copy = [...lines];
    copy[at(12)] = (copy[at(12)] as string).replace('inv_12', 'inv_13');
    const error = expectFailure(verifyBundle(join(copy), KEY), 'inclusion_failed', {
      line: 14,
      sequence: 12,
      eventId: idOf(12),
    });
    expect(error.message).toBe(
      `event ${idOf(12)} (sequence 12) does not match the signed log: its content or position was altered`,
    );
  });

  it('a changed leaf right after a verified sibling (odd sequence): inclusion_failed', () => {
    const copy = [...lines];
    copy[at(13)] = (copy[at(13)] as string).replace('inv_13', 'inv_14');
    expectFailure(verifyBundle(join(copy), KEY), 'inclusion_failed', { line: 15, sequence: 13, eventId: idOf(13) });
    // The sibling's genuine hash with a proof that is not the left sibling's path.
    const proofSwapped = edit(lines, at(13), (o) => {
      const proof = o.proof as string[];
      [proof[1], proof[2]] = [proof[2] as string, proof[1] as string];
    });
    expectFailure(verifyBundle(join(proofSwapped), KEY), 'inclusion_failed', { sequence: 13 });
  });

  it('every tree shape verifies, right edge included', () => {
    for (let size = 0; size <= 33; size++) {
      expect(verifyBundle(log.bundle({ size }), KEY)).toMatchObject({ ok: true, events: size, treeSize: size });
      const odd = log.bundle({ size, include: (s) => s % 2 === 1 || s === size - 1 });
      expect(verifyBundle(odd, KEY).ok).toBe(true);
    }
  });

  it('a genuine leaf moved to another position: inclusion_failed', () => {
    const moved = edit(lines, at(6), (o) => {
      o.leaf = log.entries[5]?.leaf;
      o.disclosures = log.entries[5]?.disclosures;
    });
    expectFailure(verifyBundle(join(moved), KEY), 'inclusion_failed', { sequence: 6, eventId: idOf(5) });
    const renumbered = edit(lines, at(6), (o) => {
      o.sequence = 7;
    });
    expectFailure(verifyBundle(join(renumbered.filter((_, i) => i !== at(7))), KEY), 'inclusion_failed', {
      sequence: 7,
      eventId: idOf(6),
    });
  });

  it('a reordered pair of lines: out_of_order, naming the event that comes too late', () => {
    const swapped = [...lines];
    [swapped[at(12)], swapped[at(13)]] = [swapped[at(13)] as string, swapped[at(12)] as string];
    const error = expectFailure(verifyBundle(join(swapped), KEY), 'out_of_order', {
      line: at(13) + 1,
      sequence: 12,
      eventId: idOf(12),
    });
    expect(error.message).toBe(`event ${idOf(12)} (sequence 12) comes after sequence 13: the events are out of order`);

    const filtered = log.bundleLines({ include: (s) => s % 3 === 0 });
    [filtered[2], filtered[3]] = [filtered[3] as string, filtered[2] as string];
    expectFailure(verifyBundle(join(filtered), KEY), 'out_of_order', { line: 4, sequence: 3 });
  });

  it('a repeated line: duplicate', () => {
    const copy = [...lines];
    copy.splice(at(8), 0, copy[at(8)] as string);
    expectFailure(verifyBundle(join(copy), KEY), 'duplicate', { line: at(8) + 2, sequence: 8, eventId: idOf(8) });
  });

  it('a deleted line: missing_events in a complete bundle, named by its sequence', () => {
    const copy = lines.filter((_, i) => i !== at(20));
    const error = expectFailure(verifyBundle(join(copy), KEY), 'missing_events', { line: at(21), sequence: 20 });
    expect(error.eventId).toBeUndefined();
    expect(error.message).toMatch(/^sequence 20 is missing/);
    // The first and the last events too.
    expectFailure(verifyBundle(join(lines.filter((_, i) => i !== at(0))), KEY), 'missing_events', { sequence: 0 });
    expectFailure(verifyBundle(join(lines.filter((_, i) => i !== at(SIZE - 1))), KEY), 'missing_events', {
      sequence: SIZE - 1,
      line: SIZE + 1,
    });
    // Even when the trailer count is fixed.
    const fixed = edit(copy, copy.length - 1, (o) => {
      o.count = SIZE - 1;
    });
    expectFailure(verifyBundle(join(fixed), KEY), 'missing_events', { sequence: 20 });
  });

  it('a deleted line in a filtered bundle: only the trailer count can tell', () => {
    const filtered = log.bundleLines({ include: (s) => s % 2 === 0 });
    const deleted = filtered.filter((_, i) => i !== 5);
    expectFailure(verifyBundle(join(deleted), KEY), 'truncated', { line: deleted.length });
    // A filtered export cannot prove nothing was left out: with a consistent count it verifies.
    const recounted = edit(deleted, deleted.length - 1, (o) => {
      o.count = (o.count as number) - 1;
    });
    expect(verifyBundle(join(recounted), KEY)).toMatchObject({ ok: true, events: 19, complete: false });
  });

  it('a dropped trailer, a wrong count, content after the trailer', () => {
    const error = expectFailure(verifyBundle(join(lines.slice(0, -1)), KEY), 'truncated', { line: SIZE + 2 });
    expect(error.message).toMatch(/without its trailer line: it was truncated$/);
    // Truncated in the middle of a line: the partial line is not JSON.
    const text = log.bundle();
    expectFailure(verifyBundle(text.slice(0, text.length - 100), KEY), 'malformed');
    expectFailure(verifyBundle(join(lines.slice(0, 10)), KEY), 'truncated');
    const miscounted = edit(lines, lines.length - 1, (o) => {
      o.count = SIZE + 1;
    });
    expectFailure(verifyBundle(join(miscounted), KEY), 'truncated', { line: SIZE + 2 });
    expectFailure(verifyBundle(join([...lines, lines[at(3)] as string]), KEY), 'malformed', { line: SIZE + 3 });
    expectFailure(verifyBundle('', KEY), 'truncated', { line: 1 });
  });

  it('an event outside the signed tree: out_of_range', () => {
    const copy = log.bundleLines({ size: 30 });
    copy.splice(copy.length - 1, 0, lines[at(35)] as string);
    expectFailure(verifyBundle(join(copy), KEY), 'out_of_range', { sequence: 35, eventId: idOf(35) });
  });

  it('a disclosure with a wrong value or salt: disclosure_mismatch', () => {
    const wrongValue = edit(lines, at(9), (o) => {
      (o.disclosures as Record<string, { value: unknown }>)['actor.email'] = {
        ...(o.disclosures as Record<string, { value: unknown; salt: string }>)['actor.email'],
        value: 'mallory@acme.com',
      } as { value: unknown };
    });
    const error = expectFailure(verifyBundle(join(wrongValue), KEY), 'disclosure_mismatch', {
      line: at(9) + 1,
      sequence: 9,
      eventId: idOf(9),
    });
    expect(error.message).toContain('actor.email');
    expect(() => verifiedEventView(wrongValue[at(9)] as string)).toThrow(ValidationError);

    const wrongSalt = edit(lines, at(9), (o) => {
      const d = o.disclosures as Record<string, { value: unknown; salt: string }>;
      (d['actor.name'] as { salt: string }).salt = (d['actor.email'] as { salt: string }).salt;
    });
    expectFailure(verifyBundle(join(wrongSalt), KEY), 'disclosure_mismatch', { sequence: 9 });

    const notPersonal = edit(lines, at(9), (o) => {
      (o.disclosures as Record<string, unknown>)['actor.id'] = {
        value: 'user_abc123',
        salt: 'AAAAAAAAAAAAAAAAAAAAAA==',
      };
    });
    expectFailure(verifyBundle(join(notPersonal), KEY), 'disclosure_mismatch', { sequence: 9 });
  });

  it('a pruned line with another leaf hash: inclusion_failed', () => {
    const pruned = log.bundleLines({ prune: (s) => s === 4 });
    const copy = edit(pruned, at(4), (o) => {
      o.leaf_hash = base64Encode(log.entries[5]?.leafHash as Uint8Array);
    });
    const error = expectFailure(verifyBundle(join(copy), KEY), 'inclusion_failed', { sequence: 4 });
    expect(error.eventId).toBeUndefined();
    expect(error.message).toBe(
      'the pruned event at sequence 4 does not match the signed log: its leaf hash or position was altered',
    );
  });

  it('a header naming another organization: organization_mismatch at the first event', () => {
    const copy = edit(lines, 0, (o) => {
      o.organization_id = 'org_other';
    });
    expectFailure(verifyBundle(join(copy), KEY), 'organization_mismatch', { line: 2, sequence: 0, eventId: idOf(0) });
  });

  it('a leaf that is not a sealed event: bad_leaf', () => {
    const leaf = '{"format":"auditledge.event/9","id":"evt_x","organization_id":"org_acme"}';
    const hash = leafHash(new TextEncoder().encode(leaf));
    const checkpoint = signCheckpoint({ origin: log.origin, size: 1, rootHash: hash }, log.signerKey);
    const text = [
      bundleHeader({ origin: log.origin, organizationId: 'org_acme', checkpoint, complete: true }),
      bundleEventLine({ sequence: 0, leaf, proof: [] }),
      bundleTrailer(1),
    ]
      .map(encodeBundleLine)
      .join('');
    const error = expectFailure(verifyBundle(text, KEY), 'bad_leaf', { line: 2, sequence: 0, eventId: 'evt_x' });
    expect(error.message).toContain('"auditledge.event/9"');
  });
});

describe('verifyBundle: the checkpoint', () => {
  const lines = log.bundleLines();

  it('signed by another key: bad_checkpoint_signature', () => {
    const other = generateSignerKey('audit.example.com');
    const copy = edit(lines, 0, (o) => {
      o.checkpoint = log.checkpoint(SIZE, { signerKey: other });
    });
    const error = expectFailure(verifyBundle(join(copy), KEY), 'bad_checkpoint_signature', { line: 1 });
    expect(error.message).toMatch(/^the checkpoint is not signed by the pinned key audit\.example\.com/);
    // Whoever holds the other key can sign any tree: only the pinned key makes the verdict mean anything.
    expect(verifyBundle(join(copy), verifierKeyFor(other)).ok).toBe(true);
  });

  it('altered after signing: bad_checkpoint_signature', () => {
    const copy = edit(lines, 0, (o) => {
      o.checkpoint = (o.checkpoint as string).replace(`\n${SIZE}\n`, `\n${SIZE + 1}\n`);
    });
    expectFailure(verifyBundle(join(copy), KEY), 'bad_checkpoint_signature', { line: 1 });
    const garbled = edit(lines, 0, (o) => {
      o.checkpoint = 'not a note';
    });
    expectFailure(verifyBundle(join(garbled), KEY), 'bad_checkpoint', { line: 1 });
  });

  it("another organization's checkpoint: origin_mismatch", () => {
    const otherOrigin = 'audit.example.com/proj_test/org_globex';
    const copy = edit(lines, 0, (o) => {
      o.checkpoint = log.checkpoint(SIZE, { origin: otherOrigin });
    });
    const error = expectFailure(verifyBundle(join(copy), KEY), 'origin_mismatch', { line: 1 });
    expect(error.message).toBe(
      `the checkpoint is for log ${JSON.stringify(otherOrigin)}, but the bundle header says ${JSON.stringify(log.origin)}`,
    );
  });

  it('a genuine bundle of another log than the caller pinned: origin_mismatch / organization_mismatch', () => {
    const text = log.bundle();
    expectFailure(verifyBundle(text, KEY, { origin: 'audit.example.com/proj_test/org_globex' }), 'origin_mismatch');
    expectFailure(verifyBundle(text, KEY, { organizationId: 'org_globex' }), 'organization_mismatch', { line: 1 });
    expect(verifyBundle(text, KEY, { origin: log.origin, organizationId: 'org_acme' }).ok).toBe(true);
  });

  it('a bad pinned key, a bad header: invalid_key, unsupported_format, malformed', () => {
    expectFailure(verifyBundle(log.bundle(), 'nonsense'), 'invalid_key', { line: 0 });
    const v2 = edit(lines, 0, (o) => {
      o.format = 'auditledge.bundle/2';
    });
    expectFailure(verifyBundle(join(v2), KEY), 'unsupported_format', { line: 1 });
    expectFailure(verifyBundle(join(lines.slice(1)), KEY), 'unsupported_format', { line: 1 });
    expectFailure(verifyBundle('hello\n', KEY), 'malformed', { line: 1 });
    const extra = edit(lines, 0, (o) => {
      o.signed = true;
    });
    expectFailure(verifyBundle(join(extra), KEY), 'malformed', { line: 1 });
    const noComplete = edit(lines, 0, (o) => {
      delete o.complete;
    });
    expectFailure(verifyBundle(join(noComplete), KEY), 'malformed', { line: 1 });
  });

  it('malformed event lines', () => {
    const cases: ((o: Record<string, unknown>) => void)[] = [
      (o) => {
        o.extra = 1;
      },
      (o) => {
        delete o.disclosures;
      },
      (o) => {
        o.sequence = -1;
      },
      (o) => {
        o.sequence = '5';
      },
      (o) => {
        o.proof = ['AAAA'];
      },
      (o) => {
        o.proof = 'AAAA';
      },
      (o) => {
        o.leaf = null;
      },
      (o) => {
        o.leaf = { format: 'auditledge.event/1' };
      },
    ];
    for (const change of cases) {
      expectFailure(verifyBundle(join(edit(lines, at(5), change)), KEY), 'malformed', { line: at(5) + 1 });
    }
    const blank = [...lines];
    blank.splice(3, 0, '');
    expectFailure(verifyBundle(join(blank), KEY), 'malformed', { line: 4 });
    expectFailure(verifyBundle(join([...lines.slice(0, 3), '[1]', ...lines.slice(3)]), KEY), 'malformed', {
      line: 4,
    });
  });
});

describe('verifyBundle: a checkpoint seen before', () => {
  it('verifies that the log still extends it', () => {
    const seen = log.checkpoint(21);
    const verdict = verifyBundle(log.bundle({ from: 21 }), KEY, { previousCheckpoint: seen });
    expect(verdict).toMatchObject({ ok: true, consistentWith: { size: 21, rootHash: base64Encode(log.root(21)) } });
    expect(verifyBundle(log.bundle(), KEY, { previousCheckpoint: log.checkpoint() }).ok).toBe(true);
    expect(verifyBundle(log.bundle(), KEY, { previousCheckpoint: log.checkpoint(0) }).ok).toBe(true);
    // Without a previous checkpoint the bundle's own consistency proof is still checked and reported.
    expect(verifyBundle(log.bundle({ from: 32 }), KEY)).toMatchObject({ ok: true, consistentWith: { size: 32 } });
  });

  it('chains runs: the verdict checkpoint is the next run previous checkpoint', () => {
    const growing = new TestLog().append(5);
    const first = verifyBundle(growing.bundle(), growing.verifierKey);
    if (!first.ok) throw new Error(first.error.message);
    growing.append(9);
    const second = verifyBundle(growing.bundle({ from: 5 }), growing.verifierKey, {
      previousCheckpoint: first.checkpoint,
    });
    expect(second).toMatchObject({ ok: true, treeSize: 14, consistentWith: { size: 5, rootHash: first.rootHash } });
  });

  it('larger than the bundle: rolled_back', () => {
    const bigger = new TestLog({ signerKey: log.signerKey }).append(SIZE + 5);
    const error = expectFailure(
      verifyBundle(log.bundle(), KEY, { previousCheckpoint: bigger.checkpoint() }),
      'rolled_back',
      { line: 1 },
    );
    expect(error.message).toMatch(/^the log is smaller than a checkpoint you saw before: events were removed/);
    expectFailure(
      verifyBundle(log.bundle({ size: 30 }), KEY, { previousCheckpoint: log.checkpoint(31) }),
      'rolled_back',
    );
  });

  it('from a forked log: inconsistent', () => {
    // Same key and origin, same first 10 events, then a different history.
    const fork = new TestLog({ signerKey: log.signerKey }).append(20);
    const error = expectFailure(
      verifyBundle(log.bundle({ from: 20 }), KEY, { previousCheckpoint: fork.checkpoint(20) }),
      'inconsistent',
      { line: 1 },
    );
    expect(error.message).toMatch(/^the log was rewritten since the checkpoint you saw before/);
    // Same size, other root.
    const forkFull = new TestLog({ signerKey: log.signerKey }).append(SIZE);
    expectFailure(verifyBundle(log.bundle(), KEY, { previousCheckpoint: forkFull.checkpoint() }), 'inconsistent');
    // A consistency proof that does not hold.
    const lines = edit(log.bundleLines({ from: 20 }), 0, (o) => {
      const consistency = o.consistency as { proof: string[] };
      consistency.proof = [...consistency.proof].reverse();
    });
    expectFailure(verifyBundle(join(lines), KEY, { previousCheckpoint: log.checkpoint(20) }), 'inconsistent');
    expectFailure(verifyBundle(join(lines), KEY), 'inconsistent');
  });

  it('without a proof from its size: consistency_missing', () => {
    const seen = log.checkpoint(21);
    expectFailure(verifyBundle(log.bundle(), KEY, { previousCheckpoint: seen }), 'consistency_missing', { line: 1 });
    expectFailure(verifyBundle(log.bundle({ from: 22 }), KEY, { previousCheckpoint: seen }), 'consistency_missing');
  });

  it('not signed by the pinned key, or of another log: bad_previous_checkpoint', () => {
    const other = generateSignerKey('audit.example.com');
    expectFailure(
      verifyBundle(log.bundle(), KEY, { previousCheckpoint: log.checkpoint(10, { signerKey: other }) }),
      'bad_previous_checkpoint',
      { line: 0 },
    );
    expectFailure(
      verifyBundle(log.bundle(), KEY, { previousCheckpoint: log.checkpoint(10, { origin: 'elsewhere/log' }) }),
      'bad_previous_checkpoint',
      { line: 1 },
    );
  });
});

describe('verifyBundle: property', () => {
  const small = new TestLog().append(6);
  const bundles = [
    small.bundleLines({ prune: (s) => s === 2, erase: (s) => (s === 4 ? ['metadata.ip'] : []) }),
    small.bundleLines({ include: (s) => s !== 1, filter: 'not 1', prune: (s) => s === 5 }),
  ];
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  it('any one-byte change in an event line makes the bundle fail', () => {
    for (const lines of bundles) expect(verifyBundle(join(lines), small.verifierKey).ok).toBe(true);
    const codes = new Map<string, number>();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: bundles.length - 1 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (which, lineSeed, position, delta) => {
          const lines = [...(bundles[which] as string[])];
          const index = 1 + (lineSeed % (lines.length - 2));
          const bytes = encoder.encode(lines[index] as string);
          const at = position % bytes.length;
          bytes[at] = ((bytes[at] as number) + delta) % 256;
          lines[index] = decoder.decode(bytes);
          const verdict = verifyBundle(join(lines), small.verifierKey);
          expect(verdict.ok).toBe(false);
          if (!verdict.ok) codes.set(verdict.error.code, (codes.get(verdict.error.code) ?? 0) + 1);
        },
      ),
      { numRuns: 2000 },
    );
    expect(codes.get('inclusion_failed')).toBeGreaterThan(0);
    expect(codes.get('malformed')).toBeGreaterThan(0);
  });
});
