import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, decodeHex, encodeBase64, encodeHex } from './encoding.js';
import {
  generateSignerKey,
  isValidKeyName,
  NoteError,
  type NoteErrorCode,
  type NoteVerifier,
  openNote,
  parseSignerKey,
  parseVerifierKey,
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

// Test vectors of golang.org/x/mod/sumdb/note, note_test.go (TestNewVerifier, TestNewSigner, TestSign,
// TestOpen). Producing these bytes exactly is what lets standard note verifiers read our notes.
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG =
  '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

describe('Go sumdb/note interoperability', () => {
  it('parses the reference keys and derives the verifier key from the signer key', () => {
    const verifier = parseVerifierKey(PETER_VKEY);
    expect(verifier.name).toBe('PeterNeumann');
    expect(verifier.keyId).toBe(0xc74f20a3);
    expect(verifier.key).toBe(PETER_VKEY);
    const signer = parseSignerKey(PETER_SKEY);
    expect(signer.name).toBe('PeterNeumann');
    expect(signer.keyId).toBe(0xc74f20a3);
    expect(encodeHex(signer.publicKey)).toBe(encodeHex(verifier.publicKey));
    expect(verifierKeyFor(PETER_SKEY)).toBe(PETER_VKEY);
    expect(verifierKeyFor(signer)).toBe(PETER_VKEY);
  });

  it('signs the reference note byte for byte (TestSign)', () => {
    expect(signNote(TEXT, PETER_SKEY)).toBe(`${TEXT}\n${PETER_SIG}`);
    expect(signNote(TEXT, parseSignerKey(PETER_SKEY))).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('opens notes like Open: verified, unknown and duplicated signatures (TestOpen)', () => {
    const note = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    const one = openNote(note, PETER_VKEY);
    expect(one.text).toBe(TEXT);
    expect(one.verifiedBy.map((v) => v.key)).toEqual([PETER_VKEY]);

    const both = openNote(note, [PETER_VKEY, ENOCH_VKEY]);
    expect(both.verifiedBy.map((v) => v.name)).toEqual(['PeterNeumann', 'EnochRoot']);

    expect(codeOf(() => openNote(note, []))).toBe('unknown_key');

    const dup = `${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${ENOCH_SIG.slice(0, 60)}ABCD${ENOCH_SIG.slice(60)}`;
    expect(openNote(dup, PETER_VKEY).verifiedBy).toHaveLength(1);

    // A key listed twice is the same key, not an ambiguity.
    expect(openNote(`${TEXT}\n${ENOCH_SIG}`, [ENOCH_VKEY, PETER_VKEY, ENOCH_VKEY]).verifiedBy).toHaveLength(1);
  });

  it('refuses two different trusted keys with one name and key ID', () => {
    const enoch = parseVerifierKey(ENOCH_VKEY);
    const impostor: NoteVerifier = { ...enoch, publicKey: parseVerifierKey(PETER_VKEY).publicKey };
    expect(codeOf(() => openNote(`${TEXT}\n${ENOCH_SIG}`, [enoch, impostor]))).toBe('ambiguous_key');
    // Unused, it does not matter.
    expect(openNote(`${TEXT}\n${PETER_SIG}`, [enoch, impostor, PETER_VKEY]).verifiedBy).toHaveLength(1);
  });

  it('rejects a signature altered in the middle, and more than 100 signatures', () => {
    const altered = `${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
    expect(codeOf(() => openNote(altered, PETER_VKEY))).toBe('bad_signature');
    expect(codeOf(() => openNote(`${TEXT}\n${PETER_SIG.repeat(101)}`, PETER_VKEY))).toBe('malformed');
    expect(codeOf(() => openNote(`${TEXT}\n${PETER_SIG.repeat(101)}`, []))).toBe('malformed');
    expect(openNote(`${TEXT}\n${PETER_SIG.repeat(100)}`, PETER_VKEY).verifiedBy).toHaveLength(1);
  });

  it('rejects the malformed messages of TestOpen', () => {
    const bad = [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\x01${TEXT}\n${PETER_SIG}`,
      `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
    ];
    for (const message of bad)
      expect(
        codeOf(() => openNote(message, PETER_VKEY)),
        message,
      ).toBe('malformed');
    // "\xff" + text: invalid UTF-8, which only bytes can carry.
    const bytes = new TextEncoder().encode(`_${TEXT}\n${PETER_SIG}`);
    bytes[0] = 0xff;
    expect(codeOf(() => openNote(bytes, PETER_VKEY))).toBe('malformed');
    expect(openNote(new TextEncoder().encode(`${TEXT}\n${PETER_SIG}`), PETER_VKEY).text).toBe(TEXT);
  });

  it('rejects every substring and every one-byte change of the reference keys (TestNewVerifier, TestNewSigner)', () => {
    for (const [key, parse] of [
      [PETER_VKEY, parseVerifierKey],
      [PETER_SKEY, parseSignerKey],
    ] as const) {
      for (let i = 0; i <= key.length; i++) {
        for (let j = i + 1; j <= key.length; j++) {
          if (i === 0 && j === key.length) continue;
          expect(
            codeOf(() => parse(key.slice(i, j))),
            key.slice(i, j),
          ).toBe('invalid_key');
        }
      }
      for (let i = 0; i < key.length; i++) {
        const changed = key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
        expect(
          codeOf(() => parse(changed)),
          changed,
        ).toBe('invalid_key');
      }
    }
    // Wrong key length and unknown algorithm, each with a key ID recomputed to match.
    expect(
      codeOf(() => parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==')),
    ).toBe('invalid_key');
    expect(codeOf(() => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'))).toBe(
      'invalid_key',
    );
  });
});

describe('keys', () => {
  it('generates working key pairs', () => {
    const skey = generateSignerKey('auditledge.example/log');
    expect(skey).toMatch(/^PRIVATE\+KEY\+auditledge\.example\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    const vkey = verifierKeyFor(skey);
    expect(vkey).toMatch(/^auditledge\.example\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    expect(parseVerifierKey(vkey).keyId).toBe(parseSignerKey(skey).keyId);
    expect(openNote(signNote('hello\n', skey), vkey).text).toBe('hello\n');
    expect(generateSignerKey('x')).not.toBe(generateSignerKey('x'));
  });

  it('never shows the seed when a signer is logged', () => {
    const skey = generateSignerKey('log');
    const seedBase64 = skey.split('+').slice(4).join('+');
    const signer = parseSignerKey(skey);
    expect(JSON.stringify(signer)).not.toContain(seedBase64.slice(4, 20));
    expect(
      Object.values(signer).some(
        (v) =>
          v instanceof Uint8Array &&
          v.length === 32 &&
          encodeBase64(v) === encodeBase64(decodeBase64(seedBase64)?.subarray(1) ?? new Uint8Array()),
      ),
    ).toBe(false);
  });

  it('validates key names as the spec says', () => {
    for (const good of ['a', 'example.com/log42', 'PeterNeumann', 'ünïcödé', '😀'])
      expect(isValidKeyName(good), good).toBe(true);
    for (const bad of [
      '',
      'a+b',
      'a b',
      'a\tb',
      'a\nb',
      'a\u00a0b',
      'a\u2003b',
      'a\u3000b',
      'a\u2028b',
      'a\u0085b',
      'a\x01b',
      '\ud800',
    ]) {
      expect(isValidKeyName(bad), JSON.stringify(bad)).toBe(false);
      expect(
        codeOf(() => generateSignerKey(bad)),
        JSON.stringify(bad),
      ).toBe('invalid_key');
    }
  });

  it('accepts an uppercase key ID as Go does, and normalizes it', () => {
    expect(parseVerifierKey(PETER_VKEY.replace('c74f20a3', 'C74F20A3')).key).toBe(PETER_VKEY);
  });
});

describe('signing and opening', () => {
  const skey = generateSignerKey('auditledge.test/a');
  const vkey = verifierKeyFor(skey);
  const other = verifierKeyFor(generateSignerKey('auditledge.test/a'));

  it('round-trips any valid text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (line) => {
        const text = `${line.replace(/\p{Cc}/gu, '')}\n`;
        expect(openNote(signNote(text, skey), vkey).text).toBe(text);
      }),
      { numRuns: 50 },
    );
    // The text may contain blank lines; only the last one separates the signatures.
    expect(openNote(signNote('a\n\nb\n\n', skey), vkey).text).toBe('a\n\nb\n\n');
  });

  it('rejects tampered text, a wrong key and a truncated signature', () => {
    const note = signNote('tree 1\n', skey);
    expect(codeOf(() => openNote(note.replace('tree 1', 'tree 2'), vkey))).toBe('bad_signature');
    // Same name, other key: the key ID differs, so the signature is simply unknown.
    expect(codeOf(() => openNote(note, other))).toBe('unknown_key');
    const [head, sig] = [note.slice(0, note.lastIndexOf(' ') + 1), note.slice(note.lastIndexOf(' ') + 1, -1)];
    const raw = decodeBase64(sig) as Uint8Array;
    expect(codeOf(() => openNote(`${head}${encodeBase64(raw.subarray(0, raw.length - 1))}\n`, vkey))).toBe(
      'bad_signature',
    );
    expect(codeOf(() => openNote(`${head}${sig.slice(0, -4)}\n`, vkey))).toBe('bad_signature');
    expect(codeOf(() => openNote(`${head}${sig.slice(0, -1)}\n`, vkey))).toBe('malformed');
    expect(codeOf(() => openNote(`${head}${encodeBase64(raw.subarray(0, 4))}\n`, vkey))).toBe('malformed');
  });

  it('refuses to sign text a verifier would reject', () => {
    expect(codeOf(() => signNote('no newline', skey))).toBe('malformed');
    expect(codeOf(() => signNote('', skey))).toBe('malformed');
    expect(codeOf(() => signNote('a\rb\n', skey))).toBe('malformed');
    expect(codeOf(() => signNote('\ud800\n', skey))).toBe('malformed');
    expect(codeOf(() => signNote('x\n', 'PRIVATE+KEY+nope'))).toBe('invalid_key');
  });

  it('error messages say what is wrong', () => {
    try {
      openNote(signNote('x\n', skey), other);
    } catch (error) {
      expect(error).toBeInstanceOf(NoteError);
      expect((error as Error).message).toContain('auditledge.test/a+');
    }
  });
});

describe('base64 and hex', () => {
  it('matches the RFC 4648 §10 vectors', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(encodeBase64(new TextEncoder().encode(plain))).toBe(encoded);
      expect(new TextDecoder().decode(decodeBase64(encoded) as Uint8Array)).toBe(plain);
    }
  });

  it('agrees with Node for any bytes, and decodes its own output', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const encoded = encodeBase64(bytes);
        expect(encoded).toBe(Buffer.from(bytes).toString('base64'));
        expect(Array.from(decodeBase64(encoded) as Uint8Array)).toEqual(Array.from(bytes));
        expect(encodeHex(bytes)).toBe(Buffer.from(bytes).toString('hex'));
        expect(Array.from(decodeHex(encodeHex(bytes)) as Uint8Array)).toEqual(Array.from(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('rejects every non-canonical base64 spelling', () => {
    for (const bad of [
      'Zg',
      'Zg=',
      'Zh==',
      'Zm9=',
      'Zm9v=',
      '=Zm9',
      'Z===',
      '====',
      'Zm9v====',
      'Zm 9v',
      'Zm9v\n',
      'Zm9-',
      'Zm9_',
      'Zé==',
    ]) {
      expect(decodeBase64(bad), bad).toBeNull();
    }
    for (const bad of ['0', 'zz', '0x00', ' 00']) expect(decodeHex(bad), bad).toBeNull();
  });
});
