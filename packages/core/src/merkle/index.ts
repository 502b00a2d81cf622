// RFC 9162 Merkle tree over stored nodes, proofs and their verification, C2SP tlog-tiles helpers.
export { EMPTY_ROOT, HASH_SIZE, leafHash, nodeHash } from './hash.js';
export {
  MissingNodeError,
  type NodeLookup,
  type NodeRef,
  type NodeSource,
  nodeKey,
  nodeMap,
  type StoredNode,
  storedHashIndex,
} from './nodes.js';
export {
  assembleConsistencyProof,
  assembleInclusionProof,
  consistencyProofPlan,
  inclusionProofPlan,
} from './proof.js';
export {
  assembleHashTile,
  decodeEntryBundle,
  encodeEntryBundle,
  formatTilePath,
  MAX_BUNDLE_ENTRY_SIZE,
  MAX_TILE_LEVEL,
  parseTilePath,
  TILE_HEIGHT,
  TILE_WIDTH,
  type TileRef,
  tileIsAvailable,
  tileNodeRange,
} from './tiles.js';
export {
  type AppendResult,
  appendLeaves,
  appendPlan,
  assembleTreeHash,
  rootFromLeafHashes,
  treeHashPlan,
} from './tree.js';
export {
  createInclusionVerifier,
  type InclusionVerifier,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './verify.js';
