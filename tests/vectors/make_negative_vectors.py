"""Write the negative known-answer credentials in ``tests/vectors/negative/``.

One JSON file per failure mode, plus ``genuine.json`` (the credential every
tampered file starts from, which verifies). Each file holds everything a
verifier needs and the result it must give::

    {"description": "...",
     "expect": {"verified": false, "check": "<check id>", "code": "<code>",
                "alsoFailed": {"<check id>": "<code>"},    # optional
                "reasonContains": "..."},                    # optional
     "tampered": ["/json/pointer", ...],                     # optional
     "credential": {...}, "didDocuments": [...], "statusLists": [...],
     "now": "2026-06-01T00:00:00Z"}

``expect.check``/``expect.code`` is the failure the file is about; together
with ``alsoFailed`` it is the complete set of checks that fail (the others
pass or are skipped). ``tampered`` says that the credential is the genuine
signed credential with only the values at these JSON pointers changed (an
empty list: the credential is byte-for-byte the genuine one, and the failure
comes from the DID documents or status lists). Files without ``tampered``
were signed (or built) afresh.

Everything is deterministic: keys come from fixed seeds, Ed25519 signatures
are deterministic, and all dates are fixed. Running this script again rewrites
the same bytes (tests/credentials/test_negative_vectors.py checks that)::

    .venv/bin/python tests/vectors/make_negative_vectors.py [--out DIR]
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from credentials.did import build_did_document, did_key_document
from credentials.encoding import b58decode
from credentials.jsonld import OB_EXTENSIONS, OB_V3, VC_V2, default_document_loader
from credentials.keys import Ed25519Multikey
from credentials.model import build_competency_credential
from credentials.proofs import add_proof
from credentials.sample import sample_request
from credentials.statuslist import Bitstring, build_status_list_credential

OUT_DIR = Path(__file__).resolve().parent / "negative"

ISSUER_DID = "did:web:certificaten.kringloop.example:orgs:voorbeeld"
OTHER_ORG_DID = "did:web:certificaten.kringloop.example:orgs:andere"
STATUS_URL = "https://certificaten.kringloop.example/orgs/voorbeeld/status/revocation/1"
OTHER_STATUS_URL = "https://certificaten.kringloop.example/orgs/voorbeeld/status/revocation/2"
STATUS_INDEX = 94567  # the index credentials.sample gives the sample certificate
CREATED = "2026-03-02T09:00:00Z"
LIST_VALID_FROM = "2026-01-01T00:00:00Z"
NOW = "2026-06-01T00:00:00Z"
UNKNOWN_CONTEXT = "https://kringloop-certificaten.example/contexts/v1.json"

SEED_LABEL_PREFIX = "kringloop-credentials tests/vectors/negative: "


def seed(label: str) -> bytes:
    """A fixed 32-byte Ed25519 seed: SHA-256 of a readable label."""
    return hashlib.sha256((SEED_LABEL_PREFIX + label).encode("utf-8")).digest()


# The member organisation that issues the certificates, and its one key.
ISSUER_KEY = Ed25519Multikey.from_seed(seed("issuer voorbeeld key-1"), controller=ISSUER_DID, fragment="key-1")
# Another member organisation, with a key of its own.
OTHER_ORG_KEY = Ed25519Multikey.from_seed(seed("issuer andere key-1"), controller=OTHER_ORG_DID, fragment="key-1")
# Claims the issuer's verification-method id but is a different key pair.
ROGUE_KEY = Ed25519Multikey.from_seed(seed("rogue key posing as key-1"), controller=ISSUER_DID, fragment="key-1")
# A key of the issuer's DID that its DID document does not list.
UNLISTED_KEY = Ed25519Multikey.from_seed(
    seed("issuer voorbeeld unlisted key-2"), controller=ISSUER_DID, fragment="key-2"
)
# A did:key (anyone can make one) used to sign in the member's name.
DID_KEY = Ed25519Multikey.from_seed(seed("did:key pretending to be the issuer"))

LOADER = default_document_loader()


@dataclass(frozen=True)
class Case:
    """One vector file."""

    name: str
    description: str
    credential: dict[str, Any]
    check: str | None = None
    code: str | None = None
    also_failed: dict[str, str] = field(default_factory=dict)
    reason_contains: str | None = None
    tampered: tuple[str, ...] | None = None
    did_documents: tuple[dict[str, Any], ...] = ()
    status_lists: tuple[dict[str, Any], ...] = ()

    def to_json(self) -> dict[str, Any]:
        expect: dict[str, Any] = {"verified": self.check is None}
        if self.check is not None:
            expect["check"] = self.check
            expect["code"] = self.code
        if self.also_failed:
            expect["alsoFailed"] = dict(self.also_failed)
        if self.reason_contains:
            expect["reasonContains"] = self.reason_contains
        data: dict[str, Any] = {"description": self.description, "expect": expect}
        if self.tampered is not None:
            data["tampered"] = list(self.tampered)
        data["credential"] = self.credential
        data["didDocuments"] = list(self.did_documents)
        data["statusLists"] = list(self.status_lists)
        data["now"] = NOW
        return data


def sign(document: dict[str, Any], key: Ed25519Multikey = ISSUER_KEY, **options: Any) -> dict[str, Any]:
    return add_proof(document, key=key, document_loader=LOADER, created=options.pop("created", CREATED), **options)


def unsigned_credential(**changes: Any) -> dict[str, Any]:
    """The sample certificate (credentials.sample) of our issuer, with request fields replaced."""
    request = dataclasses.replace(sample_request(issuer_did=ISSUER_DID, status_url=STATUS_URL), **changes)
    return build_competency_credential(request)


def status_list(
    *,
    key: Ed25519Multikey = ISSUER_KEY,
    issuer: str = ISSUER_DID,
    url: str = STATUS_URL,
    revoked: Sequence[int] = (),
    purpose: str = "revocation",
    valid_until: str | None = None,
) -> dict[str, Any]:
    bits = Bitstring()
    for index in revoked:
        bits.set(index)
    unsigned = build_status_list_credential(
        list_url=url,
        issuer=issuer,
        purpose=purpose,
        bitstring=bits,
        valid_from=LIST_VALID_FROM,
        valid_until=valid_until,
    )
    return sign(unsigned, key)


def edited(document: dict[str, Any], edit: Any) -> dict[str, Any]:
    """A deep copy of ``document`` after ``edit(copy)`` ran on it."""
    copied = copy.deepcopy(document)
    edit(copied)
    return copied


def change_one_character(proof_value: str) -> str:
    """The proofValue with one base58 character in the middle replaced; still 64 bytes."""
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    position = len(proof_value) // 2
    for replacement in alphabet:
        if replacement == proof_value[position]:
            continue
        candidate = proof_value[:position] + replacement + proof_value[position + 1 :]
        if len(b58decode(candidate[1:])) == 64:
            return candidate
    raise AssertionError("no one-character change keeps 64 bytes")  # pragma: no cover


def build_cases() -> list[Case]:
    """Every vector, in the order of the README table."""
    issuer_doc = build_did_document(ISSUER_DID, [ISSUER_KEY])
    other_org_doc = build_did_document(OTHER_ORG_DID, [OTHER_ORG_KEY])
    clean_list = status_list()
    revoked_list = status_list(revoked=[STATUS_INDEX])
    docs = (issuer_doc,)
    lists = (clean_list,)

    genuine = sign(unsigned_credential())
    proof_value = genuine["proof"]["proofValue"]
    ctx = genuine["@context"]
    assert ctx == [VC_V2, OB_V3, OB_EXTENSIONS]

    def tampered(name: str, description: str, pointers: Sequence[str], edit: Any, **kw: Any) -> Case:
        kw.setdefault("did_documents", docs)
        kw.setdefault("status_lists", lists)
        return Case(name, description, edited(genuine, edit), tampered=tuple(pointers), **kw)

    def same_credential(name: str, description: str, **kw: Any) -> Case:
        """The genuine credential, unchanged; the DID documents or status lists differ."""
        return tampered(name, description, [], lambda doc: None, **kw)

    def fresh(name: str, description: str, credential: dict[str, Any], **kw: Any) -> Case:
        kw.setdefault("did_documents", docs)
        kw.setdefault("status_lists", lists)
        return Case(name, description, credential, **kw)

    def set_at(path: Sequence[Any], value: Any) -> Any:
        def edit(doc: dict[str, Any]) -> None:
            target: Any = doc
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = value

        return edit

    def delete(key: str) -> Any:
        return lambda doc: doc.pop(key)

    def add_undefined_term(doc: dict[str, Any]) -> None:
        doc["credentialSubject"]["skillLevel"] = "expert"

    def authentication_only(doc: dict[str, Any]) -> dict[str, Any]:
        doc = copy.deepcopy(doc)
        doc["authentication"] = doc.pop("assertionMethod")
        doc["assertionMethod"] = []
        return doc

    level_3 = "https://certificaten.kringloop.example/competenties/circ-elektra-testen/v1#niveau-3"
    second_proof = sign(unsigned_credential(), created="2026-03-03T09:00:00Z")["proof"]
    no_criteria = unsigned_credential()
    del no_criteria["credentialSubject"]["achievement"]["criteria"]
    no_timezone = unsigned_credential()
    no_timezone["validFrom"] = "2026-03-02T09:00:00"
    with_inline_context = unsigned_credential()
    with_inline_context["@context"] = [*ctx, {"skillLevel": "https://kringloop-certificaten.example/vocab#skillLevel"}]
    add_undefined_term(with_inline_context)
    until_before_from = unsigned_credential()
    until_before_from["validUntil"] = "2026-01-01T00:00:00Z"
    tampered_list = edited(
        revoked_list, set_at(["credentialSubject", "encodedList"], clean_list["credentialSubject"]["encodedList"])
    )

    return [
        fresh(
            "genuine",
            "The genuine certificate: signed by the issuer's did:web key, status list clean. Verifies; every "
            "tampered file below starts from this credential.",
            genuine,
        ),
        # --- the signed content was changed ---
        tampered(
            "tampered-holder-name",
            "The holder's name (credentialSubject.identifier[0].identityHash) was changed after signing.",
            ["/credentialSubject/identifier/0/identityHash"],
            set_at(["credentialSubject", "identifier", 0, "identityHash"], "Jan de Vries"),
            check="valid_signature",
            code="invalid_signature",
        ),
        tampered(
            "tampered-achieved-level",
            "result[0].achievedLevel was pointed at another level of the same rubric (niveau-2 -> niveau-3) "
            "after signing.",
            ["/credentialSubject/result/0/achievedLevel"],
            set_at(["credentialSubject", "result", 0, "achievedLevel"], level_3),
            check="valid_signature",
            code="invalid_signature",
        ),
        tampered(
            "tampered-issuer",
            "issuer.id was changed to another member organisation (whose DID document is given) after signing.",
            ["/issuer/id"],
            set_at(["issuer", "id"], OTHER_ORG_DID),
            check="valid_signature",
            code="invalid_signature",
            did_documents=(issuer_doc, other_org_doc),
        ),
        tampered(
            "status-entry-removed",
            "credentialStatus was removed from a revoked certificate after signing, to dodge the revocation "
            "check (the given status list has the bit set).",
            ["/credentialStatus"],
            delete("credentialStatus"),
            check="valid_signature",
            code="invalid_signature",
            status_lists=(revoked_list,),
        ),
        tampered(
            "tampered-proof-value",
            "One base58 character in the middle of proof.proofValue was replaced (it still decodes to 64 bytes).",
            ["/proof/proofValue"],
            set_at(["proof", "proofValue"], change_one_character(proof_value)),
            check="valid_signature",
            code="invalid_signature",
        ),
        tampered(
            "tampered-proof-created",
            "proof.created was backdated by a month after signing (still a valid date-time).",
            ["/proof/created"],
            set_at(["proof", "created"], "2026-02-02T09:00:00Z"),
            check="valid_signature",
            code="invalid_signature",
        ),
        tampered(
            "undefined-term",
            "credentialSubject.skillLevel, a term no context defines, was added after signing. The proof is "
            "valid over the rest of the credential, so the undefined term itself is what fails.",
            ["/credentialSubject/skillLevel"],
            add_undefined_term,
            check="valid_signature",
            code="data_loss",
            reason_contains="skillLevel",
        ),
        # --- the key ---
        fresh(
            "wrong-key",
            "Signed by a key pair that is not in the issuer's DID document, under the verification-method id "
            "of the issuer's real key (#key-1).",
            sign(unsigned_credential(), ROGUE_KEY),
            check="valid_signature",
            code="invalid_signature",
        ),
        fresh(
            "unknown-verification-method",
            "Signed by a key of the issuer's DID (#key-2) that the DID document does not list.",
            sign(unsigned_credential(), UNLISTED_KEY),
            check="valid_signature",
            code="unresolvable_key",
            reason_contains="is not in the DID document",
        ),
        same_credential(
            "key-not-in-assertion-method",
            "Genuine credential; the issuer's DID document lists the key under authentication only, not under "
            "assertionMethod.",
            check="valid_signature",
            code="unresolvable_key",
            reason_contains="not authorised for assertionMethod",
            did_documents=(authentication_only(issuer_doc),),
        ),
        same_credential(
            "did-document-unavailable",
            "Genuine credential, but no DID document for the issuer's did:web is available.",
            check="valid_signature",
            code="unresolvable_key",
            reason_contains="no DID document known",
            did_documents=(),
        ),
        fresh(
            "other-organisation-key",
            "The issuer is organisation A (voorbeeld); the proof is a valid signature by organisation B's key "
            "(andere), whose DID document is given.",
            sign(unsigned_credential(), OTHER_ORG_KEY),
            check="issuer_key",
            code="key_not_issuers",
            did_documents=(issuer_doc, other_org_doc),
        ),
        fresh(
            "did-key-pretending-issuer",
            "The issuer is the member's did:web; the proof is a valid signature by a did:key (resolvable by "
            "anyone, controlled by whoever made it).",
            sign(unsigned_credential(), DID_KEY),
            check="issuer_key",
            code="key_not_issuers",
            did_documents=(issuer_doc, did_key_document(DID_KEY.controller)),
        ),
        # --- contexts ---
        tampered(
            "unknown-context",
            f"A context URL that is not bundled ({UNKNOWN_CONTEXT}) was appended to @context.",
            ["/@context"],
            set_at(["@context"], [*ctx, UNKNOWN_CONTEXT]),
            check="structure",
            code="unknown_context",
            also_failed={"valid_signature": "invalid_context"},
        ),
        tampered(
            "ob-context-removed",
            "The Open Badges 3.0 context was removed from @context (OB terms become undefined).",
            ["/@context"],
            set_at(["@context"], [ctx[0], ctx[2]]),
            check="structure",
            code="schema",
            also_failed={"valid_signature": "data_loss"},
        ),
        tampered(
            "extensions-context-removed",
            "The OB extensions context was removed from @context, leaving 1EdTechJsonSchemaValidator2019 "
            "undefined. The OB schema does not require that context, so only the signature check notices.",
            ["/@context"],
            set_at(["@context"], [ctx[0], ctx[1]]),
            check="valid_signature",
            code="data_loss",
            reason_contains="1EdTechJsonSchemaValidator2019",
        ),
        tampered(
            "contexts-reordered",
            "The VC 2.0 and OB contexts swapped places (OB first). The RDF is the same, so the signature "
            "still verifies; VC 2.0 requires the VC context first.",
            ["/@context/0", "/@context/1"],
            set_at(["@context"], [ctx[1], ctx[0], ctx[2]]),
            check="structure",
            code="bad_context",
        ),
        tampered(
            "contexts-reordered-extensions-first",
            "The OB extensions context moved before the OB context. The signature still verifies; the OB "
            "schema wants the OB context second.",
            ["/@context/1", "/@context/2"],
            set_at(["@context"], [ctx[0], ctx[2], ctx[1]]),
            check="structure",
            code="schema",
            reason_contains="@context",
        ),
        fresh(
            "inline-context",
            "Signed with an inline @context object that defines an extra term (skillLevel). The signature is "
            "valid; inline contexts are refused.",
            sign(with_inline_context),
            check="structure",
            code="inline_context",
        ),
        fresh(
            "proof-expired",
            "The proof carries expires 2026-05-01, before now (2026-06-01); otherwise genuine.",
            sign(unsigned_credential(), expires="2026-05-01T00:00:00Z"),
            check="valid_signature",
            code="proof_expired",
        ),
        # --- validity period and shape (re-signed, so only the named check fails) ---
        fresh(
            "expired",
            "validUntil 2026-05-01 is before now (2026-06-01); signed by the issuer.",
            sign(unsigned_credential(valid_until=datetime(2026, 5, 1, tzinfo=UTC))),
            check="validity_period",
            code="expired",
        ),
        fresh(
            "not-yet-valid",
            "validFrom 2026-07-01 is after now (2026-06-01); signed by the issuer.",
            sign(unsigned_credential(valid_from=datetime(2026, 7, 1, tzinfo=UTC))),
            check="validity_period",
            code="not_yet_valid",
        ),
        fresh(
            "valid-until-before-valid-from",
            "validUntil (2026-01-01) is before validFrom (2026-03-02); signed by the issuer.",
            sign(until_before_from),
            check="validity_period",
            code="bad_date",
        ),
        fresh(
            "valid-from-without-timezone",
            'validFrom is "2026-03-02T09:00:00" (no time zone, not a dateTimeStamp); signed by the issuer.',
            sign(no_timezone),
            check="structure",
            code="bad_date",
            also_failed={"validity_period": "bad_date"},
        ),
        fresh(
            "ob-schema-achievement-without-criteria",
            "The achievement has no criteria (required by the OB 3.0 schema); signed by the issuer, so only "
            "the schema fails.",
            sign(no_criteria),
            check="structure",
            code="schema",
            reason_contains="criteria",
        ),
        # --- status ---
        same_credential(
            "revoked",
            f"Genuine credential; bit {STATUS_INDEX} is set in the issuer's signed revocation list.",
            check="status",
            code="revoked",
            status_lists=(revoked_list,),
        ),
        same_credential(
            "status-list-signed-by-other-organisation",
            "Genuine credential; the status list names the issuer but is signed by another organisation's key.",
            check="status",
            code="status_list_invalid",
            reason_contains="not issued and signed by the credential's issuer",
            did_documents=(issuer_doc, other_org_doc),
            status_lists=(status_list(key=OTHER_ORG_KEY),),
        ),
        same_credential(
            "status-list-of-other-issuer",
            "Genuine credential; the status list at the credential's URL is issued and signed by another organisation.",
            check="status",
            code="status_list_invalid",
            reason_contains="not issued and signed by the credential's issuer",
            did_documents=(issuer_doc, other_org_doc),
            status_lists=(status_list(key=OTHER_ORG_KEY, issuer=OTHER_ORG_DID),),
        ),
        same_credential(
            "status-list-tampered",
            f"Genuine credential; the issuer's signed list had bit {STATUS_INDEX} set, and its encodedList was "
            "then replaced by a clean one.",
            check="status",
            code="status_list_invalid",
            reason_contains="its proof does not verify (invalid_signature",
            status_lists=(tampered_list,),
        ),
        same_credential(
            "status-list-expired",
            "Genuine credential; the issuer's status list has validUntil 2026-05-01, before now.",
            check="status",
            code="status_list_invalid",
            reason_contains="not valid now",
            status_lists=(status_list(valid_until="2026-05-01T00:00:00Z"),),
        ),
        same_credential(
            "status-list-wrong-purpose",
            "Genuine credential (revocation entry); the list at its URL is a suspension list.",
            check="status",
            code="status_list_invalid",
            reason_contains="is not for 'revocation'",
            status_lists=(status_list(purpose="suspension"),),
        ),
        same_credential(
            "status-list-unavailable",
            "Genuine credential; the only status list given is another list of the issuer (another URL).",
            check="status",
            code="status_unavailable",
            status_lists=(status_list(url=OTHER_STATUS_URL),),
        ),
        # --- the proof object ---
        tampered(
            "missing-proof",
            "The proof was removed.",
            ["/proof"],
            delete("proof"),
            check="valid_signature",
            code="missing_proof",
        ),
        tampered(
            "two-proofs",
            "proof is a list of two valid proofs by the issuer's key (created a day apart); this verifier "
            "accepts exactly one proof.",
            ["/proof"],
            set_at(["proof"], [genuine["proof"], second_proof]),
            check="valid_signature",
            code="multiple_proofs",
        ),
        tampered(
            "cryptosuite-ecdsa-rdfc-2019",
            'proof.cryptosuite is "ecdsa-rdfc-2019" (not an EdDSA suite).',
            ["/proof/cryptosuite"],
            set_at(["proof", "cryptosuite"], "ecdsa-rdfc-2019"),
            check="valid_signature",
            code="unsupported_cryptosuite",
        ),
        tampered(
            "cryptosuite-eddsa-2022",
            'proof.cryptosuite is "eddsa-2022" (the pre-REC name of eddsa-rdfc-2022).',
            ["/proof/cryptosuite"],
            set_at(["proof", "cryptosuite"], "eddsa-2022"),
            check="valid_signature",
            code="unsupported_cryptosuite",
        ),
        tampered(
            "proof-type-not-data-integrity",
            'proof.type is "Ed25519Signature2020" instead of DataIntegrityProof.',
            ["/proof/type"],
            set_at(["proof", "type"], "Ed25519Signature2020"),
            check="valid_signature",
            code="malformed_proof",
            reason_contains="proof type",
        ),
        fresh(
            "proof-purpose-authentication",
            'Signed by the issuer\'s key with proofPurpose "authentication" instead of "assertionMethod".',
            sign(unsigned_credential(), proof_purpose="authentication"),
            check="valid_signature",
            code="wrong_proof_purpose",
        ),
        tampered(
            "proof-value-not-base58",
            'One character of proofValue was replaced by "0", which is not in the base58btc alphabet.',
            ["/proof/proofValue"],
            set_at(["proof", "proofValue"], proof_value[:10] + "0" + proof_value[11:]),
            check="valid_signature",
            code="malformed_proof",
            reason_contains="not valid base58btc",
        ),
        tampered(
            "proof-value-wrong-length",
            "The last three characters of proofValue were cut off (no longer 64 bytes).",
            ["/proof/proofValue"],
            set_at(["proof", "proofValue"], proof_value[:-3]),
            check="valid_signature",
            code="malformed_proof",
            reason_contains="64-byte",
        ),
        tampered(
            "proof-value-not-multibase",
            'The multibase prefix "z" was removed from proofValue.',
            ["/proof/proofValue"],
            set_at(["proof", "proofValue"], proof_value[1:]),
            check="valid_signature",
            code="malformed_proof",
            reason_contains="not multibase",
        ),
        tampered(
            "proof-created-without-timezone",
            'proof.created is "2026-03-02T09:00:00" (no time zone).',
            ["/proof/created"],
            set_at(["proof", "created"], "2026-03-02T09:00:00"),
            check="valid_signature",
            code="malformed_proof",
            reason_contains="proof.created",
        ),
    ]


# The failure codes credentials/verify.py and credentials/proofs.py produce, per check.
CHECK_CODES: dict[str, tuple[tuple[str, ...], str]] = {
    "structure": (
        (
            "bad_context",
            "inline_context",
            "unknown_context",
            "bad_type",
            "missing_issuer",
            "missing_subject",
            "bad_date",
            "schema",
            "not_an_object",
            "unprocessable",
        ),
        "",
    ),
    "valid_signature": (
        (
            "missing_proof",
            "multiple_proofs",
            "malformed_proof",
            "unsupported_cryptosuite",
            "wrong_proof_purpose",
            "unresolvable_key",
            "invalid_context",
            "proof_expired",
            "data_loss",
            "canonicalization_error",
            "invalid_signature",
        ),
        "",
    ),
    "issuer_key": (("missing_issuer", "key_not_issuers"), "skipped when the signature did not pass"),
    "registered_issuer": (
        ("not_registered",),
        "or the trust registry's own code; skipped without a registry (code `no_registry`)",
    ),
    "validity_period": (("bad_date", "not_yet_valid", "expired"), ""),
    "status": (
        ("status_entry_invalid", "status_unavailable", "status_list_invalid", "revoked", "suspended"),
        "skipped when the signature failed, and with code `no_status` / `status_not_checked`",
    ),
}


def checks_and_codes() -> str:
    lines = [
        "## Check ids and failure codes",
        "",
        "`credentials.verify.verify_credential` returns one entry per check, each `passed`, `failed`",
        "or `skipped`, with a stable `code` when it failed. These are the codes",
        "`credentials/verify.py` and `credentials/proofs.py` produce:",
        "",
        "| check | failure codes | note |",
        "|---|---|---|",
    ]
    for check, (codes, note) in CHECK_CODES.items():
        lines.append(f"| `{check}` | {', '.join(f'`{code}`' for code in codes)} | {note} |")
    return "\n".join(lines) + "\n"


def readme(cases: Sequence[Case]) -> str:
    lines = [
        "# Negative known-answer credentials",
        "",
        "Generated by `tests/vectors/make_negative_vectors.py` (do not edit by hand: change the",
        "generator and run it again; the output is deterministic). Checked by",
        "`tests/credentials/test_negative_vectors.py`, through `verify_credential` and through",
        "`credentials verify --json`.",
        "",
        "Each file holds the credential, the DID documents and status list credentials to verify it",
        "with, the time `now`, and `expect`: the check that must fail and its code. `expect.alsoFailed`",
        "lists the other checks that fail as a consequence; all remaining checks must pass or be",
        "skipped. `expect.reasonContains` pins the sub-case where one code covers several. A file with",
        "`tampered` is `genuine.json`'s credential with only the values at those JSON pointers",
        "changed (an empty list: the same credential, the failure comes from the DID documents or",
        "status lists).",
        "",
        f"Issuer: `{ISSUER_DID}` (key `#key-1`); the other organisation: `{OTHER_ORG_DID}`.",
        f"Keys are Ed25519 from seeds SHA-256(`{SEED_LABEL_PREFIX}<label>`). `now` is {NOW}; proofs",
        f"are created {CREATED}. The status list is `{STATUS_URL}`, the credential's index {STATUS_INDEX}.",
        "",
        "| file | what was done | check | code | reason contains | also failed |",
        "|---|---|---|---|---|---|",
    ]
    for case in cases:
        also = ", ".join(f"`{check}`: `{code}`" for check, code in case.also_failed.items())
        check = f"`{case.check}`" if case.check else "(verifies)"
        code = f"`{case.code}`" if case.code else ""
        description = case.description.replace("|", "\\|")
        reason = f"`{case.reason_contains}`" if case.reason_contains else ""
        lines.append(f"| `{case.name}.json` | {description} | {check} | {code} | {reason} | {also} |")
    return "\n".join(lines) + "\n\n" + checks_and_codes()


def render(cases: Sequence[Case]) -> dict[str, bytes]:
    """File name -> bytes, for every file the generator writes."""
    files = {
        f"{case.name}.json": (json.dumps(case.to_json(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        for case in cases
    }
    files["README.md"] = readme(cases).encode("utf-8")
    return files


def write_vectors(out_dir: Path) -> list[Path]:
    """Write every vector and the README into ``out_dir``; returns the paths written."""
    cases = build_cases()
    names = [case.name for case in cases]
    if len(set(names)) != len(names):
        raise AssertionError("two cases share a name")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in render(cases).items():
        path = out_dir / name
        path.write_bytes(content)
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the negative known-answer credentials.")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help=f"output folder (default {OUT_DIR})")
    args = parser.parse_args(argv)
    written = write_vectors(args.out)
    stale = sorted(p.name for p in args.out.glob("*.json") if p not in written)
    print(f"wrote {len(written)} files to {args.out}")
    if stale:
        print("not made by this generator (delete them if they are old vectors): " + ", ".join(stale))
    return 0


if __name__ == "__main__":
    sys.exit(main())
