"""Identities and public URLs: an organisation's DID, a status list's URL, a certificate's verify page.
"""

from __future__ import annotations

from credentials.did import did_web_from_url
from issuer.store.settings import Settings

# --- identities and URLs -------------------------------------------------------------


def org_did(settings: Settings, slug: str) -> str:
    return did_web_from_url(settings.base_url, "orgs", slug)


def status_list_url(settings: Settings, slug: str, sequence: int, purpose: str = "revocation") -> str:
    base = f"{settings.base_url}/orgs/{slug}/status/{sequence}"
    return base if purpose == "revocation" else f"{base}/{purpose}"


def verify_url(settings: Settings, public_id: str) -> str:
    return f"{settings.base_url}/c/{public_id}"
