"""Local event validation, mirroring the server's rules (DESIGN "Event model",
``packages/core/src/event/validate.ts``) so mistakes fail in ``log()``, synchronously, with the
field path, instead of later in a background thread.

The server stays the authority; the only server rule not checked here is "timestamp at most 24 h
in the future", which depends on the server's clock.
"""

import datetime as _dt
import json
import math
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from .errors import AuditLedgeValidationError

__all__ = [
    "EVENT_LIMITS",
    "validate_event",
    "normalize_event",
    "is_valid_action",
    "suggest_action",
    "action_problem",
    "format_timestamp",
]

EVENT_LIMITS = {
    "max_event_bytes": 64 * 1024,
    "min_action_segments": 2,
    "max_action_length": 128,
    "max_id_length": 256,
    "max_organization_id_length": 256,
    "max_type_length": 128,
    "max_name_length": 512,
    "max_email_length": 320,
    "max_targets": 100,
    "max_changes": 200,
    "max_change_field_length": 256,
    "max_json_depth": 8,
    "max_idempotency_key_length": 255,
    "min_timestamp_year": 1970,
    "max_timestamp_year": 9999,
    "max_issues": 100,
}

FORBIDDEN_KEYS = frozenset(["__proto__", "constructor", "prototype"])

_EXAMPLE_ACTION = "invoice.deleted"
_EXAMPLE_TIMESTAMP = '"2026-05-01T14:32:00Z"'
_MAX_KEY_IN_PATH = 64


# --- string measures (the server counts UTF-16 code units) ------------------------------------


def _utf16_len(s: str) -> int:
    n = len(s)
    for ch in s:
        if ord(ch) > 0xFFFF:
            n += 1
    return n


def _is_well_formed(s: str) -> bool:
    """False when the string holds surrogate code points (they cannot be encoded as UTF-8)."""
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _has_control(s: str) -> bool:
    for ch in s:
        c = ord(ch)
        if c < 0x20 or 0x7F <= c <= 0x9F:
            return True
    return False


# --- paths --------------------------------------------------------------------------------------


def _needs_quoting(key: str) -> bool:
    if key == "":
        return True
    for ch in key:
        c = ord(ch)
        if c <= 0x20 or ch in '.[]"\'\\':
            return True
    return not _is_well_formed(key)


def _json_quote(s: str) -> str:
    return json.dumps(s, ensure_ascii=False) if _is_well_formed(s) else json.dumps(s)


def _join_key(parent: str, key: str) -> str:
    shown = key[:_MAX_KEY_IN_PATH] + "…" if len(key) > _MAX_KEY_IN_PATH else key
    if _needs_quoting(shown):
        return f"{parent}[{_json_quote(shown)}]"
    return shown if parent == "" else f"{parent}.{shown}"


def _join_index(parent: str, index: int) -> str:
    return f"{parent}[{index}]"


def _quote_key(key: str) -> str:
    return _json_quote(key[:_MAX_KEY_IN_PATH] + "…" if len(key) > _MAX_KEY_IN_PATH else key)


# --- "did you mean" -----------------------------------------------------------------------------


def _fold(s: str) -> str:
    return "".join(ch for ch in s.lower() if ch not in "_- ")


def _distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance, giving up above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev_prev: List[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i]
        row_min = i
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d = min(d, prev_prev[j - 2] + 1)
            row.append(d)
            row_min = min(row_min, d)
        if row_min > limit:
            return limit + 1
        prev_prev, prev = prev, row
    return prev[len(b)]


def _closest_match(text: str, candidates: Iterable[str]) -> Optional[str]:
    if text == "" or len(text) > 64:
        return None
    folded = _fold(text)
    limit = max(1, len(folded) // 3)
    best = None
    best_distance = limit + 1
    for candidate in candidates:
        d = 0 if folded == _fold(candidate) else _distance(folded, _fold(candidate), limit)
        if d < best_distance:
            best, best_distance = candidate, d
    return best


# --- actions ------------------------------------------------------------------------------------

_PAST_TENSE = {
    "access": "accessed", "accept": "accepted", "activate": "activated", "add": "added",
    "approve": "approved", "archive": "archived", "assign": "assigned", "ban": "banned",
    "block": "blocked", "cancel": "canceled", "change": "changed", "close": "closed",
    "configure": "configured", "connect": "connected", "copy": "copied", "create": "created",
    "deactivate": "deactivated", "decline": "declined", "delete": "deleted", "deploy": "deployed",
    "disable": "disabled", "disconnect": "disconnected", "download": "downloaded",
    "downgrade": "downgraded", "edit": "edited", "enable": "enabled", "export": "exported",
    "generate": "generated", "grant": "granted", "import": "imported", "install": "installed",
    "invite": "invited", "join": "joined", "leave": "left", "lock": "locked", "login": "logged_in",
    "logout": "logged_out", "merge": "merged", "modify": "modified", "move": "moved",
    "open": "opened", "pay": "paid", "publish": "published", "read": "read", "refund": "refunded",
    "register": "registered", "reject": "rejected", "remove": "removed", "rename": "renamed",
    "reset": "reset", "restore": "restored", "revoke": "revoked", "rotate": "rotated",
    "send": "sent", "set": "set", "share": "shared", "signin": "signed_in",
    "signout": "signed_out", "signup": "signed_up", "start": "started", "stop": "stopped",
    "submit": "submitted", "subscribe": "subscribed", "suspend": "suspended",
    "transfer": "transferred", "unassign": "unassigned", "unblock": "unblocked",
    "uninstall": "uninstalled", "unlock": "unlocked", "unpublish": "unpublished",
    "unsubscribe": "unsubscribed", "update": "updated", "upgrade": "upgraded",
    "upload": "uploaded", "verify": "verified", "view": "viewed",
}  # fmt: skip
_PARTICLES = frozenset(["in", "out", "up"])
_PHRASAL_STEMS = frozenset(["log", "sign"])


def _is_segment_char(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("0" <= ch <= "9") or ch == "_"


def is_valid_action(action: str) -> bool:
    """Whether ``action`` is lowercase dot-notation with ≥2 ``[a-z0-9_]`` segments and ≤128 characters."""
    if not isinstance(action, str) or action == "" or len(action) > EVENT_LIMITS["max_action_length"]:
        return False
    segments = action.split(".")
    if len(segments) < EVENT_LIMITS["min_action_segments"]:
        return False
    return all(segment != "" and all(_is_segment_char(ch) for ch in segment) for segment in segments)


def _split_words(text: str) -> List[str]:
    words: List[str] = []
    word = ""
    for i, ch in enumerate(text):
        upper, lower, digit = "A" <= ch <= "Z", "a" <= ch <= "z", "0" <= ch <= "9"
        if not (upper or lower or digit):
            if word:
                words.append(word)
            word = ""
            continue
        if upper and word:
            prev = text[i - 1]
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if ("a" <= prev <= "z") or ("0" <= prev <= "9") or (("A" <= prev <= "Z") and ("a" <= nxt <= "z")):
                words.append(word)
                word = ""
        word += ch.lower() if upper else ch
    if word:
        words.append(word)
    return words


def _join_phrasal(words: List[str]) -> List[str]:
    out: List[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else None
        if word in _PHRASAL_STEMS and nxt is not None and nxt in _PARTICLES:
            out.append(word + nxt)
            i += 2
        else:
            out.append(word)
            i += 1
    return out


def _from_words(words: List[str]) -> Optional[str]:
    if len(words) < 2:
        return None
    past = _PAST_TENSE.get(words[0])
    if past is not None:
        return "_".join(words[1:]) + "." + past
    if len(words) >= 3 and words[-1] in _PARTICLES:
        return "_".join(words[:-2]) + "." + words[-2] + "_" + words[-1]
    return "_".join(words[:-1]) + "." + words[-1]


def suggest_action(text: str) -> Optional[str]:
    """The valid action most likely meant (``userDeleted``, ``delete_user`` → ``user.deleted``), or None."""
    if not isinstance(text, str) or len(text) > EVENT_LIMITS["max_action_length"] * 2:
        return None
    if any(ord(ch) >= 0x80 for ch in text):
        return None
    if "." in text:
        segments = ["_".join(_split_words(segment)) for segment in text.split(".")]
        segments = [segment for segment in segments if segment != ""]
        candidate = ".".join(segments) if len(segments) >= 2 else _from_words(_join_phrasal(_split_words(text)))
    else:
        candidate = _from_words(_join_phrasal(_split_words(text)))
    if candidate is not None and candidate != text and is_valid_action(candidate):
        return candidate
    return None


def action_problem(action: str) -> Optional[str]:
    """Why ``action`` is not a valid action name (with a suggestion when there is one), or None."""
    if is_valid_action(action):
        return None
    form = (
        'lowercase dot-notation "resource.verb" (two or more [a-z0-9_] segments joined by dots, '
        f'e.g. "{_EXAMPLE_ACTION}")'
    )
    if action == "":
        return f"must not be empty; expected {form}"
    limit = EVENT_LIMITS["max_action_length"]
    if _utf16_len(action) > limit:
        return f"must be at most {limit} characters (got {_utf16_len(action)}); expected {form}"
    suggestion = suggest_action(action)
    if suggestion is not None:
        return f'must be {form}; did you mean "{suggestion}"?'
    words = _join_phrasal(_split_words(action))
    if len(words) == 1:
        past = _PAST_TENSE.get(words[0])
        example = f"{words[0]}.created" if past is None else f"user.{past}"
        return f'needs at least two dot-separated segments "resource.verb", e.g. "{example}"'
    return f"must be {form}"


# --- timestamps ---------------------------------------------------------------------------------


def _digits(s: str, start: int, count: int) -> int:
    if start + count > len(s):
        return -1
    n = 0
    for ch in s[start : start + count]:
        if not ("0" <= ch <= "9"):
            return -1
        n = n * 10 + (ord(ch) - 48)
    return n


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _parse_date_part(s: str):
    year, month, day = _digits(s, 0, 4), _digits(s, 5, 2), _digits(s, 8, 2)
    if year < 0 or month < 0 or day < 0 or s[4:5] != "-" or s[7:8] != "-":
        return f"must be an RFC 3339 timestamp like {_EXAMPLE_TIMESTAMP}"
    if month < 1 or month > 12:
        return f"has month {month:02d}; months are 01–12"
    if day < 1 or day > _days_in_month(year, month):
        return f"is not a calendar date ({s[:10]} does not exist)"
    return (year, month, day)


_RANGE_MESSAGE = "must be between 1970 and 9999 (UTC)"


def parse_timestamp(text: str) -> Tuple[Optional[_dt.datetime], Optional[str]]:
    """Parses an RFC 3339 timestamp with an explicit offset into an aware UTC datetime (fraction
    truncated to milliseconds). Returns ``(datetime, None)`` or ``(None, problem)``."""
    if len(text) > 64:
        return None, f"must be an RFC 3339 timestamp like {_EXAMPLE_TIMESTAMP}"
    if len(text) == 10:
        date = _parse_date_part(text)
        if isinstance(date, str):
            return None, date
        return None, f'is a date without a time; send a full timestamp with an offset, e.g. "{text}T00:00:00Z"'
    date = _parse_date_part(text)
    if isinstance(date, str):
        return None, date
    if text[10:11] not in ("T", "t", " ") or len(text) < 11:
        return None, f"must be an RFC 3339 timestamp like {_EXAMPLE_TIMESTAMP}"
    hour, minute, second = _digits(text, 11, 2), _digits(text, 14, 2), _digits(text, 17, 2)
    if hour < 0 or minute < 0 or second < 0 or text[13:14] != ":" or text[16:17] != ":":
        return None, f"must be an RFC 3339 timestamp with hours, minutes and seconds, like {_EXAMPLE_TIMESTAMP}"
    if hour > 23:
        return None, f"has hour {hour}; hours are 00–23 (use 00:00 of the next day for midnight)"
    if minute > 59:
        return None, f"has minute {minute}; minutes are 00–59"
    if second > 59:
        return None, f"has second {second}; seconds are 00–59 (leap seconds are not supported)"
    i = 19
    millis = 0
    if text[i : i + 1] == ".":
        i += 1
        start = i
        while i < len(text) and "0" <= text[i] <= "9":
            i += 1
        if i == start:
            return None, 'has a "." without fraction digits; expected e.g. "14:32:00.123Z"'
        millis = int(text[start : min(i, start + 3)].ljust(3, "0"))
    zone = text[i : i + 1]
    if zone == "":
        return None, 'has no UTC offset, so the instant is ambiguous; append "Z" for UTC or an offset like "+02:00"'
    if zone in ("Z", "z"):
        offset = 0
        i += 1
    elif zone in ("+", "-"):
        oh, om = _digits(text, i + 1, 2), _digits(text, i + 4, 2)
        if oh < 0 or om < 0 or text[i + 3 : i + 4] != ":":
            return None, 'has a malformed UTC offset; expected "Z" or ±hh:mm'
        if oh > 23 or om > 59:
            return None, f"has an impossible UTC offset {text[i : i + 6]}"
        offset = (-1 if zone == "-" else 1) * (oh * 60 + om)
        i += 6
    else:
        return None, f"must be an RFC 3339 timestamp like {_EXAMPLE_TIMESTAMP}"
    if i != len(text):
        return None, "has unexpected text after the UTC offset"
    year, month, day = date
    if year < 1:
        return None, _RANGE_MESSAGE
    local = _dt.datetime(year, month, day, hour, minute, second, millis * 1000, tzinfo=_dt.timezone.utc)
    try:
        instant = local - _dt.timedelta(minutes=offset)
    except OverflowError:
        return None, _RANGE_MESSAGE
    if not (EVENT_LIMITS["min_timestamp_year"] <= instant.year <= EVENT_LIMITS["max_timestamp_year"]):
        return None, _RANGE_MESSAGE
    return instant, None


def format_timestamp(value: _dt.datetime) -> str:
    """An aware datetime as the canonical UTC form ``YYYY-MM-DDTHH:MM:SS.sssZ`` (milliseconds, truncated)."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError("naive datetime: attach a time zone (e.g. datetime.now(timezone.utc))")
    utc = value.astimezone(_dt.timezone.utc)
    return f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{utc.microsecond // 1000:03d}Z"


# --- the validator ------------------------------------------------------------------------------


class _Issues:
    def __init__(self) -> None:
        self.items: List[Dict[str, str]] = []
        self.full = False

    def add(self, path: str, message: str) -> None:
        if self.full:
            return
        self.items.append({"path": path, "message": message})
        self.full = len(self.items) >= EVENT_LIMITS["max_issues"]


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (list, tuple)):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (int, float)):
        return "number"
    return f"a Python {type(value).__module__}.{type(value).__qualname__}".replace("builtins.", "")


# (min, max, reject control characters)
_ID_RULE = (1, EVENT_LIMITS["max_id_length"], True)
_ORG_RULE = (1, EVENT_LIMITS["max_organization_id_length"], True)
_TYPE_RULE = (1, EVENT_LIMITS["max_type_length"], True)
_NAME_RULE = (0, EVENT_LIMITS["max_name_length"], False)
_EMAIL_RULE = (3, EVENT_LIMITS["max_email_length"], True)


def _check_string(issues: _Issues, value: Any, path: str, rule: Tuple[int, int, bool]) -> Optional[str]:
    low, high, no_control = rule
    if not isinstance(value, str):
        issues.add(path, f"must be a string (got {_describe(value)})")
        return None
    length = _utf16_len(value)
    if length < low:
        issues.add(path, "must not be empty" if low == 1 else f"must be at least {low} characters")
        return None
    if length > high:
        issues.add(path, f"must be at most {high} characters (got {length})")
        return None
    if not _is_well_formed(value):
        issues.add(path, "must be valid Unicode (contains a lone surrogate)")
        return None
    if no_control and _has_control(value):
        issues.add(path, "must not contain control characters")
        return None
    return value


def _check_key(issues: _Issues, key: Any, parent: str) -> bool:
    if not isinstance(key, str):
        issues.add(_join_key(parent, str(key)), f"keys must be strings (got {_describe(key)} {key!r})")
        return False
    if key in FORBIDDEN_KEYS:
        issues.add(_join_key(parent, key), f"{_quote_key(key)} is not allowed as a key")
        return False
    if not _is_well_formed(key):
        issues.add(_join_key(parent, key), "key must be valid Unicode (contains a lone surrogate)")
        return False
    return True


def _copy_json(issues: _Issues, value: Any, path: str, depth: int) -> Any:
    """Checks a free-form JSON value (enclosing containers count toward the depth) and returns a copy."""
    if issues.full:
        return None
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        if not _is_well_formed(value):
            issues.add(path, "must be valid Unicode (contains a lone surrogate)")
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            issues.add(path, "must be a finite number")
        return float(value)
    if isinstance(value, (list, tuple, Mapping)):
        if depth + 1 > EVENT_LIMITS["max_json_depth"]:
            issues.add(path, f"nests deeper than {EVENT_LIMITS['max_json_depth']} levels of objects and arrays")
            return None
        if isinstance(value, Mapping):
            out: Dict[str, Any] = {}
            for key, item in value.items():
                if _check_key(issues, key, path):
                    out[key] = _copy_json(issues, item, _join_key(path, key), depth + 1)
            return out
        return [_copy_json(issues, item, _join_index(path, i), depth + 1) for i, item in enumerate(value)]
    issues.add(path, f"must be a JSON value (got {_describe(value)}); convert it to a string or number first")
    return None


def _check_json_object(issues: _Issues, value: Any, path: str) -> Optional[Dict[str, Any]]:
    if not isinstance(value, Mapping):
        issues.add(path, f"must be a JSON object (got {_describe(value)})")
        return None
    return _copy_json(issues, value, path, 0)


class _Entity:
    def __init__(self, label: str, example: str, fields: Dict[str, str], required: List[str], aliases: Dict[str, str]):
        self.label, self.example, self.fields, self.required, self.aliases = label, example, fields, required, aliases


_ACTOR = _Entity(
    "actor",
    '{"id": "user_abc123", "name": "Alice Johnson", "email": "alice@acme.com"}',
    {"id": "id", "type": "type", "name": "name", "email": "email", "metadata": "metadata"},
    ["id"],
    {"user_id": "id", "username": "name", "display_name": "name", "mail": "email", "kind": "type"},
)
_RESOURCE = _Entity(
    "resource",
    '{"type": "invoice", "id": "inv_789", "name": "Invoice #1042"}',
    {"type": "type", "id": "id", "name": "name", "metadata": "metadata"},
    ["type", "id"],
    {"kind": "type", "title": "name"},
)
_TARGET = _Entity(
    "target",
    '{"type": "user", "id": "user_def456", "name": "Bob"}',
    {"type": "type", "id": "id", "name": "name"},
    ["type", "id"],
    {"kind": "type", "title": "name"},
)


def _unknown_field_message(key: str, of: str, known: List[str], aliases: Mapping[str, str], hint: str) -> str:
    guess = aliases.get(key) if key in aliases else _closest_match(key, known)
    where = f" of {of}" if of else ""
    if guess is not None:
        return f'{_quote_key(key)} is not a field{where}; did you mean "{guess}"?'
    return f"{_quote_key(key)} is not a field{where}; expected {', '.join(known)}{hint}"


def _check_entity(issues: _Issues, value: Any, path: str, spec: _Entity) -> Optional[Dict[str, Any]]:
    if not isinstance(value, Mapping):
        issues.add(path, f"must be an object like {spec.example} (got {_describe(value)})")
        return None
    known = list(spec.fields)
    for key in value:
        if key in spec.fields:
            continue
        if not _check_key(issues, key, path):
            continue
        hint = ' (put custom data in "metadata")' if "metadata" in spec.fields else ""
        issues.add(_join_key(path, key), _unknown_field_message(key, spec.label, known, spec.aliases, hint))
    out: Dict[str, Any] = {}
    for field in known:
        field_value = value.get(field)
        field_path = _join_key(path, field)
        if field_value is None:
            if field in spec.required:
                issues.add(field_path, "is required")
            continue
        kind = spec.fields[field]
        if kind == "id":
            normalized = _check_string(issues, field_value, field_path, _ID_RULE)
        elif kind == "type":
            normalized = _check_string(issues, field_value, field_path, _TYPE_RULE)
        elif kind == "name":
            normalized = _check_string(issues, field_value, field_path, _NAME_RULE)
        elif kind == "email":
            normalized = _check_string(issues, field_value, field_path, _EMAIL_RULE)
            if isinstance(normalized, str) and "@" not in normalized:
                issues.add(field_path, 'must be an email address (contains no "@")')
                normalized = None
        else:
            normalized = _check_json_object(issues, field_value, field_path)
        if normalized is not None:
            out[field] = normalized
    return out


_TOP_FIELDS = [
    "actor", "action", "resource", "targets", "organization_id", "timestamp", "metadata", "changes",
    "outcome", "idempotency_key",
]  # fmt: skip
_TOP_ALIASES = {
    "user": "actor", "actor_id": "actor", "event": "action", "event_type": "action",
    "event_name": "action", "type": "action", "name": "action", "target": "targets",
    "object": "resource", "entity": "resource", "org": "organization_id", "org_id": "organization_id",
    "organization": "organization_id", "tenant_id": "organization_id", "time": "timestamp",
    "occurred_at": "timestamp", "created_at": "timestamp", "meta": "metadata", "context": "metadata",
    "diff": "changes", "status": "outcome", "result": "outcome",
}  # fmt: skip
_OUTCOME_ALIASES = {
    "ok": "success", "succeeded": "success", "successful": "success", "fail": "failure",
    "failed": "failure", "error": "failure",
}  # fmt: skip


def _check_targets(issues: _Issues, value: Any) -> Optional[List[Dict[str, Any]]]:
    if not isinstance(value, (list, tuple)):
        issues.add("targets", f"must be an array of objects like {_TARGET.example} (got {_describe(value)})")
        return None
    if len(value) > EVENT_LIMITS["max_targets"]:
        issues.add("targets", f"has {len(value)} entries; at most {EVENT_LIMITS['max_targets']} are allowed")
    out = []
    for i, item in enumerate(value):
        if issues.full:
            break
        target = _check_entity(issues, item, _join_index("targets", i), _TARGET)
        if target is not None:
            out.append(target)
    return out


def _check_changes(issues: _Issues, value: Any) -> Optional[Dict[str, Any]]:
    if not isinstance(value, Mapping):
        issues.add("changes", f'must be an object of field → {{"before": …, "after": …}} (got {_describe(value)})')
        return None
    if len(value) > EVENT_LIMITS["max_changes"]:
        issues.add("changes", f"has {len(value)} fields; at most {EVENT_LIMITS['max_changes']} are allowed")
    out: Dict[str, Any] = {}
    for field, entry in value.items():
        if issues.full:
            break
        if not _check_key(issues, field, "changes"):
            continue
        path = _join_key("changes", field)
        if field == "" or _utf16_len(field) > EVENT_LIMITS["max_change_field_length"]:
            issues.add(path, f"field names must be 1 to {EVENT_LIMITS['max_change_field_length']} characters")
            continue
        if not isinstance(entry, Mapping):
            issues.add(path, f'must be an object with "before" and/or "after" (got {_describe(entry)})')
            continue
        change: Dict[str, Any] = {}
        for key, item in entry.items():
            if key in ("before", "after"):
                change[key] = _copy_json(issues, item, _join_key(path, key), 0)
            elif _check_key(issues, key, path):
                issues.add(
                    _join_key(path, key),
                    _unknown_field_message(
                        key, "a change", ["before", "after"],
                        {"old": "before", "new": "after", "from": "before", "to": "after"}, "",
                    ),
                )  # fmt: skip
        out[field] = change
    return out


def _is_idempotency_key(key: Any) -> bool:
    if not isinstance(key, str) or key == "" or len(key) > EVENT_LIMITS["max_idempotency_key_length"]:
        return False
    return all(0x20 <= ord(ch) <= 0x7E for ch in key)


def _normalize(event: Any) -> Tuple[Optional[Dict[str, Any]], List[Dict[str, str]]]:
    issues = _Issues()
    if not isinstance(event, Mapping):
        issues.add("", f"must be a JSON object (got {_describe(event)})")
        return None, issues.items

    for key in event:
        if key in _TOP_FIELDS:
            continue
        if not _check_key(issues, key, ""):
            continue
        issues.add(
            _join_key("", key),
            _unknown_field_message(key, "", _TOP_FIELDS, _TOP_ALIASES, ' (put custom data in "metadata")'),
        )

    out: Dict[str, Any] = {}
    actor_value = event.get("actor")
    if actor_value is None:
        issues.add("actor", f"is required: the user or service that acted, like {_ACTOR.example}")
    else:
        actor = _check_entity(issues, actor_value, "actor", _ACTOR)
        if actor is not None:
            out["actor"] = actor

    action_value = event.get("action")
    if action_value is None:
        issues.add("action", 'is required: lowercase dot-notation "resource.verb", e.g. "invoice.deleted"')
    elif not isinstance(action_value, str):
        issues.add(
            "action",
            'must be a string in lowercase dot-notation "resource.verb", e.g. "invoice.deleted" '
            f"(got {_describe(action_value)})",
        )
    else:
        problem = action_problem(action_value)
        if problem is None:
            out["action"] = action_value
        else:
            issues.add("action", problem)

    resource_value = event.get("resource")
    if resource_value is not None:
        resource = _check_entity(issues, resource_value, "resource", _RESOURCE)
        if resource is not None:
            out["resource"] = resource

    targets_value = event.get("targets")
    if targets_value is not None:
        targets = _check_targets(issues, targets_value)
        if targets is not None:
            out["targets"] = targets

    org_value = event.get("organization_id")
    if org_value is None:
        issues.add("organization_id", "is required: the tenant whose admins may see this event")
    else:
        org = _check_string(issues, org_value, "organization_id", _ORG_RULE)
        if org is not None:
            out["organization_id"] = org

    ts_value = event.get("timestamp")
    if ts_value is not None:
        if isinstance(ts_value, _dt.datetime):
            if ts_value.tzinfo is None or ts_value.tzinfo.utcoffset(ts_value) is None:
                issues.add(
                    "timestamp",
                    "is a naive datetime (no tzinfo), so the instant is ambiguous; "
                    "use an aware one, e.g. datetime.now(timezone.utc)",
                )
            else:
                utc = ts_value.astimezone(_dt.timezone.utc)
                if not (EVENT_LIMITS["min_timestamp_year"] <= utc.year <= EVENT_LIMITS["max_timestamp_year"]):
                    issues.add("timestamp", _RANGE_MESSAGE)
                else:
                    out["timestamp"] = format_timestamp(utc)
        elif isinstance(ts_value, _dt.date):
            issues.add(
                "timestamp",
                "is a date without a time; pass an aware datetime or a string like "
                f'"{ts_value.isoformat()}T00:00:00Z"',
            )
        elif not isinstance(ts_value, str):
            issues.add(
                "timestamp",
                f'must be an RFC 3339 string like "2026-05-01T14:32:00Z" (got {_describe(ts_value)})',
            )
        else:
            parsed, problem = parse_timestamp(ts_value)
            if problem is not None:
                issues.add("timestamp", problem)
            else:
                out["timestamp"] = ts_value

    metadata_value = event.get("metadata")
    if metadata_value is not None:
        metadata = _check_json_object(issues, metadata_value, "metadata")
        if metadata is not None:
            out["metadata"] = metadata

    changes_value = event.get("changes")
    if changes_value is not None:
        changes = _check_changes(issues, changes_value)
        if changes is not None:
            out["changes"] = changes

    outcome_value = event.get("outcome")
    if outcome_value is not None:
        if outcome_value in ("success", "failure") and isinstance(outcome_value, str):
            out["outcome"] = outcome_value
        else:
            lower = outcome_value.lower() if isinstance(outcome_value, str) else ""
            guess = _OUTCOME_ALIASES.get(lower) or _closest_match(lower, ["success", "failure"])
            suffix = f'; did you mean "{guess}"?' if guess else ""
            issues.add("outcome", f'must be "success" or "failure"{suffix}')

    key_value = event.get("idempotency_key")
    if key_value is not None:
        if not _is_idempotency_key(key_value):
            issues.add(
                "idempotency_key",
                f"must be 1 to {EVENT_LIMITS['max_idempotency_key_length']} printable ASCII characters",
            )
        else:
            out["idempotency_key"] = key_value

    if not issues.items:
        _check_size(issues, out)
    if issues.items:
        return None, issues.items
    return out, []


def _check_size(issues: _Issues, event: Dict[str, Any]) -> None:
    try:
        body = json.dumps(event, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    except (TypeError, ValueError):
        issues.add("", "is not serializable as JSON")
        return
    limit = EVENT_LIMITS["max_event_bytes"]
    if len(body) > limit:
        issues.add("", f"is {len(body)} bytes of JSON; an event may be at most {limit} bytes (64 KiB)")


def normalize_event(event: Any) -> Dict[str, Any]:
    """Validates ``event`` and returns a normalized deep copy ready to send (``None`` optional fields
    dropped, aware ``datetime`` timestamps converted to UTC strings). Raises
    :class:`~auditledge.AuditLedgeValidationError` listing every problem with its path."""
    out, issues = _normalize(event)
    if out is None:
        raise AuditLedgeValidationError(issues)
    return out


def validate_event(event: Any) -> List[Dict[str, str]]:
    """The list of ``{"path", "message"}`` problems of ``event`` (empty when it is valid). Never raises."""
    try:
        return _normalize(event)[1]
    except RecursionError:
        return [{"path": "", "message": "nests too deeply"}]
