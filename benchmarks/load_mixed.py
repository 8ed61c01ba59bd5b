"""Load test: a mixed load of QR page views and verify API calls on the production setup.

Run with ``.venv/bin/python benchmarks/load_mixed.py`` (``--duration 60 --clients 8``).
It sets up a throw-away instance (a temporary PostgreSQL database when one answers at
127.0.0.1:5432, else SQLite), issues 40 certificates (some revoked, some suspended,
with evidence and a shop), starts ``credentials serve --production --workers 2`` on a
free loopback port, and then runs closed-loop clients for ``--duration`` seconds (and
at most ``--max-requests`` requests). Each request is, at random (seeded):

* 70 %: ``GET /c/<public-id>`` of a random certificate (what an employer's phone does
  after scanning the QR code); the page must carry the verdict the certificate has;
* 30 %: ``POST /credentials/verify`` with a random certificate's JSON; the answer must
  be 200 with the expected ``verdict``.

Any other answer, a wrong verdict or a connection failure is an error. Printed per kind
and in total: requests per second, p50 / p99 / max latency, errors; and the machine with
the background load measured just before. Only 127.0.0.1 is contacted. Exit status 1
on any error. The per-client rate limits are raised for the run (one client address).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_verify_http import (  # noqa: E402 - path set up above
    BASE_URL,
    ORG,
    cli,
    cpu_busy,
    cpu_model,
    drop_postgres_database,
    free_port,
    percentile,
    postgres_database,
    wait_healthy,
)

from issuer.certificates import services as cert_services  # noqa: E402
from issuer.organisations import services as org_services  # noqa: E402
from issuer.runtime import build_runtime  # noqa: E402
from issuer.store.db import session_scope  # noqa: E402
from issuer.store.settings import Settings  # noqa: E402

PAGE_SHARE = 0.7
COMPETENCES = ("CIRC-SORTEREN", "DIG-KASSA", "VAK-TILLEN", "WERK-SAMENWERKEN", "CIRC-INNAME")


def issue(settings: Settings, count: int) -> list[dict[str, Any]]:
    """``count`` certificates: (public id, credential JSON, expected verdict)."""
    rt = build_runtime(settings)
    made: list[dict[str, Any]] = []
    try:
        with session_scope(rt.sessions) as session:
            org = org_services.get_org(session, ORG)
            shop = org_services.add_shop(session, org=org, name="Winkel Centrum", actor="load", city="Utrecht")
            for i in range(count):
                cert = cert_services.issue_certificate(
                    session, rt.context, org=org, competence_code=COMPETENCES[i % len(COMPETENCES)],
                    level=str(i % 3 + 1), actor="load", holder_name=f"Deelnemer {i} Çelik",
                    evidence="Laat dit zelfstandig zien tijdens het werk in de winkel.", shop=shop,
                )  # fmt: skip
                verdict = "valid"
                if i % 10 == 3:
                    cert_services.revoke(session, rt.context, cert=cert, reason="Proef", actor="load")
                    verdict = "revoked"
                elif i % 10 == 7:
                    cert_services.suspend(session, rt.context, cert=cert, reason="Proef", actor="load")
                    verdict = "suspended"
                made.append({"public_id": cert.public_id, "json": cert.credential_json, "verdict": verdict})
    finally:
        rt.engine.dispose()
    return made


class MixedLoad:
    def __init__(self, port: int, certificates: list[dict[str, Any]], *, clients: int, seconds: float, cap: int):
        self.port, self.certificates = port, certificates
        self.clients, self.seconds, self.cap = clients, seconds, cap
        self.lock = threading.Lock()
        self.sent = 0
        self.samples: dict[str, list[float]] = {"page": [], "api": []}
        self.errors: list[str] = []
        self.bodies = [
            json.dumps({"verifiableCredential": json.loads(c["json"])}, ensure_ascii=False).encode()
            for c in certificates
        ]

    def _take(self) -> bool:
        with self.lock:
            if self.sent >= self.cap:
                return False
            self.sent += 1
            return True

    def run(self) -> float:
        barrier = threading.Barrier(self.clients + 1)
        threads = [threading.Thread(target=self._client, args=(n, barrier), daemon=True) for n in range(self.clients)]
        for thread in threads:
            thread.start()
        barrier.wait()
        start = time.perf_counter()
        for thread in threads:
            thread.join(self.seconds + 60)
        return time.perf_counter() - start

    def _client(self, number: int, barrier: threading.Barrier) -> None:
        rng = random.Random(number)  # noqa: S311 - load mix, not secrets
        barrier.wait()
        deadline = time.perf_counter() + self.seconds
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        mine: dict[str, list[float]] = {"page": [], "api": []}
        while time.perf_counter() < deadline and self._take():
            which = rng.randrange(len(self.certificates))
            cert = self.certificates[which]
            kind = "page" if rng.random() < PAGE_SHARE else "api"
            t0 = time.perf_counter()
            try:
                if kind == "page":
                    conn.request("GET", f"/c/{cert['public_id']}")
                else:
                    body = self.bodies[which]
                    conn.request("POST", "/credentials/verify", body,
                                 {"Content-Type": "application/json", "Content-Length": str(len(body))})  # fmt: skip
                response = conn.getresponse()
                data = response.read()
                if response.will_close:
                    conn.close()
                expected = (
                    f'data-verification-status="{cert["verdict"]}"'.encode()
                    if kind == "page"
                    else f'"verdict": "{cert["verdict"]}"'.encode()
                )
                problem = None if response.status == 200 and expected in data else f"{response.status} {kind}"
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                problem = f"{kind}: {exc!r}"
            mine[kind].append(time.perf_counter() - t0)
            if problem is not None:
                with self.lock:
                    self.errors.append(problem)
        conn.close()
        with self.lock:
            for kind, values in mine.items():
                self.samples[kind].extend(values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, {cpu_model()}, {platform.machine()}, "
          f"{platform.python_implementation()} {platform.python_version()}, {platform.platform()}; {date.today()}")
    busy0, total0 = cpu_busy()
    time.sleep(2.0)
    busy1, total1 = cpu_busy()
    print(f"background load before the run: {(busy1 - busy0) / max(1, total1 - total0):.0%} of both cores")
    pg = None if args.sqlite else postgres_database()
    server: subprocess.Popen[bytes] | None = None
    try:
        with tempfile.TemporaryDirectory(prefix="load-mixed-") as tmp:
            home = Path(tmp)
            env = {
                **os.environ,
                "CREDENTIALS_BASE_URL": BASE_URL,
                "CREDENTIALS_DATABASE_URL": pg[0] if pg else f"sqlite:///{home / 'credentials.db'}",
                "CREDENTIALS_INSTANCE_DIR": str(home / "instance"),
                "CREDENTIALS_KEYS_DIR": str(home / "keys"),
                "CREDENTIALS_KEY_PASSPHRASE": secrets.token_urlsafe(24),
                "CREDENTIALS_SECRET_KEY": secrets.token_urlsafe(24),
                "CREDENTIALS_VERIFY_API_PER_MINUTE": "100000000",
                "CREDENTIALS_VERIFY_PAGE_PER_MINUTE": "100000000",
                "PYTHONPATH": str(ROOT),
            }
            cli(env, "init")
            cli(env, "org", "add", ORG, "--name", "Kringloop Belasting", "--email", "info@kringloop.example")
            certificates = issue(Settings.from_env(env), 40)
            port = free_port()
            log_path = home / "server.log"
            with log_path.open("wb") as log:
                server = subprocess.Popen(
                    [sys.executable, "-m", "issuer.cli", "serve", "--production", "--workers", str(args.workers),
                     "--host", "127.0.0.1", "--port", str(port)],
                    env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                )  # fmt: skip
                try:
                    wait_healthy(port, server, log_path)
                    print(f"database: {'PostgreSQL' if pg else 'SQLite'}; server: credentials serve --production "
                          f"--workers {args.workers}; {args.clients} clients for {args.duration:.0f} s; "
                          f"{PAGE_SHARE:.0%} QR page views, {1 - PAGE_SHARE:.0%} verify API calls\n")  # fmt: skip
                    MixedLoad(port, certificates, clients=args.clients, seconds=2.0, cap=400).run()  # warm-up
                    load = MixedLoad(port, certificates, clients=args.clients, seconds=args.duration,
                                     cap=args.max_requests)  # fmt: skip
                    elapsed = load.run()
                finally:
                    server.send_signal(signal.SIGTERM)
                    try:
                        server.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        server.kill()
    finally:
        if pg:
            drop_postgres_database(pg[1])
    print(f"{'kind':<22} {'requests':>9} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    everything = sorted(load.samples["page"] + load.samples["api"])
    for label, values in (("QR page views", load.samples["page"]), ("verify API calls", load.samples["api"]),
                          ("all", everything)):  # fmt: skip
        ordered = sorted(values)
        if not ordered:
            continue
        print(f"{label:<22} {len(ordered):>9} {len(ordered) / elapsed:>8.1f} {statistics.median(ordered) * 1000:>8.1f} "
              f"{percentile(ordered, 0.99) * 1000:>8.1f} {ordered[-1] * 1000:>8.1f}")  # fmt: skip
    print(f"errors: {len(load.errors)}" + (f" (first: {load.errors[0]})" if load.errors else ""))
    return 1 if load.errors else 0


if __name__ == "__main__":
    sys.exit(main())
