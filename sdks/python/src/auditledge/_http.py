"""A small keep-alive HTTP/1.1 client on top of ``http.client`` (standard library only)."""

import email.utils
import http.client
import json
import socket
import ssl
import time
import urllib.parse
from typing import Any, Dict, Mapping, Optional

from .errors import AuditLedgeAPIError

# Failures after which a request on a *reused* keep-alive connection is retried once at once on a
# fresh connection: the server may have closed the idle connection just as we sent.
_STALE_CONNECTION_ERRORS = (
    http.client.RemoteDisconnected,
    http.client.BadStatusLine,
    ConnectionResetError,
    ConnectionAbortedError,
    BrokenPipeError,
)

# Errors that mean "the request may or may not have reached the server; try again".
TRANSIENT_ERRORS = (OSError, http.client.HTTPException, socket.timeout)


class Response:
    __slots__ = ("status", "headers", "body")

    def __init__(self, status: int, headers: Dict[str, str], body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        if not self.body:
            return None
        return json.loads(self.body.decode("utf-8"))

    def error(self) -> AuditLedgeAPIError:
        try:
            problem = self.json()
        except ValueError:
            problem = None
        return AuditLedgeAPIError.from_problem(self.status, problem, self.body)

    def retry_after(self) -> Optional[float]:
        return parse_retry_after(self.headers.get("retry-after"))


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP-date), or None."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(int(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class Connection:
    """One persistent connection to the server. Not thread-safe: use one per thread."""

    def __init__(self, base_url: str, timeout: float, default_headers: Mapping[str, str]):
        parsed = urllib.parse.urlsplit(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"base_url must be an http:// or https:// URL, got {base_url!r}")
        self.scheme = parsed.scheme
        self.host = parsed.hostname
        self.port = parsed.port
        self.prefix = parsed.path.rstrip("/")
        self.timeout = timeout
        self.default_headers = dict(default_headers)
        self._conn: Optional[http.client.HTTPConnection] = None
        self._interrupted = False
        self._ssl_context = ssl.create_default_context() if self.scheme == "https" else None

    def _connect(self) -> http.client.HTTPConnection:
        if self.scheme == "https":
            return http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout, context=self._ssl_context)
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def interrupt(self) -> None:
        """Makes a request blocked in another thread fail now, and every later request at once."""
        self._interrupted = True
        conn = self._conn
        sock = conn.sock if conn is not None else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:
                pass

    def request(
        self,
        method: str,
        path: str,
        body: Optional[bytes] = None,
        headers: Optional[Mapping[str, str]] = None,
        timeout: Optional[float] = None,
    ) -> Response:
        """Sends one request and reads the whole response. Raises TRANSIENT_ERRORS on network
        failures (the connection is then discarded); HTTP error statuses are returned, not raised."""
        all_headers = dict(self.default_headers)
        if headers:
            all_headers.update(headers)
        for attempt in (0, 1):
            if self._interrupted:
                self.close()
                raise ConnectionAbortedError("the client is closing")
            reused = self._conn is not None
            if self._conn is None:
                self._conn = self._connect()
            conn = self._conn
            if timeout is not None:
                conn.timeout = timeout
                if conn.sock is not None:
                    conn.sock.settimeout(timeout)
            try:
                conn.request(method, self.prefix + path, body=body, headers=all_headers)
                response = conn.getresponse()
                data = response.read()
            except _STALE_CONNECTION_ERRORS:
                self.close()
                if reused and attempt == 0:
                    continue
                raise
            except BaseException:
                self.close()
                raise
            finally:
                if timeout is not None and self._conn is conn:
                    conn.timeout = self.timeout
                    if conn.sock is not None:
                        conn.sock.settimeout(self.timeout)
            result = Response(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
            if response.will_close:
                self.close()
            return result
        raise AssertionError("unreachable")  # pragma: no cover
