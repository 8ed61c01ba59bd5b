"""Helpers shared by the service tests (imported as ``tests.support``)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask

from issuer.app import create_app
from issuer.sector.framework import competences
from issuer.store.db import session_scope, upgrade
from issuer.store.settings import Settings

BASE_URL = "https://certificaten.test"


def make_settings(tmp_path: Path, database_url: str, *, base_url: str = BASE_URL) -> Settings:
    """Settings for a test instance in ``tmp_path`` (fixed, fake secrets)."""
    return Settings(
        base_url=base_url,
        database_url=database_url,
        keys_dir=tmp_path / "keys",
        key_passphrase="test-passphrase-0123456789",
        secret_key="test-secret-key-abcdefghijklmnop",
        instance_dir=tmp_path / "instance",
    )


def migrated_app(settings: Settings, config: Mapping[str, Any] | None = None) -> Flask:
    """The full application on ``settings``: migrated, with the catalogue loaded."""
    app = create_app(dict(config or {"TESTING": True}), settings=settings)
    rt = app.extensions["credentials"]
    upgrade(rt.engine)
    with session_scope(rt.sessions) as session:
        competences.sync_catalogue(session)
    return app


@contextmanager
def postgres_schema(postgres_url: str, prefix: str = "t") -> Iterator[str]:
    """A fresh schema in the given PostgreSQL database; yields a URL whose ``search_path``
    is that schema (so migrations and queries stay in it), and drops it afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"{prefix}_{secrets.token_hex(6)}"
    engine = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield (
            make_url(postgres_url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


ROOT = Path(__file__).resolve().parent.parent


def service_env(home: Path, base_url: str) -> dict[str, str]:
    """The environment of a throw-away service instance in ``home`` (fake, fixed secrets)."""
    import os

    return {
        **os.environ,
        "CREDENTIALS_BASE_URL": base_url,
        "CREDENTIALS_INSTANCE_DIR": str(home / "instance"),
        "CREDENTIALS_KEYS_DIR": str(home / "keys"),
        "CREDENTIALS_KEY_PASSPHRASE": "service-passphrase-0123456789",
        "CREDENTIALS_SECRET_KEY": "service-secret-key-abcdefghij",
    }


def cli(env: Mapping[str, str], *args: str) -> str:
    """Run ``credentials ARGS`` as a real process; its output (fails the test on an error)."""
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "issuer.cli", *args], env=dict(env), cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=False)  # fmt: skip
    assert run.returncode == 0, run.stderr
    return run.stdout


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(env: Mapping[str, str], port: int) -> Iterator[str]:
    """``credentials serve`` as a real process on 127.0.0.1:``port`` until the block ends;
    yields its base URL once ``/healthz`` answers."""
    import subprocess
    import sys
    import time
    import urllib.request

    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "issuer.cli", "serve", "--port", str(port)], env=dict(env),
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1):  # noqa: S310 - loopback test server
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("credentials serve did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def stored_certificates(database: Path) -> int:
    """Certificates in a SQLite database file, read without a lock (0 before it exists);
    for tests that watch a running process."""
    import sqlite3

    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM certificates").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
