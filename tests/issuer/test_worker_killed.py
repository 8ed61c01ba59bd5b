"""A gunicorn worker killed while it issues: only complete certificates remain, the
service goes on (gunicorn starts a new worker), and the same upload completes the rest.

Real processes throughout: ``credentials serve --production --workers 2`` (SQLite, the
embedded default), a supervisor who logs in over HTTP, uploads a CSV file and confirms
it in the staff pages; both workers get SIGKILL while the background job issues.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from issuer.bulk import services as bulk
from tests.support import ROOT, cli, free_port, service_env, stored_certificates

HEADER = "holder_name,competence,level,evidence,issued_on,external_ref"
ROWS = 1500


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, str, str]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.status, response.geturl(), response.read().decode("utf-8")

    def post(self, path: str, data: bytes, content_type: str) -> tuple[int, str, str]:
        headers = {"Content-Type": content_type}
        request = urllib.request.Request(self.base + path, data=data, headers=headers)  # noqa: S310 - loopback only
        with self.opener.open(request, timeout=60) as response:
            return response.status, response.geturl(), response.read().decode("utf-8")

    def form(self, path: str, fields: dict[str, str]) -> tuple[int, str, str]:
        return self.post(path, urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded")

    def upload(self, path: str, fields: dict[str, str], name: str, filename: str, content: bytes) -> str:
        boundary = "----kringloop" + os.urandom(8).hex()
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                 for k, v in fields.items()]  # fmt: skip
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     "Content-Type: text/csv\r\n\r\n".encode() + content + b"\r\n")  # fmt: skip
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.post(path, body, f"multipart/form-data; boundary={boundary}")[1]


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def _workers(master: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                found.append(int(entry.name))
    return found


def _upload_and_confirm(browser: Browser, content: bytes) -> str:
    _, _, page = browser.get("/meerdere-certificaten")
    job_url = browser.upload("/meerdere-certificaten", {"csrf_token": _token(page)}, "file", "cohort.csv", content)
    job_path = urllib.parse.urlsplit(job_url).path
    _, _, preview = browser.get(job_path)
    browser.form(f"{job_path}/geven", {"csrf_token": _token(preview)})
    return job_path


def test_a_worker_killed_while_issuing_leaves_only_complete_certificates(tmp_path: Path) -> None:
    port = free_port()
    env = service_env(tmp_path, f"http://127.0.0.1:{port}") | {"CREDENTIALS_NEW_PASSWORD": "Een-lang-wachtwoord-42"}
    cli(env, "init")
    cli(env, "org", "add", "dood", "--name", "Kringloop Dood")
    cli(env, "user", "add", "begeleider@dood.example", "--org", "dood", "--role", "supervisor")
    content = "\n".join([HEADER, *(f"Deelnemer {i},DIG-KASSA,2,,2026-03-14,D-{i}" for i in range(ROWS))]).encode()
    database = tmp_path / "instance" / "credentials.db"
    server = subprocess.Popen([sys.executable, "-m", "issuer.cli", "serve", "--production", "--workers", "2",
                               "--host", "127.0.0.1", "--port", str(port)], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 60
        while True:
            try:
                _, _, login = browser.get("/login")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        browser.form("/login", {"csrf_token": _token(login), "email": "begeleider@dood.example",
                                "password": "Een-lang-wachtwoord-42"})  # fmt: skip
        _upload_and_confirm(browser, content)
        deadline = time.monotonic() + 120
        while stored_certificates(database) < bulk.BATCH:
            assert time.monotonic() < deadline, "no batch was stored in time"
            time.sleep(0.02)
        for pid in _workers(server.pid):  # the worker with the job, and the other one
            os.kill(pid, signal.SIGKILL)
        time.sleep(1.0)
        stored = stored_certificates(database)
        assert bulk.BATCH <= stored < ROWS, "the job finished before the kill"
        assert stored % bulk.BATCH == 0  # whole batches only: every certificate in them is complete

        # gunicorn started new workers: the service answers, the staff session still holds.
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, _ = browser.get("/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, "no new worker answered"
                time.sleep(0.3)
        assert status == 200 and server.poll() is None
        # The same file again: what was issued is skipped, the rest is issued.
        job = _upload_and_confirm(browser, content)
        deadline = time.monotonic() + 180
        while stored_certificates(database) < ROWS:
            assert time.monotonic() < deadline, f"the rest was not issued ({stored_certificates(database)} of {ROWS})"
            time.sleep(0.2)
        for _ in range(100):
            _, _, result = browser.get(job)
            if "data-job-state=\"done\"" in result or "verslag.csv" in result:
                break
            time.sleep(0.2)
        with sqlite3.connect(database) as conn:
            total, keys, indexes = conn.execute(
                "SELECT count(*), count(DISTINCT idempotency_key), count(DISTINCT status_index) FROM certificates"
            ).fetchone()
        assert total == keys == indexes == ROWS
        assert "The audit log verifies" in cli(env, "audit", "verify")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
