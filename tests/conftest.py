"""Shared fixtures: vector paths, and a throw-away PostgreSQL database.

PostgreSQL comes from ``CREDENTIALS_TEST_POSTGRES_URL`` (an admin URL; default
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``, as on the CI machines).
Each test session creates its own database and drops it afterwards. Without a
server the PostgreSQL tests skip with a message, except under ``CI=true``, where
they fail: in CI they must run.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

VECTORS = Path(__file__).parent / "vectors"
DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(scope="session")
def vectors_dir() -> Path:
    return VECTORS


def _missing(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true: PostgreSQL tests must run, not skip)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database for this test session."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    admin_url = os.environ.get("CREDENTIALS_TEST_POSTGRES_URL", DEFAULT_ADMIN_URL)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"credtest_{secrets.token_hex(6)}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        _missing(f"PostgreSQL is not reachable at {make_url(admin_url).render_as_string()}: {exc.orig}")
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_schema_url(postgres_url: str) -> Iterator[str]:
    """A fresh, empty schema in the session's PostgreSQL database, for one test (dropped after)."""
    from tests.support import postgres_schema

    with postgres_schema(postgres_url) as url:
        yield url


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2, with test-sized cost: the default costs ~140 ms per hash and per login."""
    from argon2 import PasswordHasher

    from issuer.accounts import services as account_services

    monkeypatch.setattr(
        account_services, "_password_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The database an app runs on: a temporary SQLite file, and a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'credentials.db'}"
    url: str = request.getfixturevalue("postgres_schema_url")
    return url


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Iterator[Any]:
    """The full application on ``database_url``, migrated, with the catalogue loaded."""
    from tests.support import make_settings, migrated_app

    application = migrated_app(make_settings(tmp_path, database_url))
    yield application
    application.extensions["credentials"].engine.dispose()
