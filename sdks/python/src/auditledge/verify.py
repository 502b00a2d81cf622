"""End-to-end verification of one event against a pinned verifier key (docs/verification.md §6):

1. the checkpoint note's Ed25519 signature by the pinned key, then its tree size and root;
2. the leaf: its hash equals the event's ``leaf_hash``, it is the event as shown (the event's
   fields, with each disclosed personal value replaced by its salted commitment), and every
   disclosure opens its commitment;
3. the RFC 9162 inclusion proof of (leaf hash, ``sequence``) in the checkpoint's tree.

Everything here is offline: :func:`verify_event_proof` takes the JSON of
``GET /v1/events/{id}?proof=true``; ``AuditLedge.verify_event`` fetches it and calls this.
"""

import base64
import binascii
import json
from typing import Any, Mapping, Union

from .errors import AuditLedgeVerificationError
from .leaf import SEALED_EVENT_FORMAT, canonical_json, check_disclosures, event_leaf_hash, seal_event
from .merkle import leaf_hash as _leaf_hash
from .merkle import verify_consistency, verify_inclusion
from .note import SIGNATURE_NOT_CHECKED, Checkpoint, VerifierKey, open_checkpoint

__all__ = ["VerificationResult", "verify_event_proof", "verify_checkpoint_consistency"]


class VerificationResult:
    """What was proven about one event.

    ``verified`` is True only when everything was checked, including the checkpoint signature.
    ``signature_checked`` is False only with ``allow_unsigned=True`` and no ``cryptography``
    package; then ``status`` is ``"signature not checked: install cryptography"`` and the proof
    ties the event to a root that nobody has authenticated.
    """

    __slots__ = ("event", "checkpoint", "leaf_index", "tree_size", "leaf_hash", "signature_checked")

    def __init__(
        self,
        event: Mapping[str, Any],
        checkpoint: Checkpoint,
        leaf_index: int,
        tree_size: int,
        leaf_hash: bytes,
        signature_checked: bool,
    ):
        self.event = event
        self.checkpoint = checkpoint
        self.leaf_index = leaf_index
        self.tree_size = tree_size
        self.leaf_hash = leaf_hash
        self.signature_checked = signature_checked

    @property
    def verified(self) -> bool:
        return self.signature_checked

    @property
    def status(self) -> str:
        return "verified" if self.signature_checked else SIGNATURE_NOT_CHECKED

    def __bool__(self) -> bool:
        return self.verified

    def __repr__(self) -> str:
        return (
            f"VerificationResult(status={self.status!r}, event_id={self.event.get('id')!r}, "
            f"leaf_index={self.leaf_index}, tree_size={self.tree_size})"
        )


def _fail(message: str) -> AuditLedgeVerificationError:
    return AuditLedgeVerificationError(message)


def _b64(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise _fail(f"{what} is missing or not a string")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise _fail(f"{what} is not valid base64") from None


def _count(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _fail(f"{what} is missing or not a non-negative integer")
    return value


def verify_event_proof(
    event: Mapping[str, Any],
    verifier_key: Union[str, VerifierKey],
    allow_unsigned: bool = False,
) -> VerificationResult:
    """Verifies an event with its ``proof`` member (the JSON of ``GET /v1/events/{id}?proof=true``)
    against a pinned verifier key. Returns a :class:`VerificationResult` or raises
    :class:`~auditledge.AuditLedgeVerificationError` saying what failed (its subclass
    :class:`~auditledge.AuditLedgeSignatureUnavailableError` when ``cryptography`` is missing and
    ``allow_unsigned`` is False)."""
    if not isinstance(event, Mapping):
        raise _fail("the event must be a JSON object")
    proof = event.get("proof")
    if not isinstance(proof, Mapping):
        raise _fail('the event has no "proof"; fetch it with ?proof=true')

    # 1. The checkpoint, signed by the pinned key.
    note = proof.get("checkpoint")
    if not isinstance(note, str):
        raise _fail("proof.checkpoint is missing")
    checkpoint = open_checkpoint(note, verifier_key, allow_unsigned=allow_unsigned)
    tree_size = _count(proof.get("tree_size"), "proof.tree_size")
    if tree_size != checkpoint.size:
        raise _fail(f"the proof is for tree size {tree_size} but the checkpoint has size {checkpoint.size}")

    # 2. The leaf.
    leaf_text = proof.get("leaf")
    if not isinstance(leaf_text, str):
        raise _fail("proof.leaf is missing")
    leaf_bytes = leaf_text.encode("utf-8")
    computed = _leaf_hash(leaf_bytes)
    claimed = _b64(event.get("leaf_hash"), "leaf_hash")
    if computed != claimed:
        raise _fail("the leaf does not hash to the event's leaf_hash")
    try:
        sealed = json.loads(leaf_text)
    except ValueError:
        raise _fail("proof.leaf is not JSON") from None
    if not isinstance(sealed, dict) or sealed.get("format") != SEALED_EVENT_FORMAT:
        raise _fail(f'proof.leaf is not an "{SEALED_EVENT_FORMAT}" leaf')
    if canonical_json(sealed) != leaf_bytes:
        raise _fail("proof.leaf is not in RFC 8785 canonical form")
    disclosures = proof.get("disclosures") or {}
    if not isinstance(disclosures, Mapping):
        raise _fail("proof.disclosures must be an object")
    problems = check_disclosures(sealed, disclosures)
    if problems:
        raise _fail("disclosure does not match the leaf: " + "; ".join(problems))
    for path, disclosure in disclosures.items():
        shown: Any = event
        for segment in path.split("."):
            shown = shown.get(segment) if isinstance(shown, Mapping) else None
        if canonical_json(shown) != canonical_json(disclosure.get("value")):
            raise _fail(f"{path}: the event shows a value other than the one sealed in its leaf")
    rebuilt = seal_event(event, disclosures)
    if canonical_json(rebuilt) != leaf_bytes:
        differing = sorted(
            key for key in set(rebuilt) | set(sealed) if canonical_json(rebuilt.get(key)) != canonical_json(sealed.get(key))
        )
        raise _fail(f"the event as returned differs from its sealed leaf in: {', '.join(differing)}")
    if event_leaf_hash(rebuilt) != computed:  # pragma: no cover - implied by the byte comparison
        raise _fail("the rebuilt leaf does not hash to the leaf hash")

    # 3. Inclusion in the signed tree.
    leaf_index = _count(proof.get("leaf_index"), "proof.leaf_index")
    sequence = event.get("sequence")
    if sequence is not None and sequence != leaf_index:
        raise _fail(f"proof.leaf_index {leaf_index} is not the event's sequence {sequence}")
    inclusion = proof.get("inclusion")
    if not isinstance(inclusion, list):
        raise _fail("proof.inclusion must be a list of base64 hashes")
    if not verify_inclusion(computed, leaf_index, tree_size, inclusion, checkpoint.root_hash):
        raise _fail(f"the inclusion proof of leaf {leaf_index} does not lead to the checkpoint root (tree size {tree_size})")

    plain = {k: v for k, v in event.items() if k != "proof"}
    return VerificationResult(plain, checkpoint, leaf_index, tree_size, computed, checkpoint.signature_checked)


def verify_checkpoint_consistency(
    old: Checkpoint, new: Checkpoint, proof: Any
) -> None:
    """Raises AuditLedgeVerificationError unless ``proof`` (list of base64 or bytes hashes) shows
    that checkpoint ``new`` extends checkpoint ``old`` (same origin, nothing removed or rewritten)."""
    if old.origin != new.origin:
        raise _fail(f"checkpoints are of different logs ({old.origin!r}, {new.origin!r})")
    if new.size < old.size:
        raise _fail(f"the new checkpoint is smaller ({new.size}) than the old one ({old.size}): the log was truncated")
    if not verify_consistency(old.size, new.size, proof, old.root_hash, new.root_hash):
        raise _fail(
            f"the log of size {new.size} is not an extension of the log of size {old.size}: history was rewritten"
        )
