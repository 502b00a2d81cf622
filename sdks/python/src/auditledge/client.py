"""The Auditledge client: ``AuditLedge(api_key).log({...})``.

``log()`` validates the event, gives it an idempotency key, puts it on a bounded in-memory queue
and returns a :class:`ReceiptFuture` at once; it never waits for the network. One background
daemon thread sends the queue in batches to ``POST /v1/events/batch`` and retries transient
failures with exponential backoff and full jitter, re-sending the *same* idempotency keys, so a
retry can never record an event twice.
"""

import atexit
import datetime as _dt
import json
import logging
import os
import random
import threading
import time
import urllib.parse
import uuid
import weakref
from collections import deque
from concurrent.futures import Future
from typing import Any, Callable, Deque, Dict, Iterator, List, Mapping, Optional, Union

from . import _http
from ._version import __version__
from .errors import (
    AuditLedgeAPIError,
    AuditLedgeClosedError,
    AuditLedgeDeliveryError,
    AuditLedgeError,
    AuditLedgeQueueFullError,
    AuditLedgeValidationError,
)
from .note import Checkpoint, VerifierKey, open_checkpoint
from .validation import EVENT_LIMITS, _closest_match, _normalize, format_timestamp
from .verify import VerificationResult, verify_checkpoint_consistency, verify_event_proof

__all__ = ["AuditLedge", "ReceiptFuture", "DEFAULT_BASE_URL"]

logger = logging.getLogger("auditledge")

DEFAULT_BASE_URL = "http://localhost:4680"
MAX_BATCH_EVENTS = 1000
# The server accepts 5 MiB per batch; stay below it with room for the envelope.
MAX_BATCH_BYTES = 5 * 1024 * 1024 - 4096
# A Retry-After beyond this is treated as this (a misconfigured proxy must not park events for days).
MAX_RETRY_AFTER = 600.0
_RECEIPT_FIELDS = ("id", "sequence", "organization_id", "received_at", "leaf_hash")
_QUERY_FILTERS = (
    "organization_id", "actor_id", "actor_email", "action", "resource_type", "resource_id",
    "outcome", "since", "until", "q", "limit", "cursor",
)  # fmt: skip

ErrorCallback = Callable[[AuditLedgeError, Dict[str, Any]], Any]


class ReceiptFuture(Future):
    """A :class:`concurrent.futures.Future` for one logged event.

    ``result()`` returns the server's receipt ``{"id", "sequence", "organization_id",
    "received_at", "leaf_hash"}`` once the event is durably stored; it raises
    :class:`~auditledge.AuditLedgeAPIError` when the server rejected the event and
    :class:`~auditledge.AuditLedgeDeliveryError` when it could not be delivered in time.
    ``event`` is the normalized event exactly as sent, including its ``idempotency_key`` (so
    logging it again later, e.g. from ``on_error``, can never record it twice).
    An accepted audit event cannot be cancelled: ``cancel()`` always returns False.
    """

    def __init__(self, event: Dict[str, Any], idempotency_key: str):
        super().__init__()
        self.event = event
        self.idempotency_key = idempotency_key

    def cancel(self) -> bool:
        return False

    def receipt(self, timeout: Optional[float] = None) -> Dict[str, Any]:
        """Alias of ``result()``."""
        return self.result(timeout)


class _Item:
    __slots__ = ("seq", "payload", "future", "enqueued_at")

    def __init__(self, seq: int, payload: bytes, future: ReceiptFuture, enqueued_at: float):
        self.seq = seq
        self.payload = payload
        self.future = future
        self.enqueued_at = enqueued_at


_live_clients: "weakref.WeakSet[AuditLedge]" = weakref.WeakSet()


def _close_all_at_exit() -> None:
    for client in list(_live_clients):
        try:
            client.close(timeout=client.shutdown_timeout)
        except Exception:  # pragma: no cover - never break interpreter exit
            logger.exception("auditledge: error while draining events at exit")


atexit.register(_close_all_at_exit)


def _after_fork_in_child() -> None:
    for client in list(_live_clients):
        client._reset_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _query_value(name: str, value: Any) -> str:
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            raise ValueError(f"{name}: naive datetime; use an aware one, e.g. datetime.now(timezone.utc)")
        return format_timestamp(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class AuditLedge:
    """Client of an Auditledge server.

    ``api_key``: a key with the ``events:write`` scope (and ``events:read`` for ``query`` /
    ``get_event`` / ``verify_event``); defaults to the ``AUDITLEDGE_API_KEY`` environment variable.
    ``base_url``: defaults to ``AUDITLEDGE_URL``, else ``http://localhost:4680``.

    Batching: a batch is sent when ``batch_size`` events are waiting or the oldest waiting event
    is ``flush_interval`` seconds old. Queue: at most ``max_queue_size`` events may be waiting
    for the server (queued or in flight); past that ``log()`` raises
    :class:`~auditledge.AuditLedgeQueueFullError` (nothing is ever dropped silently).
    Retries: network errors, timeouts, 408, 429 (honouring ``Retry-After``) and 5xx are retried
    with exponential backoff (``retry_initial_backoff`` doubling up to ``retry_max_backoff``, full
    jitter); ``max_retries=None`` retries until delivered or until ``close()`` runs out of time.
    ``timeout`` is the per-request socket timeout. ``on_error(error, event)`` is called from the
    background thread for every event that finally fails (rejected by the server or undeliverable);
    without it such failures are logged at ERROR on the ``auditledge`` logger.
    ``shutdown_timeout`` bounds the drain at interpreter exit.
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        base_url: Optional[str] = None,
        batch_size: int = 100,
        flush_interval: float = 0.5,
        max_queue_size: int = 10_000,
        timeout: float = 10.0,
        max_retries: Optional[int] = None,
        retry_initial_backoff: float = 0.5,
        retry_max_backoff: float = 30.0,
        on_error: Optional[ErrorCallback] = None,
        shutdown_timeout: float = 10.0,
    ):
        if api_key is None:
            api_key = os.environ.get("AUDITLEDGE_API_KEY")
        if not api_key or not isinstance(api_key, str):
            raise ValueError("api_key is required (or set AUDITLEDGE_API_KEY)")
        if any(ord(ch) < 0x21 or ord(ch) > 0x7E for ch in api_key):
            raise ValueError("api_key must be printable ASCII without spaces (check for a stray newline)")
        if not 1 <= batch_size <= MAX_BATCH_EVENTS:
            raise ValueError(f"batch_size must be 1 to {MAX_BATCH_EVENTS}")
        if max_queue_size < 1:
            raise ValueError("max_queue_size must be at least 1")
        if flush_interval < 0 or timeout <= 0 or retry_initial_backoff < 0 or retry_max_backoff < 0:
            raise ValueError("flush_interval, timeout and backoffs must be positive")
        if max_retries is not None and max_retries < 0:
            raise ValueError("max_retries must be None or >= 0")
        self.base_url = (base_url or os.environ.get("AUDITLEDGE_URL") or DEFAULT_BASE_URL).rstrip("/")
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self.max_queue_size = max_queue_size
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_initial_backoff = retry_initial_backoff
        self.retry_max_backoff = retry_max_backoff
        self.on_error = on_error
        self.shutdown_timeout = shutdown_timeout
        self._headers = {
            "Authorization": f"Bearer {api_key}",
            "User-Agent": f"auditledge-python/{__version__}",
            "Accept": "application/json",
        }
        _http.Connection(self.base_url, timeout, {})  # validates base_url now, not in the thread
        self._init_state()
        _live_clients.add(self)

    def _init_state(self) -> None:
        self._pid = os.getpid()
        self._cond = threading.Condition(threading.Lock())
        self._queue: Deque[_Item] = deque()
        self._pending = 0  # queued + in flight
        self._next_seq = 0
        self._completed_seq = 0  # every item with seq < this is resolved
        self._flush_target = 0  # send at once while the head's seq is below this
        self._closed = False
        self._stopping = False
        self._thread: Optional[threading.Thread] = None
        self._sender_conn: Optional[_http.Connection] = None
        self._abort = threading.Event()
        self._local = threading.local()

    def _reset_after_fork(self) -> None:
        # The worker thread does not exist in a forked child, and the parent still owns (and will
        # deliver) whatever it had queued. Start empty; the thread is started again on first log().
        self._init_state()

    # --- logging ---------------------------------------------------------------------------------

    def log(self, event: Mapping[str, Any]) -> ReceiptFuture:
        """Validates ``event`` and queues it for delivery; returns at once with a
        :class:`ReceiptFuture`. An event without ``timestamp`` (and without its own
        ``idempotency_key``) is stamped with the current UTC time: when the action happened, not
        when a retry finally reached the server.

        Raises :class:`~auditledge.AuditLedgeValidationError` (invalid event),
        :class:`~auditledge.AuditLedgeQueueFullError` (``max_queue_size`` events already waiting)
        or :class:`~auditledge.AuditLedgeClosedError` (after ``close()``); in all three cases
        nothing was queued."""
        normalized, issues = _normalize(event)
        if normalized is None:
            raise AuditLedgeValidationError(issues)
        key = normalized.pop("idempotency_key", None)
        if key is None:
            key = uuid.uuid4().hex
            if "timestamp" not in normalized:
                # When the action happened, not when a retry finally reached the server. (With the
                # caller's own key the body is left as given, so logging it again stays identical.)
                normalized["timestamp"] = format_timestamp(_dt.datetime.now(_dt.timezone.utc))
        wire = dict(normalized)
        wire["idempotency_key"] = key
        payload = json.dumps(wire, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
        if len(payload) > EVENT_LIMITS["max_event_bytes"]:
            limit = EVENT_LIMITS["max_event_bytes"]
            raise AuditLedgeValidationError(
                [{"path": "", "message": f"is {len(payload)} bytes of JSON; an event may be at most {limit} bytes (64 KiB)"}]
            )
        future = ReceiptFuture(wire, key)
        with self._cond:
            if self._pid != os.getpid():
                self._reset_after_fork_locked()
            if self._closed:
                raise AuditLedgeClosedError("log() after close(): the event was not recorded")
            if self._pending >= self.max_queue_size:
                raise AuditLedgeQueueFullError(
                    f"{self._pending} events are waiting for the server (max_queue_size={self.max_queue_size}); "
                    "the event was not recorded"
                )
            self._queue.append(_Item(self._next_seq, payload, future, time.monotonic()))
            self._next_seq += 1
            self._pending += 1
            self._ensure_worker()
            if len(self._queue) == 1 or len(self._queue) >= self.batch_size:
                self._cond.notify_all()
        return future

    def _reset_after_fork_locked(self) -> None:  # pragma: no cover - only without os.register_at_fork
        self._pid = os.getpid()
        self._queue.clear()
        self._pending = 0
        self._completed_seq = self._next_seq
        self._thread = None

    def _ensure_worker(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="auditledge-sender", daemon=True)
            self._thread.start()

    @property
    def pending(self) -> int:
        """Events accepted by ``log()`` and not yet acknowledged or failed."""
        with self._cond:
            return self._pending

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Sends everything queued so far at once and blocks until each of those events is
        acknowledged or has failed. Returns False if ``timeout`` (seconds) expired first."""
        if self._thread is not None and threading.current_thread() is self._thread:
            raise RuntimeError("flush() cannot be called from the on_error callback or a future's done-callback")
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            target = self._next_seq
            if self._completed_seq >= target:
                return True
            self._flush_target = max(self._flush_target, target)
            self._ensure_worker()
            self._cond.notify_all()
            while self._completed_seq < target:
                if deadline is None:
                    self._cond.wait()
                else:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return False
                    self._cond.wait(remaining)
        return True

    def close(self, timeout: Optional[float] = 30.0) -> bool:
        """Stops accepting events, delivers what is queued, and stops the background thread.

        Waits up to ``timeout`` seconds (None: until done). Events still undelivered then fail
        with :class:`~auditledge.AuditLedgeDeliveryError` (their futures raise it and ``on_error``
        receives each of them). Returns True when every event was acknowledged or permanently
        rejected, False when some had to be abandoned. Safe to call more than once.
        """
        with self._cond:
            self._closed = True
            thread = self._thread
        if thread is not None and threading.current_thread() is thread:
            raise RuntimeError("close() cannot be called from the on_error callback or a future's done-callback")
        delivered = self.flush(timeout)
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if not delivered:
            self._abort.set()  # the worker fails what is left instead of retrying
            sender = self._sender_conn
            if sender is not None:
                sender.interrupt()  # and does not wait for a request in flight
        if thread is not None:
            thread.join(None if delivered and timeout is None else 5.0)
        with self._cond:
            leftovers = list(self._queue) if thread is None or not thread.is_alive() else []
            if leftovers:
                self._queue.clear()
        if leftovers:  # pragma: no cover - only when the worker thread died or is stuck
            self._fail(leftovers, AuditLedgeDeliveryError("not delivered before close()"))
        for conn in (getattr(self._local, "conn", None),):
            if conn is not None:
                conn.close()
        _live_clients.discard(self)
        return delivered

    def __enter__(self) -> "AuditLedge":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    # --- the sender thread -----------------------------------------------------------------------

    def _run(self) -> None:
        conn = _http.Connection(
            self.base_url, self.timeout, dict(self._headers, **{"Content-Type": "application/json"})
        )
        self._sender_conn = conn
        if self._abort.is_set():
            conn.interrupt()
        try:
            while True:
                with self._cond:
                    while True:
                        if self._queue:
                            head = self._queue[0]
                            if (
                                len(self._queue) >= self.batch_size
                                or head.seq < self._flush_target
                                or self._stopping
                                or self._abort.is_set()
                            ):
                                break
                            wait = head.enqueued_at + self.flush_interval - time.monotonic()
                            if wait <= 0:
                                break
                            self._cond.wait(wait)
                        else:
                            if self._stopping:
                                return
                            self._cond.wait()
                    batch: List[_Item] = []
                    size = 0
                    while self._queue and len(batch) < self.batch_size:
                        nxt = len(self._queue[0].payload) + 1
                        if batch and size + nxt > MAX_BATCH_BYTES:
                            break
                        batch.append(self._queue.popleft())
                        size += nxt
                try:
                    self._deliver(conn, batch)
                except BaseException as error:  # never let the sender die with events in hand
                    logger.exception("auditledge: unexpected error in the sender thread")
                    self._fail(batch, AuditLedgeDeliveryError("unexpected error in the sender thread", error))
                with self._cond:
                    self._pending -= len(batch)
                    self._completed_seq = batch[-1].seq + 1
                    self._cond.notify_all()
        finally:
            conn.close()

    def _backoff(self, attempt: int, retry_after: Optional[float]) -> float:
        if retry_after is not None:
            return min(retry_after, MAX_RETRY_AFTER)
        ceiling = min(self.retry_max_backoff, self.retry_initial_backoff * (2 ** min(attempt - 1, 30)))
        return random.uniform(0, ceiling)

    def _deliver(self, conn: _http.Connection, batch: List[_Item]) -> None:
        """Delivers ``batch`` until every item is acknowledged, rejected, or abandoned."""
        remaining = [item for item in batch if not item.future.done()]
        attempt = 0
        last_error: Optional[BaseException] = None
        while remaining:
            if self._abort.is_set():
                self._fail(
                    remaining,
                    AuditLedgeDeliveryError("not delivered: close() ran out of time before the server acknowledged", last_error),
                )
                return
            body = b'{"events":[' + b",".join(item.payload for item in remaining) + b"]}"
            retry_after = None
            try:
                response = conn.request("POST", "/v1/events/batch", body)
            except _http.TRANSIENT_ERRORS as error:
                last_error = error
            else:
                status = response.status
                if status == 200:
                    retry, last_error = self._apply_results(remaining, response, last_error)
                    if not retry:
                        return
                    if len(retry) < len(remaining):
                        attempt = 0  # progress: start the backoff over
                    remaining = retry
                elif status in (408, 429) or status >= 500:
                    last_error = response.error()
                    retry_after = response.retry_after()
                elif status == 413 and len(remaining) > 1:
                    half = len(remaining) // 2
                    self._deliver(conn, remaining[:half])
                    self._deliver(conn, remaining[half:])
                    return
                else:
                    self._fail(remaining, response.error())
                    return
            attempt += 1
            if self.max_retries is not None and attempt > self.max_retries:
                self._fail(remaining, AuditLedgeDeliveryError(f"gave up after {attempt} attempts", last_error))
                return
            delay = self._backoff(attempt, retry_after)
            if attempt == 1:
                logger.warning("auditledge: delivery of %d event(s) failed (%r); retrying", len(remaining), last_error)
            else:
                logger.debug("auditledge: retry %d in %.2fs after %r", attempt, delay, last_error)
            self._abort.wait(delay)

    def _apply_results(self, items: List[_Item], response: "_http.Response", last_error: Optional[BaseException]):
        """Resolves the items a batch response settles; returns (items to retry, last error)."""
        try:
            results = response.json()["results"]
            if not isinstance(results, list):
                raise TypeError("results is not a list")
        except (ValueError, KeyError, TypeError) as error:
            # Not the answer of an Auditledge server (a proxy?). The same keys make a retry safe.
            return items, AuditLedgeAPIError(200, detail=f"unreadable batch response: {error}")
        settled = set()
        for result in results:
            if not isinstance(result, dict):
                continue
            index = result.get("index")
            if not isinstance(index, int) or not 0 <= index < len(items) or index in settled:
                continue
            status = result.get("status")
            item = items[index]
            if status in (200, 201):
                settled.add(index)
                receipt = {k: result[k] for k in _RECEIPT_FIELDS if k in result}
                self._resolve(item, receipt)
            elif isinstance(status, int) and (status in (408, 429) or status >= 500):
                last_error = AuditLedgeAPIError.from_problem(status, result.get("error"))
            elif isinstance(status, int):
                settled.add(index)
                self._fail([item], AuditLedgeAPIError.from_problem(status, result.get("error")))
        retry = [item for i, item in enumerate(items) if i not in settled]
        return retry, last_error

    def _resolve(self, item: _Item, receipt: Dict[str, Any]) -> None:
        if not item.future.done():
            item.future.set_result(receipt)

    def _fail(self, items: List[_Item], error: AuditLedgeError) -> None:
        failed = []
        for item in items:
            if item.future.done():
                continue
            item.future.set_exception(error)
            failed.append(item)
            if self.on_error is not None:
                try:
                    self.on_error(error, item.future.event)
                except Exception:
                    logger.exception("auditledge: the on_error callback raised")
        if failed and self.on_error is None:
            keys = ", ".join(item.future.idempotency_key for item in failed[:5])
            more = f" and {len(failed) - 5} more" if len(failed) > 5 else ""
            logger.error(
                "auditledge: %d audit event(s) were NOT recorded: %s (idempotency keys %s%s); "
                "pass on_error= to AuditLedge to keep them",
                len(failed),
                error,
                keys,
                more,
            )

    # --- reading -----------------------------------------------------------------------------------

    def _reader(self) -> _http.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = _http.Connection(self.base_url, self.timeout, self._headers)
            self._local.conn = conn
        return conn

    def _get(self, path: str, params: Optional[Mapping[str, str]] = None, accept_json: bool = True) -> _http.Response:
        if params:
            path += "?" + urllib.parse.urlencode(params)
        attempt = 0
        while True:
            attempt += 1
            retry_after = None
            try:
                response = self._reader().request("GET", path)
            except _http.TRANSIENT_ERRORS:
                if attempt >= 3:
                    raise
            else:
                if response.status < 400:
                    return response
                if attempt >= 3 or not (response.status in (408, 429) or response.status >= 500):
                    raise response.error()
                retry_after = response.retry_after()
            time.sleep(min(self._backoff(attempt, retry_after), 5.0))

    def _get_json(self, path: str, params: Optional[Mapping[str, str]] = None) -> Any:
        response = self._get(path, params)
        try:
            return response.json()
        except ValueError:
            raise AuditLedgeAPIError(response.status, detail="the response is not JSON", body=response.body) from None

    def list_events(self, **filters: Any) -> Dict[str, Any]:
        """One page of ``GET /v1/events``: ``{"data": [...], "next_cursor": ...}``. Accepts the
        filters of :meth:`query` plus ``cursor``."""
        params: Dict[str, str] = {}
        for name, value in filters.items():
            if name not in _QUERY_FILTERS:
                guess = _closest_match(name, _QUERY_FILTERS)
                hint = f'; did you mean "{guess}"?' if guess else f"; expected one of {', '.join(_QUERY_FILTERS)}"
                raise TypeError(f"unknown filter {name!r}{hint}")
            if value is None:
                continue
            params[name] = _query_value(name, value)
        return self._get_json("/v1/events", params)

    def query(self, **filters: Any) -> Iterator[Dict[str, Any]]:
        """Iterates over every matching event, newest first, following ``next_cursor`` page by page.

        Filters (``GET /v1/events`` parameters): ``organization_id`` (required unless the key is
        pinned to one organization), ``actor_id``, ``actor_email``, ``action`` (exact,
        ``invoice.*`` prefix, or a list), ``resource_type``, ``resource_id``, ``outcome``,
        ``since``/``until`` (aware datetime, date, or RFC 3339 string), ``q`` (query language) and
        ``limit`` (the page size, 1–1000, default 50). Errors raise AuditLedgeAPIError.
        """
        if "cursor" in filters:
            raise TypeError("query() follows cursors itself; use list_events(cursor=...) for one page")
        cursor: Optional[str] = None
        while True:
            page = self.list_events(**filters, cursor=cursor)
            for event in page.get("data") or []:
                yield event
            cursor = page.get("next_cursor")
            if not cursor:
                return

    def get_event(self, event_id: str, proof: bool = False) -> Dict[str, Any]:
        """``GET /v1/events/{id}`` (with ``proof=True``: plus its inclusion proof and checkpoint)."""
        path = "/v1/events/" + urllib.parse.quote(event_id, safe="")
        return self._get_json(path, {"proof": "true"} if proof else None)

    # --- verification ------------------------------------------------------------------------------

    def get_verifier_key(self) -> str:
        """The server's note verifier key (``GET /v1/verifier-key``). Fetch it once and pin it
        (configuration, not the network): a key fetched from the server you are checking proves
        nothing against that server."""
        return self._get("/v1/verifier-key").body.decode("utf-8").strip()

    def get_checkpoint(
        self, organization_id: str, verifier_key: Union[str, VerifierKey], allow_unsigned: bool = False
    ) -> Checkpoint:
        """The latest signed checkpoint of an organization's log, verified with the pinned key."""
        path = f"/v1/logs/{urllib.parse.quote(organization_id, safe='')}/checkpoint"
        note = self._get(path).body.decode("utf-8")
        return open_checkpoint(note, verifier_key, allow_unsigned=allow_unsigned)

    def verify_event(
        self, event_id: str, verifier_key: Union[str, VerifierKey], allow_unsigned: bool = False
    ) -> VerificationResult:
        """Fetches ``GET /v1/events/{id}?proof=true`` and verifies it client-side against the pinned
        ``verifier_key``: checkpoint signature, leaf hash recomputed from the leaf and the event's
        disclosed values, and the RFC 9162 inclusion proof. Raises AuditLedgeVerificationError
        (AuditLedgeSignatureUnavailableError without ``cryptography`` unless ``allow_unsigned``)."""
        return verify_event_proof(self.get_event(event_id, proof=True), verifier_key, allow_unsigned=allow_unsigned)

    def verify_consistency(
        self,
        old_checkpoint: Union[str, Checkpoint],
        verifier_key: Union[str, VerifierKey],
        organization_id: str,
        allow_unsigned: bool = False,
    ) -> Checkpoint:
        """Proves the organization's log today extends ``old_checkpoint`` (a note you kept, or a
        Checkpoint): fetches the latest checkpoint and a consistency proof and verifies both.
        Returns the new verified checkpoint (keep it for next time)."""
        if isinstance(old_checkpoint, str):
            old_checkpoint = open_checkpoint(old_checkpoint, verifier_key, allow_unsigned=allow_unsigned)
        new = self.get_checkpoint(organization_id, verifier_key, allow_unsigned=allow_unsigned)
        proof: List[str] = []
        if 0 < old_checkpoint.size < new.size:
            path = f"/v1/logs/{urllib.parse.quote(organization_id, safe='')}/proofs/consistency"
            body = self._get_json(path, {"from": str(old_checkpoint.size), "to": str(new.size)})
            proof = body.get("proof") if isinstance(body, dict) else None
        verify_checkpoint_consistency(old_checkpoint, new, proof)
        return new
