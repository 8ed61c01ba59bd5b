"""credentials.pdf._hooks: each reliance on a reportlab or pypdf internal, checked against the installed version.

Every hook has a test that the internal still exists with the shape the hook
expects, and a test that the hook has its effect. When one of these fails after
an upgrade, the message names the internal; adapt the hook in
``credentials/pdf/_hooks.py`` (and re-check the determinism tests) before moving
the pin in ``pyproject.toml``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import io
import zlib
from importlib import resources
from typing import Any

import pypdf
import pytest
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace
from reportlab.pdfgen.canvas import Canvas

from credentials.pdf import _hooks
from credentials.pdf.extract import _PYPDF_LIMITS
from credentials.pdf.fonts import _Font, _load_fonts
from tests.credentials.test_pdf import make_sheet, sample_pdf


def fresh_font(name: str) -> TTFont:
    """A DejaVu Sans TTFont of its own (never the process-wide registered ones)."""
    data = resources.files("credentials").joinpath("fonts", "DejaVuSans.ttf").read_bytes()
    return TTFont(name, io.BytesIO(data))


def new_canvas() -> tuple[io.BytesIO, Canvas]:
    buffer = io.BytesIO()
    return buffer, Canvas(buffer, invariant=1, pageCompression=1)


def parameters(function: Any) -> list[str]:
    return list(inspect.signature(function).parameters)


# -- font_metrics -------------------------------------------------------------------------------


def test_a_truetype_face_has_the_width_and_glyph_tables_font_metrics_reads() -> None:
    face = fresh_font("HookMetrics").face
    assert isinstance(face, TTFontFace)
    assert isinstance(face.charWidths, dict), "TTFontFace.charWidths is no longer a dict"
    assert all(isinstance(k, int) and isinstance(v, int | float) for k, v in list(face.charWidths.items())[:50])
    assert isinstance(face.defaultWidth, int | float), "TTFontFace.defaultWidth changed"
    assert isinstance(face.charToGlyph, dict), "TTFontFace.charToGlyph is no longer a dict"
    assert ord("Ł") in face.charToGlyph


def test_font_metrics_measure_as_reportlab_does() -> None:
    font = _load_fonts()["regular"]
    metrics = _hooks.font_metrics(font.ttf)
    assert metrics.covers(ord("ễ"))
    assert not metrics.covers(0x10FFFD)
    for text in ("Nguyễn Thị Ánh", "Łukasz Wąsik", "Ødegård", "https://certificaten.kringloop.example/c/abc", "\u4e2d"):
        assert font.width(text, 11) == pytest.approx(pdfmetrics.stringWidth(text, font.name, 11)), text


# -- memoize_subsets ----------------------------------------------------------------------------


def test_a_face_builds_and_registers_subset_programs_as_memoize_subsets_expects() -> None:
    assert parameters(TTFontFace.makeSubset) == ["self", "subset"], "TTFontFace.makeSubset changed its signature"
    assert parameters(TTFontFace.addSubsetObjects) == ["self", "doc", "fontname", "subset"], (
        "TTFontFace.addSubsetObjects changed its signature"
    )
    ttfont = fresh_font("HookPlain")
    _, canvas = new_canvas()
    doc = canvas._doc
    ttfont.splitString("Hallo", doc)
    ttfont.face.addSubsetObjects(doc, "HookPlain+0", [0, *map(ord, "Hal")])
    key = f"fontFile:{ttfont.face.filename}(HookPlain+0)"
    assert key in doc.idToObject, f"reportlab no longer registers the font program as {key!r}"
    stream = doc.idToObject[key]
    assert isinstance(stream, pdfdoc.PDFStream)
    assert stream.filters == [pdfdoc.PDFZCompress]
    assert isinstance(stream.content, bytes)
    assert isinstance(stream.dictionary, pdfdoc.PDFDictionary)


def test_memoize_subsets_reuses_programs_and_stores_them_deflated() -> None:
    ttfont = fresh_font("HookMemo")
    plain = ttfont.face.makeSubset
    codes = [0, *map(ord, "Hal")]
    program = bytes(plain(codes))
    _hooks.memoize_subsets(ttfont)
    first = ttfont.face.makeSubset(codes)
    assert first == program
    assert ttfont.face.makeSubset(list(codes)) is first  # memoized by the code list
    _, canvas = new_canvas()
    doc = canvas._doc
    ttfont.face.addSubsetObjects(doc, "HookMemo+0", codes)
    stream = doc.idToObject[f"fontFile:{ttfont.face.filename}(HookMemo+0)"]
    assert stream.filters is None  # reportlab will not compress it again
    assert [str(name) for name in stream.dictionary["Filter"].sequence] == ["/FlateDecode"]
    assert zlib.decompress(stream.content) == program


def test_the_font_programs_in_a_certificate_are_deflated_once() -> None:
    reader = pypdf.PdfReader(io.BytesIO(sample_pdf()))
    programs = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/FontDescriptor"].get_object()
            programs.append(descriptor["/FontFile2"].get_object())
    assert programs
    for program in programs:
        assert program["/Filter"] in ("/FlateDecode", ["/FlateDecode"])
        assert program.get_data()[:4] in (b"\x00\x01\x00\x00", b"true")  # a TrueType program once inflated


# -- document_of ----------------------------------------------------------------------------------


def test_document_of_is_the_canvas_private_document() -> None:
    _, canvas = new_canvas()
    assert isinstance(canvas._doc, pdfdoc.PDFDocument), "Canvas._doc is no longer the PDFDocument"
    assert _hooks.document_of(canvas) is canvas._doc


# -- set_file_identifier ----------------------------------------------------------------------------


def test_a_document_keeps_a_preset_file_identifier() -> None:
    doc = pdfdoc.PDFDocument(invariant=1)
    assert hasattr(doc, "_ID"), "PDFDocument._ID is gone"
    assert doc._ID is None
    doc._ID = b"preset"
    assert doc.ID() == b"preset", "PDFDocument.ID() no longer returns a preset _ID"


def test_set_file_identifier_writes_the_given_id_into_the_trailer() -> None:
    digest = b"0123456789abcdef0123456789abcdef"
    buffer, canvas = new_canvas()
    _hooks.set_file_identifier(_hooks.document_of(canvas), digest)
    canvas.drawString(10, 10, "x")
    canvas.showPage()
    canvas.save()
    ids = pypdf.PdfReader(io.BytesIO(buffer.getvalue())).trailer["/ID"]
    assert [part.original_bytes for part in ids] == [bytes.fromhex(digest.decode())] * 2


# -- flate_only_page_stream -------------------------------------------------------------------------


def test_a_finished_page_keeps_its_operators_until_the_document_is_written() -> None:
    _, canvas = new_canvas()
    canvas.drawString(10, 10, "x")
    canvas.showPage()
    doc = canvas._doc
    assert isinstance(doc.Pages.pages, list), "PDFPages.pages is no longer the list of pages"
    page = doc.Pages.pages[-1]
    assert isinstance(page, pdfdoc.PDFPage)
    assert page.Contents is None, "PDFPage.Contents is set before the document is written"
    assert isinstance(page.stream, str), "PDFPage.stream no longer holds the page operators as text"


def test_flate_only_page_stream_drops_ascii85() -> None:
    buffer, canvas = new_canvas()
    canvas.drawString(10, 10, "Hallo")
    canvas.showPage()
    _hooks.flate_only_page_stream(canvas._doc)
    contents = canvas._doc.Pages.pages[-1].Contents
    assert isinstance(contents, pdfdoc.PDFStream)
    assert contents.filters == [pdfdoc.PDFZCompress]
    canvas.save()
    page = pypdf.PdfReader(io.BytesIO(buffer.getvalue())).pages[0]
    assert page["/Contents"].get_object()["/Filter"] in ("/FlateDecode", ["/FlateDecode"])
    assert "Hallo" in page.extract_text()


def test_the_certificate_page_streams_are_flate_only() -> None:
    page = pypdf.PdfReader(io.BytesIO(sample_pdf())).pages[0]
    assert page["/Contents"].get_object()["/Filter"] in ("/FlateDecode", ["/FlateDecode"])


# -- set_catalog_entries ----------------------------------------------------------------------------


def test_the_catalog_writes_only_the_keys_of_its_no_default_list() -> None:
    known = pdfdoc.PDFCatalog.__NoDefault__
    assert isinstance(known, list), "PDFCatalog.__NoDefault__ is no longer a list"
    assert all(isinstance(key, str) for key in known)
    assert "Names" in known
    assert "AF" not in known, "reportlab now knows /AF: set_catalog_entries may no longer be needed"
    _, canvas = new_canvas()
    assert isinstance(canvas._doc.Catalog, pdfdoc.PDFCatalog)


def test_set_catalog_entries_adds_af_to_this_catalog_only() -> None:
    before = list(pdfdoc.PDFCatalog.__NoDefault__)
    buffer, canvas = new_canvas()
    doc = _hooks.document_of(canvas)
    array = pdfdoc.PDFArray([1, 2])
    names = pdfdoc.PDFDictionary({"EmbeddedFiles": pdfdoc.PDFDictionary({"Names": pdfdoc.PDFArray([])})})
    _hooks.set_catalog_entries(doc, {"Names": names, "AF": array})
    canvas.showPage()
    canvas.save()
    assert pdfdoc.PDFCatalog.__NoDefault__ == before  # the class is untouched
    root = pypdf.PdfReader(io.BytesIO(buffer.getvalue())).trailer["/Root"].get_object()
    assert list(root["/AF"]) == [1, 2]
    assert "/EmbeddedFiles" in root["/Names"]
    other, canvas = new_canvas()
    canvas.showPage()
    canvas.save()
    assert "/AF" not in pypdf.PdfReader(io.BytesIO(other.getvalue())).trailer["/Root"].get_object()


# -- stored_stream_bytes ------------------------------------------------------------------------------


def _attached_stream() -> Any:
    root = pypdf.PdfReader(io.BytesIO(sample_pdf())).trailer["/Root"].get_object()
    spec = root["/Names"]["/EmbeddedFiles"]["/Names"][1].get_object()
    return spec["/EF"]["/F"].get_object()


def test_a_pypdf_stream_keeps_its_stored_bytes_in_data() -> None:
    stream = _attached_stream()
    assert isinstance(stream, pypdf.generic.StreamObject)
    assert isinstance(stream._data, bytes), "pypdf StreamObject._data no longer holds the stored bytes"


def test_stored_stream_bytes_are_the_compressed_bytes_not_the_decoded_ones() -> None:
    stream = _attached_stream()
    data = make_sheet().credential_json.encode("utf-8")
    stored = _hooks.stored_stream_bytes(stream)
    assert stored != data
    assert zlib.decompress(stored) == data
    assert stream.get_data() == data  # what extraction avoids: pypdf inflates without a cap


# -- pypdf_limits ---------------------------------------------------------------------------------------


def test_pypdf_has_the_configuration_fields_extraction_lowers() -> None:
    assert callable(getattr(pypdf, "apply_configuration", None)), "pypdf.apply_configuration is gone"
    fields = {field.name for field in dataclasses.fields(pypdf.Configuration)}
    missing = set(_PYPDF_LIMITS) - fields
    assert not missing, f"pypdf.Configuration no longer has {sorted(missing)}"


def test_pypdf_limits_apply_inside_the_block_only() -> None:
    default = pypdf.get_configuration()
    limits = _hooks.pypdf_limits(**_PYPDF_LIMITS)
    assert not isinstance(limits, contextlib.nullcontext), "the limits would silently not apply"
    with limits:
        current = pypdf.get_configuration()
        for name, value in _PYPDF_LIMITS.items():
            assert getattr(current, name) == value, name
    assert pypdf.get_configuration() == default


# -- the hooks are used ---------------------------------------------------------------------------------


def test_the_registered_fonts_measure_through_font_metrics() -> None:
    font = _load_fonts()["bold"]
    assert isinstance(font, _Font)
    assert font.width("Certificaat", 29) == pytest.approx(pdfmetrics.stringWidth("Certificaat", font.name, 29))
    # the registered faces carry the memo (memoize_subsets was applied when they were loaded)
    assert font.ttf.face.makeSubset.__name__ == "<lambda>"
