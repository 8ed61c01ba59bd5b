"""The Jinja templates of the issuer and verifier pages, a folder per area.

A data package: the ``.html`` files ship in the wheel as its package data, and the
Flask app loads them from this folder, in a checkout and in an installed wheel alike.
Names are relative to this folder: ``bulk/upload.html``, ``sector/framework/macros.html``;
``base.html``, ``_macros.html`` and ``error.html`` serve every area and sit at its root.
"""

from pathlib import Path

TEMPLATES_DIR = Path(__file__).parent
