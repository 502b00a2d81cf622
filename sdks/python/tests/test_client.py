"""The client against a real Auditledge server: the seed article's snippet verbatim, log/flush/close
semantics, the queue-full policy, per-item and whole-batch rejections, and query paging."""

import datetime as dt
import os
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unittest

import support
from support import ServerTestCase, actor_counts, stored_events, unique

from auditledge import (
    AuditLedge,
    AuditLedgeAPIError,
    AuditLedgeClosedError,
    AuditLedgeDeliveryError,
    AuditLedgeQueueFullError,
    AuditLedgeValidationError,
    ReceiptFuture,
)

SEED_ARTICLE = "/work/shared/seed/what-is-an-audit-log.txt"

# The snippet from the seed article, character for character.
SEED_SNIPPET = """from auditledge import AuditLedge

audit = AuditLedge('your_api_key')

def delete_invoice(user, invoice):
    invoice.delete()
    audit.log({
        'actor': {'id': user.id, 'name': user.name, 'email': user.email},
        'action': 'invoice.deleted',
        'resource': {'type': 'invoice', 'id': invoice.id, 'name': invoice.number},
        'organization_id': user.organization_id,
    })
"""


def event(org, actor_id, action="invoice.deleted", **extra):
    base = {"actor": {"id": actor_id}, "action": action, "organization_id": org}
    base.update(extra)
    return base


class SeedSnippetTest(ServerTestCase):
    def test_snippet_is_the_articles(self):
        if not os.path.exists(SEED_ARTICLE):
            self.skipTest("seed article not present")
        with open(SEED_ARTICLE, encoding="utf-8") as f:
            self.assertIn(SEED_SNIPPET, f.read())

    def test_seed_snippet_records_the_event(self):
        """The snippet runs as printed in a fresh interpreter (AUDITLEDGE_URL set, the real key in
        place of 'your_api_key'), exits without flush() or close(), and the event is stored."""
        program = SEED_SNIPPET.replace("your_api_key", self.server.admin_key) + textwrap.dedent(
            f"""

            class User:
                id = "user_abc123"
                name = "Alice Johnson"
                email = "alice@acme.com"
                organization_id = {self.org!r}


            class Invoice:
                id = "inv_789"
                number = "Invoice #1042"
                deleted = False

                def delete(self):
                    self.deleted = True


            invoice = Invoice()
            delete_invoice(User(), invoice)
            assert invoice.deleted
            """
        )
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "app.py")
            with open(path, "w", encoding="utf-8") as f:
                f.write(program)
            env = dict(os.environ, AUDITLEDGE_URL=self.server.url, PYTHONPATH=support.SRC)
            env.pop("AUDITLEDGE_API_KEY", None)
            started = time.monotonic()
            result = subprocess.run([sys.executable, path], env=env, capture_output=True, timeout=60)
            self.assertEqual(result.returncode, 0, result.stderr.decode())
            self.assertLess(time.monotonic() - started, 10)
        events = stored_events(self.org)
        self.assertEqual(len(events), 1)
        stored = events[0]
        self.assertEqual(stored["actor"], {"id": "user_abc123", "name": "Alice Johnson", "email": "alice@acme.com"})
        self.assertEqual(stored["action"], "invoice.deleted")
        self.assertEqual(stored["resource"], {"type": "invoice", "id": "inv_789", "name": "Invoice #1042"})
        self.assertEqual(stored["organization_id"], self.org)
        self.assertEqual(stored["outcome"], "success")


class LogTest(ServerTestCase):
    def client(self, **options):
        options.setdefault("base_url", self.server.url)
        client = AuditLedge(self.server.admin_key, **options)
        self.addCleanup(client.close, 5)
        return client

    def test_log_returns_a_future_resolving_to_the_receipt(self):
        audit = self.client()
        ts = dt.datetime(2026, 5, 1, 16, 32, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2)))
        future = audit.log(event(self.org, "alice", timestamp=ts, metadata={"ip": "203.0.113.42"}))
        self.assertIsInstance(future, ReceiptFuture)
        self.assertEqual(len(future.idempotency_key), 32)
        self.assertFalse(future.cancel(), "an accepted audit event cannot be cancelled")
        receipt = future.result(10)
        self.assertEqual(set(receipt), {"id", "sequence", "organization_id", "received_at", "leaf_hash"})
        self.assertTrue(receipt["id"].startswith("evt_"))
        self.assertEqual(receipt["organization_id"], self.org)
        stored = audit.get_event(receipt["id"])
        self.assertEqual(stored["timestamp"], "2026-05-01T14:32:00.123Z")  # aware datetime → UTC, ms
        self.assertEqual(stored["metadata"], {"ip": "203.0.113.42"})
        self.assertEqual(stored["leaf_hash"], receipt["leaf_hash"])

    def test_log_does_not_block_on_the_network(self):
        # A server that accepts connections but never answers: log() still returns at once.
        import socket

        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        self.addCleanup(silent.close)
        audit = AuditLedge("k", base_url=f"http://127.0.0.1:{silent.getsockname()[1]}", timeout=30, flush_interval=0)
        started = time.monotonic()
        futures = [audit.log(event(self.org, f"a{i}")) for i in range(200)]
        self.assertLess(time.monotonic() - started, 0.5)
        self.assertFalse(any(f.done() for f in futures))
        self.assertFalse(audit.close(timeout=0.2))
        self.assertTrue(all(isinstance(f.exception(5), AuditLedgeDeliveryError) for f in futures))

    def test_batching_by_size_and_time(self):
        audit = self.client(batch_size=10, flush_interval=0.3)
        started = time.monotonic()
        futures = [audit.log(event(self.org, f"a{i}")) for i in range(10)]
        futures[-1].result(5)
        self.assertLess(time.monotonic() - started, 0.25, "a full batch goes out without waiting for the timer")
        started = time.monotonic()
        audit.log(event(self.org, "late")).result(5)
        self.assertGreaterEqual(time.monotonic() - started, 0.25, "a partial batch waits for flush_interval")
        self.assertEqual(len(actor_counts(self.org)), 11)

    def test_flush_waits_for_everything_logged_before_it(self):
        audit = self.client(flush_interval=60)  # only flush() sends
        futures = [audit.log(event(self.org, f"a{i}")) for i in range(250)]
        self.assertTrue(audit.flush(timeout=10))
        self.assertTrue(all(f.done() and f.exception() is None for f in futures))
        self.assertEqual(audit.pending, 0)
        self.assertEqual(sum(actor_counts(self.org).values()), 250)
        self.assertTrue(audit.flush(timeout=0))  # nothing pending: immediate

    def test_close_semantics(self):
        audit = AuditLedge(self.server.admin_key, base_url=self.server.url, flush_interval=60)
        futures = [audit.log(event(self.org, f"a{i}")) for i in range(5)]
        self.assertTrue(audit.close())
        self.assertTrue(all(f.result(0)["id"] for f in futures))
        self.assertFalse(audit._thread.is_alive())
        with self.assertRaises(AuditLedgeClosedError):
            audit.log(event(self.org, "after"))
        self.assertTrue(audit.close())  # idempotent
        self.assertEqual(sum(actor_counts(self.org).values()), 5)

    def test_context_manager_drains(self):
        with AuditLedge(self.server.admin_key, base_url=self.server.url, flush_interval=60) as audit:
            for i in range(3):
                audit.log(event(self.org, f"a{i}"))
        self.assertEqual(sum(actor_counts(self.org).values()), 3)

    def test_close_gives_up_loudly_when_the_server_is_unreachable(self):
        failures = []
        audit = AuditLedge(
            "k",
            base_url="http://127.0.0.1:9",  # nothing listens on the discard port
            retry_initial_backoff=0.05,
            retry_max_backoff=0.1,
            on_error=lambda error, ev: failures.append((error, ev)),
        )
        futures = [audit.log(event(self.org, f"a{i}")) for i in range(3)]
        started = time.monotonic()
        self.assertFalse(audit.close(timeout=0.5))
        self.assertLess(time.monotonic() - started, 3)
        for f in futures:
            self.assertIsInstance(f.exception(1), AuditLedgeDeliveryError)
        self.assertEqual(sorted(ev["actor"]["id"] for _, ev in failures), ["a0", "a1", "a2"])
        self.assertIsInstance(failures[0][0].last_error, OSError)

    def test_without_on_error_failures_are_logged(self):
        audit = AuditLedge("k", base_url="http://127.0.0.1:9", max_retries=0)
        self.addCleanup(audit.close, 1)
        with self.assertLogs("auditledge", "ERROR") as logs:
            future = audit.log(event(self.org, "a"))
            self.assertTrue(audit.flush(5))
        self.assertIsInstance(future.exception(0), AuditLedgeDeliveryError)
        self.assertIn("NOT recorded", logs.output[-1])
        self.assertIn(future.idempotency_key, logs.output[-1])

    def test_max_retries(self):
        audit = AuditLedge("k", base_url="http://127.0.0.1:9", max_retries=2, retry_initial_backoff=0.01)
        self.addCleanup(audit.close, 1)
        error = audit.log(event(self.org, "a")).exception(5)
        self.assertIsInstance(error, AuditLedgeDeliveryError)
        self.assertIn("gave up after 3 attempts", str(error))

    def test_queue_full_raises_and_drops_nothing_silently(self):
        proxy = support.FaultProxy(self.server.host, self.server.port)
        self.addCleanup(proxy.close)
        proxy.go_down()
        audit = self.client(base_url=proxy.url, max_queue_size=5, retry_initial_backoff=0.05, retry_max_backoff=0.2)
        futures = [audit.log(event(self.org, f"a{i}")) for i in range(5)]
        with self.assertRaises(AuditLedgeQueueFullError):
            audit.log(event(self.org, "overflow"))
        self.assertEqual(audit.pending, 5)
        proxy.come_up()
        self.assertTrue(audit.flush(timeout=10))
        self.assertTrue(all(f.result(0) for f in futures))
        audit.log(event(self.org, "after")).result(10)  # room again
        self.assertEqual(actor_counts(self.org), {f"a{i}": 1 for i in range(5)} | {"after": 1})

    def test_server_rejections_resolve_futures_with_problem_details(self):
        failures = []
        audit = self.client(on_error=lambda error, ev: failures.append((error, ev)))
        future_ts = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)).isoformat()
        good = audit.log(event(self.org, "good"))
        bad = audit.log(event(self.org, "bad", timestamp=future_ts))  # only the server's clock can tell
        self.assertTrue(audit.flush(10))
        self.assertTrue(good.result(0)["id"])
        error = bad.exception(0)
        self.assertIsInstance(error, AuditLedgeAPIError)
        self.assertEqual(error.status, 400)
        self.assertEqual([e["path"] for e in error.errors], ["timestamp"])
        self.assertIn("future", error.errors[0]["message"])
        self.assertTrue(error.request_id)
        self.assertTrue(error.type.startswith("urn:auditledge:problem:"))
        self.assertEqual(len(failures), 1)
        self.assertEqual(failures[0][1]["actor"]["id"], "bad")
        self.assertEqual(actor_counts(self.org), {"good": 1})

    def test_bad_api_key_fails_the_batch_without_retrying(self):
        proxy = support.FaultProxy(self.server.host, self.server.port)
        self.addCleanup(proxy.close)
        audit = AuditLedge("alk_not_a_real_key", base_url=proxy.url, retry_initial_backoff=0.01)
        self.addCleanup(audit.close, 2)
        futures = [audit.log(event(self.org, f"a{i}")) for i in range(3)]
        audit.flush(10)
        for f in futures:
            self.assertEqual(f.exception(0).status, 401)
        self.assertEqual(len(proxy.batch_requests()), 1)

    def test_own_idempotency_key_deduplicates_across_clients(self):
        key = unique("idem")
        a = self.client()
        b = self.client()
        first = a.log(event(self.org, "alice", idempotency_key=key)).result(10)
        second = b.log(event(self.org, "alice", idempotency_key=key)).result(10)
        self.assertEqual(first["id"], second["id"])
        self.assertEqual(actor_counts(self.org), {"alice": 1})

    def test_events_are_stamped_when_logged_not_when_delivered(self):
        proxy = support.FaultProxy(self.server.host, self.server.port)
        self.addCleanup(proxy.close)
        proxy.faults(("status", 503, "1"))  # the first attempt is refused: delivery is ≥ 1 s late
        audit = self.client(base_url=proxy.url)
        before = dt.datetime.now(dt.timezone.utc)
        future = audit.log(event(self.org, "alice"))
        self.assertTrue(future.event["timestamp"].endswith("Z"))
        self.assertEqual(future.event["idempotency_key"], future.idempotency_key)
        stored = audit.get_event(future.result(10)["id"])
        stamped = dt.datetime.fromisoformat(stored["timestamp"].replace("Z", "+00:00"))
        received = dt.datetime.fromisoformat(stored["received_at"].replace("Z", "+00:00"))
        self.assertLess(abs((stamped - before).total_seconds()), 0.5)
        self.assertGreaterEqual((received - stamped).total_seconds(), 0.9)
        # Logged again as on_error would: same body, same key, recorded once.
        self.assertEqual(audit.log(future.event).result(10)["id"], stored["id"])
        self.assertEqual(actor_counts(self.org), {"alice": 1})

    def test_callbacks_may_not_flush(self):
        audit = self.client()
        seen = []
        errors = []

        def callback(future):
            try:
                audit.flush()
            except RuntimeError as error:
                errors.append(error)
            seen.append(future)

        audit.log(event(self.org, "a")).add_done_callback(callback)
        audit.flush(10)
        self.assertEqual(len(seen), 1)
        self.assertEqual(len(errors), 1)

    @unittest.skipUnless(hasattr(os, "fork"), "needs os.fork")
    def test_forked_child_starts_with_its_own_queue(self):
        import warnings

        audit = self.client(flush_interval=60)
        audit.log(event(self.org, "parent-before-fork"))  # queued, sender thread running
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # 3.12: fork of a threaded process
            pid = os.fork()
        if pid == 0:  # the child: deliver its own event, never the parent's
            code = 1
            try:
                future = audit.log(event(self.org, "child"))
                code = 0 if audit.flush(10) and audit.pending == 0 and future.result(0)["id"] else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        self.assertEqual(os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8, 0)
        self.assertTrue(audit.flush(10))
        self.assertEqual(actor_counts(self.org), {"parent-before-fork": 1, "child": 1})

    def test_concurrent_loggers(self):
        audit = self.client(batch_size=50)
        futures = []
        lock = threading.Lock()

        def worker(n):
            for i in range(100):
                f = audit.log(event(self.org, f"t{n}-{i}"))
                with lock:
                    futures.append(f)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertTrue(audit.flush(20))
        self.assertEqual(len({f.result(0)["id"] for f in futures}), 800)
        counts = actor_counts(self.org)
        self.assertEqual(len(counts), 800)
        self.assertEqual(set(counts.values()), {1})


class ValidationIsSynchronousTest(ServerTestCase):
    def test_invalid_events_raise_in_log_and_are_not_queued(self):
        audit = AuditLedge(self.server.admin_key, base_url=self.server.url)
        self.addCleanup(audit.close, 5)
        with self.assertRaises(AuditLedgeValidationError) as caught:
            audit.log({"actor": {"name": "no id"}, "action": "userDeleted"})
        self.assertEqual(caught.exception.paths, ["actor.id", "action", "organization_id"])
        self.assertIn('did you mean "user.deleted"?', str(caught.exception))
        self.assertEqual(audit.pending, 0)


class QueryTest(ServerTestCase):
    def test_paging_filters_and_errors(self):
        audit = AuditLedge(self.server.admin_key, base_url=self.server.url, batch_size=200)
        self.addCleanup(audit.close, 5)
        for i in range(120):
            audit.log(event(self.org, f"a{i % 3}", action="invoice.created" if i % 2 else "invoice.deleted", outcome="success"))
        self.assertTrue(audit.flush(10))

        events = list(audit.query(organization_id=self.org, limit=50))  # three pages
        self.assertEqual(len(events), 120)
        self.assertEqual(len({e["id"] for e in events}), 120)
        sequences = [e["sequence"] for e in events]
        self.assertEqual(sequences, sorted(sequences, reverse=True), "newest first")

        page = audit.list_events(organization_id=self.org, limit=50)
        self.assertEqual(len(page["data"]), 50)
        self.assertTrue(page["next_cursor"])

        self.assertEqual(len(list(audit.query(organization_id=self.org, actor_id="a1", limit=7))), 40)
        self.assertEqual(len(list(audit.query(organization_id=self.org, action="invoice.created"))), 60)
        self.assertEqual(len(list(audit.query(organization_id=self.org, action=["invoice.created", "invoice.deleted"]))), 120)
        self.assertEqual(len(list(audit.query(organization_id=self.org, q="actor:a2 action:invoice.*"))), 40)
        since = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
        self.assertEqual(len(list(audit.query(organization_id=self.org, since=since, until=since + dt.timedelta(hours=2)))), 120)
        self.assertEqual(list(audit.query(organization_id=self.org, since=since + dt.timedelta(hours=2))), [])

        with self.assertRaises(AuditLedgeAPIError) as caught:
            list(audit.query(organization_id=self.org, limit=5000))
        self.assertEqual(caught.exception.status, 400)
        self.assertEqual(caught.exception.errors[0]["path"], "limit")
        with self.assertRaises(AuditLedgeAPIError) as caught:
            list(audit.query())
        self.assertEqual(caught.exception.errors[0]["path"], "organization_id")
        with self.assertRaisesRegex(TypeError, 'did you mean "actor_id"'):
            list(audit.query(organization_id=self.org, actorid="a1"))
        with self.assertRaises(AuditLedgeAPIError) as caught:
            audit.get_event("evt_does_not_exist")
        self.assertEqual(caught.exception.status, 404)


if __name__ == "__main__":
    unittest.main()
