"""Labour-market regions and the regional figures (issue 9, part C).

The figures are checked over generated data with many small groups (regions, competences,
levels and months; cells of 1 to 4 people; one person holding several certificates in one
cell; certificates issued to a typed name without a participant record; a revoked one):
the CSV and the page never show a number below the threshold, never a name, id or shop,
every shown number is right, and no hidden cell can be worked out from a shown total.
Regions as data: import (all or nothing, one problem per line), a region in use cannot be
removed, and migration 0006 links the shops' old free-text regions.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from sqlalchemy import create_engine, func, select, text

from issuer import store
from issuer.accounts import services as account_services
from issuer.certificates import services as cert_services
from issuer.core import errors
from issuer.organisations import services as org_services
from issuer.participants import services as participant_services
from issuer.runtime import runtime
from issuer.sector.regions import services as regions
from issuer.store.db import alembic_config, session_scope
from issuer.store.models import AuditEvent, Participant, Region, Shop
from tests.issuer.conftest import PASSWORD, login, post
from tests.support import cli, make_settings, migrated_app, service_env

SECTOR = "sector@example.org"
COMPETENCES = ("CIRC-SORTEREN", "DIG-KASSA", "WERK-AFSPRAKEN-NAKOMEN", "VAK-KLANTEN-HELPEN")
LOCAL = regions.LOCAL_TIME


def _month_noon(months_back: int, day: int) -> datetime:
    today = datetime.now(LOCAL).date().replace(day=1)
    first = today
    for _ in range(months_back):
        first = (first - timedelta(days=1)).replace(day=1)
    return datetime.combine(first.replace(day=day), time(12, 0), tzinfo=LOCAL).astimezone(UTC)


@dataclass
class Generated:
    names: set[str]
    public_ids: set[str]
    private: set[str]  # shop and organisation names, e-mail addresses: never below region level
    truth: dict[tuple[str, str, str, str], tuple[int, set[str]]]  # (region, month, competence, level) -> certs, people
    totals: dict[tuple[str, str], tuple[int, set[str]]]
    first: date
    last: date


def _generate(app: Flask) -> Generated:
    """Certificates in many small groups, issued for real (signed), in 4 regions and 3 months."""
    rng = random.Random(20261123)  # noqa: S311 - test data, not a secret
    rt = app.extensions["credentials"]
    names: set[str] = set()
    public_ids: set[str] = set()
    truth: dict[tuple[str, str, str, str], tuple[int, set[str]]] = defaultdict(lambda: (0, set()))
    totals: dict[tuple[str, str], tuple[int, set[str]]] = defaultdict(lambda: (0, set()))
    with app.app_context(), session_scope(rt.sessions) as db:
        org1, _ = org_services.create_organisation(db, rt.context, slug="kringloop-gen-1", name="Kringloop Zeldzaam",
                                               actor="test")  # fmt: skip
        org2, _ = org_services.create_organisation(db, rt.context, slug="kringloop-gen-2", name="Kringloop Uniek",
                                               actor="test")  # fmt: skip
        shops = {
            "rijnmond": org_services.add_shop(db, org=org1, name="Winkel Quokkastraat", actor="t", region="Rijnmond"),
            "twente": org_services.add_shop(db, org=org2, name="Winkel Axolotlplein", actor="t", region="twente"),
            "drenthe": org_services.add_shop(db, org=org1, name="Winkel Capibaraweg", actor="t", region="Drenthe"),
            regions.UNKNOWN: org_services.add_shop(db, org=org2, name="Winkel Zonderregio", actor="t"),
        }
        account_services.add_user(
            db, email=SECTOR, name="Sector Beheer", password=PASSWORD, role="sector_admin", actor="t"
        )
        counter = 0

        def person(shop: Shop) -> tuple[Participant, str]:
            nonlocal counter
            counter += 1
            name = f"Qzxv Vlinderbloem{counter:04d} Tjirpsma"
            names.add(name)
            org = org1 if shop.organisation_id == org1.id else org2
            participant, _ = participant_services.add_participant(db, org=org, name=name, actor="t", shop=shop)
            return participant, name

        def issue(  # noqa: PLR0917 - a test helper, read at the call sites
            region: str, months_back: int, competence: str, level: str, who: Participant | None, name: str,
            day: int = 10, *, typed: bool = False,
        ) -> None:  # fmt: skip
            shop = shops[region]
            org = org1 if shop.organisation_id == org1.id else org2
            moment = _month_noon(months_back, day)
            cert = cert_services.issue_certificate(
                db, rt.context, org=org, competence_code=competence, level=level, actor="t",
                participant=None if typed else who, holder_name=name if typed else None,
                issued_on=moment, shop=shop,
            )  # fmt: skip
            public_ids.add(cert.public_id)
            month = moment.astimezone(LOCAL).strftime("%Y-%m")
            key = name.casefold() if typed or who is None else f"p{who.id}"
            certs, people = truth[(region, month, competence, level)]
            truth[(region, month, competence, level)] = (certs + 1, people | {key})
            certs, people = totals[(region, month)]
            totals[(region, month)] = (certs + 1, people | {key})

        for region, shop in shops.items():
            for months_back in (1, 2, 3):
                for competence in COMPETENCES:
                    for level in ("1", "2"):
                        size = rng.choice((0, 0, 1, 1, 2, 3, 4, 4, 5, 7))
                        for _ in range(size):
                            who, name = person(shop)
                            issue(region, months_back, competence, level, who, name)
                        if size and rng.random() < 0.3:
                            # one person holds several certificates in this cell (other days)
                            issue(region, months_back, competence, level, who, name, day=20)
                            issue(region, months_back, competence, level, who, name, day=21)
        # A big cell next to one small cell: the total would give the small one away.
        for _ in range(6):
            who, name = person(shops["drenthe"])
            issue("drenthe", 4, "DIG-KASSA", "3", who, name)
        for _ in range(2):
            who, name = person(shops["drenthe"])
            issue("drenthe", 4, "CIRC-SORTEREN", "3", who, name)
        # Typed names without a participant record: the same name twice is one person.
        for typed_name in ("Xyqo Typenaam Eerst", "Xyqo Typenaam Eerst", "Xyqo Typenaam Tweede"):
            names.add(typed_name)
            issue("twente", 4, "VAK-KLANTEN-HELPEN", "3", None, typed_name, typed=True)
        # A revoked certificate does not count.
        who, name = person(shops["twente"])
        revoked = cert_services.issue_certificate(db, rt.context, org=org2, competence_code="DIG-KASSA", level="3",
                                             actor="t", participant=who, issued_on=_month_noon(4, 12),
                                             shop=shops["twente"])  # fmt: skip
        cert_services.revoke(db, rt.context, cert=revoked, reason="fout", actor="t")
        public_ids.add(revoked.public_id)
        private = {"Kringloop Zeldzaam", "Kringloop Uniek", *(s.name for s in shops.values())}
    first = _month_noon(4, 1).astimezone(LOCAL).date().replace(day=1)
    last = _month_noon(1, 1).astimezone(LOCAL).date().replace(day=1)
    return Generated(names, public_ids, private, dict(truth), dict(totals), first, last)


def _rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def test_figures_never_show_a_small_group_a_name_or_a_derivable_cell(app: Flask) -> None:
    gen = _generate(app)
    client = app.test_client()
    login(client, SECTOR)
    query = f"?van={gen.first:%Y-%m}&tot={gen.last:%Y-%m}"
    response = client.get("/sector/regio-cijfers.csv" + query)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    data = response.get_data()
    page = client.get("/sector/regio-cijfers" + query).get_data(as_text=True)
    english = client.get("/sector/regio-cijfers" + query + "&lang=en").get_data(as_text=True)
    outputs = {"csv": data.decode("utf-8-sig"), "page": page, "page (en)": english}
    for label, output in outputs.items():
        for secret in (*gen.names, *gen.public_ids, *gen.private):
            assert secret.casefold() not in output.casefold(), f"{secret!r} in the {label}"
        assert "Vlinderbloem" not in output and "Typenaam" not in output and "@" not in output, label

    rows = _rows(data)
    cells = [r for r in rows if r["soort"] == "cel"]
    totals = [r for r in rows if r["soort"] == "regio en maand"]
    assert cells and totals
    for row in rows:
        shown_certs, shown_people = row["certificaten"], row["personen"]
        assert (shown_certs, shown_people) in (("x", "<5"), ("x", "x")) or (
            shown_certs.isdigit()
            and shown_people.isdigit()
            and int(shown_people) >= regions.THRESHOLD
            and int(shown_certs) >= int(shown_people)
        ), row
    # Every shown cell is right, every hidden one is really small; nothing is left out.
    by_code = {"onbekend": regions.UNKNOWN}
    seen = set()
    for row in cells:
        region = by_code.get(row["regiocode"], row["regiocode"])
        key = (region, row["maand"], row["competentiecode"], row["niveau"])
        seen.add(key)
        certs, people = gen.truth[key]
        if row["personen"] == "<5":
            assert len(people) < regions.THRESHOLD, key
        else:
            assert (int(row["certificaten"]), int(row["personen"])) == (certs, len(people)), key
    assert seen == set(gen.truth)
    # A person with several certificates in one cell counts once; the typed name given twice too.
    assert any(c > len(p) >= regions.THRESHOLD for c, p in gen.truth.values()) or any(
        c > len(p) for c, p in gen.truth.values()
    )
    assert gen.truth[("twente", f"{gen.first:%Y-%m}", "VAK-KLANTEN-HELPEN", "3")] == (
        3, {"xyqo typenaam eerst", "xyqo typenaam tweede"},
    )  # fmt: skip
    # No hidden cell can be worked out from a shown total.
    hidden_seen = 0
    for total in totals:
        region = by_code.get(total["regiocode"], total["regiocode"])
        under = [
            c for c in cells if (by_code.get(c["regiocode"], c["regiocode"]), c["maand"]) == (region, total["maand"])
        ]
        hidden = [c for c in under if c["personen"] == "<5"]
        true_certs, true_people = gen.totals[(region, total["maand"])]
        if total["personen"] == "x" or total["personen"] == "<5":
            assert total["personen"] == "x" or len(true_people) < regions.THRESHOLD
            continue
        assert (int(total["certificaten"]), int(total["personen"])) == (true_certs, len(true_people))
        if not hidden:
            continue
        hidden_seen += 1
        rest = int(total["certificaten"]) - sum(int(c["certificaten"]) for c in under if c["personen"] != "<5")
        rest_people = int(total["personen"]) - sum(int(c["personen"]) for c in under if c["personen"] != "<5")
        # At least two hidden cells; none of them can be pinned to a number (or below 5).
        assert len(hidden) >= 2, total
        assert rest - (len(hidden) - 1) >= regions.THRESHOLD, total
        assert rest_people - (regions.THRESHOLD - 1) * (len(hidden) - 1) <= 1, total
    assert hidden_seen, "the generated data should have shown totals over hidden cells"
    # The big cell next to a single small one: its total is hidden, the big cell is shown.
    drenthe = [t for t in totals if t["regiocode"] == "drenthe" and t["maand"] == f"{gen.first:%Y-%m}"]
    assert [(t["certificaten"], t["personen"]) for t in drenthe] == [("x", "x")]
    # Revoked certificates are not counted.
    assert gen.truth.get(("twente", f"{gen.first:%Y-%m}", "DIG-KASSA", "3")) is None
    assert not [c for c in cells if c["regiocode"] == "twente" and c["competentiecode"] == "DIG-KASSA"
                and c["niveau"] == "3" and c["maand"] == f"{gen.first:%Y-%m}"]  # fmt: skip
    # The page shows the same hidden marks and no small number next to "mensen".
    assert "&lt;5" in page
    for match in re.finditer(r'<td class="number">(\d+)</td>', page):
        assert int(match.group(1)) >= regions.THRESHOLD or match.group(1) == "0"


def test_the_figures_page_is_accessible_and_needs_no_script(app: Flask) -> None:
    gen = _generate(app)
    client = app.test_client()
    login(client, SECTOR)
    response = client.get(f"/sector/regio-cijfers?van={gen.first:%Y-%m}&tot={gen.last:%Y-%m}&lang=en")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script" not in body and " style=" not in body
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert body.count('<svg class="chart"') == 4  # Rijnmond, Twente, Drenthe, unknown
    for match in re.finditer(r'<svg [^>]*aria-labelledby="([^"]+)"', body):
        for ref in match.group(1).split():
            assert f'id="{ref}"' in body
    assert "Certificates per month in Twente" in body and "Unknown (shop without a region)" in body
    dutch = client.get(f"/sector/regio-cijfers?van={gen.first:%Y-%m}&tot={gen.last:%Y-%m}&lang=nl")
    assert "Certificaten per maand in Twente" in dutch.get_data(as_text=True)
    # Only the partnership regions (Twente, Drenthe), or one region.
    only = client.get(f"/sector/regio-cijfers?van={gen.first:%Y-%m}&tot={gen.last:%Y-%m}&partnerschap=1")
    text_only = only.get_data(as_text=True)
    assert "in Twente" in text_only and "in Drenthe" in text_only and "in Rijnmond" not in text_only
    one = client.get(f"/sector/regio-cijfers?van={gen.first:%Y-%m}&tot={gen.last:%Y-%m}&regio=onbekend")
    assert one.get_data(as_text=True).count('<svg class="chart"') == 1
    # A bad month: a clear message tied to its field, 400.
    bad = client.get("/sector/regio-cijfers?van=maart&tot=2026-13")
    text_bad = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert 'aria-describedby="f-van-hint f-van-error"' in text_bad and 'id="f-van-error"' in text_bad
    assert "Schrijf de maand als jaar-maand" in text_bad


def test_protect_hides_every_total_a_hidden_cell_could_be_worked_out_from() -> None:
    cell = ("r", "2026-01", "circular")
    # One small cell under a shown total: hidden total.
    _, totals = regions.protect([(*cell, "A", "1", 20, 20), (*cell, "B", "1", 2, 2)], {("r", "2026-01"): (22, 22)})
    assert totals[("r", "2026-01")].hidden and not totals[("r", "2026-01")].small
    # Two small cells with 1 certificate each: the rest (2) would pin both to 1.
    _, totals = regions.protect([(*cell, "A", "1", 20, 20), (*cell, "B", "1", 1, 1), (*cell, "C", "1", 1, 1)],
                                {("r", "2026-01"): (22, 22)})  # fmt: skip
    assert totals[("r", "2026-01")].hidden
    # Two small cells of 4 distinct people: the rest (8 people) would pin both to 4.
    _, totals = regions.protect([(*cell, "A", "1", 20, 20), (*cell, "B", "1", 4, 4), (*cell, "C", "1", 4, 4)],
                                {("r", "2026-01"): (28, 28)})  # fmt: skip
    assert totals[("r", "2026-01")].hidden
    # Many small cells: nothing can be pinned, the total is shown.
    small = [(*cell, f"S{i}", "1", 2, 2) for i in range(6)]
    _, totals = regions.protect([(*cell, "A", "1", 20, 20), *small], {("r", "2026-01"): (32, 25)})
    assert totals[("r", "2026-01")].certificates == 32
    # Fewer than 5 people in all: hidden as small.
    _, totals = regions.protect([(*cell, "A", "1", 3, 3)], {("r", "2026-01"): (3, 3)})
    assert totals[("r", "2026-01")].small


# --- regions as data ---------------------------------------------------------------------------


def _region_state(app: Flask) -> tuple[list[regions.RegionRow], int]:
    with app.app_context(), session_scope(runtime().sessions) as db:
        return regions.list_regions(db), int(db.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def test_the_migration_seeds_the_35_regions_with_the_partnership_marked(app: Flask) -> None:
    rows, _ = _region_state(app)
    assert len(rows) == 35
    assert {r.name for r in rows if r.in_partnership} == {
        "Gooi en Vechtstreek", "Rijk van Nijmegen", "Midden-Holland", "Midden-Utrecht", "Midden-Brabant", "Drenthe",
        "Food Valley", "Holland Rijnland", "Groningen", "Midden-Gelderland", "Twente", "Midden-Limburg",
    }  # fmt: skip
    assert {r.code for r in rows} >= {"zaanstreek-waterland", "food-valley", "regio-zwolle"}


GOOD_FILE = (
    b"code,name,in_sector_partnership_2024\n"
    b"rijnmond,Rijnmond,yes\n"  # marked
    b"food-valley,FoodValley,yes\n"  # renamed (by its code)
    b",Nieuwe Regio Oost,no\n"  # added
    b",Twente,yes\n"  # unchanged
)


def test_a_good_region_file_adds_renames_and_marks(app: Flask) -> None:
    with app.app_context(), session_scope(runtime().sessions) as db:
        summary = regions.import_regions(db, GOOD_FILE, actor="test")
    assert summary.added == ["Nieuwe Regio Oost"] and summary.changed == ["Rijnmond", "FoodValley"]
    assert summary.unchanged == 1
    rows, _ = _region_state(app)
    by_code = {r.code: r for r in rows}
    assert by_code["rijnmond"].in_partnership and by_code["food-valley"].name == "FoodValley"
    assert by_code["nieuwe-regio-oost"].in_partnership is False and len(rows) == 36


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("name,in_sector_partnership_2024\nRijnmond,misschien\n", [(2, "in_sector_partnership", "bad_partnership")]),
        ("name,in_sector_partnership_2024\nNieuw,no\nnieuw,yes\n", [(3, "name", "duplicate_name")]),
        ("name,in_sector_partnership_2024\n ,no\nRijnmond,yes\n", [(2, "name", "empty_name")]),
        (
            "name;in_sector_partnership_2024\nA;ja\n;nee\nB;soms\nA;no\n",
            [(3, "name", "empty_name"), (4, "in_sector_partnership", "bad_partnership"), (5, "name", "duplicate_name")],
        ),
        ("naam,partnerschap\nRijnmond,yes\n", [(1, "header", "bad_header")]),
        ("code,name,in_sector_partnership\nnieuw,Twente,yes\n", [(2, "name", "region_exists")]),
    ],
)
def test_a_bad_region_file_says_what_is_wrong_per_line_and_changes_nothing(
    app: Flask, content: str, expected: list[tuple[int, str, str]]
) -> None:
    before = _region_state(app)
    with (
        pytest.raises(regions.RegionImportRefused) as refused,
        app.app_context(),
        session_scope(runtime().sessions) as db,
    ):
        regions.import_regions(db, content.encode(), actor="test")
    assert [(p.line, p.field, p.code) for p in refused.value.problems] == expected
    assert _region_state(app) == before
    assert "line" in refused.value.message and "nothing changed" in refused.value.message


def test_the_import_page_lists_the_problems_and_changes_nothing(app: Flask) -> None:
    with app.app_context(), session_scope(runtime().sessions) as db:
        account_services.add_user(db, email=SECTOR, name="Sector", password=PASSWORD, role="sector_admin", actor="t")
    client = app.test_client()
    login(client, SECTOR)
    before = _region_state(app)
    bad = b"name,in_sector_partnership_2024\nRijnmond,misschien\nRijnmond,yes\n"
    response = client.post(
        "/sector/regios/importeren",
        data={"file": (io.BytesIO(bad), "regios.csv"), "csrf_token": _csrf(client)},
        content_type="multipart/form-data",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Schrijf yes of no" in body and "Deze regio staat al eerder in het bestand" in body
    assert 'aria-describedby="f-file-import-hint f-file-import-error"' in body
    assert _region_state(app) == before
    good = client.post(
        "/sector/regios/importeren",
        data={"file": (io.BytesIO(GOOD_FILE), "regios.csv"), "csrf_token": _csrf(client)},
        content_type="multipart/form-data",
    )
    assert good.status_code == 302
    assert len(_region_state(app)[0]) == 36


def _csrf(client: object) -> str:
    from tests.issuer.conftest import csrf_token

    return csrf_token(client)  # type: ignore[arg-type]


def test_a_region_in_use_cannot_be_removed(app: Flask) -> None:
    with app.app_context(), session_scope(runtime().sessions) as db:
        org, _ = org_services.create_organisation(db, runtime().context, slug="kringloop-r", name="R", actor="t")
        org_services.add_shop(db, org=org, name="Winkel", actor="t", region="Rijnmond")
        account_services.add_user(db, email=SECTOR, name="Sector", password=PASSWORD, role="sector_admin", actor="t")
    before = _region_state(app)
    with pytest.raises(errors.Conflict) as refused, app.app_context(), session_scope(runtime().sessions) as db:
        regions.remove_region(db, region=regions.get_region(db, "rijnmond"), actor="t")
    assert refused.value.code == "region_in_use"
    client = app.test_client()
    login(client, SECTOR)
    response = post(client, "/sector/regios/rijnmond/verwijderen")
    assert response.status_code == 409
    assert "Rijnmond kan niet weg: er horen nog 1 winkels bij" in response.get_data(as_text=True)
    assert _region_state(app) == before
    assert post(client, "/sector/regios/achterhoek/verwijderen").status_code == 302
    assert "achterhoek" not in {r.code for r in _region_state(app)[0]}


def test_an_unknown_region_for_a_new_shop_is_refused(app: Flask) -> None:
    with app.app_context(), session_scope(runtime().sessions) as db:
        org, _ = org_services.create_organisation(db, runtime().context, slug="kringloop-s", name="S", actor="t")
        with pytest.raises(errors.NotFound) as refused:
            org_services.add_shop(db, org=org, name="Winkel", actor="t", region="Atlantis")
        assert refused.value.code == "unknown_region" and refused.value.field == "region"
        shop = org_services.add_shop(db, org=org, name="Winkel 2", actor="t", region="Regio Gooi en Vechtstreek")
        assert shop.labour_region is not None and shop.labour_region.code == "gooi-en-vechtstreek"


# --- migration 0006 ------------------------------------------------------------------------------


def _migration() -> object:
    path = Path(store.__file__).parent / "migrations" / "versions" / "0006_regions.py"
    spec = importlib.util.spec_from_file_location("migration_0006", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migrations_frozen_name_matching_agrees_with_the_service() -> None:
    module = _migration()
    for name in ("Zaanstreek/Waterland", "Food Valley", "Foodvalley", "Regio Zwolle", "Zwolle", "  Rijnmond ",
                 "Holland-Rijnland", "Zuid-Kennemerland en IJmond", "Friesland", "Fryslân", "regio", ""):  # fmt: skip
        assert module._code(name) == regions.region_code(name)  # type: ignore[attr-defined]
        assert module._match_key(name) == regions.match_key(name)  # type: ignore[attr-defined]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migration_0006_links_known_free_text_regions_and_keeps_unknown_ones(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}" if backend == "sqlite" else request.getfixturevalue("postgres_schema_url")
    app = migrated_app(make_settings(tmp_path, url))
    engine = app.extensions["credentials"].engine
    try:
        with engine.begin() as connection:
            config = alembic_config(str(engine.url))
            config.attributes["connection"] = connection
            command.downgrade(config, "0005")
        with engine.begin() as connection:
            now = datetime.now(UTC)
            connection.execute(text(
                "INSERT INTO organisations (slug, name, did, membership, member_since, created_at) "
                "VALUES ('oud', 'Oud', 'did:web:x:orgs:oud', 'active', :now, :now)"), {"now": now})  # fmt: skip
            org_id = connection.execute(text("SELECT id FROM organisations WHERE slug = 'oud'")).scalar_one()
            for name, region in (("W1", "Rijnmond"), ("W2", "Rotterdam-Zuid"), ("W3", "foodvalley"), ("W4", None),
                                 ("W5", "Regio Zwolle")):  # fmt: skip
                connection.execute(text("INSERT INTO shops (organisation_id, name, region) VALUES (:o, :n, :r)"),
                                   {"o": org_id, "n": name, "r": region})  # fmt: skip
        with engine.begin() as connection:
            config = alembic_config(str(engine.url))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT shops.name, shops.region, regions.code FROM shops LEFT JOIN regions ON regions.id = "
                "shops.region_id ORDER BY shops.name")).all()  # fmt: skip
        assert [tuple(r) for r in rows] == [
            ("W1", None, "rijnmond"), ("W2", "Rotterdam-Zuid", None), ("W3", None, "food-valley"), ("W4", None, None),
            ("W5", None, "regio-zwolle"),
        ]  # fmt: skip
        with app.app_context(), session_scope(runtime().sessions) as db:
            unplaced = regions.shops_without_region(db)
        assert [(s.name, s.legacy) for s in unplaced] == [("W2", "Rotterdam-Zuid"), ("W4", None)]
        # Down again: every linked region's name is back in the text column.
        with engine.begin() as connection:
            config = alembic_config(str(engine.url))
            config.attributes["connection"] = connection
            command.downgrade(config, "0005")
        with engine.connect() as connection:
            back = connection.execute(text("SELECT name, region FROM shops ORDER BY name")).all()
        assert [tuple(r) for r in back] == [("W1", "Rijnmond"), ("W2", "Rotterdam-Zuid"), ("W3", "Food Valley"),
                                            ("W4", None), ("W5", "Regio Zwolle")]  # fmt: skip
    finally:
        engine.dispose()


# --- shops and the command line -------------------------------------------------------------------


def test_an_organisation_admin_puts_only_own_shops_in_a_region(app: Flask) -> None:
    from tests.issuer.conftest import build_world

    world = build_world(app)
    client = app.test_client()
    login(client, world.a.admin)
    assert "Winkel A" in client.get("/organisatie/winkels").get_data(as_text=True)
    with app.app_context(), session_scope(runtime().sessions) as db:
        own = db.execute(select(Shop).where(Shop.name == "Winkel A")).scalar_one().id
        other = db.execute(select(Shop).where(Shop.name == "Winkel B")).scalar_one().id
    assert post(client, f"/organisatie/winkels/{other}/regio", {"region": "twente"}).status_code == 404
    refused = post(client, f"/organisatie/winkels/{own}/regio", {"region": "atlantis"})
    assert refused.status_code == 400 and "Kies een regio uit de lijst" in refused.get_data(as_text=True)
    assert post(client, f"/organisatie/winkels/{own}/regio", {"region": "midden-utrecht"}).status_code == 302
    with app.app_context(), session_scope(runtime().sessions) as db:
        shops = {s.name: s.region_id for s in db.execute(select(Shop)).scalars()}
        utrecht = db.execute(select(Region.id).where(Region.code == "midden-utrecht")).scalar_one()
    assert shops == {"Winkel A": utrecht, "Winkel B": None}


def test_the_regions_command_imports_all_or_nothing(tmp_path: Path) -> None:
    env = service_env(tmp_path, "http://127.0.0.1:5000")
    cli(env, "init")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,in_sector_partnership_2024\nRijnmond,misschien\n,yes\n", encoding="utf-8")
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    run = subprocess.run([sys.executable, "-m", "issuer.cli", "regions", "import", str(bad)], env=env,
                         capture_output=True, text=True, check=False, cwd=root)  # fmt: skip
    assert run.returncode == 1
    assert 'line 2, column in_sector_partnership ("misschien"): Write yes or no' in run.stderr
    assert "line 3, column name" in run.stderr and "Fill in a name" in run.stderr
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD_FILE)
    assert "1 added, 2 changed, 1 unchanged" in cli(env, "regions", "import", str(good))
    listed = cli(env, "regions", "list")
    assert "FoodValley" in listed and "Nieuwe Regio Oost" in listed
    out = tmp_path / "cijfers.csv"
    assert "Wrote" in cli(env, "regions", "figures", "--from", "2026-01", "--to", "2026-12", "--out", str(out))
    assert out.read_bytes().startswith(b"\xef\xbb\xbfsoort,arbeidsmarktregio")
    engine = create_engine(f"sqlite:///{tmp_path / 'instance' / 'credentials.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM regions")).scalar_one() == 36
    engine.dispose()
