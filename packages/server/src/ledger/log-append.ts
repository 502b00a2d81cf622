// The backend-independent half of an append: which stored nodes to read, and what to write.
// Stores call these inside their transaction; level-0 nodes live in the events table itself.
import { appendLeaves, appendPlan, type NodeRef, nodeMap } from '@auditledge/core';

/** The complete subtrees on the right edge of a log of `size` leaves, largest first. */
export function rightEdgeRefs(size: number): NodeRef[] {
  return appendPlan(size);
}

export interface LogAppend {
  size: number;
  rootHash: Uint8Array;
  /** Nodes at level >= 1 that the new leaves completed; leaf hashes are stored with the events. */
  nodes: { level: number; index: number; hash: Uint8Array }[];
}

/** Appends leaf hashes to a log of `size` leaves whose right-edge hashes are given in plan order. */
export function appendToLog(size: number, rightEdge: Uint8Array[], leafHashes: Uint8Array[]): LogAppend {
  const edge = nodeMap(appendPlan(size).map((ref, i) => ({ ...ref, hash: rightEdge[i] as Uint8Array })));
  const result = appendLeaves(size, edge, leafHashes);
  return { size: result.newSize, rootHash: result.rootHash, nodes: result.newNodes.filter((node) => node.level > 0) };
}
