"""credentials.pdf as a package: small modules, imports one way, library internals only in _hooks."""

from __future__ import annotations

import ast
from pathlib import Path

import credentials.pdf

PACKAGE = Path(credentials.pdf.__file__).parent
PREFIX = "credentials.pdf"
MODULES = {path.stem: path for path in sorted(PACKAGE.glob("*.py"))}


def _tree(name: str) -> ast.Module:
    return ast.parse(MODULES[name].read_text("utf-8"), filename=str(MODULES[name]))


def _package_imports(name: str) -> set[str]:
    """The package's modules ``name`` imports, anywhere in the file (also inside functions)."""
    found: set[str] = set()
    for node in ast.walk(_tree(name)):
        if isinstance(node, ast.ImportFrom) and node.module is not None:
            if node.module == PREFIX:  # from credentials.pdf import _hooks
                found.update(alias.name for alias in node.names if alias.name in MODULES)
            elif node.module.startswith(PREFIX + "."):
                found.add(node.module.removeprefix(PREFIX + "."))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PREFIX + "."):
                    found.add(alias.name.removeprefix(PREFIX + ".").split(".")[0])
    return found - {name}


def test_the_package_has_its_modules_and_none_is_long() -> None:
    assert {"__init__", "_hooks", "errors", "sheet", "writer", "extract", "layout"} <= set(MODULES)
    for name, path in MODULES.items():
        lines = path.read_text("utf-8").count("\n")
        assert lines <= 800, f"credentials/pdf/{name}.py has {lines} lines"


def test_the_modules_import_each_other_without_a_cycle() -> None:
    graph = {name: _package_imports(name) for name in MODULES if name != "__init__"}
    assert all("__init__" not in targets for targets in graph.values())
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, "import cycle: " + " -> ".join((*path, name))
        if name in done:
            return
        for target in sorted(graph[name]):
            visit(target, (*path, name))
        done.add(name)

    for name in graph:
        visit(name, ())
    assert graph["_hooks"] == set()
    assert graph["extract"] <= {"errors", "_hooks"}


def test_only_the_hooks_module_touches_library_internals() -> None:
    for name in MODULES:
        if name == "_hooks":
            continue
        for node in ast.walk(_tree(name)):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
                owner = node.value
                own = isinstance(owner, ast.Name) and owner.id == "self"
                inherited = isinstance(owner, ast.Call) and ast.unparse(owner.func) == "super"
                assert own or inherited, (
                    f"credentials/pdf/{name}.py line {node.lineno}: .{node.attr} belongs in _hooks.py"
                )
            if isinstance(node, ast.Name | ast.Attribute):
                text = node.id if isinstance(node, ast.Name) else node.attr
                assert text != "apply_configuration", f"credentials/pdf/{name}.py: pypdf configuration is a hook"


def test_the_package_exports_what_it_exported_as_one_module() -> None:
    assert sorted(credentials.pdf.__all__) == sorted(
        [
            "MAX_ATTACHMENTS",
            "MAX_ATTACHMENT_BYTES",
            "MAX_PDF_BYTES",
            "CertificateSheet",
            "EnglishText",
            "PdfError",
            "credential_from_pdf",
            "extract_credentials",
            "render_certificate_pdf",
            "render_portfolio_pdf",
        ]
    )
    for name in (*credentials.pdf.__all__, "CREATOR", "ATTACHMENT_MEDIA_TYPE", "ESCO_ATTRIBUTION"):
        assert getattr(credentials.pdf, name) is not None
