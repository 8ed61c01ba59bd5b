"""Units of work on SQLite: writers take the write lock at once, readers never do."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from issuer.store.db import make_engine, make_sessionmaker, session_scope


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "db.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE t (n INTEGER)")
        conn.execute("INSERT INTO t VALUES (1)")
    return path


def test_a_reading_unit_of_work_does_not_wait_for_a_writer(database: Path) -> None:
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    writer.execute("INSERT INTO t VALUES (2)")
    engine = make_engine(f"sqlite:///{database}")
    try:
        with session_scope(make_sessionmaker(engine), reads_only=True) as session:
            # The snapshot from before the writer's uncommitted insert, without waiting.
            assert session.execute(text("SELECT count(*) FROM t")).scalar_one() == 1
    finally:
        writer.rollback()
        writer.close()
        engine.dispose()


def test_only_units_of_work_that_may_write_take_the_write_lock(database: Path) -> None:
    engine = make_engine(f"sqlite:///{database}")
    begins: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("BEGIN"):
            begins.append(statement)

    try:
        with session_scope(make_sessionmaker(engine)) as session:
            session.execute(text("INSERT INTO t VALUES (3)"))
        with session_scope(make_sessionmaker(engine), reads_only=True) as session:
            assert session.execute(text("SELECT count(*) FROM t")).scalar_one() == 2
    finally:
        engine.dispose()
    assert begins == ["BEGIN IMMEDIATE", "BEGIN"]
