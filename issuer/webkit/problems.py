"""Problem details for JSON APIs (RFC 9457, ``application/problem+json``)."""

from __future__ import annotations

import json
from typing import Any, Final

from flask import Response

# The problem types are URLs of this service's documentation namespace; the last part is the
# stable code (for example ``.../problems/too_large``).
PROBLEM_TYPE: Final = "https://certificaten.kringloop.example/problems/"


def problem(status: int, code: str, title: str, detail: str, **extra: Any) -> Response:
    """A problem-details response: ``type`` ends in ``code``; never cached."""
    body = {"type": PROBLEM_TYPE + code, "title": title, "status": status, "detail": detail, **extra}
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/problem+json")
    response.headers["Cache-Control"] = "no-store"
    return response
