"""Small parts of the verifier: the verdict a person reads first, the rate limiter,
the input limits and the OpenAPI description."""

from __future__ import annotations

import json

import pytest

from credentials.verify import CHECK_IDS, Check, Outcome, VerificationResult
from issuer.webkit.throttle import RateLimiter
from verifier.api import OPENAPI
from verifier.service import MAX_DEPTH, InputRejected, parse_credential_json, verdict_of


def _result(**failed: str) -> VerificationResult:
    checks = tuple(
        Check(cid, Outcome.FAILED, failed[cid]) if cid in failed else Check(cid, Outcome.PASSED) for cid in CHECK_IDS
    )
    return VerificationResult(not failed, checks)


@pytest.mark.parametrize(
    ("failed", "verdict"),
    [
        ({}, "valid"),
        ({"status": "revoked"}, "revoked"),
        ({"status": "suspended"}, "suspended"),
        ({"status": "status_unavailable"}, "invalid"),
        ({"validity_period": "expired"}, "expired"),
        ({"validity_period": "not_yet_valid"}, "invalid"),
        ({"valid_signature": "invalid_signature"}, "invalid"),
        ({"registered_issuer": "not_a_member"}, "invalid"),
        # A forged certificate that also claims to be revoked is "not genuine" first.
        ({"valid_signature": "invalid_signature", "status": "revoked"}, "invalid"),
        ({"status": "revoked", "validity_period": "expired"}, "revoked"),
    ],
)
def test_verdict_puts_genuineness_first(failed: dict[str, str], verdict: str) -> None:
    assert verdict_of(_result(**failed)) == verdict


def test_rate_limiter_counts_per_client_and_window() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=3, clock=lambda: now[0])
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b")
    now[0] = 61.0
    assert limiter.allow("a")


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), "too_deep"),
        (b'"' + b"x" * 300_000 + b'"', "too_large"),
        (b"\xff\xfe", "not_utf8"),
        (b"{", "not_json"),
        (json.dumps(list(range(25_000))).encode(), "too_complex"),
    ],
)
def test_parse_refuses_input_beyond_its_limits(raw: bytes, code: str) -> None:
    with pytest.raises(InputRejected) as info:
        parse_credential_json(raw)
    assert info.value.code == code


def test_brackets_inside_strings_do_not_count_as_depth() -> None:
    value = parse_credential_json(json.dumps({"a": "[" * 1000}))
    assert value == {"a": "[" * 1000}


def test_openapi_description_is_valid_openapi_31_shape() -> None:
    from jsonschema import Draft202012Validator

    assert OPENAPI["openapi"].startswith("3.1")
    operation = OPENAPI["paths"]["/credentials/verify"]["post"]
    assert set(operation["responses"]) >= {"200", "400", "413", "415", "429"}
    Draft202012Validator.check_schema(OPENAPI["components"]["schemas"]["Result"])
