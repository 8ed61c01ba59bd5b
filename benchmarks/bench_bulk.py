"""Benchmark: ``credentials bulk-issue`` of a 17,000-row and a 2,000-row CSV file.

Run with ``.venv/bin/python benchmarks/bench_bulk.py`` (``--rows 17000 2000`` to choose).
For each size it creates a fresh embedded-default instance (SQLite and a key store in a
temporary folder), writes a realistic CSV file (names with diacritics, four competences,
levels, evidence, dates and external references), and runs ``credentials bulk-issue``
as a real process, as an operator would. It samples the memory of the process and its
signing workers every 20 ms (the sum of their resident set sizes: the peak is what the
machine must have free), and prints certificates per second, the wall time, the CPU
time of the run (all processes) against the wall time (how much of the two cores was
used) and the peak memory, then checks the database: one certificate per row, distinct
status indexes, and the audit chain. Exit status 1 when a target is missed: the
17,000 rows in at most 60 s, peak memory under 500 MB.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS_17K, TARGET_MEMORY_MB = 60.0, 500.0
NAMES = ("Nguyễn Thị Lan", "Mehmet Çelik", "Sara Ødegård", "Marko Ilić", "Jan de Vries", "Fatima El Amrani",
         "Łukasz Wąsik", "Zoë van Dijk", "Ahmad Haddad", "Priya Ramdin")  # fmt: skip
COMPETENCES = ("CIRC-SORTEREN", "DIG-KASSA", "VAK-TILLEN", "WERK-SAMENWERKEN")


def write_csv(path: Path, rows: int) -> None:
    rng = random.Random(rows)  # noqa: S311 - test data, not secrets
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["holder_name", "competence", "level", "evidence", "issued_on", "external_ref"])
        for i in range(rows):
            writer.writerow([f"{rng.choice(NAMES)} {i}", COMPETENCES[i % 4], str(rng.randint(1, 3)),
                             "Laat dit zelfstandig zien tijdens het werk in de winkel.",
                             f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}", f"HR-{i:06d}"])  # fmt: skip


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            statm = Path(f"/proc/{entry}/statm").read_text().split()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(statm[1]) * page
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def run(rows: int, workdir: Path) -> dict[str, float]:
    env = {
        **os.environ,
        "CREDENTIALS_BASE_URL": "https://certificaten.kringloop.example",
        "CREDENTIALS_INSTANCE_DIR": str(workdir / "instance"),
        "CREDENTIALS_KEYS_DIR": str(workdir / "keys"),
        "CREDENTIALS_KEY_PASSPHRASE": "bench-passphrase-0123456789",
        "CREDENTIALS_SECRET_KEY": "bench-secret-key-abcdefghij",
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "issuer.cli"]
    for args in (["init"], ["org", "add", "bench", "--name", "Kringloop Bench"]):
        subprocess.run([*command, *args], env=env, cwd=ROOT, check=True, capture_output=True)
    source = workdir / f"cohort-{rows}.csv"
    write_csv(source, rows)
    before = os.times()
    start = time.perf_counter()
    process = subprocess.Popen([*command, "bulk-issue", str(source), "--org", "bench"], env=env, cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)  # fmt: skip
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.02)
    wall = time.perf_counter() - start
    after = os.times()
    output = process.stdout.read().decode() if process.stdout else ""
    if process.returncode != 0:
        raise SystemExit(f"bulk-issue failed ({process.returncode}): {output}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    with sqlite3.connect(workdir / "instance" / "credentials.db") as conn:
        total, indexes = conn.execute("SELECT count(*), count(DISTINCT status_index) FROM certificates").fetchone()
    if total != rows or indexes != rows:
        raise SystemExit(f"expected {rows} certificates with distinct indexes, found {total} / {indexes}")
    audit = [*command, "audit", "verify"]
    check = subprocess.run(audit, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if check.returncode != 0:
        raise SystemExit(f"the audit chain does not verify: {check.stdout} {check.stderr}")
    return {"rows": rows, "wall": wall, "rate": rows / wall, "cpu": cpu, "peak_mb": peak / 1e6}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[17_000, 2_000])
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, {platform.machine()}, {platform.python_implementation()} "
          f"{platform.python_version()}, {platform.platform()}; {date.today()}")  # fmt: skip
    print("database: SQLite (embedded default), signing workers: one per core\n")
    print(f"{'rows':>7} {'wall s':>8} {'certs/s':>8} {'CPU s':>7} {'cores used':>10} {'peak MB':>8}")
    failed = False
    for rows in args.rows:
        with tempfile.TemporaryDirectory(prefix="bench-bulk-") as tmp:
            result = run(rows, Path(tmp))
        cores = result["cpu"] / result["wall"]
        print(f"{rows:>7} {result['wall']:>8.1f} {result['rate']:>8.0f} {result['cpu']:>7.1f} {cores:>10.2f} "
              f"{result['peak_mb']:>8.0f}")  # fmt: skip
        if result["peak_mb"] >= TARGET_MEMORY_MB:
            failed = True
        if rows >= 17_000 and result["wall"] > TARGET_SECONDS_17K * rows / 17_000:
            failed = True
    print(f"\ntargets: 17,000 rows in at most {TARGET_SECONDS_17K:.0f} s; peak memory under {TARGET_MEMORY_MB:.0f} MB")
    print("targets missed" if failed else "targets met")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
