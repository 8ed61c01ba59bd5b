"""The sector's commands: ``sector`` (its key and trust list), ``catalogue``, ``framework``
(the competence framework's versions) and ``regions``."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from credentials import cli as core_cli
from issuer.cli.common import CLI_ACTOR, EXIT_OK, Commands, runtime, write_atomically
from issuer.sector.trust import services as trust
from issuer.store.db import session_scope
from verifier.sql_records import SqlRecords


def cmd_sector_key_init(args: argparse.Namespace) -> int:
    rt = runtime(args)
    with session_scope(rt.sessions) as session:
        row, created = trust.ensure_sector_key(session, rt.context, actor=CLI_ACTOR)
        vm = row.verification_method
    print(f"{'Created' if created else 'Already there'}: sector key {vm}")
    return EXIT_OK


def cmd_sector_key_rotate(args: argparse.Namespace) -> int:
    rt = runtime(args)
    with session_scope(rt.sessions) as session:
        vm = trust.rotate_sector_key(session, rt.context, actor=CLI_ACTOR).verification_method
    print(f"New sector key: {vm} (the old one stays in the DID document, retired)")
    return EXIT_OK


def cmd_sector_trust_list(args: argparse.Namespace) -> int:
    """Write the signed trust list (or, with --dcc, the DCC registry) to a file."""
    rt = runtime(args)
    with session_scope(rt.sessions, reads_only=True) as session:
        sign = trust.sign_trust_list
        document = SqlRecords(session).dcc_registry(rt.settings.base_url) if args.dcc else sign(session, rt.context)
    data = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    path = write_atomically(args.out, data)
    print(f"Wrote {path} ({len(data):,} bytes)")
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

    rt = runtime(args)
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

    rt = runtime(args)
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
    rt = runtime(args)
    with session_scope(rt.sessions) as session:
        number, count = framework.apply_changes(session, text, actor=CLI_ACTOR)
    print(f"Applied {count} change(s) to the draft of framework version {number}.")
    return EXIT_OK


def cmd_framework_publish(args: argparse.Namespace) -> int:
    from issuer.sector.framework import services as framework  # noqa: PLC0415

    rt = runtime(args)
    with session_scope(rt.sessions) as session:
        version = framework.publish(session, note=args.note, actor=CLI_ACTOR)
        number, count = version.number, len(framework.changes(session, version.number))
    print(f"Published framework version {number} ({count} change(s)); new certificates are issued under it.")
    return EXIT_OK


def cmd_framework_discard(args: argparse.Namespace) -> int:
    from issuer.sector.framework import services as framework  # noqa: PLC0415

    rt = runtime(args)
    with session_scope(rt.sessions) as session:
        number = framework.discard_draft(session, actor=CLI_ACTOR)
    print(f"Draft of framework version {number} discarded.")
    return EXIT_OK


def cmd_regions_list(args: argparse.Namespace) -> int:
    from issuer.sector.regions import services as regions  # noqa: PLC0415 - only these commands need it

    rt = runtime(args)
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

    rt = runtime(args)
    with session_scope(rt.sessions) as session:
        summary = regions.import_regions(session, Path(args.file).read_bytes(), actor=CLI_ACTOR)
    added, changed = len(summary.added), len(summary.changed)
    print(f"Regions imported: {added} added, {changed} changed, {summary.unchanged} unchanged.")
    return EXIT_OK


def cmd_regions_remove(args: argparse.Namespace) -> int:
    from issuer.core import region_names  # noqa: PLC0415
    from issuer.sector.regions import services as regions  # noqa: PLC0415

    rt = runtime(args)
    with session_scope(rt.sessions) as session:
        region = region_names.find_region(session, args.region) or regions.get_region(session, args.region)
        regions.remove_region(session, region=region, actor=CLI_ACTOR)
    print(f"Region {args.region} removed.")
    return EXIT_OK


def cmd_regions_figures(args: argparse.Namespace) -> int:
    """The protected figures as the CSV the sector admin's page exports."""
    from issuer.catalogue import load_catalogue  # noqa: PLC0415
    from issuer.sector.regions import services as regions  # noqa: PLC0415

    rt = runtime(args)
    first, last = regions.parse_month(args.first, field_name="from"), regions.parse_month(args.last, field_name="to")
    flt = regions.FigureFilter(first, last, args.region, args.partnership_only)
    catalogue = load_catalogue()
    with session_scope(rt.sessions, reads_only=True) as session:
        figures = regions.regional_figures(session, flt)
        names = regions.competence_names(session, "nl")
    data = regions.figures_csv(figures, names=names, groups={g.code: g.name("nl") for g in catalogue.groups},
                               levels={lv.code: lv.name("nl") for lv in catalogue.levels})  # fmt: skip
    path = write_atomically(args.out, data)
    print(f"Wrote {path} ({len(figures.cells)} cells; fewer than {regions.THRESHOLD} people are never shown).")
    return EXIT_OK


def add_sector(sub: Commands) -> None:
    """``sector``: the sector's own key and trust list."""
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


def add_catalogue_and_framework(sub: Commands) -> None:
    """``catalogue`` and ``framework``."""
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


def add_regions(sub: Commands) -> None:
    """``regions``: labour-market regions and the figures per region."""
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
