"""Verifier-only mode: the public verifier as its own process, without keys, reading only.

``credentials serve --verifier-only`` runs the QR pages, the upload page and the VC-API
verify call, with no key store and the database opened read-only (SQLite ``mode=ro``,
PostgreSQL ``default_transaction_read_only``). Its settings neither need nor generate the
key passphrase. These tests start it as a real process, without
``CREDENTIALS_KEY_PASSPHRASE`` and with ``CREDENTIALS_KEYS_DIR`` pointing at a directory
that does not exist, on a database the full service filled; and check in-process that
such a runtime cannot sign and cannot change the database.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Executable, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from issuer import cli as issuer_cli
from issuer.app import create_app
from issuer.certificates import services as cert_services
from issuer.core import basics, errors
from issuer.organisations import services as org_services
from issuer.runtime import Runtime, build_runtime, runtime
from issuer.store.db import DatabaseUnavailable, session_scope
from issuer.store.models import AuditEvent, Certificate, Organisation, SigningKey, StatusList
from issuer.store.settings import Settings
from tests.support import BASE_URL
from tests.verifier.conftest import ORG
from verifier.service import verify_for_reader

REPO = Path(__file__).resolve().parents[2]
STAFF_PATHS = ("/login", "/certificaten/nieuw", "/certificaten", "/deelnemers", "/organisatie", "/sector", "/")
_MAIN_STATUS = re.compile(r"<main\b[^>]*\bdata-verification-status=\"([^\"]+)\"")
_CSRF_VALUE = re.compile(r"name=\"csrf_token\"[^>]*\bvalue=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"csrf_token\"")


def verifier_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    """The verifier process's environment: no key passphrase, an empty keys directory."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CREDENTIALS_")}
    env.update(
        CREDENTIALS_DATABASE_URL=database_url,
        CREDENTIALS_BASE_URL=BASE_URL,
        CREDENTIALS_INSTANCE_DIR=str(tmp_path / "verifier-instance"),
        CREDENTIALS_KEYS_DIR=str(tmp_path / "no-keys-here"),
        CREDENTIALS_SECRET_KEY="verifier-secret-key-0123456789",
        PYTHONPATH=str(REPO),
    )
    return env


def counts(app: Flask) -> dict[str, int]:
    with app.app_context(), session_scope(runtime().sessions) as session:
        return {
            model.__tablename__: int(session.execute(select(func.count()).select_from(model)).scalar_one())
            for model in (Organisation, SigningKey, Certificate, StatusList, AuditEvent)
        }


# --- settings -------------------------------------------------------------------------


def test_settings_for_the_verifier_neither_need_nor_generate_the_passphrase(tmp_path: Path) -> None:
    env = verifier_env(tmp_path, "sqlite:///" + str(tmp_path / "c.db"))
    settings = Settings.from_env(env, verifier_only=True)
    assert settings.key_passphrase == ""
    assert "CREDENTIALS_KEY_PASSPHRASE" not in settings.dev_fallbacks
    assert settings.secret_key == env["CREDENTIALS_SECRET_KEY"]
    assert not (tmp_path / "verifier-instance" / "dev-key-passphrase").exists()
    # Even when the environment has the passphrase, the verifier does not take it.
    with_passphrase = {**env, "CREDENTIALS_KEY_PASSPHRASE": "the-real-passphrase-0123456789"}
    assert Settings.from_env(with_passphrase, verifier_only=True).key_passphrase == ""
    # The session secret keeps its development fallback (the upload form needs a session).
    without_secret = {k: v for k, v in env.items() if k != "CREDENTIALS_SECRET_KEY"}
    assert Settings.from_env(without_secret, verifier_only=True).dev_fallbacks == ("CREDENTIALS_SECRET_KEY",)


def test_the_full_service_still_needs_its_passphrase(tmp_path: Path) -> None:
    env = verifier_env(tmp_path, "sqlite:///" + str(tmp_path / "c.db"))
    settings = Settings.from_env(env)
    assert len(settings.key_passphrase) >= 16
    assert settings.dev_fallbacks == ("CREDENTIALS_KEY_PASSPHRASE",)
    assert (tmp_path / "verifier-instance" / "dev-key-passphrase").exists()


def test_create_app_verifier_only_reads_verifier_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in verifier_env(tmp_path, "sqlite:///" + str(tmp_path / "c.db")).items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("CREDENTIALS_KEY_PASSPHRASE", raising=False)
    app = create_app(verifier_only=True)
    try:
        assert app.extensions["credentials"].settings.key_passphrase == ""
        assert not (tmp_path / "verifier-instance" / "dev-key-passphrase").exists()
    finally:
        app.extensions["credentials"].engine.dispose()


def test_serve_verifier_only_reads_verifier_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``credentials serve --verifier-only`` builds its app from verifier settings (no passphrase)."""
    for key, value in verifier_env(tmp_path, "sqlite:///" + str(tmp_path / "c.db")).items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("CREDENTIALS_KEY_PASSPHRASE", raising=False)
    seen: dict[str, Any] = {}

    class _App:
        def run(self, **_kwargs: Any) -> None:
            seen["ran"] = True

    def fake_create_app(*_args: Any, settings: Settings, verifier_only: bool = False, **_kw: Any) -> _App:
        seen.update(settings=settings, verifier_only=verifier_only)
        return _App()

    monkeypatch.setattr("issuer.app.create_app", fake_create_app)
    assert issuer_cli.main(["serve", "--verifier-only", "--port", "1"]) == 0
    assert seen["verifier_only"] is True and seen["ran"] is True
    assert seen["settings"].key_passphrase == ""
    assert not (tmp_path / "verifier-instance" / "dev-key-passphrase").exists()


# --- in-process: a verifier-only runtime cannot sign and cannot write ---------------------


@dataclass
class Filled:
    app: Flask
    settings: Settings
    issued: dict[str, Any]


@pytest.fixture
def filled(app: Flask, issued: dict[str, Any]) -> Filled:
    rt: Runtime = app.extensions["credentials"]
    return Filled(app, rt.settings, issued)


@pytest.fixture
def verifier_runtime(filled: Filled, tmp_path: Path) -> Iterator[Runtime]:
    """``build_runtime(verifier_only=True)`` with the real keys directory and passphrase in its
    settings: it must still have no key store at all."""
    rt = build_runtime(filled.settings, verifier_only=True)
    yield rt
    rt.engine.dispose()


def test_verifier_runtime_has_no_key_store(verifier_runtime: Runtime, filled: Filled) -> None:
    assert verifier_runtime.verifier_only
    assert verifier_runtime.context.keystore is None
    assert any(filled.settings.keys_dir.rglob("*.pem")), "the full service's keys exist next to it"
    with pytest.raises(errors.Forbidden) as refused:
        verifier_runtime.context.signing_store()
    assert refused.value.code == "no_keys"


def test_verifier_runtime_cannot_issue_revoke_or_rotate(verifier_runtime: Runtime, filled: Filled) -> None:
    before = counts(filled.app)
    ctx = verifier_runtime.context
    valid = filled.issued["certificates"]["valid"]["public_id"]
    attempts: dict[str, Callable[[Session], object]] = {
        "issue": lambda session: cert_services.issue_certificate(
            session, ctx, org=org_services.get_org(session, ORG["slug"]), competence_code="CIRC-SORTEREN", level="2",
            actor="attacker", holder_name="Piet Jansen"),
        "revoke": lambda session: cert_services.revoke(
            session, ctx, cert=cert_services.get_certificate(session, valid), reason="weg", actor="attacker"),
        "suspend": lambda session: cert_services.suspend(
            session, ctx, cert=cert_services.get_certificate(session, valid), reason="weg", actor="attacker"),
        "rotate": lambda session: org_services.rotate_key(
            session, ctx, org=org_services.get_org(session, ORG["slug"]), actor="attacker"),
    }  # fmt: skip
    for name, attempt in attempts.items():
        # Issuing and rotating stop at the missing key store; revoking and suspending change
        # the row first, so the read-only database may refuse before the key store is asked.
        refusals = (errors.Forbidden, DatabaseUnavailable, DBAPIError)
        with pytest.raises(refusals) as refused, session_scope(verifier_runtime.sessions) as session:
            attempt(session)
        if name in ("issue", "rotate") or isinstance(refused.value, errors.Forbidden):
            assert isinstance(refused.value, errors.Forbidden) and refused.value.code == "no_keys", name
    assert counts(filled.app) == before
    with session_scope(verifier_runtime.sessions) as session:
        credential = filled.issued["certificates"]["valid"]["credential"]
        assert verify_for_reader(session, verifier_runtime.settings, credential).verdict == "valid"
        cert = cert_services.get_certificate(session, valid)
        assert cert.revoked_at is None and cert.suspended_at is None


def test_verifier_database_is_read_only(verifier_runtime: Runtime, filled: Filled) -> None:
    before = counts(filled.app)
    valid = filled.issued["certificates"]["valid"]["public_id"]
    statements: list[Executable] = [
        update(Certificate).where(Certificate.public_id == valid).values(public_page=False),
        update(Organisation).values(membership="suspended"),
        text("DELETE FROM audit_events"),
        text("INSERT INTO audit_head (id, sequence, hash) VALUES (99, 0, 'x')"),
        text("UPDATE signing_keys SET compromised_at = CURRENT_TIMESTAMP"),
    ]
    for statement in statements:
        with pytest.raises(DBAPIError), verifier_runtime.engine.begin() as conn:
            conn.execute(statement)
    # Through the services too (the organisation insert is refused by the database).
    with pytest.raises((DBAPIError, DatabaseUnavailable)), session_scope(verifier_runtime.sessions) as session:
        session.add(Organisation(slug="nep", name="Nep", did="did:web:nep", membership="active",
                                 member_since=basics.now(), created_at=basics.now()))  # fmt: skip
        session.flush()
    assert counts(filled.app) == before
    with filled.app.app_context(), session_scope(runtime().sessions) as session:
        assert cert_services.get_certificate(session, valid).public_page is True
        assert all(k.compromised_at is None for k in session.execute(select(SigningKey)).scalars())
    if filled.settings.is_sqlite:
        # Not even after switching SQLite's own guard off: the file itself is opened read-only.
        with pytest.raises(DBAPIError), verifier_runtime.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA query_only = OFF")
            conn.execute(text("DELETE FROM audit_events"))
        assert counts(filled.app) == before


# --- a real verifier process ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Answer:
    status: int
    body: str
    content_type: str


class Browser:
    """A tiny HTTP client that keeps cookies by hand: the session cookie is ``Secure`` (the
    public base URL is https), and this process talks plain HTTP on localhost."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}

    def request(self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
        all_headers = dict(headers or {})
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        req = urllib.request.Request(self.base + path, data=data, headers=all_headers)  # noqa: S310 - localhost
        try:
            with urllib.request.urlopen(req, timeout=20) as response:  # noqa: S310 - localhost
                answer = Answer(response.status, response.read().decode(), response.headers.get("Content-Type", ""))
                set_cookies = response.headers.get_all("Set-Cookie") or []
        except urllib.error.HTTPError as exc:
            answer = Answer(exc.code, exc.read().decode(), exc.headers.get("Content-Type", ""))
            set_cookies = exc.headers.get_all("Set-Cookie") or []
        for cookie in set_cookies:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return answer


@pytest.fixture
def verifier_process(filled: Filled, tmp_path: Path) -> Iterator[Browser]:
    port = free_port()
    env = verifier_env(tmp_path, filled.settings.database_url)
    log = (tmp_path / "verifier.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "issuer.cli", "serve", "--verifier-only", "--port", str(port)],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    browser = Browser(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail("the verifier process ended: " + (tmp_path / "verifier.log").read_text())
            try:
                if browser.request("/healthz").status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the verifier process did not answer: " + (tmp_path / "verifier.log").read_text())
            time.sleep(0.1)
        yield browser
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def test_verifier_process_shows_and_verifies_but_cannot_sign(
    verifier_process: Browser, filled: Filled, tmp_path: Path
) -> None:
    before = counts(filled.app)
    certificates = filled.issued["certificates"]
    for name, verdict in (("valid", "valid"), ("revoked", "revoked"), ("suspended", "suspended")):
        page = verifier_process.request(f"/c/{certificates[name]['public_id']}")
        assert page.status == 200, page.body[:500]
        status = _MAIN_STATUS.search(page.body)
        assert status and status.group(1) == verdict, name

    for name, verdict in (("valid", "valid"), ("revoked", "revoked")):
        body = json.dumps({"verifiableCredential": certificates[name]["credential"]}).encode()
        answer = verifier_process.request("/credentials/verify", body, {"Content-Type": "application/json"})
        assert answer.status == 200 and answer.content_type.startswith("application/json"), answer.body[:500]
        assert json.loads(answer.body)["verdict"] == verdict

    form = verifier_process.request("/verify")
    token = _CSRF_VALUE.search(form.body)
    assert form.status == 200 and token
    fields = {"csrf_token": token.group(1) or token.group(2), "tekst": json.dumps(certificates["valid"]["credential"])}
    result = verifier_process.request("/verify", urllib.parse.urlencode(fields).encode())
    assert result.status == 200
    status = _MAIN_STATUS.search(result.body)
    assert status and status.group(1) == "valid"

    did = verifier_process.request(f"/orgs/{ORG['slug']}/did.json")
    assert did.status == 200 and json.loads(did.body)["id"] == filled.issued["organisation"]["did"]

    for path in STAFF_PATHS:
        assert verifier_process.request(path).status == 404, path
    for path in ("/login", "/certificaten/nieuw", f"/certificaten/{certificates['valid']['public_id']}/intrekken"):
        assert verifier_process.request(path, b"email=a&password=b").status == 404, path

    assert counts(filled.app) == before
    assert not (tmp_path / "no-keys-here").exists(), "the verifier created a keys directory"


# --- the verifier alone: what a serving worker has loaded -----------------------------------------

# Written into each process at exit by a sitecustomize module on the PYTHONPATH: the names of
# every module the process had loaded (gunicorn's workers end through sys.exit, so atexit runs).
_MODULES_PROBE = """
import atexit, os, sys

def _write_modules():
    with open(os.path.join(os.environ["MODULES_PROBE_DIR"], "modules-%d.txt" % os.getpid()), "w") as out:
        out.write("\\n".join(sorted(sys.modules)))

atexit.register(_write_modules)
"""
ALLOWED_ISSUER_MODULES = re.compile(r"^issuer(\.store(\..*)?|\.webkit(\..*)?)?$")


def test_a_verifier_only_worker_loads_nothing_of_the_issuer_but_the_store_and_the_web_toolkit(
    filled: Filled, tmp_path: Path
) -> None:
    probe = tmp_path / "probe"
    probe.mkdir()
    (probe / "sitecustomize.py").write_text(_MODULES_PROBE, encoding="utf-8")
    port = free_port()
    env = {**verifier_env(tmp_path, filled.settings.database_url), "PYTHONPATH": f"{probe}{os.pathsep}{REPO}",
           "MODULES_PROBE_DIR": str(probe)}  # fmt: skip
    log = (tmp_path / "verifier.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "issuer.cli", "serve", "--verifier-only", "--production", "--workers", "1",
         "--port", str(port)], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    browser = Browser(f"http://127.0.0.1:{port}")
    certificates = filled.issued["certificates"]
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (tmp_path / "verifier.log").read_text()
            try:
                if browser.request("/healthz").status == 200:
                    break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "verifier.log").read_text()
                time.sleep(0.2)
        qr_page = browser.request(f"/c/{certificates['valid']['public_id']}")  # what a QR code opens
        assert qr_page.status == 200 and 'data-verification-status="valid"' in qr_page.body
        form = browser.request("/verify")
        token = _CSRF_VALUE.search(form.body)
        assert token
        boundary = "----probe" + os.urandom(6).hex()
        token_value = token.group(1) or token.group(2)
        credential_text = json.dumps(certificates["valid"]["credential"])
        upload = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token_value}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="bestand"; filename="certificaat.json"\r\n'
            f"Content-Type: application/json\r\n\r\n{credential_text}\r\n--{boundary}--\r\n"
        ).encode()
        uploaded = browser.request("/verify", upload, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert uploaded.status == 200 and 'data-verification-status="valid"' in uploaded.body, uploaded.body[:300]
        body = json.dumps({"verifiableCredential": certificates["valid"]["credential"]}).encode()
        api = browser.request("/credentials/verify", body, {"Content-Type": "application/json"})
        assert api.status == 200 and json.loads(api.body)["verdict"] == "valid"
    finally:
        process.terminate()
        process.wait(timeout=30)
    loaded = {path.name: path.read_text().split() for path in probe.glob("modules-*.txt")}
    workers = {name: modules for name, modules in loaded.items() if name != f"modules-{process.pid}.txt"}
    assert workers, f"no worker wrote its modules: {sorted(loaded)}"
    for name, modules in loaded.items():
        assert "verifier.app" in modules, name
        issuer = sorted(m for m in modules if m.split(".")[0] == "issuer" and not ALLOWED_ISSUER_MODULES.match(m))
        assert issuer == [], f"{name}: the verifier loaded {issuer}"
    assert any("verifier.pages" in modules and "verifier.api" in modules for modules in workers.values())
