"""Exceptions raised by the Auditledge client.

Everything derives from :class:`AuditLedgeError`, so ``except AuditLedgeError`` catches them all.
"""

from typing import Any, Dict, List, Mapping, Optional

__all__ = [
    "AuditLedgeError",
    "AuditLedgeValidationError",
    "AuditLedgeAPIError",
    "AuditLedgeQueueFullError",
    "AuditLedgeClosedError",
    "AuditLedgeDeliveryError",
    "AuditLedgeVerificationError",
    "AuditLedgeSignatureUnavailableError",
]


class AuditLedgeError(Exception):
    """Base class of every error raised by this package."""


def _format_issues(errors: List[Dict[str, str]], limit: int = 10) -> str:
    parts = []
    for issue in errors[:limit]:
        path = issue.get("path", "")
        message = issue.get("message", "")
        parts.append(f"{path}: {message}" if path else message)
    if len(errors) > limit:
        parts.append(f"… and {len(errors) - limit} more")
    return "; ".join(parts)


class AuditLedgeValidationError(AuditLedgeError, ValueError):
    """The event is invalid; raised synchronously by ``log()`` before anything is queued.

    ``errors`` is a list of ``{"path": ..., "message": ...}`` dicts, with the same paths the
    server would report (``actor.id``, ``targets[2].type``, ``metadata.ip``).
    """

    def __init__(self, errors: List[Dict[str, str]]):
        self.errors = [dict(issue) for issue in errors]
        super().__init__(f"invalid audit event: {_format_issues(self.errors)}")

    @property
    def paths(self) -> List[str]:
        return [issue["path"] for issue in self.errors]


class AuditLedgeAPIError(AuditLedgeError):
    """The server answered with an error (an RFC 9457 ``application/problem+json`` document).

    Attributes mirror the problem document: ``status``, ``type``, ``title``, ``detail``,
    ``request_id`` and ``errors`` (``[{"path", "message"}]`` for validation failures).
    """

    def __init__(
        self,
        status: int,
        title: Optional[str] = None,
        detail: Optional[str] = None,
        type: Optional[str] = None,  # noqa: A002 - mirrors the RFC 9457 member name
        request_id: Optional[str] = None,
        errors: Optional[List[Dict[str, str]]] = None,
        body: Any = None,
    ):
        self.status = status
        self.type = type
        self.title = title
        self.detail = detail
        self.request_id = request_id
        self.errors = list(errors or [])
        self.body = body
        text = f"HTTP {status}"
        if title:
            text += f" {title}"
        if detail:
            text += f": {detail}"
        elif self.errors:
            text += f": {_format_issues(self.errors)}"
        if request_id:
            text += f" (request_id {request_id})"
        super().__init__(text)

    @property
    def retryable(self) -> bool:
        return self.status in (408, 429) or self.status >= 500

    @classmethod
    def from_problem(cls, status: int, problem: Any, body: Any = None) -> "AuditLedgeAPIError":
        """Builds the error from a parsed problem document (anything that is not a dict is tolerated)."""
        if not isinstance(problem, Mapping):
            text = None
            if isinstance(body, (bytes, bytearray)) and body:
                text = bytes(body[:200]).decode("utf-8", "replace")
            return cls(status, detail=text, body=problem if problem is not None else body)
        errors = problem.get("errors")
        issues: List[Dict[str, str]] = []
        if isinstance(errors, list):
            for item in errors:
                if isinstance(item, Mapping):
                    issues.append({"path": str(item.get("path", "")), "message": str(item.get("message", ""))})
        raw_status = problem.get("status")
        return cls(
            status=raw_status if isinstance(raw_status, int) else status,
            title=_str_or_none(problem.get("title")),
            detail=_str_or_none(problem.get("detail")),
            type=_str_or_none(problem.get("type")),
            request_id=_str_or_none(problem.get("request_id")),
            errors=issues,
            body=problem,
        )


def _str_or_none(value: Any) -> Optional[str]:
    return value if isinstance(value, str) else None


class AuditLedgeQueueFullError(AuditLedgeError):
    """``log()`` was called while ``max_queue_size`` events were already waiting for the server.

    Nothing was queued: the event is *not* recorded. This only happens when the server has been
    unreachable or slow for a long time; handle it (write the event somewhere else, fail the request)
    rather than ignore it.
    """


class AuditLedgeClosedError(AuditLedgeError):
    """``log()`` was called after ``close()``."""


class AuditLedgeDeliveryError(AuditLedgeError):
    """An accepted event could not be delivered: retries were exhausted (``max_retries``) or
    ``close()``/interpreter exit ran out of time while the server was unreachable.

    ``last_error`` is the last transient failure seen (a network error or an
    :class:`AuditLedgeAPIError` with a retryable status).
    """

    def __init__(self, message: str, last_error: Optional[BaseException] = None):
        self.last_error = last_error
        if last_error is not None:
            message = f"{message} (last error: {last_error!r})"
        super().__init__(message)


class AuditLedgeVerificationError(AuditLedgeError):
    """A proof, checkpoint signature, leaf hash or disclosure did not verify."""


class AuditLedgeSignatureUnavailableError(AuditLedgeVerificationError):
    """Signature not checked: install cryptography (``pip install cryptography``).

    Raised instead of pretending a checkpoint signature verified when no Ed25519 implementation
    is importable. Pass ``allow_unsigned=True`` to get a result whose ``signature_checked`` is False.
    """
