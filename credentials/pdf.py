"""Printed certificates: the certificate PDF, the portfolio PDF, and reading a credential back out.

A certificate PDF is one A4 page, Dutch first with English beside or under it,
rendered from the signed credential itself (``CertificateSheet.credential_json``):
the page can only say what the signed file says. The signed JSON rides along as an
embedded file, so the paper and the file are one download; the QR code opens the
public check page.

Design choices
--------------

Fonts
    DejaVu Sans (regular, bold) and DejaVu Sans Mono from ``credentials/fonts``,
    SHA-256 checked against ``SHA256SUMS`` when first loaded, then registered with
    reportlab once per process (lazily, under a lock). Never the standard-14 fonts
    or system fonts: names such as "Nguyễn Thị Ánh", "Łukasz Wąsik" or "Ødegård"
    need glyphs the base fonts lack, and a certificate must print the same on
    every machine. Fonts are embedded as subsets. Before anything is drawn, each
    font's subset is seeded with printable ASCII plus every other character the
    document uses, in code-point order, so the subset depends only on the set of
    characters; the subset font programs are then memoized per character set
    (bounded LRU), which saves most of the per-document font work.

QR code
    See :mod:`credentials.qr`: error correction level Q (survives a photocopy, a
    crease, a stain), a fixed mask pattern (any of the eight is valid; fixing it
    removes most of the encoding time), drawn as merged vector rectangles. The
    symbol is printed 32 mm wide with its 4-module quiet zone painted white.

Attachments
    Each credential is an ``/EmbeddedFile`` stream (FlateDecode, ``/Subtype
    /application#2Fvc``, ``/Params`` with ``/Size`` and ``/CheckSum``) behind a
    ``/Filespec`` with ``/F`` and ``/UF`` (``certificaat-<public id>.json``),
    ``/Desc`` and ``/AFRelationship /Data``. The file specifications are listed in
    the catalog's ``/Names /EmbeddedFiles`` name tree (keys sort in page order)
    and in the catalog's ``/AF`` array (PDF 2.0 / PDF/A-3 associated files). The
    embedded bytes are exactly ``credential_json.encode("utf-8")``.

Determinism
    The same sheet gives the same bytes: reportlab's invariant mode, dates taken
    from the credential (``/CreationDate`` is its ``validFrom``), and a file
    identifier (``/ID``) derived from a SHA-256 of everything that goes on the
    page. Nothing random, no clock.

Extraction limits (:func:`extract_credentials`)
    Uploads are hostile. The input must start with ``%PDF-`` within its first
    1024 bytes and be at most MAX_PDF_BYTES; pypdf (non-strict, with lowered
    decompression limits) only opens the catalog's ``/Names /EmbeddedFiles`` name
    tree, walked with a depth limit, cycle detection and a node budget; at most
    MAX_ATTACHMENTS entries; only ``.json`` files or JSON / VC media types are
    decoded, each inflated by us with a hard output cap (a flate bomb costs at most
    MAX_ATTACHMENT_BYTES + 1 bytes of output). Every parser failure becomes a
    :class:`PdfError` with a stable ``code``.

Threads
    Writing a PDF holds a process-wide lock: reportlab keeps per-document font
    state in shared font objects, and the subset memo is shared too. Rendering is
    pure Python (it holds the GIL anyway), so the lock costs no throughput.

Error codes (``PdfError.code``; the messages are English, the web layer translates):
``not_a_certificate``, ``bad_sheet``, ``font_damaged`` (rendering); ``not_a_pdf``,
``too_large``, ``unreadable``, ``too_many_attachments``, ``attachment_too_large``,
``no_credential``, ``several_credentials`` (extraction).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import threading
import unicodedata
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from importlib import resources
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from credentials.errors import CredentialError
from credentials.qr import QUIET_ZONE_MODULES, QrError, QrMatrix, qr_matrix
from credentials.timeutil import parse_datetime_stamp

__all__ = [
    "MAX_ATTACHMENTS",
    "MAX_ATTACHMENT_BYTES",
    "MAX_PDF_BYTES",
    "CertificateSheet",
    "EnglishText",
    "PdfError",
    "credential_from_pdf",
    "extract_credentials",
    "render_certificate_pdf",
    "render_portfolio_pdf",
]

MAX_PDF_BYTES: Final = 5 * 1024 * 1024
MAX_ATTACHMENTS: Final = 200
MAX_ATTACHMENT_BYTES: Final = 256 * 1024
# Name-tree walking budget: depth and number of nodes visited (a hostile tree can be
# wide, deep or cyclic).
_MAX_TREE_DEPTH: Final = 16
_MAX_TREE_NODES: Final = 1024
_PDF_MAGIC_WINDOW: Final = 1024
_JSON_MEDIA_TYPES: Final = frozenset(
    {"application/json", "application/ld+json", "application/vc", "application/vc+ld+json"}
)
CREATOR: Final = "Kringloop certificaten"
ATTACHMENT_MEDIA_TYPE: Final = "application/vc"
ESCO_ATTRIBUTION: Final = "This service uses the ESCO classification of the European Commission."

_MESSAGES: Final = {
    "not_a_certificate": "the credential is not a competence certificate this service can print",
    "bad_sheet": "the certificate sheet is incomplete",
    "font_damaged": "a bundled font does not match its SHA-256 checksum",
    "not_a_pdf": "the file is not a PDF",
    "too_large": f"the PDF is larger than {MAX_PDF_BYTES // (1024 * 1024)} MB",
    "unreadable": "the PDF cannot be read",
    "too_many_attachments": f"the PDF has more than {MAX_ATTACHMENTS} attached files",
    "attachment_too_large": f"an attached certificate file is larger than {MAX_ATTACHMENT_BYTES // 1024} KiB",
    "no_credential": "the PDF contains no certificate file",
    "several_credentials": "the PDF contains several certificate files",
}


class PdfError(CredentialError):
    """A certificate PDF cannot be made, or a credential cannot be read from a PDF.

    ``code`` is stable (see the module docstring); the message is English.
    """

    def __init__(self, code: str, message: str | None = None) -> None:
        super().__init__(message or _MESSAGES.get(code, code))
        self.code = code


@dataclass(frozen=True)
class EnglishText:
    """English wording from the competence catalogue (the signed credential is Dutch)."""

    name: str
    description: str
    criteria: str  # may contain "- " bullet lines separated by "\n"
    level_names: Mapping[str, str]  # level code ("1", "2", "3") -> English level name


@dataclass(frozen=True)
class CertificateSheet:
    """Everything one certificate page needs; what the certificate says comes from ``credential_json``."""

    credential_json: str  # the stored signed credential, verbatim
    verify_url: str  # goes in the QR code and is printed
    short_code: str  # a person can type it at check_url
    check_url: str
    supervisor: str | None = None
    english: EnglishText | None = None
    group_nl: str | None = None
    group_en: str | None = None


# -- wording ------------------------------------------------------------------------

_MONTHS_NL: Final = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
_MONTHS_EN: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _date_nl(moment: datetime) -> str:
    return f"{moment.day} {_MONTHS_NL[moment.month - 1]} {moment.year}"


def _date_en(moment: datetime) -> str:
    return f"{moment.day} {_MONTHS_EN[moment.month - 1]} {moment.year}"


@lru_cache(maxsize=1)
def _local_zone() -> tzinfo:
    # Dates are printed as a Dutch reader would say them: in Amsterdam time (the
    # issuer stores noon Amsterdam as validFrom). Without time-zone data, UTC.
    try:
        return ZoneInfo("Europe/Amsterdam")
    except ZoneInfoNotFoundError:  # pragma: no cover - Debian and the tzdata package provide it
        return UTC


def _local(moment: datetime) -> datetime:
    try:
        return moment.astimezone(_local_zone())
    except OverflowError:  # 9999-12-31T23:59:59Z is already year 10000 in Amsterdam
        return moment


# -- reading the credential -----------------------------------------------------------


@dataclass(frozen=True)
class _Certificate:
    """What the page shows, read from the signed credential (all plain strings)."""

    holder: str
    competence: str
    description: str
    criteria: str
    level_position: int | None
    level_count: int
    level_code: str | None
    level_name: str
    level_description: str
    alignments: tuple[tuple[str, str], ...]
    issuer_name: str
    issuer_contact: tuple[str, ...]
    shop: str
    valid_from: datetime | None
    valid_until: datetime | None
    credential_id: str


_SURROGATES: Final = re.compile("[\ud800-\udfff]")


def _str(value: Any) -> str:
    """A JSON value as printable text: strings only, stripped, lone surrogates replaced."""
    if not isinstance(value, str):
        return ""
    return _SURROGATES.sub("\ufffd", value).strip()


def _first_dict(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                return item
    return None


def _dicts(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []


def _holder_name(subject: dict[str, Any]) -> str:
    for identity in _dicts(subject.get("identifier")):
        if identity.get("identityType") == "name" and identity.get("hashed") is not True:
            name = _str(identity.get("identityHash"))
            if name:
                return name
    return _str(subject.get("name"))


def _achieved_level(
    subject: dict[str, Any], achievement: dict[str, Any]
) -> tuple[int | None, int, str | None, str, str]:
    """(position, number of levels, level code, name, description) of the achieved level."""
    wanted = [_str(r.get("achievedLevel")) for r in _dicts(subject.get("result"))]
    wanted = [w for w in wanted if w]
    scales = [_dicts(d.get("rubricCriterionLevel")) for d in _dicts(achievement.get("resultDescription"))]
    scales = [s for s in scales if s]
    for scale in scales:
        for position, level in enumerate(scale, start=1):
            level_id = _str(level.get("id"))
            if level_id and level_id in wanted:
                fragment = level_id.rsplit("#", 1)[-1] if "#" in level_id else ""
                code = fragment.removeprefix("niveau-") if fragment.startswith("niveau-") else _str(level.get("level"))
                return (
                    position,
                    len(scale),
                    code or str(position),
                    _str(level.get("name")),
                    _str(level.get("description")),
                )
    return None, len(scales[0]) if scales else 3, None, "", ""


def _read_certificate(credential_json: str) -> _Certificate:
    """The printable facts of a credential. Raises PdfError("not_a_certificate")."""
    try:
        credential = json.loads(credential_json)
    except (ValueError, RecursionError, TypeError) as exc:
        raise PdfError("not_a_certificate", "the credential is not valid JSON") from exc
    if not isinstance(credential, dict):
        raise PdfError("not_a_certificate", "the credential is not a JSON object")
    subject = _first_dict(credential.get("credentialSubject"))
    if subject is None:
        raise PdfError("not_a_certificate", "the credential has no credentialSubject")
    achievement = subject.get("achievement")
    if not isinstance(achievement, dict):
        raise PdfError("not_a_certificate", "the credential has no achievement")
    position, count, code, level_name, level_description = _achieved_level(subject, achievement)
    alignments = tuple(
        (_str(a.get("targetName")), _str(a.get("targetUrl")))
        for a in _dicts(achievement.get("alignment"))
        if _str(a.get("targetName")) or _str(a.get("targetUrl"))
    )
    issuer = credential.get("issuer")
    issuer_obj = issuer if isinstance(issuer, dict) else {}
    contact = tuple(v for v in (_str(issuer_obj.get(k)) for k in ("email", "phone", "url")) if v)
    source = subject.get("source")
    criteria = achievement.get("criteria")
    valid_from = parse_datetime_stamp(credential.get("validFrom")) or parse_datetime_stamp(
        credential.get("awardedDate")
    )
    return _Certificate(
        holder=_holder_name(subject),
        competence=_str(achievement.get("name")),
        description=_str(achievement.get("description")),
        criteria=_str(criteria.get("narrative")) if isinstance(criteria, dict) else "",
        level_position=position,
        level_count=count,
        level_code=code,
        level_name=level_name,
        level_description=level_description,
        alignments=alignments,
        issuer_name=_str(issuer_obj.get("name")),
        issuer_contact=contact,
        shop=_str(source.get("name")) if isinstance(source, dict) else "",
        valid_from=valid_from,
        valid_until=parse_datetime_stamp(credential.get("validUntil")),
        credential_id=_str(credential.get("id")),
    )


# -- fonts --------------------------------------------------------------------------

_FONT_FILES: Final = {
    "regular": ("KringloopDejaVuSans", "DejaVuSans.ttf"),
    "bold": ("KringloopDejaVuSans-Bold", "DejaVuSans-Bold.ttf"),
    "mono": ("KringloopDejaVuSansMono", "DejaVuSansMono.ttf"),
}
_ASCII: Final = "".join(chr(c) for c in range(32, 127))
_SUBSET_MEMO_SIZE: Final = 64


class _Font:
    """One registered TrueType font: widths for layout, the reportlab font for drawing."""

    def __init__(self, ttfont: Any) -> None:
        self.ttf = ttfont
        self.name: str = ttfont.fontName
        self._widths: dict[int, int] = ttfont.face.charWidths
        self._default: int = ttfont.face.defaultWidth
        self.covers: Callable[[int], bool] = ttfont.face.charToGlyph.__contains__

    def width(self, text: str, size: float) -> float:
        get = self._widths.get
        default = self._default
        return sum([get(c, default) for c in map(ord, text)]) * size / 1000.0


_fonts_lock = threading.Lock()
_render_lock = threading.Lock()
_fonts: dict[str, _Font] | None = None


def _expected_font_hashes() -> dict[str, str]:
    text = resources.files("credentials").joinpath("fonts", "SHA256SUMS").read_text(encoding="ascii")
    hashes: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2:
            hashes[parts[1].lstrip("*")] = parts[0].lower()
    return hashes


@lru_cache(maxsize=_SUBSET_MEMO_SIZE * len(("regular", "bold", "mono")))
def _deflate(program: bytes) -> bytes:
    return zlib.compress(program)


def _memoize_subsets(ttfont: Any) -> None:
    """Memoize each subset's font program, and its compressed form, by its exact code list.

    reportlab rebuilds and recompresses each subset font program for every
    document. With seeded subsets (see :func:`_seed_subsets`) most documents ask
    for the same code lists, so the bytes are reused. A program depends only on the
    list of characters, never on a URL or a name as such, so nothing of one
    certificate can end up in another.
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


def _load_fonts() -> dict[str, _Font]:
    """The three fonts, loaded, checked and registered once per process (thread-safe)."""
    global _fonts  # noqa: PLW0603 - a once-per-process registry, guarded by _fonts_lock
    loaded = _fonts
    if loaded is not None:
        return loaded
    with _fonts_lock:
        if _fonts is not None:
            return _fonts
        from reportlab.pdfbase import pdfmetrics  # noqa: PLC0415 - reportlab loads only when a PDF is made
        from reportlab.pdfbase.ttfonts import TTFont  # noqa: PLC0415

        expected = _expected_font_hashes()
        fonts: dict[str, _Font] = {}
        for key, (name, filename) in _FONT_FILES.items():
            data = resources.files("credentials").joinpath("fonts", filename).read_bytes()
            if hashlib.sha256(data).hexdigest() != expected.get(filename):
                raise PdfError("font_damaged", f"credentials/fonts/{filename} does not match SHA256SUMS")
            ttfont = TTFont(name, io.BytesIO(data))
            _memoize_subsets(ttfont)
            pdfmetrics.registerFont(ttfont)
            fonts[key] = _Font(ttfont)
        _fonts = fonts
        return fonts


# -- text ---------------------------------------------------------------------------

ELLIPSIS: Final = "…"
DASH: Final = "\u2013"  # en dash, for "nothing to show" and between parts of a title
# Far more than fits anywhere on the page at the smallest size; longer text is cut
# before wrapping so absurd input costs bounded time.
_MAX_TEXT: Final = 4000
_CONTROL_CHARS: Final = {c: " " for c in (*range(0, 32), *range(127, 160)) if c != 10}
_SPACES: Final = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")


def _clean(text: str, *, limit: int = _MAX_TEXT) -> tuple[str, bool]:
    """Text without control characters or runs of spaces; (text, was it cut)."""
    cut = len(text) > limit
    if cut:
        text = text[:limit]
    text = _SURROGATES.sub("\ufffd", text)
    # NFC: a name typed as "Zoe" plus a combining diaeresis prints (and copies) as "Zoë"
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).translate(_CONTROL_CHARS)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line), cut


def _ellipsize(text: str, font: _Font, size: float, width: float) -> str:
    """``text`` shortened to end in an ellipsis within ``width``."""
    text = text.removesuffix(ELLIPSIS)
    room = width - font.width(ELLIPSIS, size)
    if room <= 0:
        return ELLIPSIS
    end = len(text)
    while end > 0 and font.width(text[:end], size) > room:
        # jump most of the way on very long text, then step
        over = font.width(text[:end], size) - room
        end -= max(1, int(over / (size * 0.7)))
    return text[: max(end, 0)].rstrip(" ,;:-") + ELLIPSIS


def _wrap(text: str, font: _Font, size: float, width: float, max_lines: int | None = None) -> list[str]:
    """Greedy word wrap; words wider than the line are broken. With ``max_lines``,
    the last line ends in an ellipsis when text is left over."""
    text, cut = _clean(text)
    if not text:
        return []
    space = font.width(" ", size)
    lines: list[str] = []
    limit = max_lines if max_lines is not None else 10**9
    overflow = cut
    for paragraph in text.split("\n"):
        if len(lines) > limit:
            break
        words: list[str] = []
        used = 0.0
        for word in paragraph.split(" "):
            w = font.width(word, size)
            if w > width:
                if words:
                    lines.append(" ".join(words))
                    words, used = [], 0.0
                # break a long word (a URL, a very long name) at character level
                piece = ""
                for ch in word:
                    if font.width(piece + ch, size) > width and piece:
                        lines.append(piece)
                        piece = ""
                        if len(lines) > limit:
                            break
                    piece += ch
                if piece:
                    words, used = [piece], font.width(piece, size)
            elif not words:
                words, used = [word], w
            elif used + space + w <= width:
                words.append(word)
                used += space + w
            else:
                lines.append(" ".join(words))
                words, used = [word], w
            if len(lines) > limit:
                break
        if words:
            lines.append(" ".join(words))
    if len(lines) > limit:
        lines = lines[:limit]
        overflow = True
    if overflow and lines:
        lines[-1] = _ellipsize(lines[-1], font, size, width)
    return lines


def _fit_line(text: str, font: _Font, largest: float, smallest: float, width: float) -> tuple[float, str]:
    """(size, text) for one line: shrunk down to ``smallest``, then cut with an ellipsis."""
    size = _fit_size(text, font, largest, smallest, width)
    if size is not None:
        return size, text
    return smallest, _first_line(text, font, smallest, width)


def _one_line(text: str) -> str:
    """Text meant for one line (a name, a title): cleaned, line breaks become spaces."""
    return _clean(text, limit=400)[0].replace("\n", " ")


def _first_line(text: str, font: _Font, size: float, width: float) -> str:
    """``text`` on one line of ``width``, cut with an ellipsis if needed ("" for no text)."""
    lines = _wrap(text, font, size, width, 1)
    return lines[0] if lines else ""


def _fit_size(text: str, font: _Font, largest: float, smallest: float, width: float) -> float | None:
    """The largest size (in 0.5 pt steps) at which ``text`` fits on one line, or None."""
    natural = font.width(text, 1.0)
    if natural <= 0:
        return largest
    size = min(largest, int(width / natural * 2) / 2)
    return size if size >= smallest else None


# -- page model -----------------------------------------------------------------------

RGB = tuple[float, float, float]
INK: Final[RGB] = (0.09, 0.11, 0.13)
MUTED: Final[RGB] = (0.33, 0.36, 0.40)
ACCENT: Final[RGB] = (0.06, 0.37, 0.24)
TINT: Final[RGB] = (0.91, 0.95, 0.92)
RULE: Final[RGB] = (0.78, 0.81, 0.80)
WHITE: Final[RGB] = (1.0, 1.0, 1.0)

PAGE_W: Final = 595.2756  # A4 in points
PAGE_H: Final = 841.8898
MM: Final = 72 / 25.4
LEFT: Final = 46.0
RIGHT: Final = PAGE_W - 46.0
WIDTH: Final = RIGHT - LEFT
TOP: Final = 44.0
BOTTOM: Final = PAGE_H - 34.0
QR_SYMBOL_WIDTH: Final = 32 * MM  # the symbol itself; the quiet zone comes on top


def _n(value: float) -> str:
    text = f"{value:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _rgb(color: RGB, *, stroke: bool = False) -> str:
    return f"{_n(color[0])} {_n(color[1])} {_n(color[2])} {'RG' if stroke else 'rg'}"


@dataclass(frozen=True)
class _Text:
    x: float
    baseline: float  # from the top of the page
    font: str
    size: float
    text: str
    color: RGB


@dataclass
class _Page:
    """A display list: text runs and raw path operators, in drawing order."""

    fonts: Mapping[str, _Font]
    items: list[_Text | str] = field(default_factory=list)
    bookmark: str | None = None

    def text(
        self,
        x: float,
        baseline: float,
        text: str,
        *,
        font: str = "regular",
        size: float,
        color: RGB = INK,
        align: str = "left",
        width: float = 0.0,
    ) -> None:
        if not text:
            return
        if align != "left":
            w = self.fonts[font].width(text, size)
            x = x + (width - w) / 2 if align == "center" else x + width - w
        self.items.append(_Text(x, baseline, font, size, text, color))

    def rect(
        self,
        x: float,
        top: float,
        w: float,
        h: float,
        *,
        fill: RGB | None = None,
        stroke: RGB | None = None,
        line: float = 0.75,
    ) -> None:
        ops = ["q"]
        if fill is not None:
            ops.append(_rgb(fill))
        if stroke is not None:
            ops.append(f"{_rgb(stroke, stroke=True)} {_n(line)} w")
        ops.append(f"{_n(x)} {_n(PAGE_H - top - h)} {_n(w)} {_n(h)} re")
        ops.append("B" if fill is not None and stroke is not None else ("f" if fill is not None else "S"))
        ops.append("Q")
        self.items.append(" ".join(ops))

    def hline(self, x0: float, x1: float, y: float, color: RGB, line: float = 0.5) -> None:
        yy = _n(PAGE_H - y)
        self.items.append(f"q {_rgb(color, stroke=True)} {_n(line)} w {_n(x0)} {yy} m {_n(x1)} {yy} l S Q")

    def qr(self, x: float, top: float, matrix: QrMatrix, symbol_width: float) -> float:
        """Draw the QR symbol with its white quiet zone at (x, top); returns the total width."""
        module = symbol_width / matrix.size
        total = symbol_width + 2 * QUIET_ZONE_MODULES * module
        self.rect(x, top, total, total, fill=WHITE)
        x0 = x + QUIET_ZONE_MODULES * module
        y0 = PAGE_H - (top + QUIET_ZONE_MODULES * module)
        # one unit per module, y pointing down from the symbol's top-left corner
        self.items.append(f"q 0 0 0 rg {_n(module)} 0 0 {_n(-module)} {_n(x0)} {_n(y0)} cm\n{matrix.pdf_path()}\nf Q")
        return total


@dataclass(frozen=True)
class _Line:
    """One line of a text column: drawn at ``dx`` from the column's left edge."""

    text: str
    font: str
    size: float
    color: RGB
    height: float
    dx: float = 0.0
    width: float = 0.0  # room for the text (for an ellipsis)


def _column_height(lines: Sequence[_Line]) -> float:
    return sum(line.height for line in lines)


def _truncate(lines: list[_Line], room: float, fonts: Mapping[str, _Font]) -> list[_Line]:
    """The lines that fit in ``room``; the last kept text line ends in an ellipsis."""
    kept: list[_Line] = []
    used = 0.0
    for line in lines:
        if used + line.height > room:
            break
        kept.append(line)
        used += line.height
    if len(kept) < len(lines):
        # no trailing spacer, and no bullet without its text
        while kept and (not kept[-1].text or kept[-1].height == 0):
            kept.pop()
        if kept:
            last = kept[-1]
            font = fonts[last.font]
            shorter = _ellipsize(last.text, font, last.size, last.width)
            kept[-1] = _Line(shorter, last.font, last.size, last.color, last.height, last.dx, last.width)
    return kept


def _draw_column(page: _Page, lines: Sequence[_Line], x: float, top: float) -> float:
    y = top
    for line in lines:
        page.text(x + line.dx, y + line.size * 0.95, line.text, font=line.font, size=line.size, color=line.color)
        y += line.height
    return y


# -- the certificate page -------------------------------------------------------------


def _level_line(cert: _Certificate, english: EnglishText | None) -> tuple[str, str]:
    if cert.level_position is None:
        return "Niveau: onbekend", "Level: unknown"
    nl = f"Niveau {cert.level_position} van {cert.level_count}"
    en = f"Level {cert.level_position} of {cert.level_count}"
    if cert.level_name:
        nl += f": {cert.level_name}"
    name_en = english.level_names.get(cert.level_code or "", "") if english is not None else ""
    if name_en:
        en += f": {name_en}"
    return nl, en


def _criteria_items(text: str) -> list[tuple[bool, str]]:
    """(is a bullet, text) per line of a criteria narrative ("- " lines are bullets)."""
    items: list[tuple[bool, str]] = []
    cleaned, _ = _clean(text)
    for raw in cleaned.split("\n"):
        if raw.startswith(("- ", "* ", "• ")):
            items.append((True, raw[2:].strip()))
        elif raw:
            items.append((False, raw))
    return items


@dataclass(frozen=True)
class _BodyLimits:
    """Caps used only when the body does not fit even at the smallest size."""

    description_lines: int
    lines_per_item: int


def _body_column(
    fonts: Mapping[str, _Font],
    *,
    heading_1: str,
    text_1: str,
    heading_2: str,
    criteria: str,
    size: float,
    color: RGB,
    width: float,
    limits: _BodyLimits | None = None,
) -> list[_Line]:
    lines: list[_Line] = []
    leading = size * 1.32
    heading_size = size + 0.5
    bullet_indent = size * 1.1
    description_lines = limits.description_lines if limits else None
    item_lines = limits.lines_per_item if limits else None

    def heading(text: str) -> None:
        for part in _wrap(text, fonts["bold"], heading_size, width, 2):
            lines.append(_Line(part, "bold", heading_size, ACCENT, heading_size * 1.35, 0.0, width))

    if text_1:
        heading(heading_1)
        for part in _wrap(text_1, fonts["regular"], size, width, description_lines):
            lines.append(_Line(part, "regular", size, color, leading, 0.0, width))
        lines.append(_Line("", "regular", size, color, size * 0.7))
    items = _criteria_items(criteria)
    if items:
        heading(heading_2)
        for bullet, text in items:
            if bullet:
                parts = _wrap(text, fonts["regular"], size, width - bullet_indent, item_lines)
                for i, part in enumerate(parts):
                    if i == 0:
                        lines.append(_Line("•", "regular", size, ACCENT, 0.0, 0.0, bullet_indent))
                    lines.append(_Line(part, "regular", size, color, leading, bullet_indent, width - bullet_indent))
            else:
                for part in _wrap(text, fonts["regular"], size, width, item_lines):
                    lines.append(_Line(part, "regular", size, color, leading, 0.0, width))
            lines.append(_Line("", "regular", size, color, size * 0.25))
    while lines and not lines[-1].text:
        lines.pop()
    return lines


_BODY_SIZES: Final = (9.5, 9.0, 8.5, 8.0, 7.5, 7.0)


def _layout_body(page: _Page, cert: _Certificate, english: EnglishText | None, *, top: float, bottom: float) -> None:
    """Description and criteria, Dutch left and English right, shrunk (and at worst cut) to fit."""
    fonts = page.fonts
    room = bottom - top
    if room <= 0:
        return
    gap = 22.0
    two = english is not None and bool(english.description or english.criteria)
    col_w = (WIDTH - gap) / 2 if two else WIDTH

    def build(size: float, limits: _BodyLimits | None) -> list[list[_Line]]:
        if two and english is not None:
            return [
                _body_column(
                    fonts,
                    heading_1="Wat houdt het in",
                    text_1=cert.description,
                    heading_2="Wat de persoon doet",
                    criteria=cert.criteria,
                    size=size,
                    color=INK,
                    width=col_w,
                    limits=limits,
                ),
                _body_column(
                    fonts,
                    heading_1="What it means",
                    text_1=english.description,
                    heading_2="What the person does",
                    criteria=english.criteria,
                    size=size - 0.5,
                    color=MUTED,
                    width=col_w,
                    limits=limits,
                ),
            ]
        return [
            _body_column(
                fonts,
                heading_1="Wat houdt het in · What it means",
                text_1=cert.description,
                heading_2="Wat de persoon doet · What the person does",
                criteria=cert.criteria,
                size=size,
                color=INK,
                width=col_w,
                limits=limits,
            )
        ]

    columns: list[list[_Line]] = []
    for size in _BODY_SIZES:
        columns = build(size, None)
        if max(_column_height(c) for c in columns) <= room:
            break
    else:
        # Absurd input: give the description at most about a third of the room and
        # each criterion three lines, so the criteria still show; then cut.
        smallest = _BODY_SIZES[-1]
        limits = _BodyLimits(description_lines=max(2, int(room * 0.3 / (smallest * 1.32))), lines_per_item=3)
        columns = [_truncate(c, room, fonts) for c in build(smallest, limits)]
    for i, column in enumerate(columns):
        _draw_column(page, column, LEFT + i * (col_w + gap), top)


def _level_panel(page: _Page, cert: _Certificate, english: EnglishText | None, *, top: float) -> float:
    """The achieved level with a staircase of steps; returns the bottom of the panel."""
    fonts = page.fonts
    pad = 9.0
    steps = max(1, min(cert.level_count, 6))
    step_w, step_gap, step_unit = 20.0, 4.0, 9.0
    visual_w = steps * step_w + (steps - 1) * step_gap
    visual_h = steps * step_unit + 4
    text_x = LEFT + pad + visual_w + 18
    text_w = RIGHT - pad - text_x
    nl, en = _level_line(cert, english)
    lines: list[_Line] = [_Line(t, "bold", 11, INK, 14.5, 0, text_w) for t in _wrap(nl, fonts["bold"], 11, text_w, 1)]
    lines += [_Line(t, "regular", 9, MUTED, 12, 0, text_w) for t in _wrap(en, fonts["regular"], 9, text_w, 1)]
    if cert.level_description:
        lines.append(_Line("", "regular", 3, INK, 3))
        lines += [
            _Line(t, "regular", 8.5, INK, 11, 0, text_w)
            for t in _wrap(cert.level_description, fonts["regular"], 8.5, text_w, 2)
        ]
    labels_h = 11.0
    height = max(visual_h + labels_h, _column_height(lines)) + 2 * pad
    page.rect(LEFT, top, WIDTH, height, fill=TINT)
    # the staircase: step i is i units high; steps up to the achieved level are filled
    base = top + pad + visual_h
    for i in range(steps):
        x = LEFT + pad + i * (step_w + step_gap)
        h = (i + 1) * step_unit + 4
        filled = cert.level_position is not None and i < cert.level_position
        page.rect(x, base - h, step_w, h, fill=ACCENT if filled else WHITE, stroke=ACCENT, line=0.9)
        page.text(
            x,
            base + 9.5,
            str(i + 1),
            font="bold" if filled else "regular",
            size=8,
            color=ACCENT,
            align="center",
            width=step_w,
        )
    _draw_column(page, lines, text_x, top + pad + max(0.0, (height - 2 * pad - _column_height(lines)) / 2))
    return top + height


# A value in a detail cell: text, font, size, colour, at most this many lines.
_Value = tuple[str, str, float, RGB, int]


def _cell_lines(fonts: Mapping[str, _Font], label: str, values: Sequence[_Value], width: float) -> list[_Line]:
    lines = [_Line(t, "regular", 7, MUTED, 9.5, 0, width) for t in _wrap(label, fonts["regular"], 7, width, 2)]
    for text, font, size, color, max_lines in values:
        for part in _wrap(text, fonts[font], size, width, max_lines):
            lines.append(_Line(part, font, size, color, size * 1.3, 0, width))
    return lines


def _details(cert: _Certificate, sheet: CertificateSheet) -> list[tuple[str, list[_Value]]]:
    cells: list[tuple[str, list[_Value]]] = []
    issuer: list[_Value] = [(cert.issuer_name or DASH, "bold", 9, INK, 2)]
    issuer += [(c, "regular", 7.5, MUTED, 1) for c in cert.issuer_contact]
    cells.append(("Gegeven door · Given by", issuer))
    if cert.shop:
        cells.append(("Werkplek · Workplace", [(cert.shop, "regular", 9, INK, 2)]))
    supervisor = _str(sheet.supervisor)
    if supervisor:
        cells.append(("Beoordeeld door · Assessed by", [(supervisor, "regular", 9, INK, 2)]))
    if cert.valid_from is not None:
        local = _local(cert.valid_from)
        cells.append(
            ("Datum · Date", [(_date_nl(local), "regular", 9, INK, 1), (_date_en(local), "regular", 7.5, MUTED, 1)])
        )
    if cert.valid_until is not None:
        local = _local(cert.valid_until)
        cells.append(
            (
                "Geldig tot · Valid until",
                [(_date_nl(local), "regular", 9, INK, 1), (_date_en(local), "regular", 7.5, MUTED, 1)],
            )
        )
    group_nl, group_en = _str(sheet.group_nl), _str(sheet.group_en)
    if group_nl or group_en:
        group: list[_Value] = [(group_nl, "regular", 9, INK, 2)] if group_nl else []
        group += [(group_en, "regular", 7.5, MUTED, 2)] if group_en else []
        cells.append(("Soort vaardigheid · Type of skill", group))
    if cert.credential_id:
        cells.append(("Certificaatnummer · Certificate number", [(_display_id(cert.credential_id), "mono", 7, INK, 2)]))
    return cells


def _display_id(credential_id: str) -> str:
    # "urn:uuid:" is jargon on paper (docs/taalgids-b1.md); the number itself stays.
    return credential_id.removeprefix("urn:uuid:")


def _layout_details(page: _Page, cells: Sequence[tuple[str, list[_Value]]], *, bottom: float, draw: bool) -> float:
    """Lay out the detail cells three to a row, ending at ``bottom``; returns the top (draws if ``draw``)."""
    fonts = page.fonts
    per_row, gap = 3, 14.0
    cell_w = (WIDTH - gap * (per_row - 1)) / per_row
    rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
    laid = [[_cell_lines(fonts, label, values, cell_w) for label, values in row] for row in rows]
    heights = [max(_column_height(c) for c in row) for row in laid]
    top = bottom - sum(heights) - 8.0 * (len(rows) - 1)
    if draw:
        y = top
        for row, height in zip(laid, heights, strict=True):
            for i, column in enumerate(row):
                _draw_column(page, column, LEFT + i * (cell_w + gap), y)
            y += height + 8.0
    return top


def _strip_https(url: str) -> str:
    return url.removeprefix("https://")


def _verify_panel(page: _Page, sheet: CertificateSheet, matrix: QrMatrix, *, bottom: float) -> float:
    """The QR code and the ways to check the certificate, ending at ``bottom``; returns the top."""
    fonts = page.fonts
    pad = 9.0
    module = QR_SYMBOL_WIDTH / matrix.size
    qr_total = QR_SYMBOL_WIDTH + 2 * QUIET_ZONE_MODULES * module
    text_x = LEFT + pad + qr_total + 12
    text_w = RIGHT - pad - text_x
    check = _strip_https(sheet.check_url.strip())
    code = sheet.short_code.strip()
    lines: list[_Line] = []

    def add(text: str, font: str, size: float, color: RGB, max_lines: int, *, leading: float = 1.28) -> None:
        for part in _wrap(text, fonts[font], size, text_w, max_lines):
            lines.append(_Line(part, font, size, color, size * leading, 0, text_w))

    add("Is dit certificaat echt? Scan de QR-code.", "bold", 10.5, INK, 2)
    add("Is this certificate genuine? Scan the QR code.", "regular", 8.5, MUTED, 2)
    add(sheet.verify_url.strip(), "mono", 7.5, ACCENT, 2, leading=1.4)
    lines.append(_Line("", "regular", 4, INK, 4))
    add(f"Geen camera? Ga naar {check} en typ de code:", "regular", 8.5, INK, 2)
    add(f"No camera? Go to {check} and type the code:", "regular", 7.5, MUTED, 2)
    code_size = _fit_size(code, fonts["mono"], 15, 8, text_w) or 8
    add(code, "mono", code_size, INK, 1, leading=1.45)
    lines.append(_Line("", "regular", 3, INK, 3))
    add(
        "Het certificaat zit ook als bestand (.json) in deze PDF, met de digitale handtekening van de organisatie.",
        "regular",
        7,
        INK,
        2,
    )
    add(
        "The certificate is also attached to this PDF as a file (.json), with the organisation's digital signature.",
        "regular",
        6.5,
        MUTED,
        2,
    )
    height = max(qr_total, _column_height(lines)) + 2 * pad
    top = bottom - height
    page.rect(LEFT, top, WIDTH, height, stroke=ACCENT, line=1.0)
    page.qr(LEFT + pad, top + pad + (height - 2 * pad - qr_total) / 2, matrix, QR_SYMBOL_WIDTH)
    _draw_column(page, lines, text_x, top + pad + max(0.0, (height - 2 * pad - _column_height(lines)) / 2))
    return top


def _footer_lines(fonts: Mapping[str, _Font], cert: _Certificate, width: float) -> list[_Line]:
    lines: list[_Line] = []
    regular = fonts["regular"]
    for name, url in cert.alignments[:3]:
        text = "Europese lijst van vaardigheden (ESCO) · European skills (ESCO): " + f" {DASH} ".join(
            p for p in (name, url) if p
        )
        lines += [_Line(t, "regular", 6.5, MUTED, 8.2, 0, width) for t in _wrap(text, regular, 6.5, width, 2)]
    closing = (
        "Dit certificaat volgt de open standaard Open Badges 3.0 · "
        "This certificate follows the open standard Open Badges 3.0."
    )
    if cert.alignments:
        closing += " " + ESCO_ATTRIBUTION
    lines += [_Line(t, "regular", 6.5, MUTED, 8.2, 0, width) for t in _wrap(closing, regular, 6.5, width, 2)]
    return lines


def _page_number_text(number: int, total: int) -> str:
    return f"Pagina {number} van {total} · Page {number} of {total}"


def _headline(page: _Page, text: str, *, top: float, largest: float, smallest: float) -> float:
    """A centred bold line, shrunk to fit, else wrapped on two lines; returns the new top."""
    font = page.fonts["bold"]
    text = _one_line(text or DASH)
    fitted = _fit_size(text, font, largest, smallest, WIDTH)
    if fitted is not None:
        page.text(LEFT, top + fitted, text, font="bold", size=fitted, align="center", width=WIDTH)
        return top + fitted * 1.3
    for part in _wrap(text, font, smallest, WIDTH, 2):
        page.text(LEFT, top + smallest, part, font="bold", size=smallest, align="center", width=WIDTH)
        top += smallest * 1.28
    return top


def _certificate_page(
    fonts: Mapping[str, _Font],
    cert: _Certificate,
    sheet: CertificateSheet,
    matrix: QrMatrix,
    *,
    page_number: tuple[int, int] | None = None,
) -> _Page:
    page = _Page(fonts)
    english = sheet.english
    # frame
    page.rect(20, 20, PAGE_W - 40, PAGE_H - 40, stroke=ACCENT, line=2.0)
    page.rect(25, 25, PAGE_W - 50, PAGE_H - 50, stroke=ACCENT, line=0.5)

    y = TOP + 4
    org = cert.issuer_name or ""
    if org:
        size, text = _fit_line(_one_line(org), fonts["bold"], 10.5, 8, WIDTH)
        page.text(LEFT, y + 10, text, font="bold", size=size, color=ACCENT, align="center", width=WIDTH)
    y += 18
    page.text(LEFT, y + 28, "Certificaat", font="bold", size=29, align="center", width=WIDTH)
    y += 36
    page.text(LEFT, y + 13, "Certificate", size=13, color=MUTED, align="center", width=WIDTH)
    y += 30
    page.text(
        LEFT,
        y + 8.5,
        "Dit certificaat is voor · This certificate is for",
        size=8.5,
        color=MUTED,
        align="center",
        width=WIDTH,
    )
    y += 14
    y = _headline(page, cert.holder, top=y, largest=26, smallest=14)
    y += 6
    page.hline(PAGE_W / 2 - 70, PAGE_W / 2 + 70, y, ACCENT, 1.2)
    y += 12
    page.text(LEFT, y + 8.5, "Vaardigheid · Skill", size=8.5, color=MUTED, align="center", width=WIDTH)
    y += 13
    y = _headline(page, cert.competence, top=y, largest=17, smallest=12)
    if english is not None and english.name:
        for part in _wrap(english.name, fonts["regular"], 11, WIDTH, 2):
            page.text(LEFT, y + 11, part, size=11, color=MUTED, align="center", width=WIDTH)
            y += 14
    y += 10
    y = _level_panel(page, cert, english, top=y) + 14

    # bottom-up: footer, verify panel, details; the body takes what is left
    footer = _footer_lines(fonts, cert, WIDTH - (150 if page_number else 0))
    footer_top = BOTTOM - _column_height(footer)
    _draw_column(page, footer, LEFT, footer_top)
    if page_number is not None:
        page.text(LEFT, BOTTOM - 2, _page_number_text(*page_number), size=6.5, color=MUTED, align="right", width=WIDTH)
    panel_top = _verify_panel(page, sheet, matrix, bottom=footer_top - 8)
    cells = _details(cert, sheet)
    details_top = _layout_details(page, cells, bottom=panel_top - 12, draw=False)
    body_bottom = details_top - 12
    page.hline(LEFT, RIGHT, details_top - 7, RULE, 0.5)
    _layout_body(page, cert, english, top=y, bottom=body_bottom - 4)
    _layout_details(page, cells, bottom=panel_top - 12, draw=True)
    return page


# -- the portfolio cover ----------------------------------------------------------------


@dataclass(frozen=True)
class _CoverRow:
    group: tuple[str, str]
    name_nl: str
    name_en: str
    level_nl: str
    level_en: str
    date_nl: str
    date_en: str
    index: int  # position of the certificate in the portfolio (0-based)


_OTHER_GROUP: Final = ("Overig", "Other")


def _cover_rows(entries: Sequence[tuple[_Certificate, CertificateSheet]]) -> list[_CoverRow]:
    rows: list[_CoverRow] = []
    for index, (cert, sheet) in enumerate(entries):
        group_nl, group_en = _str(sheet.group_nl), _str(sheet.group_en)
        group = (group_nl or group_en, group_en or group_nl) if (group_nl or group_en) else _OTHER_GROUP
        level_nl, level_en = _level_line(cert, sheet.english)
        local = _local(cert.valid_from) if cert.valid_from is not None else None
        rows.append(
            _CoverRow(
                group=group,
                name_nl=cert.competence or DASH,
                name_en=sheet.english.name if sheet.english is not None else "",
                level_nl=level_nl,
                level_en=level_en,
                date_nl=_date_nl(local) if local else DASH,
                date_en=_date_en(local) if local else "",
                index=index,
            )
        )
    order: list[tuple[str, str]] = []
    for row in rows:
        if row.group not in order and row.group != _OTHER_GROUP:
            order.append(row.group)
    if any(row.group == _OTHER_GROUP for row in rows):
        order.append(_OTHER_GROUP)
    return sorted(rows, key=lambda r: (order.index(r.group), r.index))


_ROW_H: Final = 25.0
_GROUP_H: Final = 27.0
_HEAD_H: Final = 22.0  # the two-line column headings
# (x, width) of the columns competence, level and date; the page number is right-aligned at WIDTH
_COLS: Final = ((0.0, 226.0), (232.0, 170.0), (408.0, 68.0))


def _paginate_cover(
    rows: Sequence[_CoverRow], *, first_top: float, next_top: float, bottom: float
) -> list[list[_CoverRow | tuple[str, str]]]:
    """Rows and group headings per cover page (a heading never ends a page)."""
    pages: list[list[_CoverRow | tuple[str, str]]] = [[]]
    y = first_top
    current: tuple[str, str] | None = None
    for row in rows:
        need = _ROW_H + (_GROUP_H if row.group != current else 0.0)
        if y + need > bottom:
            pages.append([])
            y = next_top
            current = None
            need = _ROW_H + _GROUP_H
        if row.group != current:
            pages[-1].append(row.group)
            current = row.group
        pages[-1].append(row)
        y += need
    return pages


def _cover_pages(
    fonts: Mapping[str, _Font],
    holder: str,
    note: str | None,
    rows: Sequence[_CoverRow],
    certificate_count: int,
) -> list[_Page]:
    holder = _one_line(holder or DASH)
    bottom = BOTTOM - 16
    # the title block's height decides where the list starts on the first page
    title_lines: list[_Line] = []
    size = _fit_size(f"Portfolio van {holder}", fonts["bold"], 22, 13, WIDTH)
    if size is not None:
        title_lines.append(_Line(f"Portfolio van {holder}", "bold", size, INK, size * 1.3, 0, WIDTH))
    else:
        title_lines += [
            _Line(t, "bold", 13, INK, 17, 0, WIDTH)
            for t in _wrap(f"Portfolio van {holder}", fonts["bold"], 13, WIDTH, 2)
        ]
    title_lines += [
        _Line(t, "regular", 12, MUTED, 16, 0, WIDTH)
        for t in _wrap(f"Portfolio of {holder}", fonts["regular"], 12, WIDTH, 2)
    ]
    if note:
        title_lines.append(_Line("", "regular", 4, INK, 4))
        title_lines += [_Line(t, "regular", 9, MUTED, 12, 0, WIDTH) for t in _wrap(note, fonts["regular"], 9, WIDTH, 3)]
    count_nl = f"{certificate_count} certificaat" if certificate_count == 1 else f"{certificate_count} certificaten"
    count_en = f"{certificate_count} certificate" if certificate_count == 1 else f"{certificate_count} certificates"
    title_lines.append(_Line("", "regular", 6, INK, 6))
    title_lines.append(_Line(f"{count_nl} · {count_en}", "regular", 9, INK, 12, 0, WIDTH))
    first_top = TOP + 10 + _column_height(title_lines) + 14 + _HEAD_H
    next_top = TOP + 10 + 24 + _HEAD_H
    layout = _paginate_cover(rows, first_top=first_top, next_top=next_top, bottom=bottom)
    total_pages = len(layout) + certificate_count
    pages: list[_Page] = []
    for number, items in enumerate(layout, start=1):
        page = _Page(fonts, bookmark="Overzicht · Overview" if number == 1 else None)
        page.rect(20, 20, PAGE_W - 40, PAGE_H - 40, stroke=ACCENT, line=2.0)
        page.rect(25, 25, PAGE_W - 50, PAGE_H - 50, stroke=ACCENT, line=0.5)
        if number == 1:
            y = _draw_column(page, title_lines, LEFT, TOP + 10) + 14
        else:
            text = f"Portfolio van {holder} (vervolg) · Portfolio of {holder} (continued)"
            page.text(LEFT, TOP + 22, _first_line(text, fonts["bold"], 11, WIDTH), font="bold", size=11)
            y = TOP + 10 + 24
        for (x, _), (nl, en) in zip(
            _COLS, (("Vaardigheid", "Skill"), ("Niveau", "Level"), ("Datum", "Date")), strict=True
        ):
            page.text(LEFT + x, y + 7, nl, font="bold", size=7, color=MUTED)
            page.text(LEFT + x, y + 15, en, size=7, color=MUTED)
        page.text(LEFT, y + 7, "Pagina", font="bold", size=7, color=MUTED, align="right", width=WIDTH)
        page.text(LEFT, y + 15, "Page", size=7, color=MUTED, align="right", width=WIDTH)
        y += _HEAD_H
        for item in items:
            if isinstance(item, tuple):
                group_nl, group_en = item
                label = group_nl if group_nl == group_en else f"{group_nl} · {group_en}"
                page.text(
                    LEFT, y + 16, _first_line(label, fonts["bold"], 11, WIDTH), font="bold", size=11, color=ACCENT
                )
                page.hline(LEFT, RIGHT, y + 21, ACCENT, 0.8)
                y += _GROUP_H
                continue
            row = item
            cells = (
                ((row.name_nl, "bold", 8.5, INK), (row.name_en, "regular", 7.5, MUTED)),
                ((row.level_nl, "regular", 7.5, INK), (row.level_en, "regular", 7, MUTED)),
                ((row.date_nl, "regular", 7.5, INK), (row.date_en, "regular", 7, MUTED)),
            )
            for (x, w), ((t1, f1, s1, c1), (t2, f2, s2, c2)) in zip(_COLS, cells, strict=True):
                if t1:
                    size, text = _fit_line(_one_line(t1), fonts[f1], s1, s1 - 1, w)
                    page.text(LEFT + x, y + 10, text, font=f1, size=size, color=c1)
                if t2:
                    size, text = _fit_line(_one_line(t2), fonts[f2], s2, s2 - 1, w)
                    page.text(LEFT + x, y + 20, text, font=f2, size=size, color=c2)
            page_no = str(len(layout) + row.index + 1)
            page.text(LEFT, y + 10, page_no, size=8, align="right", width=WIDTH)
            page.hline(LEFT, RIGHT, y + _ROW_H - 1, RULE, 0.4)
            y += _ROW_H
        page.text(
            LEFT, BOTTOM - 2, _page_number_text(number, total_pages), size=6.5, color=MUTED, align="right", width=WIDTH
        )
        pages.append(page)
    return pages


# -- writing the PDF ---------------------------------------------------------------------

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
    catalog = doc.Catalog
    catalog.Names = PDFDictionary({"EmbeddedFiles": PDFDictionary({"Names": PDFArray(names)})})
    # PDFCatalog writes only the keys it knows; /AF (associated files) is added to
    # this catalog's own list of optional entries.
    catalog.AF = PDFArray(specs)
    catalog.__NoDefault__ = [*type(catalog).__NoDefault__, "AF"]


_SAFE_NAME: Final = re.compile(r"[^A-Za-z0-9_-]+")


def _file_stem(sheet: CertificateSheet) -> str:
    """``certificaat-<public id>``: the last part of the verify URL, else the short code, else a digest."""
    tail = sheet.verify_url.strip().rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0].split("#", 1)[0]
    for candidate in (tail, sheet.short_code.strip()):
        cleaned = _SAFE_NAME.sub("-", candidate).strip("-")[:64]
        if cleaned and "." not in candidate and ":" not in candidate:
            return f"certificaat-{cleaned}"
    digest = hashlib.sha256(sheet.credential_json.encode("utf-8")).hexdigest()[:16]
    return f"certificaat-{digest}"


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
    from reportlab.pdfbase.pdfdoc import PDFStream, PDFZCompress  # noqa: PLC0415
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
    doc = canvas._doc  # reportlab has no public handle on its document objects
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
    doc._ID = b"\n[<" + digest + b"><" + digest + b">]\n"
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
        pdf_page = doc.Pages.pages[-1]
        if pdf_page.Contents is None and isinstance(pdf_page.stream, str):
            pdf_page.Contents = PDFStream(content=pdf_page.stream, filters=[PDFZCompress])
    _attach_files(doc, attachments)
    canvas.save()
    return buffer.getvalue()


def _identity(*parts: str) -> bytes:
    return b"\x00".join(part.encode("utf-8", "surrogatepass") for part in parts)


def _checked(sheet: CertificateSheet) -> tuple[_Certificate, QrMatrix]:
    if not isinstance(sheet, CertificateSheet):
        raise PdfError("bad_sheet", "expected a CertificateSheet")
    if not isinstance(sheet.credential_json, str):
        raise PdfError("bad_sheet", "credential_json must be text")
    if _SURROGATES.search(sheet.credential_json):
        raise PdfError("not_a_certificate", "the credential text is not valid Unicode (lone surrogates)")
    cert = _read_certificate(sheet.credential_json)
    for name in ("verify_url", "short_code", "check_url"):
        if not isinstance(getattr(sheet, name), str) or not getattr(sheet, name).strip():
            raise PdfError("bad_sheet", f"the sheet has no {name}")
    try:
        matrix = qr_matrix(sheet.verify_url.strip())
    except QrError as exc:
        raise PdfError("bad_sheet", str(exc)) from exc
    return cert, matrix


def _sheet_identity(sheet: CertificateSheet) -> list[str]:
    english = sheet.english
    parts = [sheet.credential_json, sheet.verify_url, sheet.short_code, sheet.check_url, sheet.supervisor or ""]
    parts += [sheet.group_nl or "", sheet.group_en or ""]
    if english is not None:
        parts += [english.name, english.description, english.criteria]
        parts += [f"{k}={v}" for k, v in sorted(english.level_names.items())]
    return parts


def _attachment_description(cert: _Certificate) -> str:
    what = f": {cert.competence} {DASH} {cert.holder}" if cert.competence else ""
    return f"Certificaat met digitale handtekening{what} (certificate with digital signature)"


def render_certificate_pdf(sheet: CertificateSheet) -> bytes:
    """One A4 certificate page with its QR code, the signed credential attached.

    Raises PdfError: ``not_a_certificate`` when credential_json is not a JSON object
    with a credentialSubject and an achievement, ``bad_sheet`` when the URLs or
    the short code are missing (or the URL cannot be a QR code).
    """
    cert, matrix = _checked(sheet)
    fonts = _load_fonts()
    stem = _file_stem(sheet)
    attachment = _Attachment(
        key=f"{stem}.json",
        filename=f"{stem}.json",
        data=sheet.credential_json.encode("utf-8"),
        description=_attachment_description(cert),
    )
    level_nl, _ = _level_line(cert, sheet.english)
    meta = _Metadata(
        title=f"Certificaat: {cert.competence or DASH} {DASH} {cert.holder or DASH}",
        author=cert.issuer_name or CREATOR,
        subject=f"{cert.competence or 'Certificaat'}, {level_nl.lower()}"
        + (f", {_date_nl(_local(cert.valid_from))}" if cert.valid_from else ""),
        created=cert.valid_from,
    )
    page = _certificate_page(fonts, cert, sheet, matrix)
    return _write_pdf(fonts, [page], [attachment], meta, _identity("certificate", *_sheet_identity(sheet)))


def render_portfolio_pdf(
    holder_name: str, sheets: Sequence[CertificateSheet], *, title_note: str | None = None
) -> bytes:
    """A cover page listing the certificates by group, then one certificate page each.

    Every certificate's signed JSON is attached as its own file, in page order.
    Raises PdfError like :func:`render_certificate_pdf` (for the first bad sheet),
    or ``bad_sheet`` for an empty list.
    """
    if not sheets:
        raise PdfError("bad_sheet", "a portfolio needs at least one certificate")
    if len(sheets) > MAX_ATTACHMENTS:
        # what this module writes, it must be able to read back (extract_credentials)
        raise PdfError("bad_sheet", f"a portfolio holds at most {MAX_ATTACHMENTS} certificates")
    checked = [_checked(sheet) for sheet in sheets]
    fonts = _load_fonts()
    holder = _str(holder_name) or DASH
    attachments: list[_Attachment] = []
    seen: set[str] = set()
    for index, ((cert, _), sheet) in enumerate(zip(checked, sheets, strict=True), start=1):
        stem = _file_stem(sheet)
        filename, n = f"{stem}.json", 2
        while filename in seen:
            filename, n = f"{stem}-{n}.json", n + 1
        seen.add(filename)
        attachments.append(
            _Attachment(
                key=f"{index:04d} {filename}",
                filename=filename,
                data=sheet.credential_json.encode("utf-8"),
                description=_attachment_description(cert),
            )
        )
    authors = list(dict.fromkeys(cert.issuer_name for cert, _ in checked if cert.issuer_name))
    dates = [cert.valid_from for cert, _ in checked if cert.valid_from is not None]
    meta = _Metadata(
        title=f"Portfolio: {holder}",
        author=", ".join(authors) or CREATOR,
        subject=f"Portfolio met {len(sheets)} certificaten · portfolio of {len(sheets)} certificates",
        created=max(dates) if dates else None,
    )
    identity = ["portfolio", holder, title_note or ""]
    for sheet in sheets:
        identity += _sheet_identity(sheet)
    entries = [(cert, sheet) for (cert, _), sheet in zip(checked, sheets, strict=True)]
    cover = _cover_pages(fonts, holder, title_note, _cover_rows(entries), len(sheets))
    total = len(cover) + len(sheets)
    pages = list(cover)
    for number, ((cert, matrix), sheet) in enumerate(zip(checked, sheets, strict=True), start=len(cover) + 1):
        page = _certificate_page(fonts, cert, sheet, matrix, page_number=(number, total))
        level_nl, _ = _level_line(cert, sheet.english)
        page.bookmark = f"{cert.competence or 'Certificaat'} ({level_nl.split(':')[0].lower()})"
        pages.append(page)
    return _write_pdf(fonts, pages, attachments, meta, _identity(*identity))


# -- reading credentials back out ---------------------------------------------------------


def _inflate(data: bytes, limit: int) -> bytes:
    """zlib-inflate at most ``limit + 1`` bytes; more means the file is too large."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise PdfError("unreadable", "an attached file is damaged (bad compressed data)") from exc
    if len(out) > limit:
        raise PdfError("attachment_too_large")
    return out


def _name_tree_entries(root: Any) -> Iterator[tuple[Any, Any]]:
    """(key, value) pairs of a name tree in tree order, with depth, node and cycle limits."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject  # noqa: PLC0415

    seen: set[tuple[int, int]] = set()
    visited = 0

    def resolve(value: Any) -> Any:
        if isinstance(value, IndirectObject):
            ident = (value.idnum, value.generation)
            if ident in seen:
                return None
            seen.add(ident)
            return value.get_object()
        return value

    def walk(node: Any, depth: int) -> Iterator[tuple[Any, Any]]:
        nonlocal visited
        visited += 1
        if depth > _MAX_TREE_DEPTH or visited > _MAX_TREE_NODES:
            raise PdfError("unreadable", "the list of attached files is too deep or too large")
        node = resolve(node)
        if not isinstance(node, DictionaryObject):
            return
        pairs = resolve(node.get("/Names"))
        if isinstance(pairs, ArrayObject):
            for i in range(0, len(pairs) - 1, 2):
                yield pairs[i], pairs[i + 1]
        kids = resolve(node.get("/Kids"))
        if isinstance(kids, ArrayObject):
            for kid in kids:
                yield from walk(kid, depth + 1)

    yield from walk(root, 0)


def _text_value(value: Any) -> str:
    from pypdf.generic import ByteStringObject, TextStringObject  # noqa: PLC0415

    if isinstance(value, TextStringObject):
        return str(value)
    if isinstance(value, ByteStringObject):
        return bytes(value).decode("latin-1")
    if isinstance(value, str):
        return value
    return ""


def _credential_bytes(key: Any, spec: Any) -> bytes | None:
    """The decoded bytes of one name-tree entry if it is a JSON attachment, else None."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject  # noqa: PLC0415

    if not isinstance(spec, DictionaryObject):
        return None
    ef = spec.get("/EF")
    ef = ef.get_object() if ef is not None else None
    if not isinstance(ef, DictionaryObject):
        return None
    stream = ef.get("/UF") or ef.get("/F")
    stream = stream.get_object() if stream is not None else None
    if not isinstance(stream, StreamObject):
        return None
    names = [_text_value(v.get_object()) for v in (spec.get("/UF"), spec.get("/F")) if v is not None]
    names.append(_text_value(key))
    subtype = stream.get("/Subtype")
    media = str(subtype).lstrip("/").replace("#2F", "/").replace("#2f", "/").lower() if subtype is not None else ""
    if not any(name.lower().endswith(".json") for name in names) and media not in _JSON_MEDIA_TYPES:
        return None
    filters = stream.get("/Filter")
    filters = filters.get_object() if filters is not None else None
    if isinstance(filters, NameObject):
        chain = [str(filters)]
    elif isinstance(filters, ArrayObject):
        chain = [str(f.get_object()) for f in filters]
    elif filters is None:
        chain = []
    else:
        raise PdfError("unreadable", "an attached file has a damaged filter entry")
    raw: bytes = stream._data  # the bytes as stored: pypdf's get_data() would inflate without our cap
    if chain == []:
        if len(raw) > MAX_ATTACHMENT_BYTES:
            raise PdfError("attachment_too_large")
        return bytes(raw)
    if chain in (["/FlateDecode"], ["/Fl"]):
        params = stream.get("/DecodeParms")
        params = params.get_object() if params is not None else None
        if isinstance(params, DictionaryObject) and int(params.get("/Predictor", 1)) > 1:
            raise PdfError("unreadable", "an attached file uses a compression this service does not read")
        return _inflate(raw, MAX_ATTACHMENT_BYTES)
    raise PdfError("unreadable", f"an attached file uses a compression this service does not read ({', '.join(chain)})")


def _pypdf_limits(**limits: int) -> contextlib.AbstractContextManager[Any]:
    """pypdf's own decompression limits, lowered for this call (pypdf 7.1 and later)."""
    import pypdf  # noqa: PLC0415 - only uploads need the parser

    apply = getattr(pypdf, "apply_configuration", None)
    return apply(**limits) if apply is not None else contextlib.nullcontext()


def extract_credentials(pdf: bytes) -> list[bytes]:
    """Every embedded credential file (``.json`` or a JSON media type), in document order.

    Reads only the catalog's ``/Names /EmbeddedFiles`` tree. Raises PdfError with
    code ``not_a_pdf``, ``too_large``, ``unreadable``, ``too_many_attachments``,
    ``attachment_too_large`` or ``no_credential``; never another exception.
    """
    if not isinstance(pdf, (bytes, bytearray, memoryview)):
        raise PdfError("not_a_pdf", "expected the bytes of a PDF file")
    pdf = bytes(pdf)
    if len(pdf) > MAX_PDF_BYTES:
        raise PdfError("too_large")
    if b"%PDF-" not in pdf[:_PDF_MAGIC_WINDOW]:
        raise PdfError("not_a_pdf")
    import pypdf  # noqa: PLC0415 - only uploads need the parser
    from pypdf.generic import DictionaryObject  # noqa: PLC0415

    found: list[bytes] = []
    try:
        # Lower pypdf's own decompression limits (object and xref streams) to what a
        # 5 MB upload can legitimately need.
        with _pypdf_limits(
            maximum_declared_stream_length=MAX_PDF_BYTES,
            zlib_maximum_output_length=4 * MAX_PDF_BYTES,
            stream_decoding_work_maximum_length=8 * MAX_PDF_BYTES,
            array_maximum_element_count=20_000,
            dictionary_maximum_element_count=20_000,
        ):
            reader = pypdf.PdfReader(io.BytesIO(pdf), strict=False)
            if reader.is_encrypted:
                # Only the empty user password: a file "protected" against editing
                # still opens for everyone; one that needs a password is unreadable.
                reader.decrypt("")
            root = reader.trailer.get("/Root")
            root = root.get_object() if root is not None else None
            if not isinstance(root, DictionaryObject):
                raise PdfError("unreadable", "the PDF has no document catalog")
            names = root.get("/Names")
            names = names.get_object() if names is not None else None
            tree = names.get("/EmbeddedFiles") if isinstance(names, DictionaryObject) else None
            if tree is not None:
                for count, (key, value) in enumerate(_name_tree_entries(tree), start=1):
                    if count > MAX_ATTACHMENTS:
                        raise PdfError("too_many_attachments")
                    data = _credential_bytes(key, value.get_object())
                    if data is not None:
                        found.append(data)
    except PdfError:
        raise
    except Exception as exc:  # any parser failure on hostile input means "unreadable"
        raise PdfError("unreadable") from exc
    if not found:
        raise PdfError("no_credential")
    return found


def credential_from_pdf(pdf: bytes) -> bytes:
    """The one embedded credential file of a certificate PDF.

    Raises PdfError as :func:`extract_credentials` does, and ``several_credentials``
    when the PDF holds more than one (a portfolio).
    """
    found = extract_credentials(pdf)
    if len(found) > 1:
        raise PdfError(
            "several_credentials",
            f"the PDF contains {len(found)} certificate files; upload one certificate, not a portfolio",
        )
    return found[0]
