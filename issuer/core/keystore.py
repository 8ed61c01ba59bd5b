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
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credentials.keys import Ed25519Multikey

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
