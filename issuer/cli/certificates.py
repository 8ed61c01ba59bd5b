"""The certificates' commands: ``issue``, ``pdf``, ``portfolio``, ``bulk-issue`` and ``revoke``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from credentials import cli as core_cli
from issuer.certificates import services as cert_services
from issuer.cli.common import CLI_ACTOR, EXIT_OK, EXIT_REFUSED, Commands, runtime, write_atomically
from issuer.core import errors, identity
from issuer.core.spreadsheet import csv_bytes
from issuer.organisations import services as org_services
from issuer.participants import services as participant_services
from issuer.store.db import session_scope
from issuer.store.models import User
from issuer.store.settings import Settings

if TYPE_CHECKING:
    from issuer.bulk.services import BulkOutcome


def cmd_issue(args: argparse.Namespace) -> int:
    rt = runtime(args)
    with session_scope(rt.sessions) as session:
        org = org_services.get_org(session, args.org)
        cert = cert_services.issue_certificate(
            session,
            rt.context,
            org=org,
            competence_code=args.competence,
            level=args.level,
            actor=CLI_ACTOR,
            holder_name=args.holder,
            evidence=args.evidence,
        )
        public_id, credential_json = cert.public_id, cert.credential_json
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{public_id}.json").write_text(credential_json + "\n", "utf-8")
    print(identity.verify_url(rt.settings, public_id))
    return EXIT_OK


def cmd_pdf(args: argparse.Namespace) -> int:
    from issuer.certificates import documents  # noqa: PLC0415 - PDF rendering only where asked for

    rt = runtime(args)
    with session_scope(rt.sessions, reads_only=True) as session:
        cert = cert_services.get_certificate(session, args.public_id)
        if cert.holder_erased:
            raise errors.NotFound("the holder's data was erased", code="participant_erased")
        data = documents.certificate_pdf(rt.settings, cert)
    path = write_atomically(args.out, data)
    print(f"Wrote {path} ({len(data):,} bytes)")
    return EXIT_OK


def cmd_portfolio(args: argparse.Namespace) -> int:
    from issuer.certificates import documents  # noqa: PLC0415

    rt = runtime(args)
    with session_scope(rt.sessions, reads_only=True) as session:
        holder = participant_services.get_participant(session, args.holder, org_slug=args.org)
        certificates = participant_services.holder_certificates(session, holder)
        name = holder.name or ""
        if args.out.lower().endswith(".zip"):
            data = documents.portfolio_zip(rt.settings, name, certificates)
        else:
            data = documents.portfolio_pdf(rt.settings, name, certificates)
        count = len(documents.bundled(certificates))
    path = write_atomically(args.out, data)
    print(f"Wrote {path}: {count} certificate(s), {len(data):,} bytes")
    return EXIT_OK


def cmd_bulk_issue(args: argparse.Namespace) -> int:
    """Check the whole file first (nothing is issued when any row is wrong), then issue
    every row not issued before, with a progress bar; a per-row report."""
    from issuer.bulk import services as bulk  # noqa: PLC0415 - only this command needs it

    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise core_cli.UsageError(f"cannot read {args.file}: {exc.strerror}") from exc
    out = Path(args.out) if args.out else None
    if out is not None and not out.is_dir():
        raise core_cli.UsageError(f"--out {args.out} is not a folder")
    rt = runtime(args)
    parsed = bulk.parse_csv(data)
    with session_scope(rt.sessions, reads_only=True) as session:
        org = org_services.get_org(session, args.org)
        supervisor_id = None
        if args.supervisor:
            user = session.execute(
                select(User).where(User.email == args.supervisor.strip().lower())
            ).scalar_one_or_none()
            if user is None or user.organisation_id != org.id or user.role not in ("supervisor", "org_admin"):
                raise errors.NotFound(f"no supervisor {args.supervisor} in {org.slug}", code="unknown_user")
            supervisor_id = user.id
        problems = parsed.problems or bulk.check_rows(session, org, parsed.rows)
    if problems:
        print(f"{args.file}: {len(problems)} problem(s); nothing was issued. Fix them and run again:", file=sys.stderr)
        for problem in problems[:200]:
            where = f"row {problem.line}" if problem.line else "file"
            column = f", column {problem.column}" if problem.column else ""
            print(f"  {where}{column}: {problem.message('en')}", file=sys.stderr)
        if len(problems) > 200:
            print(f"  ... and {len(problems) - 200} more", file=sys.stderr)
        return EXIT_REFUSED
    bar = _ProgressBar(len(parsed.rows))
    outcome = bulk.issue_rows(
        rt, org.slug, parsed.rows, actor=CLI_ACTOR, supervisor_id=supervisor_id, progress=bar.update,
        workers=args.workers,
    )  # fmt: skip
    bar.finish()
    print(
        f"Issued {len(outcome.issued)}, skipped {len(outcome.skipped)} (issued before), "
        f"failed {len(outcome.failed)}, of {len(parsed.rows)} rows."
    )
    for line, problem in outcome.failed:
        print(f"  row {line}: {problem.message('en')}", file=sys.stderr)
    if out is not None:
        report = out / "bulk-report.csv"
        write_atomically(str(report), _bulk_report(rt.settings, outcome))
        print(f"Per-row report: {report}")
    return EXIT_REFUSED if outcome.failed else EXIT_OK


def _bulk_report(settings: Settings, outcome: BulkOutcome) -> bytes:
    """One line per row (UTF-8 with BOM; cells a spreadsheet would run as formulas defused)."""
    lines: list[tuple[int, str, str, str]] = [
        *((line, "issued", public_id, "") for line, public_id in outcome.issued),
        *((line, "skipped", public_id, "issued before") for line, public_id in outcome.skipped),
        *((line, "failed", "", problem.message("en")) for line, problem in outcome.failed),
    ]
    rows = (
        (line, status, public_id, identity.verify_url(settings, public_id) if public_id else "", note)
        for line, status, public_id, note in sorted(lines)
    )
    return csv_bytes(["row", "status", "public_id", "verify_url", "problem"], rows)


class _ProgressBar:
    """``[#####-----]  1234/17000  7 %  56/s`` on standard error, redrawn in place on a
    terminal, every 10 % otherwise (logs, CI)."""

    def __init__(self, total: int):
        import time  # noqa: PLC0415

        self.total, self.start, self.clock = max(1, total), time.monotonic(), time.monotonic
        self.tty = sys.stderr.isatty()
        self.shown = -1

    def update(self, done: int, total: int) -> None:
        fraction = done / max(1, total)
        if not self.tty and int(fraction * 10) == self.shown:
            return
        self.shown = int(fraction * 10)
        rate = done / max(1e-6, self.clock() - self.start)
        filled = int(fraction * 30)
        line = f"[{'#' * filled}{'-' * (30 - filled)}] {done:>6}/{total} {fraction:4.0%} {rate:6.0f}/s"
        print(("\r" + line) if self.tty else line, end="" if self.tty else "\n", file=sys.stderr, flush=True)

    def finish(self) -> None:
        if self.tty:
            print(file=sys.stderr)


def cmd_revoke(args: argparse.Namespace) -> int:
    rt = runtime(args)
    with session_scope(rt.sessions) as session:
        cert = cert_services.get_certificate(session, args.public_id)
        cert_services.revoke(
            session, rt.context, cert=cert, reason=args.reason, actor=CLI_ACTOR, category=args.category
        )
    print(f"Revoked {args.public_id}")
    return EXIT_OK


def add_issue(sub: Commands) -> None:
    """``issue``, ``pdf`` and ``portfolio``."""
    issue = sub.add_parser("issue", help="issue a certificate; prints its public verify URL")
    issue.add_argument("--org", required=True)
    issue.add_argument("--holder", required=True, help="the holder's name as it should appear")
    issue.add_argument("--competence", required=True, help="competence code (see catalogue list)")
    issue.add_argument("--level", default="1", help="1 met begeleiding, 2 zelfstandig, 3 kan anderen instrueren")
    issue.add_argument("--evidence", help="what the supervisor saw")
    issue.add_argument("--out", metavar="DIR", help="also write DIR/<public-id>.json")
    issue.set_defaults(handler=cmd_issue)

    pdf = sub.add_parser("pdf", help="write a certificate's PDF (with its QR code and the signed JSON inside)")
    pdf.add_argument("public_id")
    pdf.add_argument("--out", required=True, metavar="FILE", help="the PDF file to write")
    pdf.set_defaults(handler=cmd_pdf)

    portfolio = sub.add_parser("portfolio", help="write a holder's portfolio: one PDF, or a ZIP with everything")
    portfolio.add_argument("--holder", required=True, help="the participant's number (as in /deelnemers/<number>)")
    portfolio.add_argument("--org", help="only if the participant belongs to this organisation (slug)")
    portfolio.add_argument(
        "--out", required=True, metavar="FILE", help="FILE.pdf: the portfolio PDF; FILE.zip: every PDF and JSON"
    )
    portfolio.set_defaults(handler=cmd_portfolio)


def add_bulk_issue(sub: Commands) -> None:
    """``bulk-issue``: a certificate for every row of a CSV file."""
    bulk_issue = sub.add_parser(
        "bulk-issue", help="issue a certificate for every row of a CSV file (checked first; safe to run again)"
    )
    bulk_issue.add_argument("file", help="CSV: holder_name,competence,level[,evidence,issued_on,external_ref]")
    bulk_issue.add_argument("--org", required=True)
    bulk_issue.add_argument("--supervisor", metavar="EMAIL", help="the supervisor who assessed (and their shop)")
    bulk_issue.add_argument("--out", metavar="DIR", help="write DIR/bulk-report.csv (one line per row)")
    bulk_issue.add_argument("--workers", type=int, help="signing processes (default: one per core; 0: none)")
    bulk_issue.set_defaults(handler=cmd_bulk_issue)


def add_revoke(sub: Commands) -> None:
    """``revoke``."""
    revoke = sub.add_parser("revoke", help="revoke a certificate")
    revoke.add_argument("public_id")
    revoke.add_argument("--reason", required=True, help="why, for the organisation only")
    revoke.add_argument("--category", choices=cert_services.REVOCATION_CATEGORIES, default="other",
                        help="why, in the words the public verify page shows (default: other)")  # fmt: skip
    revoke.set_defaults(handler=cmd_revoke)
