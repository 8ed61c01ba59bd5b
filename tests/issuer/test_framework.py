"""Competence framework governance (issue 9, part B): versions, drafts, publishing and
proposals, on real SQLite and PostgreSQL, with real signatures and real PDFs.

What it proves: a certificate issued under version 1 renders (PDF, staff page, public
page) and verifies after version 2 retired its competence, and that competence can no
longer be issued; a reworded competence shows its new texts on new certificates and its
old texts on old ones; publishing is all or nothing and a published version never
changes; bad input gets a specific error and changes nothing; proposals are adopted or
declined; the command line applies a change file all or nothing."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from issuer import cli
from issuer.certificates import documents
from issuer.certificates import services as cert_services
from issuer.core import audit_log, errors
from issuer.organisations import services as org_services
from issuer.runtime import runtime
from issuer.sector.framework import services as framework
from issuer.store.db import alembic_config, session_scope
from issuer.store.models import AuditEvent, Certificate, Competence, CompetenceProposal, FrameworkVersion
from tests.issuer.conftest import World, login, post
from verifier.service import verify_for_reader

OLD_NAME = "Geschonken spullen sorteren"
SECTOR_ACTOR = "sector@example.org"
SKILL = "http://data.europa.eu/esco/skill/58c089ab-338b-4e4c-8117-7c1fcc89af69"
OTHER_SKILL = "http://data.europa.eu/esco/skill/3e6f95e3-1b00-4a72-ac5d-704c383e03de"
UNKNOWN_SKILL = "http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000"
OCCUPATION = "http://data.europa.eu/esco/occupation/"  # + a uuid from the subset, found below
NEW_COMPETENCE = {
    "code": "CIRC-KLEDING-HERSTELLEN", "group": "circular", "name_nl": "Kleding herstellen",
    "name_en": "Mending clothes", "description_nl": "Herstelt kleding zodat die weer verkocht kan worden.",
    "description_en": "Mends clothes so they can be sold again.",
    "criteria_nl": "Naait een losse naad dicht\nZet een knoop aan\nControleert het resultaat",
    "criteria_en": "Sews up a loose seam\nSews on a button\nChecks the result", "esco": [SKILL],
}  # fmt: skip


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """A session of its own transaction (committed at the end of the block that uses it)."""
    with app.app_context(), session_scope(runtime().sessions) as session:
        yield session


def _in_tx(app: Flask, work: Any) -> Any:
    with app.app_context(), session_scope(runtime().sessions) as session:
        return work(session)


def _issue(app: Flask, world: World, code: str = "CIRC-SORTEREN") -> str:
    def work(session: Session) -> str:
        org = org_services.get_org(session, world.a.slug)
        cert = cert_services.issue_certificate(session, runtime().context, org=org, competence_code=code, level="2",
                                          actor="test", holder_name="Noor Bakker")  # fmt: skip
        return cert.public_id

    return str(_in_tx(app, work))


def _publish(app: Flask, *changes: dict[str, Any], note: str = "Test") -> int:
    def work(session: Session) -> int:
        number, _ = framework.apply_changes(session, json.dumps({"changes": list(changes)}), actor=SECTOR_ACTOR)
        framework.publish(session, note=note, actor=SECTOR_ACTOR)
        return number

    return int(_in_tx(app, work))


def _state(app: Flask) -> dict[str, Any]:
    """Everything the framework governs, to prove a refusal changed nothing."""

    def work(session: Session) -> dict[str, Any]:
        rows = session.execute(select(Competence).order_by(Competence.id)).scalars()
        return {
            "competences": [(r.code, r.version, r.status, json.dumps(r.data, sort_keys=True)) for r in rows],
            "versions": [(v.number, v.state, v.note) for v in session.execute(select(FrameworkVersion)).scalars()],
            "proposals": [(p.id, p.state) for p in session.execute(select(CompetenceProposal)).scalars()],
            "audit": session.execute(select(func.count()).select_from(AuditEvent)).scalar_one(),
        }

    result: dict[str, Any] = _in_tx(app, work)
    return result


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "c.pdf"
    path.write_bytes(data)
    run = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(run.stdout.split())


def _certificate(app: Flask, public_id: str) -> tuple[dict[str, Any], str, bytes, bool]:
    """The stored credential, its framework version, its PDF and whether our verifier accepts it."""

    def work(session: Session) -> tuple[dict[str, Any], str, bytes, bool]:
        cert = cert_services.get_certificate(session, public_id)
        credential = json.loads(cert.credential_json)
        verified = verify_for_reader(session, runtime().settings, credential).result.verified
        return credential, cert.framework_version, documents.certificate_pdf(runtime().settings, cert), verified

    result: tuple[dict[str, Any], str, bytes, bool] = _in_tx(app, work)
    return result


def _text(client: FlaskClient, url: str) -> str:
    return " ".join(client.get(url).get_data(as_text=True).split())


# --- the MUSTs -------------------------------------------------------------------------------


def test_a_v1_certificate_renders_and_verifies_after_v2_retires_its_competence(
    app: Flask, world: World, tmp_path: Path
) -> None:
    old = world.a.certificate  # CIRC-SORTEREN, issued under version 1
    assert _publish(app, {"op": "retire", "code": "CIRC-SORTEREN"}, note="Sorteren gaat op in inname") == 2

    credential, version, pdf, verified = _certificate(app, old)
    assert version == "1" and verified
    assert credential["credentialSubject"]["achievement"]["name"] == OLD_NAME
    assert OLD_NAME in _pdf_text(pdf, tmp_path) and "Sorting donated goods" in _pdf_text(pdf, tmp_path)

    staff = app.test_client()
    login(staff, world.a.supervisor)
    assert OLD_NAME in _text(staff, f"/certificaten/{old}")
    assert staff.get(f"/certificaten/{old}.pdf").data.startswith(b"%PDF")
    public = app.test_client().get(f"/c/{old}").get_data(as_text=True)
    assert 'data-verification-status="valid"' in public and OLD_NAME in public

    with pytest.raises(errors.ServiceError) as refused:
        _issue(app, world, "CIRC-SORTEREN")
    assert refused.value.code == "retired_competence" and "retired" in refused.value.message
    form = post(staff, "/certificaten/nieuw", {"participant": str(world.a.participant_id),
                                               "competence": "CIRC-SORTEREN", "level": "1"})  # fmt: skip
    assert form.status_code == 400
    assert "Deze competentie wordt niet meer gebruikt." in form.get_data(as_text=True)
    assert "CIRC-SORTEREN" not in _text(staff, "/certificaten/nieuw")  # no longer offered
    assert _issue(app, world, "CIRC-INNAME")  # the others still are


def test_a_reworded_competence_has_new_texts_on_new_certificates_and_old_texts_on_old_ones(
    app: Flask, world: World, tmp_path: Path
) -> None:
    old = world.a.certificate
    unchanged_before = _issue(app, world, "CIRC-INNAME")
    _publish(app, {"op": "reword", "code": "CIRC-SORTEREN", "name_nl": "Spullen sorteren en beoordelen",
                   "name_en": "Sorting and grading goods"})  # fmt: skip
    new = _issue(app, world, "CIRC-SORTEREN")
    unchanged_after = _issue(app, world, "CIRC-INNAME")

    old_json, old_version, old_pdf, old_ok = _certificate(app, old)
    new_json, new_version, new_pdf, new_ok = _certificate(app, new)
    assert old_ok and new_ok and (old_version, new_version) == ("1", "2")
    old_achievement = old_json["credentialSubject"]["achievement"]
    new_achievement = new_json["credentialSubject"]["achievement"]
    assert old_achievement["name"] == OLD_NAME and new_achievement["name"] == "Spullen sorteren en beoordelen"
    assert old_achievement["id"].endswith("/competenties/circ-sorteren/v1") and old_achievement["version"] == "1"
    assert new_achievement["id"].endswith("/competenties/circ-sorteren/v2") and new_achievement["version"] == "2"
    assert new_achievement["criteria"] == old_achievement["criteria"]  # only the names were reworded
    assert "Sorting and grading goods" in _pdf_text(new_pdf, tmp_path)
    old_text = _pdf_text(old_pdf, tmp_path)
    assert "Sorting donated goods" in old_text and "grading goods" not in old_text

    # A competence the new version left alone keeps its achievement id (one achievement).
    before, after = _certificate(app, unchanged_before)[0], _certificate(app, unchanged_after)[0]
    assert before["credentialSubject"]["achievement"]["id"] == after["credentialSubject"]["achievement"]["id"]
    assert _certificate(app, unchanged_after)[1] == "2"

    staff = app.test_client()
    login(staff, world.a.supervisor)
    assert OLD_NAME in _text(staff, f"/certificaten/{old}")
    assert "Spullen sorteren en beoordelen" in _text(staff, f"/certificaten/{new}")
    participant = _text(staff, f"/deelnemers/{world.a.participant_id}")
    assert OLD_NAME in participant


# --- drafts and publishing --------------------------------------------------------------------


def test_publishing_is_all_or_nothing(app: Flask, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    _in_tx(app, lambda s: framework.apply_changes(s, json.dumps({"changes": [{"op": "add", **NEW_COMPETENCE}]}),
                                                  actor="sector"))  # fmt: skip
    before = _state(app)

    def failing_audit(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full while writing the audit event")

    monkeypatch.setattr(audit_log, "audit", failing_audit)
    with pytest.raises(RuntimeError):
        _in_tx(app, lambda s: framework.publish(s, note="Kleding", actor="sector"))
    monkeypatch.undo()
    assert _state(app) == before
    with pytest.raises(errors.ServiceError) as refused:
        _issue(app, world, "CIRC-KLEDING-HERSTELLEN")
    assert refused.value.code == "unknown_competence"  # still only in the draft

    # A version that breaks the catalogue's rules is refused as a whole.
    def break_a_row(session: Session) -> None:
        row = framework.draft_competence(session, framework.editable(session), "CIRC-INNAME")
        row.data = {**row.data, "criteria_nl": "- alleen één"}

    _in_tx(app, break_a_row)
    broken = _state(app)
    with pytest.raises(errors.ServiceError) as invalid:
        _in_tx(app, lambda s: framework.publish(s, note="Kleding", actor="sector"))
    assert invalid.value.code == "invalid_framework" and "CIRC-INNAME" in invalid.value.message
    assert _state(app) == broken
    _in_tx(app, lambda s: framework.undo_changes(s, code="CIRC-INNAME", actor="sector"))
    _in_tx(app, lambda s: framework.publish(s, note="Kleding", actor="sector"))
    assert _issue(app, world, "CIRC-KLEDING-HERSTELLEN")


def test_a_published_version_never_changes(app: Flask, world: World) -> None:
    with pytest.raises(errors.ServiceError) as nothing:
        _in_tx(app, lambda s: framework.publish(s, note="Leeg", actor="sector"))
    assert nothing.value.code == "no_draft"
    _in_tx(app, lambda s: framework.start_draft(s, actor="sector"))
    with pytest.raises(errors.ServiceError) as empty:
        _in_tx(app, lambda s: framework.publish(s, note="Leeg", actor="sector"))
    assert empty.value.code == "no_changes"
    with pytest.raises(errors.ServiceError) as twice:
        _in_tx(app, lambda s: framework.start_draft(s, actor="sector"))
    assert twice.value.code == "draft_exists"
    _in_tx(app, lambda s: framework.retire_competence(s, code="CIRC-UPCYCLEN", actor="sector"))
    _in_tx(app, lambda s: framework.publish(s, note="Upcyclen apart", actor="sector"))
    before = _state(app)
    attempts = [
        lambda s: framework.reword_competence(s, code="CIRC-INNAME", actor="x", fields={"name_nl": "Nee"}, number=1),
        lambda s: framework.reword_competence(s, code="CIRC-INNAME", actor="x", fields={"name_nl": "Nee"}, number=2),
        lambda s: framework.add_competence(s, actor="x", fields=NEW_COMPETENCE, number=2),
        lambda s: framework.retire_competence(s, code="CIRC-INNAME", actor="x", number=1),
        lambda s: framework.set_alignments(s, code="CIRC-INNAME", esco=[SKILL], actor="x", number=2),
        lambda s: framework.reword_competence(s, code="CIRC-INNAME", actor="x", fields={"name_nl": "Nee"}),
        lambda s: framework.discard_draft(s, actor="x"),
    ]
    for attempt in attempts:
        with pytest.raises(errors.Conflict) as refused:
            _in_tx(app, attempt)
        assert refused.value.code in ("version_published", "no_draft")
    assert _state(app) == before


def _occupation_uri() -> str:
    from issuer import catalogue

    csv_text = (Path(catalogue.__file__).parent / "esco-subset.csv").read_text("utf-8")
    return next(line.split(",", 1)[0] for line in csv_text.splitlines() if line.startswith(OCCUPATION))


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"op": "reword", "code": "CIRC-BESTAAT-NIET", "name_nl": "X"}, "unknown_competence", "code"),
        ({"op": "add", **NEW_COMPETENCE, "code": "CIRC-SORTEREN"}, "duplicate_code", "code"),
        ({"op": "add", **NEW_COMPETENCE, "code": "kleding"}, "bad_code", "code"),
        ({"op": "add", **NEW_COMPETENCE, "name_nl": "  "}, "required", "name_nl"),
        ({"op": "reword", "code": "CIRC-INNAME", "name_nl": ""}, "required", "name_nl"),
        ({"op": "add", **NEW_COMPETENCE, "group": "koken"}, "unknown_group", "group"),
        ({"op": "add", **NEW_COMPETENCE, "criteria_nl": "Naait"}, "criteria_count", "criteria_nl"),
        ({"op": "align", "code": "CIRC-INNAME", "esco": [UNKNOWN_SKILL]}, "unknown_esco", "esco"),
        ({"op": "align", "code": "CIRC-INNAME", "esco": ["OCCUPATION"]}, "unknown_esco", "esco"),
        ({"op": "align", "code": "CIRC-INNAME", "esco": []}, "esco_required", "esco"),
        ({"op": "align", "code": "CIRC-INNAME", "esco": [SKILL, SKILL]}, "duplicate_esco", "esco"),
        ({"op": "rename", "code": "CIRC-INNAME"}, "bad_change_file", "op"),
    ],
)
def test_bad_input_gets_a_specific_error_and_changes_nothing(
    app: Flask, world: World, change: dict[str, Any], code: str, field: str
) -> None:
    if change.get("esco") == ["OCCUPATION"]:
        change = {**change, "esco": [_occupation_uri()]}  # in the subset, but an occupation, not a skill
    _in_tx(app, lambda s: framework.start_draft(s, actor="sector"))
    before = _state(app)
    good = {"op": "reword", "code": "CIRC-UPCYCLEN", "name_nl": "Upcyclen (nieuw)"}
    with pytest.raises(errors.ServiceError) as refused:
        _in_tx(app, lambda s: framework.apply_changes(s, json.dumps({"changes": [good, change]}), actor="sector"))
    assert (refused.value.code, refused.value.field) == (code, field)
    assert refused.value.message.startswith("changes[1]")
    assert _state(app) == before  # the good change before it is gone too


def test_the_draft_editor_refuses_bad_input_next_to_its_field(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, world.sector_admin)
    assert post(client, "/sector/competentiekader/concept/starten").status_code == 302
    before = _state(app)
    form = {**NEW_COMPETENCE, "name_nl": "", "esco": "http://data.europa.eu/esco/skill/onbekend"}
    response = post(client, "/sector/competentiekader/concept/nieuw", form)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="f-name_nl-error"' in html and 'aria-describedby="f-name_nl-error"' in html
    assert 'id="f-esco-error"' in html and "Deze ESCO-vaardigheid staat niet in onze lijst" in html
    assert _state(app) == before
    response = post(client, "/sector/competentiekader/concept/nieuw", {**NEW_COMPETENCE, "esco": SKILL})
    assert response.status_code == 302
    draft_page = _text(client, "/sector/competentiekader/concept")
    assert "Kleding herstellen" in draft_page and "toegevoegd" in draft_page
    refused = post(client, "/sector/competentiekader/concept/publiceren", {"note": "Kleding"})
    assert refused.status_code == 400  # the confirmation box
    published = post(client, "/sector/competentiekader/concept/publiceren", {"note": "Kleding", "confirm": "yes"})
    assert published.status_code == 302 and published.headers["Location"].endswith("/versie/2")
    again = post(client, "/sector/competentiekader/concept/nieuw", {**NEW_COMPETENCE, "code": "CIRC-X-Y"})
    assert again.status_code == 409  # no draft: the published version cannot be changed
    overview = _text(client, "/sector/competentiekader?lang=en")
    assert "Version 2" in overview and "Kleding" in overview


# --- proposals -------------------------------------------------------------------------------


def test_proposals_are_adopted_or_declined(app: Flask, world: World) -> None:
    admin_a, admin_b, sector = app.test_client(), app.test_client(), app.test_client()
    login(admin_a, world.a.admin)
    login(admin_b, world.b.admin)
    login(sector, world.sector_admin)
    proposal = {"group": "craft-and-work", "name_nl": "Fietsen repareren", "description_nl": "Maakt fietsen heel.",
                "criteria_nl": "Plakt een band\nStelt de remmen af\nVervangt een ketting"}  # fmt: skip
    before = _state(app)
    bad = post(admin_a, "/organisatie/competentievoorstellen/nieuw", {**proposal, "criteria_nl": "Plakt"})
    assert bad.status_code == 400 and "Schrijf 3 tot 5 criteria" in bad.get_data(as_text=True)
    assert _state(app) == before
    assert post(admin_a, "/organisatie/competentievoorstellen/nieuw", proposal).status_code == 302
    assert post(admin_a, "/organisatie/competentievoorstellen/nieuw",
                {**proposal, "name_nl": "Koffie zetten"}).status_code == 302  # fmt: skip
    ids = _in_tx(app, lambda s: sorted(p.id for p in framework.proposals(s)))
    assert "Fietsen repareren" in _text(admin_a, "/organisatie/competentievoorstellen")
    assert "Fietsen repareren" not in _text(admin_b, "/organisatie/competentievoorstellen")
    listing = _text(sector, "/sector/voorstellen")
    assert "Fietsen repareren" in listing and "Kringloop Alfa" in listing

    adopt = {**proposal, "code": "VAK-FIETS-REPAREREN", "name_en": "Repairing bicycles",
             "description_en": "Repairs bicycles.", "criteria_en": "Fixes a tyre\nAdjusts brakes\nReplaces a chain",
             "esco": OTHER_SKILL}  # fmt: skip
    incomplete = post(sector, f"/sector/voorstellen/{ids[0]}/overnemen", {**adopt, "name_en": ""})
    assert incomplete.status_code == 400 and 'id="f-name_en-adopt-error"' in incomplete.get_data(as_text=True)
    assert post(sector, f"/sector/voorstellen/{ids[0]}/overnemen", adopt).status_code == 302
    assert post(sector, f"/sector/voorstellen/{ids[0]}/overnemen", adopt).status_code == 409  # decided
    no_reason = post(sector, f"/sector/voorstellen/{ids[1]}/afwijzen", {"reason": ""})
    assert no_reason.status_code == 400
    reason = "Koffie zetten is geen vak van de sector."
    assert post(sector, f"/sector/voorstellen/{ids[1]}/afwijzen", {"reason": reason}).status_code == 302

    mine = _text(admin_a, "/organisatie/competentievoorstellen")
    assert "overgenomen als VAK-FIETS-REPAREREN in versie 2" in mine and reason in mine
    actions = _in_tx(app, lambda s: [e.action for e in s.execute(select(AuditEvent)).scalars()])
    assert {"framework.proposal.create", "framework.proposal.adopt", "framework.proposal.decline"} <= set(actions)

    # Undoing the adopted competence opens the proposal again; publishing makes it shared.
    _in_tx(app, lambda s: framework.undo_changes(s, code="VAK-FIETS-REPAREREN", actor="sector"))
    assert _in_tx(app, lambda s: framework.get_proposal(s, ids[0]).state) == "pending"
    assert post(sector, f"/sector/voorstellen/{ids[0]}/overnemen", adopt).status_code == 302
    _in_tx(app, lambda s: framework.publish(s, note="Fietsen", actor="sector"))
    assert _issue(app, world, "VAK-FIETS-REPAREREN")


# --- outside readers, the command line and the migration -----------------------------------------


def test_the_public_framework_page_and_json(app: Flask, world: World) -> None:
    _publish(app, {"op": "retire", "code": "CIRC-UPCYCLEN"}, note="Upcyclen wordt herzien.")
    client = app.test_client()
    page = _text(client, "/competentiekader")
    assert "De lijst nu (versie 2)" in page and "Upcyclen wordt herzien." in page and OLD_NAME in page
    document = client.get("/competentiekader.json").get_json()
    assert document["current"] == "2" and [v["version"] for v in document["versions"]] == ["1", "2"]
    v2 = {c["code"]: c for c in document["versions"][1]["competences"]}
    assert v2["CIRC-UPCYCLEN"]["status"] == "retired"
    assert v2["CIRC-SORTEREN"]["id"].endswith("/competenties/circ-sorteren/v1")
    assert SECTOR_ACTOR not in json.dumps(document) and SECTOR_ACTOR not in page  # no staff on public pages


def test_the_command_line_applies_a_change_file_all_or_nothing(
    app: Flask, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = app.extensions["credentials"].settings
    for name, value in {"CREDENTIALS_BASE_URL": settings.base_url, "CREDENTIALS_DATABASE_URL": settings.database_url,
                        "CREDENTIALS_KEYS_DIR": str(settings.keys_dir), "CREDENTIALS_INSTANCE_DIR": str(tmp_path),
                        "CREDENTIALS_KEY_PASSPHRASE": settings.key_passphrase,
                        "CREDENTIALS_SECRET_KEY": settings.secret_key}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"changes": [{"op": "add", **NEW_COMPETENCE}, {"op": "retire", "code": "CIRC-NEE"}]}))
    before = _state(app)
    assert cli.main(["framework", "apply", str(bad)]) == cli.EXIT_REFUSED
    assert "changes[1] (CIRC-NEE)" in capsys.readouterr().err
    assert _state(app) == before
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"changes": [{"op": "add", **NEW_COMPETENCE}]}))
    assert cli.main(["framework", "apply", str(good)]) == cli.EXIT_OK
    assert cli.main(["framework", "publish", "--note", "Kleding erbij"]) == cli.EXIT_OK
    capsys.readouterr()
    assert cli.main(["framework", "show", "--version", "2"]) == cli.EXIT_OK
    shown = capsys.readouterr().out
    assert "added      CIRC-KLEDING-HERSTELLEN" in shown and "Kleding erbij" in shown
    assert cli.main(["framework", "discard"]) == cli.EXIT_REFUSED


def test_migration_0005_records_version_1_for_earlier_certificates(app: Flask, world: World) -> None:
    from alembic import command

    engine = app.extensions["credentials"].engine
    for revision in ("0004", "head"):
        with engine.begin() as connection:
            config = alembic_config(str(engine.url))
            config.attributes["connection"] = connection
            (command.downgrade if revision == "0004" else command.upgrade)(config, revision)

    def read(session: Session) -> tuple[set[str], list[tuple[int, str]]]:
        versions = set(session.execute(text("SELECT framework_version FROM certificates")).scalars())
        published = [(v.number, v.state) for v in session.execute(select(FrameworkVersion)).scalars()]
        return versions, published

    versions, published = _in_tx(app, read)
    assert versions == {"1"} and published == [(1, "published")]
    assert _in_tx(app, lambda s: s.execute(select(func.count()).select_from(Certificate)).scalar_one()) > 0
