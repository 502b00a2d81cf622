import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendLeaves,
  assembleHashTile,
  assembleTreeHash,
  decodeEntryBundle,
  encodeEntryBundle,
  formatTilePath,
  leafHash,
  nodeHash,
  nodeKey,
  parseTilePath,
  rootFromLeafHashes,
  type TileRef,
  tileIsAvailable,
  tileNodeRange,
} from './index.js';

describe('tile paths (C2SP tlog-tiles)', () => {
  it('formats the examples of the spec', () => {
    expect(formatTilePath({ kind: 'hash', level: 4, index: 1234067, width: 256 })).toBe('tile/4/x001/x234/067');
    expect(formatTilePath({ kind: 'hash', level: 0, index: 0, width: 256 })).toBe('tile/0/000');
    expect(formatTilePath({ kind: 'hash', level: 1, index: 1, width: 17 })).toBe('tile/1/001.p/17');
    expect(formatTilePath({ kind: 'entries', index: 1000, width: 112 })).toBe('tile/entries/x001/000.p/112');
    expect(formatTilePath({ kind: 'entries', index: 999, width: 256 })).toBe('tile/entries/999');
    expect(formatTilePath({ kind: 'hash', level: 63, index: 0, width: 1 })).toBe('tile/63/000.p/1');
  });

  it('parses what it formats', () => {
    expect(parseTilePath('tile/4/x001/x234/067')).toEqual({ kind: 'hash', level: 4, index: 1234067, width: 256 });
    expect(parseTilePath('tile/entries/x001/000.p/112')).toEqual({ kind: 'entries', index: 1000, width: 112 });
    expect(parseTilePath('tile/0/000.p/1')).toEqual({ kind: 'hash', level: 0, index: 0, width: 1 });
  });

  it('round-trips every representable tile', () => {
    const tileArb: fc.Arbitrary<TileRef> = fc.oneof(
      fc.record({
        kind: fc.constant('hash' as const),
        level: fc.integer({ min: 0, max: 63 }),
        index: fc.integer({ min: 0, max: 2 ** 45 - 1 }),
        width: fc.integer({ min: 1, max: 256 }),
      }),
      fc.record({
        kind: fc.constant('entries' as const),
        index: fc.integer({ min: 0, max: 2 ** 45 - 1 }),
        width: fc.integer({ min: 1, max: 256 }),
      }),
    );
    fc.assert(
      fc.property(tileArb, (tile) => {
        expect(parseTilePath(formatTilePath(tile))).toEqual(tile);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects every non-canonical or malformed path', () => {
    for (const bad of [
      '',
      'tile',
      'tile/',
      'tile/0',
      'tile/0/',
      '/tile/0/000',
      'tile/0/000/',
      'tile/0/0',
      'tile/0/00',
      'tile/0/0000',
      'tile/0/1234',
      'tile/0/x000/001', // leading zero group
      'tile/0/x001/x000/x002', // last group must not carry x
      'tile/0/001/002', // inner group lacks x
      'tile/0/x001',
      'tile/00/000',
      'tile/01/000',
      'tile/64/000',
      'tile/-1/000',
      'tile/+1/000',
      'tile/a/000',
      'tile/data/000',
      'tile/entry/000',
      'tile/ENTRIES/000',
      'tile/0/000.p/0',
      'tile/0/000.p/256',
      'tile/0/000.p/300',
      'tile/0/000.p/01',
      'tile/0/000.p/+1',
      'tile/0/000.p/',
      'tile/0/000.p',
      'tile/0/000.p/1/',
      'tile/0/000.p/1.p/1',
      'tile/0/ 000',
      'tile/0/000\n',
      'tile/0/０００',
      'tile/0/x035/x184/x372/x088/x832/000', // node index 256·N would pass 2^53
    ]) {
      expect(parseTilePath(bad), bad).toBeNull();
    }
  });

  it('formatTilePath refuses impossible tiles', () => {
    expect(() => formatTilePath({ kind: 'hash', level: 0, index: 0, width: 0 })).toThrow(RangeError);
    expect(() => formatTilePath({ kind: 'hash', level: 0, index: 0, width: 257 })).toThrow(RangeError);
    expect(() => formatTilePath({ kind: 'hash', level: 64, index: 0, width: 1 })).toThrow(RangeError);
    expect(() => formatTilePath({ kind: 'entries', index: -1, width: 1 })).toThrow(RangeError);
    expect(() => formatTilePath({ kind: 'entries', index: 1.5, width: 1 })).toThrow(RangeError);
  });
});

describe('hash tiles', () => {
  it('a level-L tile holds stored nodes of tree level 8L', () => {
    expect(tileNodeRange(0, 2, 3)).toEqual([
      { level: 0, index: 512 },
      { level: 0, index: 513 },
      { level: 0, index: 514 },
    ]);
    const full = tileNodeRange(1, 1, 256);
    expect(full).toHaveLength(256);
    expect(full[0]).toEqual({ level: 8, index: 256 });
    expect(full[255]).toEqual({ level: 8, index: 511 });
  });

  it('follows the availability example of the spec (a tree of 70,000 leaves)', () => {
    const size = 70_000;
    expect(tileIsAvailable({ kind: 'hash', level: 0, index: 272, width: 256 }, size)).toBe(true);
    expect(tileIsAvailable({ kind: 'hash', level: 0, index: 273, width: 256 }, size)).toBe(false);
    expect(tileIsAvailable({ kind: 'hash', level: 0, index: 273, width: 112 }, size)).toBe(true);
    expect(tileIsAvailable({ kind: 'hash', level: 0, index: 273, width: 113 }, size)).toBe(false);
    expect(tileIsAvailable({ kind: 'entries', index: 273, width: 112 }, size)).toBe(true);
    expect(tileIsAvailable({ kind: 'hash', level: 1, index: 0, width: 256 }, size)).toBe(true);
    expect(tileIsAvailable({ kind: 'hash', level: 1, index: 1, width: 17 }, size)).toBe(true);
    expect(tileIsAvailable({ kind: 'hash', level: 1, index: 1, width: 18 }, size)).toBe(false);
    expect(tileIsAvailable({ kind: 'hash', level: 2, index: 0, width: 1 }, size)).toBe(true);
    expect(tileIsAvailable({ kind: 'hash', level: 2, index: 0, width: 2 }, size)).toBe(false);
    expect(tileIsAvailable({ kind: 'hash', level: 3, index: 0, width: 1 }, size)).toBe(false);
    // A tree of 256 leaves: one full level-0 tile and a level-1 tile of width 1.
    expect(tileIsAvailable({ kind: 'hash', level: 1, index: 0, width: 1 }, 256)).toBe(true);
    expect(tileIsAvailable({ kind: 'hash', level: 0, index: 0, width: 256 }, 255)).toBe(false);
  });

  it('the level-1 tile hashes are the MTH of each full level-0 tile, and the tiles reproduce the root', () => {
    const size = 256 * 3 + 5;
    const leaves = Array.from({ length: size }, (_, i) => leafHash(new Uint8Array([i & 0xff, i >> 8])));
    const store = new Map<string, Uint8Array>();
    for (const node of appendLeaves(0, new Map(), leaves).newNodes)
      store.set(nodeKey(node.level, node.index), node.hash);

    const level0 = assembleHashTile(0, 1, 256, store);
    expect(level0).toEqual(concat(leaves.slice(256, 512)));
    const level1 = assembleHashTile(1, 0, 3, store);
    for (let i = 0; i < 3; i++) {
      expect(level1.subarray(32 * i, 32 * i + 32)).toEqual(
        new Uint8Array(rootFromLeafHashes(leaves.slice(256 * i, 256 * i + 256))),
      );
    }
    // A tiles client rebuilds the root of 773 = 512 + 256 + 5 leaves from the level-1 tile and the
    // partial level-0 tile alone, following the RFC 9162 split.
    const partial = assembleHashTile(0, 3, 5, store);
    const [t0, t1, t2] = [0, 1, 2].map((i) => level1.subarray(32 * i, 32 * i + 32)) as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    const tail = rootFromLeafHashes([0, 1, 2, 3, 4].map((i) => partial.subarray(32 * i, 32 * i + 32)));
    const rebuilt = nodeHash(nodeHash(t0, t1), nodeHash(t2, tail));
    expect(new Uint8Array(rebuilt)).toEqual(new Uint8Array(assembleTreeHash(size, store)));
  });
});

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

describe('entry bundles', () => {
  it('encodes big-endian uint16 length prefixes', () => {
    const bundle = encodeEntryBundle([new Uint8Array([0x61]), new Uint8Array(0), new Uint8Array(300).fill(7)]);
    expect(Array.from(bundle.subarray(0, 5))).toEqual([0x00, 0x01, 0x61, 0x00, 0x00]);
    expect(Array.from(bundle.subarray(5, 7))).toEqual([0x01, 0x2c]);
    expect(bundle.length).toBe(3 + 2 + 302);
  });

  it('round-trips any entries up to 65535 bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 2000 }), { maxLength: 40 }), (entries) => {
        const decoded = decodeEntryBundle(encodeEntryBundle(entries));
        expect(decoded.map((e) => Array.from(e))).toEqual(entries.map((e) => Array.from(e)));
      }),
      { numRuns: 100 },
    );
    const largest = new Uint8Array(65_535).fill(1);
    expect(decodeEntryBundle(encodeEntryBundle([largest]))[0]?.length).toBe(65_535);
  });

  it('rejects entries that do not fit and bundles that are truncated', () => {
    expect(() => encodeEntryBundle([new Uint8Array(65_536)])).toThrow(RangeError);
    const bundle = encodeEntryBundle([new Uint8Array([1, 2, 3]), new Uint8Array([4])]);
    expect(() => decodeEntryBundle(bundle.subarray(0, bundle.length - 1))).toThrow(RangeError);
    expect(() => decodeEntryBundle(new Uint8Array([0]))).toThrow(RangeError);
    expect(() => decodeEntryBundle(new Uint8Array([0, 5, 1]))).toThrow(RangeError);
    expect(decodeEntryBundle(new Uint8Array(0))).toEqual([]);
  });
});
