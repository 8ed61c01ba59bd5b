"""credentials.pdf: the certificate and portfolio PDFs, read back with real tools.

The QR code is read from rasterized pages (pypdfium2 at 150 dpi, zxing-cpp), also
after a simulated photocopy; text is extracted with pdfium; structure and metadata
are read with pypdf; the attached credential is verified with the core verifier.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import io
import json
import math
import random
import re
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pypdf
import pypdfium2 as pdfium
import pytest
import zxingcpp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageEnhance, ImageFilter, ImageOps

from credentials.did import StaticDidResolver, build_did_document
from credentials.jsonld import default_document_loader
from credentials.keys import Ed25519Multikey
from credentials.model import CertificateRequest, Holder, IssuerProfile, build_competency_credential
from credentials.pdf import (
    MAX_PDF_BYTES,
    CertificateSheet,
    EnglishText,
    PdfError,
    credential_from_pdf,
    extract_credentials,
    render_certificate_pdf,
    render_portfolio_pdf,
)
from credentials.proofs import add_proof
from credentials.qr import QUIET_ZONE_MODULES, qr_matrix
from credentials.sample import sample_credential
from credentials.verify import verify_credential

DID_WEB = "did:web:certificaten.kringloop.example:orgs:voorbeeld"
KEY = Ed25519Multikey.from_seed(bytes(range(32)), controller=DID_WEB, fragment="key-1")
RESOLVER = StaticDidResolver([build_did_document(DID_WEB, [KEY])])
BASE = "https://certificaten.kringloop.example"
CHECK_URL = f"{BASE}/controleren"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
DPI = 150
A4_POINTS = (595.2756, 841.8898)
STANDARD_14 = {
    "Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique", "Helvetica", "Helvetica-Bold",
    "Helvetica-Oblique", "Helvetica-BoldOblique", "Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic",
    "Symbol", "ZapfDingbats",
}  # fmt: skip
ENGLISH = EnglishText(
    name="Testing and approving electrical appliances",
    description=(
        "Tests second-hand electrical appliances for function and safety, records the result "
        "and approves them for sale or for recycling."
    ),
    criteria=(
        "- Tests appliances according to the work instruction.\n"
        "- Recognises unsafe appliances and sets them aside.\n"
        "- Records the result on the inspection label."
    ),
    level_names={"1": "With guidance", "2": "Independently", "3": "Can instruct others"},
)
UNICODE_NAMES = ("Nguyễn Thị Ánh", "Çelik", "Ødegård", "Ilić", "Łukasz Wąsik", "Zoë")


def signed(credential: dict[str, Any]) -> dict[str, Any]:
    return add_proof(credential, key=KEY, document_loader=default_document_loader(), created="2026-03-02T09:00:00Z")


@cache
def sample_signed(holder: str = "Nguyễn Thị Lan") -> str:
    """The sample certificate for ``holder``, signed, as the service stores it (JSON text)."""
    credential = sample_credential(issuer_did=DID_WEB)
    credential["credentialSubject"]["identifier"][0]["identityHash"] = holder
    return json.dumps(signed(credential), ensure_ascii=False, indent=2)


def public_id(n: int) -> str:
    return hashlib.sha256(f"public-{n}".encode()).digest()[:16].hex()[:22]


def make_sheet(credential_json: str | None = None, n: int = 0, **changes: Any) -> CertificateSheet:
    sheet = CertificateSheet(
        credential_json=credential_json if credential_json is not None else sample_signed(),
        verify_url=f"{BASE}/c/{public_id(n)}",
        short_code=f"K7MX-4QPD-{n:04d}",
        check_url=CHECK_URL,
        supervisor="Fatima El Amrani",
        english=ENGLISH,
        group_nl="Circulair werken",
        group_en="Circular work",
    )
    return dataclasses.replace(sheet, **changes)


@cache
def catalogue_sheets(count: int = 51, holder: str = "Sanne de Vries") -> tuple[CertificateSheet, ...]:
    """Certificates for the real catalogue competences (realistic Dutch and English texts), unsigned."""
    from issuer.catalogue import load_catalogue

    catalogue = load_catalogue()
    groups = {group.code: group for group in catalogue.groups}
    sheets = []
    for i, competence in enumerate(catalogue.competences[:count]):
        request = CertificateRequest(
            credential_id=f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
            issuer=IssuerProfile(
                id=DID_WEB,
                name="Kringloop De Voorbeeldwinkel",
                email="info@kringloop.example",
                phone="010 123 45 67",
                url="https://www.kringloop.example",
            ),
            competency=competence.to_competency(BASE),
            holder=Holder(holder),
            level_code=str(i % 3 + 1),
            valid_from=datetime(2026, 1, 5, 11, tzinfo=UTC) + timedelta(days=3 * i),
            assessor=IssuerProfile(id=f"{BASE}/orgs/voorbeeld/winkels/3", name="Kringloop De Voorbeeldwinkel, Centrum"),
        )
        english = EnglishText(
            name=competence.name_en,
            description=competence.description_en,
            criteria=competence.criteria_en,
            level_names={level.code: level.name_en for level in catalogue.levels},
        )
        group = groups[competence.group]
        sheets.append(
            make_sheet(
                json.dumps(build_competency_credential(request), ensure_ascii=False),
                n=i,
                english=english,
                group_nl=group.name_nl,
                group_en=group.name_en,
            )
        )
    return tuple(sheets)


@cache
def sample_pdf() -> bytes:
    return render_certificate_pdf(make_sheet())


def raster(pdf: bytes, page: int = 0, dpi: int = DPI) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    try:
        return document[page].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        document.close()


def qr_codes(image: Image.Image) -> list[Any]:
    return list(zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode))


def page_texts(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def char_boxes(pdf: bytes, page: int = 0) -> list[tuple[float, float, float, float]]:
    document = pdfium.PdfDocument(pdf)
    try:
        text = document[page].get_textpage()
        return [text.get_charbox(i) for i in range(text.count_chars())]
    finally:
        document.close()


# -- the QR code ------------------------------------------------------------------------


def test_qr_on_the_page_scans_to_the_verify_url_with_error_correction_q() -> None:
    sheet = make_sheet()
    found = qr_codes(raster(sample_pdf()))
    assert [code.text for code in found] == [sheet.verify_url]
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
    assert found[0].ec_level in ("Q", "H")  # at least M was asked; we print Q


def seeded(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - reproducible noise for a picture, not a secret


def _speckle(image: Image.Image, rng: random.Random, *, dark: float, light: float) -> Image.Image:
    """Dust and toner specks: a few random pixels forced to black or white."""
    noise = Image.frombytes("L", image.size, rng.randbytes(image.width * image.height))
    black = noise.point(lambda v: 255 if v < dark * 256 else 0)
    white = noise.point(lambda v: 255 if v > 255 - light * 256 else 0)
    image = Image.composite(Image.new("L", image.size, 20), image, black)
    return Image.composite(Image.new("L", image.size, 235), image, white)


def photocopy(image: Image.Image, rng: random.Random, *, angle: float, quality: int = 40) -> Image.Image:
    """A cheap office copy: washed-out contrast, blur, specks, a skewed sheet, JPEG."""
    image = ImageEnhance.Contrast(image.convert("L")).enhance(0.55)
    image = ImageEnhance.Brightness(image).enhance(1.08)
    image = image.filter(ImageFilter.GaussianBlur(1.0))
    image = _speckle(image, rng, dark=0.004, light=0.004)
    image = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=235)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("L")


def test_qr_still_scans_after_a_photocopy_of_a_photocopy() -> None:
    url = make_sheet().verify_url
    rng = seeded(20260302)
    first = photocopy(raster(sample_pdf()), rng, angle=2.5)
    assert [code.text for code in qr_codes(first)] == [url]
    # A copy of the copy (contrast now about a third of the original), then what a
    # copier's automatic exposure and a black-and-white threshold make of it.
    second = photocopy(first, rng, angle=-2.0, quality=35)
    second = ImageOps.autocontrast(second, cutoff=1).filter(ImageFilter.GaussianBlur(0.8))
    second = second.point(lambda v: 255 if v > 128 else 0)
    assert [code.text for code in qr_codes(second)] == [url]


def test_qr_scans_from_a_low_resolution_copy_at_100_dpi() -> None:
    rng = seeded(7)
    copy_100 = photocopy(raster(sample_pdf(), dpi=100), rng, angle=3.0, quality=40)
    assert [code.text for code in qr_codes(copy_100)] == [make_sheet().verify_url]


def test_qr_is_printed_at_least_25_mm_wide_with_a_white_quiet_zone() -> None:
    image = raster(sample_pdf())
    (code,) = qr_codes(image)
    p = code.position
    corners = [(p.top_left.x, p.top_left.y), (p.top_right.x, p.top_right.y), (p.bottom_right.x, p.bottom_right.y),
               (p.bottom_left.x, p.bottom_left.y)]  # fmt: skip
    mm_per_px = 25.4 / DPI
    top = math.dist(corners[0], corners[1]) * mm_per_px
    left = math.dist(corners[0], corners[3]) * mm_per_px
    assert 25 <= top <= 40 and 25 <= left <= 40, (top, left)
    assert abs(top - 32) < 1.5  # printed at 32 mm
    # the quiet zone: 4 modules around the symbol are white on the page
    modules = qr_matrix(make_sheet().verify_url).size
    module_px = math.dist(corners[0], corners[1]) / modules
    x0, y0 = min(c[0] for c in corners), min(c[1] for c in corners)
    x1, y1 = max(c[0] for c in corners), max(c[1] for c in corners)
    margin = int(QUIET_ZONE_MODULES * module_px) - 2
    ring = image.crop((x0 - margin, y0 - margin, x1 + margin + 1, y1 + margin + 1))
    width, height = ring.size
    inner = 3  # pixels inside the symbol's edge are left out (anti-aliasing)
    pixels = ring.load()
    assert pixels is not None
    for yy in range(height):
        for xx in range(width):
            in_symbol = margin - inner <= xx < width - margin + inner and margin - inner <= yy < height - margin + inner
            if not in_symbol:
                assert pixels[xx, yy] >= 250, (xx, yy, pixels[xx, yy])


# -- the attached credential -------------------------------------------------------------


def test_attached_credential_is_byte_identical_and_verifies() -> None:
    sheet = make_sheet()
    data = credential_from_pdf(sample_pdf())
    assert data == sheet.credential_json.encode("utf-8")
    result = verify_credential(json.loads(data), resolver=RESOLVER, now=NOW)
    assert result.verified, result.to_json()


def test_a_changed_name_in_the_attached_file_fails_the_signature_check() -> None:
    forged = sample_signed().replace("Nguyễn Thị Lan", "Nguyễn Thị Lam")
    assert forged != sample_signed()
    pdf = render_certificate_pdf(make_sheet(forged))
    data = credential_from_pdf(pdf)
    assert data == forged.encode("utf-8")
    result = verify_credential(json.loads(data), resolver=RESOLVER, now=NOW)
    assert not result.verified
    assert [check.id for check in result.failed] == ["valid_signature"]
    assert "Nguyễn Thị Lam" in page_texts(pdf)[0]  # the page shows what the (forged) file says


def test_an_attachment_rewritten_with_another_tool_is_read_and_caught() -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(sample_pdf())))
    names = writer.root_object["/Names"]["/EmbeddedFiles"]["/Names"]
    stream = names[1].get_object()["/EF"]["/F"].get_object()
    tampered = stream.get_data().replace("Nguyễn Thị Lan".encode(), "Nguyễn Thị Lân".encode())
    stream.set_data(tampered)
    out = io.BytesIO()
    writer.write(out)
    data = credential_from_pdf(out.getvalue())
    assert data == tampered
    result = verify_credential(json.loads(data), resolver=RESOLVER, now=NOW)
    assert [check.id for check in result.failed] == ["valid_signature"]


def test_attachment_is_an_associated_file_with_name_type_size_and_checksum() -> None:
    sheet = make_sheet()
    reader = pypdf.PdfReader(io.BytesIO(sample_pdf()))
    root = reader.trailer["/Root"]
    names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    assert len(names) == 2
    spec = names[1].get_object()
    filename = f"certificaat-{public_id(0)}.json"
    assert names[0] == filename
    assert spec["/Type"] == "/Filespec"
    assert spec["/F"] == spec["/UF"] == filename
    assert spec["/AFRelationship"] == "/Data"
    assert "certificaat" in spec["/Desc"].lower()
    assert [ref.get_object() for ref in root["/AF"]] == [spec]
    stream = spec["/EF"]["/F"].get_object()
    data = sheet.credential_json.encode("utf-8")
    assert stream["/Type"] == "/EmbeddedFile"
    assert stream["/Subtype"] == "/application/vc"
    assert stream["/Params"]["/Size"] == len(data)
    assert stream["/Params"]["/CheckSum"].original_bytes == hashlib.md5(data, usedforsecurity=False).digest()
    assert stream.get_data() == data
    assert reader.attachments[filename] == [data]


# -- determinism ---------------------------------------------------------------------------


def test_the_same_sheet_renders_to_the_same_bytes_and_different_sheets_differ() -> None:
    first, second = render_certificate_pdf(make_sheet()), render_certificate_pdf(make_sheet())
    assert first == second == sample_pdf()
    other_url = render_certificate_pdf(make_sheet(n=1))
    other_name = render_certificate_pdf(make_sheet(sample_signed("Zoë")))
    assert len({first, other_url, other_name}) == 3
    # and a certificate rendered after another one does not change
    assert render_certificate_pdf(make_sheet()) == first
    ids = {pypdf.PdfReader(io.BytesIO(pdf)).trailer["/ID"][0] for pdf in (first, other_url, other_name)}
    assert len(ids) == 3


def test_portfolio_rendering_is_deterministic() -> None:
    sheets = catalogue_sheets()[:4]
    assert render_portfolio_pdf("Sanne de Vries", sheets) == render_portfolio_pdf("Sanne de Vries", sheets)


# -- text and fonts --------------------------------------------------------------------------


def _fonts(pdf: bytes) -> list[dict[str, Any]]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts: dict[int, Any] = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            fonts[ref.idnum] = ref.get_object()
    return list(fonts.values())


@pytest.mark.parametrize("name", UNICODE_NAMES)
def test_names_in_any_latin_script_print_and_extract_correctly(name: str) -> None:
    pdf = render_certificate_pdf(make_sheet(sample_signed(name)))
    (text,) = page_texts(pdf)
    assert name in text
    for font in _fonts(pdf):
        base = str(font["/BaseFont"])
        assert base.lstrip("/").split("+")[-1] not in STANDARD_14
        assert re.fullmatch(r"/[A-Z]{6}\+DejaVuSans(-Bold|Mono)?", base), base
        assert font["/Subtype"] == "/TrueType"
        assert "/FontFile2" in font["/FontDescriptor"], base
        assert "/ToUnicode" in font


def test_every_font_in_a_portfolio_is_embedded_and_none_is_standard_14() -> None:
    pdf = render_portfolio_pdf(
        "Łukasz Wąsik", [make_sheet(sample_signed(name), n=i) for i, name in enumerate(UNICODE_NAMES)]
    )
    texts = page_texts(pdf)
    for i, name in enumerate(UNICODE_NAMES, start=1):
        assert name in texts[i]
    fonts = _fonts(pdf)
    assert len(fonts) >= 3
    assert all("/FontFile2" in font["/FontDescriptor"] for font in fonts)
    assert not any(str(font["/BaseFont"]).lstrip("/") in STANDARD_14 for font in fonts)


def test_page_shows_what_the_certificate_says_in_dutch_and_english() -> None:
    (text,) = page_texts(sample_pdf())
    flat = " ".join(text.split())
    for expected in (
        "Certificaat", "Certificate", "Nguyễn Thị Lan", "Elektrische apparaten testen en keuren", ENGLISH.name,
        "Niveau 2 van 3: Zelfstandig", "Level 2 of 3: Independently", "Voert de taak zelfstandig en correct uit.",
        "Herkent onveilige apparaten en zet ze apart.", "Recognises unsafe appliances and sets them aside.",
        "Kringloop De Voorbeeldwinkel", "certificaten@kringloop.example", "Fatima El Amrani", "2 maart 2026",
        "2 March 2026", "Circulair werken", "Circular work", "5b0a3c1e-8f4d-4e62-9d7a-1c2b3a4d5e6f",
        f"{BASE}/c/{public_id(0)}", "Geen camera? Ga naar certificaten.kringloop.example/controleren en typ de code:",
        "No camera? Go to certificaten.kringloop.example/controleren and type the code:", "K7MX-4QPD-0000",
        "improve conditions of second-hand merchandise",
        "http://data.europa.eu/esco/skill/6ee3c966-a880-44c8-b559-6c7b861e6271",
        "This service uses the ESCO classification of the European Commission.",
    ):  # fmt: skip
        assert expected in flat, expected


def test_public_wording_avoids_the_jargon_of_the_language_guide() -> None:
    # docs/taalgids-b1.md: no technical words on paper (ESCO and Open Badges only in the footer)
    (text,) = page_texts(sample_pdf())
    lowered = text.lower()
    for word in ("credential", "verif", "issuer", "proof", "urn:uuid", "did:web", "json-ld", "uuid", "holder"):
        assert word not in lowered, word


def test_dates_are_printed_without_locale_and_in_amsterdam_time() -> None:
    credential = json.loads(sample_signed())
    credential["validFrom"] = "2026-12-31T23:30:00Z"  # already 1 January in Amsterdam
    credential["validUntil"] = "2031-07-04T10:00:00Z"
    (text,) = page_texts(render_certificate_pdf(make_sheet(json.dumps(credential))))
    assert "1 januari 2027" in text and "1 January 2027" in text
    assert "4 juli 2031" in text and "4 July 2031" in text
    assert "Geldig tot" in text


def test_the_supervisors_note_is_printed_with_its_line_breaks() -> None:
    credential = json.loads(sample_signed())
    narrative = "Sorteert zelfstandig.\nLegt nieuwe collega's uit hoe het werkt."
    credential["evidence"] = [{"type": ["Evidence"], "name": "Toelichting", "narrative": narrative}]
    (text,) = page_texts(render_certificate_pdf(make_sheet(json.dumps(credential))))
    assert "Toelichting van de werkbegeleider · Supervisor's note" in text
    lines = [line.strip() for line in text.splitlines()]
    assert "Sorteert zelfstandig." in lines and "Legt nieuwe collega's uit hoe het werkt." in lines


def test_a_long_note_still_fits_on_the_page() -> None:
    credential = json.loads(sample_signed())
    narrative = "\n".join(f"Regel {i} " + "woord " * 30 for i in range(20))
    credential["evidence"] = [{"type": ["Evidence"], "narrative": narrative}]
    pdf = render_certificate_pdf(make_sheet(json.dumps(credential)))
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
    (text,) = page_texts(pdf)
    assert "Regel 0" in text and "Regel 19" not in text  # cut after the note's lines, with an ellipsis


def test_a_date_before_the_signing_day_is_printed_with_the_signing_day() -> None:
    credential = json.loads(sample_signed())  # signed on 2 March 2026
    credential["validFrom"] = "2025-11-14T11:00:00Z"
    (text,) = page_texts(render_certificate_pdf(make_sheet(json.dumps(credential))))
    assert "14 november 2025" in text and "Ondertekend · Signed" in text and "2 maart 2026" in text
    (same_day,) = page_texts(render_certificate_pdf(make_sheet()))
    assert "Ondertekend" not in same_day  # the sample is given and signed on the same day


def test_a_revoked_certificate_carries_the_stamp_and_the_date() -> None:
    valid = render_certificate_pdf(make_sheet())
    revoked = render_certificate_pdf(make_sheet(revoked_on=datetime(2026, 12, 2).date()))
    (text,) = page_texts(revoked)
    assert "INGETROKKEN op 2 december 2026 · REVOKED on 2 December 2026" in text
    assert "INGETROKKEN" not in page_texts(valid)[0]
    assert revoked != valid
    assert render_certificate_pdf(make_sheet(revoked_on=datetime(2026, 12, 2).date())) == revoked  # deterministic
    # The diagonal stamp itself: red across the middle of the page, none on the valid one.
    assert _red_pixels(revoked) > 500 and _red_pixels(valid) == 0


def _red_pixels(pdf: bytes) -> int:
    document = pdfium.PdfDocument(pdf)
    try:
        image = document[0].render(scale=72 / 72).to_pil().convert("RGB")
    finally:
        document.close()
    width, height = image.size
    middle = image.crop((0, height // 4, width, 3 * height // 4))
    pixels = middle.load()
    assert pixels is not None
    return sum(
        1 for x in range(middle.width) for y in range(middle.height)
        if (p := pixels[x, y])[0] > 140 and p[1] < 90 and p[2] < 90  # type: ignore[index]
    )  # fmt: skip


# -- metadata ----------------------------------------------------------------------------------


def test_metadata_title_author_subject_creator_language_and_dates() -> None:
    reader = pypdf.PdfReader(io.BytesIO(sample_pdf()))
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Certificaat: Elektrische apparaten testen en keuren \u2013 Nguyễn Thị Lan"
    assert meta.author == "Kringloop De Voorbeeldwinkel"
    assert meta.creator == "Kringloop certificaten"
    assert meta.subject is not None and "niveau 2 van 3" in meta.subject
    assert meta["/CreationDate"] == "D:20260302090000+00'00'"
    assert reader.trailer["/Root"]["/Lang"] == "nl-NL"
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width, 1), round(height, 1)) == (round(A4_POINTS[0], 1), round(A4_POINTS[1], 1))


# -- the portfolio ---------------------------------------------------------------------------


@cache
def portfolio_of_20() -> tuple[tuple[CertificateSheet, ...], bytes]:
    sheets = catalogue_sheets()[:20]
    return sheets, render_portfolio_pdf("Sanne de Vries", sheets, title_note="Gemaakt op 23 november 2026")


def test_portfolio_has_a_cover_and_one_page_per_certificate_each_with_its_own_qr() -> None:
    sheets, pdf = portfolio_of_20()
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 21
    for index in (0, 9, 19):
        found = qr_codes(raster(pdf, page=index + 1))
        assert [code.text for code in found] == [sheets[index].verify_url]
    assert qr_codes(raster(pdf, page=0)) == []


def test_portfolio_attaches_every_credential_in_page_order() -> None:
    sheets, pdf = portfolio_of_20()
    assert extract_credentials(pdf) == [sheet.credential_json.encode("utf-8") for sheet in sheets]
    with pytest.raises(PdfError) as caught:
        credential_from_pdf(pdf)
    assert caught.value.code == "several_credentials"
    assert "20" in str(caught.value)
    names = pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"]
    filenames = [names[i + 1].get_object()["/UF"] for i in range(0, len(names), 2)]
    assert len(set(filenames)) == 20


def test_portfolio_cover_lists_competences_by_group_with_level_date_and_page() -> None:
    sheets, pdf = portfolio_of_20()
    cover = " ".join(page_texts(pdf)[0].split())
    assert "Portfolio van Sanne de Vries" in cover and "Portfolio of Sanne de Vries" in cover
    assert "Gemaakt op 23 november 2026" in cover
    assert "20 certificaten · 20 certificates" in cover
    assert cover.index("Circulair werken · Circular work") < cover.index("Digitale vaardigheden · Digital skills")
    assert "Niveau 1 van 3: Met begeleiding" in cover and "5 januari 2026" in cover
    for sheet in sheets:
        assert sheet.english is not None
        name = json.loads(sheet.credential_json)["credentialSubject"]["achievement"]["name"]
        assert name[:20] in cover
    assert "Pagina 1 van 21 · Page 1 of 21" in cover
    assert "Pagina 21 van 21 · Page 21 of 21" in " ".join(page_texts(pdf)[20].split())


def test_sheets_without_a_group_are_listed_under_other_and_same_certificate_twice_gets_two_files() -> None:
    sheet = make_sheet()
    ungrouped = dataclasses.replace(sheet, group_nl=None, group_en=None)
    pdf = render_portfolio_pdf("Nguyễn Thị Lan", [sheet, ungrouped])
    cover = page_texts(pdf)[0]
    assert cover.index("Circulair werken") < cover.index("Overig · Other")
    names = pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"]
    files = [str(names[i + 1].get_object()["/UF"]) for i in range(0, len(names), 2)]
    assert files == [f"certificaat-{public_id(0)}.json", f"certificaat-{public_id(0)}-2.json"]


def test_a_long_portfolio_continues_the_list_on_a_second_cover_page() -> None:
    sheets = catalogue_sheets()[:40]
    pdf = render_portfolio_pdf("Sanne de Vries", sheets)
    texts = page_texts(pdf)
    assert len(texts) == 42
    assert "(vervolg)" in texts[1]
    assert [code.text for code in qr_codes(raster(pdf, page=41))] == [sheets[39].verify_url]


def test_an_empty_portfolio_is_refused() -> None:
    with pytest.raises(PdfError) as caught:
        render_portfolio_pdf("Sanne de Vries", [])
    assert caught.value.code == "bad_sheet"


# -- layout: missing and absurd input --------------------------------------------------------


def _inside_the_frame(pdf: bytes, page: int = 0) -> None:
    for left, bottom, right, top in char_boxes(pdf, page):
        assert left >= 25 and right <= A4_POINTS[0] - 25, (left, right)
        assert bottom >= 25 and top <= A4_POINTS[1] - 25, (bottom, top)


def test_every_catalogue_competence_fits_on_one_page_inside_the_frame() -> None:
    for sheet in catalogue_sheets():
        pdf = render_certificate_pdf(sheet)
        assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
        _inside_the_frame(pdf)


def test_a_certificate_without_any_optional_field_renders() -> None:
    credential = json.loads(sample_signed())
    del credential["issuer"]["email"], credential["issuer"]["url"]
    del credential["credentialSubject"]["achievement"]["alignment"]
    credential.pop("validUntil", None)
    credential["credentialSubject"].pop("source", None)
    minimal = {"credentialSubject": {"achievement": {}}}
    for text in (json.dumps(credential), json.dumps(minimal)):
        sheet = make_sheet(text, supervisor=None, english=None, group_nl=None, group_en=None)
        pdf = render_certificate_pdf(sheet)
        assert extract_credentials(pdf) == [text.encode()]
        assert [code.text for code in qr_codes(raster(pdf))] == [sheet.verify_url]
        (page,) = page_texts(pdf)
        assert "Beoordeeld door" not in page and "Werkplek" not in page and "ESCO" not in page
        _inside_the_frame(pdf)


def test_the_level_comes_from_the_rubric_even_when_the_level_is_unknown() -> None:
    credential = json.loads(sample_signed())
    credential["credentialSubject"]["result"][0]["achievedLevel"] = "https://elders.example/niveau-9"
    (text,) = page_texts(render_certificate_pdf(make_sheet(json.dumps(credential))))
    assert "Niveau: onbekend" in text and "Level: unknown" in text


def _absurd_credential() -> str:
    credential = json.loads(sample_signed())
    subject = credential["credentialSubject"]
    subject["identifier"][0]["identityHash"] = "Wolfeschlegelsteinhausenbergerdorff " * 30
    achievement = subject["achievement"]
    achievement["name"] = "Een vaardigheid met een heel lange naam " * 20
    achievement["description"] = "Dit is een absurd lange beschrijving. " * 2000
    achievement["criteria"]["narrative"] = "\n".join(f"- Criterium {i} " + "met uitleg " * 60 for i in range(150))
    credential["issuer"]["name"] = "Stichting " * 100
    subject["source"] = {"id": "https://x.example/s", "type": ["Profile"], "name": "Winkel\u0000\t\r\n" * 80}
    return json.dumps(credential)


def test_absurdly_long_text_is_shrunk_and_cut_and_stays_on_one_page() -> None:
    english = EnglishText(
        name="Long " * 200,
        description="words " * 20000,
        criteria="\n".join("- criterion " * 80 for _ in range(200)),
        level_names={"2": "Independently " * 50},
    )
    sheet = make_sheet(
        _absurd_credential(),
        supervisor="Begeleider " * 200,
        english=english,
        group_nl="Groep " * 100,
        group_en="Group " * 100,
        short_code="K7MX-" * 40,
        check_url=CHECK_URL * 10,
        verify_url=f"{BASE}/c/{'Q' * 400}",
    )
    pdf = render_certificate_pdf(sheet)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
    _inside_the_frame(pdf)
    (text,) = page_texts(pdf)
    assert "…" in text
    assert "Criterium 0" in text  # the criteria still show, cut, after a shortened description
    assert [code.text for code in qr_codes(raster(pdf))] == [sheet.verify_url]
    assert credential_from_pdf(pdf) == sheet.credential_json.encode()


@pytest.mark.parametrize(
    "credential_json",
    [
        "",
        "not json",
        "[1, 2, 3]",
        '"a string"',
        "{}",
        '{"credentialSubject": "Nguyễn"}',
        '{"credentialSubject": {"achievement": "x"}}',
        '{"credentialSubject": [1, 2]}',
        "[" * 100_000,
    ],
)
def test_json_that_is_not_a_certificate_is_refused_with_one_code(credential_json: str) -> None:
    with pytest.raises(PdfError) as caught:
        render_certificate_pdf(make_sheet(credential_json))
    assert caught.value.code == "not_a_certificate"


@pytest.mark.parametrize("field", ["verify_url", "short_code", "check_url"])
def test_a_sheet_without_its_urls_or_code_is_refused(field: str) -> None:
    with pytest.raises(PdfError) as caught:
        render_certificate_pdf(make_sheet(**{field: " "}))
    assert caught.value.code == "bad_sheet"
    with pytest.raises(PdfError) as caught:
        render_certificate_pdf(make_sheet(verify_url=f"{BASE}/c/{'x' * 5000}"))
    assert caught.value.code == "bad_sheet"


def test_credential_subject_given_as_a_list_and_an_unnamed_holder() -> None:
    credential = copy.deepcopy(json.loads(sample_signed()))
    subject = credential["credentialSubject"]
    subject["identifier"] = [{"identityType": "emailAddress", "identityHash": "x@y.example"}]
    subject["name"] = "Zoë Jansen"
    credential["credentialSubject"] = [subject]
    (text,) = page_texts(render_certificate_pdf(make_sheet(json.dumps(credential))))
    assert "Zoë Jansen" in text and "x@y.example" not in text


def test_pdf_sizes_are_modest() -> None:
    assert len(sample_pdf()) < 150_000
    assert len(portfolio_of_20()[1]) < MAX_PDF_BYTES // 10


def test_extreme_dates_and_decomposed_letters_still_render() -> None:
    credential = json.loads(sample_signed())
    credential["validFrom"] = "9999-12-31T23:59:59Z"  # year 10000 in Amsterdam: printed as given
    credential["credentialSubject"]["identifier"][0]["identityHash"] = "Zoe\u0308 Jansen"  # e + combining diaeresis
    (text,) = page_texts(render_certificate_pdf(make_sheet(json.dumps(credential))))
    assert "31 december 9999" in text
    assert "Zoë Jansen" in text  # printed in composed form


def test_rendering_from_several_threads_gives_the_same_files() -> None:
    from concurrent.futures import ThreadPoolExecutor

    sheets = [make_sheet(n=i) for i in range(8)]
    expected = [render_certificate_pdf(sheet) for sheet in sheets]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(render_certificate_pdf, sheets)) == expected


def test_lone_surrogates_are_refused_in_the_file_and_replaced_in_values() -> None:
    with pytest.raises(PdfError) as caught:
        render_certificate_pdf(make_sheet(sample_signed().replace("Nguyễn", "Ng\ud800")))
    assert caught.value.code == "not_a_certificate"
    escaped = sample_signed().replace("Nguyễn", "Ng\\ud800")  # valid JSON text, a lone surrogate once parsed
    (text,) = page_texts(render_certificate_pdf(make_sheet(escaped)))
    assert "Ng\ufffd Thị Lan" in text


def test_a_portfolio_is_limited_to_what_extraction_reads_back() -> None:
    from credentials.pdf import MAX_ATTACHMENTS

    with pytest.raises(PdfError) as caught:
        render_portfolio_pdf("Sanne de Vries", [make_sheet()] * (MAX_ATTACHMENTS + 1))
    assert caught.value.code == "bad_sheet"


_ANY_TEXT = st.text(max_size=300)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.fixed_dictionaries(
        {
            "holder": _ANY_TEXT,
            "name": _ANY_TEXT,
            "description": st.text(max_size=3000),
            "criteria": st.lists(_ANY_TEXT, max_size=12).map(lambda items: "\n".join(f"- {i}" for i in items)),
            "issuer": st.one_of(_ANY_TEXT, st.integers(), st.none()),
            "level": st.one_of(st.none(), st.sampled_from(["1", "2", "3"]), _ANY_TEXT),
            "supervisor": st.one_of(st.none(), _ANY_TEXT),
        }
    )
)
def test_any_text_in_any_field_renders_one_page_inside_the_frame(fields: dict[str, Any]) -> None:
    holder, name, description, criteria = fields["holder"], fields["name"], fields["description"], fields["criteria"]
    issuer, level, supervisor = fields["issuer"], fields["level"], fields["supervisor"]
    credential = json.loads(sample_signed())
    subject = credential["credentialSubject"]
    subject["identifier"][0]["identityHash"] = holder
    achievement = subject["achievement"]
    achievement.update(name=name, description=description, criteria={"narrative": criteria})
    credential["issuer"]["name"] = issuer
    if level is None:
        del subject["result"]
    else:
        subject["result"][0]["achievedLevel"] = f"{achievement['id']}#niveau-{level}"
    pdf = render_certificate_pdf(make_sheet(json.dumps(credential), supervisor=supervisor))
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
    _inside_the_frame(pdf)
    assert credential_from_pdf(pdf) == json.dumps(credential).encode()
