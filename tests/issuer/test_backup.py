"""``credentials backup`` and ``credentials restore`` as an operator runs them: real
processes, an instance with two organisations, a rotated and a compromised key, revoked,
suspended and expired certificates and an erased holder; restored into SQLite and into
PostgreSQL, and refused where it must be, changing nothing."""

from __future__ import annotations

import io
import json
import shutil
import stat
import subprocess
import sys
import tarfile
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import select

from issuer.certificates import services as cert_services
from issuer.core import audit_log
from issuer.organisations import services as org_services
from issuer.participants import services as participant_services
from issuer.runtime import build_runtime
from issuer.store.db import alembic_config, session_scope
from issuer.store.models import Certificate
from issuer.store.settings import Settings
from tests.support import ROOT, cli, free_port, service_env, serving
from verifier.service import verify_for_reader

BASE = "https://certificaten.test"
# The newest schema revision: what a new archive records.
HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "issuer.cli", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)  # fmt: skip


def snapshot(env: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Every certificate: public id -> (stored JSON, the public verifier's verdict)."""
    rt = build_runtime(Settings.from_env(env))
    try:
        with session_scope(rt.sessions, reads_only=True) as session:
            return {
                cert.public_id: (
                    cert.credential_json,
                    verify_for_reader(session, rt.settings, json.loads(cert.credential_json)).verdict,
                )
                for cert in session.execute(select(Certificate).order_by(Certificate.id)).scalars()
            }
    finally:
        rt.engine.dispose()


def table_members(archive: Path) -> dict[str, bytes]:
    """The database members of an archive (every table's rows, in portable form)."""
    with tarfile.open(archive, "r:gz") as tar:
        return {
            m.name: tar.extractfile(m).read()  # type: ignore[union-attr]
            for m in tar.getmembers()
            if m.name.startswith("db/")
        }


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An instance with everything a backup must carry."""
    env = service_env(tmp_path_factory.mktemp("source"), BASE)
    cli(env, "init")
    cli(env, "org", "add", "de-kring", "--name", "De Kring", "--email", "info@dekring.example")
    cli(env, "org", "add", "het-warenhuis", "--name", "Het Warenhuis")
    cli(env, "issue", "--org", "de-kring", "--holder", "Mehmet Çelik", "--competence", "VAK-TILLEN", "--level", "2")
    cli(env, "keys", "rotate", "--org", "de-kring")  # the first key stays valid for what it signed
    cli(env, "issue", "--org", "de-kring", "--holder", "Sara Ødegård", "--competence", "DIG-KASSA")
    rt = build_runtime(Settings.from_env(env))
    try:
        with session_scope(rt.sessions) as session:
            kring, warenhuis = org_services.get_org(session, "de-kring"), org_services.get_org(session, "het-warenhuis")
            shop = org_services.add_shop(session, org=kring, name="Winkel Centrum", actor="test", city="Utrecht")
            person, _ = participant_services.add_participant(
                session, org=kring, name="Nguyễn Thị Lan", actor="test", shop=shop
            )
            gone, _ = participant_services.add_participant(session, org=warenhuis, name="Ilić Ana", actor="test")

            def issue(org: Any, code: str, **extra: Any) -> Certificate:
                return cert_services.issue_certificate(session, rt.context, org=org, competence_code=code, level="1",
                                                  actor="test", **extra)  # fmt: skip

            for code in ("CIRC-SORTEREN", "VAK-TILLEN"):
                issue(kring, code, participant=person, evidence="Sorteert zelfstandig.", shop=shop)
            suspended = issue(kring, "DIG-KASSA", holder_name="Piet Jansen")
            cert_services.suspend(session, rt.context, cert=suspended, reason="onderzoek", actor="test")
            revoked = issue(warenhuis, "VAK-TILLEN", holder_name="Jan de Vries")
            cert_services.revoke(session, rt.context, cert=revoked, reason="vergissing", actor="test")
            old = {"issued_on": datetime(2025, 1, 6, tzinfo=UTC), "valid_until": datetime(2025, 6, 30, tzinfo=UTC)}
            issue(warenhuis, "CIRC-SORTEREN", holder_name="Oud Certificaat", **old)
            for code in ("VAK-TILLEN", "DIG-KASSA"):
                issue(warenhuis, code, participant=gone, evidence="Werkt netjes.")
            warenhuis_key = org_services.current_key(session, warenhuis).fragment
    finally:
        rt.engine.dispose()
    # Compromise: revokes what the key signed and re-issues it with a new key (in the same
    # second as the issuing, typically: those certificates read as revoked).
    assert "re-issued as" in cli(env, "keys", "compromise", "--org", "het-warenhuis", "--key", warenhuis_key)
    rt = build_runtime(Settings.from_env(env))
    try:
        with session_scope(rt.sessions) as session:
            person = participant_services.get_participant(session, str(gone.id))
            participant_services.erase_participant(session, participant=person, actor="test")
    finally:
        rt.engine.dispose()
    return env


@pytest.fixture(scope="module")
def before(source: dict[str, str]) -> dict[str, tuple[str, str]]:
    certificates = snapshot(source)
    verdicts = sorted(v for _, v in certificates.values())
    # valid, revoked (compromise and by hand), suspended, expired, erased (redacted JSON)
    assert {"valid", "revoked", "suspended", "expired", "invalid"} <= set(verdicts), verdicts
    return certificates


@pytest.fixture(scope="module")
def archive(
    source: dict[str, str], before: dict[str, tuple[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    out = tmp_path_factory.mktemp("backup") / "kringloop.backup.tar.gz"
    report = cli(source, "backup", "--out", str(out))
    assert f"Wrote {out}" in report and "personal data" in report
    return out


def test_the_archive_holds_the_database_and_the_encrypted_keys_and_is_private(archive: Path) -> None:
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert not list(archive.parent.glob(".*.tmp"))
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
        keys = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.name.startswith("keys/")}  # type: ignore[union-attr]
    assert manifest["format_version"] == 1 and manifest["base_url"] == BASE
    assert manifest["alembic_revision"] == HEAD
    assert any(name.startswith("keys/_sector/") for name in keys), "the sector's trust-list key is in the archive"
    tables = manifest["tables"]
    assert tables.index("organisations") < tables.index("signing_keys") < tables.index("certificates")
    assert manifest["counts"]["organisations"] == 2 and manifest["counts"]["certificates"] >= 10
    assert len(keys) == manifest["keys"] == 5  # de-kring: first + rotated; het-warenhuis: compromised + new; sector
    assert all(pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----") for pem in keys.values())
    assert set(manifest["members"]) == {*(f"db/{t}.jsonl" for t in tables), *keys}


def _target(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, str]:
    env = service_env(tmp_path / "restored", BASE)
    if kind == "postgresql":
        env["CREDENTIALS_DATABASE_URL"] = request.getfixturevalue("postgres_schema_url")
    return env


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_restore_brings_back_every_certificate_verifying_as_before(
    kind: str, archive: Path, before: dict[str, tuple[str, str]], tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    env = _target(kind, tmp_path, request)
    report = cli(env, "restore", str(archive))
    assert "the hash chain verifies" in report and "key file(s) written" in report, report
    # Every certificate: same JSON byte for byte, same verdict as before.
    assert snapshot(env) == before
    assert "verifies" in cli(env, "audit", "verify")
    # Every table comes back with the same rows (the portable dump of the restored copy is equal).
    again = tmp_path / "again.tar.gz"
    cli(env, "backup", "--out", str(again))
    assert table_members(again) == table_members(archive)
    # The restored instance signs: a new certificate (new id from the sequence) verifies.
    url = cli(env, "issue", "--org", "het-warenhuis", "--holder", "Nieuwe Deelnemer", "--competence", "DIG-KASSA")
    public_id = url.strip().rsplit("/", 1)[1]
    after = snapshot(env)
    assert after[public_id][1] == "valid" and len(after) == len(before) + 1
    # The public page of the restored service answers with the recorded verdict.
    revoked = next(pid for pid, (_, verdict) in before.items() if verdict == "revoked")
    with serving(env, free_port()) as base:
        for pid, verdict in ((public_id, "valid"), (revoked, "revoked")):
            with urllib.request.urlopen(f"{base}/c/{pid}", timeout=10) as response:  # noqa: S310 - loopback
                assert f'data-verification-status="{verdict}"' in response.read().decode()
        # The sector's key came back too: the restored service signs its trust list again.
        with urllib.request.urlopen(f"{base}/.well-known/kringloop-trust-list.json", timeout=10) as response:  # noqa: S310
            assert response.status == 200 and "het-warenhuis" in response.read().decode()


def test_restore_from_postgresql_into_sqlite(
    archive: Path, before: dict[str, tuple[str, str]], tmp_path: Path, postgres_schema_url: str
) -> None:
    on_postgres = service_env(tmp_path / "pg", BASE) | {"CREDENTIALS_DATABASE_URL": postgres_schema_url}
    cli(on_postgres, "restore", str(archive))
    from_postgres = tmp_path / "from-postgres.tar.gz"
    cli(on_postgres, "backup", "--out", str(from_postgres))
    on_sqlite = service_env(tmp_path / "sqlite", BASE)
    cli(on_sqlite, "restore", str(from_postgres))
    assert snapshot(on_sqlite) == before


def _unchanged(env: dict[str, str]) -> None:
    home = Path(env["CREDENTIALS_KEYS_DIR"]).parent
    assert not Path(env["CREDENTIALS_KEYS_DIR"]).exists() or not list(Path(env["CREDENTIALS_KEYS_DIR"]).rglob("*"))
    assert not (home / "instance" / "credentials.db").exists()


def test_restore_into_a_database_with_data_is_refused(source: dict[str, str], archive: Path, tmp_path: Path) -> None:
    target = service_env(tmp_path, BASE)
    cli(target, "init")  # the catalogue is data
    shutil.rmtree(tmp_path / "keys")  # init also made the sector's key: only the database holds data now
    refused = run(target, "restore", str(archive))
    assert refused.returncode == 1 and "already holds data" in refused.stderr, refused.stderr
    assert not list((tmp_path / "keys").rglob("*.pem"))
    # Keys in the key store: refused before the database is looked at.
    refused = run(source, "restore", str(archive))
    assert refused.returncode == 1 and "already holds" in refused.stderr and "key file" in refused.stderr


def test_a_damaged_archive_is_refused(archive: Path, tmp_path: Path) -> None:
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x01
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(bytes(data))
    env = service_env(tmp_path / "target", BASE)
    refused = run(env, "restore", str(damaged))
    assert refused.returncode == 1 and "damaged" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr
    _unchanged(env)


def test_a_member_that_does_not_match_its_hash_is_refused(archive: Path, tmp_path: Path) -> None:
    altered = tmp_path / "altered.tar.gz"
    with tarfile.open(archive, "r:gz") as tar, tarfile.open(altered, "w:gz") as out:
        for member in tar.getmembers():
            content = tar.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "db/certificates.jsonl":
                content = content.replace(b"Piet Jansen", b"Piet Janssen")
            member.size = len(content)
            out.addfile(member, io.BytesIO(content))
    env = service_env(tmp_path / "target", BASE)
    refused = run(env, "restore", str(altered))
    assert refused.returncode == 1 and "certificates.jsonl does not match its hash" in refused.stderr
    _unchanged(env)


def test_an_archive_from_a_newer_schema_is_refused(archive: Path, tmp_path: Path) -> None:
    newer = tmp_path / "newer.tar.gz"
    with tarfile.open(archive, "r:gz") as tar, tarfile.open(newer, "w:gz") as out:
        for member in tar.getmembers():
            content = tar.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "manifest.json":
                content = content.replace(f'"alembic_revision": "{HEAD}"'.encode(), b'"alembic_revision": "0099"')
            member.size = len(content)
            out.addfile(member, io.BytesIO(content))
    env = service_env(tmp_path / "target", BASE)
    refused = run(env, "restore", str(newer))
    assert refused.returncode == 1 and "newer than this code knows" in refused.stderr, refused.stderr
    _unchanged(env)


def test_a_wrong_passphrase_is_refused_clearly(archive: Path, tmp_path: Path) -> None:
    env = service_env(tmp_path / "target", BASE) | {"CREDENTIALS_KEY_PASSPHRASE": "een-ander-wachtwoord-0123"}
    refused = run(env, "restore", str(archive))
    assert refused.returncode == 1, refused.stderr
    assert "cannot be decrypted with CREDENTIALS_KEY_PASSPHRASE" in refused.stderr
    _unchanged(env)


def test_another_base_url_is_refused(archive: Path, tmp_path: Path) -> None:
    env = service_env(tmp_path / "target", "https://elders.test")
    refused = run(env, "restore", str(archive))
    assert refused.returncode == 1 and "CREDENTIALS_BASE_URL" in refused.stderr
    _unchanged(env)


def test_a_failed_check_rolls_everything_back(archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A restore whose checks fail keeps nothing: no rows, no key files."""
    from issuer.ops import backup

    monkeypatch.setattr(audit_log, "verify_audit_chain", lambda session: ["event 3: content does not match its hash"])
    home = tmp_path / "target"
    settings = Settings.from_env(service_env(home, BASE))
    with pytest.raises(backup.BackupError, match="does not verify"):
        backup.restore_backup(settings, archive)
    _unchanged(service_env(home, BASE))


def test_backup_refuses_an_uninitialised_database(tmp_path: Path) -> None:
    env = service_env(tmp_path, BASE)
    for expected in ("no database at", "no schema"):
        refused = run(env, "backup", "--out", str(tmp_path / "x.tar.gz"))
        assert refused.returncode == 1 and expected in refused.stderr, refused.stderr
        assert not (tmp_path / "x.tar.gz").exists()
        (tmp_path / "instance").mkdir(exist_ok=True)
        (tmp_path / "instance" / "credentials.db").touch()
