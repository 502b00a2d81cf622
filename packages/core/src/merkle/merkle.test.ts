import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendLeaves,
  appendPlan,
  assembleConsistencyProof,
  assembleInclusionProof,
  assembleTreeHash,
  consistencyProofPlan,
  createInclusionVerifier,
  EMPTY_ROOT,
  inclusionProofPlan,
  leafHash,
  MissingNodeError,
  type NodeRef,
  nodeHash,
  nodeKey,
  nodeMap,
  rootFromInclusionProof,
  rootFromLeafHashes,
  treeHashPlan,
  verifyConsistency,
  verifyInclusion,
} from './index.js';

// ---- helpers: hex, and a literal transcription of the recursive RFC 9162 definitions ---------------

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

function unhex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const hexAll = (hashes: readonly Uint8Array[]) => hashes.map(hex);

function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** RFC 9162 §2.1.1 MTH, recursively. */
function referenceRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0] as Uint8Array;
  const k = split(leaves.length);
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]), recursively. */
function referencePath(m: number, leaves: readonly Uint8Array[]): Uint8Array[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  if (m < k) return [...referencePath(m, leaves.slice(0, k)), referenceRoot(leaves.slice(k))];
  return [...referencePath(m - k, leaves.slice(k)), referenceRoot(leaves.slice(0, k))];
}

/** RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], b), recursively. */
function referenceSubproof(m: number, leaves: readonly Uint8Array[], b: boolean): Uint8Array[] {
  const n = leaves.length;
  if (m === n) return b ? [] : [referenceRoot(leaves)];
  const k = split(n);
  if (m <= k) return [...referenceSubproof(m, leaves.slice(0, k), b), referenceRoot(leaves.slice(k))];
  return [...referenceSubproof(m - k, leaves.slice(k), false), referenceRoot(leaves.slice(0, k))];
}

/** Builds a log through appendLeaves in the given batch sizes; returns every stored node. */
function buildLog(leaves: readonly Uint8Array[], batchSizes: readonly number[] = [leaves.length]) {
  const store = new Map<string, Uint8Array>();
  const roots: Uint8Array[] = [EMPTY_ROOT];
  let size = 0;
  let b = 0;
  while (size < leaves.length) {
    const batch = Math.min(Math.max(1, batchSizes[b++ % batchSizes.length] ?? 1), leaves.length - size);
    const edge = nodeMap(
      appendPlan(size).map((ref) => ({ ...ref, hash: store.get(nodeKey(ref.level, ref.index)) as Uint8Array })),
    );
    const result = appendLeaves(size, edge, leaves.slice(size, size + batch));
    for (const node of result.newNodes) {
      expect(store.has(nodeKey(node.level, node.index))).toBe(false);
      store.set(nodeKey(node.level, node.index), node.hash);
    }
    size = result.newSize;
    roots[size] = result.rootHash;
  }
  return { store, roots };
}

// ---- RFC 6962 / RFC 9162 reference vectors ------------------------------------------------------------
// The 8-leaf test tree used across Certificate Transparency implementations. Roots, inclusion paths
// and consistency paths copied from github.com/transparency-dev/merkle proof/verify_test.go
// (the same values as google/certificate-transparency-go merkle tests). Its inclusion vectors give
// the leaf as a 1-based number; they are converted to 0-based indexes here.

const LEAF_DATA = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const LEAVES = LEAF_DATA.map((d) => leafHash(unhex(d)));

const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const INCLUSION_VECTORS: { index: number; size: number; proof: string[] }[] = [
  { index: 0, size: 1, proof: [] },
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];

const CONSISTENCY_VECTORS: { from: number; to: number; proof: string[] }[] = [
  { from: 1, to: 1, proof: [] },
  {
    from: 1,
    to: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    from: 6,
    to: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    from: 2,
    to: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    from: 6,
    to: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

const SOME_HASH = unhex('abacaba000000000000000000000000000000000000000000060061e00123456');

describe('RFC 6962 reference vectors', () => {
  const { store, roots } = buildLog(LEAVES, [1]);

  it('hashes the empty tree to SHA-256("")', () => {
    expect(hex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(rootFromLeafHashes([]))).toBe(hex(EMPTY_ROOT));
    expect(hex(assembleTreeHash(0, new Map()))).toBe(hex(EMPTY_ROOT));
  });

  it('computes the published root of every prefix size 1..8, by every method', () => {
    for (let size = 1; size <= 8; size++) {
      const want = ROOTS[size - 1];
      expect(hex(rootFromLeafHashes(LEAVES.slice(0, size)))).toBe(want);
      expect(hex(referenceRoot(LEAVES.slice(0, size)))).toBe(want);
      expect(hex(roots[size] as Uint8Array)).toBe(want);
      expect(hex(assembleTreeHash(size, store))).toBe(want);
    }
  });

  it('assembles the published inclusion paths from stored nodes, and they verify', () => {
    for (const v of INCLUSION_VECTORS) {
      const proof = assembleInclusionProof(v.index, v.size, store);
      expect(hexAll(proof)).toEqual(v.proof);
      const root = unhex(ROOTS[v.size - 1] as string);
      expect(verifyInclusion(LEAVES[v.index] as Uint8Array, v.index, v.size, proof, root)).toBe(true);
      expect(hex(rootFromInclusionProof(LEAVES[v.index] as Uint8Array, v.index, v.size, proof) as Uint8Array)).toBe(
        hex(root),
      );
    }
  });

  it('assembles the published consistency paths from stored nodes, and they verify', () => {
    for (const v of CONSISTENCY_VECTORS) {
      const proof = assembleConsistencyProof(v.from, v.to, store);
      expect(hexAll(proof)).toEqual(v.proof);
      const fromRoot = unhex(ROOTS[v.from - 1] as string);
      const toRoot = unhex(ROOTS[v.to - 1] as string);
      expect(verifyConsistency(v.from, v.to, proof, fromRoot, toRoot)).toBe(true);
    }
  });

  it('matches the recursive RFC definitions for every (index, size) and (from, to) of the 8-leaf tree', () => {
    for (let size = 1; size <= 8; size++) {
      for (let index = 0; index < size; index++) {
        const want = referencePath(index, LEAVES.slice(0, size));
        expect(hexAll(assembleInclusionProof(index, size, store))).toEqual(hexAll(want));
      }
      for (let from = 1; from < size; from++) {
        const want = referenceSubproof(from, LEAVES.slice(0, size), true);
        expect(hexAll(assembleConsistencyProof(from, size, store))).toEqual(hexAll(want));
      }
    }
  });

  // Ports of the corruption probes in transparency-dev/merkle proof/verify_test.go.
  it('rejects corrupted inclusion proofs', () => {
    for (const v of INCLUSION_VECTORS.filter((x) => x.proof.length > 0)) {
      const proof = v.proof.map(unhex);
      const root = unhex(ROOTS[v.size - 1] as string);
      const leaf = LEAVES[v.index] as Uint8Array;
      const probes: [number, number, Uint8Array, Uint8Array[], Uint8Array][] = [
        [v.index - 1, v.size, leaf, proof, root],
        [v.index + 1, v.size, leaf, proof, root],
        [v.index ^ 2, v.size, leaf, proof, root],
        [v.index, v.size * 2, leaf, proof, root],
        [v.index, Math.floor(v.size / 2), leaf, proof, root],
        [v.index, v.size, new TextEncoder().encode('WrongLeaf'), proof, root],
        [v.index, v.size, leaf, proof, EMPTY_ROOT],
        [v.index, v.size, leaf, proof, SOME_HASH],
        [v.index, v.size, leaf, [...proof, new Uint8Array(0)], root],
        [v.index, v.size, leaf, [...proof, root], root],
        [v.index, v.size, leaf, [new Uint8Array(0), ...proof], root],
        [v.index, v.size, leaf, [root, ...proof], root],
        [v.index, v.size, leaf, proof.slice(0, -1), root],
      ];
      if (proof.length > 1)
        probes.push([v.index, v.size, leaf, [proof[0] as Uint8Array, SOME_HASH, ...proof.slice(1)], root]);
      for (let i = 0; i < proof.length; i++) {
        const wrong: Uint8Array[] = proof.map((p) => new Uint8Array(p));
        wrong[i] = flipBit(wrong[i] as Uint8Array, 3);
        probes.push([v.index, v.size, leaf, wrong, root]);
      }
      for (const [index, size, l, p, r] of probes) {
        expect(verifyInclusion(l, index, size, p, r)).toBe(false);
      }
    }
  });

  it('rejects corrupted consistency proofs', () => {
    for (const v of CONSISTENCY_VECTORS.filter((x) => x.proof.length > 0)) {
      const proof = v.proof.map(unhex);
      const root1 = unhex(ROOTS[v.from - 1] as string);
      const root2 = unhex(ROOTS[v.to - 1] as string);
      const wrongRoot = new TextEncoder().encode('WrongRoot');
      const probes: [number, number, Uint8Array[], Uint8Array, Uint8Array][] = [
        [v.from - 1, v.to, proof, root1, root2],
        [v.from + 1, v.to, proof, root1, root2],
        [v.from ^ 2, v.to, proof, root1, root2],
        [v.from, v.to * 2, proof, root1, root2],
        [v.from, Math.floor(v.to / 2), proof, root1, root2],
        [v.from, v.to, proof, wrongRoot, root2],
        [v.from, v.to, proof, root1, wrongRoot],
        [v.from, v.to, proof, root2, root1],
        [v.from, v.to, [], root1, root2],
        [v.from, v.to, [...proof, new Uint8Array(0)], root1, root2],
        [v.from, v.to, [...proof, root1], root1, root2],
        [v.from, v.to, [...proof, root2], root1, root2],
        [v.from, v.to, [new Uint8Array(0), ...proof], root1, root2],
        [v.from, v.to, [root1, ...proof], root1, root2],
        [v.from, v.to, [root2, ...proof], root1, root2],
        [v.from, v.to, [proof[0] as Uint8Array, ...proof], root1, root2],
        [v.from, v.to, proof.slice(0, -1), root1, root2],
      ];
      for (let i = 0; i < proof.length; i++) {
        const wrong: Uint8Array[] = proof.map((p) => new Uint8Array(p));
        wrong[i] = flipBit(wrong[i] as Uint8Array, 4);
        probes.push([v.from, v.to, wrong, root1, root2]);
      }
      for (const [from, to, p, r1, r2] of probes) {
        expect(verifyConsistency(from, to, p, r1, r2)).toBe(false);
      }
    }
  });
});

describe('verification edge cases', () => {
  const leaf = leafHash(new TextEncoder().encode('data'));

  it('a one-leaf tree: root equals the leaf hash and the proof is empty', () => {
    expect(verifyInclusion(leaf, 0, 1, [], leaf)).toBe(true);
    expect(verifyInclusion(leaf, 0, 1, [], new Uint8Array(0))).toBe(false);
    expect(verifyInclusion(new Uint8Array(0), 0, 1, [], leaf)).toBe(false);
    expect(verifyInclusion(leaf, 0, 1, [leaf], leaf)).toBe(false);
  });

  it('index >= size, and impossible numbers, never verify', () => {
    for (const [index, size] of [
      [0, 0],
      [1, 0],
      [1, 1],
      [2, 1],
      [-1, 1],
      [0.5, 2],
      [0, Number.NaN],
      [0, 2 ** 53],
    ] as const) {
      expect(verifyInclusion(leaf, index, size, [], leaf)).toBe(false);
      expect(rootFromInclusionProof(leaf, index, size, [])).toBeNull();
    }
  });

  it('never throws on malformed proofs', () => {
    const junk = [null, undefined, 'abc', [1, 2], [new Uint8Array(31)], {}, [null]] as unknown as Uint8Array[][];
    for (const proof of junk) {
      expect(verifyInclusion(leaf, 0, 2, proof, leaf)).toBe(false);
      expect(verifyConsistency(1, 2, proof, leaf, leaf)).toBe(false);
    }
    expect(verifyInclusion(null as unknown as Uint8Array, 0, 2, [leaf], leaf)).toBe(false);
    expect(verifyConsistency(1, 2, [leaf], null as unknown as Uint8Array, leaf)).toBe(false);
  });

  it('consistency: equal sizes need an empty proof and equal roots', () => {
    expect(verifyConsistency(1, 1, [], leaf, leaf)).toBe(true);
    expect(verifyConsistency(5, 5, [], SOME_HASH, SOME_HASH)).toBe(true);
    expect(verifyConsistency(1, 1, [], leaf, SOME_HASH)).toBe(false);
    expect(verifyConsistency(1, 1, [EMPTY_ROOT], leaf, leaf)).toBe(false);
  });

  it('consistency: the empty tree is a prefix of every tree, with an empty proof', () => {
    expect(verifyConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)).toBe(true);
    expect(verifyConsistency(0, 1, [], EMPTY_ROOT, leaf)).toBe(true);
    expect(verifyConsistency(0, 1, [EMPTY_ROOT], EMPTY_ROOT, leaf)).toBe(false);
    expect(verifyConsistency(0, 0, [], EMPTY_ROOT, leaf)).toBe(false);
    // The size-0 root is fixed by RFC 9162 §2.1.1; a checkpoint claiming another one is bogus.
    expect(verifyConsistency(0, 1, [], leaf, leaf)).toBe(false);
  });

  it('consistency: going backwards or an empty proof for 0 < from < to fails', () => {
    expect(verifyConsistency(2, 1, [], leaf, leaf)).toBe(false);
    expect(verifyConsistency(1, 0, [], EMPTY_ROOT, EMPTY_ROOT)).toBe(false);
    expect(verifyConsistency(1, 2, [], leaf, leaf)).toBe(false);
  });

  it('plans refuse impossible coordinates', () => {
    expect(() => inclusionProofPlan(3, 3)).toThrow(RangeError);
    expect(() => inclusionProofPlan(-1, 3)).toThrow(RangeError);
    expect(() => consistencyProofPlan(4, 3)).toThrow(RangeError);
    expect(() => treeHashPlan(2 ** 53)).toThrow(RangeError);
    expect(consistencyProofPlan(0, 5)).toEqual([]);
    expect(consistencyProofPlan(5, 5)).toEqual([]);
    expect(treeHashPlan(0)).toEqual([]);
  });

  it('assemblers fail loudly when the store lacks a planned node', () => {
    const { store } = buildLog(LEAVES);
    store.delete(nodeKey(1, 1));
    expect(() => assembleInclusionProof(0, 8, store)).toThrow(MissingNodeError);
    expect(() => assembleTreeHash(8, new Map())).toThrow(MissingNodeError);
    expect(() => appendLeaves(3, () => new Uint8Array(5), [leaf])).toThrow(MissingNodeError);
    expect(() => appendLeaves(0, new Map(), [new Uint8Array(31)])).toThrow(RangeError);
  });

  it('accepts a lookup function as well as a Map', () => {
    const { store } = buildLog(LEAVES);
    const proof = assembleInclusionProof(6, 7, (level, index) => store.get(nodeKey(level, index)));
    expect(hexAll(proof)).toEqual(hexAll(referencePath(6, LEAVES.slice(0, 7))));
  });

  it('plans stay O(log n) for huge trees', () => {
    const size = 2 ** 53 - 1;
    expect(treeHashPlan(size)).toHaveLength(53);
    expect(inclusionProofPlan(2 ** 52 + 12345, size).length).toBeLessThanOrEqual(2 * 53);
    expect(consistencyProofPlan(2 ** 40 + 3, size).length).toBeLessThanOrEqual(2 * 53);
    const refs: NodeRef[] = appendPlan(size);
    expect(refs[0]).toEqual({ level: 52, index: 0 });
    expect(refs[52]).toEqual({ level: 0, index: size - 1 });
  });
});

// ---- properties ----------------------------------------------------------------------------------------

const POOL_SIZE = 3000;
const POOL = Array.from({ length: POOL_SIZE }, (_, i) => leafHash(new TextEncoder().encode(`event ${i}`)));

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = new Uint8Array(bytes); // Buffer#slice would alias
  copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7));
  return copy;
}

describe('properties (fast-check)', () => {
  const logArb = fc.record({
    size: fc.integer({ min: 1, max: POOL_SIZE }),
    batches: fc.array(fc.integer({ min: 1, max: 1100 }), { minLength: 1, maxLength: 8 }),
  });

  it('appendLeaves in any batch split stores every complete node once and yields the MTH', () => {
    fc.assert(
      fc.property(logArb, ({ size, batches }) => {
        const leaves = POOL.slice(0, size);
        const { store, roots } = buildLog(leaves, batches);
        let expectedNodes = 0;
        for (let level = 0; 2 ** level <= size; level++) expectedNodes += Math.floor(size / 2 ** level);
        expect(store.size).toBe(expectedNodes);
        expect(hex(roots[size] as Uint8Array)).toBe(hex(rootFromLeafHashes(leaves)));
        for (const [s, root] of roots.entries()) {
          if (root !== undefined) expect(hex(assembleTreeHash(s, store))).toBe(hex(root));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('rootFromLeafHashes agrees with the recursive RFC definition', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), (size) => {
        expect(hex(rootFromLeafHashes(POOL.slice(0, size)))).toBe(hex(referenceRoot(POOL.slice(0, size))));
      }),
      { numRuns: 60 },
    );
  });

  it('every assembled inclusion proof verifies; any one-bit change or a different index fails', () => {
    const { store } = buildLog(POOL, [977, 1, 256, 3]);
    const rootCache = new Map<number, Uint8Array>();
    const rootOf = (size: number) => {
      let root = rootCache.get(size);
      if (root === undefined) {
        root = assembleTreeHash(size, store);
        rootCache.set(size, root);
      }
      return root;
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: POOL_SIZE }).chain((size) =>
          fc.record({
            size: fc.constant(size),
            index: fc.integer({ min: 0, max: size - 1 }),
            bit: fc.nat(),
            other: fc.nat(),
          }),
        ),
        ({ size, index, bit, other }) => {
          const leaf = POOL[index] as Uint8Array;
          const root = rootOf(size);
          const proof = assembleInclusionProof(index, size, store);
          expect(proof.length).toBe(inclusionProofPlanLength(index, size));
          expect(inclusionProofPlan(index, size).length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(size + 1)));
          expect(hexAll(proof)).toEqual(hexAll(referencePath(index, POOL.slice(0, size))));
          expect(verifyInclusion(leaf, index, size, proof, root)).toBe(true);

          // One bit anywhere in (leaf hash, proof elements, root).
          const totalBits = 256 * (proof.length + 2);
          const b = bit % totalBits;
          if (b < 256) {
            expect(verifyInclusion(flipBit(leaf, b), index, size, proof, root)).toBe(false);
          } else if (b >= 256 * (proof.length + 1)) {
            expect(verifyInclusion(leaf, index, size, proof, flipBit(root, b % 256))).toBe(false);
          } else {
            const i = Math.floor(b / 256) - 1;
            const tampered = proof.map((p, j) => (j === i ? flipBit(p, b % 256) : p));
            expect(verifyInclusion(leaf, index, size, tampered, root)).toBe(false);
          }

          // Another index in the same tree.
          if (size > 1) {
            const otherIndex = (index + 1 + (other % (size - 1))) % size;
            expect(verifyInclusion(leaf, otherIndex, size, proof, root)).toBe(false);
          }
          // Sizes whose path has another shape (RFC 9162 binds size through the signed checkpoint;
          // a size with an identical path shape, such as index 0 in sizes 3 and 4, is not detectable here).
          for (const otherSize of [size * 2, Math.floor(size / 2), size + 1, size - 1]) {
            if (otherSize <= index || otherSize === size) continue;
            if (inclusionProofPlanLength(index, otherSize) === proof.length) continue;
            expect(verifyInclusion(leaf, index, otherSize, proof, root)).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('createInclusionVerifier gives the same verdicts as verifyInclusion, across many proofs', () => {
    const size = 2500;
    const { store } = buildLog(POOL.slice(0, size), [1000]);
    const root = assembleTreeHash(size, store);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ index: fc.integer({ min: 0, max: size - 1 }), tamper: fc.nat({ max: 9 }), bit: fc.nat() }),
          {
            minLength: 1,
            maxLength: 300,
          },
        ),
        (queries) => {
          const verifier = createInclusionVerifier(size, root);
          for (const { index, tamper, bit } of queries) {
            let leaf = POOL[index] as Uint8Array;
            let proof = assembleInclusionProof(index, size, store);
            let claimed = index;
            // Mostly honest proofs, so the cache fills; some tampered at any position, above or below it.
            if (tamper === 1) leaf = flipBit(leaf, bit % 256);
            if (tamper === 2) {
              const i = bit % proof.length;
              proof = proof.map((p, j) => (j === i ? flipBit(p, (bit >> 8) % 256) : p));
            }
            if (tamper === 3) claimed = (index + 1 + (bit % (size - 1))) % size;
            if (tamper === 4) proof = proof.slice(0, -1);
            if (tamper === 5) proof = [...proof, root];
            expect(verifier.verify(leaf, claimed, proof)).toBe(verifyInclusion(leaf, claimed, size, proof, root));
            if (tamper === 0) expect(verifier.verify(leaf, claimed, proof)).toBe(true);
          }
        },
      ),
      { numRuns: 30 },
    );
    expect(createInclusionVerifier(size, new Uint8Array(3)).verify(POOL[0] as Uint8Array, 0, [])).toBe(false);
  });

  it('every assembled consistency proof verifies; any one-bit change or other sizes fail', () => {
    const { store } = buildLog(POOL, [1000, 7, 64]);
    const rootCache = new Map<number, Uint8Array>();
    const rootOf = (size: number) => {
      let root = rootCache.get(size);
      if (root === undefined) {
        root = assembleTreeHash(size, store);
        rootCache.set(size, root);
      }
      return root;
    };
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: POOL_SIZE })
          .chain((to) => fc.record({ to: fc.constant(to), from: fc.integer({ min: 0, max: to }), bit: fc.nat() })),
        ({ from, to, bit }) => {
          const proof = assembleConsistencyProof(from, to, store);
          expect(consistencyProofPlan(from, to).length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(to + 1)));
          if (from > 0 && from < to) {
            expect(hexAll(proof)).toEqual(hexAll(referenceSubproof(from, POOL.slice(0, to), true)));
          } else {
            expect(proof).toEqual([]);
          }
          const r1 = rootOf(from);
          const r2 = rootOf(to);
          expect(verifyConsistency(from, to, proof, r1, r2)).toBe(true);

          const totalBits = 256 * (proof.length + 2);
          const b = bit % totalBits;
          if (b < 256) {
            expect(verifyConsistency(from, to, proof, flipBit(r1, b), r2)).toBe(false);
          } else if (b >= 256 * (proof.length + 1)) {
            // Every tree extends the empty tree, whatever its root.
            const expected = from === 0 && to > 0;
            expect(verifyConsistency(from, to, proof, r1, flipBit(r2, b % 256))).toBe(expected);
          } else {
            const i = Math.floor(b / 256) - 1;
            const tampered = proof.map((p, j) => (j === i ? flipBit(p, b % 256) : p));
            expect(verifyConsistency(from, to, tampered, r1, r2)).toBe(false);
          }

          // As for inclusion, sizes are bound by the signed checkpoints: only claims whose proof would
          // have another length are detectable from the proof alone (e.g. 1→35 and 1→36 hash alike).
          if (from > 0 && from < to) {
            for (const [f, t] of [
              [from - 1, to],
              [from + 1, to],
              [from, to + 1],
              [from, to - 1],
              [from, to * 2],
            ] as const) {
              if (f > 0 && f < t && subproofLength(f, t, true) === proof.length) continue;
              expect(verifyConsistency(f, t, proof, r1, r2)).toBe(false);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

function inclusionProofPlanLength(index: number, size: number): number {
  let n = 0;
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = split(hi - lo);
    if (index < lo + k) hi = lo + k;
    else lo += k;
    n++;
  }
  return n;
}

function subproofLength(m: number, n: number, b: boolean): number {
  if (m === n) return b ? 0 : 1;
  const k = split(n);
  return 1 + (m <= k ? subproofLength(m, k, b) : subproofLength(m - k, n - k, false));
}
