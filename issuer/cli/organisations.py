"""The member organisations' commands: ``org`` (add, suspend, end, reinstate, show), ``user``
(staff accounts) and ``keys`` (list, rotate, compromise)."""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys

from credentials import cli as core_cli
from issuer.accounts import services as account_services
from issuer.certificates import services as cert_services
from issuer.cli.common import CLI_ACTOR, EXIT_OK, Commands, runtime
from issuer.core import identity
from issuer.organisations import services as org_services
from issuer.sector.trust import services as trust
from issuer.store.db import session_scope
from verifier.sql_records import member_of, periods_of


def cmd_org_add(args: argparse.Namespace) -> int:
    rt = runtime(args)
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
    rt = runtime(args)
    with session_scope(rt.sessions) as session:
        org = org_services.get_org(session, args.slug)
        period = trust.change_membership(session, org=org, action=args.action, reason=args.reason, actor=CLI_ACTOR)
        status, since = period.status, period.started_at
    print(f"{args.slug}: membership {status} from {since:%Y-%m-%d %H:%M:%S} UTC")
    return EXIT_OK


def cmd_org_show(args: argparse.Namespace) -> int:
    """An organisation's membership periods and keys."""
    rt = runtime(args)
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
    rt = runtime(args)
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


def cmd_keys_list(args: argparse.Namespace) -> int:
    rt = runtime(args)
    with session_scope(rt.sessions) as session:
        org = org_services.get_org(session, args.org)
        for key in org_services.org_keys(session, org):
            state = "compromised" if key.compromised_at else "retired" if key.retired_at else "current"
            print(f"{key.fragment:<22} {state:<12} created {key.created_at:%Y-%m-%d}  {key.verification_method}")
    return EXIT_OK


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    rt = runtime(args)
    with session_scope(rt.sessions) as session:
        org = org_services.get_org(session, args.org)
        key = org_services.rotate_key(session, rt.context, org=org, actor=CLI_ACTOR)
        vm = key.verification_method
    print(f"New signing key for {args.org}: {vm}")
    return EXIT_OK


def cmd_keys_compromise(args: argparse.Namespace) -> int:
    rt = runtime(args)
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


def add_org(sub: Commands) -> None:
    """``org``: member organisations and their membership."""
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


def add_user(sub: Commands) -> None:
    """``user``: staff accounts."""
    user = sub.add_parser("user", help="staff accounts").add_subparsers(dest="user_command", required=True)
    user_add = user.add_parser(
        "add", help="add a staff account (idempotent); password from CREDENTIALS_NEW_PASSWORD, a prompt, or generated"
    )
    user_add.add_argument("email")
    user_add.add_argument("--org", help="organisation slug (not for sector_admin)")
    user_add.add_argument("--role", required=True, choices=["supervisor", "org_admin", "sector_admin"])
    user_add.add_argument("--name")
    user_add.set_defaults(handler=cmd_user_add)


def add_keys(sub: Commands) -> None:
    """``keys``: an organisation's signing keys."""
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
