"""Open Badges 3.0 / VC 2.0 model: build an ``OpenBadgeCredential`` for a competence.

The achievement is a ``Competency`` with criteria, ESCO alignments and a level
rubric (``resultDescription`` with ``rubricCriterionLevel``); the holder's level
is ``result.achievedLevel``. The output passes the OB 3.0 JSON schema and the
strict JSON-LD check (every term defined by the bundled contexts).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from credentials.errors import CredentialBuildError
from credentials.jsonld import OB_EXTENSIONS, OB_V3, VC_V2
from credentials.statuslist import StatusEntry
from credentials.timeutil import format_datetime

OB_SCHEMA_URL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
CREDENTIAL_CONTEXT = (VC_V2, OB_V3, OB_EXTENSIONS)
ESCO_FRAMEWORK = "ESCO"
ESCO_TARGET_TYPE = "ext:ESCOSkill"


@dataclass(frozen=True)
class Alignment:
    """An alignment to a framework item, by default an ESCO skill URI."""

    target_url: str
    target_name: str
    target_framework: str = ESCO_FRAMEWORK
    target_type: str = ESCO_TARGET_TYPE
    target_code: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": ["Alignment"],
            "targetName": self.target_name,
            "targetUrl": self.target_url,
            "targetFramework": self.target_framework,
            "targetType": self.target_type,
        }
        if self.target_code:
            data["targetCode"] = self.target_code
        return data


@dataclass(frozen=True)
class RubricLevel:
    """One step on the level scale, e.g. ``zelfstandig``. ``code`` becomes the IRI fragment."""

    code: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class Competency:
    """A competence as the sector's framework defines it."""

    id: str  # absolute URI of the achievement (versioned)
    name: str
    description: str
    criteria: str
    levels: Sequence[RubricLevel]
    alignments: Sequence[Alignment] = ()
    human_code: str | None = None
    version: str | None = None
    language: str = "nl"
    tags: Sequence[str] = ()
    level_scale_name: str = "Beheersingsniveau"

    def level_id(self, code: str) -> str:
        return f"{self.id}#niveau-{code}"

    @property
    def result_description_id(self) -> str:
        return f"{self.id}#niveau"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "type": ["Achievement"],
            "achievementType": "Competency",
            "name": self.name,
            "description": self.description,
            "criteria": {"narrative": self.criteria},
            "inLanguage": self.language,
        }
        if self.human_code:
            data["humanCode"] = self.human_code
        if self.version:
            data["version"] = self.version
        if self.tags:
            data["tag"] = list(self.tags)
        if self.alignments:
            data["alignment"] = [a.to_json() for a in self.alignments]
        data["resultDescription"] = [
            {
                "id": self.result_description_id,
                "type": ["ResultDescription"],
                "name": self.level_scale_name,
                "resultType": "RubricCriterionLevel",
                "rubricCriterionLevel": [
                    {
                        "id": self.level_id(level.code),
                        "type": ["RubricCriterionLevel"],
                        "name": level.name,
                        **({"description": level.description} if level.description else {}),
                        "level": str(position),
                    }
                    for position, level in enumerate(self.levels, start=1)
                ],
            }
        ]
        return data


@dataclass(frozen=True)
class IssuerProfile:
    """The issuing organisation as an OB ``Profile``; ``id`` is its DID."""

    id: str
    name: str
    url: str | None = None
    email: str | None = None
    phone: str | None = None
    description: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": ["Profile"], "name": self.name}
        for key, value in (
            ("url", self.url),
            ("email", self.email),
            ("phone", self.phone),
            ("description", self.description),
        ):
            if value:
                data[key] = value
        return data


@dataclass(frozen=True)
class Evidence:
    """What the supervisor saw: a narrative, optionally with a name and a page."""

    narrative: str
    name: str | None = None
    id: str | None = None
    genre: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": ["Evidence"], "narrative": self.narrative}
        if self.id:
            data["id"] = self.id
        if self.name:
            data["name"] = self.name
        if self.genre:
            data["genre"] = self.genre
        return data


@dataclass(frozen=True)
class Holder:
    """The person the certificate is about. Without a DID, the name is the identifier."""

    name: str
    did: str | None = None

    def identity(self) -> dict[str, Any]:
        return {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": self.name}


@dataclass(frozen=True)
class CertificateRequest:
    """Everything that goes into one competence certificate."""

    credential_id: str
    issuer: IssuerProfile
    competency: Competency
    holder: Holder
    level_code: str
    valid_from: datetime
    valid_until: datetime | None = None
    evidence: Sequence[Evidence] = ()
    status: StatusEntry | None = None
    name: str | None = None
    extra_contexts: Sequence[str] = field(default=())
    # Where the competence was assessed (a shop), as OB ``credentialSubject.source``.
    assessor: IssuerProfile | None = None


_ABSOLUTE_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")


def _require_text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CredentialBuildError(f"{what} must not be empty")
    return value.strip()


def build_competency_credential(request: CertificateRequest) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential for ``request``.

    Raises CredentialBuildError for an empty holder name, a level not on the
    competency's scale, or validUntil before validFrom.
    """
    holder_name = _require_text(request.holder.name, "the holder's name")
    competency = request.competency
    _require_text(competency.name, "the competence name")
    if not competency.levels:
        raise CredentialBuildError("the competence has no level scale")
    codes = [level.code for level in competency.levels]
    if request.level_code not in codes:
        raise CredentialBuildError(
            f"level {request.level_code!r} is not on the scale of {competency.name!r} ({', '.join(codes)})"
        )
    if not _ABSOLUTE_URI.match(request.credential_id or ""):
        raise CredentialBuildError("the credential id must be an absolute URI (e.g. urn:uuid:…)")
    for name, moment in (("validFrom", request.valid_from), ("validUntil", request.valid_until)):
        if moment is not None and moment.tzinfo is None:
            raise CredentialBuildError(f"{name} needs a time zone (an aware datetime)")
    if request.valid_until is not None and request.valid_until <= request.valid_from:
        raise CredentialBuildError("validUntil must be after validFrom")

    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [Holder(holder_name, request.holder.did).identity()],
        "achievement": competency.to_json(),
        "result": [
            {
                "type": ["Result"],
                "resultDescription": competency.result_description_id,
                "achievedLevel": competency.level_id(request.level_code),
            }
        ],
    }
    if request.holder.did:
        subject["id"] = request.holder.did
    if request.assessor is not None:
        subject["source"] = request.assessor.to_json()
    credential: dict[str, Any] = {
        "@context": [*CREDENTIAL_CONTEXT, *request.extra_contexts],
        "id": request.credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": request.name or competency.name,
        "issuer": request.issuer.to_json(),
        "validFrom": format_datetime(request.valid_from),
        "awardedDate": format_datetime(request.valid_from),
        "credentialSubject": subject,
        "credentialSchema": [{"id": OB_SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    if request.valid_until is not None:
        credential["validUntil"] = format_datetime(request.valid_until)
    if request.evidence:
        credential["evidence"] = [e.to_json() for e in request.evidence]
    if request.status is not None:
        credential["credentialStatus"] = request.status.to_json()
    return credential
