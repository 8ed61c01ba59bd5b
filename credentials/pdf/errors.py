"""Errors of the PDF package: :class:`PdfError`, its stable codes, and the size limits they name.

Error codes (``PdfError.code``; the messages are English, the web layer translates):
``not_a_certificate``, ``bad_sheet``, ``font_damaged`` (rendering); ``not_a_pdf``,
``too_large``, ``unreadable``, ``too_many_attachments``, ``attachment_too_large``,
``no_credential``, ``several_credentials`` (extraction).

The limits are those of :func:`credentials.pdf.extract.extract_credentials`; they
live here because the messages quote them, and a portfolio may hold no more
certificates than extraction reads back (MAX_ATTACHMENTS).
"""

from __future__ import annotations

from typing import Final

from credentials.errors import CredentialError

__all__ = ["MAX_ATTACHMENTS", "MAX_ATTACHMENT_BYTES", "MAX_PDF_BYTES", "PdfError"]

MAX_PDF_BYTES: Final = 5 * 1024 * 1024
MAX_ATTACHMENTS: Final = 200
MAX_ATTACHMENT_BYTES: Final = 256 * 1024

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
