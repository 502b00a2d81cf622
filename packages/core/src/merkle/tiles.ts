// C2SP tlog-tiles (https://c2sp.org/tlog-tiles): the same tree served as static resources. A hash
// tile at level L holds up to 256 consecutive stored nodes of tree level 8·L; an entry bundle holds
// the leaves under the level-0 tile of the same index.
import { HASH_SIZE } from './hash.js';
import { type NodeRef, type NodeSource, nodeReader } from './nodes.js';

/** Tree levels per tile (C2SP tlog-tiles). */
export const TILE_HEIGHT = 8;
/** Hashes (or entries) in a full tile: 2^{@link TILE_HEIGHT}. */
export const TILE_WIDTH = 256;
/** Highest tile level the spec allows in a path. */
export const MAX_TILE_LEVEL = 63;
/** Largest entry an entry bundle can hold (big-endian uint16 length prefix). */
export const MAX_BUNDLE_ENTRY_SIZE = 0xffff;

/** A tile resource: `tile/<level>/<N>[.p/<W>]` (hashes) or `tile/entries/<N>[.p/<W>]` (entry bundle). */
export type TileRef =
  | { readonly kind: 'hash'; readonly level: number; readonly index: number; readonly width: number }
  | { readonly kind: 'entries'; readonly index: number; readonly width: number };

function tileLevel(tile: TileRef): number {
  return tile.kind === 'hash' ? tile.level : 0;
}

// Node indexes inside the tile (index·256 + i) must stay exact; paths of tiles beyond any
// 2^53-leaf tree (such as the spec's own tile/4/x001/x234/067) are still well-formed.
const MAX_TILE_INDEX = Math.floor(Number.MAX_SAFE_INTEGER / TILE_WIDTH);
function isRepresentable(level: number, index: number, width: number): boolean {
  return (
    Number.isInteger(level) &&
    level >= 0 &&
    level <= MAX_TILE_LEVEL &&
    Number.isSafeInteger(index) &&
    index >= 0 &&
    Number.isInteger(width) &&
    width >= 1 &&
    width <= TILE_WIDTH &&
    index <= MAX_TILE_INDEX
  );
}

function assertTile(level: number, index: number, width: number): void {
  if (!isRepresentable(level, index, width)) {
    throw new RangeError(`invalid tile: level ${level}, index ${index}, width ${width}`);
  }
}

function pad3(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`;
}

function formatIndex(index: number): string {
  let rest = Math.floor(index / 1000);
  let out = pad3(index % 1000);
  while (rest > 0) {
    out = `x${pad3(rest % 1000)}/${out}`;
    rest = Math.floor(rest / 1000);
  }
  return out;
}

/** C2SP tlog-tiles path of a tile, e.g. `tile/0/x001/x234/067.p/8` or `tile/entries/000`. */
export function formatTilePath(tile: TileRef): string {
  assertTile(tileLevel(tile), tile.index, tile.width);
  const prefix = tile.kind === 'hash' ? `tile/${tile.level}/` : 'tile/entries/';
  const suffix = tile.width === TILE_WIDTH ? '' : `.p/${tile.width}`;
  return `${prefix}${formatIndex(tile.index)}${suffix}`;
}

const TILE_PATH = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/;

/**
 * Parses a C2SP tlog-tiles path (starting at `tile/`). Returns null for anything that is not the
 * one canonical encoding: leading zero groups, a missing `x`, `.p/256`, level above 63, and so on.
 */
export function parseTilePath(path: string): TileRef | null {
  const match = TILE_PATH.exec(path);
  if (match === null) return null;
  const [, levelText = '', indexText = '', widthText] = match;
  let index = 0;
  for (const group of indexText.split('/')) {
    index = index * 1000 + Number(group.startsWith('x') ? group.slice(1) : group);
  }
  const width = widthText === undefined ? TILE_WIDTH : Number(widthText);
  // A full tile never carries the partial suffix.
  if (widthText !== undefined && width >= TILE_WIDTH) return null;
  const tile: TileRef =
    levelText === 'entries'
      ? { kind: 'entries', index, width }
      : { kind: 'hash', level: Number(levelText), index, width };
  if (!isRepresentable(tileLevel(tile), index, width)) return null;
  // Leading zero groups (x000/…) match the pattern but are not what formatTilePath writes.
  return formatTilePath(tile) === path ? tile : null;
}

/** The stored nodes (tree level 8·level) whose hashes, concatenated, form hash tile (level, index, width). */
export function tileNodeRange(level: number, index: number, width: number): NodeRef[] {
  assertTile(level, index, width);
  const nodeLevel = TILE_HEIGHT * level;
  const first = index * TILE_WIDTH;
  const refs: NodeRef[] = new Array(width);
  for (let i = 0; i < width; i++) refs[i] = { level: nodeLevel, index: first + i };
  return refs;
}

/** The body of hash tile (level, index, width): its nodes' hashes concatenated, `width·32` bytes (C2SP tlog-tiles). */
export function assembleHashTile(level: number, index: number, width: number, nodes: NodeSource): Uint8Array {
  const refs = tileNodeRange(level, index, width);
  const read = nodeReader(nodes);
  const out = new Uint8Array(refs.length * HASH_SIZE);
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i] as NodeRef;
    out.set(read(ref.level, ref.index), i * HASH_SIZE);
  }
  return out;
}

/**
 * Whether a tree of `treeSize` leaves contains `tile` (full, or partial of exactly that width or a
 * narrower one a smaller checkpoint needed). Serve only tiles for which this is true.
 */
export function tileIsAvailable(tile: TileRef, treeSize: number): boolean {
  const level = tileLevel(tile);
  if (!isRepresentable(level, tile.index, tile.width) || !Number.isSafeInteger(treeSize) || treeSize < 0) return false;
  const nodesAtLevel = Math.floor(treeSize / 2 ** (TILE_HEIGHT * level));
  return tile.index * TILE_WIDTH + tile.width <= nodesAtLevel;
}

/** C2SP tlog-tiles entry bundle: each entry as a big-endian uint16 length followed by its bytes. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const entry of entries) {
    if (entry.length > MAX_BUNDLE_ENTRY_SIZE) {
      throw new RangeError(`entry of ${entry.length} bytes exceeds the ${MAX_BUNDLE_ENTRY_SIZE}-byte bundle limit`);
    }
    total += 2 + entry.length;
  }
  const out = new Uint8Array(total);
  let pos = 0;
  for (const entry of entries) {
    out[pos] = entry.length >>> 8;
    out[pos + 1] = entry.length & 0xff;
    out.set(entry, pos + 2);
    pos += 2 + entry.length;
  }
  return out;
}

/**
 * Splits an entry bundle into its entries (views into `bundle`, not copies). Throws a RangeError
 * when a length prefix runs past the end.
 */
export function decodeEntryBundle(bundle: Uint8Array): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let pos = 0;
  while (pos < bundle.length) {
    if (pos + 2 > bundle.length) throw new RangeError(`malformed entry bundle: truncated length at byte ${pos}`);
    const length = ((bundle[pos] as number) << 8) | (bundle[pos + 1] as number);
    const end = pos + 2 + length;
    if (end > bundle.length) throw new RangeError(`malformed entry bundle: entry at byte ${pos} runs past the end`);
    entries.push(bundle.subarray(pos + 2, end));
    pos = end;
  }
  return entries;
}
