"""RFC 9162 proofs against the RFC 6962 reference vectors of transparency-dev/merkle
(testonly/constants.go and proof/verify_test.go; the same values as certificate-transparency-go)."""

import base64
import hashlib
import unittest

import support  # noqa: F401  (puts the package on sys.path)

from auditledge.merkle import (
    EMPTY_ROOT,
    leaf_hash,
    node_hash,
    root_from_inclusion_proof,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

h = bytes.fromhex

LEAF_INPUTS = [h(x) for x in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]]
LEAVES = [leaf_hash(data) for data in LEAF_INPUTS]

# RootHashes(), indexed by tree size (0 = empty tree).
ROOTS = [
    EMPTY_ROOT,
    h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    h("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    h("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    h("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    h("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
]

# NodeHashes() level 0: the leaf hashes.
LEVEL0 = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
    "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
    "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
]

# inclusionProofs: (1-based leaf, tree size, path).
INCLUSION = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (3, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (2, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip

# consistencyProofs: (size1, size2, path).
CONSISTENCY = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]  # fmt: skip

SOME_HASH = h("abacaba000000000000000000000000000000000000000000060061e00123456")


def flip(data: bytes, bit: int) -> bytes:
    return bytes([data[0] ^ bit]) + data[1:]


class TreeHashTest(unittest.TestCase):
    def test_leaf_hashes_match_reference_node_hashes(self):
        self.assertEqual([x.hex() for x in LEAVES], LEVEL0)

    def test_roots_of_every_prefix(self):
        self.assertEqual(EMPTY_ROOT.hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        for size in range(0, 9):
            self.assertEqual(root_from_leaf_hashes(LEAVES[:size]), ROOTS[size], f"size {size}")

    def test_node_hash_is_rfc9162(self):
        self.assertEqual(node_hash(LEAVES[0], LEAVES[1]), ROOTS[2])
        self.assertEqual(node_hash(b"a" * 32, b"b" * 32), hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest())


class InclusionTest(unittest.TestCase):
    def test_reference_vectors_verify(self):
        for leaf, size, path in INCLUSION:
            proof = [h(p) for p in path]
            with self.subTest(leaf=leaf, size=size):
                self.assertEqual(root_from_inclusion_proof(LEAVES[leaf - 1], leaf - 1, size, proof), ROOTS[size])
                self.assertTrue(verify_inclusion(LEAVES[leaf - 1], leaf - 1, size, proof, ROOTS[size]))
                # The API's encoding: standard base64.
                b64 = [base64.b64encode(p).decode() for p in proof]
                self.assertTrue(verify_inclusion(base64.b64encode(LEAVES[leaf - 1]).decode(), leaf - 1, size, b64, ROOTS[size]))

    def test_every_leaf_of_every_tree_against_a_computed_path(self):
        # Brute force: a path built from the recursive definition (RFC 9162 §2.1.3.1) verifies.
        def path(m, leaves):
            n = len(leaves)
            if n == 1:
                return []
            k = 1 << ((n - 1).bit_length() - 1)
            if m < k:
                return path(m, leaves[:k]) + [root_from_leaf_hashes(leaves[k:])]
            return path(m - k, leaves[k:]) + [root_from_leaf_hashes(leaves[:k])]

        leaves = [leaf_hash(bytes([i])) for i in range(33)]
        for size in range(1, 34):
            root = root_from_leaf_hashes(leaves[:size])
            for index in range(size):
                self.assertTrue(verify_inclusion(leaves[index], index, size, path(index, leaves[:size]), root))

    def test_corrupted_proofs_fail(self):
        # The probes of transparency-dev/merkle corruptInclusionProof.
        for leaf, size, path in INCLUSION[1:]:
            index, proof, root, lh = leaf - 1, [h(p) for p in path], ROOTS[size], LEAVES[leaf - 1]
            probes = [
                (index - 1, size, root, lh, proof),
                (index + 1, size, root, lh, proof),
                (index ^ 2, size, root, lh, proof),
                (index, size * 2, root, lh, proof),
                (index, size // 2, root, lh, proof),
                (index, size, root, b"WrongLeaf", proof),
                (index, size, EMPTY_ROOT, lh, proof),
                (index, size, SOME_HASH, lh, proof),
                (index, size, root, lh, proof + [b""]),
                (index, size, root, lh, proof + [root]),
                (index, size, root, lh, [b""] + proof),
                (index, size, root, lh, [root] + proof),
                (index, size, root, lh, proof[:-1]),
            ]
            for i in range(len(proof)):
                probes.append((index, size, root, lh, proof[:i] + [flip(proof[i], 8)] + proof[i + 1 :]))
            if len(proof) > 1:
                probes.append((index, size, root, lh, [proof[0], SOME_HASH] + proof[1:]))
            for n, (i, s, r, l, p) in enumerate(probes):
                with self.subTest(leaf=leaf, size=size, probe=n):
                    self.assertFalse(verify_inclusion(l, i, s, p, r))

    def test_degenerate_inputs_fail_without_raising(self):
        for index, size in [(0, 0), (0, 1), (1, 0), (2, 1)]:
            self.assertFalse(verify_inclusion(SOME_HASH, index, size, [], b""))
            self.assertFalse(verify_inclusion(b"", index, size, [], EMPTY_ROOT))
            self.assertFalse(verify_inclusion(SOME_HASH, index, size, [], EMPTY_ROOT))
        self.assertFalse(verify_inclusion(SOME_HASH, -1, 4, [], SOME_HASH))
        self.assertFalse(verify_inclusion(SOME_HASH, 0, 1, "not a list", SOME_HASH))
        self.assertFalse(verify_inclusion(SOME_HASH, 0, 2, ["%%%not base64"], SOME_HASH))
        self.assertFalse(verify_inclusion(SOME_HASH, True, 2, [SOME_HASH], SOME_HASH))
        # Single entry: root == leaf hash, empty proof (TestVerifyInclusionSingleEntry).
        one = leaf_hash(b"data")
        self.assertTrue(verify_inclusion(one, 0, 1, [], one))
        self.assertFalse(verify_inclusion(b"", 0, 1, [], one))
        self.assertFalse(verify_inclusion(one, 0, 1, [], b""))

    def test_huge_tree_sizes(self):
        # Indices beyond 2^53 work (Python integers); the proof length must still match.
        size = (1 << 60) + 3
        self.assertIsNone(root_from_inclusion_proof(SOME_HASH, size - 1, size, [SOME_HASH]))


class ConsistencyTest(unittest.TestCase):
    def test_reference_vectors_verify(self):
        for size1, size2, path in CONSISTENCY:
            with self.subTest(size1=size1, size2=size2):
                self.assertTrue(verify_consistency(size1, size2, [h(p) for p in path], ROOTS[size1], ROOTS[size2]))

    def test_corrupted_proofs_fail(self):
        # The probes of transparency-dev/merkle corruptConsistencyProof (non-trivial proofs only).
        for size1, size2, path in CONSISTENCY:
            proof = [h(p) for p in path]
            if not proof:
                continue
            r1, r2 = ROOTS[size1], ROOTS[size2]
            wrong = hashlib.sha256(b"WrongRoot").digest()
            probes = [
                (size1 - 1, size2, r1, r2, proof),
                (size1 + 1, size2, r1, r2, proof),
                (size1 ^ 2, size2, r1, r2, proof),
                (size1, size2 * 2, r1, r2, proof),
                (size1, size2 // 2, r1, r2, proof),
                (size1, size2, wrong, r2, proof),
                (size1, size2, r1, wrong, proof),
                (size1, size2, r2, r1, proof),
                (size1, size2, r1, r2, []),
                (size1, size2, r1, r2, proof + [b""]),
                (size1, size2, r1, r2, proof + [r1]),
                (size1, size2, r1, r2, proof + [r2]),
                (size1, size2, r1, r2, [b""] + proof),
                (size1, size2, r1, r2, [r1] + proof),
                (size1, size2, r1, r2, [r2] + proof),
                (size1, size2, r1, r2, [proof[0]] + proof),
                (size1, size2, r1, r2, proof[:-1]),
            ]
            for i in range(len(proof)):
                probes.append((size1, size2, r1, r2, proof[:i] + [flip(proof[i], 16)] + proof[i + 1 :]))
            for n, (s1, s2, a, b, p) in enumerate(probes):
                with self.subTest(size1=size1, size2=size2, probe=n):
                    self.assertFalse(verify_consistency(s1, s2, p, a, b))

    def test_edge_cases(self):
        # TestVerifyConsistency, with 32-byte stand-ins for the "don't care" roots.
        root1, root2 = hashlib.sha256(b"don't care 1").digest(), hashlib.sha256(b"don't care 2").digest()
        cases = [
            (0, 0, root1, root2, [], False),
            (1, 1, root1, root2, [], False),
            (0, 0, root1, root1, [], True),
            (0, 1, root1, root2, [], True),
            (1, 1, root2, root2, [], True),
            (1, 0, root1, root2, [], False),
            (2, 1, root1, root2, [], False),
            (1, 2, root1, root2, [], False),
            (0, 0, EMPTY_ROOT, root2, [], False),
            (1, 1, EMPTY_ROOT, root2, [], False),
            (0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
            (0, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
            (1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
        ]
        for s1, s2, a, b, p, want in cases:
            with self.subTest(size1=s1, size2=s2):
                self.assertEqual(verify_consistency(s1, s2, p, a, b), want)

    def test_all_prefixes_of_a_33_leaf_tree(self):
        def subproof(m, leaves, complete):
            n = len(leaves)
            if m == n:
                return [] if complete else [root_from_leaf_hashes(leaves)]
            k = 1 << ((n - 1).bit_length() - 1)
            if m <= k:
                return subproof(m, leaves[:k], complete) + [root_from_leaf_hashes(leaves[k:])]
            return subproof(m - k, leaves[k:], False) + [root_from_leaf_hashes(leaves[:k])]

        leaves = [leaf_hash(b"x" + bytes([i])) for i in range(33)]
        roots = [root_from_leaf_hashes(leaves[:n]) for n in range(34)]
        for size2 in range(1, 34):
            for size1 in range(1, size2):
                proof = subproof(size1, leaves[:size2], True)
                self.assertTrue(verify_consistency(size1, size2, proof, roots[size1], roots[size2]), (size1, size2))
                self.assertFalse(verify_consistency(size1, size2, proof, roots[size1 - 1] if size1 > 1 else SOME_HASH, roots[size2]))


if __name__ == "__main__":
    unittest.main()
