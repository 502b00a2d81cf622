import { describe, expect, it } from 'vitest';
import { appendLeaves, nodeMap, storedHashIndex } from './index.js';

describe('storedHashIndex', () => {
  it('numbers nodes 0, 1, 2, … in exactly the order appends complete them', () => {
    // appendLeaves reports nodes in completion order; their indexes must count up without gaps.
    let size = 0;
    let edge = nodeMap([]);
    const order: number[] = [];
    for (const batch of [1, 1, 3, 7, 2, 50, 1, 64]) {
      const leaves = Array.from({ length: batch }, () => new Uint8Array(32));
      const result = appendLeaves(size, edge, leaves);
      order.push(...result.newNodes.map((node) => storedHashIndex(node.level, node.index)));
      size = result.newSize;
      edge = nodeMap(result.rightEdge);
    }
    expect(order).toEqual(Array.from({ length: order.length }, (_, i) => i));
  });

  it('matches golang.org/x/mod/sumdb/tlog StoredHashIndex for known values', () => {
    // From tlog.go's doc comment: level-0 hashes 0,1 are at 0,1; level-1 hash 0 at 2; leaf 2 at 3.
    expect([storedHashIndex(0, 0), storedHashIndex(0, 1), storedHashIndex(1, 0), storedHashIndex(0, 2)]).toEqual([
      0, 1, 2, 3,
    ]);
    expect([storedHashIndex(0, 3), storedHashIndex(1, 1), storedHashIndex(2, 0)]).toEqual([4, 5, 6]);
  });
});
