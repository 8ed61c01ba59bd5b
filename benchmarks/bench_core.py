"""Benchmark: median sign and verify time per certificate, Python vs Digital Bazaar's JS.

Run with ``make bench``. Both sides sign and verify the same realistic
certificate (credentials/sample.py, did:web issuer) in the same run; the JS
figures come from tests/interop/js/dbvc.mjs's ``bench`` job (warm, in-process).
Printed: medians and p90 in milliseconds, and the ratio Python / JS
(below 1.0 means Python is faster).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "interop"))

from dbjs import node_available, run_job  # noqa: E402 - path set up above

from credentials.did import StaticDidResolver, build_did_document  # noqa: E402
from credentials.jsonld import default_document_loader  # noqa: E402
from credentials.keys import Ed25519Multikey  # noqa: E402
from credentials.proofs import CRYPTOSUITES, add_proof, check_proof  # noqa: E402
from credentials.sample import sample_credential  # noqa: E402
from credentials.verify import verify_credential  # noqa: E402

DID_WEB = "did:web:certificaten.kringloop.example:orgs:voorbeeld"


def _timings(fn: Callable[[], Any], iterations: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"median": statistics.median(ordered), "p90": ordered[int(len(ordered) * 0.9) - 1]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    args = parser.parse_args()

    key = Ed25519Multikey.from_seed(bytes(range(32)), controller=DID_WEB, fragment="key-1")
    did_doc = build_did_document(DID_WEB, [key])
    resolver = StaticDidResolver([did_doc])
    loader = default_document_loader()
    unsigned = sample_credential(issuer_did=DID_WEB)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.platform()}"
    )
    print(f"certificate: {len(str(unsigned))} characters, {args.iterations} iterations after {args.warmup} warm-up\n")
    missing = node_available()
    print(f"{'suite':<17}{'operation':<26}{'python median':>14}{'p90':>8}{'js median':>11}{'p90':>8}{'py/js':>7}")
    for suite in CRYPTOSUITES:
        signed = add_proof(unsigned, key=key, document_loader=loader, cryptosuite=suite)
        py = {
            "sign": _summary(
                _timings(
                    lambda s=suite: add_proof(unsigned, key=key, document_loader=loader, cryptosuite=s),
                    args.iterations,
                    args.warmup,
                )
            ),
            "verify (proof)": _summary(
                _timings(
                    lambda d=signed: check_proof(d, resolver=resolver, document_loader=loader),
                    args.iterations,
                    args.warmup,
                )
            ),
            "verify (all checks)": _summary(
                _timings(
                    lambda d=signed: verify_credential(d, resolver=resolver, document_loader=loader),
                    args.iterations,
                    args.warmup,
                )
            ),
        }
        js: dict[str, dict[str, float]] = {}
        if missing is None:
            result = run_job(
                {
                    "op": "bench",
                    "credential": unsigned,
                    "cryptosuite": suite,
                    "key": key.to_json(include_secret=True),
                    "didDocuments": [did_doc],
                    "iterations": args.iterations,
                    "warmup": args.warmup,
                }
            )
            if result.get("ok"):
                js = {"sign": result["signMs"], "verify (proof)": result["verifyMs"]}
            else:
                print(f"JS bench failed: {result.get('error')}")
        for operation, figures in py.items():
            ref = js.get(operation)
            ref_text = (
                f"{ref['median']:>11.2f}{ref['p90']:>8.2f}{figures['median'] / ref['median']:>7.2f}"
                if ref
                else (f"{'-':>11}{'-':>8}{'-':>7}")
            )
            print(f"{suite:<17}{operation:<26}{figures['median']:>14.2f}{figures['p90']:>8.2f}{ref_text}")
    if missing:
        print(f"\nJS reference not measured: {missing}")
    print("\n'verify (proof)' is what Digital Bazaar's verifyCredential does (signature, key, purpose, dates);")
    print("'verify (all checks)' adds the OB 3.0 JSON-schema check and the result object.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
