"""The Open Badges 3.0 competence credential builder: schema, strict JSON-LD, refusals."""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from credentials.errors import CredentialBuildError
from credentials.jsonld import OB_EXTENSIONS, OB_V3, VC_V2, default_document_loader, expand_strict
from credentials.model import (
    OB_SCHEMA_URL,
    CertificateRequest,
    Evidence,
    Holder,
    build_competency_credential,
)
from credentials.sample import LEVELS, SAMPLE_COMPETENCY, sample_request
from credentials.schema import ob_schema_errors

ISSUER = "did:web:certificaten.kringloop.example:orgs:voorbeeld"
STATUS_URL = "https://certificaten.kringloop.example/orgs/voorbeeld/status/1"
REQUEST = sample_request(issuer_did=ISSUER, status_url=STATUS_URL)


def _build(**changes: Any) -> dict[str, Any]:
    return build_competency_credential(dataclasses.replace(REQUEST, **changes))


def _assert_valid(credential: dict[str, Any]) -> None:
    assert ob_schema_errors(credential) == []
    expand_strict(credential, document_loader=default_document_loader())


# --- a valid credential -------------------------------------------------------------


def test_sample_credential_passes_the_ob3_schema_and_strict_expansion() -> None:
    _assert_valid(build_competency_credential(REQUEST))


def test_sample_without_status_passes_too() -> None:
    credential = build_competency_credential(
        sample_request(issuer_did="did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
    )
    assert "credentialStatus" not in credential
    _assert_valid(credential)


def test_envelope_is_a_vc2_open_badge_with_the_ob_schema_declared() -> None:
    credential = build_competency_credential(REQUEST)
    assert credential["@context"] == [VC_V2, OB_V3, OB_EXTENSIONS]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == REQUEST.credential_id
    assert credential["issuer"]["id"] == ISSUER
    assert credential["issuer"]["type"] == ["Profile"]
    assert credential["validFrom"] == "2026-03-02T09:00:00Z"
    assert credential["credentialSchema"] == [{"id": OB_SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}]
    assert credential["name"] == SAMPLE_COMPETENCY.name


def test_achieved_level_points_at_a_rubric_level_of_the_result_description() -> None:
    credential = build_competency_credential(REQUEST)
    subject = credential["credentialSubject"]
    achievement = subject["achievement"]
    assert achievement["achievementType"] == "Competency"
    (description,) = achievement["resultDescription"]
    level_ids = [level["id"] for level in description["rubricCriterionLevel"]]
    assert [level["level"] for level in description["rubricCriterionLevel"]] == ["1", "2", "3"]
    assert len(level_ids) == len(LEVELS) == len(set(level_ids))
    (result,) = subject["result"]
    assert result["resultDescription"] == description["id"]
    assert result["achievedLevel"] == level_ids[1]  # level code "2"
    assert achievement["alignment"][0]["targetFramework"] == "ESCO"
    assert achievement["alignment"][0]["targetType"] == "ext:ESCOSkill"


@pytest.mark.parametrize("code", [level.code for level in LEVELS])
def test_every_level_on_the_scale_can_be_awarded(code: str) -> None:
    credential = _build(level_code=code)
    assert credential["credentialSubject"]["result"][0]["achievedLevel"] == SAMPLE_COMPETENCY.level_id(code)
    _assert_valid(credential)


def test_credential_status_is_a_single_object_with_a_string_index() -> None:
    credential = build_competency_credential(REQUEST)
    status = credential["credentialStatus"]
    assert isinstance(status, dict)  # the OB 3.0 schema allows one object, not an array
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusListIndex"] == "94567"
    assert isinstance(status["statusListIndex"], str)
    assert status["statusListCredential"] == STATUS_URL
    assert status["id"] != STATUS_URL


def test_a_status_array_would_fail_the_ob_schema() -> None:
    credential = build_competency_credential(REQUEST)
    credential["credentialStatus"] = [credential["credentialStatus"]]
    assert ob_schema_errors(credential) != []


def test_holder_without_did_is_identified_by_name_and_with_did_by_id() -> None:
    without = build_competency_credential(REQUEST)["credentialSubject"]
    assert "id" not in without
    assert without["identifier"] == [
        {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": "Nguyễn Thị Lan"}
    ]
    holder_did = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    credential = _build(holder=Holder("Nguyễn Thị Lan", did=holder_did))
    assert credential["credentialSubject"]["id"] == holder_did
    _assert_valid(credential)


@pytest.mark.parametrize(
    "name",
    [
        "Nguyễn Thị Lan",
        "Mehmet Çelik",
        "Åse Ødegård",
        "Marija Ilić",
        "Zoë d'Hondt-Ĳzerman",
        unicodedata.normalize("NFD", "Nguyễn Thị Lan"),  # kept as given, not re-normalized
    ],
)
def test_names_with_diacritics_are_kept_exactly(name: str) -> None:
    credential = _build(holder=Holder(name))
    assert credential["credentialSubject"]["identifier"][0]["identityHash"] == name
    assert (
        json.loads(json.dumps(credential, ensure_ascii=False))["credentialSubject"]["identifier"][0]["identityHash"]
        == name
    )
    _assert_valid(credential)


def test_surrounding_white_space_of_the_holder_name_is_dropped() -> None:
    credential = _build(holder=Holder("  Åse Ødegård\n"))
    assert credential["credentialSubject"]["identifier"][0]["identityHash"] == "Åse Ødegård"


def test_valid_until_is_present_only_when_given() -> None:
    assert "validUntil" not in build_competency_credential(REQUEST)
    until = REQUEST.valid_from + timedelta(days=365 * 5)
    credential = _build(valid_until=until)
    assert credential["validUntil"] == "2031-03-01T09:00:00Z"
    _assert_valid(credential)


def test_dates_are_written_in_utc_without_fractions() -> None:
    amsterdam = timezone(timedelta(hours=1))
    credential = _build(valid_from=datetime(2026, 3, 2, 10, 0, 0, 123_456, tzinfo=amsterdam))
    assert credential["validFrom"] == "2026-03-02T09:00:00Z"
    assert credential["awardedDate"] == "2026-03-02T09:00:00Z"


def test_evidence_and_extra_fields_are_written_and_stay_valid() -> None:
    credential = _build(
        evidence=(
            Evidence(
                narrative="Observed for six weeks.",
                name="Observatie",
                id="https://example.com/evidence/1",
                genre="Observatie",
            ),
            Evidence(narrative="Tweede observatie."),
        ),
        name="Certificaat elektra",
    )
    assert credential["name"] == "Certificaat elektra"
    assert [e.get("id") for e in credential["evidence"]] == ["https://example.com/evidence/1", None]
    _assert_valid(credential)


def test_building_does_not_change_the_request_and_is_repeatable() -> None:
    first = build_competency_credential(REQUEST)
    first["credentialSubject"]["achievement"]["name"] = "changed"
    assert build_competency_credential(REQUEST)["credentialSubject"]["achievement"]["name"] == SAMPLE_COMPETENCY.name
    assert build_competency_credential(REQUEST) == build_competency_credential(REQUEST)


# --- refusals ------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["9", "0", "", "zelfstandig", " 2", "2 "])
def test_level_code_not_on_the_scale_is_refused(code: str) -> None:
    with pytest.raises(CredentialBuildError, match="not on the scale"):
        _build(level_code=code)


@pytest.mark.parametrize("name", ["", " ", "\t\n", "\u3000"])
def test_empty_or_white_space_holder_name_is_refused(name: str) -> None:
    with pytest.raises(CredentialBuildError, match="holder"):
        _build(holder=Holder(name))


@pytest.mark.parametrize("delta", [timedelta(0), timedelta(seconds=-1), timedelta(days=-30)])
def test_valid_until_not_after_valid_from_is_refused(delta: timedelta) -> None:
    with pytest.raises(CredentialBuildError, match="validUntil"):
        _build(valid_until=REQUEST.valid_from + delta)


@pytest.mark.parametrize("credential_id", ["", "5b0a3c1e-8f4d-4e62-9d7a-1c2b3a4d5e6f", "certificaten/1", "#1"])
def test_credential_id_that_is_not_an_absolute_uri_is_refused(credential_id: str) -> None:
    with pytest.raises(CredentialBuildError, match="absolute"):
        _build(credential_id=credential_id)


@pytest.mark.parametrize("credential_id", [":x", "1:2", "foo bar:baz", "urn :uuid:1"])
def test_credential_id_with_an_invalid_scheme_is_refused(credential_id: str) -> None:
    with pytest.raises(CredentialBuildError):
        _build(credential_id=credential_id)


def test_competency_without_levels_or_name_is_refused() -> None:
    with pytest.raises(CredentialBuildError):
        _build(competency=dataclasses.replace(SAMPLE_COMPETENCY, levels=()))
    with pytest.raises(CredentialBuildError):
        _build(competency=dataclasses.replace(SAMPLE_COMPETENCY, name="  "))


def test_credential_build_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not on the scale"):
        _build(level_code="9")


@pytest.mark.parametrize("field", ["valid_from", "valid_until"])
def test_naive_datetimes_are_refused_with_credential_build_error(field: str) -> None:
    with pytest.raises(CredentialBuildError):
        _build(**{field: datetime(2027, 1, 1, 9, 0)})  # a naive datetime is the point


def test_request_type_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        REQUEST.level_code = "3"  # type: ignore[misc]
    assert isinstance(REQUEST, CertificateRequest)
    assert REQUEST.valid_from.tzinfo is UTC
