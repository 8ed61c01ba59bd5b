"""The templates in ``templates/`` and the names that use them agree.

Every template file is used: rendered by a page (``render_template`` in issuer/ or
verifier/) or pulled in by another template (extends, include, import). Every name so
used exists. And the app's loader reads that folder: each template compiles through it,
with the app's filters and globals.
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, meta

from issuer.app import create_app
from templates import TEMPLATES_DIR
from tests.support import ROOT, make_settings

PYTHON_NAME = re.compile(r"""["']([a-z0-9_]+(?:/[a-z0-9_]+)*\.html)["']""")


def _templates() -> set[str]:
    return {path.relative_to(TEMPLATES_DIR).as_posix() for path in TEMPLATES_DIR.rglob("*.html")}


def _rendered_by_python() -> set[str]:
    sources = [*ROOT.joinpath("issuer").rglob("*.py"), *ROOT.joinpath("verifier").rglob("*.py")]
    return {name for source in sources for name in PYTHON_NAME.findall(source.read_text("utf-8"))}


def _referenced_by_templates() -> dict[str, set[str]]:
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True)
    found: dict[str, set[str]] = {}
    for name in _templates():
        source = (TEMPLATES_DIR / name).read_text("utf-8")
        names = list(meta.find_referenced_templates(env.parse(source)))
        assert None not in names, f"{name} names a template only known at render time"
        found[name] = {n for n in names if n is not None}
    return found


def test_the_templates_are_in_area_folders() -> None:
    names = _templates()
    assert len(names) > 40, names
    at_root = {n for n in names if "/" not in n}
    assert at_root == {"base.html", "_macros.html", "error.html"}, at_root


def test_every_template_is_used_and_every_used_template_exists() -> None:
    names = _templates()
    by_templates = _referenced_by_templates()
    used = _rendered_by_python() | {n for found in by_templates.values() for n in found}
    assert sorted(used - names) == [], "named but missing"
    assert sorted(names - used) == [], "never rendered, extended, included or imported"


def test_the_app_loads_every_template_from_the_templates_folder(tmp_path: Path) -> None:
    app = create_app({"TESTING": True}, settings=make_settings(tmp_path, f"sqlite:///{tmp_path / 'c.db'}"))
    assert isinstance(app.jinja_loader, FileSystemLoader)
    assert [Path(p) for p in app.jinja_loader.searchpath] == [TEMPLATES_DIR]
    for name in sorted(_templates()):
        assert app.jinja_env.get_template(name).filename == str(TEMPLATES_DIR / name)
