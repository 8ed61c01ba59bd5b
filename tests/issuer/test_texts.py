"""The texts: every key in the code has a text in both catalogues, every catalogue entry is
used, and a text's placeholders match the other language's (docs/texts.md).

The keys are found the way ``make texts`` finds them: ``pybabel extract`` with babel.cfg.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from issuer.webkit import i18n

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("nl", "en")
Id = str | tuple[str, ...]
# A key built at run time is invisible to extraction: t('status.' ~ s), t(f"flash.{x}"), t("a." + b).
BUILT_KEY = re.compile(r"""\b(?:t|tn|t_in|translate|flash)\(\s*(?:\w+,\s*)?(?:f["']|["'][^"']*["']\s*(?:~|\+))""")


def extract(tmp_path: Path) -> set[Id]:
    """The ids in the code, by ``pybabel extract`` (the command ``make texts`` runs)."""
    pot = tmp_path / "messages.pot"
    command = [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg", "--no-location",
               "-o", str(pot), "."]  # fmt: skip
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as file:
        return {_id(message.id) for message in read_po(file) if message.id}


def _id(ident: str | tuple[str, ...] | list[str]) -> Id:
    return ident if isinstance(ident, str) else tuple(ident)


def read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def problems(used: set[Id], catalogues: dict[str, Path]) -> list[str]:
    """What is wrong with the catalogues for the ids ``used`` in the code (empty: all well)."""
    found: list[str] = []
    texts: dict[str, dict[Id, tuple[str, ...]]] = {}
    for language, path in catalogues.items():
        entries = {}
        for message in read(path):
            if message.id:
                string = message.string
                entries[_id(message.id)] = (string,) if isinstance(string, str) else tuple(string or ())
        texts[language] = entries
        found += [f"{language}: no text for {ident!r}" for ident in sorted(used - entries.keys(), key=str)]
        found += [f"{language}: empty text for {i!r}" for i, s in entries.items() if i in used and not all(s)]
        found += [f"{language}: {ident!r} is not used in the code" for ident in entries.keys() - used]
    first, *others = catalogues
    for ident, strings in texts[first].items():
        for other in others:
            theirs = texts[other].get(ident)
            if theirs is not None and _placeholders(strings) != _placeholders(theirs):
                found.append(f"{ident!r}: placeholders {first} {_placeholders(strings)} != {other} "
                             f"{_placeholders(theirs)}")  # fmt: skip
    return found


def _placeholders(strings: tuple[str, ...]) -> set[str]:
    # Over all forms: a singular may say "1" where the plural says {count}.
    return {name for text in strings for name in i18n.PLACEHOLDER.findall(text)}


@pytest.fixture(scope="module")
def used(tmp_path_factory: pytest.TempPathFactory) -> set[Id]:
    return extract(tmp_path_factory.mktemp("texts"))


def catalogue_files() -> dict[str, Path]:
    return {language: i18n.TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po" for language in LANGUAGES}


def test_every_text_in_the_code_is_in_both_catalogues_and_nothing_else_is(used: set[Id]) -> None:
    assert len(used) > 900, "the extraction found too few texts"
    assert problems(used, catalogue_files()) == []


def test_the_check_fails_on_a_missing_an_empty_an_unused_text_and_a_wrong_placeholder(
    used: set[Id], tmp_path: Path
) -> None:
    copies = {}
    for language, path in catalogue_files().items():
        copies[language] = tmp_path / f"{language}.po"
        shutil.copy(path, copies[language])
    english = read(copies["en"])
    del english["login.title"]  # missing
    english["nav.skip"].string = ""  # empty
    english.add("nobody.uses.this", "Nobody")  # unused
    english["user.signed_in_as"].string = "Signed in as {nom}"  # a placeholder that is not the Dutch one
    with copies["en"].open("wb") as file:
        write_po(file, english)
    found = problems(used, copies)
    assert "en: no text for 'login.title'" in found
    assert "en: empty text for 'nav.skip'" in found
    assert "en: 'nobody.uses.this' is not used in the code" in found
    assert any(p.startswith("'user.signed_in_as': placeholders") for p in found)
    assert len(found) == 4, found


def test_no_key_is_built_at_run_time() -> None:
    sources = [*ROOT.joinpath("issuer").rglob("*.py"), *ROOT.joinpath("verifier").rglob("*.py"),
               *ROOT.joinpath("issuer", "templates").glob("*.html")]  # fmt: skip
    built = [f"{path.name}:{n}" for path in sources for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
             if BUILT_KEY.search(line)]  # fmt: skip
    assert built == []


def test_plurals_follow_the_number() -> None:
    assert i18n.translate_plural("participants.count.one", "participants.count", 1, "nl") == "1 deelnemer"
    assert i18n.translate_plural("participants.count.one", "participants.count", 2, "nl") == "2 deelnemers"
    assert i18n.translate_plural("participants.count.one", "participants.count", 1, "en") == "1 participant"
    assert i18n.translate_plural("participants.count.one", "participants.count", 0, "en") == "0 participants"


def test_texts_need_no_request() -> None:
    assert i18n.translate("user.signed_in_as", "en", name="Sam") == "Signed in as Sam"
    assert i18n.translate("user.signed_in_as", "nl", name="Sam") == "Ingelogd als Sam"
