"""The shipped competence catalogue: what a supervisor can certify, in Dutch and English.

The catalogue is a JSON document (``competences.json`` in this package) with the
framework's identity, the three-step level scale, the competence groups and the
competences, each aligned to one or more ESCO v1.1.1 skills. ``load_catalogue()``
reads and validates it; a ``CatalogueCompetence`` turns into the
``credentials.model.Competency`` that ``build_competency_credential`` puts in a
certificate.

This module imports only the standard library and ``credentials``: the issuer
service, the command line and the tests all use it without a web framework.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import date
from difflib import get_close_matches
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Final, NoReturn
from urllib.parse import urlsplit

from credentials.model import Alignment, Competency, RubricLevel

__all__ = [
    "CATALOGUE_RESOURCE",
    "ESCO_ATTRIBUTION",
    "LANGUAGES",
    "Catalogue",
    "CatalogueCompetence",
    "CatalogueError",
    "CatalogueGroup",
    "CatalogueLevel",
    "EscoSkill",
    "Framework",
    "catalogue_json",
    "load_catalogue",
    "parse_catalogue",
]

CATALOGUE_RESOURCE: Final = "competences.json"
LANGUAGES: Final = ("nl", "en")
LEVEL_CODES: Final = ("1", "2", "3")
STATUSES: Final = ("active", "retired")
CRITERIA_MIN: Final = 3
CRITERIA_MAX: Final = 5
# The acknowledgement ESCO asks of services that integrate the classification
# (ESCO reuse conditions under Commission Decision 2011/833/EU; see
# ../shared/catalogue/SOURCES.md, section 4). The loader refuses a catalogue without it.
ESCO_ATTRIBUTION: Final = "This service uses the ESCO classification of the European Commission."
# Shown as the name of the level scale in the credential (resultDescription.name).
LEVEL_SCALE_NAMES: Final = {"nl": "Beheersingsniveau", "en": "Level of mastery"}

_ESCO_SKILL_URI = re.compile(
    r"http://data\.europa\.eu/esco/skill/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)
_COMPETENCE_CODE = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+")
_GROUP_CODE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_VERSION = re.compile(r"[1-9][0-9]*")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class CatalogueError(ValueError):
    """The catalogue document is malformed; the message names the source, the entry and the field."""


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")


def _in_language(language: str, nl: str, en: str) -> str:
    _check_language(language)
    return nl if language == "nl" else en


@dataclass(frozen=True)
class Framework:
    """The competence framework as a whole: its identity, version and the ESCO acknowledgement."""

    id: str
    name_nl: str
    name_en: str
    version: str
    published: date
    esco_version: str
    esco_attribution: str

    def name(self, language: str = "nl") -> str:
        return _in_language(language, self.name_nl, self.name_en)


@dataclass(frozen=True)
class CatalogueLevel:
    """One step of the level scale (``1`` met begeleiding, ``2`` zelfstandig, ``3`` kan anderen instrueren)."""

    code: str
    name_nl: str
    name_en: str
    description_nl: str
    description_en: str

    def name(self, language: str = "nl") -> str:
        return _in_language(language, self.name_nl, self.name_en)

    def description(self, language: str = "nl") -> str:
        return _in_language(language, self.description_nl, self.description_en)

    def to_rubric_level(self, language: str = "nl") -> RubricLevel:
        """The level as it appears in a credential's rubric. Raises ValueError for an unknown language."""
        return RubricLevel(self.code, self.name(language), self.description(language))


@dataclass(frozen=True)
class CatalogueGroup:
    """A group of competences: ``circular``, ``digital`` or ``craft-and-work``."""

    code: str
    name_nl: str
    name_en: str

    def name(self, language: str = "nl") -> str:
        return _in_language(language, self.name_nl, self.name_en)


@dataclass(frozen=True)
class EscoSkill:
    """An ESCO skill a competence is aligned to: its concept URI and ESCO's English preferred label."""

    uri: str
    label_en: str

    def to_alignment(self) -> Alignment:
        return Alignment(target_url=self.uri, target_name=self.label_en, target_code=None)


@dataclass(frozen=True)
class CatalogueCompetence:
    """One competence of the catalogue, with the catalogue's level scale attached.

    ``criteria_nl`` and ``criteria_en`` are Markdown bullet lists (``- `` lines) of
    what a supervisor can see the worker do.
    """

    code: str
    group: str
    name_nl: str
    name_en: str
    description_nl: str
    description_en: str
    criteria_nl: str
    criteria_en: str
    esco: tuple[EscoSkill, ...]
    status: str
    since_version: str
    levels: tuple[CatalogueLevel, ...]

    def name(self, language: str = "nl") -> str:
        return _in_language(language, self.name_nl, self.name_en)

    def description(self, language: str = "nl") -> str:
        return _in_language(language, self.description_nl, self.description_en)

    def criteria(self, language: str = "nl") -> str:
        return _in_language(language, self.criteria_nl, self.criteria_en)

    def achievement_id(self, base_url: str) -> str:
        """``{base_url}/competenties/{code in lower case}/v{since_version}``.

        Raises ValueError unless ``base_url`` is an absolute http(s) URL without query or fragment.
        """
        return f"{_service_base(base_url)}/competenties/{self.code.lower()}/v{self.since_version}"

    def to_json(self) -> dict[str, Any]:
        """A plain-JSON copy (stored with each catalogue version in the database)."""
        data = asdict(self)
        data["esco"] = [asdict(skill) for skill in self.esco]
        data["levels"] = [asdict(level) for level in self.levels]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CatalogueCompetence:
        """The inverse of :meth:`to_json`."""
        fields = dict(data)
        fields["esco"] = tuple(EscoSkill(**skill) for skill in data["esco"])
        fields["levels"] = tuple(CatalogueLevel(**level) for level in data["levels"])
        return cls(**fields)

    def to_competency(self, base_url: str, *, language: str = "nl") -> Competency:
        """The credential achievement for this competence, in ``language`` (``nl`` or ``en``).

        ``base_url`` is the issuing service's public base URL, e.g.
        ``https://certificaten.kringloop.example``; a trailing slash is ignored.
        Raises ValueError for another language or a base URL that is not absolute http(s).
        """
        _check_language(language)
        return Competency(
            id=self.achievement_id(base_url),
            name=self.name(language),
            description=self.description(language),
            criteria=self.criteria(language),
            levels=tuple(level.to_rubric_level(language) for level in self.levels),
            alignments=tuple(skill.to_alignment() for skill in self.esco),
            human_code=self.code,
            version=self.since_version,
            language=language,
            tags=(self.group,),
            level_scale_name=LEVEL_SCALE_NAMES[language],
        )


def _service_base(base_url: str) -> str:
    parts = urlsplit(base_url)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"base_url must be an absolute http(s) URL without query or fragment, not {base_url!r}")
    return base_url.rstrip("/")


@dataclass(frozen=True)
class Catalogue:
    """The validated catalogue. Competences keep the order of the document."""

    framework: Framework
    levels: tuple[CatalogueLevel, ...]
    groups: tuple[CatalogueGroup, ...]
    competences: tuple[CatalogueCompetence, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(competence.code for competence in self.competences)

    def get(self, code: str) -> CatalogueCompetence:
        """The competence with this code. Raises KeyError naming close matches when there is none."""
        for competence in self.competences:
            if competence.code == code:
                return competence
        # Codes are upper case, so a lower-case code is the nearest miss of all.
        wanted = code.strip().upper()
        suggestions = [wanted] if wanted in self.codes else get_close_matches(wanted, self.codes, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else "; codes look like CIRC-SORTEREN"
        raise KeyError(
            f"no competence {code!r} in catalogue version {self.framework.version} "
            f"({len(self.competences)} competences){hint}"
        )

    def group(self, code: str) -> CatalogueGroup:
        """The group with this code. Raises KeyError listing the known groups when there is none."""
        for group in self.groups:
            if group.code == code:
                return group
        raise KeyError(f"no group {code!r}; known groups: {', '.join(g.code for g in self.groups)}")

    def by_group(self) -> dict[str, tuple[CatalogueCompetence, ...]]:
        """Competences per group code, in the order of ``groups`` (a group without competences maps to ``()``)."""
        return {
            group.code: tuple(competence for competence in self.competences if competence.group == group.code)
            for group in self.groups
        }


def catalogue_json(catalogue: Catalogue | None = None) -> list[dict[str, Any]]:
    """A JSON-ready summary of the competences (for ``credentials catalogue list --json``).

    One object per competence with ``code``, ``group``, ``name_nl``, ``name_en``,
    ``status``, ``since_version`` and ``esco`` (list of ``uri`` and ``label_en``).
    Uses the shipped catalogue unless one is given.
    """
    catalogue = catalogue if catalogue is not None else load_catalogue()
    return [
        {
            "code": competence.code,
            "group": competence.group,
            "name_nl": competence.name_nl,
            "name_en": competence.name_en,
            "status": competence.status,
            "since_version": competence.since_version,
            "esco": [{"uri": skill.uri, "label_en": skill.label_en} for skill in competence.esco],
        }
        for competence in catalogue.competences
    ]


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read and validate a catalogue; without ``path``, the one shipped in this package (cached).

    Raises CatalogueError when the file cannot be read or is not a valid catalogue.
    """
    if path is None:
        return _load_shipped()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{path}: cannot read the catalogue: {exc}") from exc
    return parse_catalogue(text, source=str(path))


@lru_cache(maxsize=1)
def _load_shipped() -> Catalogue:
    # The result is immutable (frozen dataclasses and tuples), so sharing one copy is safe.
    text = resources.files(__name__).joinpath(CATALOGUE_RESOURCE).read_text(encoding="utf-8")
    return parse_catalogue(text, source=f"{__name__}/{CATALOGUE_RESOURCE}")


def parse_catalogue(text: str, *, source: str = "<catalogue>") -> Catalogue:
    """Validate a catalogue document given as JSON text. Raises CatalogueError naming what is wrong."""
    return _Reader(source).catalogue(text)


class _Reader:
    """Validates the document field by field; every error names ``source`` and the place in the document."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> NoReturn:
        raise CatalogueError(f"{self.source}: {where}: {message}")

    # -- JSON ---------------------------------------------------------------

    def _pairs(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                self.fail("document", f"duplicate key {key!r} in one object")
            result[key] = value
        return result

    def _constant(self, name: str) -> NoReturn:
        self.fail("document", f"{name} is not allowed")

    def _json(self, text: str) -> Any:
        try:
            return json.loads(text, object_pairs_hook=self._pairs, parse_constant=self._constant)
        except json.JSONDecodeError as exc:
            self.fail("document", f"not valid JSON: {exc}")

    # -- building blocks ----------------------------------------------------

    def _object(
        self, value: Any, where: str, fields: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, f"must be an object, not {type(value).__name__}")
        missing = [name for name in fields if name not in value]
        if missing:
            self.fail(where, f"missing field(s) {', '.join(missing)}")
        unknown = sorted(set(value) - set(fields) - set(optional))
        if unknown:
            self.fail(where, f"unknown field(s) {', '.join(unknown)}")
        return value

    def _text(self, obj: dict[str, Any], key: str, where: str) -> str:
        value = obj[key]
        if not isinstance(value, str) or not value.strip():
            self.fail(where, f"{key} must be a non-empty string")
        return value.strip()

    def _list(self, obj: dict[str, Any], key: str, where: str) -> list[Any]:
        value = obj[key]
        if not isinstance(value, list) or not value:
            self.fail(where, f"{key} must be a non-empty list")
        return value

    def _version(self, obj: dict[str, Any], key: str, where: str) -> str:
        value = self._text(obj, key, where)
        if not _VERSION.fullmatch(value):
            self.fail(where, f'{key} must be a whole number written as a string (e.g. "1"), not {value!r}')
        return value

    def _criteria(self, obj: dict[str, Any], key: str, where: str) -> str:
        value = self._text(obj, key, where)
        lines = value.splitlines()
        for number, line in enumerate(lines, start=1):
            if not line.startswith("- ") or not line[2:].strip():
                self.fail(where, f"{key} line {number} is not a Markdown bullet point ('- ' and text): {line!r}")
        if not CRITERIA_MIN <= len(lines) <= CRITERIA_MAX:
            self.fail(where, f"{key} has {len(lines)} bullet points; {CRITERIA_MIN} to {CRITERIA_MAX} are required")
        return value

    # -- sections -----------------------------------------------------------

    def catalogue(self, text: str) -> Catalogue:
        document = self._object(self._json(text), "document", ("framework", "levels", "groups", "competences"))
        framework = self.framework(document["framework"])
        levels = self.levels(document)
        groups = self.groups(document)
        competences = self.competences(document, framework, levels, groups)
        return Catalogue(framework=framework, levels=levels, groups=groups, competences=competences)

    def framework(self, value: Any) -> Framework:
        where = "framework"
        fields = ("id", "name_nl", "name_en", "version", "published", "esco_version", "esco_attribution")
        obj = self._object(value, where, fields)
        framework_id = self._text(obj, "id", where)
        parts = urlsplit(framework_id)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            self.fail(where, f"id must be an absolute http(s) URL, not {framework_id!r}")
        published_text = self._text(obj, "published", where)
        try:
            if not _ISO_DATE.fullmatch(published_text):
                raise ValueError(published_text)
            published = date.fromisoformat(published_text)
        except ValueError:
            self.fail(where, f"published must be a date written YYYY-MM-DD, not {published_text!r}")
        esco_version = self._text(obj, "esco_version", where)
        attribution = self._text(obj, "esco_attribution", where)
        if ESCO_ATTRIBUTION not in attribution:
            self.fail(where, f"esco_attribution must contain ESCO's required acknowledgement {ESCO_ATTRIBUTION!r}")
        if esco_version not in attribution:
            self.fail(where, f"esco_attribution must name the ESCO version ({esco_version})")
        return Framework(
            id=framework_id,
            name_nl=self._text(obj, "name_nl", where),
            name_en=self._text(obj, "name_en", where),
            version=self._version(obj, "version", where),
            published=published,
            esco_version=esco_version,
            esco_attribution=attribution,
        )

    def levels(self, document: dict[str, Any]) -> tuple[CatalogueLevel, ...]:
        levels = []
        for index, value in enumerate(self._list(document, "levels", "document")):
            where = f"levels[{index}]"
            obj = self._object(value, where, ("code", "name_nl", "name_en", "description_nl", "description_en"))
            levels.append(
                CatalogueLevel(
                    code=self._text(obj, "code", where),
                    name_nl=self._text(obj, "name_nl", where),
                    name_en=self._text(obj, "name_en", where),
                    description_nl=self._text(obj, "description_nl", where),
                    description_en=self._text(obj, "description_en", where),
                )
            )
        codes = tuple(level.code for level in levels)
        if codes != LEVEL_CODES:
            self.fail("levels", f"expected the three levels {', '.join(LEVEL_CODES)} in this order, found {codes}")
        return tuple(levels)

    def groups(self, document: dict[str, Any]) -> tuple[CatalogueGroup, ...]:
        groups: list[CatalogueGroup] = []
        for index, value in enumerate(self._list(document, "groups", "document")):
            where = f"groups[{index}]"
            obj = self._object(value, where, ("code", "name_nl", "name_en"))
            code = self._text(obj, "code", where)
            if not _GROUP_CODE.fullmatch(code):
                self.fail(where, f"code must be lower-case ASCII words joined by hyphens, not {code!r}")
            if any(group.code == code for group in groups):
                self.fail(where, f"duplicate group code {code!r}")
            groups.append(
                CatalogueGroup(
                    code=code, name_nl=self._text(obj, "name_nl", where), name_en=self._text(obj, "name_en", where)
                )
            )
        return tuple(groups)

    def competences(
        self,
        document: dict[str, Any],
        framework: Framework,
        levels: tuple[CatalogueLevel, ...],
        groups: tuple[CatalogueGroup, ...],
    ) -> tuple[CatalogueCompetence, ...]:
        group_codes = [group.code for group in groups]
        seen: dict[str, int] = {}
        competences = []
        for index, value in enumerate(self._list(document, "competences", "document")):
            competence = self.competence(value, f"competences[{index}]", framework, levels, group_codes)
            if competence.code in seen:
                self.fail(
                    f"competences[{index}]",
                    f"duplicate competence code {competence.code!r} (also competences[{seen[competence.code]}])",
                )
            seen[competence.code] = index
            competences.append(competence)
        return tuple(competences)

    def competence(
        self,
        value: Any,
        where: str,
        framework: Framework,
        levels: tuple[CatalogueLevel, ...],
        group_codes: list[str],
    ) -> CatalogueCompetence:
        fields = (
            "code",
            "group",
            "name_nl",
            "name_en",
            "description_nl",
            "description_en",
            "criteria_nl",
            "criteria_en",
            "esco",
            "status",
            "since_version",
        )
        obj = self._object(value, where, fields)
        code = self._text(obj, "code", where)
        if not _COMPETENCE_CODE.fullmatch(code):
            self.fail(
                where, f"code must be upper-case ASCII words joined by hyphens (e.g. CIRC-SORTEREN), not {code!r}"
            )
        where = f"{where} ({code})"
        group = self._text(obj, "group", where)
        if group not in group_codes:
            self.fail(where, f"unknown group {group!r}; known groups: {', '.join(group_codes)}")
        status = self._text(obj, "status", where)
        if status not in STATUSES:
            self.fail(where, f"status must be one of {', '.join(STATUSES)}, not {status!r}")
        since_version = self._version(obj, "since_version", where)
        if int(since_version) > int(framework.version):
            self.fail(where, f"since_version {since_version} is later than the framework version {framework.version}")
        return CatalogueCompetence(
            code=code,
            group=group,
            name_nl=self._text(obj, "name_nl", where),
            name_en=self._text(obj, "name_en", where),
            description_nl=self._text(obj, "description_nl", where),
            description_en=self._text(obj, "description_en", where),
            criteria_nl=self._criteria(obj, "criteria_nl", where),
            criteria_en=self._criteria(obj, "criteria_en", where),
            esco=self.esco(obj, where),
            status=status,
            since_version=since_version,
            levels=levels,
        )

    def esco(self, obj: dict[str, Any], where: str) -> tuple[EscoSkill, ...]:
        skills: list[EscoSkill] = []
        for index, value in enumerate(self._list(obj, "esco", where)):
            place = f"{where} esco[{index}]"
            item = self._object(value, place, ("uri", "label_en"))
            uri = self._text(item, "uri", place)
            if not _ESCO_SKILL_URI.fullmatch(uri):
                self.fail(place, f"uri must be an ESCO skill URI http://data.europa.eu/esco/skill/<uuid>, not {uri!r}")
            if any(skill.uri == uri for skill in skills):
                self.fail(place, f"ESCO skill {uri} is listed twice")
            skills.append(EscoSkill(uri=uri, label_en=self._text(item, "label_en", place)))
        return tuple(skills)
