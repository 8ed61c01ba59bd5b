"""Migration 0002 adds the short code and fills it in for certificates issued before it."""

from __future__ import annotations

import importlib.util
import secrets
from pathlib import Path

from alembic import command
from flask import Flask
from sqlalchemy import text

from issuer import store
from issuer.certificates import services as cert_services
from issuer.runtime import runtime
from issuer.store.db import alembic_config, session_scope
from tests.issuer.conftest import World


def test_the_migrations_frozen_short_code_matches_the_services() -> None:
    path = str(Path(store.__file__).parent / "migrations" / "versions" / "0002_certificate_short_code.py")
    spec = importlib.util.spec_from_file_location("migration_0002", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for _ in range(200):
        public_id = secrets.token_urlsafe(16)
        assert module._short_code(public_id) == cert_services.short_code_for(public_id)


def test_down_to_0001_and_up_again_fills_in_every_short_code(app: Flask, world: World) -> None:
    engine = app.extensions["credentials"].engine
    with app.app_context(), session_scope(runtime().sessions) as session:
        before = dict(session.execute(text("SELECT public_id, short_code FROM certificates")).all())
    assert before and all(before.values())
    for revision in ("0001", "head"):
        with engine.begin() as connection:
            config = alembic_config(str(engine.url))
            config.attributes["connection"] = connection
            (command.downgrade if revision == "0001" else command.upgrade)(config, revision)
    with app.app_context(), session_scope(runtime().sessions) as session:
        after = dict(session.execute(text("SELECT public_id, short_code FROM certificates")).all())
    assert after == before
