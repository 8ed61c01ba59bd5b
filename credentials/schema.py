"""JSON Schema validation against the bundled Open Badges 3.0 schema (Draft 2019-09).

Two validators are built once per process from the same pinned schema bytes:

* ``jsonschema_rs`` (compiled, Draft 2019-09) answers "valid?" in about 0.01 ms;
* ``jsonschema`` (Python, Draft 2019-09) lists the errors, with the messages we show.

A credential the fast validator accepts has no errors. Anything else (rejected by it,
or a value it cannot take, such as NaN) goes through the Python validator, whose
answer is final: the fast path can only ever save time, never reject a credential the
Python validator accepts. Formats are annotations here, as in the Python validator
without a format checker; patterns use the linear-time regex engine.
"""

from __future__ import annotations

import hashlib
import json
import logging
from functools import lru_cache
from importlib import resources
from typing import Any

from jsonschema import Draft201909Validator

from credentials.errors import ContextIntegrityError

try:  # a compiled wheel; without it validation is correct, only slower (about 5 ms)
    import jsonschema_rs
except ImportError:  # pragma: no cover - jsonschema-rs is a dependency
    jsonschema_rs = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

OB_ACHIEVEMENT_CREDENTIAL_SCHEMA_SHA256 = "b7358e895f492e74055dc6bfc7ffc420d0e497f90c4579fb83d9519b86d393ea"


@lru_cache(maxsize=1)
def _ob_schema() -> dict[str, Any]:
    raw = (resources.files("credentials") / "schemas" / "ob_v3p0_achievementcredential_schema.json").read_bytes()
    if hashlib.sha256(raw).hexdigest() != OB_ACHIEVEMENT_CREDENTIAL_SCHEMA_SHA256:
        raise ContextIntegrityError("the bundled OB 3.0 schema does not match its pinned SHA-256")
    schema: dict[str, Any] = json.loads(raw)
    return schema


@lru_cache(maxsize=1)
def _ob_validator() -> Draft201909Validator:
    return Draft201909Validator(_ob_schema())


@lru_cache(maxsize=1)
def _ob_fast_validator() -> Any:
    """The compiled validator, or None when jsonschema-rs is not installed."""
    if jsonschema_rs is None:  # pragma: no cover
        log.warning("jsonschema-rs is not installed: OB schema validation takes the slow path")
        return None
    return jsonschema_rs.Draft201909Validator(
        _ob_schema(),
        validate_formats=False,
        offline=True,  # the schema refers only to itself; never fetch anything
        pattern_options=jsonschema_rs.RegexOptions(),
    )


def _fast_valid(credential: Any) -> bool:
    """True only when the compiled validator accepts ``credential``; False means "ask Python"."""
    validator = _ob_fast_validator()
    if validator is None:  # pragma: no cover
        return False
    try:
        return bool(validator.is_valid(credential))
    except Exception:  # noqa: BLE001 - a value it cannot convert: the Python validator decides
        return False


def ob_schema_errors(credential: Any, *, limit: int = 5) -> list[str]:
    """Up to ``limit`` readable OB 3.0 schema violations (``/path: message``); empty when valid."""
    if _fast_valid(credential):
        return []
    errors = []
    for error in _ob_validator().iter_errors(credential):
        path = "/" + "/".join(str(part) for part in error.absolute_path)
        errors.append(f"{path}: {error.message[:300]}")
        if len(errors) >= limit:
            break
    return errors
