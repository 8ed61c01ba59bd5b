"""``credentials``: the command line for people, scripts and operators.

The core's offline commands (keygen, sign, verify, demo) plus the service's:
init, org, user, catalogue, framework, issue, bulk-issue, pdf, portfolio, revoke, keys, audit, backup, restore
and serve. They read the same ``CREDENTIALS_*`` settings as the server. Exit codes: 0 done, 1 refused
(a clear message says why; nothing was changed), 2 usage error.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from credentials import cli as core_cli
from issuer.accounts import services as account_services
from issuer.certificates import services as cert_services
from issuer.core import audit_log, errors, identity
from issuer.core.keystore import KeyStoreError
from issuer.core.spreadsheet import csv_bytes
from issuer.organisations import services as org_services
from issuer.participants import services as participant_services
from issuer.runtime import Runtime, build_runtime
from issuer.sector.framework import competences as framework_competences
from issuer.sector.trust import services as trust
from issuer.store.db import DatabaseUnavailable, init_lock, session_scope, upgrade
from issuer.store.models import User
from issuer.store.settings import Settings, SettingsError
from issuer.webkit.serving import DEFAULT_WORKERS, ServingError, serve_production
from verifier.sql_records import SqlRecords, member_of, periods_of

if TYPE_CHECKING:
    from issuer.bulk.services import BulkOutcome

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
CLI_ACTOR = "cli:" + (os.environ.get("USER") or "operator")


def _runtime(args: argparse.Namespace) -> Runtime:
    return build_runtime(Settings.from_env(), verifier_only=getattr(args, "verifier_only", False))


def cmd_init(args: argparse.Namespace) -> int:
    rt = _runtime(args)
    rt.settings.instance_dir.mkdir(parents=True, exist_ok=True)
    with init_lock(rt.engine):  # replicas starting together: one at a time
        upgrade(rt.engine)
        with session_scope(rt.sessions) as session:
            added = framework_competences.sync_catalogue(session)
            trust.ensure_sector_key(session, rt.context, actor=CLI_ACTOR)  # the trust list's signer
        print(f"Database ready ({_safe_url(rt.settings.database_url)}); catalogue versions added: {added}.")
        if args.demo:
            from issuer.ops.demo import create_demo_data  # noqa: PLC0415 - demo only

            with session_scope(rt.sessions) as session:
                logins = create_demo_data(session, rt.context)
    if args.demo:
        print("Demo organisation 'kringloop-demo' is ready. Log in with:")
        for login in logins:
            print(f"  {login.role:<13} {login.email}  password: {login.password}")
        from issuer.ops.demo import DEMO_HOLDER_CODE, DEMO_PARTICIPANTS  # noqa: PLC0415

        print(f"Portfolio of {DEMO_PARTICIPANTS[0]}: {rt.settings.base_url}/portfolio, code {DEMO_HOLDER_CODE}")
    return EXIT_OK


def _safe_url(url: str) -> str:
    scheme, _, rest = url.partition("://")
    if "@" in rest:
        rest = rest.split("@", 1)[1]
        return f"{scheme}://…@{rest}"
    return url


def cmd_org_add(args: argparse.Namespace) -> int:
    rt = _runtime(args)
    with session_scope(rt.sessions) as session:
        org, created = org_services.create_organisation(
            session,
            rt.context,
            slug=args.slug,
            name=args.name,
            actor=CLI_ACTOR,
            contact_email=args.email,
            contact_phone=args.phone,
            website=args.website,
            quality_mark=trust.clean_quality_mark(args.quality_mark),
        )
        did = org.did
    print(f"{'Created' if created else 'Already there'}: {args.slug} ({did})")
    print(f"DID document: {rt.settings.base_url}/orgs/{args.slug}/did.json")
    return EXIT_OK


def cmd_org_membership(args: argparse.Namespace) -> int:
    """Suspend, end or reinstate a membership (issue 9, issuer.sector.trust.services)."""
    rt = _runtime(args)
    with session_scope(rt.sessions) as session:
        org = org_services.get_org(session, args.slug)
        period = trust.change_membership(session, org=org, action=args.action, reason=args.reason, actor=CLI_ACTOR)
        status, since = period.status, period.started_at
    print(f"{args.slug}: membership {status} from {since:%Y-%m-%d %H:%M:%S} UTC")
    return EXIT_OK


def cmd_org_show(args: argparse.Namespace) -> int:
    """An organisation's membership periods and keys."""
    rt = _runtime(args)
    with session_scope(rt.sessions, reads_only=True) as session:
        org = org_services.get_org(session, args.slug)
        member = member_of(org, org_services.org_keys(session, org), periods_of(session, org))
    print(f"{member.name} ({member.slug}) {member.did}  quality mark: {member.quality_mark}")
    for period in member.periods:
        until = f"{period.end:%Y-%m-%d %H:%M:%S}" if period.end else "now"
        print(f"  {period.status:<10} {period.start:%Y-%m-%d %H:%M:%S} .. {until}")
    for key in member.keys:
        state = "compromised" if key.compromised else "retired" if key.retired else "current"
        print(f"  key {key.id.split('#', 1)[1]:<22} {state:<12} created {key.created:%Y-%m-%d}")
    return EXIT_OK


def cmd_sector_key_init(args: argparse.Namespace) -> int:
    rt = _runtime(args)
    with session_scope(rt.sessions) as session:
        row, created = trust.ensure_sector_key(session, rt.context, actor=CLI_ACTOR)
        vm = row.verification_method
    print(f"{'Created' if created else 'Already there'}: sector key {vm}")
    return EXIT_OK


def cmd_sector_key_rotate(args: argparse.Namespace) -> int:
    rt = _runtime(args)
    with session_scope(rt.sessions) as session:
        vm = trust.rotate_sector_key(session, rt.context, actor=CLI_ACTOR).verification_method
    print(f"New sector key: {vm} (the old one stays in the DID document, retired)")
    return EXIT_OK


def cmd_sector_trust_list(args: argparse.Namespace) -> int:
    """Write the signed trust list (or, with --dcc, the DCC registry) to a file."""
    rt = _runtime(args)
    with session_scope(rt.sessions, reads_only=True) as session:
        sign = trust.sign_trust_list
        document = SqlRecords(session).dcc_registry(rt.settings.base_url) if args.dcc else sign(session, rt.context)
    data = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    path = _write_atomically(args.out, data)
    print(f"Wrote {path} ({len(data):,} bytes)")
    return EXIT_OK


def _password(args: argparse.Namespace) -> tuple[str, bool]:
    if os.environ.get("CREDENTIALS_NEW_PASSWORD"):
        return os.environ["CREDENTIALS_NEW_PASSWORD"], False
    if sys.stdin.isatty():
        first = getpass.getpass("Password (at least 12 characters): ")
        if first != getpass.getpass("Again: "):
            raise core_cli.UsageError("the passwords differ")
        return first, False
    return secrets.token_urlsafe(12), True


def cmd_user_add(args: argparse.Namespace) -> int:
    rt = _runtime(args)
    password, generated = _password(args)
    with session_scope(rt.sessions) as session:
        org = org_services.get_org(session, args.org) if args.org else None
        _, created = account_services.add_user(
            session,
            email=args.email,
            name=args.name or args.email,
            password=password,
            role=args.role,
            org=org,
            actor=CLI_ACTOR,
        )
    if not created:
        print(f"Already there: {args.email} (unchanged)")
    elif generated:
        print(f"Created {args.email}; generated password (shown once): {password}")
    else:
        print(f"Created {args.email}")
    return EXIT_OK


def cmd_catalogue_list(args: argparse.Namespace) -> int:
    from issuer.catalogue import catalogue_json, load_catalogue  # noqa: PLC0415

    if args.json:
        print(json.dumps(catalogue_json(), ensure_ascii=False, indent=2))
        return EXIT_OK
    catalogue = load_catalogue()
    for group in catalogue.groups:
        print(f"{group.name_nl} / {group.name_en}")
        for competence in catalogue.competences:
            if competence.group == group.code:
                print(f"  {competence.code:<28} {competence.name_nl}")
    print(f"\n{catalogue.framework.esco_attribution}")
    return EXIT_OK


def cmd_framework_show(args: argparse.Namespace) -> int:
    from issuer.sector.framework import services as framework  # noqa: PLC0415

    rt = _runtime(args)
    with session_scope(rt.sessions) as session:
        if args.json:
            print(json.dumps(framework.published_document(session, rt.settings.base_url), ensure_ascii=False, indent=2))
            return EXIT_OK
        for version in framework.versions(session):
            published = framework.published_at(version)
            when = f"published {published:%Y-%m-%d} by {version.published_by}" if published else "draft"
            print(f"version {version.number}: {when}" + (f" - {version.note}" if version.note else ""))
            for change in framework.changes(session, version.number):
                print(f"  {change.kind:<10} {change.code:<28} {change.name_nl}")
        if args.version is not None:
            framework.get_version(session, args.version)
            print(f"\ncompetences of version {args.version}:")
            for row in framework.rows_of(session, args.version):
                print(f"  {row.code:<28} {row.status:<8} v{row.data['since_version']:<3} {row.data['name_nl']}")
    return EXIT_OK


def cmd_framework_draft(args: argparse.Namespace) -> int:
    from issuer.sector.framework import services as framework  # noqa: PLC0415

    rt = _runtime(args)
    with session_scope(rt.sessions) as session:
        number = framework.start_draft(session, actor=CLI_ACTOR).number
    print(f"Draft of framework version {number} started (a copy of version {number - 1}).")
    return EXIT_OK


def cmd_framework_apply(args: argparse.Namespace) -> int:
    from issuer.sector.framework import services as framework  # noqa: PLC0415

    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise core_cli.UsageError(f"cannot read {args.file}: {exc}") from exc
    rt = _runtime(args)
    with session_scope(rt.sessions) as session:
        number, count = framework.apply_changes(session, text, actor=CLI_ACTOR)
    print(f"Applied {count} change(s) to the draft of framework version {number}.")
    return EXIT_OK


def cmd_framework_publish(args: argparse.Namespace) -> int:
    from issuer.sector.framework import services as framework  # noqa: PLC0415

    rt = _runtime(args)
    with session_scope(rt.sessions) as session:
        version = framework.publish(session, note=args.note, actor=CLI_ACTOR)
        number, count = version.number, len(framework.changes(session, version.number))
    print(f"Published framework version {number} ({count} change(s)); new certificates are issued under it.")
    return EXIT_OK


def cmd_framework_discard(args: argparse.Namespace) -> int:
    from issuer.sector.framework import services as framework  # noqa: PLC0415

    rt = _runtime(args)
    with session_scope(rt.sessions) as session:
        number = framework.discard_draft(session, actor=CLI_ACTOR)
    print(f"Draft of framework version {number} discarded.")
    return EXIT_OK


def cmd_issue(args: argparse.Namespace) -> int:
    rt = _runtime(args)
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


def _write_atomically(target: str, data: bytes) -> Path:
    """Write ``data`` to ``target`` via a temporary file in the same folder: a reader never
    sees half a file, and an interrupted run leaves the old file (or none)."""
    path = Path(target)
    if path.is_dir():
        raise core_cli.UsageError(f"--out {target} is a folder; give a file name")
    if not path.parent.is_dir():
        raise core_cli.UsageError(f"the folder {path.parent} does not exist")
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise core_cli.UsageError(f"cannot write {target}: {exc.strerror}") from exc
    return path


def cmd_pdf(args: argparse.Namespace) -> int:
    from issuer.certificates import documents  # noqa: PLC0415 - PDF rendering only where asked for

    rt = _runtime(args)
    with session_scope(rt.sessions, reads_only=True) as session:
        cert = cert_services.get_certificate(session, args.public_id)
        if cert.holder_erased:
            raise errors.NotFound("the holder's data was erased", code="participant_erased")
        data = documents.certificate_pdf(rt.settings, cert)
    path = _write_atomically(args.out, data)
    print(f"Wrote {path} ({len(data):,} bytes)")
    return EXIT_OK


def cmd_portfolio(args: argparse.Namespace) -> int:
    from issuer.certificates import documents  # noqa: PLC0415

    rt = _runtime(args)
    with session_scope(rt.sessions, reads_only=True) as session:
        holder = participant_services.get_participant(session, args.holder, org_slug=args.org)
        certificates = participant_services.holder_certificates(session, holder)
        name = holder.name or ""
        if args.out.lower().endswith(".zip"):
            data = documents.portfolio_zip(rt.settings, name, certificates)
        else:
            data = documents.portfolio_pdf(rt.settings, name, certificates)
        count = len(documents.bundled(certificates))
    path = _write_atomically(args.out, data)
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
    rt = _runtime(args)
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
        _write_atomically(str(report), _bulk_report(rt.settings, outcome))
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
    rt = _runtime(args)
    with session_scope(rt.sessions) as session:
        cert = cert_services.get_certificate(session, args.public_id)
        cert_services.revoke(
            session, rt.context, cert=cert, reason=args.reason, actor=CLI_ACTOR, category=args.category
        )
    print(f"Revoked {args.public_id}")
    return EXIT_OK


def cmd_keys_list(args: argparse.Namespace) -> int:
    rt = _runtime(args)
    with session_scope(rt.sessions) as session:
        org = org_services.get_org(session, args.org)
        for key in org_services.org_keys(session, org):
            state = "compromised" if key.compromised_at else "retired" if key.retired_at else "current"
            print(f"{key.fragment:<22} {state:<12} created {key.created_at:%Y-%m-%d}  {key.verification_method}")
    return EXIT_OK


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    rt = _runtime(args)
    with session_scope(rt.sessions) as session:
        org = org_services.get_org(session, args.org)
        key = org_services.rotate_key(session, rt.context, org=org, actor=CLI_ACTOR)
        vm = key.verification_method
    print(f"New signing key for {args.org}: {vm}")
    return EXIT_OK


def cmd_keys_compromise(args: argparse.Namespace) -> int:
    rt = _runtime(args)
    with session_scope(rt.sessions) as session:
        org = org_services.get_org(session, args.org)
        pairs = cert_services.mark_compromised(
            session, rt.context, org=org, fragment=args.key, actor=CLI_ACTOR, reissue=not args.no_reissue
        )
        lines = [(old.public_id, new.public_id if new else None) for old, new in pairs]
    print(f"Key {args.key} of {args.org} marked compromised; {len(lines)} certificate(s) it signed:")
    for old_id, new_id in lines:
        print(f"  {old_id} revoked" + (f", re-issued as {identity.verify_url(rt.settings, new_id)}" if new_id else ""))
    return EXIT_OK


def cmd_audit_verify(args: argparse.Namespace) -> int:
    rt = _runtime(args)
    with session_scope(rt.sessions) as session:
        problems = audit_log.verify_audit_chain(session)
    if problems:
        print("The audit log does NOT verify:")
        for problem in problems:
            print(f"  {problem}")
        return EXIT_REFUSED
    print("The audit log verifies: every event is linked to the one before it.")
    return EXIT_OK


def cmd_regions_list(args: argparse.Namespace) -> int:
    from issuer.sector.regions import services as regions  # noqa: PLC0415 - only these commands need it

    rt = _runtime(args)
    with session_scope(rt.sessions) as session:
        rows = regions.list_regions(session)
        unplaced = regions.shops_without_region(session)
    if args.json:
        print(json.dumps([dataclasses.asdict(row) for row in rows], ensure_ascii=False, indent=2))
        return EXIT_OK
    for row in rows:
        print(f"{row.code:<36} {'partnership' if row.in_partnership else '-':<12} {row.shops:>4} shop(s)  {row.name}")
    for shop in unplaced:
        legacy = f": {shop.legacy!r}" if shop.legacy else ""
        print(f"shop {shop.id} ({shop.organisation}, {shop.name}) has no region{legacy}")
    return EXIT_OK


def cmd_regions_import(args: argparse.Namespace) -> int:
    """All or nothing: every bad line is listed and nothing changes."""
    from issuer.sector.regions import services as regions  # noqa: PLC0415

    rt = _runtime(args)
    with session_scope(rt.sessions) as session:
        summary = regions.import_regions(session, Path(args.file).read_bytes(), actor=CLI_ACTOR)
    added, changed = len(summary.added), len(summary.changed)
    print(f"Regions imported: {added} added, {changed} changed, {summary.unchanged} unchanged.")
    return EXIT_OK


def cmd_regions_remove(args: argparse.Namespace) -> int:
    from issuer.core import region_names  # noqa: PLC0415
    from issuer.sector.regions import services as regions  # noqa: PLC0415

    rt = _runtime(args)
    with session_scope(rt.sessions) as session:
        region = region_names.find_region(session, args.region) or regions.get_region(session, args.region)
        regions.remove_region(session, region=region, actor=CLI_ACTOR)
    print(f"Region {args.region} removed.")
    return EXIT_OK


def cmd_regions_figures(args: argparse.Namespace) -> int:
    """The protected figures as the CSV the sector admin's page exports."""
    from issuer.catalogue import load_catalogue  # noqa: PLC0415
    from issuer.sector.regions import services as regions  # noqa: PLC0415

    rt = _runtime(args)
    first, last = regions.parse_month(args.first, field_name="from"), regions.parse_month(args.last, field_name="to")
    flt = regions.FigureFilter(first, last, args.region, args.partnership_only)
    catalogue = load_catalogue()
    with session_scope(rt.sessions, reads_only=True) as session:
        figures = regions.regional_figures(session, flt)
        names = regions.competence_names(session, "nl")
    data = regions.figures_csv(figures, names=names, groups={g.code: g.name("nl") for g in catalogue.groups},
                               levels={lv.code: lv.name("nl") for lv in catalogue.levels})  # fmt: skip
    path = _write_atomically(args.out, data)
    print(f"Wrote {path} ({len(figures.cells)} cells; fewer than {regions.THRESHOLD} people are never shown).")
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    """One archive with the database and the encrypted key store (personal data: keep it safe)."""
    from issuer.ops import backup  # noqa: PLC0415 - only this command needs it

    summary = backup.create_backup(Settings.from_env(), Path(args.out))
    rows = sum(summary.tables.values())
    print(
        f"Wrote {summary.path} ({summary.size:,} bytes, mode 0600): {rows} rows in {len(summary.tables)} tables, "
        f"{summary.keys} key file(s), schema revision {summary.revision}."
    )
    print("It holds personal data and the (encrypted) signing keys: store it as safely as the database.")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore an archive into an empty database and key store, then check the result."""
    from issuer.ops import backup  # noqa: PLC0415

    settings = Settings.from_env()
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    report = backup.restore_backup(settings, Path(args.file))
    print(f"Restored {args.file}:")
    for line in report.lines():
        print(f"  {line}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    if args.workers is not None and not args.production:
        raise core_cli.UsageError("--workers needs --production (the development server has one process)")
    settings = Settings.from_env(verifier_only=args.verifier_only)
    # --log-format, else CREDENTIALS_LOG_FORMAT, else json in production and text otherwise.
    log_format = args.log_format or settings.log_format or ("json" if args.production else "text")
    settings = dataclasses.replace(settings, log_format=log_format)
    if args.production:
        return _serve_production(args, settings)
    from issuer.app import create_app  # noqa: PLC0415

    app = create_app(settings=settings, verifier_only=args.verifier_only)
    print(f"Serving on http://{args.host}:{args.port}/ (public base URL {settings.base_url})")
    app.run(host=args.host, port=args.port, debug=False, use_reloader=False)
    return EXIT_OK


def production_problems(settings: Settings) -> list[str]:
    """What makes ``settings`` unfit for production; ``serve --production`` refuses to start
    while this list is not empty."""
    return [f"{name} is not set: a generated development value is in use" for name in settings.dev_fallbacks]


def _serve_production(args: argparse.Namespace, settings: Settings) -> int:
    """gunicorn with sync workers (see :mod:`issuer.webkit.serving`). The verifier alone runs
    in a fresh process (``python -m verifier``), so its workers load nothing of the issuer
    but the data layer and the web toolkit."""
    workers = DEFAULT_WORKERS if args.workers is None else args.workers
    if workers < 1:
        raise core_cli.UsageError("--workers must be at least 1")
    problems = production_problems(settings)
    if problems:
        for problem in problems:
            print(f"credentials: refused: {problem}", file=sys.stderr)
        print(
            "credentials: production mode needs real secrets from the environment (see README, Configuration);"
            " nothing was started",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    log_format = settings.log_format or "json"
    if args.verifier_only:
        command = [sys.executable, "-m", "verifier", "--production", "--host", args.host, "--port", str(args.port),
                   "--workers", str(workers), "--log-format", log_format]  # fmt: skip
        sys.stdout.flush()
        os.execv(sys.executable, command)  # noqa: S606 - our own interpreter and module, no shell
    from issuer.wsgi import create  # noqa: PLC0415

    print(
        f"Serving on http://{args.host}:{args.port}/ with {workers} gunicorn worker(s); "
        f"public base URL {settings.base_url}",
        flush=True,
    )
    try:
        serve_production(lambda: create(settings=settings), host=args.host, port=args.port, workers=workers,
                         log_format=log_format, proc_name="credentials")  # fmt: skip
    except ServingError as exc:
        raise core_cli.UsageError(str(exc)) from None
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="credentials", description="Kringloop competence certificates.")
    sub = parser.add_subparsers(dest="command", required=True)
    core_cli.add_commands(sub)

    init = sub.add_parser("init", help="create or upgrade the database and load the catalogue")
    init.add_argument("--demo", action="store_true", help="also add the demo organisation, staff and participants")
    init.set_defaults(handler=cmd_init)

    org = sub.add_parser("org", help="member organisations").add_subparsers(dest="org_command", required=True)
    org_add = org.add_parser("add", help="add a member organisation (idempotent)")
    org_add.add_argument("slug")
    org_add.add_argument("--name", required=True)
    org_add.add_argument("--email", help="contact e-mail shown to employers")
    org_add.add_argument("--phone", help="contact phone shown to employers")
    org_add.add_argument("--website")
    org_add.add_argument("--quality-mark", default="geen", choices=["erkend", "in_aanvraag", "geen"])
    org_add.set_defaults(handler=cmd_org_add)
    for action, text in (("suspend", "suspend a membership (issuing stops at once)"),
                         ("end", "end a membership (issuing stops at once)"),
                         ("reinstate", "reinstate a suspended or ended membership")):  # fmt: skip
        change = org.add_parser(action, help=text)
        change.add_argument("slug")
        change.add_argument("--reason", required=True)
        change.set_defaults(handler=cmd_org_membership, action=action)
    org_show = org.add_parser("show", help="an organisation's membership periods and keys")
    org_show.add_argument("slug")
    org_show.set_defaults(handler=cmd_org_show)

    sector = sub.add_parser("sector", help="the sector's own key and trust list").add_subparsers(
        dest="sector_command", required=True
    )
    sector_key = sector.add_parser("key", help="the sector's did:web key").add_subparsers(
        dest="sector_key_command", required=True
    )
    sector_key.add_parser("init", help="make the sector key when there is none (safe to run again)").set_defaults(
        handler=cmd_sector_key_init
    )
    sector_key.add_parser("rotate", help="sign with a new sector key (the old one stays, retired)").set_defaults(
        handler=cmd_sector_key_rotate
    )
    trust_list = sector.add_parser("trust-list", help="write the signed trust list (or the DCC registry) to a file")
    trust_list.add_argument("--out", required=True, metavar="FILE")
    trust_list.add_argument("--dcc", action="store_true", help="the DCC issuer registry (active members) instead")
    trust_list.set_defaults(handler=cmd_sector_trust_list)

    user = sub.add_parser("user", help="staff accounts").add_subparsers(dest="user_command", required=True)
    user_add = user.add_parser(
        "add", help="add a staff account (idempotent); password from CREDENTIALS_NEW_PASSWORD, a prompt, or generated"
    )
    user_add.add_argument("email")
    user_add.add_argument("--org", help="organisation slug (not for sector_admin)")
    user_add.add_argument("--role", required=True, choices=["supervisor", "org_admin", "sector_admin"])
    user_add.add_argument("--name")
    user_add.set_defaults(handler=cmd_user_add)

    catalogue = sub.add_parser("catalogue", help="the competence catalogue").add_subparsers(
        dest="catalogue_command", required=True
    )
    catalogue_list = catalogue.add_parser("list", help="list the competences")
    catalogue_list.add_argument("--json", action="store_true")
    catalogue_list.set_defaults(handler=cmd_catalogue_list)

    fw = sub.add_parser("framework", help="the competence framework's versions").add_subparsers(
        dest="framework_command", required=True
    )
    fw_show = fw.add_parser("show", help="the versions and their changes")
    fw_show.add_argument("--version", type=int, help="also list this version's competences")
    fw_show.add_argument("--json", action="store_true", help="the published versions as JSON")
    fw_show.set_defaults(handler=cmd_framework_show)
    fw.add_parser("draft", help="start a draft of the next version").set_defaults(handler=cmd_framework_draft)
    fw_apply = fw.add_parser("apply", help="apply a JSON change file to the draft (all or nothing)")
    fw_apply.add_argument("file", help='{"changes": [{"op": "add|reword|align|retire|undo", "code": ...}]}')
    fw_apply.set_defaults(handler=cmd_framework_apply)
    fw_publish = fw.add_parser("publish", help="publish the draft; new certificates are issued under it")
    fw_publish.add_argument("--note", required=True, help="what changed and why (shown publicly)")
    fw_publish.set_defaults(handler=cmd_framework_publish)
    fw.add_parser("discard", help="throw the draft away").set_defaults(handler=cmd_framework_discard)

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

    bulk_issue = sub.add_parser(
        "bulk-issue", help="issue a certificate for every row of a CSV file (checked first; safe to run again)"
    )
    bulk_issue.add_argument("file", help="CSV: holder_name,competence,level[,evidence,issued_on,external_ref]")
    bulk_issue.add_argument("--org", required=True)
    bulk_issue.add_argument("--supervisor", metavar="EMAIL", help="the supervisor who assessed (and their shop)")
    bulk_issue.add_argument("--out", metavar="DIR", help="write DIR/bulk-report.csv (one line per row)")
    bulk_issue.add_argument("--workers", type=int, help="signing processes (default: one per core; 0: none)")
    bulk_issue.set_defaults(handler=cmd_bulk_issue)

    revoke = sub.add_parser("revoke", help="revoke a certificate")
    revoke.add_argument("public_id")
    revoke.add_argument("--reason", required=True, help="why, for the organisation only")
    revoke.add_argument("--category", choices=cert_services.REVOCATION_CATEGORIES, default="other",
                        help="why, in the words the public verify page shows (default: other)")  # fmt: skip
    revoke.set_defaults(handler=cmd_revoke)

    keys = sub.add_parser("keys", help="signing keys").add_subparsers(dest="keys_command", required=True)
    keys_list = keys.add_parser("list", help="an organisation's keys and their state")
    keys_list.add_argument("--org", required=True)
    keys_list.set_defaults(handler=cmd_keys_list)
    keys_rotate = keys.add_parser("rotate", help="start signing with a new key (old keys stay valid)")
    keys_rotate.add_argument("--org", required=True)
    keys_rotate.set_defaults(handler=cmd_keys_rotate)
    keys_compromise = keys.add_parser("compromise", help="mark a key compromised and re-issue what it signed")
    keys_compromise.add_argument("--org", required=True)
    keys_compromise.add_argument("--key", required=True, help="key fragment, e.g. key-1a2b… (see keys list)")
    keys_compromise.add_argument("--no-reissue", action="store_true", help="revoke only, do not re-issue")
    keys_compromise.set_defaults(handler=cmd_keys_compromise)

    regions_cmd = sub.add_parser("regions", help="labour-market regions and the figures per region").add_subparsers(
        dest="regions_command", required=True
    )
    regions_list = regions_cmd.add_parser("list", help="the regions, their shops, and shops without a region")
    regions_list.add_argument("--json", action="store_true")
    regions_list.set_defaults(handler=cmd_regions_list)
    regions_import = regions_cmd.add_parser(
        "import", help="add or change regions from a CSV file (name,in_sector_partnership[,code]); all or nothing"
    )
    regions_import.add_argument("file")
    regions_import.set_defaults(handler=cmd_regions_import)
    regions_remove = regions_cmd.add_parser("remove", help="remove a region no shop is in")
    regions_remove.add_argument("region", help="its code or name")
    regions_remove.set_defaults(handler=cmd_regions_remove)
    regions_figures = regions_cmd.add_parser("figures", help="write the anonymous figures per region as CSV")
    regions_figures.add_argument("--from", dest="first", required=True, metavar="YYYY-MM")
    regions_figures.add_argument("--to", dest="last", required=True, metavar="YYYY-MM")
    regions_figures.add_argument("--region", help="one region's code (or onbekend)")
    regions_figures.add_argument("--partnership-only", action="store_true")
    regions_figures.add_argument("--out", required=True)
    regions_figures.set_defaults(handler=cmd_regions_figures)

    audit = sub.add_parser("audit", help="the audit log").add_subparsers(dest="audit_command", required=True)
    audit_verify = audit.add_parser("verify", help="check the audit log's hash chain")
    audit_verify.set_defaults(handler=cmd_audit_verify)

    backup = sub.add_parser(
        "backup",
        help="write one archive with the database and the encrypted key store (contains personal data)",
        description="Write one archive (tar.gz, mode 0600) with every table of the database, read as one "
        "consistent snapshot, the key store's encrypted key files and a manifest with SHA-256 hashes. The "
        "archive contains personal data (holders' names, e-mail addresses, certificates): store it as safely "
        "as the database. Restoring it also needs CREDENTIALS_KEY_PASSPHRASE, which is not in the archive.",
    )
    backup.add_argument("--out", required=True, metavar="FILE", help="the archive to write (replaced atomically)")
    backup.set_defaults(handler=cmd_backup)
    restore = sub.add_parser(
        "restore",
        help="restore a backup archive into an empty database and key store, then verify it",
        description="Restore an archive made by 'credentials backup' into the configured database and key store, "
        "which must be empty (nothing is ever overwritten), with the same CREDENTIALS_BASE_URL and "
        "CREDENTIALS_KEY_PASSPHRASE. Checks before it commits: the archive's hashes, the audit chain, a sample "
        "of certificates through the public verifier, the status bits, every organisation's current key. Any "
        "failure changes nothing (exit 1). The archive contains personal data.",
    )
    restore.add_argument("file", help="the archive written by credentials backup")
    restore.set_defaults(handler=cmd_restore)

    serve = sub.add_parser("serve", help="run the web service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--verifier-only", action="store_true", help="public pages only, no access to signing keys")
    serve.add_argument(
        "--production", action="store_true", help="serve with gunicorn (sync workers) instead of the development server"
    )
    serve.add_argument(
        "--workers", type=int, help=f"gunicorn worker processes, with --production (default {DEFAULT_WORKERS})"
    )
    serve.add_argument(
        "--log-format",
        choices=("json", "text"),
        help="log lines as JSON or text (default CREDENTIALS_LOG_FORMAT, else json with --production, else text)",
    )
    serve.set_defaults(handler=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except core_cli.UsageError as exc:
        parser.exit(EXIT_USAGE, f"credentials: error: {exc}\n")
    except errors.ServiceError as exc:
        print(f"credentials: refused: {exc.message}", file=sys.stderr)
        return EXIT_REFUSED
    except DatabaseUnavailable as exc:
        print(f"credentials: the database cannot be reached ({exc}); nothing was changed", file=sys.stderr)
        return EXIT_REFUSED
    except (SettingsError, KeyStoreError) as exc:
        print(f"credentials: {exc}", file=sys.stderr)
        return EXIT_REFUSED

