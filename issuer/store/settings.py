"""Settings from ``CREDENTIALS_*`` environment variables, read the same way by every
command and the server.

Development fallbacks (the embedded default) are generated once into the instance
folder and announced with a loud warning: the key passphrase and the session secret.
``Settings.dev_fallbacks`` names them, so production mode can refuse to start.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "http://127.0.0.1:5000"
LOG_FORMATS = ("json", "text")


class SettingsError(ValueError):
    """A setting is missing or unusable."""


@dataclass(frozen=True)
class Settings:
    base_url: str
    database_url: str
    keys_dir: Path
    key_passphrase: str = field(repr=False)
    secret_key: str = field(repr=False)
    instance_dir: Path
    dev_fallbacks: tuple[str, ...] = ()
    #: ``json`` or ``text`` (``CREDENTIALS_LOG_FORMAT``); empty: ``create_app`` leaves logging
    #: alone and ``credentials serve`` picks json with ``--production``, text otherwise.
    log_format: str = ""

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, verifier_only: bool = False) -> Settings:
        """Read the settings; generate development secrets where none are given.

        ``verifier_only``: for the public verifier process, which never signs. The key
        passphrase is neither read nor generated (``key_passphrase`` stays empty).
        """
        env = os.environ if env is None else env
        instance = Path(env.get("CREDENTIALS_INSTANCE_DIR", "instance")).resolve()
        base_url = env.get("CREDENTIALS_BASE_URL", DEFAULT_BASE_URL).rstrip("/")
        if not base_url.startswith(("http://", "https://")):
            raise SettingsError("CREDENTIALS_BASE_URL must start with http:// or https://")
        database_url = env.get("CREDENTIALS_DATABASE_URL") or f"sqlite:///{instance / 'credentials.db'}"
        keys_dir = Path(env.get("CREDENTIALS_KEYS_DIR", "keys")).resolve()
        fallbacks: list[str] = []
        passphrase = "" if verifier_only else env.get("CREDENTIALS_KEY_PASSPHRASE") or ""
        if not passphrase and not verifier_only:
            passphrase = _dev_secret(instance / "dev-key-passphrase")
            fallbacks.append("CREDENTIALS_KEY_PASSPHRASE")
        secret_key = env.get("CREDENTIALS_SECRET_KEY") or ""
        if not secret_key:
            secret_key = _dev_secret(instance / "dev-secret-key")
            fallbacks.append("CREDENTIALS_SECRET_KEY")
        if not verifier_only and secret_key == passphrase:
            raise SettingsError("CREDENTIALS_SECRET_KEY must differ from CREDENTIALS_KEY_PASSPHRASE")
        if not verifier_only and len(passphrase) < 16:
            raise SettingsError("CREDENTIALS_KEY_PASSPHRASE must be at least 16 characters")
        log_format = env.get("CREDENTIALS_LOG_FORMAT", "").strip().lower()
        if log_format not in ("", *LOG_FORMATS):
            raise SettingsError("CREDENTIALS_LOG_FORMAT must be json or text")
        for name in fallbacks:
            log.warning(
                "%s is not set: using a generated development value from %s. Never use this for real certificates.",
                name,
                instance,
            )
        return cls(
            base_url, database_url, keys_dir, passphrase, secret_key, instance, tuple(fallbacks), log_format=log_format
        )


def _dev_secret(path: Path) -> str:
    """Read, or create once (mode 600), a random development secret."""
    try:
        return path.read_text("utf-8").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, value.encode())
    finally:
        os.close(fd)
    return value
