"""Helpers shared by the service tests (imported as ``tests.support``)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask

from issuer import services
from issuer.app import create_app
from issuer.config import Settings
from issuer.db import session_scope, upgrade

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
        services.sync_catalogue(session)
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
