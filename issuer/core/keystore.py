"""The key store: one encrypted PKCS#8 PEM file per organisation key.

``<keys dir>/<org slug>/<fragment>.pem``, encrypted with the key passphrase
(cryptography's best available PKCS#8 encryption). Files are written to a
temporary name, flushed to disk and then renamed, and never overwritten, so a
full disk or a crash can lose a new key but never an existing one.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from credentials.keys import Ed25519Multikey
from issuer.store.models import Organisation, SigningKey

_SAFE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
# The folder of the sector's own did:web keys (issuer.sector.trust.services): no organisation slug starts with "_".
SECTOR_FOLDER = "_sector"


class KeyStoreError(RuntimeError):
    """A key could not be written or read; the message says why in plain words."""


class KeyStore:
    def __init__(self, directory: Path, passphrase: str):
        self.directory = directory
        self._passphrase = passphrase.encode("utf-8")
        self._cache: dict[tuple[str, str], Ed25519Multikey] = {}
        self._lock = threading.Lock()

    def _path(self, org_slug: str, fragment: str) -> Path:
        if not (org_slug == SECTOR_FOLDER or _SAFE.match(org_slug)) or not _SAFE.match(fragment):
            raise KeyStoreError(f"unsafe key path {org_slug!r}/{fragment!r}")
        return self.directory / org_slug / f"{fragment}.pem"

    def create(self, *, org_slug: str, did: str) -> Ed25519Multikey:
        """Generate a key for ``did``, store it encrypted and return it (with private part)."""
        private = Ed25519PrivateKey.generate()
        public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        fragment = "key-" + hashlib.sha256(public).hexdigest()[:16]
        path = self._path(org_slug, fragment)
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(self._passphrase),
        )
        self._write_new(path, pem)
        key = Ed25519Multikey.from_private_key(private, controller=did, fragment=fragment)
        with self._lock:
            self._cache[(org_slug, fragment)] = key
        return key

    def _write_new(self, path: Path, data: bytes) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if path.exists():
                raise KeyStoreError(f"refusing to overwrite existing key file {path}")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                view = memoryview(data)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.link(tmp, path)  # fails if path appeared meanwhile: never overwrites
            tmp.unlink()
            dir_fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except KeyStoreError:
            raise
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise KeyStoreError(
                f"could not store the new signing key in {path.parent}: {exc.strerror or exc}; nothing was changed"
            ) from exc

    def load(self, *, org_slug: str, fragment: str, did: str) -> Ed25519Multikey:
        """The private key for ``did#fragment`` (decrypted once, then cached in memory)."""
        with self._lock:
            cached = self._cache.get((org_slug, fragment))
        if cached is not None:
            return cached
        path = self._path(org_slug, fragment)
        try:
            pem = path.read_bytes()
        except OSError as exc:
            raise KeyStoreError(f"signing key {path} cannot be read: {exc.strerror or exc}") from exc
        try:
            private = serialization.load_pem_private_key(pem, password=self._passphrase)
        except (ValueError, TypeError) as exc:
            raise KeyStoreError(f"signing key {path} cannot be decrypted (wrong CREDENTIALS_KEY_PASSPHRASE?)") from exc
        if not isinstance(private, Ed25519PrivateKey):
            raise KeyStoreError(f"signing key {path} is not an Ed25519 key")
        key = Ed25519Multikey.from_private_key(private, controller=did, fragment=fragment)
        with self._lock:
            self._cache[(org_slug, fragment)] = key
        return key

    def exists(self, *, org_slug: str, fragment: str) -> bool:
        return self._path(org_slug, fragment).exists()


# --- readiness -------------------------------------------------------------------------------


def current_key_fragments(session: Session) -> list[tuple[str, str]]:
    """For every active organisation its newest usable key's fragment, in one query."""
    usable = and_(
        SigningKey.organisation_id == Organisation.id,
        SigningKey.retired_at.is_(None),
        SigningKey.compromised_at.is_(None),
    )
    rows = session.execute(
        select(Organisation.slug, SigningKey.fragment)
        .outerjoin(SigningKey, usable)
        .where(Organisation.membership == "active")
        .order_by(Organisation.slug, SigningKey.id)
    ).all()
    newest: dict[str, str] = {}
    for slug, fragment in rows:
        newest[slug] = fragment or newest.get(slug, "")
    return sorted(newest.items())


def key_files_check(keystore: KeyStore, keys: list[tuple[str, str]]) -> dict[str, Any]:
    """The key store directory is readable and holds each current key file (not decrypted here)."""
    directory = keystore.directory
    if not keys and not directory.exists():
        return {"ok": True, "organisations": 0}  # nothing to sign with yet: the first key creates it
    if not (directory.is_dir() and os.access(directory, os.R_OK | os.X_OK)):
        return {"ok": False, "detail": "the key store directory (CREDENTIALS_KEYS_DIR) is not a readable directory"}
    missing = []
    for slug, fragment in keys:
        try:
            present = bool(fragment) and keystore.exists(org_slug=slug, fragment=fragment)
        except KeyStoreError:
            present = False
        if not present:
            missing.append(slug)
    if missing:
        return {"ok": False, "detail": "the current signing key file is missing", "organisations": missing}
    return {"ok": True, "organisations": len(keys)}


def readiness_check(keystore: KeyStore) -> Callable[[Session], dict[str, Any]]:
    """The readiness probe's key check: the key store directory is readable and holds each
    active organisation's current key file."""
    return lambda session: key_files_check(keystore, current_key_fragments(session))
