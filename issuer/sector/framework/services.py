"""Governance of the shared competence framework: versions, drafts and proposals.

The sector admin (the branch association) keeps one competence framework for all member
organisations. It changes only by publishing a new version:

- **Versions are snapshots.** Version *n* is a ``framework_versions`` row and one
  ``competences`` row per competence code with ``version = n`` (its texts, ESCO
  alignments, group and status). Version 1 is the catalogue shipped with the service
  (:func:`issuer.sector.framework.competences.sync_catalogue`).
- **A draft** is the next version while the sector admin prepares it (at most one):
  a copy of the newest published version, in which competences are added, reworded,
  re-aligned to ESCO skills or retired. A draft can be changed or thrown away until it
  is published; a published version never changes again (every change function
  refuses it with ``version_published``).
- **Publishing** checks the whole draft against the catalogue's rules (the same reader
  that checks the shipped file) and switches it to published in the caller's single
  transaction: it happens entirely or not at all.
- **Issuing** uses the newest published version (:func:`issuer.sector.framework.competences.get_competence`).
  A certificate points at the competence row of the version it was issued under and
  records that version, so it keeps rendering (PDF, staff page, portfolio) with the
  texts it was issued with, and its signed JSON keeps verifying: nothing it refers to
  is ever changed or removed.
- **The achievement id** of a competence is ``{base}/competenties/{code}/v{since}``,
  where ``since`` is the version in which its definition (texts, group, alignments) last
  changed. A competence that a new version leaves alone keeps its id, so employers and
  outside readers see one achievement, whichever version it was issued under; a
  reworded one gets a new id. The achievement's OB 3.0 ``version`` field carries the
  same number.
- **Proposals**: an organisation admin proposes a local competence; the sector admin
  adopts it into the draft (it becomes a shared competence when the draft is published)
  or declines it with a reason. Every change is an audit event.

Services take the caller's session and raise :class:`issuer.core.errors.ServiceError`;
several problems with one form come together in :class:`InvalidFields`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import lru_cache
from importlib import resources
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.catalogue import CatalogueError, load_catalogue, parse_catalogue
from issuer.core import audit_log, basics, errors
from issuer.sector.framework import competences as framework_competences
from issuer.store.db import aware_utc
from issuer.store.models import Competence, CompetenceProposal, FrameworkVersion, Organisation

TEXT_FIELDS: Final = ("name_nl", "name_en", "description_nl", "description_en", "criteria_nl", "criteria_en")
# What makes a competence's definition: a change in any of these gives it a new achievement id.
DEFINITION_KEYS: Final = ("group", *TEXT_FIELDS, "esco", "levels")
MAX_NAME: Final = 200
MAX_DESCRIPTION: Final = 1000
MAX_CRITERION: Final = 300
MAX_NOTE: Final = 2000
MAX_REASON: Final = 1000
MAX_CODE: Final = 64
CRITERIA_MIN: Final = 3
CRITERIA_MAX: Final = 5
ESCO_SKILL_TYPE: Final = "KnowledgeSkillCompetence"
CHANGE_KINDS: Final = ("added", "reworded", "aligned", "regrouped", "retired", "reinstated")
_CODE = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+")
_BULLET = re.compile(r"^\s*(?:[-*•]\s*)?")


class InvalidFields(errors.ServiceError):
    """Several refused fields of one input at once; ``problems`` has one error per field."""

    def __init__(self, problems: Sequence[errors.ServiceError]):
        first = problems[0]
        super().__init__("; ".join(p.message for p in problems), code=first.code, field=first.field, **first.params)
        self.problems = list(problems)


def _collect(problems: list[errors.ServiceError], check: Any) -> Any:
    try:
        return check()
    except InvalidFields as exc:
        problems.extend(exc.problems)
    except errors.ServiceError as exc:
        problems.append(exc)
    return None


def _raise(problems: Sequence[errors.ServiceError]) -> None:
    if problems:
        raise InvalidFields(problems)


# --- reference data ----------------------------------------------------------------------


@lru_cache(maxsize=1)
def esco_skills() -> dict[str, str]:
    """The ESCO skills a competence may be aligned to (URI → English preferred label): the
    skills of the ESCO subset shipped with the catalogue (``esco-subset.csv``)."""
    text = resources.files("issuer.catalogue").joinpath("esco-subset.csv").read_text(encoding="utf-8")
    return {
        row["uri"]: row["preferredLabel_en"]
        for row in csv.DictReader(io.StringIO(text))
        if row.get("conceptType") == ESCO_SKILL_TYPE
    }


def group_codes() -> tuple[str, ...]:
    return tuple(group.code for group in load_catalogue().groups)


# --- checking input ------------------------------------------------------------------------


def clean_code(value: Any) -> str:
    code = unicodedata.normalize("NFC", value).strip().upper() if isinstance(value, str) else ""
    if not code:
        raise errors.ServiceError("fill in a code", code="required", field="code")
    if len(code) > MAX_CODE or not _CODE.fullmatch(code):
        raise errors.ServiceError(
            f"code {code!r} must be upper-case words joined by hyphens (e.g. CIRC-KLEDING-HERSTELLEN)",
            code="bad_code",
            field="code",
        )
    return code


def clean_group(value: Any) -> str:
    group = value.strip() if isinstance(value, str) else ""
    if group not in group_codes():
        raise errors.ServiceError(
            f"unknown group {group!r}; known groups: {', '.join(group_codes())}",
            code="unknown_group",
            field="group",
            known=", ".join(group_codes()),
        )
    return group


def clean_criteria(value: Any, *, field: str, required: bool = True) -> str | None:
    """3 to 5 criteria, one per line (a leading ``-``, ``*`` or ``•`` is allowed); stored as a
    Markdown bullet list, as in the catalogue."""
    text = basics.clean_text(value, field=field, max_length=CRITERIA_MAX * (MAX_CRITERION + 3), required=required)
    if text is None:
        return None
    lines = [_BULLET.sub("", line, count=1).strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not CRITERIA_MIN <= len(lines) <= CRITERIA_MAX:
        raise errors.ServiceError(
            f"{field} has {len(lines)} criteria; write {CRITERIA_MIN} to {CRITERIA_MAX}, one per line",
            code="criteria_count",
            field=field,
            count=len(lines),
            min=CRITERIA_MIN,
            max=CRITERIA_MAX,
        )
    if any(len(line) > MAX_CRITERION for line in lines):
        raise errors.ServiceError(
            f"a criterion in {field} is longer than {MAX_CRITERION} characters",
            code="too_long",
            field=field,
            max=MAX_CRITERION,
        )
    return "\n".join(f"- {line}" for line in lines)


def clean_esco(value: Any, *, field: str = "esco", required: bool = True) -> list[str]:
    """ESCO skill URIs (a list, or text with one per line or separated by spaces or commas);
    each must be a skill of the shipped ESCO subset."""
    if isinstance(value, str):
        items = [item for item in re.split(r"[\s,]+", value) if item]
    elif isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        items = [item.strip() for item in value if item.strip()]
    else:
        raise errors.ServiceError("ESCO skills must be a list of URIs", code="bad_esco", field=field)
    if not items:
        if required:
            raise errors.ServiceError("choose at least one ESCO skill", code="esco_required", field=field)
        return []
    known = esco_skills()
    uris: list[str] = []
    for uri in items:
        if uri not in known:
            raise errors.ServiceError(
                f"{uri!r} is not an ESCO skill of the catalogue's ESCO subset"
                " (issuer/catalogue/esco-subset.csv)",
                code="unknown_esco",
                field=field,
                uri=uri[:120],
            )
        if uri in uris:
            raise errors.ServiceError(f"ESCO skill {uri} is listed twice", code="duplicate_esco", field=field)
        uris.append(uri)
    return uris


def clean_texts(fields: Mapping[str, Any], *, english_required: bool = True) -> dict[str, str | None]:
    """The six texts of a competence, checked; InvalidFields lists every problem."""
    problems: list[errors.ServiceError] = []
    result: dict[str, str | None] = {}
    for name in TEXT_FIELDS:
        required = english_required or name.endswith("_nl")
        value = fields.get(name)
        if name.startswith("criteria"):
            result[name] = _collect(
                problems, lambda n=name, v=value, r=required: clean_criteria(v, field=n, required=r)
            )
        else:
            limit = MAX_NAME if name.startswith("name") else MAX_DESCRIPTION
            result[name] = _collect(
                problems,
                lambda n=name, v=value, r=required, m=limit: basics.clean_text(v, field=n, max_length=m, required=r),
            )
    _raise(problems)
    return result


# --- versions ------------------------------------------------------------------------------


def versions(session: Session) -> list[FrameworkVersion]:
    return list(session.execute(select(FrameworkVersion).order_by(FrameworkVersion.number)).scalars())


def get_version(session: Session, number: int) -> FrameworkVersion:
    row = session.execute(select(FrameworkVersion).where(FrameworkVersion.number == number)).scalar_one_or_none()
    if row is None:
        raise errors.NotFound(f"there is no framework version {number}", code="unknown_version", field="version")
    return row


def latest_published(session: Session) -> FrameworkVersion:
    row = session.execute(
        select(FrameworkVersion)
        .where(FrameworkVersion.state == "published")
        .order_by(FrameworkVersion.number.desc())
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        raise errors.Conflict(
            "no framework version is published yet (run credentials init)", code="no_published_version"
        )
    return row


def current_draft(session: Session) -> FrameworkVersion | None:
    return session.execute(select(FrameworkVersion).where(FrameworkVersion.state == "draft")).scalar_one_or_none()


def editable(session: Session, number: int | None = None) -> FrameworkVersion:
    """The version to change: the draft, or version ``number`` if it is one. A published
    version is refused (``version_published``), and so is the lack of a draft."""
    if number is not None:
        version = get_version(session, number)
        if version.state != "draft":
            raise errors.Conflict(
                f"framework version {number} is published and can no longer change; prepare a new version",
                code="version_published",
            )
        return version
    draft = current_draft(session)
    if draft is None:
        raise errors.Conflict("there is no draft version; start one first", code="no_draft")
    return draft


def rows_of(session: Session, number: int) -> list[Competence]:
    return list(
        session.execute(select(Competence).where(Competence.version == str(number)).order_by(Competence.code)).scalars()
    )


def _row(session: Session, number: int, code: str) -> Competence | None:
    return session.execute(
        select(Competence).where(Competence.version == str(number), Competence.code == code)
    ).scalar_one_or_none()


def draft_competence(session: Session, draft: FrameworkVersion, code: Any) -> Competence:
    wanted = code.strip().upper() if isinstance(code, str) else ""
    row = _row(session, draft.number, wanted) if wanted else None
    if row is None:
        raise errors.NotFound(
            f"version {draft.number} has no competence {wanted or code!r}",
            code="unknown_competence",
            field="code",
            value=wanted,
        )
    return row


def start_draft(session: Session, *, actor: str) -> FrameworkVersion:
    """A new draft: a copy of the newest published version. Conflict when a draft exists."""
    existing = current_draft(session)
    if existing is not None:
        raise errors.Conflict(
            f"version {existing.number} is being prepared already; change or publish that draft", code="draft_exists"
        )
    latest = latest_published(session)
    draft = FrameworkVersion(
        number=latest.number + 1, state="draft", created_at=basics.now(), created_by=actor, note=None
    )
    session.add(draft)
    for row in rows_of(session, latest.number):
        session.add(
            Competence(
                code=row.code, version=str(draft.number), group=row.group, status=row.status, data=dict(row.data)
            )
        )
    session.flush()
    audit_log.audit(session, actor=actor, action="framework.draft", subject=f"v{draft.number}")
    return draft


def _definition(data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: data.get(key) for key in DEFINITION_KEYS}


def _store(session: Session, draft: FrameworkVersion, row: Competence, data: dict[str, Any]) -> None:
    """Put ``data`` in the draft row; its ``since_version`` is the previous version's when
    the definition is back to that, else the draft's number (a new achievement id)."""
    previous = _row(session, draft.number - 1, row.code)
    same = previous is not None and _definition(previous.data) == _definition(data)
    data["since_version"] = previous.data["since_version"] if same and previous is not None else str(draft.number)
    data["status"] = row.status
    row.group = data["group"]
    row.data = data  # a new dict: the JSON column sees the change


def add_competence(
    session: Session,
    *,
    actor: str,
    fields: Mapping[str, Any],
    number: int | None = None,
    proposal: CompetenceProposal | None = None,
) -> Competence:
    """Add a competence to the draft: ``code``, ``group``, the six texts and ``esco``."""
    draft = editable(session, number)
    problems: list[errors.ServiceError] = []
    code = _collect(problems, lambda: clean_code(fields.get("code")))
    if code is not None:
        taken = session.execute(select(Competence.version).where(Competence.code == code).limit(1)).scalar()
        if taken is not None:
            problems.append(
                errors.ServiceError(
                    f"code {code} is taken (framework version {taken}); choose another",
                    code="duplicate_code",
                    field="code",
                )
            )
    group = _collect(problems, lambda: clean_group(fields.get("group")))
    texts = _collect(problems, lambda: clean_texts(fields))
    esco = _collect(problems, lambda: clean_esco(fields.get("esco")))
    _raise(problems)
    data: dict[str, Any] = {
        "code": code, "group": group, **texts, "esco": _esco_json(esco), "status": "active",
        "since_version": str(draft.number), "levels": [asdict(level) for level in load_catalogue().levels],
    }  # fmt: skip
    row = Competence(code=code, version=str(draft.number), group=group, status="active", data=data)
    session.add(row)
    session.flush()
    audit_log.audit(
        session, actor=actor, action="framework.competence.add", subject=code,
        details={"version": draft.number, **({"proposal": proposal.id} if proposal is not None else {})},
    )  # fmt: skip
    return row


def _esco_json(uris: Sequence[str]) -> list[dict[str, str]]:
    known = esco_skills()
    return [{"uri": uri, "label_en": known[uri]} for uri in uris]


def reword_competence(
    session: Session, *, code: str, actor: str, fields: Mapping[str, Any], number: int | None = None
) -> Competence:
    """New texts for a competence of the draft; fields left out keep their text."""
    draft = editable(session, number)
    row = draft_competence(session, draft, code)
    merged = {name: fields.get(name, row.data.get(name)) for name in TEXT_FIELDS}
    texts = clean_texts(merged)
    data = {**row.data, **texts}
    if _definition(data) == _definition(row.data):
        return row
    _store(session, draft, row, data)
    audit_log.audit(
        session, actor=actor, action="framework.competence.reword", subject=row.code,
        details={"version": draft.number, "fields": [n for n in TEXT_FIELDS if texts[n] != row.data.get(n)]},
    )  # fmt: skip
    return row


def set_alignments(session: Session, *, code: str, esco: Any, actor: str, number: int | None = None) -> Competence:
    """Align a competence of the draft to these ESCO skills (replacing its alignments)."""
    draft = editable(session, number)
    row = draft_competence(session, draft, code)
    uris = clean_esco(esco)
    if [skill["uri"] for skill in row.data["esco"]] == uris:
        return row
    _store(session, draft, row, {**row.data, "esco": _esco_json(uris)})
    audit_log.audit(
        session, actor=actor, action="framework.competence.align", subject=row.code,
        details={"version": draft.number, "esco": uris},
    )  # fmt: skip
    return row


def retire_competence(session: Session, *, code: str, actor: str, number: int | None = None) -> Competence:
    """Retire a competence in the draft: once published, it can no longer be issued
    (certificates issued before keep verifying and rendering)."""
    draft = editable(session, number)
    row = draft_competence(session, draft, code)
    if row.status == "retired":
        raise errors.Conflict(f"{row.code} is retired already", code="already_retired", field="code")
    if _row(session, draft.number - 1, row.code) is None:
        raise errors.Conflict(
            f"{row.code} is new in this draft: undo the addition instead", code="added_in_draft", field="code"
        )
    row.status = "retired"
    row.data = {**row.data, "status": "retired"}
    audit_log.audit(
        session, actor=actor, action="framework.competence.retire", subject=row.code, details={"version": draft.number}
    )
    return row


def undo_changes(session: Session, *, code: str, actor: str, number: int | None = None) -> None:
    """Give a competence of the draft back the previous version's state; one added in the
    draft is removed (a proposal adopted as that competence is open again)."""
    draft = editable(session, number)
    row = draft_competence(session, draft, code)
    previous = _row(session, draft.number - 1, row.code)
    if previous is None:
        session.delete(row)
        for proposal in _adopted_into(session, draft, row.code):
            _reopen(proposal)
    else:
        row.group, row.status, row.data = previous.group, previous.status, dict(previous.data)
    audit_log.audit(
        session, actor=actor, action="framework.competence.undo", subject=row.code, details={"version": draft.number}
    )


def _adopted_into(session: Session, draft: FrameworkVersion, code: str | None = None) -> list[CompetenceProposal]:
    query = select(CompetenceProposal).where(
        CompetenceProposal.state == "adopted", CompetenceProposal.adopted_version == draft.number
    )
    if code is not None:
        query = query.where(CompetenceProposal.adopted_code == code)
    return list(session.execute(query).scalars())


def _reopen(proposal: CompetenceProposal) -> None:
    proposal.state, proposal.adopted_code, proposal.adopted_version = "pending", None, None
    proposal.decided_at, proposal.decided_by = None, None


def discard_draft(session: Session, *, actor: str) -> int:
    """Throw the draft away (its competence rows too); returns its number."""
    draft = editable(session)
    for row in rows_of(session, draft.number):
        session.delete(row)
    for proposal in _adopted_into(session, draft):
        _reopen(proposal)
    number = draft.number
    session.delete(draft)
    audit_log.audit(session, actor=actor, action="framework.discard", subject=f"v{number}")
    return number


def check_version(session: Session, number: int) -> None:
    """Check every competence of version ``number`` with the catalogue's own reader (the
    rules the shipped catalogue follows); ServiceError ``invalid_framework`` naming the problem."""
    shipped = load_catalogue()
    framework = {
        "id": shipped.framework.id, "name_nl": shipped.framework.name_nl, "name_en": shipped.framework.name_en,
        "version": str(number), "published": basics.now().date().isoformat(),
        "esco_version": shipped.framework.esco_version, "esco_attribution": shipped.framework.esco_attribution,
    }  # fmt: skip
    competences = [{k: v for k, v in row.data.items() if k != "levels"} for row in rows_of(session, number)]
    document = {
        "framework": framework,
        "levels": [asdict(level) for level in shipped.levels],
        "groups": [asdict(group) for group in shipped.groups],
        "competences": competences,
    }
    try:
        parse_catalogue(json.dumps(document, ensure_ascii=False), source=f"framework version {number}")
    except CatalogueError as exc:
        raise errors.ServiceError(str(exc), code="invalid_framework", detail=str(exc)[:300]) from exc


def publish(session: Session, *, note: Any, actor: str, number: int | None = None) -> FrameworkVersion:
    """Publish the draft: from now on certificates are issued under it. Needs a change note
    and at least one change; checks the whole version first. All or nothing (the caller's
    transaction)."""
    draft = editable(session, number)
    text = basics.clean_text(note, field="note", max_length=MAX_NOTE)
    found = changes(session, draft.number)
    if not found:
        raise errors.ServiceError(
            f"draft version {draft.number} has no changes; there is nothing to publish", code="no_changes"
        )
    check_version(session, draft.number)
    draft.note = text
    draft.state = "published"
    draft.published_at = basics.now()
    draft.published_by = actor
    audit_log.audit(
        session, actor=actor, action="framework.publish", subject=f"v{draft.number}",
        details={"changes": len(found), "codes": sorted({c.code for c in found})},
    )  # fmt: skip
    return draft


# --- what changed ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One change of a version against the one before: ``kind`` is one of CHANGE_KINDS;
    ``fields`` names the reworded texts."""

    code: str
    kind: str
    name_nl: str
    name_en: str
    fields: tuple[str, ...] = ()
    old_name_nl: str | None = None

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_nl


def changes(session: Session, number: int) -> list[Change]:
    """What version ``number`` changes against version ``number - 1`` (empty for version 1)."""
    if number <= 1:
        return []
    before = {row.code: row for row in rows_of(session, number - 1)}
    found: list[Change] = []
    for row in rows_of(session, number):
        data = row.data
        name_nl, name_en = str(data.get("name_nl", "")), str(data.get("name_en", ""))
        old = before.get(row.code)
        if old is None:
            found.append(Change(row.code, "added", name_nl, name_en))
            continue
        reworded = tuple(name for name in TEXT_FIELDS if data.get(name) != old.data.get(name))
        if reworded:
            found.append(Change(row.code, "reworded", name_nl, name_en, reworded, str(old.data.get("name_nl", ""))))
        if data.get("esco") != old.data.get("esco"):
            found.append(Change(row.code, "aligned", name_nl, name_en))
        if data.get("group") != old.data.get("group"):
            found.append(Change(row.code, "regrouped", name_nl, name_en))
        if row.status != old.status:
            kind = "retired" if row.status == "retired" else "reinstated"
            found.append(Change(row.code, kind, name_nl, name_en))
    return found


# --- proposals -------------------------------------------------------------------------------


def propose(session: Session, *, org: Organisation, actor: str, fields: Mapping[str, Any]) -> CompetenceProposal:
    """An organisation's proposal for a local competence: group, Dutch name, description and
    criteria (English optional) and, optionally, ESCO skills."""
    problems: list[errors.ServiceError] = []
    group = _collect(problems, lambda: clean_group(fields.get("group")))
    texts = _collect(problems, lambda: clean_texts(fields, english_required=False))
    esco = _collect(problems, lambda: clean_esco(fields.get("esco", ""), required=False))
    _raise(problems)
    proposal = CompetenceProposal(
        organisation_id=org.id, proposed_by=actor, group=group, esco=esco, state="pending",
        created_at=basics.now(), **texts,
    )  # fmt: skip
    session.add(proposal)
    session.flush()
    audit_log.audit(
        session, actor=actor, action="framework.proposal.create", organisation_id=org.id,
        subject=f"proposal-{proposal.id}", details={"name": proposal.name_nl},
    )  # fmt: skip
    return proposal


def proposals(session: Session, *, org: Organisation | None = None) -> list[CompetenceProposal]:
    """Proposals, newest first (only ``org``'s when given)."""
    query = select(CompetenceProposal).order_by(CompetenceProposal.created_at.desc(), CompetenceProposal.id.desc())
    if org is not None:
        query = query.where(CompetenceProposal.organisation_id == org.id)
    return list(session.execute(query).scalars())


def get_proposal(session: Session, proposal_id: int, *, org: Organisation | None = None) -> CompetenceProposal:
    proposal = session.get(CompetenceProposal, proposal_id) if 0 < proposal_id < 2**63 else None
    if proposal is None or (org is not None and proposal.organisation_id != org.id):
        raise errors.NotFound(f"no proposal {proposal_id}", code="unknown_proposal", field="proposal")
    return proposal


def _pending(proposal: CompetenceProposal) -> None:
    if proposal.state != "pending":
        raise errors.Conflict(f"proposal {proposal.id} was {proposal.state} already", code="proposal_decided")


def proposal_fields(proposal: CompetenceProposal) -> dict[str, str]:
    """The proposal as form values for adopting it (criteria one per line, ESCO URIs per line)."""
    values = {name: getattr(proposal, name) or "" for name in TEXT_FIELDS}
    return {**values, "group": proposal.group, "esco": "\n".join(proposal.esco), "code": ""}


def adopt_proposal(
    session: Session, *, proposal_id: int, actor: str, fields: Mapping[str, Any]
) -> tuple[CompetenceProposal, Competence]:
    """Adopt a proposal into the draft (started when there is none) as a shared competence.
    ``fields`` are the competence as the sector admin words it: code, group, the six texts
    (English too) and at least one ESCO skill."""
    proposal = get_proposal(session, proposal_id)
    _pending(proposal)
    draft = current_draft(session) or start_draft(session, actor=actor)
    row = add_competence(session, actor=actor, fields=fields, number=draft.number, proposal=proposal)
    proposal.state, proposal.adopted_code, proposal.adopted_version = "adopted", row.code, draft.number
    proposal.decided_at, proposal.decided_by = basics.now(), actor
    audit_log.audit(
        session, actor=actor, action="framework.proposal.adopt", organisation_id=proposal.organisation_id,
        subject=f"proposal-{proposal.id}", details={"code": row.code, "version": draft.number},
    )  # fmt: skip
    return proposal, row


def decline_proposal(session: Session, *, proposal_id: int, reason: Any, actor: str) -> CompetenceProposal:
    """Decline a proposal; the reason is shown to the organisation."""
    proposal = get_proposal(session, proposal_id)
    text = basics.clean_text(reason, field="reason", max_length=MAX_REASON)
    _pending(proposal)
    proposal.state, proposal.decision_reason = "declined", text
    proposal.decided_at, proposal.decided_by = basics.now(), actor
    audit_log.audit(
        session, actor=actor, action="framework.proposal.decline", organisation_id=proposal.organisation_id,
        subject=f"proposal-{proposal.id}", details={"reason": text},
    )  # fmt: skip
    return proposal


# --- change files (the command line) ---------------------------------------------------------

OPERATIONS: Final = ("add", "reword", "align", "retire", "undo")


def apply_changes(session: Session, text: str, *, actor: str) -> tuple[int, int]:
    """Apply a JSON change file to the draft (started when there is none), all or nothing:
    ``{"changes": [{"op": "add" | "reword" | "align" | "retire" | "undo", "code": ..., ...}]}``.
    Returns (draft number, changes applied). The error names the change at fault."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise errors.ServiceError(f"the change file is not JSON: {exc}", code="bad_change_file") from exc
    items = document.get("changes") if isinstance(document, dict) else None
    if not isinstance(items, list) or not items:
        raise errors.ServiceError(
            'the change file must be an object with a non-empty list "changes"', code="bad_change_file"
        )
    draft = current_draft(session) or start_draft(session, actor=actor)
    for index, item in enumerate(items):
        try:
            _apply_one(session, draft, item, actor=actor)
        except errors.ServiceError as exc:
            where = f"changes[{index}]" + (f" ({item.get('code')})" if isinstance(item, dict) else "")
            raise errors.ServiceError(f"{where}: {exc.message}", code=exc.code, field=exc.field) from exc
    return draft.number, len(items)


def _apply_one(session: Session, draft: FrameworkVersion, item: Any, *, actor: str) -> None:
    operation = item.get("op") if isinstance(item, dict) else None
    if operation not in OPERATIONS:
        raise errors.ServiceError(f"op must be one of {', '.join(OPERATIONS)}", code="bad_change_file", field="op")
    number = draft.number
    if operation == "add":
        add_competence(session, actor=actor, fields=item, number=number)
    elif operation == "reword":
        reword_competence(session, code=item.get("code", ""), actor=actor, fields=item, number=number)
    elif operation == "align":
        set_alignments(session, code=item.get("code", ""), esco=item.get("esco"), actor=actor, number=number)
    elif operation == "retire":
        retire_competence(session, code=item.get("code", ""), actor=actor, number=number)
    else:
        undo_changes(session, code=item.get("code", ""), actor=actor, number=number)


# --- the published framework, for outside readers ----------------------------------------------


def published_document(session: Session, base_url: str) -> dict[str, Any]:
    """Every published version with its competences (code, achievement id, definition
    version, status, group, names) and change note: what ``/competentiekader.json`` serves.
    No staff names or e-mail addresses."""
    shipped = load_catalogue().framework
    result: list[dict[str, Any]] = []
    for version in versions(session):
        if version.state != "published":
            continue
        entries = []
        for row in rows_of(session, version.number):
            entry = framework_competences.competence_entry(row)
            entries.append({
                "code": row.code, "id": entry.achievement_id(base_url), "version": entry.since_version,
                "status": row.status, "group": row.group, "name": {"nl": entry.name_nl, "en": entry.name_en},
                "esco": [skill.uri for skill in entry.esco],
            })  # fmt: skip
        published = aware_utc(version.published_at)
        result.append({
            "version": str(version.number), "published": published.date().isoformat() if published else None,
            "note": version.note, "competences": entries,
        })  # fmt: skip
    return {
        "id": f"{base_url.rstrip('/')}/competentiekader",
        "name": {"nl": shipped.name_nl, "en": shipped.name_en},
        "current": result[-1]["version"] if result else None,
        "versions": result,
        "esco_attribution": shipped.esco_attribution,
    }


def published_at(version: FrameworkVersion) -> datetime | None:
    return aware_utc(version.published_at)
