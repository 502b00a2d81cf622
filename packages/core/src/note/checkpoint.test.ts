import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from './encoding.js';
import {
  formatCheckpoint,
  generateSignerKey,
  NoteError,
  type NoteErrorCode,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  signNote,
  verifierKeyFor,
} from './index.js';

function codeOf(fn: () => unknown): NoteErrorCode | 'no error' | 'other error' {
  try {
    fn();
    return 'no error';
  } catch (error) {
    return error instanceof NoteError ? error.code : 'other error';
  }
}

const ROOT = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=';

describe('checkpoint text (C2SP tlog-checkpoint)', () => {
  it('parses the example of the spec', () => {
    const cp = parseCheckpoint(`example.com/behind-the-sofa\n20852163\n${ROOT}\n`);
    expect(cp.origin).toBe('example.com/behind-the-sofa');
    expect(cp.size).toBe(20852163);
    expect(encodeBase64(cp.rootHash)).toBe(ROOT);
    expect(cp.extensions).toEqual([]);
  });

  it('formats exactly origin, size, root and extension lines', () => {
    const rootHash = decodeBase64(ROOT) as Uint8Array;
    expect(formatCheckpoint({ origin: 'example.com/behind-the-sofa', size: 20852163, rootHash })).toBe(
      `example.com/behind-the-sofa\n20852163\n${ROOT}\n`,
    );
    expect(formatCheckpoint({ origin: 'o', size: 0, rootHash, extensions: ['ext one', 'two'] })).toBe(
      `o\n0\n${ROOT}\next one\ntwo\n`,
    );
  });

  it('round-trips any valid checkpoint', () => {
    const line = fc.string({ minLength: 1, unit: 'grapheme' }).filter((s) => !/\p{Cc}/u.test(s));
    fc.assert(
      fc.property(
        line,
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(line, { maxLength: 3 }),
        (origin, size, rootHash, extensions) => {
          const parsed = parseCheckpoint(formatCheckpoint({ origin, size, rootHash, extensions }));
          expect(parsed.origin).toBe(origin);
          expect(parsed.size).toBe(size);
          expect(Array.from(parsed.rootHash)).toEqual(Array.from(rootHash));
          expect(parsed.extensions).toEqual(extensions);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects malformed sizes, roots and lines', () => {
    const bad = [
      // sizes
      `o\n01\n${ROOT}\n`,
      `o\n00\n${ROOT}\n`,
      `o\n-1\n${ROOT}\n`,
      `o\n+1\n${ROOT}\n`,
      `o\n1.0\n${ROOT}\n`,
      `o\n1e3\n${ROOT}\n`,
      `o\n0x10\n${ROOT}\n`,
      `o\n 1\n${ROOT}\n`,
      `o\n1 \n${ROOT}\n`,
      `o\n\n${ROOT}\n`,
      `o\n١٢\n${ROOT}\n`,
      `o\n9007199254740992\n${ROOT}\n`,
      `o\n18446744073709551615\n${ROOT}\n`,
      // roots
      'o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n',
      'o\n1\nCsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=\n',
      'o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n',
      `o\n1\n${encodeBase64(new Uint8Array(31))}\n`,
      `o\n1\n${encodeBase64(new Uint8Array(33))}\n`,
      'o\n1\n\n',
      // lines
      `\n1\n${ROOT}\n`,
      `o\n1\n${ROOT}`,
      `o\n1\n${ROOT}\n\n`,
      `o\n1\n${ROOT}\n\next\n`,
      'o\n1\n',
      '',
      `o\r\n1\r\n${ROOT}\r\n`,
      `o\x00\n1\n${ROOT}\n`,
    ];
    for (const text of bad)
      expect(
        codeOf(() => parseCheckpoint(text)),
        JSON.stringify(text),
      ).toBe('malformed');
  });

  it('refuses to format what it could not parse', () => {
    const rootHash = new Uint8Array(32);
    expect(codeOf(() => formatCheckpoint({ origin: '', size: 1, rootHash }))).toBe('malformed');
    expect(codeOf(() => formatCheckpoint({ origin: 'a\nb', size: 1, rootHash }))).toBe('malformed');
    expect(codeOf(() => formatCheckpoint({ origin: 'o', size: -1, rootHash }))).toBe('malformed');
    expect(codeOf(() => formatCheckpoint({ origin: 'o', size: 1.5, rootHash }))).toBe('malformed');
    expect(codeOf(() => formatCheckpoint({ origin: 'o', size: 2 ** 53, rootHash }))).toBe('malformed');
    expect(codeOf(() => formatCheckpoint({ origin: 'o', size: 1, rootHash: new Uint8Array(31) }))).toBe('malformed');
    expect(codeOf(() => formatCheckpoint({ origin: 'o', size: 1, rootHash, extensions: [''] }))).toBe('malformed');
  });
});

describe('signed checkpoints', () => {
  const skey = generateSignerKey('auditledge.test');
  const vkey = verifierKeyFor(skey);
  const rootHash = decodeBase64(ROOT) as Uint8Array;

  it('signs and opens, returning the exact signed text', () => {
    const note = signCheckpoint({ origin: 'auditledge.test/p1/acme', size: 42, rootHash }, skey);
    expect(note.startsWith(`auditledge.test/p1/acme\n42\n${ROOT}\n\n— auditledge.test `)).toBe(true);
    const cp = openCheckpoint(note, vkey, { origin: 'auditledge.test/p1/acme' });
    expect(cp.size).toBe(42);
    expect(encodeBase64(cp.rootHash)).toBe(ROOT);
    expect(cp.text).toBe(`auditledge.test/p1/acme\n42\n${ROOT}\n`);
    expect(cp.verifiedBy.map((v) => v.key)).toEqual([vkey]);
  });

  it('refuses a checkpoint of another log signed by the same key', () => {
    const note = signCheckpoint({ origin: 'auditledge.test/p1/other-org', size: 42, rootHash }, skey);
    expect(codeOf(() => openCheckpoint(note, vkey, { origin: 'auditledge.test/p1/acme' }))).toBe('origin_mismatch');
  });

  it('refuses altered sizes and roots, foreign keys, and signed text that is not a checkpoint', () => {
    const note = signCheckpoint({ origin: 'log', size: 42, rootHash }, skey);
    expect(codeOf(() => openCheckpoint(note.replace('\n42\n', '\n43\n'), vkey))).toBe('bad_signature');
    expect(codeOf(() => openCheckpoint(note.replace(ROOT, ROOT.replace('C', 'D')), vkey))).toBe('bad_signature');
    expect(codeOf(() => openCheckpoint(note, verifierKeyFor(generateSignerKey('auditledge.test'))))).toBe(
      'unknown_key',
    );
    expect(codeOf(() => openCheckpoint(signNote('log\n042\nAAAA\n', skey), vkey))).toBe('malformed');
  });
});
