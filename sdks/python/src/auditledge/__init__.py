"""Auditledge: the Python client of a self-hostable, tamper-evident audit-log service.

    from auditledge import AuditLedge

    audit = AuditLedge('your_api_key')
    audit.log({
        'actor': {'id': user.id, 'name': user.name, 'email': user.email},
        'action': 'invoice.deleted',
        'resource': {'type': 'invoice', 'id': invoice.id, 'name': invoice.number},
        'organization_id': user.organization_id,
    })

Standard library only; checkpoint signatures are checked with ``cryptography`` when installed.
"""

from ._version import __version__
from .client import DEFAULT_BASE_URL, AuditLedge, ReceiptFuture
from .errors import (
    AuditLedgeAPIError,
    AuditLedgeClosedError,
    AuditLedgeDeliveryError,
    AuditLedgeError,
    AuditLedgeQueueFullError,
    AuditLedgeSignatureUnavailableError,
    AuditLedgeValidationError,
    AuditLedgeVerificationError,
)
from .leaf import canonical_json, commitment, event_leaf_hash, seal_event
from .merkle import leaf_hash, node_hash, root_from_inclusion_proof, verify_consistency, verify_inclusion
from .note import (
    SIGNATURE_NOT_CHECKED,
    Checkpoint,
    VerifierKey,
    ed25519_available,
    open_checkpoint,
    open_note,
    parse_checkpoint,
    parse_verifier_key,
)
from .validation import normalize_event, suggest_action, validate_event
from .verify import VerificationResult, verify_checkpoint_consistency, verify_event_proof

__all__ = [
    "__version__",
    "AuditLedge",
    "ReceiptFuture",
    "DEFAULT_BASE_URL",
    "AuditLedgeError",
    "AuditLedgeValidationError",
    "AuditLedgeAPIError",
    "AuditLedgeQueueFullError",
    "AuditLedgeClosedError",
    "AuditLedgeDeliveryError",
    "AuditLedgeVerificationError",
    "AuditLedgeSignatureUnavailableError",
    "validate_event",
    "normalize_event",
    "suggest_action",
    "leaf_hash",
    "node_hash",
    "root_from_inclusion_proof",
    "verify_inclusion",
    "verify_consistency",
    "canonical_json",
    "commitment",
    "seal_event",
    "event_leaf_hash",
    "SIGNATURE_NOT_CHECKED",
    "ed25519_available",
    "VerifierKey",
    "Checkpoint",
    "parse_verifier_key",
    "open_note",
    "parse_checkpoint",
    "open_checkpoint",
    "VerificationResult",
    "verify_event_proof",
    "verify_checkpoint_consistency",
]
