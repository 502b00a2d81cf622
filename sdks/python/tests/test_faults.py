"""Delivery under faults, through a fault-injecting proxy in front of the real server.

In every case each event that log() accepted must be stored exactly once (counted on the server
by actor id) and every future must resolve."""

import time
import unittest

import support
from support import FaultProxy, ServerTestCase, actor_counts

from auditledge import AuditLedge


class FaultTest(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.proxy = FaultProxy(self.server.host, self.server.port)
        self.addCleanup(self.proxy.close)

    def client(self, **options):
        options.setdefault("timeout", 1.0)
        options.setdefault("retry_initial_backoff", 0.05)
        options.setdefault("retry_max_backoff", 0.3)
        options.setdefault("flush_interval", 0.02)
        options.setdefault("batch_size", 25)
        audit = AuditLedge(self.server.admin_key, base_url=self.proxy.url, **options)
        self.addCleanup(audit.close, 5)
        return audit

    def log_all(self, audit, count, prefix="a"):
        return [
            audit.log({"actor": {"id": f"{prefix}{i}"}, "action": "invoice.deleted", "organization_id": self.org})
            for i in range(count)
        ]

    def assert_exactly_once(self, audit, futures, prefix="a", timeout=20):
        self.assertTrue(audit.flush(timeout), "flush timed out")
        receipts = [f.result(0) for f in futures]  # raises if any failed
        self.assertEqual(len({r["id"] for r in receipts}), len(futures))
        counts = actor_counts(self.org)
        self.assertEqual(counts, {f"{prefix}{i}": 1 for i in range(len(futures))})
        stored_ids = {e["id"] for e in support.stored_events(self.org)}
        self.assertEqual(stored_ids, {r["id"] for r in receipts}, "receipts name the stored events")

    def test_connection_dropped_before_the_server_sees_the_batch(self):
        self.proxy.faults("drop_before", "drop_before")
        audit = self.client()
        futures = self.log_all(audit, 60)
        self.assert_exactly_once(audit, futures)
        self.assertGreaterEqual(len(self.proxy.batch_requests()), 3 + 2)

    def test_connection_dropped_after_the_server_stored_the_batch(self):
        # The nastiest case: the batch is durable on the server but the client never hears so.
        self.proxy.faults("drop_after", "drop_after", "drop_after")
        audit = self.client()
        futures = self.log_all(audit, 60)
        self.assert_exactly_once(audit, futures)
        # Same idempotency keys re-sent: the server answers the replays with status 200.
        self.assertGreaterEqual(len(self.proxy.batch_requests()), 3 + 3)

    def test_response_delayed_past_the_client_timeout(self):
        self.proxy.faults(("delay", 1.6))
        audit = self.client(timeout=0.5, batch_size=100)
        futures = self.log_all(audit, 30)
        self.assert_exactly_once(audit, futures)
        self.assertGreaterEqual(len(self.proxy.batch_requests()), 2)

    def test_503_then_success(self):
        self.proxy.faults(("status", 503, None), ("status", 503, None), ("status", 500, None))
        audit = self.client(batch_size=100)
        futures = self.log_all(audit, 20)
        self.assert_exactly_once(audit, futures)
        self.assertEqual(len(self.proxy.batch_requests()), 4)

    def test_429_honours_retry_after_seconds(self):
        self.proxy.faults(("status", 429, "1"))
        audit = self.client(batch_size=100, retry_initial_backoff=0.01)
        futures = self.log_all(audit, 10)
        self.assert_exactly_once(audit, futures)
        times = [t for t, *_ in self.proxy.batch_requests()]
        self.assertEqual(len(times), 2)
        self.assertGreaterEqual(times[1] - times[0], 0.95, "waited for Retry-After")

    def test_429_honours_retry_after_http_date(self):
        import email.utils

        when = email.utils.formatdate(time.time() + 2, usegmt=True)  # second precision: waits 1–2 s
        self.proxy.faults(("status", 429, when))
        audit = self.client(batch_size=100, retry_initial_backoff=0.01)
        futures = self.log_all(audit, 5)
        self.assert_exactly_once(audit, futures)
        times = [t for t, *_ in self.proxy.batch_requests()]
        self.assertGreaterEqual(times[1] - times[0], 0.9)

    def test_no_retry_on_other_4xx(self):
        self.proxy.faults(("status", 422, None))
        failures = []
        audit = self.client(batch_size=100, on_error=lambda e, ev: failures.append(e))
        futures = self.log_all(audit, 3)
        self.assertTrue(audit.flush(10))
        self.assertTrue(all(f.exception(0).status == 422 for f in futures))
        self.assertEqual(len(failures), 3)
        self.assertEqual(len(self.proxy.batch_requests()), 1)
        self.assertEqual(actor_counts(self.org), {})

    def test_server_down_for_five_seconds(self):
        self.proxy.go_down()
        audit = self.client(retry_max_backoff=0.5)
        started = time.monotonic()
        futures = self.log_all(audit, 80)
        self.assertLess(time.monotonic() - started, 0.5, "log() never waits for the network")
        time.sleep(5)
        self.assertFalse(any(f.done() for f in futures))
        self.proxy.come_up()
        self.assert_exactly_once(audit, futures)

    def test_every_fault_at_once(self):
        self.proxy.faults(
            "drop_after", ("status", 503, None), "drop_before", ("delay", 1.2), ("status", 429, "0"), "drop_after"
        )
        audit = self.client(timeout=0.5, batch_size=20)
        futures = self.log_all(audit, 150)
        self.assert_exactly_once(audit, futures)


if __name__ == "__main__":
    unittest.main()
