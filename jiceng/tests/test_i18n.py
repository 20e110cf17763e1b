"""The catalogues are complete and compiled: every string has a Chinese translation, and each
.mo file holds exactly what its .po file says. The project catalogue (``jiceng/locale``) and
each app's own (``<app>/locale``) are checked alike."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "jiceng" / "locale"
LANGUAGES = ["zh_Hans", "en"]
CATALOGUES = sorted(
    path.parent.parent.parent
    for path in ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")
    if ".venv" not in path.parts
)


def catalogue(language, suffix, locale=LOCALE):
    return locale / language / "LC_MESSAGES" / f"django.{suffix}"


def untranslated(entry):
    if entry.msgid_plural:
        return not entry.msgstr_plural or not all(entry.msgstr_plural.values())
    return not entry.msgstr


def entries(file):
    return {
        (entry.msgctxt, entry.msgid): (
            entry.msgstr,
            tuple(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else (),
        )
        for entry in file
        if entry.msgid
    }


def test_the_project_and_apps_have_catalogues():
    names = {locale.parent.name for locale in CATALOGUES}
    assert {"jiceng", "supervision"} <= names


@pytest.mark.parametrize("locale", CATALOGUES, ids=lambda path: path.parent.name)
def test_every_string_has_a_chinese_translation(locale):
    po = polib.pofile(str(catalogue("zh_Hans", "po", locale)))
    assert len(po) > 20
    assert [e.msgid for e in po if untranslated(e) and not e.obsolete] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert not po.metadata_is_fuzzy


def test_chinese_catalogue_covers_the_main_pages():
    po = polib.pofile(str(catalogue("zh_Hans", "po")))
    translations = {entry.msgid: entry.msgstr for entry in po}
    assert translations["Sign in"] == "登录"
    assert translations["village doctor"] == "村医"
    assert translations["County overview"] == "全县概况"


@pytest.mark.parametrize("locale", CATALOGUES, ids=lambda path: path.parent.name)
@pytest.mark.parametrize("language", LANGUAGES)
def test_mo_file_matches_its_po_file(language, locale):
    po = polib.pofile(str(catalogue(language, "po", locale)))
    mo = polib.mofile(str(catalogue(language, "mo", locale)))
    translated = [entry for entry in po.translated_entries() if not entry.obsolete]
    assert entries(mo) == entries(translated)


@pytest.mark.parametrize("locale", CATALOGUES, ids=lambda path: path.parent.name)
@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_fuzzy_or_obsolete_entries(language, locale):
    po = polib.pofile(str(catalogue(language, "po", locale)))
    assert po.fuzzy_entries() == []
    assert po.obsolete_entries() == []
