"""Signed documents as last published (see :class:`issuer.store.models.PublishedDocument`)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from issuer.store.models import PublishedDocument


def publish(
    session: Session, name: str, document: dict[str, Any], *, published_at: datetime, valid_until: datetime | None
) -> None:
    """Store ``document`` under ``name``, replacing what was published before."""
    text = json.dumps(document, ensure_ascii=False, sort_keys=True)
    row = session.get(PublishedDocument, name)
    if row is None:
        session.add(PublishedDocument(name=name, document=text, published_at=published_at, valid_until=valid_until))
    else:
        row.document, row.published_at, row.valid_until = text, published_at, valid_until
