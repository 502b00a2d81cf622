"""C2SP signed notes (https://c2sp.org/signed-note) and tlog checkpoints
(https://c2sp.org/tlog-checkpoint), Ed25519 only, compatible with golang.org/x/mod/sumdb/note.

Verifier key: ``<name>+<hex key ID>+<base64(0x01 ‖ 32-byte Ed25519 public key)>``;
key ID = first 4 bytes (big-endian) of ``SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)``.
A signed note is its text (ending in a newline), a blank line, then one line per signature:
``— <name> <base64(4-byte key ID ‖ 64-byte signature)>``. A checkpoint's text is
``<origin>\\n<decimal tree size>\\n<base64 root hash>\\n`` plus optional extension lines.

Signature checks use the ``cryptography`` package when it is importable. Without it nothing here
pretends: :func:`open_note` raises :class:`~auditledge.AuditLedgeSignatureUnavailableError`
("signature not checked: install cryptography"), or with ``allow_unsigned=True`` returns a
result whose ``signature_checked`` is False.
"""

import base64
import binascii
import hashlib
import re
from typing import List, Optional, Sequence, Tuple, Union

from .errors import AuditLedgeSignatureUnavailableError, AuditLedgeVerificationError

try:  # optional dependency
    from cryptography.exceptions import InvalidSignature as _InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey as _Ed25519PublicKey
except Exception:  # pragma: no cover - depends on the environment
    _Ed25519PublicKey = None
    _InvalidSignature = None

__all__ = [
    "SIGNATURE_NOT_CHECKED",
    "ed25519_available",
    "ed25519_key_id",
    "VerifierKey",
    "NoteSignature",
    "SignedNote",
    "OpenedNote",
    "Checkpoint",
    "parse_verifier_key",
    "parse_signed_note",
    "open_note",
    "parse_checkpoint",
    "open_checkpoint",
]

SIGNATURE_NOT_CHECKED = "signature not checked: install cryptography"

_ALG_ED25519 = 0x01
_SIGNATURE_PREFIX = "\u2014 "
_MAX_SIGNATURES = 100
# Go's unicode.IsSpace, which golang.org/x/mod/sumdb/note uses to reject key names.
_SPACE = re.compile("[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
_DECIMAL = re.compile(r"(?:0|[1-9][0-9]{0,19})\Z")


def ed25519_available() -> bool:
    """Whether Ed25519 signatures can be checked (the ``cryptography`` package is importable)."""
    return _ed25519_verify is not None


def _verify_with_cryptography(public_key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        _Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
        return True
    except _InvalidSignature:
        return False
    except ValueError:
        return False


# Replaced by None when cryptography is missing (tests also swap it to exercise that path).
_ed25519_verify = _verify_with_cryptography if _Ed25519PublicKey is not None else None


def _malformed(what: str, why: str) -> AuditLedgeVerificationError:
    return AuditLedgeVerificationError(f"malformed {what}: {why}")


def _strict_b64(text: str) -> Optional[bytes]:
    """Canonical standard base64 with padding, or None."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if base64.b64encode(raw).decode("ascii") == text else None


def _well_formed_note_text(text: str) -> bool:
    for ch in text:
        c = ord(ch)
        if c < 0x20 and ch != "\n":
            return False
        if 0xD800 <= c <= 0xDFFF:
            return False
    return True


def _valid_key_name(name: str) -> bool:
    return isinstance(name, str) and name != "" and "+" not in name and not _SPACE.search(name) and _well_formed_note_text(name)


def ed25519_key_id(name: str, public_key: bytes) -> int:
    """The C2SP signed-note key ID of an Ed25519 key, as an unsigned 32-bit integer."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([_ALG_ED25519]) + bytes(public_key)).digest()
    return int.from_bytes(digest[:4], "big")


class VerifierKey:
    """A parsed note verifier key."""

    __slots__ = ("name", "key_id", "public_key", "text")

    def __init__(self, name: str, key_id: int, public_key: bytes, text: str):
        self.name = name
        self.key_id = key_id
        self.public_key = public_key
        self.text = text

    @property
    def key_id_hex(self) -> str:
        return f"{self.key_id:08x}"

    def __repr__(self) -> str:
        return f"VerifierKey({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VerifierKey) and (self.name, self.key_id, self.public_key) == (
            other.name,
            other.key_id,
            other.public_key,
        )

    def __hash__(self) -> int:
        return hash((self.name, self.key_id, self.public_key))


def parse_verifier_key(text: Union[str, VerifierKey]) -> VerifierKey:
    """Parses ``<name>+<hex key ID>+<base64(0x01 ‖ public key)>``; raises AuditLedgeVerificationError."""
    if isinstance(text, VerifierKey):
        return text
    if not isinstance(text, str):
        raise AuditLedgeVerificationError("invalid verifier key: not a string")
    text = text.strip()
    first = text.find("+")
    second = text.find("+", first + 1) if first >= 0 else -1
    if second < 0:
        raise AuditLedgeVerificationError("invalid verifier key: expected <name>+<8 hex digits>+<base64 key>")
    name, hex_id, b64 = text[:first], text[first + 1 : second], text[second + 1 :]
    raw = _strict_b64(b64)
    if not _valid_key_name(name) or not re.fullmatch(r"[0-9a-fA-F]{8}", hex_id) or raw is None:
        raise AuditLedgeVerificationError("invalid verifier key: expected <name>+<8 hex digits>+<base64 key>")
    if len(raw) != 33 or raw[0] != _ALG_ED25519:
        raise AuditLedgeVerificationError("invalid verifier key: not an Ed25519 key (0x01 ‖ 32 bytes)")
    public_key = raw[1:]
    key_id = int(hex_id, 16)
    if ed25519_key_id(name, public_key) != key_id:
        raise AuditLedgeVerificationError("invalid verifier key: key ID does not match the key")
    return VerifierKey(name, key_id, public_key, f"{name}+{key_id:08x}+{b64}")


class NoteSignature:
    __slots__ = ("name", "key_id", "signature")

    def __init__(self, name: str, key_id: int, signature: bytes):
        self.name, self.key_id, self.signature = name, key_id, signature

    def __repr__(self) -> str:
        return f"NoteSignature(name={self.name!r}, key_id={self.key_id:08x})"


class SignedNote:
    """A signed note split into its text (final newline included) and signatures; nothing verified."""

    __slots__ = ("text", "signatures")

    def __init__(self, text: str, signatures: List[NoteSignature]):
        self.text, self.signatures = text, signatures


def parse_signed_note(note: Union[str, bytes]) -> SignedNote:
    """Splits a signed note; raises AuditLedgeVerificationError when it is malformed."""
    if isinstance(note, (bytes, bytearray)):
        try:
            note = bytes(note).decode("utf-8")
        except UnicodeDecodeError:
            raise _malformed("note", "not valid UTF-8") from None
    if not isinstance(note, str):
        raise _malformed("note", "not a string")
    if not _well_formed_note_text(note):
        raise _malformed("note", "control characters or invalid Unicode")
    split = note.rfind("\n\n")
    if split < 0:
        raise _malformed("note", "no blank line before the signatures")
    text = note[: split + 1]
    block = note[split + 2 :]
    if block == "" or not block.endswith("\n"):
        raise _malformed("note", "the signature block must end with a newline")
    lines = block[:-1].split("\n")
    if len(lines) > _MAX_SIGNATURES:
        raise _malformed("note", f"more than {_MAX_SIGNATURES} signatures")
    signatures = []
    for line in lines:
        if not line.startswith(_SIGNATURE_PREFIX):
            raise _malformed("note", 'a signature line must start with "— "')
        rest = line[len(_SIGNATURE_PREFIX) :]
        name, _, b64 = rest.partition(" ")
        blob = _strict_b64(b64) if b64 else None
        if not _valid_key_name(name) or blob is None or len(blob) < 5:
            raise _malformed("note", "bad signature line")
        signatures.append(NoteSignature(name, int.from_bytes(blob[:4], "big"), blob[4:]))
    return SignedNote(text, signatures)


class OpenedNote:
    """Result of :func:`open_note`.

    ``signature_checked`` is False only with ``allow_unsigned=True`` when ``cryptography`` is
    missing; then ``verified_by`` lists the trusted keys whose signatures are *present* (matching
    name and key ID) but unchecked, and ``status`` is ``"signature not checked: install cryptography"``.
    """

    __slots__ = ("text", "verified_by", "signature_checked")

    def __init__(self, text: str, verified_by: List[VerifierKey], signature_checked: bool):
        self.text, self.verified_by, self.signature_checked = text, verified_by, signature_checked

    @property
    def status(self) -> str:
        return "verified" if self.signature_checked else SIGNATURE_NOT_CHECKED


VerifierKeys = Union[str, VerifierKey, Sequence[Union[str, VerifierKey]]]


def _key_list(keys: VerifierKeys) -> List[VerifierKey]:
    if isinstance(keys, (str, VerifierKey)):
        keys = [keys]
    return [parse_verifier_key(k) for k in keys]


def open_note(note: Union[str, bytes], verifier_keys: VerifierKeys, allow_unsigned: bool = False) -> OpenedNote:
    """Checks a signed note against trusted verifier keys, like Go's ``note.Open``: signatures by
    unknown keys are ignored; a trusted key's signature that fails raises; a note without any
    trusted signature raises. Raises AuditLedgeVerificationError (or its subclass
    AuditLedgeSignatureUnavailableError when ``cryptography`` is missing and not ``allow_unsigned``)."""
    parsed = parse_signed_note(note)
    trusted = {}
    for key in _key_list(verifier_keys):
        trusted.setdefault((key.name, key.key_id), [])
        if key not in trusted[(key.name, key.key_id)]:
            trusted[(key.name, key.key_id)].append(key)
    verify = _ed25519_verify
    if verify is None and not allow_unsigned:
        raise AuditLedgeSignatureUnavailableError(SIGNATURE_NOT_CHECKED)
    message = parsed.text.encode("utf-8")
    verified: List[VerifierKey] = []
    seen = set()
    unknown = []
    for sig in parsed.signatures:
        ident = (sig.name, sig.key_id)
        candidates = trusted.get(ident)
        if candidates is None:
            unknown.append(f"{sig.name}+{sig.key_id:08x}")
            continue
        if len(candidates) > 1:
            raise AuditLedgeVerificationError(f"two trusted keys are named {sig.name}+{sig.key_id:08x}")
        if ident in seen:
            continue
        seen.add(ident)
        key = candidates[0]
        if verify is not None and not verify(key.public_key, sig.signature, message):
            raise AuditLedgeVerificationError(
                f"signature by {key.name}+{key.key_id:08x} does not verify: the note was altered"
            )
        verified.append(key)
    if not verified:
        by = f" (signed only by {', '.join(sorted(set(unknown)))})" if unknown else ""
        raise AuditLedgeVerificationError(f"note has no signature by a trusted key{by}")
    return OpenedNote(parsed.text, verified, verify is not None)


class Checkpoint:
    """A tlog checkpoint: ``origin``, tree ``size``, 32-byte ``root_hash``, ``extensions``.

    From :func:`open_checkpoint` it also carries the checkpoint ``text``, the whole signed
    ``note`` (store it to prove consistency later), ``verified_by`` and ``signature_checked``.
    """

    __slots__ = ("origin", "size", "root_hash", "extensions", "text", "verified_by", "signature_checked", "note")

    def __init__(
        self,
        origin: str,
        size: int,
        root_hash: bytes,
        extensions: Tuple[str, ...] = (),
        text: Optional[str] = None,
        verified_by: Tuple[VerifierKey, ...] = (),
        signature_checked: bool = False,
        note: Optional[str] = None,
    ):
        self.origin, self.size, self.root_hash, self.extensions = origin, size, root_hash, tuple(extensions)
        self.text, self.verified_by, self.signature_checked = text, tuple(verified_by), signature_checked
        self.note = note

    @property
    def status(self) -> str:
        return "verified" if self.signature_checked else SIGNATURE_NOT_CHECKED

    def __repr__(self) -> str:
        root = base64.b64encode(self.root_hash).decode()
        return f"Checkpoint(origin={self.origin!r}, size={self.size}, root_hash={root!r})"


def parse_checkpoint(text: str) -> Checkpoint:
    """Strictly parses checkpoint note *text* (not the signatures); raises AuditLedgeVerificationError."""
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", "strict")
    if not isinstance(text, str) or not text.endswith("\n"):
        raise _malformed("checkpoint", "the text must end with a newline")
    if not _well_formed_note_text(text):
        raise _malformed("checkpoint", "control characters or invalid Unicode")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise _malformed("checkpoint", "fewer than three lines")
    origin, size_text, root_text, extensions = lines[0], lines[1], lines[2], lines[3:]
    if origin == "":
        raise _malformed("checkpoint", "empty origin")
    if not _DECIMAL.match(size_text):
        raise _malformed("checkpoint", "the size must be decimal without leading zeros")
    size = int(size_text)
    if size >= 1 << 64:
        raise _malformed("checkpoint", "the size exceeds 2^64 - 1")
    root = _strict_b64(root_text)
    if root is None:
        raise _malformed("checkpoint", "the root hash is not canonical standard base64")
    if len(root) != 32:
        raise _malformed("checkpoint", f"the root hash is {len(root)} bytes, not 32")
    if any(line == "" for line in extensions):
        raise _malformed("checkpoint", "empty extension line")
    return Checkpoint(origin, size, root, tuple(extensions), text)


def open_checkpoint(
    note: Union[str, bytes],
    verifier_keys: VerifierKeys,
    allow_unsigned: bool = False,
    origin: Optional[str] = None,
) -> Checkpoint:
    """Verifies a signed checkpoint note with the pinned verifier key(s) and parses it. If
    ``origin`` is given, the checkpoint must be for that log. Raises AuditLedgeVerificationError."""
    opened = open_note(note, verifier_keys, allow_unsigned=allow_unsigned)
    if isinstance(note, (bytes, bytearray)):
        note = bytes(note).decode("utf-8")
    cp = parse_checkpoint(opened.text)
    if origin is not None and cp.origin != origin:
        raise AuditLedgeVerificationError(f"checkpoint is for log {cp.origin!r}, expected {origin!r}")
    return Checkpoint(
        cp.origin,
        cp.size,
        cp.root_hash,
        cp.extensions,
        opened.text,
        tuple(opened.verified_by),
        opened.signature_checked,
        note,
    )
