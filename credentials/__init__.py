"""Core credential engine: build, sign and verify Open Badges 3.0 competence certificates.

No web framework, no network and no file I/O while signing or verifying: keys,
the JSON-LD document loader, DID resolution, status lookup, the trust registry
and the clock are passed in. See ``verify_credential`` for the result contract.
"""

from credentials.did import (
    StaticDidResolver,
    build_did_document,
    did_key_document,
    did_web_from_url,
    did_web_to_url,
    resolve_verification_method,
)
from credentials.errors import CredentialError
from credentials.jsonld import ContextStore, canonize_rdfc, default_document_loader, expand_strict
from credentials.keys import Ed25519Multikey
from credentials.model import (
    Alignment,
    CertificateRequest,
    Competency,
    Evidence,
    Holder,
    IssuerProfile,
    RubricLevel,
    build_competency_credential,
)
from credentials.proofs import EDDSA_JCS_2022, EDDSA_RDFC_2022, HashCache, add_proof, check_proof
from credentials.statuslist import Bitstring, StatusEntry, build_status_list_credential
from credentials.verify import (
    Check,
    Outcome,
    StaticStatusLookup,
    TrustDecision,
    VerificationResult,
    verify_credential,
)

__all__ = [
    "EDDSA_JCS_2022",
    "EDDSA_RDFC_2022",
    "Alignment",
    "Bitstring",
    "CertificateRequest",
    "Check",
    "Competency",
    "ContextStore",
    "CredentialError",
    "Ed25519Multikey",
    "Evidence",
    "HashCache",
    "Holder",
    "IssuerProfile",
    "Outcome",
    "RubricLevel",
    "StaticDidResolver",
    "StaticStatusLookup",
    "StatusEntry",
    "TrustDecision",
    "VerificationResult",
    "add_proof",
    "build_competency_credential",
    "build_did_document",
    "build_status_list_credential",
    "canonize_rdfc",
    "check_proof",
    "default_document_loader",
    "did_key_document",
    "did_web_from_url",
    "did_web_to_url",
    "expand_strict",
    "resolve_verification_method",
    "verify_credential",
]
