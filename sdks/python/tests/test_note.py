"""C2SP signed notes and checkpoints: the golang.org/x/mod/sumdb/note reference vectors, strict
checkpoint parsing, and the "signature not checked: install cryptography" path."""

import base64
import hashlib
import unittest

import support  # noqa: F401

from auditledge import note as note_module
from auditledge.errors import AuditLedgeSignatureUnavailableError, AuditLedgeVerificationError
from auditledge.note import (
    SIGNATURE_NOT_CHECKED,
    ed25519_available,
    ed25519_key_id,
    open_checkpoint,
    open_note,
    parse_checkpoint,
    parse_signed_note,
    parse_verifier_key,
)

# golang.org/x/mod/sumdb/note note_test.go.
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
PETER_SIG = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
ENOCH_SIG = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"

ROOT = hashlib.sha256(b"root").digest()


def make_signer(name):
    """An Ed25519 key (from cryptography) and its verifier key string, for checkpoints signed in-test."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    key_id = ed25519_key_id(name, public)
    vkey = f"{name}+{key_id:08x}+{base64.b64encode(bytes([1]) + public).decode()}"

    def sign(text):
        sig = private.sign(text.encode())
        return f"{text}\n— {name} {base64.b64encode(key_id.to_bytes(4, 'big') + sig).decode()}\n"

    return vkey, sign


def checkpoint_text(origin="example.com/log", size=5, root=ROOT):
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"


class VerifierKeyTest(unittest.TestCase):
    def test_parses_reference_key(self):
        key = parse_verifier_key(PETER_VKEY)
        self.assertEqual(key.name, "PeterNeumann")
        self.assertEqual(key.key_id, 0xC74F20A3)
        self.assertEqual(key.key_id_hex, "c74f20a3")
        self.assertEqual(len(key.public_key), 32)
        self.assertEqual(ed25519_key_id("PeterNeumann", key.public_key), 0xC74F20A3)
        self.assertEqual(key.text, PETER_VKEY)
        self.assertEqual(parse_verifier_key(PETER_VKEY + "\n"), key)

    def test_rejects_bad_keys(self):
        bad = [
            "",
            "PeterNeumann",
            "PeterNeumann+c74f20a3",
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong key ID
            "PeterNeumann+c74f20a3+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong algorithm byte
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10",  # short key
            "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # space in name
            "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # 7 hex digits
        ]
        for text in bad:
            with self.subTest(text=text), self.assertRaises(AuditLedgeVerificationError):
                parse_verifier_key(text)


@unittest.skipUnless(ed25519_available(), "cryptography is not installed")
class OpenNoteTest(unittest.TestCase):
    def test_reference_note_opens(self):
        opened = open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, PETER_VKEY)
        self.assertEqual(opened.text, TEXT)
        self.assertTrue(opened.signature_checked)
        self.assertEqual(opened.status, "verified")
        self.assertEqual([k.name for k in opened.verified_by], ["PeterNeumann"])
        both = open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [PETER_VKEY, ENOCH_VKEY])
        self.assertEqual([k.name for k in both.verified_by], ["PeterNeumann", "EnochRoot"])

    def test_altered_text_or_signature_fails(self):
        with self.assertRaisesRegex(AuditLedgeVerificationError, "does not verify"):
            open_note(TEXT.replace("answer", "ANSWER") + "\n" + PETER_SIG, PETER_VKEY)
        blob = bytearray(base64.b64decode(PETER_SIG.split(" ")[2]))
        blob[10] ^= 1
        forged = f"— PeterNeumann {base64.b64encode(bytes(blob)).decode()}\n"
        with self.assertRaisesRegex(AuditLedgeVerificationError, "does not verify"):
            open_note(TEXT + "\n" + forged, PETER_VKEY)

    def test_no_trusted_signature_fails(self):
        with self.assertRaisesRegex(AuditLedgeVerificationError, "no signature by a trusted key"):
            open_note(TEXT + "\n" + ENOCH_SIG, PETER_VKEY)

    def test_malformed_notes_fail(self):
        for text in [
            TEXT,  # no signatures
            TEXT + "\n",
            TEXT + "\n" + PETER_SIG.rstrip("\n"),  # no final newline
            TEXT + "\n" + PETER_SIG.replace("— ", "-- "),
            TEXT.replace("\n", "\r\n", 1) + "\n" + PETER_SIG,  # control character
            TEXT + "\n" + "— PeterNeumann !!!\n",
        ]:
            with self.subTest(text=text[-30:]), self.assertRaises(AuditLedgeVerificationError):
                open_note(text, PETER_VKEY)

    def test_signed_checkpoint_roundtrip(self):
        vkey, sign = make_signer("auditledge.test/log")
        cp = open_checkpoint(sign(checkpoint_text(size=7)), vkey)
        self.assertEqual((cp.origin, cp.size, cp.root_hash), ("example.com/log", 7, ROOT))
        self.assertTrue(cp.signature_checked)
        with self.assertRaisesRegex(AuditLedgeVerificationError, "is for log"):
            open_checkpoint(sign(checkpoint_text()), vkey, origin="other")
        other_key, _ = make_signer("auditledge.test/log")
        with self.assertRaises(AuditLedgeVerificationError):
            open_checkpoint(sign(checkpoint_text()), other_key)  # same name, other key: unknown key ID


class ParseTest(unittest.TestCase):
    def test_splits_signatures(self):
        parsed = parse_signed_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG)
        self.assertEqual(parsed.text, TEXT)
        self.assertEqual([(s.name, s.key_id) for s in parsed.signatures], [("PeterNeumann", 0xC74F20A3), ("EnochRoot", 0xAF0CFE78)])
        self.assertEqual(len(parsed.signatures[0].signature), 64)

    def test_checkpoint_parsing_is_strict(self):
        cp = parse_checkpoint(checkpoint_text() + "ext line\n")
        self.assertEqual(cp.extensions, ("ext line",))
        root = base64.b64encode(ROOT).decode()
        bad = [
            "example.com/log\n5\n" + root,  # no final newline
            "example.com/log\n5\n",
            "\n5\n" + root + "\n",
            "example.com/log\n05\n" + root + "\n",
            "example.com/log\n-5\n" + root + "\n",
            "example.com/log\n5\n" + root.rstrip("=") + "\n",
            "example.com/log\n5\n" + base64.b64encode(b"short").decode() + "\n",
            "example.com/log\n5\n" + root + "\n\n",
        ]
        for text in bad:
            with self.subTest(text=text), self.assertRaises(AuditLedgeVerificationError):
                parse_checkpoint(text)


class WithoutCryptographyTest(unittest.TestCase):
    """What happens where `cryptography` is not installed (simulated by removing the verifier)."""

    def setUp(self):
        self.saved = note_module._ed25519_verify
        note_module._ed25519_verify = None

    def tearDown(self):
        note_module._ed25519_verify = self.saved

    def test_raises_rather_than_pretending(self):
        self.assertFalse(ed25519_available())
        with self.assertRaisesRegex(AuditLedgeSignatureUnavailableError, "signature not checked: install cryptography"):
            open_note(TEXT + "\n" + PETER_SIG, PETER_VKEY)

    def test_allow_unsigned_reports_the_status(self):
        opened = open_note(TEXT + "\n" + PETER_SIG, PETER_VKEY, allow_unsigned=True)
        self.assertFalse(opened.signature_checked)
        self.assertEqual(opened.status, SIGNATURE_NOT_CHECKED)
        self.assertEqual(opened.status, "signature not checked: install cryptography")
        # Even unchecked, a note must carry a signature line of the pinned key.
        with self.assertRaises(AuditLedgeVerificationError):
            open_note(TEXT + "\n" + ENOCH_SIG, PETER_VKEY, allow_unsigned=True)


if __name__ == "__main__":
    unittest.main()
