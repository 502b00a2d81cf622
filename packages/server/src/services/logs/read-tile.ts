// C2SP tlog-tiles resources: hash tiles and entry bundles, full or partial (`.p/<width>`).
import {
  assembleHashTile,
  encodeEntryBundle,
  parseTilePath,
  TILE_HEIGHT,
  tileIsAvailable,
  tileNodeRange,
} from '@auditledge/core';
import type { AppContext, Caller } from '../../context.js';
import { AppError } from '../../errors.js';
import { loadLog } from './load-log.js';

export interface Tile {
  bytes: Uint8Array;
  /** Full tiles never change; partial tiles are superseded as the log grows. */
  immutable: boolean;
}

export async function readTile(
  ctx: AppContext,
  caller: Caller,
  input: { organizationId: string; path: string },
): Promise<Tile> {
  const tile = parseTilePath(`tile/${input.path}`);
  if (!tile) throw new AppError('not_found', `tile/${input.path} is not a tile path`);
  const head = await loadLog(ctx, caller, input.organizationId);
  if (!tileIsAvailable(tile, head.size)) {
    throw new AppError('not_found', `tile/${input.path} does not exist in a log of ${head.size} leaves`);
  }
  const immutable = tile.width === 256;
  if (tile.kind === 'hash') {
    const nodes = await ctx.store.readNodes(head.log_id, tileNodeRange(tile.level, tile.index, tile.width));
    return { bytes: assembleHashTile(tile.level, tile.index, tile.width, nodes), immutable };
  }
  const start = tile.index * 2 ** TILE_HEIGHT;
  const leaves = await ctx.store.readLeaves(head.log_id, start, start + tile.width);
  if (leaves.length !== tile.width) {
    throw new AppError(
      'gone',
      'some entries of this bundle were deleted by retention; their leaf hashes remain in the hash tiles',
    );
  }
  const encoder = new TextEncoder();
  return { bytes: encodeEntryBundle(leaves.map((leaf) => encoder.encode(leaf))), immutable };
}
