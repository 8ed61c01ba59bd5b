"""The service's texts without a request: the gettext catalogues of Dutch (the default)
and English, a text or its plural form in a given language, and the tables of literal
keys for values chosen at run time. No web framework: the command line, the PDFs, the
reports and the domain services use this module; pages use :mod:`issuer.webkit.i18n`,
which adds the language of the request.

The catalogues are ``issuer/translations/<language>/LC_MESSAGES/messages.po``; a message
id is a symbolic key (``verify.title``); both catalogues carry the text, with ``{name}``
placeholders (docs/texts.md). Every key appears literally in the code, so ``pybabel
extract`` finds it.
"""

from __future__ import annotations

import functools
import io
import logging
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

log = logging.getLogger(__name__)

LANGUAGES: Final = ("nl", "en")
DEFAULT_LANGUAGE: Final = "nl"

# The service's catalogues (data, not code: the toolkit reads them, it imports nothing of the issuer).
TRANSLATIONS_DIR: Final = Path(__file__).resolve().parents[1] / "translations"
DOMAIN: Final = "messages"
PLACEHOLDER: Final = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

# Loading: each catalogue's .po file is read once per process, at first use, with Babel
# (read_po into babel.support.Translations). There are no compiled .mo files: nothing to
# build or forget, so a clean clone after `make setup`, an editable install and the wheel
# (which carries the .po files as package data) work alike, without a manual step. Reading
# the two files takes a few tens of milliseconds. Flask-Babel's own loader only reads .mo
# files, so the app's Flask-Babel domain hands out these catalogues (:class:`_Domain`).


def N_(key: str) -> str:  # the usual gettext name for "mark only"
    """Mark ``key`` as a text without translating it (a table of keys; extracted)."""
    return key


def _catalogue_file(language: str) -> Path:
    return TRANSLATIONS_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def _read(language: str) -> Catalog:
    with _catalogue_file(language).open("rb") as po:
        return read_po(po, locale=language, domain=DOMAIN)


@functools.cache
def catalogue(language: str) -> Translations:
    """The gettext translations of ``language`` (English falls back to Dutch for a missing text)."""
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    compiled = io.BytesIO()
    write_mo(compiled, _read(language))  # in memory: Translations reads the .mo format
    compiled.seek(0)
    translations = Translations(compiled, domain=DOMAIN)
    if language != DEFAULT_LANGUAGE:
        translations.add_fallback(catalogue(DEFAULT_LANGUAGE))
    return translations


class _Texts(Mapping[str, dict[str, str]]):
    """Every id with its texts, ``{"nl": ..., "en": ...}`` (for checks and tests). A plural
    entry shows under both ids: the singular id with the singular forms, the plural id with
    the plural forms."""

    @functools.cached_property
    def _all(self) -> dict[str, dict[str, str]]:
        texts: dict[str, dict[str, str]] = {}
        for language in LANGUAGES:
            for message in _read(language):
                if not message.id:
                    continue  # the header
                if isinstance(message.id, str):
                    texts.setdefault(message.id, {})[language] = str(message.string or "")
                else:
                    forms = tuple(message.string or ("", ""))
                    texts.setdefault(message.id[0], {})[language] = forms[0]
                    texts.setdefault(message.id[1], {})[language] = forms[-1]
        return texts

    def __getitem__(self, key: str) -> dict[str, str]:
        return self._all[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._all)


MESSAGES: Final = _Texts()


class _Params(dict[str, Any]):
    """Format parameters that leave a missing placeholder visible instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _filled(key: str, text: str, params: dict[str, Any]) -> str:
    if text == key:  # gettext gives the id back when no catalogue has it
        log.warning("no text for %r", key)
        return key
    return text.format_map(_Params(params))


def translate(key: str, language: str, **params: Any) -> str:
    """The text for ``key`` in ``language`` with ``params`` filled in; no request needed."""
    return _filled(key, catalogue(language).gettext(key), params)


def translate_plural(one: str, other: str, number: int, language: str, **params: Any) -> str:
    """The singular (``one``) or plural (``other``) text for ``number`` in ``language``;
    ``{count}`` is ``number`` unless given."""
    params.setdefault("count", number)
    return _filled(one if number == 1 else other, catalogue(language).ngettext(one, other, number), params)


# --- values chosen at run time ---------------------------------------------------------------
# A status, a role, an error code: the page knows the value only at run time. Each table
# lists the keys literally (so extraction finds them); the value is the key's ``*`` part.


def _choices(pattern: str, *keys: str) -> dict[str, str]:
    prefix, _, suffix = pattern.partition("*")
    return {key[len(prefix) : len(key) - len(suffix)]: key for key in keys}


# fmt: off
CHOICES: Final[dict[str, dict[str, str]]] = {
    "role.*": _choices(
        "role.*",
        N_("role.sector_admin"), N_("role.org_admin"), N_("role.supervisor"),
    ),
    "status.*": _choices(
        "status.*",
        N_("status.valid"), N_("status.suspended"), N_("status.revoked"),
    ),
    "membership.*": _choices(
        "membership.*",
        N_("membership.active"), N_("membership.suspended"), N_("membership.ended"),
    ),
    "revocation.category.*": _choices(
        "revocation.category.*",
        N_("revocation.category.issued_in_error"), N_("revocation.category.details_wrong"),
        N_("revocation.category.replaced"), N_("revocation.category.key_compromised"),
        N_("revocation.category.other"),
    ),
    "api_tokens.scope.*": _choices(
        "api_tokens.scope.*",
        N_("api_tokens.scope.issue"), N_("api_tokens.scope.revoke"),
    ),
    "verify.outcome.*": _choices(
        "verify.outcome.*",
        N_("verify.outcome.passed"), N_("verify.outcome.failed"), N_("verify.outcome.skipped"),
    ),
    "bulk.state.*": _choices(
        "bulk.state.*",
        N_("bulk.state.checked"), N_("bulk.state.running"), N_("bulk.state.done"), N_("bulk.state.failed"),
    ),
    "bulk.failure.*": _choices(
        "bulk.failure.*",
        N_("bulk.failure.database"), N_("bulk.failure.keystore"), N_("bulk.failure.org_not_active"),
        N_("bulk.failure.unknown"), N_("bulk.failure.after"),
    ),
    "bulk.outcome.*": _choices(
        "bulk.outcome.*",
        N_("bulk.outcome.issued"), N_("bulk.outcome.skipped"), N_("bulk.outcome.failed"),
    ),
    "regions.import.problem.*": _choices(
        "regions.import.problem.*",
        N_("regions.import.problem.not_utf8"), N_("regions.import.problem.file_too_large"),
        N_("regions.import.problem.empty_file"), N_("regions.import.problem.bad_header"),
        N_("regions.import.problem.too_many_lines"), N_("regions.import.problem.empty_name"),
        N_("regions.import.problem.too_long"), N_("regions.import.problem.control_chars"),
        N_("regions.import.problem.bad_region_name"), N_("regions.import.problem.bad_partnership"),
        N_("regions.import.problem.bad_code"), N_("regions.import.problem.duplicate_name"),
        N_("regions.import.problem.duplicate_code"), N_("regions.import.problem.region_exists"),
        N_("regions.import.problem.no_regions"),
    ),
    "framework.change.*": _choices(
        "framework.change.*",
        N_("framework.change.added"), N_("framework.change.reworded"), N_("framework.change.aligned"),
        N_("framework.change.regrouped"), N_("framework.change.retired"), N_("framework.change.reinstated"),
    ),
    "framework.field.*": _choices(
        "framework.field.*",
        N_("framework.field.code"), N_("framework.field.group"), N_("framework.field.name_nl"),
        N_("framework.field.name_en"), N_("framework.field.description_nl"), N_("framework.field.description_en"),
        N_("framework.field.criteria_nl"), N_("framework.field.criteria_en"), N_("framework.field.esco"),
        N_("framework.field.note"), N_("framework.field.reason"),
    ),
    "framework.competence_state.*": _choices(
        "framework.competence_state.*",
        N_("framework.competence_state.active"), N_("framework.competence_state.retired"),
    ),
    "framework.kind.*": _choices(
        "framework.kind.*",
        N_("framework.kind.added"), N_("framework.kind.reworded"), N_("framework.kind.aligned"),
        N_("framework.kind.regrouped"), N_("framework.kind.retired"), N_("framework.kind.reinstated"),
    ),
    "framework.state.*": _choices(
        "framework.state.*",
        N_("framework.state.draft"), N_("framework.state.published"),
    ),
    "quality_mark.*": _choices(
        "quality_mark.*",
        N_("quality_mark.erkend"), N_("quality_mark.in_aanvraag"), N_("quality_mark.geen"),
    ),
    "trust.action.*": _choices(
        "trust.action.*",
        N_("trust.action.suspend"), N_("trust.action.end"), N_("trust.action.reinstate"),
    ),
    "bulk.column.*.help": _choices(
        "bulk.column.*.help",
        N_("bulk.column.holder_name.help"), N_("bulk.column.competence.help"), N_("bulk.column.level.help"),
        N_("bulk.column.evidence.help"), N_("bulk.column.issued_on.help"), N_("bulk.column.external_ref.help"),
    ),
    "*.title": _choices(
        "*.title",
        N_("revoke.title"), N_("suspend.title"), N_("lift.title"),
    ),
    "*.text": _choices(
        "*.text",
        N_("revoke.text"), N_("suspend.text"), N_("lift.text"),
    ),
    "*.submit": _choices(
        "*.submit",
        N_("revoke.submit"), N_("suspend.submit"), N_("lift.submit"),
    ),
    "verify.verdict.*.title": _choices(
        "verify.verdict.*.title",
        N_("verify.verdict.valid.title"), N_("verify.verdict.revoked.title"), N_("verify.verdict.suspended.title"),
        N_("verify.verdict.expired.title"), N_("verify.verdict.invalid.title"), N_("verify.verdict.not_found.title"),
        N_("verify.verdict.withdrawn.title"),
    ),
    "verify.verdict.*.text": _choices(
        "verify.verdict.*.text",
        N_("verify.verdict.valid.text"), N_("verify.verdict.revoked.text"), N_("verify.verdict.suspended.text"),
        N_("verify.verdict.expired.text"), N_("verify.verdict.invalid.text"), N_("verify.verdict.not_found.text"),
        N_("verify.verdict.withdrawn.text"),
    ),
    "verify.verdict.*.next": _choices(
        "verify.verdict.*.next",
        N_("verify.verdict.not_found.next"), N_("verify.verdict.withdrawn.next"),
    ),
    "flash.*": _choices(
        "flash.*",
        N_("flash.revoke"), N_("flash.suspend"), N_("flash.lift"),
    ),
    "flash.trust.*": _choices(
        "flash.trust.*",
        N_("flash.trust.admitted"), N_("flash.trust.quality_mark"), N_("flash.trust.suspend"), N_("flash.trust.end"),
        N_("flash.trust.reinstate"),
    ),
    "verify.check.*": _choices(
        "verify.check.*",
        N_("verify.check.any.passed"), N_("verify.check.any.failed"), N_("verify.check.any.skipped"),
        N_("verify.check.structure.passed"), N_("verify.check.structure.failed"),
        N_("verify.check.structure.failed.not_an_object"), N_("verify.check.structure.failed.unprocessable"),
        N_("verify.check.valid_signature.passed"), N_("verify.check.valid_signature.failed"),
        N_("verify.check.valid_signature.failed.missing_proof"),
        N_("verify.check.valid_signature.failed.unresolvable_key"),
        N_("verify.check.valid_signature.failed.proof_expired"), N_("verify.check.issuer_key.passed"),
        N_("verify.check.issuer_key.failed"), N_("verify.check.issuer_key.failed.missing_issuer"),
        N_("verify.check.registered_issuer.passed"), N_("verify.check.registered_issuer.failed"),
        N_("verify.check.registered_issuer.failed.not_a_member"),
        N_("verify.check.registered_issuer.failed.unknown_key"),
        N_("verify.check.registered_issuer.failed.key_compromised"),
        N_("verify.check.registered_issuer.failed.key_retired"),
        N_("verify.check.registered_issuer.failed.key_not_yet_valid"),
        N_("verify.check.registered_issuer.failed.no_signing_time"),
        N_("verify.check.registered_issuer.failed.not_yet_member"),
        N_("verify.check.registered_issuer.failed.membership_suspended"),
        N_("verify.check.registered_issuer.failed.membership_ended"), N_("verify.check.validity_period.passed"),
        N_("verify.check.validity_period.failed"), N_("verify.check.validity_period.failed.expired"),
        N_("verify.check.validity_period.failed.not_yet_valid"), N_("verify.check.status.passed"),
        N_("verify.check.status.failed"), N_("verify.check.status.failed.revoked"),
        N_("verify.check.status.failed.suspended"), N_("verify.check.status.skipped"),
        N_("verify.check.status.skipped.no_status"),
    ),
    "verify.error.*": _choices(
        "verify.error.*",
        N_("verify.error.nothing"), N_("verify.error.empty"), N_("verify.error.both"),
        N_("verify.error.pdf_not_a_pdf"), N_("verify.error.pdf_unreadable"), N_("verify.error.pdf_no_credential"),
        N_("verify.error.pdf_too_large"), N_("verify.error.pdf_too_many"),
        N_("verify.error.pdf_too_many_attachments"), N_("verify.error.pdf_attachment_too_large"),
        N_("verify.error.pdf_several_credentials"), N_("verify.error.too_large"), N_("verify.error.bad_text"),
        N_("verify.error.unreadable"),
    ),
    "error.*": _choices(
        "error.*",
        N_("error.required.category"), N_("error.bad_category"), N_("error.required.name"),
        N_("error.scope_required"), N_("error.unknown_scope"), N_("error.token_revoked"), N_("error.unknown_token"),
        N_("error.token_confirm_required"), N_("error.page_title"), N_("error.400.title"), N_("error.400.text"),
        N_("error.csrf.text"), N_("error.403.title"), N_("error.403.text"), N_("error.404.title"),
        N_("error.404.text"), N_("error.405.title"), N_("error.405.text"), N_("error.413.title"),
        N_("error.413.text"), N_("error.500.title"), N_("error.500.text"), N_("error.keystore.title"),
        N_("error.keystore.text"), N_("error.unknown"), N_("error.login_failed"), N_("error.required"),
        N_("error.required.email"), N_("error.required.password"), N_("error.required.holder_name"),
        N_("error.required.reason"), N_("error.required.competence"), N_("error.too_long"), N_("error.control_chars"),
        N_("error.bad_email"), N_("error.bad_level"), N_("error.unknown_competence"), N_("error.retired_competence"),
        N_("error.future_date"), N_("error.bad_date"), N_("error.wrong_org"), N_("error.wrong_org.participant"),
        N_("error.wrong_org.shop"), N_("error.unknown_participant"), N_("error.unknown_shop"),
        N_("error.participant_erased"), N_("error.unknown_certificate"), N_("error.unknown_org"),
        N_("error.already_revoked"), N_("error.already_suspended"), N_("error.not_suspended"),
        N_("error.confirm_required"), N_("error.org_not_active"), N_("error.no_key"), N_("error.no_keys"),
        N_("error.cannot_build"), N_("error.duplicate"), N_("error.unknown_key"), N_("error.already_compromised"),
        N_("error.unknown_status_list"), N_("error.bad_role"), N_("error.bad_slug"), N_("error.org_exists"),
        N_("error.org_required"), N_("error.password_short"), N_("error.password_simple"), N_("error.user_exists"),
        N_("error.required.org_name"), N_("error.required.slug"), N_("error.bad_website"),
        N_("error.bad_quality_mark"), N_("error.confirm_required.confirm_membership"),
        N_("error.membership_unchanged"), N_("error.membership_transition"), N_("error.bad_action"),
        N_("error.no_sector_key"), N_("error.bad_code"), N_("error.duplicate_code"), N_("error.unknown_group"),
        N_("error.criteria_count"), N_("error.bad_esco"), N_("error.esco_required"), N_("error.unknown_esco"),
        N_("error.duplicate_esco"), N_("error.no_draft"), N_("error.draft_exists"), N_("error.version_published"),
        N_("error.no_published_version"), N_("error.unknown_version"), N_("error.no_changes"),
        N_("error.invalid_framework"), N_("error.already_retired"), N_("error.added_in_draft"),
        N_("error.unknown_proposal"), N_("error.proposal_decided"), N_("error.bad_change_file"),
        N_("error.framework_discard_confirm"), N_("error.required.note"), N_("error.required.code"),
        N_("error.bad_month"), N_("error.bad_period"), N_("error.unknown_region"), N_("error.region_exists"),
        N_("error.region_in_use"), N_("error.bad_partnership"), N_("error.bad_region_name"),
    ),
}
# fmt: on


def key_of(pattern: str, value: str) -> str | None:
    """The key for ``value`` in the table ``pattern`` (``"status.*"``), or None."""
    return CHOICES[pattern].get(value)
