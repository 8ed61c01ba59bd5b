"""Texts of the sector admin's competence framework governance pages, Dutch first (merged into :mod:`issuer.i18n`)."""

from __future__ import annotations

from typing import Final

# fmt: off
MESSAGES: Final[dict[str, dict[str, str]]] = {
}
# fmt: on
