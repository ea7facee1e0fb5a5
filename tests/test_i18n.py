"""The interface is fully translated, and the compiled catalogues match their sources."""

import shutil
from pathlib import Path
from typing import Any

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

CATALOGUES = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"))


def test_there_is_a_catalogue_for_every_interface_language() -> None:
    languages = {path.parts[-3] for path in CATALOGUES}
    assert languages == {code for code, _ in settings.LANGUAGES} - {"en"}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_every_string_is_translated(path: Path) -> None:
    catalogue = polib.pofile(str(path))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_the_compiled_catalogue_matches_its_source(path: Path) -> None:
    """The .mo files are committed so that `make run` needs no gettext: keep them current."""
    source = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.pofile(str(path))
        if not e.obsolete
    }
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.mofile(str(path.with_suffix(".mo")))
        if e.msgid
    }
    assert compiled == source, "run `make messages` to compile the catalogues"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_the_catalogues_hold_every_string_of_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """A string added to a template or module without `make messages` would show in English."""
    for folder in ("cities", "agreements", "directory", "twinning", "templates", "suggestions"):
        shutil.copytree(
            Path(settings.BASE_DIR, folder),
            tmp_path / folder,
            ignore=shutil.ignore_patterns("__pycache__", "migrations"),
        )
    (tmp_path / "locale" / "it" / "LC_MESSAGES").mkdir(parents=True)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["it"], no_location=True, verbosity=0)
    extracted = {e.msgid for e in polib.pofile(str(tmp_path / "locale/it/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in polib.pofile(str(CATALOGUES[0]))}
    assert "Partnerships" in extracted  # the extraction did run
    assert extracted - committed == set(), "run `make messages` and translate the new strings"
