"""JSON Schema validation against the bundled Open Badges 3.0 schema (Draft 2019-09)."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from typing import Any

from jsonschema import Draft201909Validator

from credentials.errors import ContextIntegrityError

OB_ACHIEVEMENT_CREDENTIAL_SCHEMA_SHA256 = "b7358e895f492e74055dc6bfc7ffc420d0e497f90c4579fb83d9519b86d393ea"


@lru_cache(maxsize=1)
def _ob_validator() -> Draft201909Validator:
    raw = (resources.files("credentials") / "schemas" / "ob_v3p0_achievementcredential_schema.json").read_bytes()
    if hashlib.sha256(raw).hexdigest() != OB_ACHIEVEMENT_CREDENTIAL_SCHEMA_SHA256:
        raise ContextIntegrityError("the bundled OB 3.0 schema does not match its pinned SHA-256")
    return Draft201909Validator(json.loads(raw))


def ob_schema_errors(credential: Any, *, limit: int = 5) -> list[str]:
    """Up to ``limit`` readable OB 3.0 schema violations (``/path: message``); empty when valid."""
    errors = []
    for error in _ob_validator().iter_errors(credential):
        path = "/" + "/".join(str(part) for part in error.absolute_path)
        errors.append(f"{path}: {error.message[:300]}")
        if len(errors) >= limit:
            break
    return errors
