"""Leaf hashes exactly as docs/verification.md specifies them, and RFC 8785 canonical JSON
(Appendix B number vectors, and a differential check against the server's own canonicalizer)."""

import base64
import json
import os
import random
import struct
import subprocess
import unittest

import support

from auditledge.leaf import (
    DEFAULT_PERSONAL_FIELDS,
    canonical_json,
    check_disclosures,
    commitment,
    event_leaf_bytes,
    event_leaf_hash,
    is_commitment,
    seal_event,
)
from auditledge.errors import AuditLedgeVerificationError

# docs/verification.md §5.
SALTS = [bytes(range(16 * i, 16 * i + 16)) for i in range(4)]
STORED = {
    "id": "evt_01JTC0Z8M8Q4Z8Y3K4G7N1V2XA",
    "organization_id": "org_acme",
    "received_at": "2026-05-01T14:32:00.123Z",
    "timestamp": "2026-05-01T14:32:00.000Z",
    "actor": {"id": "user_abc123", "name": "Alice Johnson", "email": "alice@acme.com"},
    "action": "invoice.deleted",
    "resource": {"type": "invoice", "id": "inv_789", "name": "Invoice #1042"},
    "metadata": {"ip": "203.0.113.42", "user_agent": "Mozilla/5.0..."},
    "outcome": "success",
}
COMMITMENTS = {
    "actor.name": "dAvghW6whYHuzTX0KuDUncJWTxbsn2gn7m5Ambn9plQ=",
    "actor.email": "B9tfEWfP4c68IoIxMZ2K2/naFVZq2CjU1GxjpN/DAis=",
    "metadata.ip": "iHvOAGM5Ii1951dpwR88Pk6mzNE/k09O0ZgoQZ1U3YM=",
    "metadata.user_agent": "FqQHg9tircL8cGdnZ2jtAkQyojAaGVpF27dKtNl3VdY=",
}
LEAF = (
    '{"action":"invoice.deleted","actor":{"email":{"sha256":"B9tfEWfP4c68IoIxMZ2K2/naFVZq2CjU1GxjpN/DAis="},'
    '"id":"user_abc123","name":{"sha256":"dAvghW6whYHuzTX0KuDUncJWTxbsn2gn7m5Ambn9plQ="}},'
    '"format":"auditledge.event/1","id":"evt_01JTC0Z8M8Q4Z8Y3K4G7N1V2XA","metadata":{"ip":{"sha256":'
    '"iHvOAGM5Ii1951dpwR88Pk6mzNE/k09O0ZgoQZ1U3YM="},"user_agent":{"sha256":"FqQHg9tircL8cGdnZ2jtAkQyojAaGVpF27dKtNl3VdY="}},'
    '"organization_id":"org_acme","outcome":"success","received_at":"2026-05-01T14:32:00.123Z","resource":'
    '{"id":"inv_789","name":"Invoice #1042","type":"invoice"},"timestamp":"2026-05-01T14:32:00.000Z"}'
)
LEAF_HASH_HEX = "08432c7d21e1e0e7a4f91a1359e837152cf70c301842ca9dfe095ebcd7040b70"
LEAF_HASH_B64 = "CEMsfSHh4Oek+RoTWeg3FSz3DDAYQsqd/glevNcEC3A="


def disclosures():
    values = {"actor.name": "Alice Johnson", "actor.email": "alice@acme.com", "metadata.ip": "203.0.113.42", "metadata.user_agent": "Mozilla/5.0..."}
    return {path: {"value": values[path], "salt": base64.b64encode(SALTS[i]).decode()} for i, path in enumerate(DEFAULT_PERSONAL_FIELDS)}


class WorkedExampleTest(unittest.TestCase):
    def test_commitments(self):
        self.assertEqual(
            (SALTS[0] + canonical_json("Alice Johnson")).hex(),
            "000102030405060708090a0b0c0d0e0f22416c696365204a6f686e736f6e22",
        )
        for path, value in disclosures().items():
            self.assertEqual(commitment(value["value"], base64.b64decode(value["salt"]))["sha256"], COMMITMENTS[path], path)
            self.assertTrue(is_commitment({"sha256": COMMITMENTS[path]}))

    def test_leaf_and_leaf_hash(self):
        sealed = seal_event(dict(STORED, sequence=0, leaf_hash="ignored"), disclosures(), DEFAULT_PERSONAL_FIELDS)
        self.assertEqual(event_leaf_bytes(sealed).decode(), LEAF)
        self.assertEqual(len(event_leaf_bytes(sealed)), 600)
        self.assertEqual(event_leaf_hash(sealed).hex(), LEAF_HASH_HEX)
        self.assertEqual(base64.b64encode(event_leaf_hash(sealed)).decode(), LEAF_HASH_B64)
        self.assertEqual(check_disclosures(json.loads(LEAF), disclosures()), [])
        # The caller's event is untouched.
        self.assertEqual(STORED["actor"]["name"], "Alice Johnson")

    def test_erased_values_stay_as_commitments(self):
        shown = json.loads(json.dumps(STORED))
        shown["actor"]["email"] = {"sha256": COMMITMENTS["actor.email"]}  # erased: no salt any more
        partial = {k: v for k, v in disclosures().items() if k != "actor.email"}
        self.assertEqual(event_leaf_hash(seal_event(shown, partial, DEFAULT_PERSONAL_FIELDS)).hex(), LEAF_HASH_HEX)

    def test_wrong_disclosures_are_caught(self):
        wrong = disclosures()
        wrong["actor.name"] = dict(wrong["actor.name"], value="Mallory")
        self.assertEqual(len(check_disclosures(json.loads(LEAF), wrong)), 1)
        self.assertNotEqual(event_leaf_hash(seal_event(STORED, wrong)).hex(), LEAF_HASH_HEX)
        with self.assertRaises(AuditLedgeVerificationError):
            seal_event(STORED, {"actor.name": {"value": "x", "salt": "AAAA"}})
        with self.assertRaises(AuditLedgeVerificationError):  # a personal value without its salt
            seal_event(STORED, {}, DEFAULT_PERSONAL_FIELDS)


# RFC 8785 Appendix B.
APPENDIX_B = [
    (0x0000000000000000, "0"), (0x8000000000000000, "0"), (0x0000000000000001, "5e-324"),
    (0x8000000000000001, "-5e-324"), (0x7FEFFFFFFFFFFFFF, "1.7976931348623157e+308"),
    (0xFFEFFFFFFFFFFFFF, "-1.7976931348623157e+308"), (0x4340000000000000, "9007199254740992"),
    (0xC340000000000000, "-9007199254740992"), (0x4430000000000000, "295147905179352830000"),
    (0x44B52D02C7E14AF5, "9.999999999999997e+22"), (0x44B52D02C7E14AF6, "1e+23"),
    (0x44B52D02C7E14AF7, "1.0000000000000001e+23"), (0x444B1AE4D6E2EF4E, "999999999999999700000"),
    (0x444B1AE4D6E2EF4F, "999999999999999900000"), (0x444B1AE4D6E2EF50, "1e+21"),
    (0x3EB0C6F7A0B5ED8C, "9.999999999999997e-7"), (0x3EB0C6F7A0B5ED8D, "0.000001"),
    (0x41B3DE4355555553, "333333333.3333332"), (0x41B3DE4355555554, "333333333.33333325"),
    (0x41B3DE4355555555, "333333333.3333333"), (0x41B3DE4355555556, "333333333.3333334"),
    (0x41B3DE4355555557, "333333333.33333343"), (0xBECBF647612F3696, "-0.0000033333333333333333"),
    (0x43143FF3C1CB0959, "1424953923781206.2"),
]  # fmt: skip


class CanonicalJsonTest(unittest.TestCase):
    def test_appendix_b_numbers(self):
        for bits, want in APPENDIX_B:
            value = struct.unpack(">d", struct.pack(">Q", bits))[0]
            self.assertEqual(canonical_json(value).decode(), want, hex(bits))
        for bad in (float("nan"), float("inf"), -float("inf")):
            with self.assertRaises(ValueError):
                canonical_json(bad)

    def test_sorting_and_escaping(self):
        # RFC 8785 §3.2.3: keys sorted by UTF-16 code units (the emoji sorts before U+FB33).
        sample = {"€": 1, "\r": 2, "\ufb33": 3, "1": 4, "\U0001F600": 5, "\u0080": 6, "ö": 7}
        self.assertEqual(
            canonical_json(sample).decode(),
            '{"\\r":2,"1":4,"\u0080":6,"ö":7,"€":1,"\U0001F600":5,"\ufb33":3}',
        )
        self.assertEqual(canonical_json("\u0000\b\t\n\f\r\"\\/\u007f\u2028").decode(), '"\\u0000\\b\\t\\n\\f\\r\\"\\\\/\u007f\u2028"')
        self.assertEqual(canonical_json([True, False, None, 1, -0.0, 2**53]).decode(), "[true,false,null,1,0,9007199254740992]")
        with self.assertRaises(ValueError):
            canonical_json("\ud800")

    def test_matches_the_server_canonicalizer(self):
        """Random JSON through this package and through packages/core canonicalize() (Node)."""
        core = os.path.join(support.REPO_ROOT, "packages", "core", "dist", "index.js")
        if not os.path.exists(core):
            self.skipTest("packages/core/dist is not built")
        rng = random.Random(8785)

        def value(depth=0):
            kind = rng.randrange(8 if depth < 4 else 5)
            if kind == 0:
                return rng.choice([None, True, False])
            if kind == 1:
                return rng.randrange(-(2**60), 2**60) if rng.random() < 0.3 else rng.randrange(-1000, 1000)
            if kind == 2:
                return struct.unpack(">d", struct.pack(">Q", rng.getrandbits(64)))[0]
            if kind == 3:
                return rng.choice([0.1, 1e21, 1e-7, 123.456, -0.0, 5e-324, 1e300, 0.000001, 1.5])
            if kind == 4:
                return "".join(chr(rng.choice([rng.randrange(0, 0x80), rng.randrange(0x80, 0xD800), rng.randrange(0xE000, 0x110000)])) for _ in range(rng.randrange(6)))
            if kind == 5:
                return [value(depth + 1) for _ in range(rng.randrange(4))]
            return {"".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randrange(1, 4))): value(depth + 1) for _ in range(rng.randrange(4))}

        samples = []
        while len(samples) < 400:
            v = value()
            try:
                json.dumps(v, allow_nan=False)
            except ValueError:
                continue
            samples.append(v)
        script = (
            "import(process.argv[1]).then((m) => { let s = ''; process.stdin.on('data', (d) => (s += d));"
            "process.stdin.on('end', () => { const out = JSON.parse(s).map((v) => m.canonicalize(v));"
            "process.stdout.write(JSON.stringify(out)); }); });"
        )
        # JSON.parse in Node reads the same doubles Python wrote (repr is round-trip exact).
        payload = json.dumps(samples, allow_nan=False)
        result = subprocess.run(["node", "-e", script, core], input=payload.encode(), capture_output=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        expected = json.loads(result.stdout)
        for sample, want in zip(samples, expected):
            self.assertEqual(canonical_json(sample).decode(), want, repr(sample))


if __name__ == "__main__":
    unittest.main()
