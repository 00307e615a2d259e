"""Replacing people's names with labels, for sharing a chronology beyond the core group.

Pure Python: no Django, no I/O. The caller decides which names to replace and with what
(for example "Kai Harries", "Kai" and "Harries" all become "Child 1").

Rules:

- a name is replaced only as a whole word: "Kai" in "Kai's" or "(Kai)" is replaced, "Kai"
  in "Kaiser" is not. Letters, digits and underscores are word characters, in any
  script, so "Siân" and "Gwenllïan" are words too;
- case is ignored ("KAI", "kai");
- longer names are tried first, so "Kai Harries" becomes one label, not two;
- the spaces inside a name match any run of whitespace ("Kai\\nHarries");
- empty names and names with no word character are ignored; when two names differ only
  in case or spacing, the first one's label is used;
- labels are inserted as they are (no pattern syntax), and the text they produce is not
  searched again.

Over-replacing is the safe side: a child called Hope also removes the word "hope".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

_WORD = re.compile(r"\w")


def _pattern_for(name: str) -> str:
    return r"\s+".join(re.escape(part) for part in name.split())


@lru_cache(maxsize=64)
def _compile(names: tuple[str, ...]) -> re.Pattern[str]:
    # One named group per name: the match says which name it was, whatever its case.
    alternatives = "|".join(f"(?P<n{i}>{_pattern_for(name)})" for i, name in enumerate(names))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def anonymise(text: str, replacements: Mapping[str, str]) -> str:
    """`text` with every whole-word occurrence of a name in `replacements` replaced by its label.

    >>> anonymise("Kai's nan saw Kai Harries.", {"Kai": "Child 1", "Kai Harries": "Child 1"})
    "Child 1's nan saw Child 1."
    """
    chosen: dict[str, tuple[str, str]] = {}
    for name, label in replacements.items():
        spaced = " ".join(name.split())
        key = spaced.casefold()
        if _WORD.search(spaced) and key not in chosen:
            chosen[key] = (spaced, label)
    if not text or not chosen:
        return text
    # Longest first (ties in a fixed order, so that the compiled pattern is reused).
    ordered = sorted(chosen.values(), key=lambda pair: (-len(pair[0]), pair[0]))
    pattern = _compile(tuple(name for name, _label in ordered))
    labels = [label for _name, label in ordered]
    return pattern.sub(lambda found: labels[int((found.lastgroup or "n0")[1:])], text)
