"""Texts of the pages in Dutch (the default) and English, in plain language (B1).

The texts live in gettext catalogues, one per language: ``issuer/translations/<language>/
LC_MESSAGES/messages.po``. A message id is a symbolic key (``verify.title``); both
catalogues carry the text, with ``{name}`` placeholders (docs/texts.md).

``t(key, **params)`` gives the text for the language of this request (Flask-Babel's
locale: the ``?lang=`` of this request, remembered in the session, else the session's
language, else Dutch). ``tn(one, other, n, **params)`` picks the plural form for ``n``.
``translate(key, language, **params)`` needs no request (command line, PDFs, reports).
``error_message(code, field)`` turns a :class:`issuer.core.errors.ServiceError` into advice
for the person at the form: first ``error.<code>.<field>``, then ``error.<code>``.

Every key appears literally in the code (``pybabel extract`` finds it); a value chosen at
run time goes through a table of literal keys (:data:`CHOICES`, :data:`ERRORS`).
"""

from __future__ import annotations

import functools
import logging
import sys
from datetime import date
from pathlib import Path
from typing import Any, Final

import flask_babel
from babel.dates import format_date as babel_format_date
from babel.messages.pofile import read_po, write_po
from babel.support import Translations
from flask import Flask, current_app, has_app_context, has_request_context, request, session

# What needs no request lives in issuer.webkit.texts; pages take it from here as well.
from issuer.webkit.texts import (
    CHOICES,
    DEFAULT_LANGUAGE,
    DOMAIN,
    LANGUAGES,
    MESSAGES,
    N_,
    PLACEHOLDER,
    TRANSLATIONS_DIR,
    _filled,
    catalogue,
    key_of,
    translate,
    translate_plural,
)

__all__ = [
    "CHOICES",
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "LANGUAGES",
    "MESSAGES",
    "N_",
    "PLACEHOLDER",
    "SESSION_KEY",
    "TRANSLATIONS_DIR",
    "catalogue",
    "current_language",
    "error_message",
    "format_date",
    "format_month",
    "init_app",
    "key_of",
    "mark_placeholders",
    "other_language",
    "remember_language",
    "t",
    "t_choice",
    "t_in",
    "tn",
    "translate",
    "translate_plural",
]  # fmt: skip

log = logging.getLogger(__name__)

SESSION_KEY: Final = "lang"


class _Domain(flask_babel.Domain):  # type: ignore[misc]
    """Flask-Babel's message domain, served from :func:`catalogue`. The language is
    :func:`current_language`, asked on every call: Flask-Babel's own locale is kept for the
    whole application context, which may outlive a language switch."""

    def get_translations(self) -> Translations:
        return catalogue(current_language())


class _Babel(flask_babel.Babel):  # type: ignore[misc]
    @functools.cached_property
    def domain_instance(self) -> _Domain:
        return _Domain(domain=DOMAIN)


def init_app(app: Flask) -> None:
    """Flask-Babel with the request's language (:func:`current_language`) and the ``?lang=`` hook."""
    _Babel(app, default_locale=DEFAULT_LANGUAGE, locale_selector=current_language)
    app.before_request(remember_language)


def remember_language() -> None:
    """Keep a ``?lang=`` choice in the session (a ``before_request`` hook)."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES and session.get(SESSION_KEY) != chosen:
        session[SESSION_KEY] = chosen


def current_language() -> str:
    """The ``?lang=`` of this request, else the session's choice, else Dutch."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    remembered = session.get(SESSION_KEY)
    return str(remembered) if remembered in LANGUAGES else DEFAULT_LANGUAGE


def other_language() -> str:
    return "en" if current_language() == "nl" else "nl"


def _request_translations() -> Translations | None:
    """Flask-Babel's translations for this request (None outside an app with Flask-Babel)."""
    if has_app_context() and "babel" in current_app.extensions:
        translations: Translations = flask_babel.get_translations()
        return translations
    return None


def t(key: str, **params: Any) -> str:
    """The text for ``key`` in the language of this request, with ``params`` filled in."""
    translations = _request_translations()
    if translations is None:
        return translate(key, current_language(), **params)
    return _filled(key, translations.gettext(key), params)


def tn(one: str, other: str, number: int, **params: Any) -> str:
    """The singular or plural text for ``number`` in the language of this request."""
    translations = _request_translations()
    if translations is None:
        return translate_plural(one, other, number, current_language(), **params)
    params.setdefault("count", number)
    return _filled(one if number == 1 else other, translations.ngettext(one, other, number), params)


def t_in(language: str, key: str, **params: Any) -> str:
    """Templates: the text in a given language (a letter printed in the holder's language)."""
    return translate(key, language, **params)


def t_choice(pattern: str, value: Any, **params: Any) -> str:
    """The text for ``value`` in the table ``pattern``: ``t_choice("status.*", "valid")``."""
    key = key_of(pattern, str(value))
    if key is None:
        log.warning("no text for %r in %r", value, pattern)
        return pattern.replace("*", str(value))
    return t(key, **params)


def error_message(code: str, field: str | None = None, params: dict[str, Any] | None = None) -> str:
    """Advice for a refused input: ``error.<code>.<field>``, else ``error.<code>``, else a general line."""
    key = key_of("error.*", f"{code}.{field}") or key_of("error.*", code)
    return t(key, **(params or {})) if key else t("error.unknown")


def format_date(moment: date | None, language: str | None = None) -> str:
    """``23 november 2026`` / ``23 November 2026`` for a date or datetime (empty for None)."""
    if moment is None:
        return ""
    return babel_format_date(moment, "d MMMM y", locale=language or current_language())


def format_month(moment: date, language: str | None = None) -> str:
    """``maart 2026`` / ``March 2026``."""
    return babel_format_date(moment, "LLLL y", locale=language or current_language())


# --- catalogue maintenance (`make texts`) -------------------------------------------------------


def mark_placeholders(path: Path) -> None:
    """Flag each entry whose texts have ``{name}`` placeholders ``python-brace-format``.
    Babel derives that flag from the message id, which here is a key without placeholders."""
    with path.open("rb") as po:
        catalog = read_po(po)
    for message in catalog:
        texts = [message.string] if isinstance(message.string, str) else list(message.string or ())
        if message.id and any(PLACEHOLDER.search(text) for text in texts):
            message.flags.add("python-brace-format")
    with path.open("wb") as po:
        write_po(po, catalog, width=120, ignore_obsolete=True)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        mark_placeholders(Path(name))
