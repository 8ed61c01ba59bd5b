"""Signing for bulk issuance, in worker processes.

A worker process imports only this module and :mod:`credentials`: no Flask, no
database, no settings. It is started with the organisation's key (seed, controller,
fragment) and signs the unsigned credentials it is handed, returning JSON text.
"""

from __future__ import annotations

import json
from typing import Any

from credentials.jsonld import default_document_loader
from credentials.keys import Ed25519Multikey
from credentials.proofs import add_proof

_WORKER_KEY: Ed25519Multikey | None = None


def worker_start(seed: bytes, controller: str, fragment: str) -> None:
    """Initializer of a signing worker: its key, and the document loader warmed up."""
    global _WORKER_KEY  # noqa: PLW0603 - one key per worker process, set once
    _WORKER_KEY = Ed25519Multikey.from_seed(seed, controller=controller, fragment=fragment)
    default_document_loader()


def signed_texts(documents: list[dict[str, Any]], key: Ed25519Multikey) -> list[str]:
    """Each document signed, as JSON text (so a worker serialises it, not the parent)."""
    loader = default_document_loader()
    return [json.dumps(add_proof(d, key=key, document_loader=loader), ensure_ascii=False) for d in documents]


def sign_many(documents: list[dict[str, Any]]) -> list[str]:
    """Sign in a worker process, with the key it was started with."""
    if _WORKER_KEY is None:
        raise RuntimeError("the signing worker was not started with a key")
    return signed_texts(documents, _WORKER_KEY)
