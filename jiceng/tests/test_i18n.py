"""The catalogues are complete and compiled: every string has a Chinese translation, and each
.mo file holds exactly what its .po file says."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ["zh_Hans", "en"]


def catalogue(language, suffix):
    return LOCALE / language / "LC_MESSAGES" / f"django.{suffix}"


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


def test_every_string_has_a_chinese_translation():
    po = polib.pofile(str(catalogue("zh_Hans", "po")))
    assert len(po) > 100
    assert [e.msgid for e in po if untranslated(e) and not e.obsolete] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert not po.metadata_is_fuzzy


def test_chinese_catalogue_covers_the_main_pages():
    po = polib.pofile(str(catalogue("zh_Hans", "po")))
    translations = {entry.msgid: entry.msgstr for entry in po}
    assert translations["Sign in"] == "登录"
    assert translations["village doctor"] == "村医"
    assert translations["County overview"] == "全县概况"


@pytest.mark.parametrize("language", LANGUAGES)
def test_mo_file_matches_its_po_file(language):
    po = polib.pofile(str(catalogue(language, "po")))
    mo = polib.mofile(str(catalogue(language, "mo")))
    translated = [entry for entry in po.translated_entries() if not entry.obsolete]
    assert entries(mo) == entries(translated)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_fuzzy_or_obsolete_entries(language):
    po = polib.pofile(str(catalogue(language, "po")))
    assert po.fuzzy_entries() == []
    assert po.obsolete_entries() == []
