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
    """A fresh, empty schema in the session's PostgreSQL database, for one test.

    The URL sets ``search_path`` to the schema, so migrations and queries stay in it;
    it is dropped afterwards. Tests may then use fixed names without colliding.
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"t_{secrets.token_hex(6)}"
    engine = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(postgres_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()
