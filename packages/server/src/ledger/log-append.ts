// The backend-independent half of an append: which stored nodes to read, and what to write.
// Stores call these inside their transaction. Every node is stored, leaves (level 0) included, so
// proofs and tiles never depend on event rows, which retention may delete.
import { appendLeaves, appendPlan, type NodeRef, nodeMap } from '@auditledge/core';

/** The complete subtrees on the right edge of a log of `size` leaves, largest first. */
export function rightEdgeRefs(size: number): NodeRef[] {
  return appendPlan(size);
}

export interface LogAppend {
  size: number;
  rootHash: Uint8Array;
  /** Every node the new leaves completed, their own leaf hashes (level 0) included. */
  nodes: { level: number; index: number; hash: Uint8Array }[];
}

/** Appends leaf hashes to a log of `size` leaves whose right-edge hashes are given in plan order. */
export function appendToLog(size: number, rightEdge: Uint8Array[], leafHashes: Uint8Array[]): LogAppend {
  const edge = nodeMap(appendPlan(size).map((ref, i) => ({ ...ref, hash: rightEdge[i] as Uint8Array })));
  const result = appendLeaves(size, edge, leafHashes);
  return { size: result.newSize, rootHash: result.rootHash, nodes: result.newNodes };
}
