"""Printed certificates: the certificate PDF, the portfolio PDF, and reading a credential back out.

A certificate PDF is one A4 page, Dutch first with English beside or under it,
rendered from the signed credential itself (``CertificateSheet.credential_json``):
the page can only say what the signed file says. The signed JSON rides along as an
embedded file, so the paper and the file are one download; the QR code opens the
public check page.

The package, by job (each module's docstring gives its design choices):

``sheet``
    What goes on the paper: :class:`CertificateSheet`, :class:`EnglishText`, and
    the printable facts read from the signed credential.
``fonts``, ``text``
    The bundled, checksummed fonts; text cleaned, measured, wrapped and fitted.
``page``, ``layout``, ``cover``
    The page model (display list, geometry, colours, QR code), the certificate
    page, the portfolio cover.
``writer``
    PDF operators, font subsets, embedded files, metadata, deterministic bytes.
``render``
    :func:`render_certificate_pdf` and :func:`render_portfolio_pdf`.
``extract``
    Reading uploads: :func:`extract_credentials`, :func:`credential_from_pdf`.
``errors``
    :class:`PdfError`, its stable codes, and the size limits.
``_hooks``
    Every reliance on reportlab's or pypdf's internals (both are pinned exactly).

Imports run one way: ``errors`` and ``_hooks`` first, then ``sheet``, ``fonts``,
``text``, ``page``, ``layout``, ``cover``, ``writer``, ``render``; ``extract``
needs only ``errors`` and ``_hooks``. Everything other code imports comes from
this package itself.
"""

from __future__ import annotations

from credentials.pdf.errors import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_PDF_BYTES, PdfError
from credentials.pdf.extract import credential_from_pdf, extract_credentials
from credentials.pdf.layout import ESCO_ATTRIBUTION as ESCO_ATTRIBUTION
from credentials.pdf.render import render_certificate_pdf, render_portfolio_pdf
from credentials.pdf.sheet import CertificateSheet, EnglishText
from credentials.pdf.writer import ATTACHMENT_MEDIA_TYPE as ATTACHMENT_MEDIA_TYPE
from credentials.pdf.writer import CREATOR as CREATOR

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
