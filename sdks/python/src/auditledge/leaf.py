"""Leaf hashes of Auditledge events, as specified in ``docs/verification.md``:

``leaf_bytes = UTF-8(JCS(sealed event))``, ``leaf_hash = SHA-256(0x00 ‖ leaf_bytes)``, where the
sealed event (format ``auditledge.event/1``) is the stored event with every personal value
replaced by the commitment ``{"sha256": base64(SHA-256(salt ‖ UTF-8(JCS(value))))}``.

:func:`canonical_json` is a complete RFC 8785 (JCS) serializer: sorted keys by UTF-16 code units,
ECMAScript number formatting, minimal string escaping.
"""

import base64
import binascii
import decimal
import hashlib
import json
import math
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from .errors import AuditLedgeVerificationError
from .merkle import leaf_hash as _rfc9162_leaf_hash

__all__ = [
    "SEALED_EVENT_FORMAT",
    "DEFAULT_PERSONAL_FIELDS",
    "canonical_json",
    "commitment",
    "is_commitment",
    "seal_event",
    "event_leaf_bytes",
    "event_leaf_hash",
    "check_disclosures",
]

SEALED_EVENT_FORMAT = "auditledge.event/1"
DEFAULT_PERSONAL_FIELDS = ("actor.name", "actor.email", "metadata.ip", "metadata.user_agent")
SALT_BYTES = 16
_SEALED_MEMBERS = (
    "id", "organization_id", "received_at", "timestamp", "actor", "action", "resource", "targets",
    "metadata", "changes", "outcome",
)  # fmt: skip


# --- RFC 8785 -----------------------------------------------------------------------------------


def _es_number(value: float) -> str:
    """ECMAScript Number.prototype.toString of a double (RFC 8785 §3.2.2.3)."""
    if not math.isfinite(value):
        raise ValueError("NaN and infinities are not valid JSON numbers")
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    # repr() gives the shortest round-tripping digits, as ECMAScript requires.
    digits_tuple = decimal.Decimal(repr(abs(value))).as_tuple()
    digits = "".join(str(d) for d in digits_tuple.digits)
    exponent = digits_tuple.exponent
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    digits = stripped.lstrip("0") or "0"
    k = len(digits)
    n = k + exponent  # value = 0.digits × 10^n
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    exp = ("+" if e > 0 else "-") + str(abs(e))
    if k == 1:
        return sign + digits + "e" + exp
    return sign + digits[0] + "." + digits[1:] + "e" + exp


def _jcs_string(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("strings must be valid Unicode (no lone surrogates)") from None
    return json.dumps(value, ensure_ascii=False)


def _jcs(value: Any, out: List[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_jcs_string(value))
    elif isinstance(value, int):
        # JSON numbers are IEEE doubles (I-JSON); beyond 2^53 they are formatted as the double.
        out.append(str(value) if abs(value) <= 2**53 else _es_number(float(value)))
    elif isinstance(value, float):
        out.append(_es_number(value))
    elif isinstance(value, Mapping):
        keys = list(value.keys())
        for key in keys:
            if not isinstance(key, str):
                raise ValueError(f"object keys must be strings, got {key!r}")
        keys.sort(key=lambda k: k.encode("utf-16-be", "surrogatepass"))
        out.append("{")
        for i, key in enumerate(keys):
            if i:
                out.append(",")
            out.append(_jcs_string(key))
            out.append(":")
            _jcs(value[key], out)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _jcs(item, out)
        out.append("]")
    else:
        raise ValueError(f"not a JSON value: {type(value).__name__}")


def canonical_json(value: Any) -> bytes:
    """RFC 8785 (JCS) canonical JSON of ``value`` as UTF-8 bytes; raises ValueError on non-JSON input."""
    out: List[str] = []
    _jcs(value, out)
    return "".join(out).encode("utf-8")


# --- commitments and sealing --------------------------------------------------------------------


def _b64decode(text: Any) -> Optional[bytes]:
    if not isinstance(text, str):
        return None
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def commitment(value: Any, salt: bytes) -> Dict[str, str]:
    """``{"sha256": base64(SHA-256(salt ‖ UTF-8(JCS(value))))}`` for a 16-byte ``salt``."""
    if len(salt) != SALT_BYTES:
        raise ValueError(f"salt must be {SALT_BYTES} bytes, got {len(salt)}")
    digest = hashlib.sha256(bytes(salt) + canonical_json(value)).digest()
    return {"sha256": base64.b64encode(digest).decode("ascii")}


def is_commitment(value: Any) -> bool:
    """Whether ``value`` has the exact shape of a commitment: one key ``sha256``, base64 of 32 bytes."""
    if not isinstance(value, Mapping) or list(value.keys()) != ["sha256"]:
        return False
    digest = value["sha256"]
    raw = _b64decode(digest)
    return isinstance(digest, str) and len(digest) == 44 and raw is not None and len(raw) == 32


def _get(root: Any, segments: Sequence[str]) -> Tuple[bool, Any]:
    current = root
    for segment in segments:
        if not isinstance(current, Mapping) or segment not in current:
            return False, None
        current = current[segment]
    return True, current


def _copy_along(sealed: Dict[str, Any], segments: Sequence[str]) -> Optional[Dict[str, Any]]:
    """The (shallow-copied) parent object of a path, or None when the path does not lead through objects."""
    container = sealed
    for segment in segments[:-1]:
        child = container.get(segment)
        if not isinstance(child, Mapping):
            return None
        child = dict(child)
        container[segment] = child
        container = child
    return container


def seal_event(
    event: Mapping[str, Any],
    disclosures: Optional[Mapping[str, Mapping[str, Any]]] = None,
    personal_fields: Optional[Sequence[str]] = None,
) -> Dict[str, Any]:
    """Rebuilds the sealed event (the leaf object) from a stored event as the API returns it.

    ``disclosures`` maps a personal-field path (``actor.email``) to ``{"value": ..., "salt":
    "<base64>"}``; the value at each such path is replaced by its commitment (the disclosed value
    is used, so the event's own copy need not be present). Values already in commitment form
    (erased fields) are kept. When ``personal_fields`` is given, a present personal field without
    a disclosure and not already a commitment is an error: the leaf cannot be rebuilt without its salt.
    """
    sealed: Dict[str, Any] = {"format": SEALED_EVENT_FORMAT}
    for member in _SEALED_MEMBERS:
        if member in event and event[member] is not None:
            sealed[member] = event[member]
    disclosures = dict(disclosures or {})
    paths: List[str] = list(personal_fields) if personal_fields is not None else []
    for path in disclosures:
        if path not in paths:
            paths.append(path)
    for path in paths:
        segments = path.split(".")
        disclosure = disclosures.get(path)
        if disclosure is None:
            present, value = _get(sealed, segments)
            if present and not is_commitment(value):
                raise AuditLedgeVerificationError(
                    f"{path}: personal value present without its salt; the leaf cannot be rebuilt"
                )
            continue
        if not isinstance(disclosure, Mapping) or "value" not in disclosure:
            raise AuditLedgeVerificationError(f'{path}: a disclosure must be {{"value": …, "salt": "<base64>"}}')
        salt = _b64decode(disclosure.get("salt"))
        if salt is None or len(salt) != SALT_BYTES:
            raise AuditLedgeVerificationError(f"{path}: salt must be base64 of {SALT_BYTES} bytes")
        parent = _copy_along(sealed, segments)
        if parent is None:
            raise AuditLedgeVerificationError(f"{path}: the event has no object at this path")
        parent[segments[-1]] = commitment(disclosure["value"], salt)
    return sealed


def event_leaf_bytes(sealed: Mapping[str, Any]) -> bytes:
    """UTF-8 of the RFC 8785 canonical JSON of a sealed event."""
    return canonical_json(sealed)


def event_leaf_hash(sealed: Mapping[str, Any]) -> bytes:
    """RFC 9162 leaf hash of a sealed event: ``SHA-256(0x00 ‖ leaf_bytes)``."""
    return _rfc9162_leaf_hash(event_leaf_bytes(sealed))


def check_disclosures(sealed: Mapping[str, Any], disclosures: Mapping[str, Mapping[str, Any]]) -> List[str]:
    """Problems of each disclosure against the commitment at its path in a sealed event (empty when all match)."""
    problems = []
    for path, disclosure in disclosures.items():
        present, target = _get(sealed, path.split("."))
        if not present or not is_commitment(target):
            problems.append(f"{path}: the leaf has no commitment at this path")
            continue
        salt = _b64decode(disclosure.get("salt") if isinstance(disclosure, Mapping) else None)
        if salt is None or len(salt) != SALT_BYTES or not isinstance(disclosure, Mapping) or "value" not in disclosure:
            problems.append(f"{path}: malformed disclosure")
            continue
        if commitment(disclosure["value"], salt)["sha256"] != target["sha256"]:
            problems.append(f"{path}: value and salt do not match the commitment in the leaf")
    return problems
