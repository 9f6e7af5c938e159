"""The Vietnamese and English catalogues are complete, consistent and compiled; the UI follows the language."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
NPLURALS = {"vi": 1, "en": 2}

# printf-style placeholders as Python uses them: %(name)s, %s, %d, %.2f ... (not the escaped %%).
PRINTF = re.compile(r"%(?:\((?P<name>[^)]+)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")
BRACES = re.compile(r"\{[A-Za-z_]\w*(?:[.[][^{}]*)?(?:![rsa])?(?::[^{}]*)?\}")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


def placeholders(text: str, entry: polib.POEntry) -> list[str]:
    """The placeholders a translation must keep: named ones as a set, positional ones in order."""
    found = [m.group(0) for m in PRINTF.finditer(text.replace("%%", ""))]
    if "python-brace-format" in entry.flags:
        found += BRACES.findall(text.replace("{{", "").replace("}}", ""))
    return sorted(found)


def translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def key(entry) -> tuple:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_has_a_catalogue_and_a_compiled_catalogue_for_every_language(language):
    assert (LOCALE_DIR / language / "LC_MESSAGES" / "django.po").is_file()
    assert (LOCALE_DIR / language / "LC_MESSAGES" / "django.mo").is_file()
    assert len(catalogue(language)) > 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_has_no_fuzzy_untranslated_or_obsolete_entry(language):
    po = catalogue(language)
    assert not po.metadata_is_fuzzy, "remove '#, fuzzy' from the header"
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.obsolete_entries()] == []
    assert po.percent_translated() == 100


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_declares_the_language_and_its_plural_forms(language):
    po = catalogue(language)
    assert po.metadata["Language"] == language
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert f"nplurals={NPLURALS[language]};" in po.metadata["Plural-Forms"].replace(" ", "")
    for entry in po:
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == list(range(NPLURALS[language])), entry.msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_keeps_every_placeholder_of_the_source_string(language):
    wrong = []
    for entry in catalogue(language).translated_entries():
        wanted = placeholders(entry.msgid_plural or entry.msgid, entry)
        if entry.msgid_plural:
            # Vietnamese's single form stands for both English forms: it must carry the plural's placeholders.
            wanted = sorted(set(wanted) | set(placeholders(entry.msgid, entry)))
        for text in translations(entry):
            got = placeholders(text, entry)
            if entry.msgid_plural:
                got = sorted(set(got))
            if got != wanted:
                wrong.append((entry.msgid, text, wanted, got))
    assert wrong == []


def test_it_translates_english_to_itself():
    for entry in catalogue("en"):
        if entry.msgid_plural:
            assert entry.msgstr_plural == {0: entry.msgid, 1: entry.msgid_plural}
        else:
            assert entry.msgstr == entry.msgid


def test_it_has_the_same_strings_in_both_catalogues():
    assert {key(e) for e in catalogue("vi")} == {key(e) for e in catalogue("en")}


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_commits_a_compiled_catalogue_that_matches_its_source(language):
    po = catalogue(language)
    mo = polib.mofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"))

    def entries(entries) -> dict:
        return {key(e): (e.msgstr, dict(e.msgstr_plural)) for e in entries}

    message = "the .mo is stale: run `make messages` (or `python scripts/compile_messages.py`)"
    assert entries(mo) == entries(po.translated_entries()), message
    assert mo.metadata == po.metadata, message


@pytest.mark.django_db
def test_the_dashboard_is_in_vietnamese_by_default_and_in_english_once_chosen(page):
    html = page.get("/").content.decode()
    assert '<html lang="vi">' in html
    assert "Tổng quan cụm công nghiệp" in html
    assert "Đăng xuất" in html
    assert "Industrial clusters: overview" not in html

    response = page.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = page.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Industrial clusters: overview" in html
    assert "Log out" in html
    assert "Tổng quan cụm công nghiệp" not in html


@pytest.mark.django_db
def test_the_language_cookie_alone_switches_the_dashboard_to_english(page):
    page.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = page.get("/").content.decode()
    assert "Industrial clusters: overview" in html


def test_pages_are_vietnamese_even_for_an_english_browser_but_the_api_follows_accept_language(page):
    html = page.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in html
    from rest_framework.test import APIClient

    api = APIClient()
    response = api.get("/api/clusters/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401 and "credentials" in response.json()["detail"]
