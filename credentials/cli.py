"""``credentials``: the command line of the core (offline; no service needed).

Exit codes: 0 success / verified, 1 refused / not verified, 2 usage error or
unreadable input.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from credentials import strictjson
from credentials.did import StaticDidResolver, did_key_document
from credentials.errors import CredentialError, DidResolutionError, KeyFormatError
from credentials.jsonld import default_document_loader, example_document_loader
from credentials.keys import Ed25519Multikey
from credentials.proofs import CRYPTOSUITES, EDDSA_RDFC_2022, add_proof
from credentials.timeutil import parse_datetime_stamp
from credentials.verify import StaticStatusLookup, VerificationResult, verify_credential

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
MAX_INPUT_BYTES = 5 * 1024 * 1024
# Files a person hands the command line (credentials, DID documents, status lists): read
# strictly (credentials/strictjson.py), with room for large status list credentials.
INPUT_LIMITS = strictjson.JsonLimits(max_bytes=MAX_INPUT_BYTES, max_depth=64, max_values=1_000_000, max_list=100_000)


class UsageError(Exception):
    """Bad arguments or unreadable input: exit code 2."""


def _read_json(path: str, what: str) -> Any:
    try:
        raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1) if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {what} {path}: {exc.strerror}") from exc
    return _parse_json(raw, f"{what} {path}")


def _parse_json(raw: bytes, what: str) -> Any:
    try:
        return strictjson.loads(raw, INPUT_LIMITS)
    except strictjson.StrictJsonError as exc:
        if exc.code == "too_large":
            raise UsageError(f"{what} is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB") from exc
        raise UsageError(f"{what} is not acceptable JSON: {exc.message}") from exc


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def cmd_keygen(args: argparse.Namespace) -> int:
    if args.did_web:
        if not args.did_web.startswith("did:web:"):
            raise UsageError("--did-web takes a did:web DID, e.g. did:web:example.org:orgs:demo")
        key = Ed25519Multikey.generate(controller=args.did_web, fragment="placeholder")
        fragment = args.fragment or "key-" + hashlib.sha256(key.public_key).hexdigest()[:12]
        key = Ed25519Multikey.from_seed(key.seed(), controller=args.did_web, fragment=fragment)
    else:
        key = Ed25519Multikey.generate(fragment=args.fragment)
    _print_json(key.to_json(include_secret=True))
    return EXIT_OK


def cmd_sign(args: argparse.Namespace) -> int:
    credential = _read_json(args.file, "credential")
    key_data = _read_json(args.key, "key file")
    try:
        key = Ed25519Multikey.from_multikey(key_data)
    except KeyFormatError as exc:
        raise UsageError(f"key file {args.key}: {exc}") from exc
    if not key.has_private_key:
        raise UsageError(f"key file {args.key} has no secretKeyMultibase")
    if args.created and parse_datetime_stamp(args.created) is None:
        raise UsageError("--created must be a date-time with a time zone, e.g. 2026-03-01T09:00:00Z")
    loader = example_document_loader() if args.allow_example_contexts else default_document_loader()
    try:
        signed = add_proof(
            credential, key=key, document_loader=loader, cryptosuite=args.cryptosuite, created=args.created
        )
    except CredentialError as exc:
        print(f"credentials sign: refused: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    _print_json(signed)
    return EXIT_OK


_MARK = {"passed": "ok  ", "failed": "FAIL", "skipped": "skip"}


def _summary(result: VerificationResult) -> str:
    lines = ["VERIFIED" if result.verified else "NOT VERIFIED"]
    for problem in result.fatal:
        lines.append(f"  fatal: {problem}")
    for check in result.checks:
        code = f" [{check.code}]" if check.code and not check.passed else ""
        lines.append(f"  {_MARK[check.outcome.value]} {check.id}{code}: {check.reason}")
    return "\n".join(lines)


def _read_credentials(path: str) -> list[Any]:
    """The credential in a JSON file, or every credential embedded in a certificate or
    portfolio PDF (in page order)."""
    try:
        raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1) if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read credential {path}: {exc.strerror}") from exc
    if b"%PDF-" not in raw[:1024]:
        return [_parse_json(raw, f"credential {path}")]
    from credentials.pdf import PdfError, extract_credentials  # noqa: PLC0415 - only for PDFs

    try:
        embedded = extract_credentials(raw)
    except PdfError as exc:
        raise UsageError(f"PDF {path}: {exc} ({exc.code})") from exc
    return [_parse_json(item, f"the credential embedded in {path}") for item in embedded]


def cmd_verify(args: argparse.Namespace) -> int:
    found = _read_credentials(args.file)
    resolver = StaticDidResolver()
    for path in args.did_doc:
        try:
            resolver.add(_read_json(path, "DID document"))
        except DidResolutionError as exc:
            raise UsageError(f"DID document {path}: {exc}") from exc
    lists = [_read_json(path, "status list") for path in args.status_list]
    now = None
    if args.now:
        now = parse_datetime_stamp(args.now)
        if now is None:
            raise UsageError("--now must be a date-time with a time zone")
    loader = example_document_loader() if args.allow_example_contexts else default_document_loader()
    results = [
        verify_credential(
            credential,
            document_loader=loader,
            resolver=resolver,
            status_lookup=StaticStatusLookup(lists) if lists else None,
            now=now,
            require_open_badge=not args.any_vc,
        )
        for credential in found
    ]
    if args.json:
        _print_json(results[0].to_json() if len(results) == 1 else [r.to_json() for r in results])
    elif len(results) == 1:
        print(_summary(results[0]))
    else:
        for number, result in enumerate(results, 1):
            print(f"Certificate {number} of {len(results)}:\n{_summary(result)}\n")
    return EXIT_OK if all(r.verified for r in results) else EXIT_REFUSED


def cmd_demo(args: argparse.Namespace) -> int:
    """Sign and verify the sample certificate with a fresh did:key, and show each step."""
    from credentials.sample import sample_credential  # noqa: PLC0415 - demo-only import

    key = Ed25519Multikey.generate()
    unsigned = sample_credential(issuer_did=key.controller)
    signed = add_proof(unsigned, key=key, document_loader=default_document_loader())
    print(f"Issuer (did:key): {key.controller}")
    print(f"Certificate for: {unsigned['credentialSubject']['identifier'][0]['identityHash']}")
    print(f"Competence: {unsigned['credentialSubject']['achievement']['name']}")
    print(f"Signed with eddsa-rdfc-2022, proofValue {signed['proof']['proofValue'][:24]}…\n")
    print("Verifying the signed certificate:")
    print(_summary(verify_credential(signed, resolver=StaticDidResolver([did_key_document(key.controller)]))))
    tampered = json.loads(json.dumps(signed))
    tampered["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    print("\nVerifying a copy with the holder's name changed:")
    print(_summary(verify_credential(tampered)))
    if args.out:
        Path(args.out).write_text(json.dumps(signed, indent=2, ensure_ascii=False) + "\n", "utf-8")
        print(f"\nSigned certificate written to {args.out}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="credentials", description="Kringloop competence certificates: sign and verify."
    )
    add_commands(parser.add_subparsers(dest="command", required=True))
    return parser


def add_commands(sub: Any) -> None:
    """Add the core's offline commands (keygen, sign, verify, demo) to a subparsers object."""

    keygen = sub.add_parser("keygen", help="print a new Ed25519 Multikey key pair as JSON")
    keygen.add_argument("--did-web", metavar="DID", help="controller did:web (default: a did:key)")
    keygen.add_argument("--fragment", help="verification-method fragment (default derived from the key)")
    keygen.set_defaults(handler=cmd_keygen)

    sign = sub.add_parser("sign", help="sign a credential and print it")
    sign.add_argument("file", help="unsigned credential (JSON file, or - for stdin)")
    sign.add_argument("--key", required=True, metavar="KEYFILE", help="Multikey JSON with secretKeyMultibase")
    sign.add_argument("--cryptosuite", choices=CRYPTOSUITES, default=EDDSA_RDFC_2022)
    sign.add_argument("--created", help="proof creation time (default: now)")
    sign.add_argument(
        "--allow-example-contexts", action="store_true", help="admit the W3C examples context (test vectors only)"
    )
    sign.set_defaults(handler=cmd_sign)

    verify = sub.add_parser("verify", help="verify a credential")
    verify.add_argument(
        "file", help="signed credential: a JSON file, a certificate or portfolio PDF (the JSON inside), or - for stdin"
    )
    verify.add_argument(
        "--did-doc", action="append", default=[], metavar="F", help="DID document to trust for did:web (repeatable)"
    )
    verify.add_argument(
        "--status-list", action="append", default=[], metavar="F", help="status list credential (repeatable)"
    )
    verify.add_argument("--json", action="store_true", help="print the result object as JSON")
    verify.add_argument("--now", help="judge validity at this date-time instead of now")
    verify.add_argument("--any-vc", action="store_true", help="accept any VC 2.0 credential, not only Open Badges")
    verify.add_argument(
        "--allow-example-contexts", action="store_true", help="admit the W3C examples context (test vectors only)"
    )
    verify.set_defaults(handler=cmd_verify)

    demo = sub.add_parser("demo", help="sign and verify a sample certificate")
    demo.add_argument("--out", help="also write the signed sample certificate here")
    demo.set_defaults(handler=cmd_demo)


def _usage_exit(parser: argparse.ArgumentParser, message: str) -> NoReturn:
    parser.exit(EXIT_USAGE, f"credentials: error: {message}\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except UsageError as exc:
        _usage_exit(parser, str(exc))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
