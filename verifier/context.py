"""What the verifier's requests need: the settings, the database sessions, and what the
app that hosts the verifier hands in (a trust list signer, further readiness checks).

Set by :func:`verifier.app.init_verifier`; read with :func:`verifier_context`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from flask import current_app
from sqlalchemy.orm import Session, sessionmaker

from issuer.store.settings import Settings

EXTENSION: Final = "verifier"

# A check of the readiness probe: given a read-only session, {"ok": bool, ...}.
ReadinessCheck = Callable[[Session], dict[str, Any]]
# The signed trust list (None when it cannot be made now).
TrustListSource = Callable[[Session], dict[str, Any] | None]


@dataclass(frozen=True)
class VerifierContext:
    settings: Settings
    sessions: sessionmaker[Session]
    trust_list: TrustListSource | None = None
    readiness: Mapping[str, ReadinessCheck] = field(default_factory=dict)


def verifier_context() -> VerifierContext:
    context: VerifierContext = current_app.extensions[EXTENSION]
    return context
