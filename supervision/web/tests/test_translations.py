"""The Welsh catalogue is complete, compiled, and its placeholders match the English."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PO_FILE = BASE_DIR / "supervision" / "locale" / "cy" / "LC_MESSAGES" / "django.po"
CHECKER = BASE_DIR / "scripts" / "check_translations.py"
# %(name)s style (named) and bare %s / %d style (positional); %% is a literal percent sign.
NAMED = re.compile(r"%\((\w+)\)[#0\- +]*\d*(?:\.\d+)?[sdiuoxXeEfFgGcr]")
POSITIONAL = re.compile(r"%(?!\()[#0\- +]*\d*(?:\.\d+)?[sdiuoxXeEfFgGcr]")


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(PO_FILE))


def active(catalogue: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in catalogue if not entry.obsolete]


def named(text: str) -> set[str]:
    return set(NAMED.findall(text.replace("%%", "")))


def positional(text: str) -> list[str]:
    return POSITIONAL.findall(text.replace("%%", ""))


def translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def test_check_translations_script_passes():
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own script
        [sys.executable, str(CHECKER)],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_catalogue_is_not_empty(catalogue):
    assert len(active(catalogue)) > 50


def test_every_string_has_a_welsh_translation(catalogue):
    missing = [
        entry.msgid
        for entry in active(catalogue)
        if not all(text.strip() for text in translations(entry))
    ]
    assert not missing, "untranslated:\n" + "\n".join(missing)


def test_no_translation_is_fuzzy(catalogue):
    fuzzy = [entry.msgid for entry in active(catalogue) if "fuzzy" in entry.flags]
    assert not fuzzy, "fuzzy:\n" + "\n".join(fuzzy)


def test_plural_entries_have_every_welsh_form(catalogue):
    match = re.search(r"nplurals\s*=\s*(\d+)", catalogue.metadata.get("Plural-Forms", ""))
    assert match, "the catalogue declares no Plural-Forms"
    forms = int(match.group(1))
    short = [
        entry.msgid
        for entry in active(catalogue)
        if entry.msgid_plural and len(entry.msgstr_plural) != forms
    ]
    assert not short, f"plural entries without all {forms} forms:\n" + "\n".join(short)


def test_named_placeholders_survive_translation(catalogue):
    """Every %(name)s of the English is in the Welsh, and the Welsh invents none.

    A missing one loses information (a count, a date); an invented one raises KeyError when
    the page is rendered.
    """
    problems = []
    for entry in active(catalogue):
        english = named(entry.msgid) | named(entry.msgid_plural or "")
        for text in translations(entry):
            if not text:
                continue
            if named(text) != english:
                problems.append(f"{entry.msgid!r}: {sorted(english)} -> {text!r}")
    assert not problems, "placeholders differ:\n" + "\n".join(problems)


def test_positional_placeholders_survive_translation(catalogue):
    problems = []
    for entry in active(catalogue):
        english = positional(entry.msgid)
        for text in translations(entry):
            if text and sorted(positional(text)) != sorted(english):
                problems.append(f"{entry.msgid!r} -> {text!r}")
    assert not problems, "placeholders differ:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Since %(start)s", {"start"}),
        ("%(counter)s of %(total_count)s", {"counter", "total_count"}),
        ("100%% done", set()),
        ("No placeholders", set()),
    ],
)
def test_the_placeholder_finder_itself(text, expected):
    assert named(text) == expected
