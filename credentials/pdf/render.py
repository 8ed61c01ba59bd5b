"""Rendering: a certificate sheet, or a portfolio of them, to PDF bytes.

:func:`render_certificate_pdf` makes one A4 certificate page;
:func:`render_portfolio_pdf` a cover listing the certificates, then one page
each. The signed JSON of every certificate rides along as an embedded file, so
the paper and the file are one download; the QR code opens the public check page.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Final

from credentials.pdf.cover import _cover_pages, _cover_rows
from credentials.pdf.errors import MAX_ATTACHMENTS, PdfError
from credentials.pdf.fonts import _load_fonts
from credentials.pdf.layout import _certificate_page, _level_line
from credentials.pdf.sheet import _SURROGATES, CertificateSheet, _Certificate, _date_nl, _local, _read_certificate, _str
from credentials.pdf.text import DASH
from credentials.pdf.writer import CREATOR, _Attachment, _Metadata, _write_pdf
from credentials.qr import QrError, QrMatrix, qr_matrix

__all__ = ["render_certificate_pdf", "render_portfolio_pdf"]

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
