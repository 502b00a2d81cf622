"""RFC 9162 (Certificate Transparency 2.0) Merkle tree hashing and proof verification.

Leaf hash ``SHA-256(0x00 ‖ data)``, interior node ``SHA-256(0x01 ‖ left ‖ right)``; a tree of
n > 1 leaves splits at the largest power of two smaller than n. The verifiers follow RFC 9162
§2.1.3.2 (inclusion) and §2.1.4.2 (consistency) step by step, and never raise on malformed
input: a malformed proof simply does not verify.

Hashes are ``bytes``; proof elements may be given as ``bytes`` or as standard base64 strings
(the API's encoding).
"""

import base64
import binascii
import hashlib
from typing import List, Optional, Sequence, Union

__all__ = [
    "HASH_SIZE",
    "EMPTY_ROOT",
    "leaf_hash",
    "node_hash",
    "root_from_leaf_hashes",
    "root_from_inclusion_proof",
    "verify_inclusion",
    "verify_consistency",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

HashLike = Union[bytes, bytearray, memoryview, str]


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 §2.1.1 leaf hash: ``SHA-256(0x00 ‖ data)``."""
    return hashlib.sha256(b"\x00" + bytes(data)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 §2.1.1 interior node hash: ``SHA-256(0x01 ‖ left ‖ right)``."""
    return hashlib.sha256(b"\x01" + bytes(left) + bytes(right)).digest()


def _to_hash(value: HashLike) -> Optional[bytes]:
    if isinstance(value, str):
        try:
            value = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return None
    if not isinstance(value, (bytes, bytearray, memoryview)):
        return None
    value = bytes(value)
    return value if len(value) == HASH_SIZE else None


def _to_proof(proof: Sequence[HashLike]) -> Optional[List[bytes]]:
    if isinstance(proof, (str, bytes, bytearray)) or proof is None:
        return None
    try:
        items = list(proof)
    except TypeError:
        return None
    out = []
    for item in items:
        h = _to_hash(item)
        if h is None:
            return None
        out.append(h)
    return out


def _is_count(n: object) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and n >= 0


def root_from_leaf_hashes(leaf_hashes: Sequence[bytes]) -> bytes:
    """The Merkle tree hash (MTH) of a list of leaf hashes (RFC 9162 §2.1.1); SHA-256("") when empty."""
    hashes = [bytes(h) for h in leaf_hashes]
    if not hashes:
        return EMPTY_ROOT

    def mth(lo: int, hi: int) -> bytes:
        n = hi - lo
        if n == 1:
            return hashes[lo]
        k = 1 << ((n - 1).bit_length() - 1)
        return node_hash(mth(lo, lo + k), mth(lo + k, hi))

    return mth(0, len(hashes))


def root_from_inclusion_proof(
    leaf_hash: HashLike, index: int, size: int, proof: Sequence[HashLike]
) -> Optional[bytes]:
    """The root implied by an inclusion proof (RFC 9162 §2.1.3.2 without the final comparison),
    or None when the input is malformed or the proof has the wrong length for (index, size)."""
    leaf = _to_hash(leaf_hash)
    path = _to_proof(proof)
    if leaf is None or path is None or not _is_count(index) or not _is_count(size) or index >= size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not (fn & 1) and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def verify_inclusion(
    leaf_hash: HashLike, index: int, size: int, proof: Sequence[HashLike], root: HashLike
) -> bool:
    """RFC 9162 §2.1.3.2: whether ``proof`` shows that leaf ``index`` (0-based) with ``leaf_hash``
    is in the tree of ``size`` leaves whose root is ``root``."""
    expected = _to_hash(root)
    if expected is None:
        return False
    got = root_from_inclusion_proof(leaf_hash, index, size, proof)
    return got is not None and got == expected


def verify_consistency(
    size1: int, size2: int, proof: Sequence[HashLike], root1: HashLike, root2: HashLike
) -> bool:
    """RFC 9162 §2.1.4.2: whether ``proof`` shows that the tree of ``size1`` leaves with ``root1``
    is a prefix of the tree of ``size2`` leaves with ``root2``.

    Outside the RFC's 0 < size1 < size2 (as transparency-dev/merkle): size1 == size2 needs an
    empty proof and equal roots; size1 == 0 needs an empty proof (the empty tree is a prefix of
    every tree).
    """
    first, second, path = _to_hash(root1), _to_hash(root2), _to_proof(proof)
    if first is None or second is None or path is None:
        return False
    if not _is_count(size1) or not _is_count(size2) or size1 > size2:
        return False
    if size1 == size2:
        return len(path) == 0 and first == second
    if size1 == 0:
        return len(path) == 0
    # Step 1.
    if not path:
        return False
    # Step 2: when size1 is a power of two the old root is a node of the new tree.
    if size1 & (size1 - 1) == 0:
        path = [first] + path
    # Step 3.
    fn, sn = size1 - 1, size2 - 1
    # Step 4.
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # Step 5.
    fr = sr = path[0]
    # Step 6.
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not (fn & 1) and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    # Step 7.
    return sn == 0 and fr == first and sr == second
