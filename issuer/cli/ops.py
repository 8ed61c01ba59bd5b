"""The operators' commands: ``init`` (the database), ``audit``, ``backup`` and ``restore``."""

from __future__ import annotations

import argparse
from pathlib import Path

from issuer.cli.common import CLI_ACTOR, EXIT_OK, EXIT_REFUSED, Commands, runtime
from issuer.core import audit_log
from issuer.sector.framework import competences as framework_competences
from issuer.sector.trust import services as trust
from issuer.store.db import init_lock, session_scope, upgrade
from issuer.store.settings import Settings


def cmd_init(args: argparse.Namespace) -> int:
    rt = runtime(args)
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


def cmd_audit_verify(args: argparse.Namespace) -> int:
    rt = runtime(args)
    with session_scope(rt.sessions) as session:
        problems = audit_log.verify_audit_chain(session)
    if problems:
        print("The audit log does NOT verify:")
        for problem in problems:
            print(f"  {problem}")
        return EXIT_REFUSED
    print("The audit log verifies: every event is linked to the one before it.")
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


def add_init(sub: Commands) -> None:
    """``init``: create or upgrade the database."""
    init = sub.add_parser("init", help="create or upgrade the database and load the catalogue")
    init.add_argument("--demo", action="store_true", help="also add the demo organisation, staff and participants")
    init.set_defaults(handler=cmd_init)


def add_audit_backup_restore(sub: Commands) -> None:
    """``audit``, ``backup`` and ``restore``."""
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
