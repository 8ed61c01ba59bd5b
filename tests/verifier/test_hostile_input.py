"""Hostile input to the public verifier: bounded effort, never a 500.

``POST /credentials/verify`` (the API) and ``POST /verify`` (the page) get bodies over the
documented limit (256 KB; 413, refused on ``Content-Length`` without reading the body),
invalid JSON and UTF-8, deep nesting, huge arrays, strings and term lists, wrong content
types, a zip bomb, and JSON of every shape at the top level. Every answer must be a 4xx
(or a 200 result) within :data:`BOUND` seconds: a bound on effort, not a benchmark.

A property-based test (hypothesis, derandomized for CI) throws arbitrary JSON values,
mutated certificates, random bytes and random content types at the API and the page.

The app runs with ``PROPAGATE_EXCEPTIONS`` off, as in production, so that a crash shows as
the 500 a client would get. Known verifier bugs are marked ``xfail(strict=True)``.
"""

from __future__ import annotations

import copy
import gzip
import io
import json
import re
import socket
import threading
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server
from werkzeug.test import TestResponse

from issuer.certificates import services as cert_services
from issuer.organisations import services as org_services
from issuer.runtime import Runtime
from issuer.store.db import session_scope
from tests.support import make_settings, migrated_app, postgres_schema
from verifier.service import MAX_DEPTH, MAX_JSON_BYTES, MAX_NODES

BOUND = 5.0  # seconds per request: a bound on effort, generous for slow CI machines
MB = 1024 * 1024
API = "/credentials/verify"
PROBLEM = "application/problem+json"
_CSRF_VALUE = re.compile(r"name=\"csrf_token\"[^>]*\bvalue=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"csrf_token\"")
_MAIN_STATUS = re.compile(r"<main\b[^>]*\bdata-verification-status=\"([^\"]+)\"")
FILE_FIELD, TEXT_FIELD = "bestand", "tekst"


# --- fixtures -------------------------------------------------------------------------


@dataclass
class Hostile:
    app: Flask
    client: FlaskClient
    backend: str
    genuine: dict[str, Any]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def hostile_database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('hostile-sqlite') / 'credentials.db'}"
        return
    with postgres_schema(request.getfixturevalue("postgres_url"), "hostile") as url:
        yield url


@pytest.fixture(scope="module")
def hostile(hostile_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    tmp = tmp_path_factory.mktemp("hostile")
    config = {
        "TESTING": False,
        "PROPAGATE_EXCEPTIONS": False,
        "VERIFY_API_PER_MINUTE": 1_000_000,
        "VERIFY_PAGE_PER_MINUTE": 1_000_000,
    }
    app = migrated_app(make_settings(tmp, hostile_database), config)
    rt: Runtime = app.extensions["credentials"]
    with session_scope(rt.sessions) as session:
        org, _ = org_services.create_organisation(
            session, rt.context, slug="kringloop-h", name="Kringloop H", actor="test", contact_email="h@example.org"
        )
        cert = cert_services.issue_certificate(
            session,
            rt.context,
            org=org,
            competence_code="CIRC-SORTEREN",
            level="2",
            actor="test",
            holder_name="Renée Nguyễn",
        )
        genuine = json.loads(cert.credential_json)
    yield Hostile(app, app.test_client(), make_url(hostile_database).get_backend_name(), genuine)
    rt.engine.dispose()


@pytest.fixture
def client(hostile: Hostile) -> FlaskClient:
    return hostile.client


# --- helpers --------------------------------------------------------------------------


def timed(call: Any, *args: Any, **kwargs: Any) -> TestResponse:
    start = time.perf_counter()
    response: TestResponse = call(*args, **kwargs)
    elapsed = time.perf_counter() - start
    assert elapsed < BOUND, f"answered after {elapsed:.1f} s (bound {BOUND} s)"
    return response


def api(
    client: FlaskClient,
    body: bytes | str,
    content_type: str | None = "application/json",
    headers: dict[str, str] | None = None,
) -> TestResponse:
    data = body.encode("utf-8") if isinstance(body, str) else body
    all_headers = {**({"Content-Type": content_type} if content_type is not None else {}), **(headers or {})}
    return timed(client.post, API, data=data, headers=all_headers)


def verify_body(credential: Any) -> str:
    return json.dumps({"verifiableCredential": credential}, ensure_ascii=False)


def assert_problem(response: TestResponse, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == PROBLEM
    body: dict[str, Any] = json.loads(response.get_data())
    assert body["status"] == status
    if code is not None:
        assert body["type"].endswith("/" + code), body
    return body


def assert_refused_or_failed(response: TestResponse, code: str, **failed: str) -> None:
    """Refused at the door with problem ``code`` (the input limits), or verified and failed."""
    if response.status_code == 400:
        assert_problem(response, 400, code)
    else:
        assert_result(response, **failed)


def assert_result(response: TestResponse, **failed: str) -> dict[str, Any]:
    """A 200 verification result that is not verified, with the given checks failing."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    body: dict[str, Any] = json.loads(response.get_data())
    assert body["verified"] is False and body["verdict"] == "invalid"
    codes = {c["id"]: c.get("code") for c in body["checks"] if c["outcome"] == "failed"}
    for check_id, code in failed.items():
        assert codes.get(check_id) == code, codes
    return body


def csrf(client: FlaskClient) -> str:
    page = client.get("/verify")
    if page.status_code == 404:
        pytest.skip("verifier/pages.py does not implement GET/POST /verify yet")
    match = _CSRF_VALUE.search(page.get_data(as_text=True))
    assert match, "the verify form has no CSRF field"
    return match.group(1) or match.group(2)


def page(
    client: FlaskClient, *, text_value: str | None = None, upload: tuple[bytes, str] | None = None
) -> TestResponse:
    data: dict[str, Any] = {"csrf_token": csrf(client)}
    if text_value is not None:
        data[TEXT_FIELD] = text_value
    if upload is not None:
        data[FILE_FIELD] = (io.BytesIO(upload[0]), upload[1])
    return timed(client.post, "/verify", data=data, content_type="multipart/form-data")


def page_status(response: TestResponse) -> str | None:
    match = _MAIN_STATUS.search(response.get_data(as_text=True))
    return match.group(1) if match else None


def bug(request: pytest.FixtureRequest, reason: str, *, backend: str | None = None) -> None:
    """Mark the running test as a known verifier bug (on ``backend`` only, when given)."""
    if backend is None or request.getfixturevalue("hostile").backend == backend:
        request.applymarker(pytest.mark.xfail(strict=True, reason=f"BUG: {reason}"))


class EndlessBody(io.RawIOBase):
    """A request body of ``size`` spaces made up on demand; ``consumed`` counts what was read."""

    def __init__(self, size: int):
        self.size = size
        self.position = 0
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True  # the test client measures the length by seeking to the end and back

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.position = self.size + offset if whence == io.SEEK_END else offset
        return self.position

    def readinto(self, buffer: Any) -> int:
        n = max(0, min(len(buffer), self.size - self.position))
        buffer[:n] = b" " * n
        self.position += n
        self.consumed += n
        return n


def padded_json(size: int) -> bytes:
    """A valid request body of exactly ``size`` bytes (a JSON object padded with spaces)."""
    core = b'{"verifiableCredential": {}}'
    return core[:-1] + b" " * (size - len(core)) + b"}"


def zeros_gzip(megabytes: int) -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as archive:
        block = bytes(MB)
        for _ in range(megabytes):
            archive.write(block)
    return out.getvalue()


def zeros_zip(megabytes: int) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("certificaat.json", "w", force_zip64=True) as member,
    ):
        block = bytes(MB)
        for _ in range(megabytes):
            member.write(block)
    return out.getvalue()


# --- the documented limit ---------------------------------------------------------------


def test_the_limits_are_documented(client: FlaskClient) -> None:
    description = client.get("/openapi.json").get_json()["info"]["description"]
    assert f"{MAX_JSON_BYTES // 1024} KB" in description
    assert str(MAX_DEPTH) in description and f"{MAX_NODES:,}" in description


# --- size: 413 on Content-Length, without reading the body -------------------------------


@pytest.mark.parametrize("path", [API, "/verify"])
def test_50mb_body_is_refused_on_content_length_without_reading_it(client: FlaskClient, path: str) -> None:
    body = EndlessBody(50 * MB)
    content_type = "application/json" if path == API else "multipart/form-data; boundary=x"
    response = timed(client.post, path, input_stream=body, content_type=content_type)
    assert response.status_code == 413
    if path == API:
        assert_problem(response, 413, "too_large")
    assert body.consumed == 0, f"the server read {body.consumed} bytes of a body it refused"


@pytest.mark.parametrize("path", [API, "/verify"])
def test_body_without_length_is_cut_off_at_the_request_limit(client: FlaskClient, path: str) -> None:
    """Chunked upload (no Content-Length): reading stops at MAX_CONTENT_LENGTH (2 MB), then 413."""
    body = EndlessBody(50 * MB)
    content_type = "application/json" if path == API else "multipart/form-data; boundary=x"
    response = timed(
        client.post,
        path,
        input_stream=body,
        content_type=content_type,
        environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""},
    )
    assert response.status_code in (400, 413), response.get_data(as_text=True)[:300]
    assert body.consumed <= 2 * MB + 64 * 1024, f"read {body.consumed} bytes"


def test_real_server_answers_413_before_the_body_arrives(hostile: Hostile) -> None:
    """Over a real socket: the headers announce 50 MB, 1 KB follows, the 413 comes at once."""
    server = make_server("127.0.0.1", 0, hostile.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for path, content_type in ((API, "application/json"), ("/verify", "multipart/form-data; boundary=x")):
            start = time.perf_counter()
            with socket.create_connection(("127.0.0.1", server.server_port), timeout=BOUND) as conn:
                head = (
                    f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {content_type}\r\n"
                    f"Content-Length: {50 * MB}\r\n\r\n"
                )
                conn.sendall(head.encode("ascii") + b" " * 1024)
                answer = b""
                while b"\r\n" not in answer:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    answer += chunk
            assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
            assert time.perf_counter() - start < BOUND
    finally:
        server.shutdown()
        server.server_close()


def test_api_body_just_over_the_limit_is_413_and_at_the_limit_is_read(client: FlaskClient) -> None:
    assert_problem(api(client, padded_json(MAX_JSON_BYTES + 1)), 413, "too_large")
    assert_result(api(client, padded_json(MAX_JSON_BYTES)), structure="bad_context")


def test_page_text_just_over_the_limit_is_413(client: FlaskClient) -> None:
    response = page(client, text_value=padded_json(MAX_JSON_BYTES + 1).decode())
    assert response.status_code == 413
    assert page_status(response) is None  # the form again, with the problem; no verdict


@pytest.mark.parametrize("size", [MAX_JSON_BYTES + 1, 3 * MB])
def test_page_upload_over_the_limit_is_413(client: FlaskClient, size: int) -> None:
    response = page(client, upload=(padded_json(size), "certificaat.json"))
    assert response.status_code == 413


# --- malformed JSON and text --------------------------------------------------------------

BAD_BODIES = {
    "invalid-json": (b'{"verifiableCredential": ', "not_json"),
    "trailing-garbage": (b'{"verifiableCredential": {}} x', "not_json"),
    "invalid-utf8": (b'{"verifiableCredential": "\xff\xfe\xfa"}', "not_utf8"),
    "utf16-with-bom": ('{"verifiableCredential": {}}'.encode("utf-16"), "not_utf8"),
    "empty": (b"", "not_json"),
    "whitespace": (b" \n\t ", "not_json"),
    "100000-brackets": (b"[" * 100_000, "too_deep"),
    "100000-brackets-closed": (b"[" * 100_000 + b"]" * 100_000, "too_deep"),
    "40000-nested-objects": (b'{"a":' * 40_000 + b"1" + b"}" * 40_000, "too_deep"),
    "nested-under-credential": (b'{"verifiableCredential": ' + b"[" * 5_000 + b"]" * 5_000 + b"}", "too_deep"),
    "largest-flat-array": (b"[" + b"0," * (MAX_JSON_BYTES // 2 - 2) + b"0]", "too_complex"),
    "many-keys": (
        b'{"verifiableCredential": {' + b",".join(b'"%x":0' % i for i in range(MAX_NODES + 100)) + b"}}",
        "too_complex",
    ),
    "top-level-null": (b"null", "missing_field"),
    "top-level-number": (b"42", "missing_field"),
    "top-level-string": (b'"{\\"verifiableCredential\\": {}}"', "missing_field"),
    "top-level-array": (b'[{"verifiableCredential": {}}]', "missing_field"),
    "top-level-true": (b"true", "missing_field"),
    "no-verifiableCredential": (b'{"credential": {}}', "missing_field"),
    # Brackets inside strings do not count as nesting:
    "brackets-in-a-string": (b'"' + b"[" * 100_000 + b'"', "missing_field"),
    "escaped-quotes-and-brackets": (b'"\\"' + b"[" * 50_000 + b'\\""', "missing_field"),
}


@pytest.mark.parametrize("name", list(BAD_BODIES))
def test_api_refuses_bad_bodies(client: FlaskClient, name: str) -> None:
    body, code = BAD_BODIES[name]
    assert_problem(api(client, body), 400, code)


def test_api_refuses_a_huge_integer(client: FlaskClient, request: pytest.FixtureRequest) -> None:
    assert_problem(api(client, b'{"verifiableCredential": ' + b"1" * 5_000 + b"}"), 400)


@pytest.mark.parametrize(
    "credential",
    [None, "a string", "", 42, 1.5, True, [], [{"id": "x"}], {}, {"@context": 5}],
    ids=["null", "string", "empty-string", "int", "float", "bool", "empty-list", "list", "empty-object", "bad-ctx"],
)
def test_api_answers_non_credentials_with_a_result(client: FlaskClient, credential: Any) -> None:
    body = assert_result(api(client, verify_body(credential)))
    failed = {c["id"] for c in body["checks"] if c["outcome"] == "failed"}
    assert "structure" in failed


@pytest.mark.parametrize("literal", ["1e999", "-0"])
def test_api_survives_odd_numbers(client: FlaskClient, hostile: Hostile, literal: str) -> None:
    body = verify_body(hostile.genuine).replace('"level": "2"', f'"level": {literal}', 1)
    assert_result(api(client, body))


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_api_refuses_what_is_no_json_number(client: FlaskClient, hostile: Hostile, literal: str) -> None:
    """Python reads these, JSON has no such numbers: refused at the door (issue 17)."""
    body = verify_body(hostile.genuine).replace('"level": "2"', f'"level": {literal}', 1)
    assert_problem(api(client, body), 400, "not_finite")


def test_api_refuses_a_member_name_given_twice(client: FlaskClient, hostile: Hostile) -> None:
    """The last one wins in Python, the first in other parsers: refused (issue 17)."""
    body = verify_body(hostile.genuine).replace('"level": "2"', '"level": "2", "level": "3"', 1)
    assert '"level": "3"' in body
    assert_problem(api(client, body), 400, "duplicate_member")


# --- content types and encodings ------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "text/json",
        "application/x-www-form-urlencoded",
        "application/octet-stream",
        "application/jsonx",
        "application/json-seq",
        "image/png",
        "multipart/form-data; boundary=x",
        ";;;",
    ],
)
def test_api_refuses_wrong_content_types(client: FlaskClient, hostile: Hostile, content_type: str | None) -> None:
    body = assert_problem(api(client, verify_body(hostile.genuine), content_type), 415, "unsupported_media_type")
    assert "application/json" in body["accepted"]


def test_api_refuses_a_multipart_upload(client: FlaskClient, hostile: Hostile) -> None:
    upload = {"file": (io.BytesIO(verify_body(hostile.genuine).encode()), "c.json", "application/json")}
    response = timed(client.post, API, data=upload, content_type="multipart/form-data")
    assert_problem(response, 415, "unsupported_media_type")


@pytest.mark.parametrize(
    "content_type", ["application/ld+json", "application/vc", "APPLICATION/JSON", "application/json; charset=latin-1"]
)
def test_api_accepts_the_json_media_types(client: FlaskClient, hostile: Hostile, content_type: str) -> None:
    response = api(client, verify_body(hostile.genuine), content_type)
    assert response.status_code == 200 and response.get_json()["verified"] is True


def test_api_never_decompresses(client: FlaskClient) -> None:
    """A gzip body (Content-Encoding: gzip) of 100 MB of zeros: refused as not UTF-8, unopened."""
    response = api(client, zeros_gzip(100), headers={"Content-Encoding": "gzip"})
    assert_problem(response, 400, "not_utf8")


# --- big but within the limits: answered, within the bound ----------------------------------


def _with(credential: dict[str, Any], **changes: Any) -> dict[str, Any]:
    changed = copy.deepcopy(credential)
    changed.update(changes)
    return changed


def test_200kb_string_value(client: FlaskClient, hostile: Hostile) -> None:
    credential = copy.deepcopy(hostile.genuine)
    credential["credentialSubject"]["identifier"][0]["identityHash"] = "x" * 200_000
    assert_result(api(client, verify_body(credential)), valid_signature="invalid_signature")


def test_200kb_key(client: FlaskClient, hostile: Hostile) -> None:
    credential = _with(hostile.genuine, **{"x" * 200_000: 1})
    assert_result(api(client, verify_body(credential)), valid_signature="data_loss")


@pytest.mark.parametrize("where", ["top", "subject"])
def test_5000_undefined_terms(client: FlaskClient, hostile: Hostile, where: str) -> None:
    credential = copy.deepcopy(hostile.genuine)
    target = credential if where == "top" else credential["credentialSubject"]
    target.update({f"onbekend{i}": i for i in range(5_000)})
    assert_refused_or_failed(api(client, verify_body(credential)), "too_complex", valid_signature="data_loss")


def test_200_copies_of_a_context(client: FlaskClient, hostile: Hostile) -> None:
    credential = _with(hostile.genuine)
    credential["@context"] = credential["@context"] + [credential["@context"][1]] * 200
    # More than a list may hold (issue 17 enforces it): refused at the door, else bad_context.
    assert_refused_or_failed(api(client, verify_body(credential)), "too_complex", structure="bad_context")


def test_4000_copies_of_a_context(hostile: Hostile) -> None:
    """Every @context entry costs pyld work: 4,000 copies (160 KB) must still be refused quickly."""
    only_once(hostile)
    credential = _with(hostile.genuine)
    credential["@context"] = credential["@context"] + [credential["@context"][0]] * 4_000
    assert_quick(hostile, credential)


def test_5000_unknown_contexts(client: FlaskClient, hostile: Hostile) -> None:
    credential = _with(hostile.genuine)
    credential["@context"] = credential["@context"] + [f"https://evil.example/{i}" for i in range(5_000)]
    assert_refused_or_failed(api(client, verify_body(credential)), "too_complex", structure="unknown_context")


def test_500_proofs(client: FlaskClient, hostile: Hostile) -> None:
    credential = _with(hostile.genuine, proof=[hostile.genuine["proof"]] * 500)
    assert_refused_or_failed(api(client, verify_body(credential)), "too_complex", valid_signature="multiple_proofs")


def test_10000_repeated_types(client: FlaskClient, hostile: Hostile) -> None:
    """The same two types 5,000 times each: refused at the door (a list of more than 100 values)."""
    credential = _with(hostile.genuine, type=["VerifiableCredential", "OpenBadgeCredential"] * 5_000)
    assert_problem(api(client, verify_body(credential)), 400, "too_complex")


def assert_quick(hostile: Hostile, credential: dict[str, Any], seconds: float = 1.0) -> None:
    """One API call for ``credential`` is answered (200) within ``seconds``: a genuine
    certificate takes about 10 ms, so 1 s leaves room for any machine."""
    start = time.perf_counter()
    response = hostile.client.post(API, json={"verifiableCredential": credential})
    elapsed = time.perf_counter() - start
    assert response.status_code in (200, 400)  # answered, or refused at the door by the input limits
    assert elapsed < seconds, f"{elapsed:.1f} s for one request"


def only_once(hostile: Hostile) -> None:
    """The costly bug demonstrations run on SQLite only: the database plays no part in them."""
    if hostile.backend != "sqlite":
        pytest.skip("runs on SQLite only (the database plays no part)")


def test_many_types_with_scoped_contexts(hostile: Hostile, request: pytest.FixtureRequest) -> None:
    only_once(hostile)
    credential = _with(hostile.genuine, type=["VerifiableCredential", "OpenBadgeCredential"] + ["Profile"] * 8_000)
    assert_quick(hostile, credential)


def test_many_values_of_one_property(hostile: Hostile, request: pytest.FixtureRequest) -> None:
    only_once(hostile)
    credential = copy.deepcopy(hostile.genuine)
    credential["credentialSubject"]["achievement"]["alignment"] = [{"type": "Alignment"}] * 3_000
    assert_quick(hostile, credential)


@pytest.mark.parametrize("count", [1_000, 2_100])
def test_many_blank_nodes(client: FlaskClient, hostile: Hostile, count: int) -> None:
    """Identical alignment objects: blank nodes with equal hashes (RDFC's expensive case);
    over MAX_BLANK_NODES (2,000) canonicalization refuses."""
    only_once(hostile)
    credential = copy.deepcopy(hostile.genuine)
    alignment = {"type": ["Alignment"], "targetName": "x", "targetUrl": "https://x.example"}
    credential["credentialSubject"]["achievement"]["alignment"] = [alignment] * count
    response = api(client, verify_body(credential))
    if count > 100:  # more than a list may hold: refused before any canonicalization
        assert_problem(response, 400, "too_complex")
        return
    body = assert_result(response)
    code = {c["id"]: c.get("code") for c in body["checks"]}["valid_signature"]
    assert code == "invalid_signature"


def test_long_proof_value(hostile: Hostile, request: pytest.FixtureRequest) -> None:
    only_once(hostile)
    credential = copy.deepcopy(hostile.genuine)
    credential["proof"]["proofValue"] = "z" + "2" * 120_000
    assert_quick(hostile, credential)


def test_long_did_key(hostile: Hostile, request: pytest.FixtureRequest) -> None:
    only_once(hostile)
    credential = copy.deepcopy(hostile.genuine)
    credential["proof"]["verificationMethod"] = "did:key:z" + "2" * 120_000 + "#x"
    assert_quick(hostile, credential)


# --- characters a database cannot store --------------------------------------------------------


@pytest.mark.parametrize("field", ["id", "issuer"])
def test_nul_character_in_looked_up_fields(
    client: FlaskClient, hostile: Hostile, request: pytest.FixtureRequest, field: str
) -> None:
    credential = copy.deepcopy(hostile.genuine)
    if field == "id":
        credential["id"] = "urn:uuid:\u0000"
    else:
        credential["issuer"]["id"] = credential["issuer"]["id"] + "\u0000"
    assert_problem(api(client, verify_body(credential)), 400, "bad_text")
    response = page(client, text_value=json.dumps(credential))
    assert response.status_code == 400  # the form again, with the message at the field


@pytest.mark.parametrize("field", ["id", "issuer", "verificationMethod", "holder", "key"])
def test_lone_surrogate_escapes(hostile: Hostile, field: str) -> None:
    """A ``\\ud800`` escape is valid JSON syntax but no Unicode text: it must be refused (400) or
    judged (200). Before parse_credential_json refused it, each of these crashed (500) in
    another place: the certificate lookup (id), the contact lookup (issuer), the API answer
    (verificationMethod, echoed), the result page (the holder's name)."""
    credential = copy.deepcopy(hostile.genuine)
    if field == "id":
        credential["id"] = "urn:uuid:\ud800"
    elif field == "issuer":
        credential["issuer"]["id"] += "\ud800"
    elif field == "verificationMethod":
        credential["proof"]["verificationMethod"] = "did:web:x\ud800#k"
        credential["proof"]["proofValue"] = "z2"  # malformed: refused before any lookup, echoed in the answer
    elif field == "holder":
        credential["credentialSubject"]["identifier"][0]["identityHash"] = "Ren\ud800e"
    else:
        credential["credentialSubject"]["\udfff"] = "x"
    pasted = json.dumps(credential)  # ASCII: the surrogate travels as a \\ud800 escape
    response = api(hostile.client, json.dumps({"verifiableCredential": credential}))
    assert response.status_code in (200, 400), f"API: {response.status_code}"
    if response.status_code == 400:
        assert_problem(response, 400)
    else:
        assert_result(response)
    response = page(hostile.client, text_value=pasted)
    assert response.status_code in (200, 400), f"page: {response.status_code}"


# --- the page ---------------------------------------------------------------------------------


def test_page_refuses_a_zip_bomb(client: FlaskClient) -> None:
    """A gzip and a zip file that expand to 100 MB: never opened, refused as not a certificate."""
    for payload, name in (
        (zeros_gzip(100), "certificaat.json.gz"),
        (zeros_zip(100), "certificaat.zip"),
        (zeros_gzip(100), "certificaat.json"),
    ):
        assert len(payload) < MAX_JSON_BYTES
        response = page(client, upload=(payload, name))
        assert response.status_code == 400, name
        assert page_status(response) is None


def test_zip_bomb_is_really_one() -> None:
    assert len(zlib.decompress(zeros_gzip(2), 31)) == 2 * MB


@pytest.mark.parametrize(
    "text_value",
    ["{", "[" * 100_000, "null", "42", '"x"', "[]", '{"verifiableCredential": {}}', "\u0000", "ÿþ"],
    ids=["invalid", "deep", "null", "number", "string", "array", "wrapped", "nul", "latin1"],
)
def test_page_paste_of_odd_text(client: FlaskClient, text_value: str) -> None:
    response = page(client, text_value=text_value)
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 200:
        assert page_status(response) == "invalid"


@pytest.mark.parametrize(
    "payload",
    [b"\xff\xfe\xfa", b"%PDF-1.7\n", b"[" * 100_000, b"\x00" * 1000, b"null"],
    ids=["not-utf8", "pdf", "deep", "nul-bytes", "null"],
)
def test_page_upload_of_odd_files(client: FlaskClient, payload: bytes) -> None:
    response = page(client, upload=(payload, "certificaat.json"))
    assert response.status_code in (200, 400), response.status_code


@pytest.mark.parametrize(
    "content_type", ["application/json", "text/plain", "application/octet-stream", None, "multipart/form-data"]
)
def test_page_with_wrong_content_type_or_no_csrf_is_refused(
    client: FlaskClient, hostile: Hostile, content_type: str | None
) -> None:
    csrf(client)
    headers = {"Content-Type": content_type} if content_type else {}
    response = timed(client.post, "/verify", data=verify_body(hostile.genuine).encode(), headers=headers)
    assert 400 <= response.status_code < 500, response.status_code


def test_page_with_both_file_and_text_or_neither(client: FlaskClient, hostile: Hostile) -> None:
    token = csrf(client)
    both = {"csrf_token": token, TEXT_FIELD: "{}", FILE_FIELD: (io.BytesIO(b"{}"), "c.json")}
    assert timed(client.post, "/verify", data=both, content_type="multipart/form-data").status_code == 400
    neither = {"csrf_token": token}
    assert timed(client.post, "/verify", data=neither, content_type="multipart/form-data").status_code == 400


def test_page_verifies_an_upload(client: FlaskClient, hostile: Hostile) -> None:
    response = page(client, upload=(json.dumps(hostile.genuine).encode(), "certificaat.json"))
    assert response.status_code == 200 and page_status(response) == "valid"


# --- property-based fuzzing -------------------------------------------------------------------

# NUL is left out of generated text: its 500 on PostgreSQL is the known bug above
# (test_nul_character_in_looked_up_fields). Lone surrogates are in.
TEXT = st.text(st.characters(exclude_categories=[], exclude_characters="\x00"), max_size=40)
NUMBERS = st.one_of(st.integers(min_value=-(10**30), max_value=10**30), st.floats(allow_nan=False))
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT)
JSON = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=6), st.dictionaries(TEXT, children, max_size=6)),
    max_leaves=40,
)
CONTENT_TYPES = st.one_of(
    st.sampled_from(
        [
            "application/json",
            "application/ld+json",
            "application/vc",
            "text/plain",
            "multipart/form-data",
            "application/x-www-form-urlencoded",
            "application/json; charset=utf-16",
            "",
        ]
    ),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
)


@st.composite
def mutated(draw: st.DrawFn, genuine: dict[str, Any]) -> dict[str, Any]:
    """The genuine certificate with a few values somewhere in it replaced by arbitrary JSON."""
    credential = copy.deepcopy(genuine)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        node: Any = credential
        while True:
            keys = list(node) if isinstance(node, dict) else list(range(len(node))) if isinstance(node, list) else []
            if not keys:
                break
            key = draw(st.sampled_from(keys))
            child = node[key]
            if not isinstance(child, (dict, list)) or not child or draw(st.booleans()):
                node[key] = draw(JSON)
                break
            node = child
    return credential


def _json_body(value: Any) -> bytes:
    text_value = json.dumps(value, ensure_ascii=False)
    try:
        return text_value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: send it as a \\uXXXX escape
        return json.dumps(value).encode("ascii")


FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _assert_api_answer(response: TestResponse) -> None:
    assert response.status_code != 500, response.get_data(as_text=True)[:500]
    assert response.status_code in (200, 400, 413, 415), response.status_code
    assert response.mimetype in ("application/json", PROBLEM)
    json.loads(response.get_data())


@FUZZ
@given(data=st.data())
def test_fuzz_api(hostile: Hostile, data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(["json", "wrapped", "mutated", "bytes"]))
    if kind == "json":
        body = _json_body(data.draw(JSON))
    elif kind == "wrapped":
        body = _json_body({"verifiableCredential": data.draw(JSON), "options": data.draw(JSON)})
    elif kind == "mutated":
        body = _json_body({"verifiableCredential": data.draw(mutated(hostile.genuine))})
    else:
        body = data.draw(st.binary(max_size=300))
    content_type = data.draw(st.one_of(st.just("application/json"), CONTENT_TYPES))
    start = time.perf_counter()
    response = hostile.client.post(API, data=body, headers={"Content-Type": content_type})
    assert time.perf_counter() - start < BOUND
    _assert_api_answer(response)


@settings(FUZZ, max_examples=60)
@given(data=st.data())
def test_fuzz_page(hostile: Hostile, data: st.DataObject) -> None:
    token = csrf(hostile.client)
    if data.draw(st.booleans()):
        text_value = _json_body(data.draw(st.one_of(JSON, mutated(hostile.genuine)))).decode("utf-8")
        form: dict[str, Any] = {"csrf_token": token, TEXT_FIELD: text_value}
    else:
        raw = data.draw(st.binary(max_size=300))
        form = {
            "csrf_token": token,
            FILE_FIELD: (io.BytesIO(raw), data.draw(st.sampled_from(["c.json", "c.pdf", "c"]))),
        }
    start = time.perf_counter()
    response = hostile.client.post("/verify", data=form, content_type="multipart/form-data")
    assert time.perf_counter() - start < BOUND
    assert response.status_code in (200, 400, 413), response.status_code
    if response.status_code == 200:
        assert page_status(response) in ("valid", "invalid", "revoked", "suspended", "expired")
