"""Benchmark: ``POST /credentials/verify`` through gunicorn vs verification in-process.

Run with ``.venv/bin/python benchmarks/bench_verify_http.py``. It sets up a
throw-away instance (a temporary folder; a temporary PostgreSQL database when one
answers at 127.0.0.1:5432, else SQLite), runs ``credentials init`` and ``org add``,
issues one realistic certificate (with evidence and a shop), starts
``credentials serve --production --workers 2`` on a free loopback port, and then

(a) measures in-process verification in this process for about 5 s: parse the
    request body and ``verify_for_reader`` in a fresh session, as the server does
    for each request (the reference, measured in the same run);
(b) drives ``POST /credentials/verify`` with 8 concurrent clients (threads, raw
    ``http.client``, pre-encoded body) for about 20 s or at most
    ``--max-requests`` requests. An error is any non-200 answer, any answer without
    ``"verified": true``, and any connection failure.

Printed: requests per second, p50 / p99 / max latency in ms, errors, the in-process
rate, the ratio HTTP / in-process, where the CPU went (per request: gunicorn workers,
PostgreSQL, this client), and the machine, with the background load measured just
before (other work on the machine skews every figure). The server is stopped and the
database dropped at the end. Only 127.0.0.1 is contacted. Exit status 1 when a target
(ratio >= 0.7, p99 < 50 ms, no errors) is not met.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import resource
import secrets
import signal
import socket
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

from issuer.certificates import services as cert_services  # noqa: E402 - path set up above
from issuer.organisations import services as org_services  # noqa: E402 - path set up above
from issuer.runtime import build_runtime  # noqa: E402
from issuer.store.db import session_scope  # noqa: E402
from issuer.store.settings import Settings  # noqa: E402
from verifier.service import parse_credential_json, verify_for_reader  # noqa: E402

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BASE_URL = "https://certificaten.kringloop.example"
ORG = "kringloop-bench"
TARGET_RATIO, TARGET_P99_MS = 0.7, 50.0


# --- set-up ------------------------------------------------------------------------


def postgres_database() -> tuple[str, str] | None:
    """(url, name) of a new empty PostgreSQL database, or None when none answers."""
    from sqlalchemy import create_engine, text  # noqa: PLC0415
    from sqlalchemy.engine import make_url  # noqa: PLC0415
    from sqlalchemy.exc import OperationalError  # noqa: PLC0415

    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    name = f"bench_verify_{secrets.token_hex(4)}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError:
        return None
    finally:
        admin.dispose()
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False), name


def drop_postgres_database(name: str) -> None:
    from sqlalchemy import create_engine, text  # noqa: PLC0415

    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def cli(env: dict[str, str], *argv: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "issuer.cli", *argv], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"credentials {' '.join(argv)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def issue_certificate(settings: Settings) -> dict[str, Any]:
    """One realistic certificate: a shop, evidence, a status entry (the CLI has no --shop)."""
    rt = build_runtime(settings)
    try:
        with session_scope(rt.sessions) as session:
            org = org_services.get_org(session, ORG)
            shop = org_services.add_shop(session, org=org, name="Winkel Centrum", actor="bench", city="Utrecht")
            cert = cert_services.issue_certificate(
                session,
                rt.context,
                org=org,
                competence_code="CIRC-SORTEREN",
                level="2",
                actor="bench",
                holder_name="Nguyễn Thị Lan",
                evidence=(
                    "Heeft zes weken lang geschonken spullen gesorteerd op herbruikbaarheid, "
                    "veiligheid en verkoopbaarheid; werkt volgens de sorteerinstructie en legt "
                    "twijfelgevallen voor aan de werkbegeleider."
                ),
                shop=shop,
            )
            credential: dict[str, Any] = json.loads(cert.credential_json)
        return credential
    finally:
        rt.engine.dispose()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_healthy(port: int, server: subprocess.Popen[bytes], log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.poll() is not None:
            tail = log.read_text("utf-8", "replace")[-3000:]
            raise SystemExit(f"the server exited with {server.returncode} before it answered /healthz:\n{tail}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"/healthz did not answer within {timeout:.0f} s")
        time.sleep(0.2)


# --- measurements --------------------------------------------------------------------


def in_process_rate(settings: Settings, body: bytes, seconds: float) -> tuple[float, float, list[float]]:
    """(verifications per second, CPU seconds per verification, wall seconds of each) in one
    process, each verification as the server does one request."""
    rt = build_runtime(settings)  # as the server runs it (not --verifier-only)
    samples: list[float] = []
    try:

        def once() -> None:
            parsed = parse_credential_json(body)
            with session_scope(rt.sessions) as session:
                outcome = verify_for_reader(session, settings, parsed["verifiableCredential"])
            if not outcome.result.verified:
                raise SystemExit(f"in-process verification failed: {outcome.result.to_json()}")

        for _ in range(20):  # warm-up: contexts, schema validator, connection pool
            once()
        start, cpu = time.perf_counter(), time.process_time()
        while time.perf_counter() - start < seconds:
            t0 = time.perf_counter()
            once()
            samples.append(time.perf_counter() - t0)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    finally:
        rt.engine.dispose()
    return len(samples) / elapsed, cpu / len(samples), samples


class Load:
    """Closed-loop clients on persistent connections; each sends the next request when answered."""

    def __init__(self, port: int, body: bytes, *, clients: int, seconds: float, max_requests: int):
        self.port, self.body = port, body
        self.clients, self.seconds, self.max_requests = clients, seconds, max_requests
        self.headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
        self.lock = threading.Lock()
        self.sent = 0
        self.latencies: list[list[float]] = [[] for _ in range(clients)]
        self.errors: list[str] = []
        self.connections = [0] * clients

    def _take(self) -> bool:
        with self.lock:
            if self.sent >= self.max_requests:
                return False
            self.sent += 1
            return True

    def run(self) -> float:
        """Start all clients together; return the elapsed seconds."""
        barrier = threading.Barrier(self.clients + 1)
        start_box: list[float] = []

        def client(number: int) -> None:
            barrier.wait()
            self._client_run(number, start_box[0] + self.seconds)

        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(self.clients)]
        for thread in threads:
            thread.start()
        start_box.append(time.perf_counter())
        barrier.wait()
        for thread in threads:
            thread.join(self.seconds + 60)
        return time.perf_counter() - start_box[0]

    def _client_run(self, number: int, deadline: float) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        mine = self.latencies[number]
        while time.perf_counter() < deadline and self._take():
            t0 = time.perf_counter()
            response = None
            try:
                if conn.sock is None:
                    self.connections[number] += 1
                conn.request("POST", "/credentials/verify", self.body, self.headers)
                response = conn.getresponse()
                data = response.read()
                if response.will_close:
                    conn.close()
                ok = response.status == 200 and b'"verified": true' in data
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                ok, data = False, repr(exc).encode()
            mine.append(time.perf_counter() - t0)
            if not ok:
                with self.lock:
                    status = response.status if response is not None else "-"
                    self.errors.append(f"{status}: {data[:200]!r}")
        conn.close()


def cpu_busy() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds used) of a process, from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu(master: int, database: str | None) -> dict[str, float]:
    """CPU seconds so far of the gunicorn master, its workers and our database's backends."""
    usage = {"workers": 0.0, "master": 0.0, "postgres": 0.0}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        stat = _stat(pid)
        if stat is None:
            continue
        if pid == master:
            usage["master"] += stat[1]
        elif stat[0] == master:
            usage["workers"] += stat[1]
        elif database:
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if cmdline.startswith(b"postgres: ") and f" {database} ".encode() in cmdline:
                usage["postgres"] += stat[1]
    return usage


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[max(0, math.ceil(len(ordered) * fraction) - 1)]


# --- main ----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of HTTP load (default 20)")
    parser.add_argument("--max-requests", type=int, default=50_000)
    parser.add_argument("--in-process-seconds", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sqlite", action="store_true", help="use SQLite even when PostgreSQL answers")
    parser.add_argument("--verifier-only", action="store_true", help="serve with --verifier-only")
    args = parser.parse_args()

    print(
        f"machine: {os.cpu_count()} cores, {cpu_model()}, {platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}, {platform.platform()}; {date.today()}"
    )
    busy0, total0 = cpu_busy()
    time.sleep(2.0)
    busy1, total1 = cpu_busy()
    background = (busy1 - busy0) / max(1, total1 - total0)
    print(
        f"background load before the run: {background:.0%} of both cores"
        + ("  (NOT quiet: other work skews the figures)" if background > 0.05 else " (quiet)")
    )
    pg = None if args.sqlite else postgres_database()
    server: subprocess.Popen[bytes] | None = None
    try:
        with tempfile.TemporaryDirectory(prefix="bench-verify-") as tmp:
            home = Path(tmp)
            database_url = pg[0] if pg else f"sqlite:///{home / 'credentials.db'}"
            print(
                "database: "
                + (f"PostgreSQL (throw-away database {pg[1]} at 127.0.0.1:5432)" if pg else "SQLite (temporary file)")
            )
            env = {
                **os.environ,
                "CREDENTIALS_BASE_URL": BASE_URL,
                "CREDENTIALS_DATABASE_URL": database_url,
                "CREDENTIALS_INSTANCE_DIR": str(home / "instance"),
                "CREDENTIALS_KEYS_DIR": str(home / "keys"),
                "CREDENTIALS_KEY_PASSPHRASE": secrets.token_urlsafe(24),
                "CREDENTIALS_SECRET_KEY": secrets.token_urlsafe(24),
                # The API's per-client limit (600 a minute) would answer 429 within seconds.
                "CREDENTIALS_VERIFY_API_PER_MINUTE": "100000000",
                "PYTHONPATH": str(ROOT),
            }
            cli(env, "init")
            cli(env, "org", "add", ORG, "--name", "Kringloop Benchmark", "--email", "info@kringloop.example")
            settings = Settings.from_env(env)
            credential = issue_certificate(settings)
            body = json.dumps({"verifiableCredential": credential, "options": {}}, ensure_ascii=False).encode()
            size = len(json.dumps(credential, ensure_ascii=False).encode())
            print(f"certificate: {size} bytes; request body {len(body)} bytes")

            mode = ["--verifier-only"] if args.verifier_only else []
            port = free_port()
            log_path = home / "server.log"
            with log_path.open("wb") as log:
                server = subprocess.Popen(
                    [sys.executable, "-m", "issuer.cli", "serve", "--production", "--workers", str(args.workers),
                     "--host", "127.0.0.1", "--port", str(port), *mode],
                    env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                )  # fmt: skip
                try:
                    wait_healthy(port, server, log_path)
                    print(
                        f"server: credentials serve --production --workers {args.workers}"
                        f"{''.join(' ' + flag for flag in mode)} on 127.0.0.1:{port}\n"
                    )

                    rate, cpu_each, samples = in_process_rate(settings, body, args.in_process_seconds)
                    ordered = sorted(samples)
                    print(
                        f"in-process: {rate:7.1f} verifications/s in one process "
                        f"(median {statistics.median(ordered) * 1000:.2f} ms, "
                        f"p99 {percentile(ordered, 0.99) * 1000:.2f} ms, "
                        f"{len(samples)} in {args.in_process_seconds:.0f} s; CPU {cpu_each * 1000:.2f} ms each)"
                    )

                    # A short unrecorded round first: every worker answers at least once.
                    Load(port, body, clients=args.clients, seconds=1.0, max_requests=200).run()
                    load = Load(port, body, clients=args.clients, seconds=args.duration, max_requests=args.max_requests)
                    busy0, total0 = cpu_busy()
                    usage0 = resource.getrusage(resource.RUSAGE_SELF)
                    server0 = server_cpu(server.pid, pg[1] if pg else None)
                    elapsed = load.run()
                    server1 = server_cpu(server.pid, pg[1] if pg else None)
                    usage1 = resource.getrusage(resource.RUSAGE_SELF)
                    busy1, total1 = cpu_busy()
                finally:
                    server.send_signal(signal.SIGTERM)
                    try:
                        server.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        server.kill()
                        server.wait()
            latencies = sorted(x for per_client in load.latencies for x in per_client)
            count = len(latencies)
            rps = count / elapsed
            p50, p99 = statistics.median(latencies) * 1000, percentile(latencies, 0.99) * 1000
            errors = len(load.errors)
            client_cpu = (usage1.ru_utime - usage0.ru_utime) + (usage1.ru_stime - usage0.ru_stime)
            machine_busy = (busy1 - busy0) / max(1, total1 - total0)
            print(
                f"http:       {rps:7.1f} requests/s, {args.clients} clients, {count} requests in {elapsed:.1f} s, "
                f"{sum(load.connections)} connections"
            )
            print(
                f"latency:    p50 {p50:.1f} ms, p90 {percentile(latencies, 0.90) * 1000:.1f} ms, "
                f"p99 {p99:.1f} ms, max {latencies[-1] * 1000:.1f} ms"
            )
            print(f"errors:     {errors}" + (f" (first: {load.errors[0]})" if errors else ""))
            per = {name: (server1[name] - server0[name]) * 1000 / max(1, count) for name in server0}
            print(
                f"cpu:        both cores {machine_busy:.0%} busy; CPU ms per request: gunicorn workers "
                f"{per['workers']:.2f}, master {per['master']:.2f}"
                + (f", PostgreSQL {per['postgres']:.2f}" if pg else "")
                + f", load client {client_cpu * 1000 / max(1, count):.2f}"
            )
            ratio = rps / rate
            cores = min(args.workers, os.cpu_count() or 1)
            print(
                f"ratio:      HTTP / in-process = {ratio:.2f}; HTTP / CPU-bound ideal "
                f"({cores} cores / in-process CPU per verification = {cores / cpu_each:.0f}/s) = "
                f"{rps * cpu_each / cores:.2f}\n"
            )
            checks = [
                (f"ratio >= {TARGET_RATIO}", ratio >= TARGET_RATIO),
                (f"p99 < {TARGET_P99_MS:.0f} ms", p99 < TARGET_P99_MS),
                ("zero errors", errors == 0),
            ]
            for name, ok in checks:
                print(f"target {name:<16} {'met' if ok else 'NOT met'}")
            if server.returncode not in (0, -signal.SIGTERM):
                print(f"\nthe server exited with {server.returncode}; its log:\n{log_path.read_text()[-3000:]}")
            return 0 if all(ok for _, ok in checks) else 1
    finally:
        if server is not None and server.poll() is None:
            server.kill()
        if pg:
            drop_postgres_database(pg[1])


if __name__ == "__main__":
    sys.exit(main())
