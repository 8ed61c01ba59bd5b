"""Writing the PDF: page operators, font subsets, embedded files, metadata, deterministic bytes.

Attachments
    Each credential is an ``/EmbeddedFile`` stream (FlateDecode, ``/Subtype
    /application#2Fvc``, ``/Params`` with ``/Size`` and ``/CheckSum``) behind a
    ``/Filespec`` with ``/F`` and ``/UF`` (``certificaat-<public id>.json``),
    ``/Desc`` and ``/AFRelationship /Data``. The file specifications are listed in
    the catalog's ``/Names /EmbeddedFiles`` name tree (keys sort in page order)
    and in the catalog's ``/AF`` array (PDF 2.0 / PDF/A-3 associated files). The
    embedded bytes are exactly ``credential_json.encode("utf-8")``.

Fonts
    Embedded as subsets. Before anything is drawn, each font's subset is seeded
    with printable ASCII plus every other character the document uses, in
    code-point order, so the subset depends only on the set of characters; the
    subset font programs are then memoized per character set (bounded LRU, see
    :func:`credentials.pdf._hooks.memoize_subsets`), which saves most of the
    per-document font work.

Determinism
    The same sheet gives the same bytes: reportlab's invariant mode, dates taken
    from the credential (``/CreationDate`` is its ``validFrom``), and a file
    identifier (``/ID``) derived from a SHA-256 of everything that goes on the
    page. Nothing random, no clock.

Threads
    Writing a PDF holds a process-wide lock: reportlab keeps per-document font
    state in shared font objects, and the subset memo is shared too. Rendering is
    pure Python (it holds the GIL anyway), so the lock costs no throughput.

reportlab's internals are reached only through :mod:`credentials.pdf._hooks`.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from credentials.pdf import _hooks
from credentials.pdf.fonts import _Font
from credentials.pdf.page import PAGE_H, PAGE_W, RGB, _n, _Page, _rgb, _Text

CREATOR: Final = "Kringloop certificaten"
ATTACHMENT_MEDIA_TYPE: Final = "application/vc"
_ASCII: Final = "".join(chr(c) for c in range(32, 127))

_render_lock = threading.Lock()

_ESCAPES: Final = {
    **{c: f"\\{c:03o}" for c in (*range(0, 32), *range(127, 256))},
    ord("\\"): "\\\\",
    ord("("): "\\(",
    ord(")"): "\\)",
}


def _escape(data: bytes) -> str:
    return data.decode("latin-1").translate(_ESCAPES)


def _seed_subsets(doc: Any, fonts: Mapping[str, _Font], pages: Sequence[_Page]) -> None:
    """Assign each font's subset codes in code-point order before anything is drawn.

    reportlab numbers characters in the order they first appear; seeding with a
    sorted set makes the subset a function of the set of characters alone, so the
    memoized subset programs are reused across documents (and output is stable).
    """
    used: dict[str, set[str]] = {key: set(_ASCII) for key in fonts}
    for page in pages:
        for item in page.items:
            if isinstance(item, _Text):
                used[item.font].update(item.text)
    for key, chars in used.items():
        font = fonts[key]
        font.ttf.splitString("".join(sorted(c for c in chars if font.covers(ord(c)) or c == " ")), doc)


def _page_ops(doc: Any, fonts: Mapping[str, _Font], page: _Page) -> str:
    ops: list[str] = []
    in_text = False
    color: RGB | None = None
    current: tuple[str, float] | None = None
    for item in page.items:
        if isinstance(item, str):
            if in_text:
                ops.append("ET")
                in_text = False
            ops.append(item)
            continue
        if not in_text:
            ops.append("BT")
            in_text = True
            color = None
            current = None
        if item.color != color:
            ops.append(_rgb(item.color))
            color = item.color
        ops.append(f"1 0 0 1 {_n(item.x)} {_n(PAGE_H - item.baseline)} Tm")
        ttf = fonts[item.font].ttf
        for subset, data in ttf.splitString(item.text, doc):
            name = ttf.getSubsetInternalName(subset, doc)
            if current != (name, item.size):
                ops.append(f"{name} {_n(item.size)} Tf")
                current = (name, item.size)
            ops.append(f"({_escape(data)}) Tj")
    if in_text:
        ops.append("ET")
    return "\n".join(ops)


@dataclass(frozen=True)
class _Attachment:
    key: str  # name-tree key (sorts in page order)
    filename: str
    data: bytes
    description: str


def _attach_files(doc: Any, attachments: Sequence[_Attachment]) -> None:
    """Embedded files in the catalog's name tree and /AF (see the module docstring)."""
    from reportlab.pdfbase.pdfdoc import (  # noqa: PLC0415
        PDFArray,
        PDFDictionary,
        PDFStream,
        PDFString,
        PDFText,
        PDFZCompress,
    )

    names: list[Any] = []
    specs: list[Any] = []
    for item in attachments:
        params = PDFDictionary(
            {"Size": len(item.data), "CheckSum": PDFText(hashlib.md5(item.data, usedforsecurity=False).digest())}
        )
        stream = PDFStream(
            PDFDictionary(
                {
                    "Type": "/EmbeddedFile",
                    # "/" must be written #2F inside a PDF name
                    "Subtype": "/" + ATTACHMENT_MEDIA_TYPE.replace("/", "#2F"),
                    "Params": params,
                }
            ),
            content=item.data,
            filters=[PDFZCompress],
        )
        stream_ref = doc.Reference(stream)
        spec = PDFDictionary(
            {
                "Type": "/Filespec",
                "F": PDFString(item.filename),
                "UF": PDFString(item.filename),
                "Desc": PDFString(item.description),
                "AFRelationship": "/Data",
                "EF": PDFDictionary({"F": stream_ref, "UF": stream_ref}),
            }
        )
        spec_ref = doc.Reference(spec)
        names += [PDFString(item.key), spec_ref]
        specs.append(spec_ref)
    # PDFCatalog writes only the keys it knows; /AF (associated files) is added to
    # this catalog's own list of optional entries.
    _hooks.set_catalog_entries(
        doc,
        {
            "Names": PDFDictionary({"EmbeddedFiles": PDFDictionary({"Names": PDFArray(names)})}),
            "AF": PDFArray(specs),
        },
    )


def _pdf_date(moment: datetime | None) -> str:
    if moment is None:
        return "D:20000101000000+00'00'"
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        return "D:20000101000000+00'00'"
    return f"D:{utc.year:04d}{utc.month:02d}{utc.day:02d}{utc.hour:02d}{utc.minute:02d}{utc.second:02d}+00'00'"


@dataclass(frozen=True)
class _Metadata:
    title: str
    author: str
    subject: str
    created: datetime | None


def _write_pdf(
    fonts: Mapping[str, _Font],
    pages: Sequence[_Page],
    attachments: Sequence[_Attachment],
    meta: _Metadata,
    identity: bytes,
) -> bytes:
    # Layout only reads the fonts' width tables; writing touches reportlab's per-font
    # document state and the subset memo, one document at a time.
    with _render_lock:
        return _write_pdf_locked(fonts, pages, attachments, meta, identity)


def _write_pdf_locked(
    fonts: Mapping[str, _Font],
    pages: Sequence[_Page],
    attachments: Sequence[_Attachment],
    meta: _Metadata,
    identity: bytes,
) -> bytes:
    from reportlab.pdfgen.canvas import Canvas  # noqa: PLC0415 - reportlab loads only when a PDF is made

    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(PAGE_W, PAGE_H),
        invariant=1,
        pageCompression=1,
        lang="nl-NL",
        initialFontName=fonts["regular"].name,  # a TrueType font: no standard-14 font enters the file
    )
    doc = _hooks.document_of(canvas)  # reportlab has no public handle on its document objects
    canvas.setTitle(meta.title)
    canvas.setAuthor(meta.author)
    canvas.setSubject(meta.subject)
    canvas.setCreator(CREATOR)
    canvas.setKeywords("certificaat, certificate, Open Badges 3.0, ESCO")
    created = _pdf_date(meta.created)
    canvas.setDateFormatter(lambda *_: created)
    canvas.setViewerPreference("DisplayDocTitle", "true")
    # A file identifier from the content, not from a clock.
    digest = hashlib.sha256(identity).hexdigest()[:32].encode("ascii")
    _hooks.set_file_identifier(doc, digest)
    _seed_subsets(doc, fonts, pages)
    for number, page in enumerate(pages, start=1):
        if page.bookmark:
            key = f"p{number}"
            canvas.bookmarkPage(key)
            canvas.addOutlineEntry(page.bookmark, key, level=0)
        canvas.addLiteral(_page_ops(doc, fonts, page))
        canvas.showPage()
        # reportlab would wrap the page stream in ASCII85 before deflating it (a global
        # setting, rl_config.useA85); Flate alone is smaller and saves a pure-Python pass.
        _hooks.flate_only_page_stream(doc)
    _attach_files(doc, attachments)
    canvas.save()
    return buffer.getvalue()
