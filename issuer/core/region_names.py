"""Labour-market regions by name and code: the spellings people use and the lookup.

Below both the services (a shop is placed in a region by code or name) and
:mod:`issuer.sector.regions.services` (the regions' own administration and figures), so neither has to
import the other for it.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.store.models import Region


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def region_code(name: str) -> str:
    """The region's key in links and files: "Zaanstreek/Waterland" is ``zaanstreek-waterland``.
    (Migration 0006 holds a frozen copy; a test checks they agree.)"""
    return re.sub(r"[^a-z0-9]+", "-", _ascii(name).lower()).strip("-")[:64]


def match_key(name: str) -> str:
    """What two spellings of one region share: letters and digits only, without a leading
    "arbeidsmarktregio" or "regio" ("Food Valley" is "Foodvalley", "Regio Zwolle" "Zwolle")."""
    key = re.sub(r"[^a-z0-9]+", "", _ascii(name).casefold())
    for prefix in ("arbeidsmarktregio", "regio"):
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return key


def find_region(session: Session, text: str) -> Region | None:
    """The region a code or a name (any spelling :func:`match_key` forgives) means, or None."""
    wanted = (text or "").strip()
    if not wanted:
        return None
    by_code = session.execute(select(Region).where(Region.code == wanted)).scalar_one_or_none()
    if by_code is not None:
        return by_code
    key = match_key(wanted)
    return next((r for r in session.execute(select(Region)).scalars() if match_key(r.name) == key), None)
