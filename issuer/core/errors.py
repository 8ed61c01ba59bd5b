"""The errors every service raises: a code and a field the pages, the API and the command line turn into advice.
"""

from __future__ import annotations

from typing import Any


class ServiceError(ValueError):
    """A request the service refuses. ``code`` is stable (pages translate it), ``field``
    names the input at fault, ``message`` is English for the CLI and logs."""

    status = 400

    def __init__(self, message: str, *, code: str, field: str | None = None, **params: Any):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.params = params


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


class Conflict(ServiceError):
    status = 409
