"""Faults with real parts: PostgreSQL stopped in the middle of issuing, and a full disk
under the key store.

PostgreSQL: a private cluster of Debian's PostgreSQL (initdb, pg_ctl, as the postgres
user) on a free port, stopped with ``pg_ctl stop -m immediate`` after the certificate was
signed and before it was stored. Disk full: the key store on a 64 KiB tmpfs, filled up.
Both need root (and the postgres user): locally they skip with a message when that is
missing; under CI=true they fail instead.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from issuer.accounts import services as account_services
from issuer.certificates import services as cert_services
from issuer.core import audit_log
from issuer.organisations import services as org_services
from issuer.runtime import runtime
from issuer.store.db import session_scope
from issuer.store.models import AuditEvent, Certificate, SigningKey
from tests.issuer.conftest import PASSWORD, login, post
from tests.support import cli, make_settings, migrated_app, service_env


def _missing(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true: this fault test must run)")
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# --- PostgreSQL stopped during issuing ---------------------------------------------------------


class PrivateCluster:
    def __init__(self, bindir: Path, datadir: Path, port: int):
        self.bindir, self.datadir, self.port = bindir, datadir, port

    def _as_postgres(self, *args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-o", options, "-w",
                          "-l", str(self.datadir / "server.log"), "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", mode, "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        _missing("Debian's PostgreSQL server binaries are not installed (apt-get install postgresql)")
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        _missing("a private PostgreSQL cluster needs root (to run initdb as the postgres user)")
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError:
        _missing("there is no postgres user (apt-get install postgresql)")
    # Not under pytest's folders: they are private to root, and the server runs as postgres.
    home = Path(tempfile.mkdtemp(prefix="pgfault-"))
    shutil.chown(home, "postgres", "postgres")
    datadir = home / "data"
    bindir = Path(found[-1]).parent
    server = PrivateCluster(bindir, datadir, _free_port())
    try:
        server._as_postgres(str(bindir / "initdb"), "-D", str(datadir), "-A", "trust", "-U", "postgres", "--no-sync")
        server.start()
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            server.stop("immediate")  # unless stopped already
        shutil.rmtree(home, ignore_errors=True)


def _count(app: Flask, model: type) -> int:
    with app.app_context(), session_scope(runtime().sessions) as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_postgresql_stopped_during_issuing(
    cluster: PrivateCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = migrated_app(make_settings(tmp_path, cluster.url))
    try:
        with app.app_context(), session_scope(runtime().sessions) as session:
            org, _ = org_services.create_organisation(session, runtime().context, slug="kring-fout", name="Kring Fout",
                                                  actor="test")  # fmt: skip
            account_services.add_user(session, email="fout@example.org", name="Begeleider", password=PASSWORD,
                              role="supervisor", actor="test", org=org)  # fmt: skip
        staff = app.test_client()
        login(staff, "fout@example.org")
        form = {"participant": "", "holder_name": "Sam de Vries", "competence": "DIG-KASSA", "level": "2",
                "evidence": "", "issued_on": ""}  # fmt: skip
        assert post(staff, "/certificaten/nieuw", form).status_code == 302
        certificates, events = _count(app, Certificate), _count(app, AuditEvent)

        # The database goes away after the certificate was signed, before it is stored.
        monkeypatch.setattr(cert_services, "after_signing_hook", lambda: cluster.stop("immediate"))
        started = time.monotonic()
        down = post(staff, "/certificaten/nieuw", {**form, "holder_name": "Kim Jansen"})
        assert down.status_code == 503
        text = down.get_data(as_text=True)
        assert "De database is niet bereikbaar" in text and "Er is niets opgeslagen" in text
        assert time.monotonic() - started < 30
        monkeypatch.setattr(cert_services, "after_signing_hook", None)
        assert staff.get("/certificaten").status_code == 503  # still down: a clear page, no traceback

        cluster.start()  # back again: the service recovers without a restart
        deadline = time.monotonic() + 30
        while True:
            listing = staff.get("/certificaten")
            if listing.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert listing.status_code == 200
        # Nothing of the interrupted certificate was stored: not the row, not its index, not an event.
        assert (_count(app, Certificate), _count(app, AuditEvent)) == (certificates, events)
        assert "Kim Jansen" not in listing.get_data(as_text=True)
        assert post(staff, "/certificaten/nieuw", {**form, "holder_name": "Kim Jansen"}).status_code == 302
        assert _count(app, Certificate) == certificates + 1
        with app.app_context(), session_scope(runtime().sessions) as session:
            assert audit_log.verify_audit_chain(session) == []
    finally:
        app.extensions["credentials"].engine.dispose()


# --- a full disk under the key store -------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        _missing("mounting a small tmpfs needs root")
    mountpoint = tmp_path / "tiny"
    mountpoint.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mountpoint)],
                             capture_output=True, text=True, check=False)  # fmt: skip
    if mounted.returncode != 0:
        _missing(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=False)


def _fill(directory: Path) -> Path:
    """Fill the file system up to the last byte."""
    filler = directory / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (4096, 512, 64, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_under_the_key_store_loses_no_key(tiny_disk: Path, tmp_path: Path) -> None:
    env = service_env(tmp_path, "https://certificaten.test") | {"CREDENTIALS_KEYS_DIR": str(tiny_disk / "keys")}
    cli(env, "init")
    cli(env, "org", "add", "vol", "--name", "Kringloop Vol")
    key_files = {p: p.read_bytes() for p in (tiny_disk / "keys").rglob("*.pem")}
    assert len(key_files) == 2  # the organisation's key and the sector's (made by init)
    filler = _fill(tiny_disk)

    import sys

    rotate = subprocess.run([sys.executable, "-m", "issuer.cli", "keys", "rotate", "--org", "vol"], env=env,
                            capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert rotate.returncode == 1
    assert "could not store the new signing key" in rotate.stderr and "No space left on device" in rotate.stderr
    assert "nothing was changed" in rotate.stderr
    # The old key is intact and still the one that signs; no half-written key file is left.
    assert {p: p.read_bytes() for p in (tiny_disk / "keys").rglob("*.pem")} == key_files
    assert not list((tiny_disk / "keys").rglob("*.tmp"))
    from issuer.runtime import build_runtime
    from issuer.store.settings import Settings

    rt = build_runtime(Settings.from_env(env))
    try:
        with session_scope(rt.sessions) as session:
            keys = session.execute(select(SigningKey)).scalars().all()
            assert len(keys) == 1 and keys[0].retired_at is None
            assert session.execute(select(func.count()).select_from(AuditEvent)
                                   .where(AuditEvent.action == "key.rotate")).scalar_one() == 0  # fmt: skip
    finally:
        rt.engine.dispose()
    issued = cli(env, "issue", "--org", "vol", "--holder", "Sam de Vries", "--competence", "DIG-KASSA")
    assert issued.startswith("https://certificaten.test/c/")

    filler.unlink()  # space again: rotation works
    cli(env, "keys", "rotate", "--org", "vol")
    assert len(list((tiny_disk / "keys").rglob("*.pem"))) == 3
