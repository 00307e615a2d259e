"""Check the Welsh catalogue is complete and its compiled form is current.

    python scripts/check_translations.py            # fail on a missing, fuzzy or stale entry
    python scripts/check_translations.py --compile  # write django.mo from django.po

Compiling with polib keeps the project free of a system gettext at run and test time.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parent.parent / "supervision/locale/cy/LC_MESSAGES"
PO = CATALOGUE / "django.po"
MO = CATALOGUE / "django.mo"


def problems(po: polib.POFile) -> list[str]:
    found = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural:
            if not all(entry.msgstr_plural.values()):
                found.append(f"untranslated plural: {entry.msgid!r}")
        elif not entry.msgstr:
            found.append(f"untranslated: {entry.msgid!r}")
    return found


def compiled_matches(po: polib.POFile) -> bool:
    if not MO.exists():
        return False
    mo = polib.mofile(str(MO))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    for entry in po.translated_entries():
        key = (entry.msgctxt, entry.msgid)
        if key not in compiled:
            return False
        msgstr, plural = compiled[key]
        if entry.msgid_plural:
            if {int(k): v for k, v in plural.items()} != {
                int(k): v for k, v in entry.msgstr_plural.items()
            }:
                return False
        elif msgstr != entry.msgstr:
            return False
    return True


def main() -> int:
    po = polib.pofile(str(PO))
    if "--compile" in sys.argv:
        po.save_as_mofile(str(MO))
        print(f"Compiled {len(po.translated_entries())} Welsh strings into {MO.name}.")
    found = problems(po)
    for problem in found:
        print(problem, file=sys.stderr)
    if found:
        print(f"{len(found)} Welsh strings need attention in {PO}.", file=sys.stderr)
        return 1
    if not compiled_matches(po):
        print("django.mo is out of date: run `make messages`.", file=sys.stderr)
        return 1
    print(f"Welsh catalogue complete: {len(po.translated_entries())} strings.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
