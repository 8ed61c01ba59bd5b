"""``credentials``: the command line for people, scripts and operators.

The core's offline commands (keygen, sign, verify, demo) plus the service's:
init, org, user, catalogue, framework, issue, bulk-issue, pdf, portfolio, revoke, keys, audit, backup, restore
and serve. They read the same ``CREDENTIALS_*`` settings as the server. Exit codes: 0 done, 1 refused
(a clear message says why; nothing was changed), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from credentials import cli as core_cli
from issuer.cli import certificates, ops, organisations, sector, serve
from issuer.cli.common import CLI_ACTOR, EXIT_OK, EXIT_REFUSED, EXIT_USAGE
from issuer.core import errors
from issuer.core.keystore import KeyStoreError
from issuer.store.db import DatabaseUnavailable
from issuer.store.settings import SettingsError

__all__ = ["CLI_ACTOR", "EXIT_OK", "EXIT_REFUSED", "EXIT_USAGE", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="credentials", description="Kringloop competence certificates.")
    sub = parser.add_subparsers(dest="command", required=True)
    core_cli.add_commands(sub)
    # In the order ``credentials --help`` lists them.
    ops.add_init(sub)
    organisations.add_org(sub)
    sector.add_sector(sub)
    organisations.add_user(sub)
    sector.add_catalogue_and_framework(sub)
    certificates.add_issue(sub)
    certificates.add_bulk_issue(sub)
    certificates.add_revoke(sub)
    organisations.add_keys(sub)
    sector.add_regions(sub)
    ops.add_audit_backup_restore(sub)
    serve.add_serve(sub)
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
