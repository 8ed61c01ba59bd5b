"""Issuer services on a real SQLite file and a real PostgreSQL database.

Issuing, revocation, key rotation and compromise with re-issue, the one-transaction
guarantee (also under a real process crash), bad input that changes nothing, the
audit chain, and a database that is down.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from credentials.did import StaticDidResolver
from credentials.verify import VerificationResult, verify_credential
from issuer.certificates import services as cert_services
from issuer.core import audit_log, basics, errors
from issuer.core.keystore import KeyStore, KeyStoreError
from issuer.organisations import services as org_services
from issuer.runtime import Runtime, build_runtime
from issuer.sector.framework import competences
from issuer.store.db import DatabaseUnavailable, session_scope, upgrade
from issuer.store.models import AuditEvent, Certificate, Organisation, StatusList
from issuer.store.settings import Settings
from tests.support import make_settings

BASE_URL = "http://127.0.0.1:5999"
ACTOR = "test"


def _settings(url: str, tmp_path: Path) -> Settings:
    return make_settings(tmp_path, url, base_url=BASE_URL)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'credentials.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def rt(database_url: str, tmp_path: Path) -> Iterator[Runtime]:
    runtime = build_runtime(_settings(database_url, tmp_path))
    upgrade(runtime.engine)
    with session_scope(runtime.sessions) as session:
        competences.sync_catalogue(session)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def org_slug(rt: Runtime) -> str:
    slug = f"org-{secrets.token_hex(4)}"
    with session_scope(rt.sessions) as session:
        org_services.create_organisation(
            session, rt.context, slug=slug, name=f"Kringloop {slug}", actor=ACTOR, contact_email="info@example.nl"
        )
    return slug


class ServiceStatusLookup:
    """Status lists and DID documents straight from the service's records."""

    def __init__(self, rt: Runtime, slug: str):
        self.rt, self.slug = rt, slug

    def status_list(self, url: str) -> dict[str, Any] | None:
        prefix = f"{BASE_URL}/orgs/{self.slug}/status/"
        if not url.startswith(prefix):
            return None
        sequence, _, purpose = url[len(prefix) :].partition("/")
        with session_scope(self.rt.sessions) as session:
            return org_services.status_list_document(
                session, slug=self.slug, sequence=int(sequence), purpose=purpose or "revocation"
            )

    def resolver(self) -> StaticDidResolver:
        with session_scope(self.rt.sessions) as session:
            return StaticDidResolver([org_services.did_document(session, org_services.get_org(session, self.slug))])


def _verify(rt: Runtime, slug: str, public_id: str) -> VerificationResult:
    with session_scope(rt.sessions) as session:
        credential = json.loads(cert_services.get_certificate(session, public_id).credential_json)
    lookup = ServiceStatusLookup(rt, slug)
    return verify_credential(credential, resolver=lookup.resolver(), status_lookup=lookup)


def _issue(rt: Runtime, slug: str, **kw: Any) -> str:
    kw.setdefault("competence_code", "CIRC-SORTEREN")
    kw.setdefault("level", "2")
    kw.setdefault("holder_name", "Nguyễn Thị Lan")
    with session_scope(rt.sessions) as session:
        cert = cert_services.issue_certificate(
            session, rt.context, org=org_services.get_org(session, slug), actor=ACTOR, **kw
        )
        return cert.public_id


def _counts(rt: Runtime) -> tuple[int, int]:
    with session_scope(rt.sessions) as session:
        certificates = session.execute(select(func.count()).select_from(Certificate)).scalar_one()
        events = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    return certificates, events


def test_issued_certificate_verifies_and_revocation_shows(rt: Runtime, org_slug: str) -> None:
    public_id = _issue(rt, org_slug, evidence="Sorteert zelfstandig een kar vol spullen.")
    assert len(public_id) >= 22  # 128 random bits
    ids = [cert_services.new_public_id() for _ in range(2000)]
    assert not any(i.startswith("-") for i in ids)  # a command line would take it for an option
    assert len(set(ids)) == 2000 and all(len(i) == 23 for i in ids)
    result = _verify(rt, org_slug, public_id)
    assert result.verified, result.to_json()
    assert result.check("status").passed
    with session_scope(rt.sessions) as session:
        cert_services.revoke(
            session, rt.context, cert=cert_services.get_certificate(session, public_id), reason="fout", actor=ACTOR
        )
    after = _verify(rt, org_slug, public_id)
    assert not after.verified
    assert after.check("status").code == "revoked"


def test_suspension_is_published_in_the_suspension_list_and_can_be_lifted(rt: Runtime, org_slug: str) -> None:
    public_id = _issue(rt, org_slug)
    lookup = ServiceStatusLookup(rt, org_slug)
    with session_scope(rt.sessions) as session:
        cert = cert_services.get_certificate(session, public_id)
        index, sequence = cert.status_index, cert.status_list.sequence
        cert_services.suspend(session, rt.context, cert=cert, reason="onderzoek", actor=ACTOR)
    suspension = lookup.status_list(f"{BASE_URL}/orgs/{org_slug}/status/{sequence}/suspension")
    from credentials.statuslist import Bitstring

    assert suspension is not None
    assert Bitstring.decode(suspension["credentialSubject"]["encodedList"]).get(index)
    with session_scope(rt.sessions) as session:
        cert_services.lift_suspension(
            session,
            rt.context,
            cert=cert_services.get_certificate(session, public_id),
            reason="klopt toch",
            actor=ACTOR,
        )
    suspension = lookup.status_list(f"{BASE_URL}/orgs/{org_slug}/status/{sequence}/suspension")
    assert suspension is not None
    assert not Bitstring.decode(suspension["credentialSubject"]["encodedList"]).get(index)


def test_certificates_before_and_after_key_rotation_both_verify(rt: Runtime, org_slug: str) -> None:
    before = _issue(rt, org_slug)
    with session_scope(rt.sessions) as session:
        new_key = org_services.rotate_key(session, rt.context, org=org_services.get_org(session, org_slug), actor=ACTOR)
        new_vm = new_key.verification_method
    after = _issue(rt, org_slug)
    for public_id in (before, after):
        result = _verify(rt, org_slug, public_id)
        assert result.verified, result.to_json()
    assert _verify(rt, org_slug, after).verification_method == new_vm
    assert _verify(rt, org_slug, before).verification_method != new_vm


def test_compromised_key_reissues_its_certificates_with_the_current_key(rt: Runtime, org_slug: str) -> None:
    first, second = _issue(rt, org_slug), _issue(rt, org_slug, level="3")
    with session_scope(rt.sessions) as session:
        org = org_services.get_org(session, org_slug)
        fragment = org_services.current_key(session, org).fragment
        pairs = cert_services.mark_compromised(session, rt.context, org=org, fragment=fragment, actor=ACTOR)
        replaced = {old.public_id: new.public_id for old, new in pairs if new}
        did_doc = org_services.did_document(session, org)
    assert set(replaced) == {first, second}
    assert all(fragment not in vm["id"] for vm in did_doc["verificationMethod"])
    for old, new in replaced.items():
        assert _verify(rt, org_slug, new).verified
        assert not _verify(rt, org_slug, old).verified
    # Issued and compromised within the same second (records keep whole seconds): the old
    # certificates read as revoked, not as forged.
    from verifier.service import verify_for_reader

    with session_scope(rt.sessions) as session:
        for old in replaced:
            stored = json.loads(cert_services.get_certificate(session, old).credential_json)
            assert verify_for_reader(session, rt.settings, stored).verdict == "revoked"
            assert cert_services.get_certificate(session, old).revocation_category == "key_compromised"
    with session_scope(rt.sessions) as session:
        assert cert_services.get_certificate(session, replaced[second]).level == "3"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"competence_code": "NOPE"}, "unknown_competence"),
        ({"holder_name": "   "}, "required"),
        ({"level": "4"}, "bad_level"),
        ({"level": ""}, "bad_level"),
        ({"holder_name": "x" * 201}, "too_long"),
        ({"holder_name": "Evil\x00Name"}, "control_chars"),
    ],
)
def test_bad_input_is_refused_with_a_code_and_changes_nothing(
    rt: Runtime, org_slug: str, kwargs: dict[str, Any], code: str
) -> None:
    before = _counts(rt)
    with pytest.raises(errors.ServiceError) as info:
        _issue(rt, org_slug, **kwargs)
    assert info.value.code == code
    assert _counts(rt) == before


def test_unknown_org_and_unknown_certificate_are_refused(rt: Runtime) -> None:
    before = _counts(rt)
    with session_scope(rt.sessions) as session, pytest.raises(errors.NotFound):
        org_services.get_org(session, "does-not-exist")
    with session_scope(rt.sessions) as session, pytest.raises(errors.NotFound):
        cert_services.get_certificate(session, "AAAAAAAAAAAAAAAAAAAAAA")
    assert _counts(rt) == before


def test_a_failure_after_signing_leaves_no_certificate_and_no_used_index(
    rt: Runtime, org_slug: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _counts(rt)

    def crash() -> None:
        raise RuntimeError("simulated crash between signing and storing")

    monkeypatch.setattr(cert_services, "after_signing_hook", crash)
    with pytest.raises(RuntimeError, match="simulated"):
        _issue(rt, org_slug)
    assert _counts(rt) == before


def test_a_killed_process_between_signing_and_storing_leaves_nothing(
    rt: Runtime, org_slug: str, database_url: str, tmp_path: Path
) -> None:
    """A real crash: a child process signs, then dies (os._exit) before committing."""
    before = _counts(rt)
    script = textwrap.dedent(f"""
        import os, sys
        from issuer.certificates import services as cert_services
        from issuer.core import audit_log
        from issuer.core import basics
        from issuer.core import errors
        from issuer.organisations import services as org_services
        from issuer.sector.framework import competences
        from issuer.runtime import build_runtime
        from issuer.store.settings import Settings
        from issuer.store.db import session_scope
        from pathlib import Path
        settings = Settings(base_url={BASE_URL!r}, database_url={database_url!r},
                            keys_dir=Path({str(tmp_path / "keys")!r}),
                            key_passphrase="test-passphrase-0123456789", secret_key="test-secret-key-abcdefghij",
                            instance_dir=Path({str(tmp_path)!r}))
        rt = build_runtime(settings)
        def die():
            sys.stdout.write("signed\\n"); sys.stdout.flush()
            os._exit(9)
        cert_services.after_signing_hook = die
        with session_scope(rt.sessions) as session:
            cert_services.issue_certificate(session, rt.context, org=org_services.get_org(session, {org_slug!r}),
                                       competence_code="CIRC-SORTEREN", level="1", holder_name="Kill Test", actor="t")
    """)
    child = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parents[2],
        check=False,
    )
    assert child.returncode == 9, child.stderr
    assert "signed" in child.stdout
    assert _counts(rt) == before
    # The service carries on normally afterwards.
    assert _verify(rt, org_slug, _issue(rt, org_slug)).verified


def test_status_indexes_are_random_and_unique(rt: Runtime, org_slug: str) -> None:
    ids = [_issue(rt, org_slug) for _ in range(12)]
    with session_scope(rt.sessions) as session:
        indexes = [cert_services.get_certificate(session, i).status_index for i in ids]
    assert len(set(indexes)) == len(indexes)
    assert indexes != sorted(indexes)


def test_audit_chain_verifies_and_shows_tampering(rt: Runtime, org_slug: str, database_url: str) -> None:
    _issue(rt, org_slug)
    with session_scope(rt.sessions) as session:
        assert audit_log.verify_audit_chain(session) == []
        last = session.execute(select(AuditEvent).order_by(AuditEvent.sequence.desc())).scalars().first()
        assert last is not None
        target = last.sequence
    # The database itself refuses changes to the log ...
    with pytest.raises(Exception, match="append-only"), session_scope(rt.sessions) as session:
        session.execute(text("UPDATE audit_events SET actor = 'someone else' WHERE sequence = :s"), {"s": target})
    # ... and if someone with database rights forces a change anyway, the chain shows it.
    with rt.engine.begin() as conn:
        if database_url.startswith("sqlite"):
            conn.execute(text("DROP TRIGGER audit_events_no_update"))
        else:
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
        conn.execute(text("UPDATE audit_events SET actor = 'someone else' WHERE sequence = :s"), {"s": target})
    with session_scope(rt.sessions) as session:
        problems = audit_log.verify_audit_chain(session)
    assert any(f"event {target}" in p for p in problems)
    if not database_url.startswith("sqlite"):
        with rt.engine.begin() as conn:
            conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))


def test_retired_competence_keeps_old_certificates_valid_but_cannot_be_issued(rt: Runtime, org_slug: str) -> None:
    public_id = _issue(rt, org_slug, competence_code="CIRC-UPCYCLEN")
    with session_scope(rt.sessions) as session:
        competence = competences.get_competence(session, "CIRC-UPCYCLEN")
        competence.status = "retired"
    try:
        assert _verify(rt, org_slug, public_id).verified
        with pytest.raises(errors.ServiceError) as info:
            _issue(rt, org_slug, competence_code="CIRC-UPCYCLEN")
        assert info.value.code == "retired_competence"
    finally:
        with session_scope(rt.sessions) as session:
            competences.sync_catalogue(session)  # back to the shipped state for other tests


def test_a_suspended_member_cannot_issue(rt: Runtime, org_slug: str) -> None:
    with session_scope(rt.sessions) as session:
        session.execute(select(Organisation).where(Organisation.slug == org_slug)).scalar_one().membership = "suspended"
    with pytest.raises(errors.Forbidden):
        _issue(rt, org_slug)


def test_without_a_key_store_nothing_can_be_signed(
    database_url: str, tmp_path: Path, rt: Runtime, org_slug: str
) -> None:
    reader = build_runtime(_settings(database_url, tmp_path), verifier_only=True)
    with session_scope(reader.sessions) as session, pytest.raises(errors.Forbidden) as info:
        cert_services.issue_certificate(
            session,
            reader.context,
            org=org_services.get_org(session, org_slug),
            competence_code="CIRC-SORTEREN",
            level="1",
            holder_name="X",
            actor=ACTOR,
        )
    assert info.value.code == "no_keys"
    reader.engine.dispose()


def test_private_keys_are_encrypted_at_rest(rt: Runtime, org_slug: str, tmp_path: Path) -> None:
    files = list((tmp_path / "keys" / org_slug).glob("*.pem"))
    assert len(files) == 1
    pem = files[0].read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in pem
    assert oct(files[0].stat().st_mode & 0o777) == "0o600"
    fragment = files[0].stem
    with session_scope(rt.sessions) as session:
        did = org_services.get_org(session, org_slug).did
    with pytest.raises(KeyStoreError, match="decrypted"):
        KeyStore(tmp_path / "keys", "another-passphrase-000").load(org_slug=org_slug, fragment=fragment, did=did)


def test_status_lists_have_the_full_herd_size(rt: Runtime, org_slug: str) -> None:
    with session_scope(rt.sessions) as session:
        rows = session.execute(select(StatusList).join(Organisation).where(Organisation.slug == org_slug)).scalars()
        assert {(r.purpose, len(r.bits) * 8) for r in rows} == {("revocation", 131072), ("suspension", 131072)}


def test_a_database_that_is_down_gives_a_clear_error(tmp_path: Path) -> None:
    down = build_runtime(_settings("postgresql+psycopg://nobody@127.0.0.1:1/none", tmp_path))
    with pytest.raises(DatabaseUnavailable), session_scope(down.sessions) as session:
        org_services.get_org(session, "anything")


def test_cli_reports_a_database_that_is_down_without_a_traceback(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "CREDENTIALS_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        "CREDENTIALS_KEY_PASSPHRASE": "test-passphrase-0123456789",
        "CREDENTIALS_SECRET_KEY": "secret-key-abcdefghijkl",
        "CREDENTIALS_INSTANCE_DIR": str(tmp_path),
        "CREDENTIALS_KEYS_DIR": str(tmp_path / "keys"),
    }
    run = subprocess.run(
        [sys.executable, "-m", "issuer.cli", "issue", "--org", "x", "--holder", "Y", "--competence", "CIRC-SORTEREN"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
        cwd=Path(__file__).parents[2],
    )
    assert run.returncode == 1
    assert "database cannot be reached" in run.stderr
    assert "Traceback" not in run.stderr


# --- text fields: line breaks as every system sends them -----------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Regel een.\r\nRegel twee.", "Regel een.\nRegel twee."),  # browsers, Windows files
        ("Regel een.\rRegel twee.", "Regel een.\nRegel twee."),  # old Mac files
        ("Regel een.\nRegel twee.", "Regel een.\nRegel twee."),
        ("Een\r\n\r\nTwee\r\n", "Een\n\nTwee"),  # an empty line stays; the trailing break is trimmed
        ("Kolom\tkolom", "Kolom\tkolom"),
    ],
)
def test_clean_text_normalises_line_breaks_to_lf(typed: str, kept: str) -> None:
    assert basics.clean_text(typed, field="evidence", max_length=100) == kept


def test_the_length_limit_counts_a_crlf_as_one_character() -> None:
    assert basics.clean_text("a\r\n" * 4 + "a", field="evidence", max_length=9) == "a\na\na\na\na"


@pytest.mark.parametrize(
    ("typed", "position", "char"),
    [("Regel\x07 een", 6, "U+0007"), ("a\x00", 2, "U+0000"), ("Een\r\nt\x1bwee", 6, "U+001B"), ("x\x85y", 2, "U+0085")],
)
def test_other_control_characters_are_refused_with_their_position(typed: str, position: int, char: str) -> None:
    with pytest.raises(errors.ServiceError) as refused:
        basics.clean_text(typed, field="evidence", max_length=100)
    assert refused.value.code == "control_chars"
    assert refused.value.params == {"position": position, "char": char}
    assert f"({char}) at position {position}" in refused.value.message
