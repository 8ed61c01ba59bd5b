"""The shipped competence catalogue: it loads, its ESCO alignments are real, every competence
becomes a valid credential, and the loader refuses a broken catalogue."""

from __future__ import annotations

import ast
import copy
import csv
import dataclasses
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from credentials.jsonld import default_document_loader, expand_strict
from credentials.model import Alignment, RubricLevel, build_competency_credential
from credentials.sample import sample_request
from credentials.schema import ob_schema_errors
from issuer.catalogue import (
    CATALOGUE_RESOURCE,
    ESCO_ATTRIBUTION,
    Catalogue,
    CatalogueError,
    catalogue_json,
    load_catalogue,
)

REPO = Path(__file__).parents[2]
PACKAGE_DIR = REPO / "issuer" / "catalogue"
SHARED_ESCO_CSV = Path(__file__).parents[3] / "shared" / "catalogue" / "esco-subset.csv"
COPIED_ESCO_CSV = PACKAGE_DIR / "esco-subset.csv"
BASE_URL = "https://certificaten.kringloop.example"
ISSUER_DID = "did:web:certificaten.kringloop.example:orgs:voorbeeld"
STATUS_URL = "https://certificaten.kringloop.example/orgs/voorbeeld/status/1"
GROUP_PREFIXES = {"circular": ("CIRC-",), "digital": ("DIG-",), "craft-and-work": ("VAK-", "WERK-")}

CATALOGUE = load_catalogue()
CODES = [competence.code for competence in CATALOGUE.competences]


def _esco_rows() -> dict[str, dict[str, str]]:
    """ESCO subset rows by URI: the shared file when this checkout sits next to it, else the package's copy."""
    path = SHARED_ESCO_CSV if SHARED_ESCO_CSV.is_file() else COPIED_ESCO_CSV
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["uri"]: row for row in csv.DictReader(handle)}


def _shipped_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((PACKAGE_DIR / CATALOGUE_RESOURCE).read_text(encoding="utf-8"))
    return document


def _write(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / "competences.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


# -- the shipped catalogue -------------------------------------------------------------


def test_shipped_catalogue_loads_with_framework_levels_and_groups() -> None:
    framework = CATALOGUE.framework
    assert framework.id == "https://certificaten.kringloop.example/competenties"
    assert framework.version == "1"
    assert framework.published == date(2026, 11, 23)
    assert framework.name_nl and framework.name_en
    assert [(level.code, level.name_nl, level.name_en) for level in CATALOGUE.levels] == [
        ("1", "Met begeleiding", "With guidance"),
        ("2", "Zelfstandig", "Independently"),
        ("3", "Kan anderen instrueren", "Can instruct others"),
    ]
    assert [(group.code, group.name_nl, group.name_en) for group in CATALOGUE.groups] == [
        ("circular", "Circulair werken", "Circular work"),
        ("digital", "Digitale vaardigheden", "Digital skills"),
        ("craft-and-work", "Vakmanschap en werkhouding", "Craft and work skills"),
    ]


def test_loading_a_path_gives_the_same_catalogue_as_the_package_resource() -> None:
    assert load_catalogue(PACKAGE_DIR / CATALOGUE_RESOURCE) == CATALOGUE


def test_at_least_thirty_competences_and_ten_per_group() -> None:
    per_group = CATALOGUE.by_group()
    assert len(CATALOGUE.competences) >= 30
    assert list(per_group) == ["circular", "digital", "craft-and-work"]
    for group, competences in per_group.items():
        assert len(competences) >= 10, group
    assert sum(len(competences) for competences in per_group.values()) == len(CATALOGUE.competences)


def test_codes_are_unique_stable_and_prefixed_by_group() -> None:
    assert len(set(CODES)) == len(CODES)
    for competence in CATALOGUE.competences:
        assert competence.code.isascii() and competence.code == competence.code.upper()
        assert competence.code.startswith(GROUP_PREFIXES[competence.group]), competence.code
        assert competence.status == "active"
        assert competence.since_version == "1"


def test_every_alignment_is_an_esco_skill_of_the_subset_with_its_label() -> None:
    rows = _esco_rows()
    for competence in CATALOGUE.competences:
        assert competence.esco, competence.code
        for skill in competence.esco:
            row = rows.get(skill.uri)
            assert row is not None, f"{competence.code}: {skill.uri} is not in esco-subset.csv"
            assert row["conceptType"] == "KnowledgeSkillCompetence", f"{competence.code}: {skill.uri} is not a skill"
            assert skill.label_en == row["preferredLabel_en"], competence.code


def test_package_copy_of_the_esco_subset_matches_the_shared_file() -> None:
    assert COPIED_ESCO_CSV.is_file()
    if not SHARED_ESCO_CSV.is_file():
        pytest.skip("../shared/catalogue is not next to this checkout")
    assert COPIED_ESCO_CSV.read_bytes() == SHARED_ESCO_CSV.read_bytes()


def test_criteria_are_three_to_five_bullets_in_both_languages() -> None:
    for competence in CATALOGUE.competences:
        nl = competence.criteria_nl.splitlines()
        en = competence.criteria_en.splitlines()
        assert 3 <= len(nl) <= 5, competence.code
        assert len(nl) == len(en), competence.code
        assert all(line.startswith("- ") for line in nl + en), competence.code


def test_esco_attribution_is_present_and_names_the_commission_and_version() -> None:
    attribution = CATALOGUE.framework.esco_attribution
    assert ESCO_ATTRIBUTION in attribution
    assert "European Commission" in attribution
    assert "v1.1.1" in attribution
    assert CATALOGUE.framework.esco_version == "v1.1.1"


# -- building credentials --------------------------------------------------------------


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("code", CODES)
def test_every_competence_builds_a_schema_valid_strict_json_ld_credential(code: str, language: str) -> None:
    competence = CATALOGUE.get(code)
    request = dataclasses.replace(
        sample_request(issuer_did=ISSUER_DID, status_url=STATUS_URL),
        competency=competence.to_competency(BASE_URL, language=language),
    )
    credential = build_competency_credential(request)

    assert ob_schema_errors(credential) == []
    assert expand_strict(credential, document_loader=default_document_loader())
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["id"] == f"{BASE_URL}/competenties/{code.lower()}/v1"
    assert achievement["humanCode"] == code
    assert achievement["inLanguage"] == language
    assert achievement["name"] == competence.name(language)
    assert [a["targetUrl"] for a in achievement["alignment"]] == [skill.uri for skill in competence.esco]


def test_to_competency_takes_texts_levels_and_alignments_from_the_catalogue() -> None:
    competence = CATALOGUE.get("CIRC-ELEKTRA-TESTEN")
    competency = competence.to_competency(BASE_URL + "/", language="en")

    assert competency.id == "https://certificaten.kringloop.example/competenties/circ-elektra-testen/v1"
    assert competency.name == competence.name_en
    assert competency.description == competence.description_en
    assert competency.criteria == competence.criteria_en
    assert list(competency.levels) == [
        RubricLevel("1", "With guidance", CATALOGUE.levels[0].description_en),
        RubricLevel("2", "Independently", CATALOGUE.levels[1].description_en),
        RubricLevel("3", "Can instruct others", CATALOGUE.levels[2].description_en),
    ]
    assert list(competency.alignments) == [
        Alignment(target_url=skill.uri, target_name=skill.label_en, target_code=None) for skill in competence.esco
    ]
    assert competency.human_code == "CIRC-ELEKTRA-TESTEN"
    assert competency.version == "1"
    assert competency.language == "en"
    assert list(competency.tags) == ["circular"]
    assert competence.to_competency(BASE_URL).levels[2].name == "Kan anderen instrueren"


@pytest.mark.parametrize(
    "base_url", ["certificaten.kringloop.example", "ftp://x.example", "https://x.example/?a=1", ""]
)
def test_to_competency_refuses_a_base_url_that_is_not_absolute_http(base_url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        CATALOGUE.competences[0].to_competency(base_url)


def test_to_competency_refuses_an_unknown_language() -> None:
    with pytest.raises(ValueError, match="language must be one of nl, en"):
        CATALOGUE.competences[0].to_competency(BASE_URL, language="de")


def test_get_names_close_matches_for_an_unknown_code() -> None:
    with pytest.raises(KeyError, match="did you mean CIRC-SORTEREN"):
        CATALOGUE.get("circ-sorteren")
    with pytest.raises(KeyError, match="no competence 'NIETS' in catalogue version 1"):
        CATALOGUE.get("NIETS")


def test_catalogue_json_lists_every_competence_for_the_command_line() -> None:
    listing = catalogue_json()
    assert [item["code"] for item in listing] == CODES
    for item in listing:
        assert {"code", "group", "name_nl", "name_en"} <= set(item)
    assert json.loads(json.dumps(listing)) == listing


def test_catalogue_module_imports_only_the_standard_library_and_credentials() -> None:
    tree = ast.parse((PACKAGE_DIR / "__init__.py").read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    top_level = {name.split(".")[0] for name in imported} - {"__future__"}
    assert top_level - set(sys.stdlib_module_names) == {"credentials"}


# -- a broken catalogue is refused -----------------------------------------------------


def _duplicate_code(doc: dict[str, Any]) -> None:
    doc["competences"][1]["code"] = doc["competences"][0]["code"]


def _unknown_group(doc: dict[str, Any]) -> None:
    doc["competences"][0]["group"] = "gezellig"


def _invented_esco_uri(doc: dict[str, Any]) -> None:
    doc["competences"][0]["esco"][0]["uri"] = "http://data.europa.eu/esco/skill/kringloop-sorteren"


def _occupation_uri(doc: dict[str, Any]) -> None:
    doc["competences"][0]["esco"][0]["uri"] = (
        "http://data.europa.eu/esco/occupation/4ae3ad16-2d33-406c-8497-c66f7d61b914"
    )


def _empty_dutch_name(doc: dict[str, Any]) -> None:
    doc["competences"][0]["name_nl"] = "  "


def _two_levels(doc: dict[str, Any]) -> None:
    del doc["levels"][2]


def _no_esco_attribution(doc: dict[str, Any]) -> None:
    doc["framework"]["esco_attribution"] = "Uses ESCO."


def _criteria_not_bullets(doc: dict[str, Any]) -> None:
    doc["competences"][0]["criteria_nl"] = "Sorteert goed."


def _misspelt_field(doc: dict[str, Any]) -> None:
    doc["competences"][0]["critera_en"] = doc["competences"][0].pop("criteria_en")


def _no_alignment(doc: dict[str, Any]) -> None:
    doc["competences"][0]["esco"] = []


BROKEN: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "duplicate code": (_duplicate_code, r"duplicate competence code 'CIRC-INNAME' \(also competences\[0\]\)"),
    "unknown group": (_unknown_group, r"competences\[0\] \(CIRC-INNAME\): unknown group 'gezellig'"),
    "invented ESCO uri": (_invented_esco_uri, r"esco\[0\]: uri must be an ESCO skill URI"),
    "ESCO occupation uri": (_occupation_uri, r"esco\[0\]: uri must be an ESCO skill URI"),
    "empty Dutch name": (_empty_dutch_name, r"competences\[0\] \(CIRC-INNAME\): name_nl must be a non-empty string"),
    "two levels": (_two_levels, r"levels: expected the three levels 1, 2, 3"),
    "no ESCO attribution": (_no_esco_attribution, r"esco_attribution must contain ESCO's required acknowledgement"),
    "criteria not bullets": (_criteria_not_bullets, r"criteria_nl line 1 is not a Markdown bullet point"),
    "misspelt field": (_misspelt_field, r"missing field\(s\) criteria_en"),
    "no alignment": (_no_alignment, r"esco must be a non-empty list"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_loader_refuses_a_broken_catalogue(tmp_path: Path, case: str) -> None:
    breaks, message = BROKEN[case]
    document = copy.deepcopy(_shipped_document())
    breaks(document)
    path = _write(tmp_path, document)
    with pytest.raises(CatalogueError, match=message) as excinfo:
        load_catalogue(path)
    assert str(path) in str(excinfo.value)


def test_loader_refuses_duplicate_json_keys_and_invalid_json(tmp_path: Path) -> None:
    path = tmp_path / "competences.json"
    path.write_text('{"framework": {}, "framework": {}}', encoding="utf-8")
    with pytest.raises(CatalogueError, match="duplicate key 'framework'"):
        load_catalogue(path)
    path.write_text('{"framework": ', encoding="utf-8")
    with pytest.raises(CatalogueError, match="not valid JSON"):
        load_catalogue(path)


def test_loader_reports_a_missing_file_as_a_catalogue_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="cannot read the catalogue"):
        load_catalogue(tmp_path / "absent.json")


def test_catalogue_error_is_a_value_error() -> None:
    assert issubclass(CatalogueError, ValueError)
    assert isinstance(CATALOGUE, Catalogue)
