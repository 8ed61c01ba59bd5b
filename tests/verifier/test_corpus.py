"""A corpus of tampered and malformed certificates, judged through every door of the verifier.

The certificates are issued through the services on a real database (SQLite file and
PostgreSQL schema): four member organisations, built along a timeline (the services'
clock is moved back for the past events):

* A ``kringloop-a``: the genuine certificate every tampered copy starts from, one
  revoked, one suspended and one expired certificate.
* B ``kringloop-b``: another member; one certificate signed ten days ago with its first
  key, which was retired five days ago (key rotation).
* C ``kringloop-c``: one certificate from before its membership was suspended (two days ago).
* D ``kringloop-d``: its first key was marked compromised three days ago; the certificate
  it signed was revoked and issued again with the new key.

Outsiders: a did:key and a did:web that are not members. Variants that need a valid
signature over changed content are signed with :func:`credentials.proofs.add_proof`
using the members' keys from the service's key store (or fresh keys), so that exactly
the intended check fails.

Every corpus entry names the check that must fail, its code(s), the verdict a reader
sees, and any check that fails as a consequence (every other check must pass or be
skipped). Each entry runs through:

(a) ``verify_for_reader`` in-process,
(b) ``POST /credentials/verify`` (verdict and checks),
(c) the page: ``POST /verify`` with the JSON pasted (``data-verification-status``),
(d) ``credentials verify FILE --json`` with the members' DID documents and status lists
    (in-process, and a few as a real subprocess).

The command line has no trust registry (``registered_issuer`` is skipped) and no
suspension list, and the members' published DID documents leave compromised keys out.
So for some entries it reaches another conclusion (``CLI`` expectations below), and for
some it cannot judge at all (``CLI_BLIND``: membership, retired keys, keys used before
they existed, suspension): there the test asserts only that the command line did not see
the problem (the check is skipped or passed), never that it rejects.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
import unicodedata
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from credentials.jsonld import default_document_loader
from credentials.keys import Ed25519Multikey
from credentials.proofs import add_proof
from credentials.timeutil import format_datetime
from issuer import cli as issuer_cli
from issuer.certificates import services as cert_services
from issuer.core import basics
from issuer.core import identity as core_identity
from issuer.organisations import services as org_services
from issuer.runtime import Runtime
from issuer.store.db import session_scope
from issuer.store.models import Organisation, SigningKey
from tests.support import BASE_URL, make_settings, migrated_app, postgres_schema
from verifier.service import verify_for_reader

# --- expectations ---------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """``check`` fails with one of ``codes`` (None: nothing fails); ``also``: checks that fail
    as a consequence, with their codes. Every other check passes or is skipped."""

    check: str | None
    codes: frozenset[str] = frozenset()
    verdict: str = "invalid"
    also: Mapping[str, frozenset[str]] = field(default_factory=dict)


def fails(check: str, *codes: str, verdict: str = "invalid", **also: str | tuple[str, ...]) -> Expect:
    return Expect(
        check,
        frozenset(codes),
        verdict,
        {cid: frozenset((c,) if isinstance(c, str) else c) for cid, c in also.items()},
    )


GENUINE = Expect(None, verdict="valid")
SAME = "same"  # the command line reaches the same conclusion
CLI_BLIND = "blind"  # the command line cannot judge this (no registry, no suspension list)


@dataclass(frozen=True)
class Spec:
    name: str
    what: str
    build: Callable[[World], Any]
    expect: Expect
    cli: Expect | str = SAME
    bug: str | None = None  # a verifier bug: the service-side doors are xfail(strict=True)


# --- the world: organisations, keys and certificates issued through the services --------

DAY = timedelta(days=1)


@dataclass
class World:
    app: Flask
    rt: Runtime
    now: datetime
    dids: dict[str, str]  # org letter -> DID
    certs: dict[str, dict[str, Any]]  # name -> the stored, signed credential
    public_ids: dict[str, str]
    keys: dict[str, Ed25519Multikey]  # name -> private key from the key store (or fresh)
    did_documents: dict[str, dict[str, Any]]  # org letter -> published DID document
    status_lists: list[dict[str, Any]]  # every published status list credential
    files: Path  # DID documents and status lists as files, for the command line

    def cert(self, name: str) -> dict[str, Any]:
        return copy.deepcopy(self.certs[name])


@contextmanager
def services_clock(moment: datetime) -> Iterator[None]:
    """Run the services as if it were ``moment`` (issue dates, key and membership times)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(basics, "now", lambda: moment)
        yield


def _load_key(rt: Runtime, org: Organisation, row: SigningKey) -> Ed25519Multikey:
    assert rt.context.keystore is not None
    return rt.context.keystore.load(org_slug=org.slug, fragment=row.fragment, did=org.did)


def _build_world(app: Flask, files: Path) -> World:
    rt: Runtime = app.extensions["credentials"]
    ctx = rt.context
    now = datetime.now(UTC).replace(microsecond=0)
    certs: dict[str, Any] = {}
    public_ids: dict[str, str] = {}
    keys: dict[str, Ed25519Multikey] = {}
    orgs: dict[str, Organisation] = {}

    def issue(letter: str, name: str, holder: str = "Renée Nguyễn", **kw: Any) -> Any:
        cert = cert_services.issue_certificate(session, ctx, org=orgs[letter], competence_code="CIRC-SORTEREN",
                                          level="2", actor="test", holder_name=holder, **kw)  # fmt: skip
        certs[name] = json.loads(cert.credential_json)
        public_ids[name] = cert.public_id
        return cert

    with session_scope(rt.sessions) as session:
        with services_clock(now - 60 * DAY):
            for letter in "abcd":
                orgs[letter], _ = org_services.create_organisation(
                    session, ctx, slug=f"kringloop-{letter}", name=f"Kringloop {letter.upper()}", actor="test",
                    contact_email=f"info@kringloop-{letter}.example", website=f"https://kringloop-{letter}.example",
                )  # fmt: skip
        keys["b_first"] = _load_key(rt, orgs["b"], org_services.current_key(session, orgs["b"]))
        keys["d_first"] = _load_key(rt, orgs["d"], org_services.current_key(session, orgs["d"]))
        with services_clock(now - 10 * DAY):
            issue("b", "b_before_rotation")
            issue("c", "c_before_suspension")
            issue("d", "d_before_compromise")
        with services_clock(now - 5 * DAY):
            org_services.rotate_key(session, ctx, org=orgs["b"], actor="test")
        with services_clock(now - 3 * DAY):
            [(_, reissued)] = cert_services.mark_compromised(
                session, ctx, org=orgs["d"], fragment=keys["d_first"].id.split("#")[1], actor="test"
            )
            assert reissued is not None
            certs["d_reissued"] = json.loads(reissued.credential_json)
            public_ids["d_reissued"] = reissued.public_id
        orgs["c"].membership, orgs["c"].membership_changed_at = "suspended", now - 2 * DAY
        # Today, with the real clock:
        issue("a", "a_genuine")
        issue("a", "a_expired", issued_on=now - 400 * DAY, valid_until=now - 30 * DAY)
        revoked = issue("a", "a_revoked")
        cert_services.revoke(session, ctx, cert=revoked, reason="Ten onrechte uitgegeven", actor="test")
        suspended = issue("a", "a_suspended")
        cert_services.suspend(session, ctx, cert=suspended, reason="Onderzoek", actor="test")
        issue("b", "b_genuine", holder="Jan de Vries")
        for letter in "abc":
            keys[letter] = _load_key(rt, orgs[letter], org_services.current_key(session, orgs[letter]))
        dids = {letter: org.did for letter, org in orgs.items()}
        did_documents = {letter: org_services.did_document(session, org) for letter, org in orgs.items()}
        status_lists = [
            org_services.status_list_document(session, slug=org.slug, sequence=1, purpose=purpose)
            for org in orgs.values()
            for purpose in ("revocation", "suspension")
        ]
    keys["did_key"] = Ed25519Multikey.generate()
    keys["web_outsider"] = Ed25519Multikey.generate(controller="did:web:kringloop-nep.example", fragment="key-1")
    keys["web_lookalike"] = Ed25519Multikey.generate(
        controller=core_identity.org_did(rt.settings, "kringloop-nep"), fragment="key-1"
    )
    keys["a_unlisted"] = Ed25519Multikey.generate(controller=dids["a"], fragment="key-extra")
    keys["a_impostor"] = Ed25519Multikey.generate(controller=dids["a"], fragment=keys["a"].id.split("#")[1])
    files.mkdir(parents=True, exist_ok=True)
    for letter, document in did_documents.items():
        (files / f"did-{letter}.json").write_text(json.dumps(document), "utf-8")
    for number, document in enumerate(status_lists):
        (files / f"status-{number}.json").write_text(json.dumps(document), "utf-8")
    return World(app, rt, now, dids, certs, public_ids, keys, did_documents, status_lists, files)


# --- helpers to derive variants ---------------------------------------------------------


def resign(
    credential: dict[str, Any],
    key: Ed25519Multikey,
    change: Callable[[dict[str, Any]], object] | None = None,
    *,
    created: datetime | None = None,
    keep_id: bool = False,
    **options: Any,
) -> dict[str, Any]:
    """``credential`` without its proof, changed, with a new id (unless ``keep_id``), signed by ``key``."""
    document = {k: v for k, v in copy.deepcopy(credential).items() if k != "proof"}
    if not keep_id:
        document["id"] = f"urn:uuid:{uuid.uuid4()}"
    if change is not None:
        change(document)
    return add_proof(document, key=key, document_loader=default_document_loader(), created=created, **options)


def edit(credential: dict[str, Any], change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    """``credential`` changed after signing (the proof kept as it was)."""
    changed = copy.deepcopy(credential)
    change(changed)
    return changed


def stamp(moment: datetime) -> str:
    return format_datetime(moment)


def holder(credential: dict[str, Any]) -> dict[str, Any]:
    identity: dict[str, Any] = credential["credentialSubject"]["identifier"][0]
    return identity


def achievement(credential: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = credential["credentialSubject"]["achievement"]
    return found


def flip_base58(value: str) -> str:
    middle = len(value) // 2
    return value[:middle] + ("2" if value[middle] != "2" else "3") + value[middle + 1 :]


def as_issuer(did: str, name: str) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        document["issuer"] = {"id": did, "type": ["Profile"], "name": name}
        document.pop("credentialStatus", None)

    return change


def status_to(url: str, index: str = "1234", purpose: str = "revocation") -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        document["credentialStatus"] = {
            "id": f"{url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": index,
            "statusListCredential": url,
        }

    return change


def _set(path: tuple[str | int, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        target: Any = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


def _drop(path: tuple[str | int, ...]) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        target: Any = document
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return change


def _unused_index(credential: dict[str, Any]) -> str:
    return str((int(credential["credentialStatus"]["statusListIndex"]) + 7919) % 131072)


OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
EXT_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
SIG = "valid_signature"
A_LIST = f"{BASE_URL}/orgs/kringloop-a/status/1"
BAD_SIG = ("valid_signature", "invalid_signature")

# --- the corpus -----------------------------------------------------------------------

SPECS: tuple[Spec, ...] = (
    # Genuine certificates (controls): each must pass everywhere.
    Spec("genuine", "A's certificate as the service issued it", lambda w: w.cert("a_genuine"), GENUINE),
    Spec("genuine-other-member", "B's certificate, signed with its current key",
         lambda w: w.cert("b_genuine"), GENUINE),
    Spec("genuine-key-retired-later", "signed by B's first key ten days ago; the key was retired five days ago",
         lambda w: w.cert("b_before_rotation"), GENUINE),
    Spec("genuine-before-membership-suspended", "issued by C before its membership was suspended",
         lambda w: w.cert("c_before_suspension"), GENUINE),
    Spec("genuine-reissued-after-compromise", "D's re-issue with its new key after the old key was compromised",
         lambda w: w.cert("d_reissued"), GENUINE),
    # Changed after signing: the signature no longer matches.
    Spec("tampered-holder-name", "the holder's name was changed",
         lambda w: edit(w.cert("a_genuine"), lambda c: holder(c).update(identityHash="Piet Jansen")),
         fails(*BAD_SIG)),
    Spec("tampered-holder-name-nfd", "the holder's name was re-encoded as Unicode NFD (looks the same)",
         lambda w: edit(w.cert("a_genuine"),
                        lambda c: holder(c).update(identityHash=unicodedata.normalize("NFD", "Renée Nguyễn"))),
         fails(*BAD_SIG)),
    Spec("tampered-level", "the achieved level was raised from niveau-2 to niveau-3",
         lambda w: edit(w.cert("a_genuine"), lambda c: c["credentialSubject"]["result"][0].update(
             achievedLevel=c["credentialSubject"]["result"][0]["achievedLevel"].replace("niveau-2", "niveau-3"))),
         fails(*BAD_SIG)),
    Spec("tampered-competence-name", "the competence's name was changed",
         lambda w: edit(w.cert("a_genuine"), lambda c: achievement(c).update(name="Heftruck rijden")),
         fails(*BAD_SIG)),
    Spec("tampered-competence", "the achievement was pointed at another competence",
         lambda w: edit(w.cert("a_genuine"), lambda c: achievement(c).update(
             id=f"{BASE_URL}/competenties/kassa/v1", humanCode="KASSA")),
         fails(*BAD_SIG)),
    Spec("tampered-valid-from", "validFrom was backdated by a year",
         lambda w: edit(w.cert("a_genuine"), _set(("validFrom",), stamp(w.now - 365 * DAY))), fails(*BAD_SIG)),
    Spec("tampered-expiry-removed", "validUntil was removed from an expired certificate",
         lambda w: edit(w.cert("a_expired"), _drop(("validUntil",))), fails(*BAD_SIG)),
    Spec("tampered-expiry-extended", "validUntil of an expired certificate was moved ten years ahead",
         lambda w: edit(w.cert("a_expired"), _set(("validUntil",), stamp(w.now + 3650 * DAY))), fails(*BAD_SIG)),
    Spec("tampered-awarded-date", "awardedDate was changed",
         lambda w: edit(w.cert("a_genuine"), _set(("awardedDate",), stamp(w.now - 30 * DAY))), fails(*BAD_SIG)),
    Spec("tampered-issuer-id", "issuer.id was changed to member B (whose DID document is known)",
         lambda w: edit(w.cert("a_genuine"), lambda c: c["issuer"].update(id=w.dids["b"])), fails(*BAD_SIG)),
    Spec("tampered-issuer-name", "the issuer's name was changed",
         lambda w: edit(w.cert("a_genuine"), lambda c: c["issuer"].update(name="Kringloop Beta")),
         fails(*BAD_SIG)),
    Spec("tampered-issuer-contact", "the issuer's contact e-mail was changed",
         lambda w: edit(w.cert("a_genuine"), lambda c: c["issuer"].update(email="oplichter@example.net")),
         fails(*BAD_SIG)),
    Spec("tampered-credential-id", "the credential id was changed to another certificate's id",
         lambda w: edit(w.cert("a_genuine"), _set(("id",), w.certs["b_genuine"]["id"])), fails(*BAD_SIG)),
    Spec("tampered-status-removed", "credentialStatus was removed from a revoked certificate",
         lambda w: edit(w.cert("a_revoked"), _drop(("credentialStatus",))), fails(*BAD_SIG)),
    Spec("tampered-status-index", "the status index of a revoked certificate was changed to a clean bit",
         lambda w: edit(w.cert("a_revoked"), lambda c: c["credentialStatus"].update(
             statusListIndex=_unused_index(c))), fails(*BAD_SIG)),
    Spec("tampered-evidence-added", "evidence was added",
         lambda w: edit(w.cert("a_genuine"), _set(("evidence",), [
             {"type": ["Evidence"], "narrative": "Werkt ook op de kassa."}])), fails(*BAD_SIG)),
    Spec("tampered-type-removed", "OpenBadgeCredential was removed from type",
         lambda w: edit(w.cert("a_genuine"), _set(("type",), ["VerifiableCredential"])),
         fails("structure", "bad_type", valid_signature="invalid_signature")),
    Spec("tampered-subject-removed", "credentialSubject was removed",
         lambda w: edit(w.cert("a_genuine"), _drop(("credentialSubject",))),
         fails("structure", "missing_subject", valid_signature="invalid_signature")),
    # The proof itself.
    Spec("proof-value-flipped", "one base58 character of proofValue was replaced",
         lambda w: edit(w.cert("a_genuine"), lambda c: c["proof"].update(
             proofValue=flip_base58(c["proof"]["proofValue"]))), fails(*BAD_SIG)),
    Spec("proof-value-not-base58", "proofValue contains 0, which is not base58btc",
         lambda w: edit(w.cert("a_genuine"), lambda c: c["proof"].update(
             proofValue=c["proof"]["proofValue"][:10] + "0" + c["proof"]["proofValue"][11:])),
         fails(SIG, "malformed_proof")),
    Spec("proof-value-truncated", "the last three characters of proofValue were cut off",
         lambda w: edit(w.cert("a_genuine"), lambda c: c["proof"].update(
             proofValue=c["proof"]["proofValue"][:-3])), fails(SIG, "malformed_proof")),
    Spec("proof-value-not-multibase", "the multibase prefix z was removed",
         lambda w: edit(w.cert("a_genuine"), lambda c: c["proof"].update(
             proofValue=c["proof"]["proofValue"][1:])), fails(SIG, "malformed_proof")),
    Spec("proof-created-changed", "proof.created was backdated a month",
         lambda w: edit(w.cert("a_genuine"), lambda c: c["proof"].update(created=stamp(w.now - 30 * DAY))),
         fails(*BAD_SIG)),
    Spec("proof-expires-added", "proof.expires (a year ahead) was added",
         lambda w: edit(w.cert("a_genuine"), lambda c: c["proof"].update(expires=stamp(w.now + 365 * DAY))),
         fails(*BAD_SIG)),
    Spec("proof-key-of-other-member", "proof.verificationMethod was pointed at B's key",
         lambda w: edit(w.cert("a_genuine"), lambda c: c["proof"].update(verificationMethod=w.keys["b"].id)),
         fails(*BAD_SIG)),
    Spec("proof-purpose-changed", "proofPurpose was changed to authentication",
         lambda w: edit(w.cert("a_genuine"), lambda c: c["proof"].update(proofPurpose="authentication")),
         fails(SIG, "wrong_proof_purpose")),
    Spec("proof-type-changed", "proof.type is Ed25519Signature2020",
         lambda w: edit(w.cert("a_genuine"), lambda c: c["proof"].update(type="Ed25519Signature2020")),
         fails(SIG, "malformed_proof")),
    Spec("cryptosuite-jcs", "cryptosuite was changed to eddsa-jcs-2022 (signed with eddsa-rdfc-2022)",
         lambda w: edit(w.cert("a_genuine"), lambda c: c["proof"].update(cryptosuite="eddsa-jcs-2022")),
         fails(*BAD_SIG)),
    Spec("cryptosuite-ecdsa", "cryptosuite is ecdsa-rdfc-2019",
         lambda w: edit(w.cert("a_genuine"), lambda c: c["proof"].update(cryptosuite="ecdsa-rdfc-2019")),
         fails(SIG, "unsupported_cryptosuite")),
    Spec("cryptosuite-legacy-name", "cryptosuite is eddsa-2022 (the pre-REC name)",
         lambda w: edit(w.cert("a_genuine"), lambda c: c["proof"].update(cryptosuite="eddsa-2022")),
         fails(SIG, "unsupported_cryptosuite")),
    Spec("proof-missing", "the proof was removed",
         lambda w: edit(w.cert("a_genuine"), _drop(("proof",))), fails(SIG, "missing_proof")),
    Spec("proof-duplicated", "the same proof twice in a list",
         lambda w: edit(w.cert("a_genuine"), lambda c: c.update(proof=[c["proof"], c["proof"]])),
         fails(SIG, "multiple_proofs")),
    Spec("proof-second-by-other-member", "A's proof plus a valid proof by B over the same content",
         lambda w: edit(w.cert("a_genuine"), lambda c: c.update(proof=[
             c["proof"], resign(c, w.keys["b"], keep_id=True)["proof"]])), fails(SIG, "multiple_proofs")),
    Spec("proof-not-an-object", "proof is a string (the proofValue)",
         lambda w: edit(w.cert("a_genuine"), lambda c: c.update(proof=c["proof"]["proofValue"])),
         fails(SIG, "malformed_proof", structure="schema")),
    # Contexts and terms.
    Spec("context-unknown-added", "a context that is not bundled was appended",
         lambda w: edit(w.cert("a_genuine"), lambda c: c["@context"].append("https://evil.example/context.json")),
         fails("structure", "unknown_context", valid_signature="invalid_context")),
    Spec("context-ob-removed", "the Open Badges context was removed (its terms become undefined)",
         lambda w: edit(w.cert("a_genuine"), lambda c: c["@context"].remove(OB_CONTEXT)),
         fails("structure", "schema", valid_signature="data_loss")),
    Spec("context-extensions-removed", "the OB extensions context was removed",
         lambda w: edit(w.cert("a_genuine"), lambda c: c["@context"].remove(EXT_CONTEXT)),
         fails(SIG, "data_loss")),
    Spec("context-reordered", "the VC and OB contexts swapped places",
         lambda w: edit(w.cert("a_genuine"), lambda c: c.update({"@context": [OB_CONTEXT, VC_CONTEXT, EXT_CONTEXT]})),
         fails("structure", "bad_context")),
    Spec("context-duplicated", "the OB context is listed twice",
         lambda w: edit(w.cert("a_genuine"), lambda c: c["@context"].append(OB_CONTEXT)),
         fails("structure", "bad_context")),
    Spec("context-inline", "signed by A with an inline context that defines an extra term",
         lambda w: resign(w.cert("a_genuine"), w.keys["a"], lambda c: (
             c["@context"].append({"skillLevel": "https://evil.example/vocab#skillLevel"}),
             c["credentialSubject"].update(skillLevel="expert"))),
         fails("structure", "inline_context")),
    Spec("undefined-term-subject", "credentialSubject.skillLevel (defined by no context) was added",
         lambda w: edit(w.cert("a_genuine"), lambda c: c["credentialSubject"].update(skillLevel="expert")),
         fails(SIG, "data_loss")),
    Spec("undefined-term-top-level", "a top-level term no context defines was added",
         lambda w: edit(w.cert("a_genuine"), _set(("approvedBy",), "de minister")), fails(SIG, "data_loss")),
    Spec("undefined-term-in-proof", "an undefined term was added to the proof",
         lambda w: edit(w.cert("a_genuine"), lambda c: c["proof"].update(note="gecontroleerd")),
         fails(SIG, "data_loss")),
    Spec("not-an-object", "the credential is a JSON array holding the genuine certificate",
         lambda w: [w.cert("a_genuine")], fails("structure", "not_an_object")),
    # Validly signed by the issuer, but not valid now.
    Spec("expired-by-service", "issued by the service with validUntil 30 days ago",
         lambda w: w.cert("a_expired"), fails("validity_period", "expired", verdict="expired")),
    Spec("expired", "signed by A: validUntil yesterday",
         lambda w: resign(w.cert("a_genuine"), w.keys["a"], lambda c: c.update(
             validFrom=stamp(w.now - 400 * DAY), validUntil=stamp(w.now - DAY))),
         fails("validity_period", "expired", verdict="expired")),
    Spec("future-dated", "signed by A: validFrom 30 days ahead",
         lambda w: resign(w.cert("a_genuine"), w.keys["a"], _set(("validFrom",), stamp(w.now + 30 * DAY))),
         fails("validity_period", "not_yet_valid")),
    Spec("valid-until-before-valid-from", "signed by A: validUntil before validFrom",
         lambda w: resign(w.cert("a_genuine"), w.keys["a"], _set(("validUntil",), stamp(w.now - 30 * DAY))),
         fails("validity_period", "bad_date")),
    Spec("valid-from-without-timezone", "signed by A: validFrom without a time zone",
         lambda w: resign(w.cert("a_genuine"), w.keys["a"], _set(("validFrom",), "2026-01-05T09:00:00")),
         fails("structure", "bad_date", validity_period="bad_date")),
    Spec("schema-criteria-removed", "signed by A: the achievement has no criteria (OB 3.0 schema)",
         lambda w: resign(w.cert("a_genuine"), w.keys["a"], lambda c: achievement(c).pop("criteria")),
         fails("structure", "schema")),
    # Who signed: keys and issuers.
    Spec("did-key-pretending-member", "issuer is member A; the proof is a valid did:key signature",
         lambda w: resign(w.cert("a_genuine"), w.keys["did_key"]), fails("issuer_key", "key_not_issuers")),
    Spec("other-organisation-key", "issuer is member A; the proof is a valid signature by member B's key",
         lambda w: resign(w.cert("a_genuine"), w.keys["b"]), fails("issuer_key", "key_not_issuers")),
    Spec("did-key-self-issued", "a did:key issues in its own name (calls itself Kringloop A)",
         lambda w: resign(w.cert("a_genuine"), w.keys["did_key"],
                          as_issuer(w.keys["did_key"].controller, "Kringloop A")),
         fails("registered_issuer", "not_a_member"), cli=CLI_BLIND),
    Spec("did-web-outsider", "a did:web outside the sector issues in its own name",
         lambda w: resign(w.cert("a_genuine"), w.keys["web_outsider"],
                          as_issuer("did:web:kringloop-nep.example", "Kringloop Nep")),
         fails(SIG, "unresolvable_key")),
    Spec("did-web-lookalike", "an unregistered organisation under the service's own did:web path",
         lambda w: resign(w.cert("a_genuine"), w.keys["web_lookalike"],
                          as_issuer(w.keys["web_lookalike"].controller, "Kringloop Nep")),
         fails(SIG, "unresolvable_key")),
    Spec("unknown-key-of-member", "signed by a key under A's DID that A never had",
         lambda w: resign(w.cert("a_genuine"), w.keys["a_unlisted"]), fails(SIG, "unresolvable_key")),
    Spec("impostor-key-under-real-id", "signed by another key pair claiming A's real key id",
         lambda w: resign(w.cert("a_genuine"), w.keys["a_impostor"]), fails(*BAD_SIG)),
    Spec("retired-key-after-rotation", "signed today by B's key retired five days ago",
         lambda w: resign(w.cert("b_genuine"), w.keys["b_first"]),
         fails("registered_issuer", "key_retired"), cli=CLI_BLIND),
    Spec("compromised-key", "signed today by D's key marked compromised three days ago",
         lambda w: resign(w.cert("d_reissued"), w.keys["d_first"]),
         fails("registered_issuer", "key_compromised"), cli=fails(SIG, "unresolvable_key")),
    Spec("signed-before-key-existed", "signed by A's key with a proof dated before the key existed",
         lambda w: resign(w.cert("a_genuine"), w.keys["a"], _set(("validFrom",), stamp(w.now - 90 * DAY)),
                          created=w.now - 90 * DAY),
         fails("registered_issuer", "key_not_yet_valid"), cli=CLI_BLIND),
    Spec("member-suspended-before-signing", "signed today by C, whose membership was suspended two days ago",
         lambda w: resign(w.cert("c_before_suspension"), w.keys["c"]),
         fails("registered_issuer", "membership_suspended"), cli=CLI_BLIND),
    # Status.
    Spec("revoked", "revoked by A", lambda w: w.cert("a_revoked"), fails("status", "revoked", verdict="revoked")),
    Spec("suspended", "suspended by A", lambda w: w.cert("a_suspended"),
         fails("status", "suspended", verdict="suspended"), cli=CLI_BLIND),
    Spec("revoked-by-key-compromise", "signed by D's first key before it was compromised; revoked since",
         lambda w: w.cert("d_before_compromise"), fails("status", "revoked", verdict="revoked"),
         cli=fails(SIG, "unresolvable_key")),
    Spec("status-list-of-other-member", "signed by A, status entry in B's revocation list",
         lambda w: resign(w.cert("a_genuine"), w.keys["a"], status_to(f"{BASE_URL}/orgs/kringloop-b/status/1")),
         fails("status", "status_list_invalid")),
    Spec("status-list-elsewhere", "signed by A, status list on another host (never fetched)",
         lambda w: resign(w.cert("a_genuine"), w.keys["a"], status_to("https://evil.example/status/1")),
         fails("status", "status_unavailable")),
    Spec("status-list-wrong-purpose", "signed by A, revocation entry pointing at A's suspension list",
         lambda w: resign(w.cert("a_genuine"), w.keys["a"], status_to(A_LIST + "/suspension")),
         fails("status", "status_list_invalid")),
    Spec("status-entry-malformed", "signed by A, statusListIndex is not a number",
         lambda w: resign(w.cert("a_genuine"), w.keys["a"], status_to(A_LIST, "abc")),
         fails("status", "status_entry_invalid")),
    Spec("suspended-status-in-list", "a suspended certificate with credentialStatus wrapped in a list (same RDF)",
         lambda w: edit(w.cert("a_suspended"), lambda c: c.update(credentialStatus=[c["credentialStatus"]])),
         fails("structure", "schema")),
    # Keys that were compromised, used with a forged signing time.
    Spec("compromised-key-backdated", "signed by D's compromised key, proof dated before the compromise",
         lambda w: resign(w.cert("d_reissued"), w.keys["d_first"], _set(("validFrom",), stamp(w.now - 20 * DAY)),
                          created=w.now - 20 * DAY),
         fails("registered_issuer", "key_compromised"), cli=fails(SIG, "unresolvable_key")),
    Spec("compromised-key-reused-id", "signed today by D's compromised key: D's revoked certificate with another "
         "holder and a clean status index, under the same credential id",
         lambda w: resign(w.cert("d_before_compromise"), w.keys["d_first"], lambda c: (
             holder(c).update(identityHash="Piet Jansen"),
             c["credentialStatus"].update(statusListIndex=_unused_index(c),
                                          id=c["credentialStatus"]["statusListCredential"] + "#" + _unused_index(c))),
             keep_id=True),
         fails("registered_issuer", "key_compromised"), cli=fails(SIG, "unresolvable_key")),
)  # fmt: skip

SPEC_BY_NAME = {spec.name: spec for spec in SPECS}
assert len(SPEC_BY_NAME) == len(SPECS), "corpus names must be unique"
REJECTED = [spec for spec in SPECS if spec.expect.check is not None]


def test_corpus_size() -> None:
    assert len(REJECTED) >= 40
    assert len({json.dumps(spec.what) for spec in SPECS}) == len(SPECS)


# --- fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def corpus_database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database for this module: a SQLite file, or a fresh schema in the session's PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('corpus-sqlite') / 'credentials.db'}"
        return
    with postgres_schema(request.getfixturevalue("postgres_url"), "corpus") as url:
        yield url


@pytest.fixture(scope="module")
def world(corpus_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("corpus")
    app = migrated_app(
        make_settings(tmp, corpus_database),
        {"TESTING": True, "VERIFY_API_PER_MINUTE": 1_000_000, "VERIFY_PAGE_PER_MINUTE": 1_000_000},
    )
    rt: Runtime = app.extensions["credentials"]
    yield _build_world(app, tmp / "cli")
    rt.engine.dispose()


@pytest.fixture(scope="module")
def corpus(world: World) -> dict[str, Any]:
    return {spec.name: spec.build(world) for spec in SPECS}


@pytest.fixture(scope="module")
def client(world: World) -> FlaskClient:
    return world.app.test_client()


# --- assertions -----------------------------------------------------------------------


def assert_judged(checks: list[dict[str, Any]], verdict: str, expect: Expect, where: str) -> None:
    """The checks (``Check.to_json`` shape) and verdict agree with ``expect``."""
    failed = {c["id"]: c.get("code", "") for c in checks if c["outcome"] == "failed"}
    summary = f"{where}: verdict {verdict}, failed {failed}"
    assert verdict == expect.verdict, summary
    if expect.check is None:
        assert not failed, summary
        assert {c["id"] for c in checks if c["outcome"] == "passed"} >= {"structure", SIG, "issuer_key"}, summary
        return
    assert expect.check in failed, summary
    assert failed[expect.check] in expect.codes, summary
    for check_id, code in failed.items():
        if check_id != expect.check:
            assert check_id in expect.also and code in expect.also[check_id], summary


def _bug_marks(spec: Spec) -> list[pytest.MarkDecorator]:
    return [pytest.mark.xfail(strict=True, reason=f"BUG: {spec.bug}")] if spec.bug else []


SERVICE_CASES = [pytest.param(spec.name, id=spec.name, marks=_bug_marks(spec)) for spec in SPECS]


# --- (a) in-process -------------------------------------------------------------------


@pytest.mark.parametrize("name", SERVICE_CASES)
def test_verify_for_reader(name: str, world: World, corpus: dict[str, Any]) -> None:
    spec = SPEC_BY_NAME[name]
    with session_scope(world.rt.sessions) as session:
        outcome = verify_for_reader(session, world.rt.settings, corpus[name])
    checks = [c.to_json() for c in outcome.result.checks]
    assert outcome.result.verified is (spec.expect.check is None)
    assert_judged(checks, outcome.verdict, spec.expect, "verify_for_reader")


# --- (b) the API ----------------------------------------------------------------------


@pytest.mark.parametrize("name", SERVICE_CASES)
def test_api(name: str, client: FlaskClient, corpus: dict[str, Any]) -> None:
    spec = SPEC_BY_NAME[name]
    response = client.post("/credentials/verify", json={"verifiableCredential": corpus[name], "options": {}})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["verified"] is (spec.expect.check is None)
    assert_judged(body["checks"], body["verdict"], spec.expect, "POST /credentials/verify")


# --- (c) the page ---------------------------------------------------------------------

_MAIN_STATUS = re.compile(r"<main\b[^>]*\bdata-verification-status=\"([^\"]+)\"")
_CSRF_VALUE = re.compile(r"name=\"csrf_token\"[^>]*\bvalue=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"csrf_token\"")
_TEXTAREA = re.compile(r"<textarea\b[^>]*\bname=\"([^\"]+)\"")
# The technical details table of the result page: one row per check (id, outcome, code).
_CHECK_ROW = re.compile(
    r"<tr>\s*<td>\s*<code>([a-z_]+)</code>\s*</td>\s*<td>\s*(passed|failed|skipped)\s*</td>\s*"
    r"<td>\s*(?:<code>([a-z_]*)</code>)?\s*</td>"
)


def page_form(client: FlaskClient) -> tuple[str, str]:
    """The CSRF token and the paste field's name, from ``GET /verify``."""
    page = client.get("/verify")
    if page.status_code == 404:
        pytest.skip("verifier/pages.py does not implement GET/POST /verify yet")
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html
    token, field_name = _CSRF_VALUE.search(html), _TEXTAREA.search(html)
    assert token and field_name, "the verify page has no CSRF field or no paste field"
    return token.group(1) or token.group(2), field_name.group(1)


def page_verdict(client: FlaskClient, pasted: str) -> tuple[int, str | None, str]:
    token, field_name = page_form(client)
    response = client.post("/verify", data={"csrf_token": token, field_name: pasted})
    html = response.get_data(as_text=True)
    status = _MAIN_STATUS.search(html)
    return response.status_code, status.group(1) if status else None, html


@pytest.mark.parametrize("name", SERVICE_CASES)
def test_page(name: str, client: FlaskClient, corpus: dict[str, Any]) -> None:
    spec = SPEC_BY_NAME[name]
    status_code, verdict, html = page_verdict(client, json.dumps(corpus[name], ensure_ascii=False))
    assert status_code == 200, html[:2000]
    checks = [{"id": i, "outcome": outcome, "code": code} for i, outcome, code in _CHECK_ROW.findall(html)]
    assert len(checks) == 6, "the result page lists the six checks in its technical details"
    assert_judged(checks, verdict or "(no data-verification-status)", spec.expect, "POST /verify (page)")


# --- (d) the command line -------------------------------------------------------------


def cli_args(world: World, path: Path) -> list[str]:
    args = ["verify", str(path), "--json"]
    for document in sorted(world.files.glob("did-*.json")):
        args += ["--did-doc", str(document)]
    for document in sorted(world.files.glob("status-*.json")):
        args += ["--status-list", str(document)]
    return args


def assert_cli(spec: Spec, result: dict[str, Any], exit_code: int) -> None:
    assert exit_code == (0 if result["verified"] else 1)
    checks = result["checks"]
    by_id = {c["id"]: c for c in checks}
    # No trust registry on the command line: membership is never checked there.
    assert by_id["registered_issuer"]["outcome"] == "skipped"
    if spec.cli == CLI_BLIND:
        # It cannot know: the check the service fails is skipped or passed here, nothing else fails.
        assert spec.expect.check is not None
        assert by_id[spec.expect.check]["outcome"] in ("skipped", "passed"), by_id[spec.expect.check]
        assert result["verified"], checks
        return
    expect = spec.expect if spec.cli == SAME else spec.cli
    assert isinstance(expect, Expect)
    verdict = "valid" if result["verified"] else expect.verdict if expect.check else "invalid"
    assert_judged(checks, verdict, expect, "credentials verify")


CLI_CASES = [pytest.param(spec.name, id=spec.name) for spec in SPECS]


@pytest.mark.parametrize("name", CLI_CASES)
def test_cli(
    name: str, world: World, corpus: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = SPEC_BY_NAME[name]
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(corpus[name], ensure_ascii=False), "utf-8")
    capsys.readouterr()
    exit_code = issuer_cli.main(cli_args(world, path))
    result = json.loads(capsys.readouterr().out)
    assert_cli(spec, result, exit_code)


@pytest.mark.parametrize("name", ["genuine", "tampered-holder-name", "other-organisation-key", "revoked"])
def test_cli_subprocess(name: str, world: World, corpus: dict[str, Any], tmp_path: Path) -> None:
    """The real ``credentials`` entry point in its own process, for a few entries."""
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(corpus[name], ensure_ascii=False), "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "issuer.cli", *cli_args(world, path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode in (0, 1), done.stderr
    assert_cli(SPEC_BY_NAME[name], json.loads(done.stdout), done.returncode)


def test_cli_without_documents_refuses_the_genuine_certificate(
    world: World, corpus: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the issuer's DID document the command line cannot check the signature: it
    says so (unresolvable_key), it does not guess."""
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(corpus["genuine"]), "utf-8")
    capsys.readouterr()
    assert issuer_cli.main(["verify", str(path), "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert {c["id"]: c.get("code") for c in result["checks"] if c["outcome"] == "failed"} == {SIG: "unresolvable_key"}


def test_world_is_as_described(world: World) -> None:
    """The timeline the corpus relies on: B's first key retired, D's compromised, C suspended."""
    with session_scope(world.rt.sessions) as session:
        rows = {row.verification_method: row for row in session.execute(select(SigningKey)).scalars()}
        org_c = session.execute(select(Organisation).where(Organisation.slug == "kringloop-c")).scalar_one()
        assert org_c.membership == "suspended"
    assert rows[world.keys["b_first"].id].retired_at is not None
    assert rows[world.keys["d_first"].id].compromised_at is not None
    assert world.keys["d_first"].id not in json.dumps(world.did_documents["d"])
    assert world.keys["b_first"].id in json.dumps(world.did_documents["b"])
