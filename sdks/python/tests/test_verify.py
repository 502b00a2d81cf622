"""Client-side verification against the real server's proofs (GET /v1/events/{id}?proof=true,
checkpoints, consistency proofs), and that tampering with any part is caught."""

import base64
import os
import time
import unittest

import support
from support import ServerTestCase

from auditledge import (
    AuditLedge,
    AuditLedgeSignatureUnavailableError,
    AuditLedgeVerificationError,
    Checkpoint,
    ed25519_available,
    verify_checkpoint_consistency,
    verify_event_proof,
)
from auditledge import note as note_module
from auditledge.note import ed25519_key_id

# Where cryptography is missing, everything but the signature is still checked (allow_unsigned).
UNSIGNED = not ed25519_available()
needs_cryptography = unittest.skipUnless(ed25519_available(), "cryptography is not installed")


def random_verifier_key(name):
    public = os.urandom(32)
    return f"{name}+{ed25519_key_id(name, public):08x}+{base64.b64encode(bytes([1]) + public).decode()}"


def seed_event(org, actor_id="user_abc123", **extra):
    event = {
        "actor": {"id": actor_id, "name": "Alice Johnson", "email": "alice@acme.com"},
        "action": "invoice.deleted",
        "resource": {"type": "invoice", "id": "inv_789", "name": "Invoice #1042"},
        "organization_id": org,
        "timestamp": "2026-05-01T14:32:00Z",
        "metadata": {"ip": "203.0.113.42", "user_agent": "Mozilla/5.0..."},
    }
    event.update(extra)
    return event


class VerifyEventTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.audit = AuditLedge(cls.server.admin_key, base_url=cls.server.url)
        # In production the key is pinned from configuration; here the test server is the source.
        cls.vkey = cls.audit.get_verifier_key()
        cls.org = support.unique("org_verify")
        futures = [cls.audit.log(seed_event(cls.org, f"user_{i}", outcome="failure" if i % 4 == 0 else "success")) for i in range(13)]
        cls.audit.flush(10)
        cls.receipts = [f.result(0) for f in futures]

    @classmethod
    def tearDownClass(cls):
        cls.audit.close(5)

    def setUp(self):
        pass  # keep the class's organization (ServerTestCase would make a new one)

    @needs_cryptography
    def test_every_event_verifies(self):
        for receipt in self.receipts:
            result = self.audit.verify_event(receipt["id"], self.vkey)
            self.assertTrue(result.verified)
            self.assertEqual(result.status, "verified")
            self.assertEqual(result.leaf_index, receipt["sequence"])
            self.assertGreaterEqual(result.tree_size, receipt["sequence"] + 1)
            self.assertEqual(base64.b64encode(result.leaf_hash).decode(), receipt["leaf_hash"])
            self.assertEqual(result.event["id"], receipt["id"])
            self.assertTrue(result.checkpoint.signature_checked)

    def proof(self):
        return self.audit.get_event(self.receipts[5]["id"], proof=True)

    def assert_rejected(self, event, pattern, key=None):
        with self.assertRaisesRegex(AuditLedgeVerificationError, pattern):
            verify_event_proof(event, key or self.vkey, allow_unsigned=UNSIGNED)

    def test_offline_verification_of_the_fetched_json(self):
        result = verify_event_proof(self.proof(), self.vkey, allow_unsigned=UNSIGNED)
        self.assertEqual(result.verified, not UNSIGNED)
        self.assertEqual(result.leaf_index, self.receipts[5]["sequence"])

    def test_tampered_event_fields_are_caught(self):
        event = self.proof()
        event["action"] = "invoice.created"
        self.assert_rejected(event, "differs from its sealed leaf in: action")
        event = self.proof()
        event["actor"]["name"] = "Mallory"
        self.assert_rejected(event, "actor.name: the event shows a value other than the one sealed")
        event = self.proof()
        event["timestamp"] = "2026-05-01T14:31:00.000Z"
        self.assert_rejected(event, "timestamp")
        event = self.proof()
        event["resource"]["name"] = "Invoice #9999"
        self.assert_rejected(event, "resource")

    def test_tampered_proof_parts_are_caught(self):
        event = self.proof()
        event["leaf_hash"] = base64.b64encode(b"\x00" * 32).decode()
        self.assert_rejected(event, "does not hash to the event's leaf_hash")

        event = self.proof()
        event["proof"]["leaf"] = event["proof"]["leaf"].replace("invoice.deleted", "invoice.created")
        self.assert_rejected(event, "does not hash")

        event = self.proof()
        path = event["proof"]["inclusion"]
        raw = bytearray(base64.b64decode(path[0]))
        raw[0] ^= 1
        path[0] = base64.b64encode(bytes(raw)).decode()
        self.assert_rejected(event, "inclusion proof")

        event = self.proof()
        event["proof"]["inclusion"] = event["proof"]["inclusion"][:-1]
        self.assert_rejected(event, "inclusion proof")

        event = self.proof()
        event["proof"]["leaf_index"] += 1
        event["sequence"] += 1
        self.assert_rejected(event, "inclusion proof")

        event = self.proof()
        salt = event["proof"]["disclosures"]["actor.email"]["salt"]
        event["proof"]["disclosures"]["actor.email"]["salt"] = base64.b64encode(bytes(16)).decode()
        self.assertNotEqual(salt, event["proof"]["disclosures"]["actor.email"]["salt"])
        self.assert_rejected(event, "actor.email")

        if not UNSIGNED:
            event = self.proof()
            lines = event["proof"]["checkpoint"].split("\n")
            lines[1] = str(int(lines[1]) + 1)
            event["proof"]["checkpoint"] = "\n".join(lines)
            self.assert_rejected(event, "does not verify")

        event = self.proof()
        event["proof"]["tree_size"] += 1
        self.assert_rejected(event, "tree size")

        event = self.proof()
        del event["proof"]
        self.assert_rejected(event, "no \"proof\"")

    def test_wrong_verifier_key_is_caught(self):
        other = random_verifier_key(self.vkey.split("+")[0])  # same name, another key
        self.assert_rejected(self.proof(), "no signature by a trusted key", key=other)

    def test_without_cryptography(self):
        saved = note_module._ed25519_verify
        note_module._ed25519_verify = None
        try:
            with self.assertRaisesRegex(AuditLedgeSignatureUnavailableError, "signature not checked: install cryptography"):
                self.audit.verify_event(self.receipts[0]["id"], self.vkey)
            result = self.audit.verify_event(self.receipts[0]["id"], self.vkey, allow_unsigned=True)
            self.assertFalse(result.verified)
            self.assertFalse(result)
            self.assertFalse(result.signature_checked)
            self.assertEqual(result.status, "signature not checked: install cryptography")
            # Everything but the signature is still checked.
            event = self.proof()
            event["action"] = "invoice.created"
            with self.assertRaises(AuditLedgeVerificationError):
                verify_event_proof(event, self.vkey, allow_unsigned=True)
        finally:
            note_module._ed25519_verify = saved


class ConsistencyTest(ServerTestCase):
    def wait_for_size(self, audit, vkey, size):
        deadline = time.monotonic() + 5
        while True:
            checkpoint = audit.get_checkpoint(self.org, vkey, allow_unsigned=UNSIGNED)
            if checkpoint.size >= size or time.monotonic() > deadline:
                return checkpoint
            time.sleep(0.1)

    def test_log_grows_consistently(self):
        audit = AuditLedge(self.server.admin_key, base_url=self.server.url)
        self.addCleanup(audit.close, 5)
        vkey = audit.get_verifier_key()
        for i in range(5):
            audit.log(seed_event(self.org, f"u{i}"))
        audit.flush(10)
        old = self.wait_for_size(audit, vkey, 5)
        self.assertEqual(old.size, 5)
        self.assertTrue(old.origin.endswith(self.org))
        for i in range(5, 12):
            audit.log(seed_event(self.org, f"u{i}"))
        audit.flush(10)
        self.wait_for_size(audit, vkey, 12)

        new = audit.verify_consistency(old.note, vkey, self.org, allow_unsigned=UNSIGNED)  # the note as stored
        self.assertEqual(new.size, 12)
        self.assertEqual(new.signature_checked, not UNSIGNED)
        self.assertEqual(audit.verify_consistency(old, vkey, self.org, allow_unsigned=UNSIGNED).size, 12)
        # Same size: the roots must be equal.
        self.assertEqual(audit.verify_consistency(new, vkey, self.org, allow_unsigned=UNSIGNED).size, 12)

        forged_old = Checkpoint(old.origin, old.size, bytes(32))
        with self.assertRaisesRegex(AuditLedgeVerificationError, "history was rewritten"):
            audit.verify_consistency(forged_old, vkey, self.org, allow_unsigned=UNSIGNED)
        with self.assertRaisesRegex(AuditLedgeVerificationError, "truncated"):
            verify_checkpoint_consistency(new, old, [])
        with self.assertRaisesRegex(AuditLedgeVerificationError, "different logs"):
            verify_checkpoint_consistency(Checkpoint("elsewhere", 1, bytes(32)), new, [])


if __name__ == "__main__":
    unittest.main()
