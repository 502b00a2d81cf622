"""Local validation mirrors the server: the same verdict, paths and messages for the same JSON
(checked against the real server's batch endpoint), plus the Python-only inputs (datetime)."""

import datetime as dt
import json
import unittest

import support  # noqa: F401  (puts the package on sys.path)
from support import ServerTestCase, http_json

from auditledge import AuditLedgeValidationError, normalize_event, suggest_action, validate_event


def ev(**fields):
    base = {"actor": {"id": "user_1"}, "action": "invoice.deleted", "organization_id": "org_v"}
    for key, value in fields.items():
        if value is _DROP:
            base.pop(key, None)
        else:
            base[key] = value
    return base


_DROP = object()


def nest(depth):
    value = 1
    for _ in range(depth):
        value = {"k": value}
    return value


VALID = [
    {
        "actor": {"id": "user_abc123", "name": "Alice Johnson", "email": "alice@acme.com"},
        "action": "invoice.deleted",
        "resource": {"type": "invoice", "id": "inv_789", "name": "Invoice #1042"},
        "organization_id": "org_v",
        "timestamp": "2026-05-01T14:32:00Z",
        "metadata": {"ip": "203.0.113.42", "user_agent": "Mozilla/5.0..."},
    },
    ev(),
    ev(metadata=nest(8)),  # metadata itself is depth 1; 8 levels is the limit
    ev(metadata={"list": [[[[[[[1]]]]]]]}),
    ev(timestamp="2026-05-01T16:32:00.123456789+02:00"),
    ev(timestamp="2026-05-01t14:32:00z"),
    ev(timestamp="2026-05-01 14:32:00-00:30"),
    ev(actor={"id": "u", "name": None, "email": None, "type": "user", "metadata": {"plan": "pro"}}),
    ev(targets=[{"type": "user", "id": "u2", "name": "Bob"}], outcome="failure"),
    ev(changes={"role": {"before": "member", "after": "admin"}, "flag": {"after": None}, "n": {"before": 1.5}}),
    ev(action="a" * 64 + "." + "b" * 63),  # exactly 128
    ev(action="user.logged_in"),
    ev(resource={"type": "doc", "id": "d1", "name": "名前 😀"}, metadata={"emoji": "😀", "n": 1e21, "neg": -0.0}),
    ev(resource=None, targets=None, metadata=None, changes=None, outcome=None, timestamp=None),
]

INVALID = [
    {},
    ev(actor=_DROP, action=_DROP, organization_id=_DROP),
    ev(actor={"name": "no id"}),
    ev(actor={"id": ""}),
    ev(actor={"id": "a\nb"}),
    ev(actor={"id": "u", "email": "not-an-email"}),
    ev(actor={"id": "u", "user_id": "x"}),
    ev(actor={"id": 42}),
    ev(actor="user_1"),
    ev(action="userDeleted"),
    ev(action="user_deleted"),
    ev(action="delete_user"),
    ev(action="User.Deleted"),
    ev(action="user-logged-in"),
    ev(action="user"),
    ev(action="delete"),
    ev(action="a..b"),
    ev(action="a" * 65 + "." + "b" * 63),
    ev(action=""),
    ev(action=7),
    ev(action="café.ouvert"),
    ev(timestamp="2026-05-01T14:32:00"),
    ev(timestamp="2026-05-01"),
    ev(timestamp="2026-02-30T00:00:00Z"),
    ev(timestamp="2026-05-01T24:00:00Z"),
    ev(timestamp="2026-05-01T14:60:00Z"),
    ev(timestamp="2026-12-31T23:59:60Z"),
    ev(timestamp="1969-12-31T23:59:59Z"),
    ev(timestamp="2026-05-01T14:32:00+2:00"),
    ev(timestamp="2026-05-01T14:32:00+24:00"),
    ev(timestamp="2026-05-01T14:32:00Z junk"),
    ev(timestamp="2026-05-01T14:32:00.Z"),
    ev(timestamp="2026-13-01T14:32:00Z"),
    ev(timestamp="May 1st"),
    ev(timestamp=1714573920),
    ev(user={"id": "u"}),
    ev(foo=1),
    ev(organisation_id="x"),
    ev(metadata={"__proto__": 1}),
    ev(constructor=1),
    ev(actor={"id": "u", "prototype": 1}),
    ev(metadata={"a": {"constructor": {"x": 1}}}),
    ev(metadata=nest(9)),
    ev(metadata={"list": [[[[[[[[1]]]]]]]]}),
    ev(metadata=[1, 2]),
    ev(metadata="ip=1.2.3.4"),
    ev(outcome="ok"),
    ev(outcome="faliure"),
    ev(outcome="SUCCESS"),
    ev(targets={"type": "user", "id": "u"}),
    ev(targets=[{"id": "u2"}, "x"]),
    ev(targets=[{"type": "t", "id": str(i)} for i in range(101)]),
    ev(changes={"role": {"old": "a", "new": "b"}}),
    ev(changes={"role": "admin"}),
    ev(changes={"": {"after": 1}}),
    ev(changes={"x": {"before": nest(9)}}),
    ev(resource={"type": "invoice"}),
    ev(resource={"id": "x", "type": "t", "title": "T"}),
    ev(organization_id="o" * 257),
    ev(organization_id=""),
    ev(actor={"id": "u", "name": "n" * 513}),
    ev(actor={"id": "😀" * 129}),  # 258 UTF-16 code units
    ev(idempotency_key="bad\u0001key"),
    ev(metadata={"blob": "x" * (64 * 1024)}),
    ev(metadata={"blob": "é" * (33 * 1024)}),  # 66 KiB of UTF-8 in 33 Ki characters
]


class ServerParityTest(ServerTestCase):
    def test_same_verdicts_paths_and_messages_as_the_server(self):
        events = VALID + INVALID
        status, body = http_json(
            "POST", f"{self.server.url}/v1/events/batch", self.server.admin_key, {"events": events}
        )
        self.assertEqual(status, 200, body)
        for index, (event, result) in enumerate(zip(events, body["results"])):
            local = validate_event(event)
            with self.subTest(index=index, event=json.dumps(event)[:120]):
                if result["status"] in (200, 201):
                    self.assertEqual(local, [], "the server accepted it")
                    self.assertLess(index, len(VALID))
                else:
                    self.assertGreaterEqual(index, len(VALID), result)
                    server_issues = [{"path": e["path"], "message": e["message"]} for e in result["error"]["errors"]]
                    self.assertEqual(local, server_issues)


class LocalValidationTest(unittest.TestCase):
    def test_seed_event_is_valid_and_normalized_copy_is_independent(self):
        event = dict(VALID[0])
        out = normalize_event(event)
        self.assertEqual(out, VALID[0])
        out["actor"]["name"] = "changed"
        self.assertEqual(VALID[0]["actor"]["name"], "Alice Johnson")

    def test_error_carries_paths_and_suggestion(self):
        with self.assertRaises(AuditLedgeValidationError) as caught:
            normalize_event(ev(action="userDeleted", actor={"id": ""}))
        error = caught.exception
        self.assertEqual(error.paths, ["actor.id", "action"])
        self.assertIn('did you mean "user.deleted"?', str(error))
        self.assertIsInstance(error, ValueError)

    def test_suggestions(self):
        cases = {
            "userDeleted": "user.deleted",
            "user_deleted": "user.deleted",
            "delete_user": "user.deleted",
            "User.Deleted": "user.deleted",
            "user-deleted": "user.deleted",
            "user.delete": None,  # already valid
            "logIn_user": "user.logged_in",
            "user_logged_in": "user.logged_in",
            "HTTPRequest.sent": "http_request.sent",
        }
        for text, want in cases.items():
            self.assertEqual(suggest_action(text), want, text)

    def test_datetime_timestamps(self):
        aware = dt.datetime(2026, 5, 1, 10, 2, 3, 987654, tzinfo=dt.timezone(dt.timedelta(hours=-4, minutes=-30)))
        self.assertEqual(normalize_event(ev(timestamp=aware))["timestamp"], "2026-05-01T14:32:03.987Z")
        utc = dt.datetime(2026, 5, 1, 14, 32, tzinfo=dt.timezone.utc)
        self.assertEqual(normalize_event(ev(timestamp=utc))["timestamp"], "2026-05-01T14:32:00.000Z")
        with self.assertRaises(AuditLedgeValidationError) as caught:
            normalize_event(ev(timestamp=dt.datetime(2026, 5, 1, 14, 32)))
        self.assertEqual(caught.exception.paths, ["timestamp"])
        self.assertIn("naive datetime", str(caught.exception))
        with self.assertRaisesRegex(AuditLedgeValidationError, "date without a time"):
            normalize_event(ev(timestamp=dt.date(2026, 5, 1)))

    def test_python_only_values(self):
        problems = validate_event(ev(metadata={"when": dt.datetime.now(), 1: "int key", "ok": (1, 2), "nan": float("nan")}))
        paths = [p["path"] for p in problems]
        self.assertIn("metadata.when", paths)
        self.assertIn("metadata.1", paths)
        self.assertIn("metadata.nan", paths)
        self.assertNotIn("metadata.ok", paths)  # tuples are arrays
        self.assertIn("convert it", next(p["message"] for p in problems if p["path"] == "metadata.when"))
        self.assertEqual(validate_event(ev(actor={"id": "u", "name": "\ud800"}))[0]["path"], "actor.name")
        self.assertEqual(validate_event(None), [{"path": "", "message": "must be a JSON object (got null)"}])

    def test_self_referencing_metadata_is_rejected_not_recursed_forever(self):
        loop = {}
        loop["self"] = loop
        self.assertTrue(validate_event(ev(metadata=loop)))

    def test_sdk_idempotency_key_counts_toward_the_size_limit(self):
        from auditledge import AuditLedge

        audit = AuditLedge("k", base_url="http://127.0.0.1:9")
        self.addCleanup(audit.close, 0)
        overhead = len(json.dumps(ev(metadata={"blob": ""}), separators=(",", ":")))
        just_fits_without_key = ev(metadata={"blob": "x" * (64 * 1024 - overhead)})
        self.assertEqual(validate_event(just_fits_without_key), [])
        with self.assertRaisesRegex(AuditLedgeValidationError, "at most 65536 bytes"):
            audit.log(just_fits_without_key)


if __name__ == "__main__":
    unittest.main()
