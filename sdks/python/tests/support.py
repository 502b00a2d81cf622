"""Shared test helpers: the package on sys.path, one real Auditledge server for the whole run,
a fault-injecting HTTP proxy, and small HTTP helpers. Nothing here mocks the client or the server.
"""

import atexit
import collections
import logging
import http.client
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
SDK_ROOT = os.path.dirname(HERE)
SRC = os.path.join(SDK_ROOT, "src")
if SRC not in sys.path:
    sys.path.insert(0, SRC)

# The client logs undeliverable events at ERROR; tests provoke many on purpose.
if not os.environ.get("AUDITLEDGE_TEST_LOGS"):
    logging.getLogger("auditledge").setLevel(logging.CRITICAL)

REPO_ROOT = os.path.abspath(os.path.join(SDK_ROOT, "..", ".."))
SERVER_BIN = os.path.join(REPO_ROOT, "packages", "server", "bin", "auditledge.js")
SERVER_DIST = os.path.join(REPO_ROOT, "packages", "server", "dist", "cli.js")


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


# --- the real server ------------------------------------------------------------------------------


class Server:
    """``node packages/server/bin/auditledge.js serve --port 0`` on a fresh data directory."""

    def __init__(self) -> None:
        if not os.path.exists(SERVER_DIST):
            raise RuntimeError(
                f"{SERVER_DIST} is missing: build the server first (cd {REPO_ROOT} && npm run build)"
            )
        self.data_dir = tempfile.mkdtemp(prefix="auditledge-py-")
        # Checkpoints re-signed every 100 ms (default 1 s) so consistency tests need not wait.
        env = dict(os.environ, AUDITLEDGE_LOG_LEVEL="warn", AUDITLEDGE_CHECKPOINT_INTERVAL_MS="100")
        env.pop("DATABASE_URL", None)
        self.process = subprocess.Popen(
            ["node", SERVER_BIN, "serve", "--port", "0", "--data-dir", self.data_dir],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=REPO_ROOT,
        )
        self.output: "collections.deque[str]" = collections.deque(maxlen=200)
        lines: "queue.Queue[str]" = queue.Queue()

        def pump(stream, sink):
            for raw in iter(stream.readline, b""):
                line = raw.decode("utf-8", "replace").rstrip("\n")
                self.output.append(line)
                if sink is not None:
                    sink.put(line)
            if sink is not None:
                sink.put(None)

        threading.Thread(target=pump, args=(self.process.stdout, lines), daemon=True).start()
        threading.Thread(target=pump, args=(self.process.stderr, None), daemon=True).start()
        self.url = None
        self.admin_key = None
        deadline = time.monotonic() + 30
        while self.url is None or self.admin_key is None:
            remaining = deadline - time.monotonic()
            try:
                line = lines.get(timeout=max(0.1, remaining))
            except queue.Empty:
                line = ""
            if line is None or remaining <= 0:
                self.stop()
                raise RuntimeError("the server did not start:\n" + "\n".join(self.output))
            if line.startswith("Auditledge is listening on "):
                self.url = line[len("Auditledge is listening on ") :].strip()
            elif line.startswith("  alk_"):
                self.admin_key = line.strip()
        parsed = urllib.parse.urlsplit(self.url)
        self.host = parsed.hostname
        self.port = parsed.port

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        for stream in (self.process.stdout, self.process.stderr):
            try:
                stream.close()
            except OSError:
                pass
        shutil.rmtree(self.data_dir, ignore_errors=True)


_server = None
_server_lock = threading.Lock()


def server() -> Server:
    global _server
    with _server_lock:
        if _server is None:
            _server = Server()
            atexit.register(_server.stop)
        return _server


# --- plain HTTP helpers (independent of the SDK, to check what the server really stored) ---------


def http_json(method, url, key=None, body=None, headers=None, timeout=10):
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method=method)
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def stored_events(organization_id, srv=None):
    """Every event of an organization, read straight from the server with urllib."""
    srv = srv or server()
    events, cursor = [], None
    while True:
        params = {"organization_id": organization_id, "limit": "1000"}
        if cursor:
            params["cursor"] = cursor
        status, page = http_json("GET", f"{srv.url}/v1/events?{urllib.parse.urlencode(params)}", srv.admin_key)
        assert status == 200, page
        events.extend(page["data"])
        cursor = page["next_cursor"]
        if not cursor:
            return events


def actor_counts(organization_id, srv=None):
    return collections.Counter(event["actor"]["id"] for event in stored_events(organization_id, srv))


# --- the fault proxy --------------------------------------------------------------------------------


class FaultProxy:
    """A threaded HTTP/1.1 proxy in front of the real server.

    Requests to ``POST /v1/events/batch`` consume one scripted fault each (then pass through):
      ``"drop_before"``  read the request, close the connection without forwarding it;
      ``"drop_after"``   forward it (the server stores the batch), then close without replying;
      ``("delay", s)``   forward it, hold the response for ``s`` seconds, then send it;
      ``("status", code, retry_after)``  answer ``code`` (problem+json) without forwarding.
    ``go_down()`` closes the listening socket (connections are refused) and ``come_up()`` reopens
    it on the same port. ``log`` records ``(monotonic time, method, path, action)`` per request.
    """

    def __init__(self, upstream_host: str, upstream_port: int):
        self.upstream = (upstream_host, upstream_port)
        self.script = collections.deque()
        self.log = []
        self.lock = threading.Lock()
        self.port = None
        self._listener = None
        self._conns = set()
        self._closed = False
        self.come_up()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def faults(self, *actions) -> None:
        with self.lock:
            self.script.extend(actions)

    def batch_requests(self):
        with self.lock:
            return [entry for entry in self.log if entry[2] == "/v1/events/batch"]

    # listening

    def come_up(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port or 0))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def go_down(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            try:
                listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            listener.close()
        with self.lock:
            conns = list(self._conns)
        for conn in conns:  # kept-alive connections die with the "server"
            _hard_close(conn)

    def close(self) -> None:
        self._closed = True
        self.go_down()

    def _accept(self, listener) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with self.lock:
                self._conns.add(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    # one client connection, possibly several requests (keep-alive)

    def _serve(self, conn) -> None:
        reader = conn.makefile("rb")
        try:
            while True:
                request = _read_request(reader)
                if request is None:
                    return
                method, target, headers, body = request
                path = target.split("?", 1)[0]
                action = "pass"
                if method == "POST" and path == "/v1/events/batch":
                    with self.lock:
                        if self.script:
                            action = self.script.popleft()
                with self.lock:
                    self.log.append((time.monotonic(), method, path, action))
                if action == "drop_before":
                    return
                if isinstance(action, tuple) and action[0] == "status":
                    _, code, retry_after = action
                    problem = json.dumps(
                        {"type": "about:blank", "title": "Injected", "status": code, "detail": "fault proxy", "request_id": "proxy"}
                    ).encode()
                    extra = f"Retry-After: {retry_after}\r\n" if retry_after is not None else ""
                    conn.sendall(
                        f"HTTP/1.1 {code} Injected\r\nContent-Type: application/problem+json\r\n{extra}"
                        f"Content-Length: {len(problem)}\r\n\r\n".encode() + problem
                    )
                    continue
                status, reason, response_headers, response_body = self._forward(method, target, headers, body)
                if action == "drop_after":
                    return
                if isinstance(action, tuple) and action[0] == "delay":
                    time.sleep(action[1])
                head = f"HTTP/1.1 {status} {reason}\r\n"
                for name, value in response_headers:
                    if name.lower() in ("transfer-encoding", "connection", "content-length", "keep-alive"):
                        continue
                    head += f"{name}: {value}\r\n"
                head += f"Content-Length: {len(response_body)}\r\n\r\n"
                conn.sendall(head.encode("latin-1") + response_body)
        except OSError:
            return
        finally:
            with self.lock:
                self._conns.discard(conn)
            _hard_close(conn)

    def _forward(self, method, target, headers, body):
        upstream = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            forwarded = {k: v for k, v in headers if k.lower() not in ("connection", "keep-alive", "host")}
            upstream.request(method, target, body=body, headers=forwarded)
            response = upstream.getresponse()
            return response.status, response.reason, response.getheaders(), response.read()
        finally:
            upstream.close()


def _hard_close(conn) -> None:
    try:
        conn.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        conn.close()
    except OSError:
        pass


def _read_request(reader):
    line = reader.readline()
    if not line:
        return None
    method, target, _version = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
    headers = []
    length = 0
    while True:
        raw = reader.readline()
        if raw in (b"\r\n", b"\n", b""):
            break
        name, _, value = raw.decode("latin-1").rstrip("\r\n").partition(":")
        headers.append((name.strip(), value.strip()))
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    body = reader.read(length) if length else None
    return method, target, headers, body


class ServerTestCase(unittest.TestCase):
    """Gives each test ``self.server`` and a unique ``self.org``."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.server = server()

    def setUp(self) -> None:
        self.org = unique("org")
