"""Production readiness: the probes, the request log, the security headers, the lockout
audit event and the files operators deploy with (Dockerfile, compose.yaml, deploy/)."""

from __future__ import annotations

import io
import json
import logging
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, select, text
from werkzeug.test import TestResponse

from issuer.accounts import views as account_views
from issuer.app import create_app
from issuer.certificates import services as cert_services
from issuer.core import audit_log
from issuer.organisations import services as org_services
from issuer.organisations import tokens
from issuer.participants import services as participant_services
from issuer.runtime import runtime
from issuer.store.db import session_scope
from issuer.store.models import AuditEvent, User
from issuer.store.settings import Settings, SettingsError
from issuer.webkit import headers, requestlog
from tests.issuer.conftest import PASSWORD, World, build_world, csrf_token, login, post
from tests.support import ROOT, make_settings, migrated_app

HOLDER = "Zoë Privé-Testpersoon"
HOLDER_EMAIL = "zoe.prive@example.net"
WRONG_PASSWORD = "Geheim-fout-wachtwoord-77"
WRONG_CODE = "KRNG-ZZZZ-YYYY-XXXX"


def sqlite_app(tmp_path: Path, *, base_url: str = "https://certificaten.test") -> Flask:
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'credentials.db'}", base_url=base_url)
    return migrated_app(settings)


# --- probes ---------------------------------------------------------------------------------


def test_healthz_answers_without_the_database_and_is_never_cached(tmp_path: Path) -> None:
    down = create_app({"TESTING": True}, settings=make_settings(tmp_path, "sqlite:////nonexistent-dir/x/c.db"))
    response = down.test_client().get("/healthz")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "ok\n")
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ready_with_database_at_head_and_every_key_file(app: Flask, world: World, tmp_path: Path) -> None:
    response = app.test_client().get("/readyz")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["status"] == "ready" and body["failed"] == []
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True, "migrations": True, "keys": True,
    }  # fmt: skip
    assert body["checks"]["keys"]["organisations"] == 2
    assert body["checks"]["migrations"]["database_revision"] == body["checks"]["migrations"]["code_revision"]
    assert str(tmp_path) not in response.get_data(as_text=True)


def test_readyz_reports_a_database_that_does_not_answer(tmp_path: Path) -> None:
    down = create_app({"TESTING": True}, settings=make_settings(tmp_path, "sqlite:////nonexistent-dir/x/c.db"))
    response = down.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "not ready" and body["failed"] == ["database"]
    assert "nonexistent-dir" not in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_reports_a_schema_behind_the_code(app: Flask) -> None:
    with app.app_context(), runtime().engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0002_old'"))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failed"] == ["migrations"]
    assert body["checks"]["migrations"]["database_revision"] == ["0002_old"]
    assert "credentials init" in body["checks"]["migrations"]["detail"]


def test_readyz_names_the_organisation_whose_current_key_file_is_missing(app: Flask, world: World) -> None:
    with app.app_context(), session_scope(runtime().sessions) as db:
        org = org_services.get_org(db, world.b.slug)
        fragment = org_services.current_key(db, org).fragment
        keys_dir = runtime().settings.keys_dir
    (keys_dir / world.b.slug / f"{fragment}.pem").unlink()
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failed"] == ["keys"]
    assert body["checks"]["keys"]["organisations"] == [world.b.slug]
    assert str(keys_dir) not in response.get_data(as_text=True) and fragment not in response.get_data(as_text=True)


def test_readyz_only_looks_at_the_current_key_of_active_organisations(app: Flask, world: World) -> None:
    with app.app_context(), session_scope(runtime().sessions) as db:
        org = org_services.get_org(db, world.a.slug)
        old = org_services.current_key(db, org).fragment
        org_services.rotate_key(db, runtime().context, org=org, actor="test")
        org_services.get_org(db, world.b.slug).membership = "ended"
        keys_dir = runtime().settings.keys_dir
    (keys_dir / world.a.slug / f"{old}.pem").unlink()  # retired: no longer needed to sign
    shutil.rmtree(keys_dir / world.b.slug)  # not a member any more: signs nothing
    response = app.test_client().get("/readyz")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["checks"]["keys"]["organisations"] == 1


def test_readyz_reports_a_key_store_that_is_gone(app: Flask, world: World) -> None:
    with app.app_context():
        keys_dir = runtime().settings.keys_dir
    keys_dir.rename(keys_dir.with_name("keys-moved"))
    body = app.test_client().get("/readyz").get_json()
    assert body["failed"] == ["keys"]
    assert "CREDENTIALS_KEYS_DIR" in body["checks"]["keys"]["detail"]


def test_readyz_of_the_verifier_only_process_has_no_key_check(tmp_path: Path) -> None:
    full = sqlite_app(tmp_path)
    build_world(full)
    verifier = create_app({"TESTING": True}, settings=full.extensions["credentials"].settings, verifier_only=True)
    response = verifier.test_client().get("/readyz")
    assert response.status_code == 200
    assert set(response.get_json()["checks"]) == {"database", "migrations"}


# --- logs -------------------------------------------------------------------------------------


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """Everything logged during the test, as the production handler writes it (JSON lines)."""
    root, werkzeug = logging.getLogger(), logging.getLogger("werkzeug")
    levels = root.level, werkzeug.level
    stream = io.StringIO()
    handler = requestlog.configure_logging("json", stream=stream)
    yield stream
    root.removeHandler(handler)
    root.setLevel(levels[0])
    werkzeug.setLevel(levels[1])


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def _personal_world(app: Flask) -> tuple[str, str, str]:
    """A holder with a recognisable name and e-mail address, a certificate, and an API token."""
    with app.app_context(), session_scope(runtime().sessions) as db:
        org = org_services.get_org(db, "kringloop-a")
        person, code = participant_services.add_participant(db, org=org, name=HOLDER, email=HOLDER_EMAIL, actor="test")
        cert = cert_services.issue_certificate(db, runtime().context, org=org, competence_code="CIRC-SORTEREN",
                                               level="2", actor="test", participant=person)  # fmt: skip
        _token, plaintext = tokens.create_token(db, org, "Koppeling", ["issue"], actor="test")
        return cert.public_id, code, plaintext


def test_each_request_logs_one_json_line_with_its_request_id_and_no_personal_data(
    app: Flask, world: World, log_output: io.StringIO
) -> None:
    public_id, code, token = _personal_world(app)
    client, staff = app.test_client(), app.test_client()
    responses: list[TestResponse] = []
    # A wrong password, a portfolio code (a real one and a wrong one), a verify upload with the
    # holder's name inside, API calls with a token, staff pages with the holder's name.
    responses.append(post(client, "/login", {"email": world.a.supervisor, "password": WRONG_PASSWORD}))
    responses.append(post(client, "/portfolio", {"code": WRONG_CODE}))
    responses.append(post(client, "/portfolio", {"code": code}))
    responses.append(client.get(f"/portfolio/certificaat/{public_id}.json"))
    responses.append(client.get(f"/c/{public_id}?lang=en&naam={HOLDER}"))
    with app.app_context(), session_scope(runtime().sessions) as db:
        signed = cert_services.get_certificate(db, public_id).credential_json
    responses.append(post(client, "/verify", {"tekst": signed}))
    responses.append(client.get(f"/api/v1/certificates/{public_id}", headers={"Authorization": f"Bearer {token}"}))
    api_headers = {"Authorization": f"Bearer {token}", "Cookie": "session=koekje-geheim"}
    person = {"name": HOLDER, "email": HOLDER_EMAIL}
    responses.append(client.post("/api/v1/participants", json=person, headers=api_headers))
    login(staff, world.a.supervisor)
    responses.append(staff.get(f"/certificaten?zoek={HOLDER}"))
    responses.append(staff.get(f"/certificaten/{public_id}"))
    assert HOLDER in responses[-1].get_data(as_text=True)
    assert [r.status_code for r in responses[:3]] == [400, 400, 302]
    assert responses[6].status_code == 200 and responses[7].status_code == 201

    output = log_output.getvalue()
    lines = _lines(log_output)  # every line is one JSON object
    for secret in (world.a.supervisor, WRONG_PASSWORD, PASSWORD, WRONG_CODE, code, token, token[:11], HOLDER,
                   HOLDER_EMAIL, "Zo\\u00eb", public_id, "koekje-geheim", "Bearer", "lang=en", "zoek="):  # fmt: skip
        assert secret not in output, secret
    access = [line for line in lines if line["logger"] == requestlog.ACCESS_LOGGER]
    header_ids = {r.headers[requestlog.REQUEST_ID_HEADER] for r in responses}
    assert len(header_ids) == len(responses)
    assert header_ids <= {line["request_id"] for line in access}
    for line in access:
        assert set(line) >= {"ts", "level", "method", "route", "endpoint", "status", "duration_ms", "size"}
    by_id = {line["request_id"]: line for line in access}
    certificate_page = by_id[responses[4].headers[requestlog.REQUEST_ID_HEADER]]
    assert (certificate_page["route"], certificate_page["endpoint"]) == ("/c/<public_id>", "verifier_pages.certificate")
    assert certificate_page["status"] == 200 and certificate_page["size"] > 0
    api_line = by_id[responses[6].headers[requestlog.REQUEST_ID_HEADER]]
    assert (api_line["method"], api_line["route"]) == ("GET", "/api/v1/certificates/<public_id>")


def test_a_plain_incoming_request_id_is_kept_and_anything_else_replaced(app: Flask, log_output: io.StringIO) -> None:
    client = app.test_client()
    kept = client.get("/healthz", headers={"X-Request-Id": "lb-7f3a.92_x"})
    assert kept.headers["X-Request-Id"] == "lb-7f3a.92_x"
    for hostile in (HOLDER_EMAIL, "a" * 65, "<script>", "id with spaces", "", "\u00e9t\u00e9"):
        response = client.get("/healthz", headers={"X-Request-Id": hostile})
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-Id"]), hostile
    assert HOLDER_EMAIL not in log_output.getvalue() and "<script>" not in log_output.getvalue()
    assert _lines(log_output)[0]["request_id"] == "lb-7f3a.92_x"


def test_app_log_records_carry_the_request_id(tmp_path: Path, log_output: io.StringIO) -> None:
    app = sqlite_app(tmp_path)

    @app.get("/log-something")
    def _log_something() -> str:
        logging.getLogger("issuer.something").warning("a warning inside a request")
        return "ok"

    response = app.test_client().get("/log-something")
    request_id = response.headers["X-Request-Id"]
    warning = next(line for line in _lines(log_output) if line["logger"] == "issuer.something")
    assert (warning["level"], warning["request_id"]) == ("WARNING", request_id)
    logging.getLogger("issuer.something").warning("outside")
    assert _lines(log_output)[-1]["request_id"] == "-"


def test_an_unhandled_exception_is_logged_by_route_without_path_or_message(
    tmp_path: Path, log_output: io.StringIO
) -> None:
    app = sqlite_app(tmp_path)
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.get("/kapot/<value>")
    def _broken(value: str) -> str:
        raise ValueError(f"parameters: {value} {HOLDER_EMAIL}")

    response = app.test_client().get("/kapot/waarde-in-pad?x=geheim")
    assert response.status_code == 500
    output = log_output.getvalue()
    for secret in ("waarde-in-pad", "geheim", HOLDER_EMAIL):
        assert secret not in output
    error = next(line for line in _lines(log_output) if line["level"] == "ERROR")
    assert error["message"] == "Exception on /kapot/<value> (_broken) [GET]"
    assert error["exc_type"] == "builtins.ValueError" and "_broken" in error["stack"]
    assert error["request_id"] == response.headers["X-Request-Id"]


def test_text_format_carries_the_request_id_too(tmp_path: Path) -> None:
    app = sqlite_app(tmp_path)
    stream = io.StringIO()
    handler = requestlog.configure_logging("text", stream=stream)
    try:
        response = app.test_client().get("/healthz", headers={"X-Request-Id": "abc123"})
    finally:
        logging.getLogger().removeHandler(handler)
    assert response.headers["X-Request-Id"] == "abc123"
    assert re.search(r"INFO issuer\.access \[abc123\] GET /healthz 200 [0-9.]+ms 3B", stream.getvalue())


def test_create_app_configures_logging_when_the_settings_name_a_format(tmp_path: Path) -> None:
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'c.db'}")
    try:
        create_app({"TESTING": True}, settings=settings)  # no format: logging is left alone
        assert root.handlers == before
        for _ in range(2):  # idempotent: one handler, not two
            create_app({"TESTING": True}, settings=Settings(**{**vars(settings), "log_format": "json"}))
        ours = [h for h in root.handlers if getattr(h, "credentials_handler", False)]
        assert len(ours) == 1 and isinstance(ours[0].formatter, requestlog.JsonFormatter)
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
        root.setLevel(level)


def test_the_log_format_setting(tmp_path: Path) -> None:
    env = {"CREDENTIALS_INSTANCE_DIR": str(tmp_path), "CREDENTIALS_KEY_PASSPHRASE": "p" * 20,
           "CREDENTIALS_SECRET_KEY": "s" * 20}  # fmt: skip
    assert Settings.from_env(env).log_format == ""
    assert Settings.from_env({**env, "CREDENTIALS_LOG_FORMAT": " JSON "}).log_format == "json"
    with pytest.raises(SettingsError, match="CREDENTIALS_LOG_FORMAT"):
        Settings.from_env({**env, "CREDENTIALS_LOG_FORMAT": "xml"})


def test_gunicorn_error_log_uses_the_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    from gunicorn.config import Config  # type: ignore[import-untyped]

    config = Config()
    config.set("errorlog", "-")
    logger = requestlog.gunicorn_logger_class("json")(config)
    logger.error_log.info("Booting worker with pid: %s", 1234)
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert (line["logger"], line["request_id"]) == ("gunicorn.error", "-")
    assert line["message"] == "Booting worker with pid: 1234"


# --- security headers ----------------------------------------------------------------------------


def _samples(client: FlaskClient, world: World, token: str) -> dict[str, TestResponse]:
    """One response per blueprint (and the error pages), anonymous or signed in as needed."""
    public_id = world.a.certificate
    responses = {
        "static": client.get("/static/style.css"),
        "public": client.get(f"/orgs/{world.a.slug}/did.json"),
        "public.health": client.get("/healthz"),
        "public.ready": client.get("/readyz"),
        "verifier_pages": client.get(f"/c/{public_id}"),
        "verifier_pages.form": client.get("/verify"),
        "verifier_api": client.get("/openapi.json"),
        "verifier_api.problem": client.post("/credentials/verify", json={}),
        "portfolio": client.get("/portfolio"),
        "api_v1": client.get("/api/v1/certificates", headers={"Authorization": f"Bearer {token}"}),
        "api_v1.401": client.get("/api/v1/certificates"),
        "web.login": client.get("/login"),
        "web.404": client.get("/bestaat-niet"),
        "trust_public": client.get("/.well-known/dcc-issuer-registry.json"),
        "framework_pages": client.get("/competentiekader"),
    }
    login(client, world.a.admin)
    responses["web"] = client.get("/certificaten")
    responses["web.pdf"] = client.get(f"/certificaten/{public_id}.pdf")
    responses["api_tokens"] = client.get("/organisatie/api-tokens")
    responses["bulk_pages"] = client.get("/meerdere-certificaten")
    responses["regions.shops"] = client.get("/organisatie/winkels")
    sector = client.application.test_client()
    login(sector, world.sector_admin)
    responses["trust_pages"] = sector.get("/sector/ledenlijst")
    responses["regions"] = sector.get("/sector/regio-cijfers")
    return responses


@pytest.mark.parametrize("base_url", ["https://certificaten.test", "http://127.0.0.1:5000"])
def test_every_blueprint_answers_with_the_security_headers(tmp_path: Path, base_url: str) -> None:
    app = sqlite_app(tmp_path, base_url=base_url)
    world = build_world(app)
    with app.app_context(), session_scope(runtime().sessions) as db:
        _row, token = tokens.create_token(db, org_services.get_org(db, world.a.slug), "K", ["issue"], actor="test")
    responses = _samples(app.test_client(), world, token)
    blueprints = {rule.endpoint.partition(".")[0] for rule in app.url_map.iter_rules()}
    assert blueprints <= {name.partition(".")[0] for name in responses}, "a blueprint without a sample"
    for name, response in responses.items():
        assert response.status_code < 500, (name, response.status_code)
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff", name
        assert headers["X-Frame-Options"] == "DENY", name
        assert headers["Referrer-Policy"] in ("same-origin", "no-referrer"), name
        if base_url.startswith("https://"):
            assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains", name
        else:
            assert "Strict-Transport-Security" not in headers, name
        if response.mimetype == "text/html":
            policy = headers["Content-Security-Policy"]
            assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy, name
            assert "script-src" not in policy and "unsafe-inline" not in policy, name
            assert "<script" not in response.get_data(as_text=True), name
    assert responses["verifier_pages"].headers["Referrer-Policy"] == "no-referrer"  # its own, stricter rule kept
    assert responses["public"].headers["Cache-Control"].startswith("public")  # cacheable documents stay so
    assert responses["api_v1"].status_code == 200 and responses["web"].status_code == 200


@pytest.mark.parametrize("base_url", ["https://certificaten.test", "http://127.0.0.1:5000"])
def test_the_session_cookie_is_httponly_lax_and_host_only_secure_on_https(tmp_path: Path, base_url: str) -> None:
    app = sqlite_app(tmp_path, base_url=base_url)
    world = build_world(app)
    client = app.test_client()
    response = client.post("/login", data={"email": world.a.supervisor, "password": PASSWORD,
                                           "csrf_token": csrf_token(client)})  # fmt: skip
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "session=" in c)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie and "Domain" not in cookie
    if base_url.startswith("https://"):
        assert cookie.startswith("__Host-session=") and "Secure" in cookie
    else:
        assert cookie.startswith("session=") and "Secure" not in cookie


def test_headers_are_set_once_even_on_error_pages(tmp_path: Path) -> None:
    down = create_app({"TESTING": True}, settings=make_settings(tmp_path, "sqlite:////nonexistent-dir/x/c.db"))
    response = down.test_client().post("/login", data={"email": "a@b.example", "password": "x"})
    assert response.status_code in (400, 503)
    assert response.headers.getlist("X-Frame-Options") == ["DENY"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Strict-Transport-Security"] == headers.HSTS


# --- lockout audit -------------------------------------------------------------------------------


def _fail_logins(client: FlaskClient, email: str, times: int) -> None:
    for _ in range(times):
        assert post(client, "/login", {"email": email, "password": WRONG_PASSWORD}).status_code == 400


def test_a_lockout_is_audited_by_user_id_not_by_email(app: Flask, world: World) -> None:
    _fail_logins(app.test_client(), world.a.supervisor, account_views.MAX_FAILED_LOGINS)
    with app.app_context(), session_scope(runtime().sessions) as db:
        user = db.execute(select(User).where(User.email == world.a.supervisor)).scalar_one()
        events = db.execute(select(AuditEvent).where(AuditEvent.action == "user.locked")).scalars().all()
        assert [(e.actor, e.subject, e.organisation_id) for e in events] == [
            (account_views.LOCKOUT_ACTOR, str(user.id), user.organisation_id)
        ]
        assert world.a.supervisor not in json.dumps(events[0].details) and user.locked_until is not None
        assert audit_log.verify_audit_chain(db) == []


def test_the_lock_and_its_audit_event_are_one_transaction(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app.test_client()
    _fail_logins(client, world.a.supervisor, account_views.MAX_FAILED_LOGINS - 1)
    real_audit = audit_log.audit

    def failing_audit(*args: Any, **kwargs: Any) -> AuditEvent:
        if kwargs.get("action") == "user.locked":
            raise RuntimeError("the audit log is full")
        return real_audit(*args, **kwargs)

    monkeypatch.setattr(audit_log, "audit", failing_audit)
    with pytest.raises(RuntimeError, match="audit log is full"):
        post(client, "/login", {"email": world.a.supervisor, "password": WRONG_PASSWORD})
    with app.app_context(), session_scope(runtime().sessions) as db:
        user = db.execute(select(User).where(User.email == world.a.supervisor)).scalar_one()
        # nothing half-written
        assert (user.failed_logins, user.locked_until) == (account_views.MAX_FAILED_LOGINS - 1, None)


# --- deployment files ---------------------------------------------------------------------------


def _read(name: str) -> str:
    path = ROOT / name
    assert path.is_file(), f"{name} is missing"
    return path.read_text("utf-8")


def test_the_dockerfile_runs_the_production_server_as_a_non_root_user() -> None:
    dockerfile = _read("Dockerfile")
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.MULTILINE)
    users = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert "HEALTHCHECK" in dockerfile and "/healthz" in dockerfile
    assert "deploy/entrypoint.sh" in dockerfile and "VOLUME" in dockerfile
    instructions = "\n".join(line for line in dockerfile.splitlines() if not line.lstrip().startswith("#"))
    for secret in ("CREDENTIALS_KEY_PASSPHRASE", "CREDENTIALS_SECRET_KEY", "CREDENTIALS_DATABASE_URL"):
        assert secret not in instructions, f"{secret} must come from the operator, not the image"
    entrypoint = _read("deploy/entrypoint.sh")
    assert entrypoint.startswith("#!/bin/sh") and "set -eu" in entrypoint
    assert "credentials init" in entrypoint
    serve = r"exec credentials serve --production --host 0\.0\.0\.0 --workers \"\$\{WORKERS:-2\}\""
    assert re.search(serve, entrypoint)
    assert (ROOT / "deploy/entrypoint.sh").stat().st_mode & 0o111, "entrypoint.sh must be executable"
    assert ".env" in _read(".dockerignore") and "keys/" in _read(".dockerignore")


def test_compose_and_the_env_example_name_every_setting() -> None:
    compose = _read("compose.yaml")
    assert "image: postgres:15" in compose and "service_healthy" in compose and "pg_isready" in compose
    assert "env_file" in compose and ".env" in compose
    example = _read("deploy/env.example")
    used = set()
    for source in [*(ROOT / "issuer").glob("*.py"), *(ROOT / "verifier").glob("*.py")]:
        used |= set(re.findall(r"\bCREDENTIALS_[A-Z_]+[A-Z]", source.read_text("utf-8")))
    used -= {"CREDENTIALS_NEW_PASSWORD"}  # for `credentials user add`, never for the service
    documented = set(re.findall(r"^#?\s*(CREDENTIALS_[A-Z_]+)=", example, re.MULTILINE))
    assert used - documented == set(), "every setting the service reads is in deploy/env.example"
    for line in example.splitlines():
        if line.startswith(("CREDENTIALS_KEY_PASSPHRASE=", "CREDENTIALS_SECRET_KEY=", "POSTGRES_PASSWORD=")):
            assert "change-me" in line, f"a placeholder, never a real value: {line}"


# --- several replicas starting at once -----------------------------------------------------------


def test_replicas_running_init_at_the_same_time_on_postgresql_all_succeed(
    postgres_schema_url: str, tmp_path: Path
) -> None:
    """Every container runs `credentials init` at start (deploy/entrypoint.sh). Started
    together against an empty PostgreSQL, they must not trip over each other: one migrates
    and loads the catalogue, the others wait for it and find nothing left to do."""
    import subprocess
    import sys

    from tests.support import service_env

    env = {**service_env(tmp_path, "https://certificaten.test"), "CREDENTIALS_DATABASE_URL": postgres_schema_url}
    command = [sys.executable, "-m", "issuer.cli", "init"]
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    runs = [subprocess.Popen(command, env=env, cwd=ROOT, **pipes) for _ in range(4)]  # type: ignore[call-overload]
    outcomes = [run.communicate(timeout=180) for run in runs]
    assert [run.returncode for run in runs] == [0] * 4, [err[-2000:] for _, err in outcomes]
    added = sorted(int(re.search(r"catalogue versions added: (\d+)", out).group(1)) for out, _ in outcomes)  # type: ignore[union-attr]
    assert added[:-1] == [0, 0, 0] and added[-1] > 0
    engine = create_engine(postgres_schema_url)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM competences")).scalar_one()
        versions = connection.execute(text("SELECT count(*) FROM alembic_version")).scalar_one()
    engine.dispose()
    assert count == added[-1] and versions == 1


def test_the_settings_accept_exactly_the_log_formats_the_request_log_writes() -> None:
    from issuer.store import settings

    assert settings.LOG_FORMATS == requestlog.LOG_FORMATS
