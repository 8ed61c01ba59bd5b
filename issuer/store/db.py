"""Engine, sessions and migrations.

One engine per application; a session per unit of work (``session_scope``), which
commits on success and rolls back on any error, so nothing is half-written.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from typing import Any
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, sessionmaker


def aware_utc(moment: datetime | None) -> datetime | None:
    """A stored moment as an aware UTC datetime: SQLite returns naive ones, and everything
    we store is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached (down, wrong URL, no permission)."""


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """The engine for ``url``; ``read_only`` (the verifier-only process) opens the
    database so that no statement can change it: SQLite with ``mode=ro``, PostgreSQL
    with ``default_transaction_read_only``."""
    if url.startswith("sqlite"):
        if read_only:
            return _sqlite_read_only_engine(url)
        # hide_parameters: error messages name the statement, never the values (names, e-mail).
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Autocommit mode for the driver, so BEGIN IMMEDIATE below takes the write
            # lock at the start of a unit of work (no lost updates between readers).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # A unit of work that only reads (``session_scope(..., reads_only=True)``)
            # takes no write lock, so readers never queue behind each other.
            deferred = conn.get_execution_options().get(READS_ONLY_OPTION, False)
            conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")

        return engine
    connect_args: dict[str, Any] = {"connect_timeout": 5}
    if read_only:
        # Appended to any options the URL carries (e.g. a search_path), not replacing them.
        options = make_url(url).query.get("options") or ""
        options = " ".join(options) if isinstance(options, tuple) else options
        connect_args["options"] = f"{options} -c default_transaction_read_only=on".strip()
    # A host that drops packets must not hang a request for the OS's TCP timeout.
    return create_engine(
        url, pool_pre_ping=True, pool_size=5, max_overflow=5, pool_timeout=10, connect_args=connect_args,
        hide_parameters=True,
    )  # fmt: skip


def _sqlite_read_only_url(url: str) -> URL:
    parsed = make_url(url)
    if parsed.query.get("uri") in ("true", "1"):  # already a SQLite URI filename
        return parsed.update_query_dict({"mode": "ro"})
    database = parsed.database or ""
    if database in ("", ":memory:"):
        raise ValueError("a read-only SQLite engine needs a database file")
    return parsed.set(database="file:" + quote(os.path.abspath(database))).update_query_dict(
        {"mode": "ro", "uri": "true"}
    )


def _sqlite_read_only_engine(url: str) -> Engine:
    """SQLite opened read-only (``file:…?mode=ro``): no write lock, no journal-mode change."""
    engine = create_engine(_sqlite_read_only_url(url), connect_args={"timeout": 30}, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _sqlite_read_only_pragmas(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA query_only = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin_read(conn: Any) -> None:
        # A deferred transaction: one consistent snapshot per unit of work, no lock taken.
        conn.exec_driver_sql("BEGIN")

    return engine


_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeoutError)


def _unavailable(exc: Exception) -> DatabaseUnavailable:
    orig = getattr(exc, "orig", None)
    return DatabaseUnavailable(str(orig) if orig else str(exc))


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


#: Execution option of a connection whose unit of work only reads (a deferred BEGIN on SQLite).
READS_ONLY_OPTION = "kringloop_reads_only"


@contextmanager
def session_scope(factory: sessionmaker[Session], *, reads_only: bool = False) -> Iterator[Session]:
    """A transaction: commit at the end, roll back on any exception.

    ``reads_only`` is for units of work that change nothing (verifying, public pages):
    on SQLite they start with a deferred ``BEGIN`` (one consistent snapshot, no write
    lock) instead of ``BEGIN IMMEDIATE``; elsewhere it changes nothing."""
    session = factory()
    try:
        if reads_only:
            session.connection(execution_options={READS_ONLY_OPTION: True})
        yield session
        session.commit()
    except _UNAVAILABLE as exc:
        session.rollback()
        raise _unavailable(exc) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("issuer.store") / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


# pg_advisory_lock key of `credentials init` ("krng" in ASCII).
INIT_LOCK_KEY = 0x6B726E67


@contextmanager
def init_lock(engine: Engine) -> Iterator[None]:
    """One ``credentials init`` at a time per PostgreSQL database.

    Every container runs init when it starts; replicas started together would otherwise
    race each other's migrations and catalogue rows. A session advisory lock makes the
    others wait until the first is done; they then find nothing left to do. SQLite is one
    file on one machine: nothing to do there."""
    if engine.dialect.name != "postgresql":
        yield
        return
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": INIT_LOCK_KEY})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": INIT_LOCK_KEY})
    except _UNAVAILABLE as exc:
        raise _unavailable(exc) from exc


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent)."""
    try:
        with engine.begin() as connection:
            config = alembic_config(str(engine.url))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except _UNAVAILABLE as exc:
        raise _unavailable(exc) from exc


ALEMBIC_VERSION_TABLE = "alembic_version"


@functools.cache
def code_revisions() -> frozenset[str]:
    """The Alembic head revision(s) of this code (read once per process)."""
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def schema_revisions(session: Session) -> frozenset[str]:
    """The revision(s) in ``alembic_version`` (read directly: Alembic's MigrationContext logs
    two lines each time, which would fill the log at every readiness probe)."""
    if not inspect(session.connection()).has_table(ALEMBIC_VERSION_TABLE):
        return frozenset()
    return frozenset(session.execute(text(f"SELECT version_num FROM {ALEMBIC_VERSION_TABLE}")).scalars())  # noqa: S608 - a constant
