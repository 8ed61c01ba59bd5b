"""Reading uploaded PDFs: the credential files embedded in a certificate or portfolio PDF.

Extraction limits (:func:`extract_credentials`)
    Uploads are hostile. The input must start with ``%PDF-`` within its first
    1024 bytes and be at most MAX_PDF_BYTES; pypdf (non-strict, with lowered
    decompression limits) only opens the catalog's ``/Names /EmbeddedFiles`` name
    tree, walked with a depth limit, cycle detection and a node budget; at most
    MAX_ATTACHMENTS entries; only ``.json`` files or JSON / VC media types are
    decoded, each inflated by us with a hard output cap (a flate bomb costs at most
    MAX_ATTACHMENT_BYTES + 1 bytes of output). Every parser failure becomes a
    :class:`PdfError` with a stable ``code``.

pypdf's internals and configuration are reached only through :mod:`credentials.pdf._hooks`.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator, Mapping
from typing import Any, Final

from credentials.pdf import _hooks
from credentials.pdf.errors import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_PDF_BYTES, PdfError

__all__ = ["credential_from_pdf", "extract_credentials"]

# Name-tree walking budget: depth and number of nodes visited (a hostile tree can be
# wide, deep or cyclic).
_MAX_TREE_DEPTH: Final = 16
_MAX_TREE_NODES: Final = 1024
_PDF_MAGIC_WINDOW: Final = 1024
_JSON_MEDIA_TYPES: Final = frozenset(
    {"application/json", "application/ld+json", "application/vc", "application/vc+ld+json"}
)
# pypdf's own limits while it reads an upload (see extract_credentials).
_PYPDF_LIMITS: Final[Mapping[str, int]] = {
    "maximum_declared_stream_length": MAX_PDF_BYTES,
    "zlib_maximum_output_length": 4 * MAX_PDF_BYTES,
    "stream_decoding_work_maximum_length": 8 * MAX_PDF_BYTES,
    "array_maximum_element_count": 20_000,
    "dictionary_maximum_element_count": 20_000,
}


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
    # the bytes as stored: pypdf's get_data() would inflate without our cap
    raw = _hooks.stored_stream_bytes(stream)
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
        with _hooks.pypdf_limits(**_PYPDF_LIMITS):
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
