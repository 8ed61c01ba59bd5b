"""Every place the PDF package relies on reportlab's or pypdf's internals, and nowhere else.

Both libraries are pinned exactly in ``pyproject.toml`` because of this module.
Each hook is one small function saying which internal it uses and why; each has
a test in ``tests/credentials/test_pdf_hooks.py`` that fails, naming the
internal, when a new library version changes it. Upgrading reportlab or pypdf
means: run those tests, adapt the hooks here, then re-check the determinism tests
(a hook that silently stops working changes the bytes of every PDF).

reportlab
    :func:`font_metrics` (a TrueType face's width and glyph tables),
    :func:`memoize_subsets` (monkey patches on a face: subset programs memoized),
    :func:`document_of` (the canvas's private document),
    :func:`set_file_identifier` (the document's private ``/ID``),
    :func:`flate_only_page_stream` (the page object's content stream),
    :func:`set_catalog_entries` (catalog keys reportlab does not know, such as ``/AF``).

pypdf
    :func:`stored_stream_bytes` (a stream's bytes as stored, not decoded),
    :func:`pypdf_limits` (pypdf's process configuration: decompression limits).

reportlab and pypdf are imported only inside the hooks: reportlab loads only when
a PDF is made, pypdf only when an upload is read.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

_SUBSET_MEMO_SIZE: Final = 64


# -- reportlab: fonts ----------------------------------------------------------------------


@dataclass(frozen=True)
class FontMetrics:
    """What layout needs of a TrueType font: advance widths (1/1000 em) and glyph coverage."""

    widths: dict[int, int]  # code point -> advance width
    default_width: int  # for code points without their own width
    covers: Callable[[int], bool]  # does the font have a glyph for this code point


def font_metrics(ttfont: Any) -> FontMetrics:
    """The width table and glyph map of a reportlab ``TTFont``, for measuring text fast.

    Relies on ``TTFont.face`` (a ``TTFontFace``) having ``charWidths`` (dict of
    code point to width), ``defaultWidth`` and ``charToGlyph`` (dict of code point
    to glyph). reportlab's public ``stringWidth`` gives the same numbers but costs
    a function call per character; wrapping and fitting text measures a lot.
    """
    face = ttfont.face
    return FontMetrics(widths=face.charWidths, default_width=face.defaultWidth, covers=face.charToGlyph.__contains__)


@lru_cache(maxsize=_SUBSET_MEMO_SIZE * len(("regular", "bold", "mono")))
def _deflate(program: bytes) -> bytes:
    return zlib.compress(program)


def memoize_subsets(ttfont: Any) -> None:
    """Memoize each subset's font program, and its compressed form, by its exact code list.

    reportlab rebuilds and recompresses each subset font program for every
    document. With seeded subsets (see :func:`credentials.pdf.writer._seed_subsets`)
    most documents ask for the same code lists, so the bytes are reused. A program
    depends only on the list of characters, never on a URL or a name as such, so
    nothing of one certificate can end up in another.

    Monkey patches two methods of ``ttfont.face`` (a ``TTFontFace``):
    ``makeSubset(subset)``, which returns the subset font program, and
    ``addSubsetObjects(doc, fontname, subset)``, which registers the program as a
    ``PDFStream`` in ``doc.idToObject`` under the name
    ``"fontFile:<face.filename>(<fontname>)"`` with ``filters`` set for Flate.
    """
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFStream  # noqa: PLC0415

    face = ttfont.face
    build = face.makeSubset
    add_objects = face.addSubsetObjects

    @lru_cache(maxsize=_SUBSET_MEMO_SIZE)
    def cached(codes: tuple[int, ...]) -> bytes:
        return bytes(build(list(codes)))

    def add_subset_objects(doc: Any, fontname: str, subset: list[int]) -> Any:
        reference = add_objects(doc, fontname, subset)
        # The font program stream reportlab just registered (its internal name is
        # "fontFile:<file>(<subset font name>)"): give it the memoized deflated bytes
        # and the filter name, so it is not compressed again. If reportlab ever names
        # it differently, the stream is simply compressed as usual.
        stream = doc.idToObject.get(f"fontFile:{face.filename}({fontname})")
        if isinstance(stream, PDFStream) and stream.filters and isinstance(stream.content, bytes):
            stream.content = _deflate(stream.content)
            stream.filters = None
            stream.dictionary["Filter"] = PDFArray(["/FlateDecode"])
        return reference

    face.makeSubset = lambda subset: cached(tuple(subset))
    face.addSubsetObjects = add_subset_objects


# -- reportlab: the document -----------------------------------------------------------------


def document_of(canvas: Any) -> Any:
    """The ``PDFDocument`` behind a reportlab ``Canvas`` (its private ``_doc``).

    reportlab has no public handle on its document objects; the writer needs the
    document for font subsets, attachments, the catalog and the file identifier.
    """
    return canvas._doc  # the internal this hook exists for


def set_file_identifier(doc: Any, digest: bytes) -> None:
    """Make the file identifier (``/ID`` in the trailer) ``[<digest><digest>]``.

    A file identifier from the content, not from a clock. ``PDFDocument.ID()``
    returns the private ``_ID`` bytes as they are when it is set, else computes
    them from its own signature (in invariant mode a fixed value, the same for
    every document). ``digest`` is hex text in ASCII bytes.
    """
    doc._ID = b"\n[<" + digest + b"><" + digest + b">]\n"  # the internal this hook exists for


def flate_only_page_stream(doc: Any) -> None:
    """Give the page just finished (``canvas.showPage()``) a Flate-only content stream.

    reportlab would wrap the page stream in ASCII85 before deflating it (a global
    setting, ``rl_config.useA85``); Flate alone is smaller and saves a pure-Python
    pass. Relies on ``doc.Pages.pages`` (the ``PDFPage`` objects so far) and on a
    page's ``stream`` (the operators, text) being turned into ``Contents`` only
    when the document is written, and only when ``Contents`` is still None.
    """
    from reportlab.pdfbase.pdfdoc import PDFStream, PDFZCompress  # noqa: PLC0415

    pdf_page = doc.Pages.pages[-1]
    if pdf_page.Contents is None and isinstance(pdf_page.stream, str):
        pdf_page.Contents = PDFStream(content=pdf_page.stream, filters=[PDFZCompress])


def set_catalog_entries(doc: Any, entries: Mapping[str, Any]) -> None:
    """Set entries of the document catalog, including keys reportlab does not know.

    ``PDFCatalog`` writes only the keys named in its class attribute
    ``__NoDefault__`` (read from the instance's attributes of those names); a key
    not in that list, such as ``/AF`` (PDF 2.0 / PDF/A-3 associated files), is
    added to this catalog's own copy of the list, never to the class's.
    """
    catalog = doc.Catalog
    known = list(type(catalog).__NoDefault__)
    extra = [key for key in entries if key not in known]
    for key, value in entries.items():
        setattr(catalog, key, value)
    if extra:
        catalog.__NoDefault__ = [*known, *extra]


# -- pypdf -------------------------------------------------------------------------------------


def stored_stream_bytes(stream: Any) -> bytes:
    """The bytes of a pypdf ``StreamObject`` as stored in the file (its private ``_data``).

    pypdf's ``get_data()`` would inflate without our cap; extraction inflates the
    stored bytes itself with a hard output limit (a flate bomb stays cheap).
    """
    data: bytes = stream._data  # the internal this hook exists for
    return data


def pypdf_limits(**limits: int) -> contextlib.AbstractContextManager[Any]:
    """pypdf's own decompression limits, lowered for this call (pypdf 7.1 and later).

    Uses ``pypdf.apply_configuration`` (a context manager over pypdf's
    configuration, a context variable, so other threads keep theirs). Without it
    (an older pypdf) this is a no-op.
    """
    import pypdf  # noqa: PLC0415 - only uploads need the parser

    apply = getattr(pypdf, "apply_configuration", None)
    return apply(**limits) if apply is not None else contextlib.nullcontext()
