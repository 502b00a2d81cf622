// docs/verification.md promises that every number in its worked example comes from this code.
// This test recomputes them and compares with the text, so neither can change without the other.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sha256 } from '#crypto';
import { seedEvent } from '../event/fixtures.js';
import { parseEvent } from '../event/validate.js';
import { base64Decode, base64Encode } from '../json/base64.js';
import { canonicalize } from '../json/canonical.js';
import { DEFAULT_PERSONAL_FIELDS } from './personal.js';
import { sealEvent, storedEventFields, verifyDisclosures } from './seal.js';

const doc = readFileSync(new URL('../../../../docs/verification.md', import.meta.url), 'utf8');

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function example() {
  const { event } = parseEvent(seedEvent(), { now: Date.parse('2026-05-01T15:00:00Z') });
  const stored = storedEventFields(event, {
    id: 'evt_01JTC0Z8M8Q4Z8Y3K4G7N1V2XA',
    received_at: '2026-05-01T14:32:00.123Z',
  });
  let n = 0;
  const sealed = sealEvent(stored, DEFAULT_PERSONAL_FIELDS, () => {
    const start = 16 * n++;
    return Uint8Array.from({ length: 16 }, (_, i) => start + i);
  });
  const leafHash = sha256(new Uint8Array([0x00, ...sealed.leafBytes]));
  return { ...sealed, leafHash };
}

/** The single captured group of `pattern` in the doc; fails the test if it is missing. */
function docValue(pattern: RegExp): string {
  const match = doc.match(pattern);
  expect(match, `docs/verification.md must contain ${pattern}`).not.toBeNull();
  return (match as RegExpMatchArray)[1] as string;
}

describe('docs/verification.md worked example', () => {
  const computed = example();

  it('prints the salts, canonical values and commitments of each personal field', () => {
    const rows = Array.from(
      doc.matchAll(/^\| ([a-z_.]+) +\| `([0-9a-f]{32})` +\| `([^`]+)` +\| `([^`]+)` +\| `([^`]+)` +\|$/gm),
      (m) => m.slice(1),
    );
    const leaf = JSON.parse(computed.leaf);
    expect(rows.map((r) => r[0])).toEqual([...DEFAULT_PERSONAL_FIELDS]);
    for (const [path, saltHex, saltBase64, jcsValue, commitmentBase64] of rows as string[][]) {
      const disclosure = computed.disclosures[path as string];
      expect(disclosure, path).toBeDefined();
      expect(hex(base64Decode(disclosure?.salt ?? ''))).toBe(saltHex);
      expect(disclosure?.salt).toBe(saltBase64);
      expect(canonicalize(disclosure?.value)).toBe(jcsValue);
      const [object, key] = (path as string).split('.') as [string, string];
      expect(leaf[object][key]).toEqual({ sha256: commitmentBase64 });
    }
  });

  it('prints the commitment input and digest for actor.name', () => {
    const input = docValue(/salt ‖ `"Alice Johnson"`:\n\n```\n([0-9a-f]+)\n```/);
    const digest = docValue(/whose SHA-256 is `([0-9a-f]{64})`/);
    const salt = Uint8Array.from({ length: 16 }, (_, i) => i);
    const bytes = new Uint8Array([...salt, ...new TextEncoder().encode('"Alice Johnson"')]);
    expect(input).toBe(hex(bytes));
    expect(digest).toBe(hex(sha256(bytes)));
    expect(base64Encode(sha256(bytes))).toBe(JSON.parse(computed.leaf).actor.name.sha256);
  });

  it('prints the exact leaf, its length and its hash', () => {
    expect(docValue(/^(\{"action".*\})$/m)).toBe(computed.leaf);
    expect(Number(docValue(/one line, (\d+) bytes of UTF-8/))).toBe(computed.leafBytes.length);
    expect(docValue(/^- hex: `([0-9a-f]{64})`$/m)).toBe(hex(computed.leafHash));
    expect(docValue(/^- base64: `([A-Za-z0-9+/=]{44})`$/m)).toBe(base64Encode(computed.leafHash));
    expect(docValue(/^Output:\n\n```\n([\s\S]*?)\n```/m)).toBe(
      `${hex(computed.leafHash)}\n${base64Encode(computed.leafHash)}`,
    );
  });

  it('has disclosures that verify against the printed leaf', () => {
    expect(verifyDisclosures(computed.leaf, computed.disclosures)).toEqual([]);
  });

  const python = spawnSync('python3', ['--version']);
  it.skipIf(python.error !== undefined || python.status !== 0)(
    'has a Python snippet that prints the same leaf hash',
    () => {
      const code = docValue(/```python\n([\s\S]*?)```/);
      const run = spawnSync('python3', ['-c', code], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe(`${hex(computed.leafHash)}\n${base64Encode(computed.leafHash)}\n`);
    },
  );
});
