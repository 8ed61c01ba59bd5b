"""Data Integrity proofs with the EdDSA cryptosuites (vc-di-eddsa v1.0).

``eddsa-rdfc-2022`` canonicalizes with RDFC-1.0 (strict JSON-LD, bundled
contexts only); ``eddsa-jcs-2022`` with JCS (RFC 8785), after the same strict
JSON-LD check so that no undefined term can ride along in a credential.
In both, the signed bytes are SHA-256(proof configuration) ‖ SHA-256(document).

:func:`add_proof` signs; :func:`check_proof` verifies and returns a
:class:`ProofCheck` instead of raising for a bad proof.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from credentials.did import DidResolver, resolve_verification_method
from credentials.encoding import b58decode, b58encode
from credentials.errors import (
    CanonicalizationError,
    CredentialError,
    DataLossError,
    DidResolutionError,
    DocumentLoaderError,
    EncodingError,
    ProofError,
)
from credentials.jcs import canonicalize as jcs_canonicalize
from credentials.jsonld import DocumentLoader, canonize_rdfc, context_list, expand_strict
from credentials.keys import Ed25519Multikey
from credentials.timeutil import format_datetime, parse_datetime_stamp, utcnow

EDDSA_RDFC_2022 = "eddsa-rdfc-2022"
EDDSA_JCS_2022 = "eddsa-jcs-2022"
CRYPTOSUITES = (EDDSA_RDFC_2022, EDDSA_JCS_2022)
PROOF_TYPE = "DataIntegrityProof"


@dataclass(frozen=True)
class HashData:
    """The intermediate values of a proof, as the test vectors publish them."""

    canonical_proof_config: bytes
    canonical_document: bytes
    proof_config_hash: bytes
    document_hash: bytes

    @property
    def to_sign(self) -> bytes:
        # vc-di-eddsa §3.2.4 / §3.3.4: proof configuration hash first.
        return self.proof_config_hash + self.document_hash


def hash_data(
    unsecured_document: dict[str, Any],
    proof_config: dict[str, Any],
    *,
    document_loader: DocumentLoader,
) -> HashData:
    """Canonicalize and hash a document (without ``proof``) and a proof configuration.

    ``proof_config`` carries ``cryptosuite``; for RDFC it must carry the
    document's ``@context``. Raises DataLossError, DocumentLoaderError,
    CanonicalizationError or ProofError.
    """
    suite = proof_config.get("cryptosuite")
    if suite == EDDSA_RDFC_2022:
        canonical_config = canonize_rdfc(proof_config, document_loader=document_loader).encode("utf-8")
        canonical_document = canonize_rdfc(unsecured_document, document_loader=document_loader).encode("utf-8")
    elif suite == EDDSA_JCS_2022:
        # JCS signs the JSON itself; the strict expansion still refuses undefined terms.
        expand_strict(unsecured_document, document_loader=document_loader)
        canonical_config = jcs_canonicalize(proof_config)
        canonical_document = jcs_canonicalize(unsecured_document)
    else:
        raise ProofError(f"unsupported cryptosuite {suite!r}")
    return HashData(
        canonical_config,
        canonical_document,
        hashlib.sha256(canonical_config).digest(),
        hashlib.sha256(canonical_document).digest(),
    )


class HashCache:
    """A bounded memo of :func:`hash_data`, keyed by the content it hashes.

    For documents that many verifications share and that rarely change, such as
    status list credentials. The key is the SHA-256 of the document and proof
    configuration serialized with sorted keys, so equal JSON gets the same entry and
    any change gets a new one; the signature itself is still checked every time.
    Entries are tied to the first document loader the cache is used with; a call with
    another loader bypasses the cache. Safe to share between threads.
    """

    def __init__(self, maxsize: int = 64):
        self.maxsize = maxsize
        self.hits = self.misses = 0
        self._entries: OrderedDict[bytes, HashData] = OrderedDict()
        self._loader: DocumentLoader | None = None
        self._lock = threading.Lock()

    @staticmethod
    def _key(unsecured: dict[str, Any], config: dict[str, Any]) -> bytes | None:
        try:
            text = json.dumps([unsecured, config], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError):
            return None  # not plain JSON: never cached
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()

    def hash_data(
        self, unsecured: dict[str, Any], config: dict[str, Any], *, document_loader: DocumentLoader
    ) -> HashData:
        with self._lock:
            if self._loader is None:
                self._loader = document_loader
        key = self._key(unsecured, config) if self._loader is document_loader else None
        if key is None:
            return hash_data(unsecured, config, document_loader=document_loader)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return found
        data = hash_data(unsecured, config, document_loader=document_loader)  # raises: nothing is stored
        with self._lock:
            self.misses += 1
            self._entries[key] = data
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        return data


def add_proof(
    document: dict[str, Any],
    *,
    key: Ed25519Multikey,
    document_loader: DocumentLoader,
    cryptosuite: str = EDDSA_RDFC_2022,
    created: datetime | str | None = None,
    proof_purpose: str = "assertionMethod",
    expires: datetime | str | None = None,
) -> dict[str, Any]:
    """Return a copy of ``document`` with a DataIntegrityProof by ``key`` attached.

    ``created`` defaults to now (UTC, whole seconds); ``expires`` is optional. Raises ProofError for a key
    without private part or an unknown cryptosuite, and DataLossError /
    DocumentLoaderError / CanonicalizationError when the document cannot be
    secured as it reads.
    """
    if cryptosuite not in CRYPTOSUITES:
        raise ProofError(f"unsupported cryptosuite {cryptosuite!r}; use one of {', '.join(CRYPTOSUITES)}")
    if not key.has_private_key:
        raise ProofError("the signing key has no private part")
    if not key.id or "#" not in key.id:
        raise ProofError("the signing key needs an absolute verification-method id (did:…#…)")
    if not isinstance(document, dict):
        raise ProofError("only a JSON object can be signed")
    if "proof" in document:
        raise ProofError("the document already has a proof; this signer adds a single proof only")
    created_text = _datetime_option(created if created is not None else utcnow(), "created")
    unsecured = copy.deepcopy(document)
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": cryptosuite,
        "created": created_text,
        "verificationMethod": key.id,
        "proofPurpose": proof_purpose,
    }
    if expires is not None:
        proof["expires"] = _datetime_option(expires, "expires")
    config = dict(proof)
    config["@context"] = context_list(unsecured)
    if cryptosuite == EDDSA_JCS_2022 and "@context" in unsecured:
        # §3.3.1 step 2: the stored proof carries the document's context.
        proof["@context"] = context_list(unsecured)
    data = hash_data(unsecured, config, document_loader=document_loader)
    proof["proofValue"] = "z" + b58encode(key.sign(data.to_sign))
    unsecured["proof"] = proof
    return unsecured


def _datetime_option(value: datetime | str, name: str) -> str:
    if isinstance(value, datetime):
        return format_datetime(value)
    if parse_datetime_stamp(value) is None:
        raise ProofError(f"{name} {value!r} is not a date-time with a time zone")
    return value


@dataclass(frozen=True)
class ProofCheck:
    """What verifying one proof found. ``code`` is a stable id when it failed."""

    verified: bool
    code: str = ""
    reason: str = ""
    verification_method: str | None = None
    controller: str | None = None
    cryptosuite: str | None = None
    created: datetime | None = None


def _fail(code: str, reason: str, **extra: Any) -> ProofCheck:
    return ProofCheck(False, code, reason, **extra)


def check_proof(
    document: dict[str, Any],
    *,
    resolver: DidResolver,
    document_loader: DocumentLoader,
    expected_purpose: str = "assertionMethod",
    accepted_cryptosuites: tuple[str, ...] = CRYPTOSUITES,
    now: datetime | None = None,
    hash_cache: HashCache | None = None,
) -> ProofCheck:
    """Verify the single DataIntegrityProof of ``document``. Never raises for bad input.

    A proof with an ``expires`` time before ``now`` (default: the current time) fails
    with ``proof_expired``. ``hash_cache`` memoizes the canonical hashes of documents
    verified again and again (see :class:`HashCache`).

    Failure codes: ``missing_proof``, ``multiple_proofs``, ``malformed_proof``,
    ``unsupported_cryptosuite``, ``wrong_proof_purpose``, ``unresolvable_key``,
    ``invalid_context`` (a context that is not bundled), ``proof_expired``, ``data_loss``
    (undefined terms, relative IRIs), ``canonicalization_error`` and
    ``invalid_signature``.
    """
    proof = document.get("proof") if isinstance(document, dict) else None
    if proof is None:
        return _fail("missing_proof", "the document has no proof")
    if isinstance(proof, list):
        if len(proof) != 1:
            return _fail("multiple_proofs", f"expected one proof, found {len(proof)}")
        proof = proof[0]
    if not isinstance(proof, dict):
        return _fail("malformed_proof", "proof is not an object")
    suite = proof.get("cryptosuite")
    info: dict[str, Any] = {"cryptosuite": suite if isinstance(suite, str) else None}
    if proof.get("type") != PROOF_TYPE:
        return _fail("malformed_proof", f"proof type is {proof.get('type')!r}, expected {PROOF_TYPE}", **info)
    if suite not in accepted_cryptosuites:
        return _fail("unsupported_cryptosuite", f"cryptosuite {suite!r} is not accepted", **info)
    purpose = proof.get("proofPurpose")
    if purpose != expected_purpose:
        return _fail("wrong_proof_purpose", f"proof purpose is {purpose!r}, expected {expected_purpose!r}", **info)
    created = None
    if "created" in proof:
        created = parse_datetime_stamp(proof["created"])
        if created is None:
            return _fail("malformed_proof", "proof.created is not a date-time with a time zone", **info)
    info["created"] = created
    expires = None
    if "expires" in proof:
        expires = parse_datetime_stamp(proof["expires"])
        if expires is None:
            return _fail("malformed_proof", "proof.expires is not a date-time with a time zone", **info)
    vm = proof.get("verificationMethod")
    value = proof.get("proofValue")
    if not isinstance(vm, str) or not isinstance(value, str):
        return _fail("malformed_proof", "proof needs verificationMethod and proofValue strings", **info)
    info["verification_method"] = vm
    if not value.startswith("z"):
        return _fail("malformed_proof", "proofValue is not multibase base58btc", **info)
    if len(value) > 100:  # 64 bytes are at most 88 base58 characters; decoding is quadratic
        return _fail("malformed_proof", "proofValue is too long for an Ed25519 signature", **info)
    try:
        signature = b58decode(value[1:])
    except EncodingError:
        return _fail("malformed_proof", "proofValue is not valid base58btc", **info)
    if len(signature) != 64:
        return _fail("malformed_proof", "proofValue is not a 64-byte Ed25519 signature", **info)
    try:
        key = resolve_verification_method(vm, resolver=resolver, purpose=expected_purpose)
    except DidResolutionError as exc:
        return _fail("unresolvable_key", str(exc), **info)
    info["controller"] = key.controller

    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    if suite == EDDSA_JCS_2022:
        if "@context" in config:
            # §3.3.2: the document's context must start with the proof's context.
            proof_ctx = context_list(config)
            doc_ctx = context_list(unsecured)
            if doc_ctx[: len(proof_ctx)] != proof_ctx:
                return _fail("invalid_signature", "proof @context does not match the document @context", **info)
            unsecured["@context"] = config["@context"]
    else:
        config["@context"] = context_list(unsecured)
    try:
        if hash_cache is None:
            data = hash_data(unsecured, config, document_loader=document_loader)
        else:
            data = hash_cache.hash_data(unsecured, config, document_loader=document_loader)
    except DocumentLoaderError as exc:
        return _fail("invalid_context", str(exc), **info)
    except DataLossError as exc:
        return _fail("data_loss", str(exc), **info)
    except (CanonicalizationError, CredentialError) as exc:
        return _fail("canonicalization_error", str(exc), **info)
    if not key.verify(signature, data.to_sign):
        return _fail("invalid_signature", "the signature does not match the content", **info)
    if expires is not None and (now or utcnow()) > expires:
        return _fail("proof_expired", f"the proof expired on {expires.isoformat()}", **info)
    return ProofCheck(True, **info)
