"""The staff pages' own helpers on top of the page toolkit (:mod:`issuer.webkit.pages`):
the toolkit's set-up for this app (who is signed in, where home is, which blueprints
answer in JSON), forms that collect every refused field at once, the page for an
unusable signing key, one transaction per request, and paging.

Rules every staff view follows:

- ``roles_required`` checks the role; an anonymous visitor is sent to the login page.
- Data is looked up only inside the signed-in user's organisation. Another
  organisation's certificate or participant is "not found" (404), so ids cannot be
  probed. A sector admin sees no participants or certificates at all (403).
- Every POST carries the session's CSRF token (checked before the view runs).
- A request that changes data is one ``session_scope`` transaction. Refused input
  (:class:`issuer.core.errors.ServiceError`) rolls it back and comes back on the form,
  the message next to its field, with the error's HTTP status.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from issuer import staff_user
from issuer.core import errors as core_errors
from issuer.core.keystore import KeyStoreError
from issuer.runtime import runtime
from issuer.store.db import session_scope
from issuer.webkit import i18n, pages

log = logging.getLogger(__name__)

T = TypeVar("T")

# Blueprints that answer in JSON; their errors are not turned into HTML pages.
API_BLUEPRINTS = frozenset({"verifier_api", "api_v1"})

# The staff pages: this session's CSRF token on every POST, no caching, no framing.
pages.guard(staff_user.bp)


def init_common(app: Flask) -> None:
    """The page toolkit (languages, template helpers, CSRF, error pages) for the staff pages
    and the public verifier pages alike, and the page for an unusable signing key."""
    pages.init_app(app, home_url=home_url, json_blueprints=API_BLUEPRINTS, signed_in_user=staff_user.signed_in_user)
    app.register_error_handler(KeyStoreError, _keystore_error)


def home_url() -> str:
    """The start page: the staff dashboard for staff (and on the staff pages), else the public verifier."""
    staff_page = request.blueprint == staff_user.bp.name
    if pages.has_endpoint("web.dashboard") and (staff_page or staff_user.signed_in_user() is not None):
        return url_for("web.dashboard")
    return url_for("verifier_pages.verify_form")


def _keystore_error(exc: KeyStoreError) -> ResponseReturnValue:
    log.error("signing key unusable: %s", exc)
    return pages.error_page(503, "error.keystore.text", i18n.N_("error.keystore.title"))


# --- forms that show every problem at once ----------------------------------------------------


class FormInvalid(core_errors.ServiceError):
    """Several refused fields of one form at once (the status is the first one's)."""

    def __init__(self, problems: Sequence[core_errors.ServiceError]):
        super().__init__("; ".join(p.message for p in problems), code="form_invalid")
        self.problems = list(problems)
        self.status = problems[0].status


def problems_of(exc: core_errors.ServiceError) -> list[core_errors.ServiceError]:
    return exc.problems if isinstance(exc, FormInvalid) else [exc]


def attempt(problems: list[core_errors.ServiceError], check: Callable[[], T]) -> T | None:
    """Run one input check; collect its ServiceError so a form can show every problem at once."""
    try:
        return check()
    except core_errors.ServiceError as exc:
        problems.extend(problems_of(exc))
        return None


def raise_problems(problems: Sequence[core_errors.ServiceError]) -> None:
    if problems:
        raise FormInvalid(problems)


# --- small database helpers ----------------------------------------------------------------


@contextmanager
def transaction() -> Iterator[Session]:
    with session_scope(runtime().sessions) as db:
        yield db


def parse_id(raw: str) -> int | None:
    """A database id typed or posted as text (ASCII digits that fit a 64-bit column), else None."""
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)


@dataclass(frozen=True)
class Page:
    number: int
    pages: int
    total: int

    @classmethod
    def of(cls, total: int, per_page: int) -> Page:
        count = max(1, math.ceil(total / per_page))
        number = parse_id(request.args.get("pagina", "")) or 1
        return cls(number=min(max(number, 1), count), pages=count, total=total)

    def start(self, per_page: int) -> int:
        return (self.number - 1) * per_page
