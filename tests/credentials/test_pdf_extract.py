"""credentials.pdf extraction: hostile uploads give a PdfError with the right code, quickly.

Hostile PDFs are written by hand (a small writer below), so each one has exactly
the defect it is meant to have: a flate bomb, a thousand attachments, a cyclic or
very deep name tree, an unknown filter.
"""

from __future__ import annotations

import io
import json
import random
import time
import tracemalloc
import zlib
from collections.abc import Callable, Sequence

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credentials.errors import CredentialError
from credentials.pdf import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    MAX_PDF_BYTES,
    PdfError,
    credential_from_pdf,
    extract_credentials,
    render_certificate_pdf,
)
from tests.credentials.test_pdf import make_sheet, sample_pdf

CREDENTIAL = json.dumps(
    {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}
).encode()


def pdf_bytes(objects: Sequence[bytes], *, root: int = 1) -> bytes:
    """A PDF file whose object n (1-based) is ``objects[n - 1]``, with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Type /EmbeddedFile /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def pdf_with_attachments(files: Sequence[tuple[bytes, bytes, bytes]]) -> bytes:
    """Objects: 1 catalog, 2 pages, 3 names, 4 tree; then a filespec and a stream per file.

    ``files``: (file name, stored stream data, extra stream dictionary entries).
    """
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R /Names 3 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
        b"<< /EmbeddedFiles 4 0 R >>",
        b"",
    ]
    pairs = []
    for i, (name, data, extra) in enumerate(files):
        spec, body = 5 + 2 * i, 6 + 2 * i
        objects.append(b"<< /Type /Filespec /F (%s) /UF (%s) /EF << /F %d 0 R >> >>" % (name, name, body))
        objects.append(stream(data, extra))
        pairs.append(b"(%06d) %d 0 R" % (i, spec))
    objects[3] = b"<< /Names [" + b" ".join(pairs) + b"] >>"
    return pdf_bytes(objects)


def code_of(action: Callable[[], object]) -> str:
    with pytest.raises(PdfError) as caught:
        action()
    return caught.value.code


def test_a_hand_written_pdf_with_a_plain_json_attachment_is_read() -> None:
    assert credential_from_pdf(pdf_with_attachments([(b"cert.json", CREDENTIAL, b"")])) == CREDENTIAL
    deflated = pdf_with_attachments([(b"cert.json", zlib.compress(CREDENTIAL), b"/Filter /FlateDecode")])
    assert credential_from_pdf(deflated) == CREDENTIAL


def test_only_json_files_count_by_name_or_media_type() -> None:
    pdf = pdf_with_attachments(
        [
            (b"photo.png", b"\x89PNG....", b"/Subtype /image#2Fpng"),
            (b"data.bin", CREDENTIAL, b"/Subtype /application#2Fvc"),
            (b"notes.txt", b"hello", b""),
            (b"CERT.JSON", CREDENTIAL, b""),
        ]
    )
    assert extract_credentials(pdf) == [CREDENTIAL, CREDENTIAL]


def test_an_attachment_made_by_pypdf_is_read() -> None:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_attachment("certificaat.json", CREDENTIAL)
    out = io.BytesIO()
    writer.write(out)
    assert credential_from_pdf(out.getvalue()) == CREDENTIAL


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello",
        b"\x00" * 100,
        CREDENTIAL,
        b"<html><body>" + b" " * 2000 + b"%PDF-1.7</body>",  # a PDF marker after the first 1024 bytes
        b" " * 1024 + b"%PDF-1.7",
        b"%PDF-",
    ],
)
def test_what_is_not_a_pdf_is_refused(data: bytes) -> None:
    assert code_of(lambda: extract_credentials(data)) == ("not_a_pdf" if b"%PDF-" not in data[:1024] else "unreadable")


def test_a_file_over_the_size_limit_is_refused_before_parsing() -> None:
    data = b"%PDF-1.7\n" + b"0" * MAX_PDF_BYTES
    started = time.perf_counter()
    assert code_of(lambda: extract_credentials(data)) == "too_large"
    assert time.perf_counter() - started < 0.1


def test_a_truncated_certificate_is_unreadable_or_has_no_credential() -> None:
    pdf = sample_pdf()
    for cut in (10, 200, len(pdf) // 2, len(pdf) - 300):
        assert code_of(lambda cut=cut: extract_credentials(pdf[:cut])) in ("unreadable", "no_credential")


def test_random_bytes_after_the_pdf_marker_are_unreadable() -> None:
    rng = random.Random(5)  # noqa: S311 - reproducible garbage, not a secret
    for size in (0, 10, 1000, 100_000):
        data = b"%PDF-1.7\n" + rng.randbytes(size)
        assert code_of(lambda data=data: extract_credentials(data)) in ("unreadable", "no_credential")


def test_a_pdf_that_needs_a_password_is_unreadable_one_that_does_not_is_read() -> None:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_attachment("certificaat.json", CREDENTIAL)
    writer.encrypt("geheim", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    assert code_of(lambda: extract_credentials(out.getvalue())) == "unreadable"
    # protected against changes only (no password to open it): readable
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_attachment("certificaat.json", CREDENTIAL)
    writer.encrypt(user_password="", owner_password="geheim", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    assert credential_from_pdf(out.getvalue()) == CREDENTIAL


def test_a_pdf_without_attachments_has_no_credential() -> None:
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(100, 700, "Geen certificaat")
    canvas.save()
    assert code_of(lambda: extract_credentials(buffer.getvalue())) == "no_credential"
    empty_tree = pdf_with_attachments([])
    assert code_of(lambda: extract_credentials(empty_tree)) == "no_credential"


def _bounded(action: Callable[[], object], *, seconds: float, megabytes: float) -> str:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        code = code_of(action)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < seconds, elapsed
    assert peak < megabytes * 1024 * 1024, peak
    return code


def test_a_flate_bomb_is_stopped_after_256_kib() -> None:
    compressor = zlib.compressobj(9)
    chunk = b"\x00" * (1024 * 1024)
    bomb = b"".join(compressor.compress(chunk) for _ in range(100)) + compressor.flush()  # 100 MB of zeros
    assert len(bomb) < 200_000
    pdf = pdf_with_attachments([(b"certificaat.json", bomb, b"/Filter /FlateDecode")])
    assert _bounded(lambda: extract_credentials(pdf), seconds=1.0, megabytes=16) == "attachment_too_large"
    # the same bomb under another name is never even inflated
    hidden = pdf_with_attachments([(b"photo.png", bomb, b"/Filter /FlateDecode")])
    assert _bounded(lambda: extract_credentials(hidden), seconds=1.0, megabytes=16) == "no_credential"


def test_an_uncompressed_attachment_over_the_limit_is_refused() -> None:
    pdf = pdf_with_attachments([(b"certificaat.json", b" " * (MAX_ATTACHMENT_BYTES + 1), b"")])
    assert code_of(lambda: extract_credentials(pdf)) == "attachment_too_large"


def test_a_thousand_attachments_are_refused_quickly() -> None:
    pdf = pdf_with_attachments([(b"c%d.json" % i, CREDENTIAL, b"") for i in range(1000)])
    assert _bounded(lambda: extract_credentials(pdf), seconds=2.0, megabytes=64) == "too_many_attachments"
    allowed = pdf_with_attachments([(b"c%d.json" % i, CREDENTIAL, b"") for i in range(MAX_ATTACHMENTS)])
    assert len(extract_credentials(allowed)) == MAX_ATTACHMENTS


def test_a_cyclic_name_tree_ends() -> None:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Names 3 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
        b"<< /EmbeddedFiles 4 0 R >>",
        b"<< /Kids [5 0 R] >>",
        b"<< /Kids [4 0 R 5 0 R] >>",
    ]
    assert code_of(lambda: extract_credentials(pdf_bytes(objects))) in ("no_credential", "unreadable")


def test_a_very_deep_name_tree_is_unreadable() -> None:
    depth = 40
    objects = [b"<< /Type /Catalog /Pages 2 0 R /Names 3 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    objects.append(b"<< /EmbeddedFiles 4 0 R >>")
    for level in range(depth):
        objects.append(b"<< /Kids [%d 0 R] >>" % (5 + level))
    objects.append(b"<< /Names [] >>")
    assert code_of(lambda: extract_credentials(pdf_bytes(objects))) == "unreadable"


def test_a_wide_name_tree_is_cut_off_by_the_node_budget() -> None:
    kids = 3000
    objects = [b"<< /Type /Catalog /Pages 2 0 R /Names 3 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    objects.append(b"<< /EmbeddedFiles 4 0 R >>")
    objects.append(b"<< /Kids [" + b" ".join(b"%d 0 R" % (5 + i) for i in range(kids)) + b"] >>")
    objects += [b"<< /Names [] >>"] * kids
    assert _bounded(lambda: extract_credentials(pdf_bytes(objects)), seconds=3.0, megabytes=64) == "unreadable"


@pytest.mark.parametrize(
    "extra",
    [
        b"/Filter /ASCIIHexDecode",
        b"/Filter [/ASCII85Decode /FlateDecode]",
        b"/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 4 >>",
        b"/Filter 42",
    ],
)
def test_attachments_with_filters_we_do_not_read_are_unreadable(extra: bytes) -> None:
    pdf = pdf_with_attachments([(b"certificaat.json", zlib.compress(CREDENTIAL), extra)])
    assert code_of(lambda: extract_credentials(pdf)) == "unreadable"


def test_broken_compressed_data_is_unreadable() -> None:
    pdf = pdf_with_attachments([(b"certificaat.json", b"this is not zlib", b"/Filter /FlateDecode")])
    assert code_of(lambda: extract_credentials(pdf)) == "unreadable"


def test_extraction_errors_are_credential_errors_with_english_messages() -> None:
    with pytest.raises(CredentialError, match="not a PDF"):
        extract_credentials(b"hello")
    assert code_of(lambda: extract_credentials("%PDF-1.7")) == "not_a_pdf"  # type: ignore[arg-type]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["flip", "delete", "insert", "zero"]), st.floats(0, 1), st.binary(min_size=1, max_size=8)
        ),
        min_size=1,
        max_size=6,
    )
)
def test_random_damage_to_a_real_certificate_gives_bytes_or_a_pdf_error(
    damage: list[tuple[str, float, bytes]],
) -> None:
    data = bytearray(sample_pdf())
    for kind, where, payload in damage:
        at = int(where * (len(data) - 1))
        if kind == "flip":
            data[at] ^= payload[0] or 0xFF
        elif kind == "delete":
            del data[at : at + len(payload) * 16]
        elif kind == "insert":
            data[at:at] = payload
        else:
            data[at : at + len(payload)] = bytes(len(payload))
    try:
        found = extract_credentials(bytes(data))
    except PdfError as exc:
        assert exc.code in {
            "not_a_pdf", "unreadable", "no_credential", "attachment_too_large", "too_many_attachments",
        }  # fmt: skip
    else:
        assert all(isinstance(item, bytes) for item in found)


def test_a_damaged_attachment_is_never_silently_changed() -> None:
    # flipping bytes inside the compressed attachment either breaks it or is caught by the
    # signature later; extraction itself must not mask the damage with an exception type
    pdf = render_certificate_pdf(make_sheet())
    start = pdf.index(b"/Type /EmbeddedFile")
    stream_at = pdf.index(b"stream\n", start) + len(b"stream\n")
    damaged = bytearray(pdf)
    damaged[stream_at + 40] ^= 0x55
    try:
        data = credential_from_pdf(bytes(damaged))
    except PdfError as exc:
        assert exc.code == "unreadable"
    else:
        assert data != make_sheet().credential_json.encode()
