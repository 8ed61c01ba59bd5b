"""Backup and restore of a whole instance: the database and the encrypted key store in one
archive, consistent with each other (``credentials backup`` / ``credentials restore``).

The archive is a gzip-compressed tar file. It holds personal data (holders' names,
e-mail addresses, the signed certificates), so it is written with mode 0600 and must be
stored like the database itself:

``manifest.json``
    format and version, when, the base URL, the Alembic revision, the number of rows per
    table, the column kinds per table, and the SHA-256 of every other member.
``db/<table>.jsonl``
    every row of every table (except ``alembic_version``), one JSON object per line, in
    dependency order (a row's foreign keys point at tables earlier in the manifest's
    ``tables``). Portable between SQLite and PostgreSQL: times as ISO 8601 in UTC, bytes
    as base64, JSON columns as JSON.
``keys/<org slug>/<fragment>.pem``
    the key store's files exactly as stored: encrypted PKCS#8, never decrypted here.

Backup reads the database in one transaction (SQLite: one deferred read transaction, a
snapshot; PostgreSQL: REPEATABLE READ), then reads the key files of every key that
snapshot names. Keys are only ever added to the store (``issuer.core.keystore``), so each of
them is there.

Restore refuses, changing nothing, when the archive is damaged (a hash does not match),
when its revision is newer than this code, when the base URL differs, when the database
or the key store already holds data, or when a key cannot be decrypted with the
configured passphrase. Otherwise it creates the schema with the migrations, inserts the
rows keeping their primary keys, writes the key files (never over an existing one), and
checks the result before it commits: the audit chain, a sample of certificates through
the public verifier (each must come out as its record says), every status bit against
its record, and every organisation's current signing key loaded through the key store.
Any failure rolls the database back and removes the key files it wrote.

Nothing here logs row contents: messages name tables, counts and key fragments only.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import random
import re
import secrets
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from alembic import command
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, Engine, MetaData, Table, func, inspect, select, text
from sqlalchemy import types as sqltypes
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from credentials.keys import Ed25519Multikey
from issuer.certificates import services as cert_services
from issuer.core import audit_log, errors
from issuer.core.keystore import SECTOR_FOLDER, KeyStore, KeyStoreError
from issuer.organisations import services as org_services
from issuer.store.db import READS_ONLY_OPTION, DatabaseUnavailable, alembic_config, aware_utc, make_engine
from issuer.store.models import Certificate, Organisation, Participant, SectorKey, SigningKey, StatusList
from issuer.store.settings import Settings

FORMAT = "kringloop-credentials-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SKIPPED_TABLES = frozenset({"alembic_version"})
SAMPLE_SIZE = 50  # certificates re-verified after a restore, spread over organisations and keys
STATUS_CAP = 500  # revoked and suspended certificates re-verified on top of the sample
_SAFE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_TABLE_MEMBER = re.compile(r"^db/([a-z_][a-z0-9_]{0,62})\.jsonl$")
_KEY_MEMBER = re.compile(r"^keys/(_sector|[a-z0-9][a-z0-9-]{0,63})/([a-z0-9][a-z0-9-]{0,63})\.pem$")
_BATCH = 1000


class BackupError(errors.ServiceError):
    """A backup or restore was refused; ``message`` says why. Nothing was changed."""

    status = 409

    def __init__(self, message: str, *, code: str = "backup_refused"):
        super().__init__(message, code=code)


# --- values: database <-> portable JSON --------------------------------------------------


def _kind(column_type: sqltypes.TypeEngine[Any]) -> str:
    if isinstance(column_type, sqltypes.DateTime):
        return "datetime"
    if isinstance(column_type, sqltypes.LargeBinary):
        return "bytes"
    if isinstance(column_type, sqltypes.JSON):
        return "json"
    return "plain"


def _dump_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        moment: datetime = value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite: naive UTC
        return moment.astimezone(UTC).isoformat()
    if kind == "bytes":
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _load_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "bytes":
        return base64.b64decode(value, validate=True)
    return value


# --- backup --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    revision: str
    tables: dict[str, int]
    keys: int
    size: int


def _snapshot_connection(engine: Engine) -> Connection:
    """A connection whose transaction is a consistent read snapshot of the whole database."""
    connection = engine.connect()
    if engine.dialect.name == "sqlite":
        # Deferred BEGIN: the first SELECT fixes a snapshot (WAL), no write lock is taken.
        return connection.execution_options(**{READS_ONLY_OPTION: True})
    return connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)


def create_backup(settings: Settings, out: Path) -> BackupSummary:
    """Write the archive of the instance configured by ``settings`` to ``out`` (atomically,
    mode 0600). Raises BackupError (nothing written) or DatabaseUnavailable."""
    if out.is_dir():
        raise BackupError(f"{out} is a folder; give a file name")
    if not out.parent.is_dir():
        raise BackupError(f"the folder {out.parent} does not exist")
    sqlite_file = _sqlite_file(settings)
    if sqlite_file is not None and not sqlite_file.exists():
        raise BackupError(f"there is no database at {sqlite_file} (run credentials init); nothing to back up")
    engine = make_engine(settings.database_url)
    fd, temporary_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    temporary = Path(temporary_name)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as raw:
            summary = _write_archive(settings, engine, raw, out)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary, out)
        _fsync_dir(out.parent)
        return BackupSummary(out, summary.revision, summary.tables, summary.keys, out.stat().st_size)
    except (DBAPIError, SQLAlchemyError) as exc:
        raise DatabaseUnavailable(str(getattr(exc, "orig", None) or exc)) from exc
    except OSError as exc:
        raise BackupError(f"cannot write {out}: {exc.strerror or exc}; nothing was written") from exc
    finally:
        temporary.unlink(missing_ok=True)
        engine.dispose()


def _fsync_dir(directory: Path) -> None:
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _write_archive(settings: Settings, engine: Engine, raw: IO[bytes], out: Path) -> BackupSummary:
    hashes: dict[str, str] = {}
    counts: dict[str, int] = {}
    kinds: dict[str, dict[str, str]] = {}
    with tarfile.open(fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT) as archive:
        with _snapshot_connection(engine) as connection, connection.begin():
            revision = None
            if inspect(connection).has_table("alembic_version"):
                revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
            if revision is None:
                raise BackupError("the database has no schema yet (run credentials init); there is nothing to back up")
            metadata = MetaData()
            metadata.reflect(bind=connection)
            for table in metadata.sorted_tables:
                if table.name in SKIPPED_TABLES:
                    continue
                kinds[table.name] = {column.name: _kind(column.type) for column in table.columns}
                with tempfile.TemporaryFile() as spool:
                    digest, count = hashlib.sha256(), 0
                    order = list(table.primary_key.columns) or list(table.columns)
                    for row in connection.execute(select(table).order_by(*order)).mappings():
                        line = {name: _dump_value(kinds[table.name][name], row[name]) for name in kinds[table.name]}
                        data = json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
                        spool.write(data)
                        digest.update(data)
                        count += 1
                    name = f"db/{table.name}.jsonl"
                    _add_member(archive, name, spool)
                    hashes[name], counts[table.name] = digest.hexdigest(), count
            key_rows: list[tuple[str, str]] = [
                (slug, fragment)
                for slug, fragment in connection.execute(
                    select(Organisation.slug, SigningKey.fragment).join(
                        Organisation, SigningKey.organisation_id == Organisation.id
                    )
                )
            ]
            # The sector's own keys (they sign the trust list) live in the key store's _sector folder.
            key_rows += [(SECTOR_FOLDER, fragment) for (fragment,) in connection.execute(select(SectorKey.fragment))]
        # After the snapshot: keys are only ever added, so every key it names is in the store.
        for slug, fragment in sorted(key_rows):
            if not (slug == SECTOR_FOLDER or _SAFE.match(slug)) or not _SAFE.match(fragment):
                raise BackupError(f"unsafe key name {slug}/{fragment} in the database")
            path = settings.keys_dir / slug / f"{fragment}.pem"
            try:
                pem = path.read_bytes()
            except OSError as exc:
                raise BackupError(
                    f"the key file {path} cannot be read ({exc.strerror or exc}); a backup without it could not "
                    "sign again, so none was written"
                ) from exc
            name = f"keys/{slug}/{fragment}.pem"
            _add_member(archive, name, io.BytesIO(pem))
            hashes[name] = hashlib.sha256(pem).hexdigest()
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "base_url": settings.base_url,
            "database": engine.dialect.name,
            "alembic_revision": revision,
            "tables": list(counts),  # dependency order
            "counts": counts,
            "columns": kinds,
            "keys": len(key_rows),
            "members": hashes,
            "note": "Contains personal data (holders' names, e-mail addresses, certificates). Keep it as safe as "
            "the database; the private keys inside are encrypted with the instance's key passphrase.",
        }
        _add_member(archive, MANIFEST, io.BytesIO(json.dumps(manifest, indent=2, ensure_ascii=False).encode()))
    return BackupSummary(out, revision, counts, len(key_rows), 0)


def _add_member(archive: tarfile.TarFile, name: str, data: IO[bytes]) -> None:
    data.seek(0, os.SEEK_END)
    info = tarfile.TarInfo(name)
    info.size = data.tell()
    info.mode = 0o600
    info.mtime = int(datetime.now(UTC).timestamp())
    data.seek(0)
    archive.addfile(info, data)


# --- reading an archive --------------------------------------------------------------------


@dataclass
class Archive:
    """A checked archive: every member's hash matched the manifest."""

    path: Path
    manifest: dict[str, Any]
    keys: dict[tuple[str, str], bytes] = field(default_factory=dict)

    def rows(self, table: str) -> Iterator[dict[str, Any]]:
        """The table's rows, converted back to database values."""
        kinds: dict[str, str] = self.manifest["columns"][table]
        with tarfile.open(self.path, mode="r:gz") as archive:
            member = archive.extractfile(f"db/{table}.jsonl")
            if member is None:  # pragma: no cover - checked in open_archive
                raise BackupError(f"db/{table}.jsonl is missing from the archive")
            for line in member:
                row = json.loads(line)
                yield {name: _load_value(kinds[name], value) for name, value in row.items()}


def open_archive(path: Path) -> Archive:
    """Read and check ``path``: manifest, the hash of every member, no extra members.
    BackupError when anything does not match (a damaged or altered archive)."""
    damaged = f"the archive {path} is damaged or not a backup of this service"
    try:
        with tarfile.open(path, mode="r:gz") as archive:
            members = archive.getmembers()
            names = [m.name for m in members]
            if len(set(names)) != len(names) or any(not m.isfile() for m in members):
                raise BackupError(f"{damaged} (unexpected entries)", code="backup_damaged")
            manifest_file = archive.extractfile(MANIFEST) if MANIFEST in names else None
            if manifest_file is None:
                raise BackupError(f"{damaged} (no manifest)", code="backup_damaged")
            manifest = json.loads(manifest_file.read())
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise BackupError(f"{damaged} (unknown format)", code="backup_damaged")
            if manifest.get("format_version") != FORMAT_VERSION:
                raise BackupError(
                    f"the archive has format version {manifest.get('format_version')}; this code reads version "
                    f"{FORMAT_VERSION}",
                    code="backup_version",
                )
            expected: dict[str, str] = manifest["members"]
            if set(expected) != set(names) - {MANIFEST}:
                raise BackupError(f"{damaged} (members differ from the manifest)", code="backup_damaged")
            keys: dict[tuple[str, str], bytes] = {}
            for member in members:
                if member.name == MANIFEST:
                    continue
                table_match, key_match = _TABLE_MEMBER.match(member.name), _KEY_MEMBER.match(member.name)
                if table_match is None and key_match is None:
                    raise BackupError(f"{damaged} (unexpected member {member.name!r})", code="backup_damaged")
                content = archive.extractfile(member)
                digest = hashlib.sha256()
                data = b""
                while content is not None and (chunk := content.read(1 << 20)):
                    digest.update(chunk)
                    if key_match is not None:
                        data += chunk
                if digest.hexdigest() != expected[member.name]:
                    raise BackupError(f"{damaged} ({member.name} does not match its hash)", code="backup_damaged")
                if key_match is not None:
                    keys[(key_match[1], key_match[2])] = data
            if set(manifest["tables"]) != {m[1] for n in names if (m := _TABLE_MEMBER.match(n))}:
                raise BackupError(f"{damaged} (tables differ from the manifest)", code="backup_damaged")
    except BackupError:
        raise
    except FileNotFoundError as exc:
        raise BackupError(f"no archive {path}", code="backup_missing") from exc
    except (OSError, EOFError, tarfile.TarError, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise BackupError(f"{damaged} ({type(exc).__name__})", code="backup_damaged") from exc
    return Archive(path, manifest, keys)


# --- restore -------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    """What a restore did and what its checks found; ``problems`` empty means it verifies."""

    tables: dict[str, int] = field(default_factory=dict)
    keys_written: int = 0
    revision: str = ""
    audit_events: int = 0
    verified: dict[str, int] = field(default_factory=dict)  # verdict -> how many came out as recorded
    status_only: int = 0  # erased holders: status bits checked, the redacted JSON cannot verify
    status_bits: int = 0
    current_keys: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        rows = sum(self.tables.values())
        verified = ", ".join(f"{n} {verdict}" for verdict, n in sorted(self.verified.items())) or "none"
        return [
            f"Database: {rows} rows in {len(self.tables)} tables (schema revision {self.revision}).",
            f"Key store: {self.keys_written} key file(s) written.",
            f"Audit log: {self.audit_events} event(s); the hash chain "
            + ("verifies." if not any(p.startswith("audit") for p in self.problems) else "does NOT verify."),
            f"Certificates re-verified through the public verifier: {verified}; "
            f"{self.status_only} of erased holders checked by status only; "
            f"status bits checked against the records: {self.status_bits}.",
            f"Current signing keys loaded with the passphrase: {len(self.current_keys)} "
            f"({', '.join(self.current_keys) or 'none'}).",
        ]


def _script(settings: Settings) -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(settings.database_url))


def restore_backup(settings: Settings, path: Path, *, sample_size: int | None = SAMPLE_SIZE) -> RestoreReport:
    """Restore the archive at ``path`` into the configured, empty database and key store.

    All or nothing: when a refusal or a check fails, BackupError is raised (with the
    report's problems in its message) and the database and key store are as before.
    ``sample_size`` None re-verifies every certificate."""
    archive = open_archive(path)
    manifest = archive.manifest
    revision = str(manifest["alembic_revision"])
    script = _script(settings)
    try:
        script.get_revision(revision)
    except CommandError as exc:
        raise BackupError(
            f"the archive's schema revision {revision} is newer than this code knows (head "
            f"{script.get_current_head()}); restore it with the version of the service that made it, or newer",
            code="backup_too_new",
        ) from exc
    if manifest["base_url"] != settings.base_url:
        raise BackupError(
            f"the archive is of {manifest['base_url']} but CREDENTIALS_BASE_URL is {settings.base_url}: the "
            "organisations' did:web identifiers and every certificate name the base URL, so it must be the same",
            code="backup_base_url",
        )
    _check_keys_dir_empty(settings.keys_dir, archive)
    _check_key_files_decrypt(settings, archive)

    sqlite_file = _sqlite_file(settings)
    sqlite_existed = sqlite_file is not None and sqlite_file.exists()
    if sqlite_file is not None:
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    written: list[Path] = []
    try:
        with engine.connect() as connection:
            transaction = connection.begin()
            try:
                _check_database_empty(connection, script, revision)
                report = _restore_into(connection, settings, archive, revision, script)
                written = _write_key_files(settings.keys_dir, archive)
                report.keys_written = len(written)
                _check_restored(connection, settings, report, sample_size=sample_size)
                if report.problems:
                    raise BackupError(
                        "the restored data does not verify, so nothing was kept:\n  " + "\n  ".join(report.problems),
                        code="restore_unverified",
                    )
                transaction.commit()
            except BaseException:
                transaction.rollback()
                raise
        return report
    except BaseException as exc:
        for key_file in written:
            key_file.unlink(missing_ok=True)
        _remove_empty_dirs(settings.keys_dir, written)
        engine.dispose()
        if sqlite_file is not None and not sqlite_existed:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
        if isinstance(exc, (DBAPIError, SQLAlchemyError)):
            raise DatabaseUnavailable(str(getattr(exc, "orig", None) or exc)) from exc
        raise
    finally:
        engine.dispose()


def _sqlite_file(settings: Settings) -> Path | None:
    if not settings.is_sqlite:
        return None
    from sqlalchemy import make_url  # noqa: PLC0415 - only for SQLite

    database = make_url(settings.database_url).database
    return Path(database).resolve() if database and database != ":memory:" else None


def _check_keys_dir_empty(keys_dir: Path, archive: Archive) -> None:
    existing = sorted(keys_dir.rglob("*.pem")) if keys_dir.is_dir() else []
    if existing:
        raise BackupError(
            f"the key store {keys_dir} already holds {len(existing)} key file(s); restore into an empty key store "
            "(existing keys are never overwritten)",
            code="restore_not_empty",
        )
    for slug, fragment in archive.keys:
        target = keys_dir / slug / f"{fragment}.pem"
        if target.exists():  # pragma: no cover - covered by the check above
            raise BackupError(f"refusing to overwrite the key file {target}", code="restore_not_empty")


def _check_key_files_decrypt(settings: Settings, archive: Archive) -> None:
    """Every key in the archive decrypts with the configured passphrase and matches the
    public key its row records; checked before anything is written."""
    public_keys = {
        (str(row["organisation_id"]), row["fragment"]): row["public_key_multibase"]
        for row in archive.rows("signing_keys")
    }
    slugs = {str(row["id"]): row["slug"] for row in archive.rows("organisations")}
    expected = {(slugs[org_id], fragment): public for (org_id, fragment), public in public_keys.items()}
    if "sector_keys" in archive.manifest["columns"]:  # archives made before migration 0004 have none
        sector = archive.rows("sector_keys")
        expected |= {(SECTOR_FOLDER, row["fragment"]): row["public_key_multibase"] for row in sector}
    if set(expected) != set(archive.keys):
        missing = sorted(f"{s}/{f}" for s, f in set(expected) - set(archive.keys))
        raise BackupError(f"the archive lacks key files for {', '.join(missing) or 'no key'}; it cannot be restored")
    passphrase = settings.key_passphrase.encode("utf-8")
    for (slug, fragment), pem in sorted(archive.keys.items()):
        try:
            private = serialization.load_pem_private_key(pem, password=passphrase)
        except (ValueError, TypeError) as exc:
            raise BackupError(
                f"the signing key {slug}/{fragment} cannot be decrypted with CREDENTIALS_KEY_PASSPHRASE: set the "
                "passphrase of the instance that made the backup; nothing was changed",
                code="restore_passphrase",
            ) from exc
        if not isinstance(private, Ed25519PrivateKey):
            raise BackupError(f"the signing key {slug}/{fragment} is not an Ed25519 key")
        public = Ed25519Multikey.from_private_key(private, controller="did:example:x", fragment=fragment)
        if public.public_key_multibase != expected[(slug, fragment)]:
            raise BackupError(f"the key file {slug}/{fragment} does not hold the public key its record names")


def _user_tables(connection: Connection) -> list[str]:
    return [name for name in inspect(connection).get_table_names() if name not in SKIPPED_TABLES]


def _check_database_empty(connection: Connection, script: ScriptDirectory, revision: str) -> None:
    tables = _user_tables(connection)
    for name in tables:
        table = Table(name, MetaData(), autoload_with=connection)
        if connection.execute(select(func.count()).select_from(table)).scalar_one():
            raise BackupError(
                f"the database already holds data (table {name}); restore into a new, empty database",
                code="restore_not_empty",
            )
    if not tables:
        return
    current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
    # An empty schema is fine if the migrations can bring it to the archive's revision.
    ancestors = {r.revision for r in script.iterate_revisions(revision, "base")}
    if current is not None and current not in ancestors:
        raise BackupError(
            f"the empty database is at schema revision {current}, past the archive's {revision}; restore into a new "
            "database without tables",
            code="restore_not_empty",
        )


def _migrate(connection: Connection, settings: Settings, revision: str) -> None:
    config = alembic_config(settings.database_url)
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _restore_into(
    connection: Connection, settings: Settings, archive: Archive, revision: str, script: ScriptDirectory
) -> RestoreReport:
    manifest = archive.manifest
    _migrate(connection, settings, revision)
    metadata = MetaData()
    metadata.reflect(bind=connection)
    # Some migrations seed reference data (0006: the labour-market regions). The database was
    # empty before they ran, so what is there now is only that seed: the archive's rows replace it.
    for name in reversed(manifest["tables"]):
        if name in metadata.tables:
            connection.execute(metadata.tables[name].delete())
    report = RestoreReport(revision=revision)
    for name in manifest["tables"]:
        if name not in metadata.tables:
            raise BackupError(f"table {name} of the archive is not in schema revision {revision}")
        table = metadata.tables[name]
        kinds: dict[str, str] = manifest["columns"][name]
        unknown = set(kinds) - set(table.columns.keys())
        if unknown:
            raise BackupError(f"table {name} of the archive has columns this schema lacks: {sorted(unknown)}")
        # A column pointing at its own table (a certificate's replacement) is filled in afterwards,
        # once every row it may point at exists.
        self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
        later: list[dict[str, Any]] = []
        count = 0
        batch: list[dict[str, Any]] = []
        for stored in archive.rows(name):
            row = stored
            if self_refs and any(stored.get(c) is not None for c in self_refs):
                later.append({"_id": stored["id"], **{c: stored[c] for c in self_refs}})
                row = {**stored, **dict.fromkeys(self_refs)}
            batch.append(row)
            count += 1
            if len(batch) >= _BATCH:
                connection.execute(table.insert(), batch)
                batch = []
        if batch:
            connection.execute(table.insert(), batch)
        for values in later:
            row_id = values.pop("_id")
            connection.execute(table.update().where(table.c.id == row_id).values(**values))
        if count != manifest["counts"][name]:
            raise BackupError(f"table {name}: {count} rows read, the manifest says {manifest['counts'][name]}")
        report.tables[name] = count
    if connection.dialect.name == "postgresql":
        _reset_sequences(connection, metadata)
    if revision != script.get_current_head():
        _migrate(connection, settings, "head")
    return report


def _reset_sequences(connection: Connection, metadata: MetaData) -> None:
    """Rows came with their ids: move each serial sequence past the highest, so new rows
    do not collide with restored ones."""
    for table in metadata.sorted_tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, sqltypes.Integer):
                continue
            sequence = connection.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": table.name, "column": column.name},
            ).scalar_one_or_none()
            if sequence is None:
                continue
            highest = connection.execute(select(func.max(column))).scalar_one_or_none()
            connection.execute(
                text("SELECT setval(:sequence, :value, :called)"),
                {"sequence": sequence, "value": highest or 1, "called": highest is not None},
            )


def _write_key_files(keys_dir: Path, archive: Archive) -> list[Path]:
    """Write the archive's key files into the key store, each under a temporary name first
    and linked into place (never over an existing file). Returns what was written."""
    written: list[Path] = []
    try:
        for (slug, fragment), pem in sorted(archive.keys.items()):
            target = keys_dir / slug / f"{fragment}.pem"
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, pem)
                os.fsync(fd)
            finally:
                os.close(fd)
            try:
                os.link(temporary, target)  # fails if the file exists: never overwrites
            finally:
                temporary.unlink()
            written.append(target)
        for directory in {p.parent for p in written}:
            _fsync_dir(directory)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        _remove_empty_dirs(keys_dir, written)
        raise BackupError(f"cannot write the key store {keys_dir}: {exc.strerror or exc}") from exc
    return written


def _remove_empty_dirs(keys_dir: Path, written: list[Path]) -> None:
    for directory in sorted({p.parent for p in written}, reverse=True):
        if directory != keys_dir and directory.is_dir() and not any(directory.iterdir()):
            shutil.rmtree(directory, ignore_errors=True)


# --- checks after a restore ----------------------------------------------------------------


def expected_verdict(cert: Certificate, *, now: datetime) -> str:
    """The verdict the public verifier must give ``cert`` by its record."""
    compromised = aware_utc(cert.signing_key.compromised_at)
    issued = aware_utc(cert.issued_at)
    if compromised is not None and issued is not None and issued > compromised:
        # Recorded after its key was marked compromised (verifier.service.MembershipRegistry;
        # a certificate recorded in that very second was issued before the marking).
        return "invalid"
    state = cert_services.certificate_state(cert)
    if state != "valid":
        return state
    valid_until = aware_utc(cert.valid_until)
    if valid_until is not None and valid_until < now:
        return "expired"
    return "valid"


def sample_certificates(session: Session, sample_size: int | None) -> list[Certificate]:
    """Certificates to re-verify: ``sample_size`` spread over organisations and keys (every
    one when None), plus every revoked or suspended one up to STATUS_CAP."""
    certificates = list(session.execute(select(Certificate).order_by(Certificate.id)).scalars())
    if sample_size is None:
        return certificates
    groups: dict[tuple[int, int], list[Certificate]] = {}
    for cert in certificates:
        groups.setdefault((cert.organisation_id, cert.signing_key_id), []).append(cert)
    chooser = random.Random(secrets.randbits(64))  # noqa: S311 - picking a sample, not a secret
    for members in groups.values():
        chooser.shuffle(members)
    chosen: dict[int, Certificate] = {}
    while len(chosen) < sample_size and any(groups.values()):
        for members in groups.values():
            if members and len(chosen) < sample_size:
                cert = members.pop()
                chosen[cert.id] = cert
    flagged = [c for c in certificates if c.revoked_at is not None or c.suspended_at is not None]
    for cert in flagged[:STATUS_CAP]:
        chosen.setdefault(cert.id, cert)
    return sorted(chosen.values(), key=lambda c: c.id)


def _check_restored(
    connection: Connection, settings: Settings, report: RestoreReport, *, sample_size: int | None
) -> None:
    from verifier.service import verify_for_reader  # noqa: PLC0415 - the verifier only for the checks

    with Session(bind=connection) as session:
        audit_problems = audit_log.verify_audit_chain(session)
        report.problems.extend(f"audit log: {p}" for p in audit_problems)
        report.audit_events = report.tables.get("audit_events", 0)
        now = datetime.now(UTC)
        erased = {
            p.id for p in session.execute(select(Participant).where(Participant.erased_at.is_not(None))).scalars()
        }
        for cert in sample_certificates(session, sample_size):
            expected = expected_verdict(cert, now=now)
            if cert.participant_id in erased:
                # The stored JSON lost the name and narrative (erasure): the signature cannot
                # verify any more; the status bits are checked below.
                report.status_only += 1
                continue
            outcome = verify_for_reader(session, settings, json.loads(cert.credential_json), now=now)
            if outcome.verdict != expected:
                failed = ", ".join(f"{c.id}: {c.code}" for c in outcome.result.failed)
                report.problems.append(
                    f"certificate {cert.public_id}: the verifier says {outcome.verdict}, "
                    f"its record {expected} ({failed})"
                )
            else:
                report.verified[expected] = report.verified.get(expected, 0) + 1
        _check_status_bits(session, report)
        keystore = KeyStore(settings.keys_dir, settings.key_passphrase)
        for org in session.execute(select(Organisation).order_by(Organisation.id)).scalars():
            try:
                row = org_services.current_key(session, org)
                key = keystore.load(org_slug=org.slug, fragment=row.fragment, did=org.did)
            except (errors.ServiceError, KeyStoreError) as exc:
                report.problems.append(f"organisation {org.slug}: its current signing key cannot be used: {exc}")
                continue
            if key.public_key_multibase != row.public_key_multibase:
                report.problems.append(f"organisation {org.slug}: key {row.fragment} does not match its record")
            else:
                report.current_keys.append(f"{org.slug}/{row.fragment}")


def _check_status_bits(session: Session, report: RestoreReport) -> None:
    """Every certificate's revocation and suspension bits say what its record says."""
    from credentials.statuslist import Bitstring  # noqa: PLC0415

    lists = {(row.id, row.purpose): row for row in session.execute(select(StatusList)).scalars()}
    by_key = {(row.organisation_id, row.sequence, row.purpose): row for row in lists.values()}
    for cert in session.execute(select(Certificate)).scalars():
        revocation = lists.get((cert.status_list_id, "revocation"))
        if revocation is None:
            report.problems.append(f"certificate {cert.public_id}: its status list is missing")
            continue
        suspension = by_key.get((revocation.organisation_id, revocation.sequence, "suspension"))
        for row, flagged, purpose in (
            (revocation, cert.revoked_at is not None, "revocation"),
            (suspension, cert.suspended_at is not None, "suspension"),
        ):
            if row is None:
                continue
            bit = Bitstring(len(row.bits) * 8, data=row.bits).get(cert.status_index)
            if bit != flagged:
                report.problems.append(f"certificate {cert.public_id}: the {purpose} bit does not match its record")
        report.status_bits += 1
