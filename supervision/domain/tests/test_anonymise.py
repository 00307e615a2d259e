"""Replacing names with labels: worked examples, then properties over generated text."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from supervision.domain.anonymise import anonymise

FAMILY = {
    "Kai Harries": "Child 1",
    "Kai": "Child 1",
    "Macy Walsh": "Child 2",
    "Macy": "Child 2",
    "Leanne": "Parent",
    "Harries": "[family name]",
    "Walsh": "[family name]",
}


def test_full_names_become_one_label_not_two() -> None:
    assert anonymise("Seen: Kai Harries.", FAMILY) == "Seen: Child 1."


def test_possessives_keep_their_ending() -> None:
    assert anonymise("Kai's coat and Macy’s cup", FAMILY) == "Child 1's coat and Child 2’s cup"


def test_case_is_ignored() -> None:
    assert anonymise("KAI and leanne", FAMILY) == "Child 1 and Parent"


def test_only_whole_words_are_replaced() -> None:
    assert (
        anonymise("Kaiser, Walshes and Leanne-Marie", FAMILY) == "Kaiser, Walshes and Parent-Marie"
    )


def test_letters_with_accents_are_part_of_the_word() -> None:
    # "Si" is not a word inside "Siân"; "Siân" itself is.
    assert anonymise("Siân and Si", {"Si": "Adult 1"}) == "Siân and Adult 1"
    assert anonymise("siÂn", {"Siân": "Adult 2"}) == "Adult 2"


def test_a_name_split_over_lines_is_still_found() -> None:
    assert anonymise("told Kai\n  Harries off", FAMILY) == "told Child 1 off"


def test_family_name_on_its_own() -> None:
    assert anonymise("Ms Harries phoned", FAMILY) == "Ms [family name] phoned"


def test_labels_are_inserted_literally_and_not_searched_again() -> None:
    assert anonymise("Kai", {"Kai": r"\1 Leanne", "Leanne": "Parent"}) == r"\1 Leanne"


def test_names_with_pattern_characters_are_literal() -> None:
    assert anonymise("Jo (Jo.) J.o", {"Jo.": "X", "Jo": "Y"}) == "Y (X) J.o"


def test_empty_and_wordless_names_are_ignored() -> None:
    text = "Kai - met ' someone"
    assert anonymise(text, {"": "X", "  ": "Y", "-": "Z", "'": "W"}) == text


def test_first_label_wins_when_names_differ_only_in_case() -> None:
    assert anonymise("kai", {"Kai": "Child 1", "KAI": "Child 9"}) == "Child 1"


def test_nothing_to_replace() -> None:
    assert anonymise("", FAMILY) == ""
    assert anonymise("Nothing to see", {}) == "Nothing to see"


# --- Properties ---------------------------------------------------------------------------

LETTERS = "abcdefghijklmnoprstuwyâêîôûŵŷäëïöüABCDEFGHIJKLMNOPRSTUWYÂŴŶ"
letters = st.text(alphabet=LETTERS, min_size=1, max_size=6)
names = st.builds(
    lambda parts, joiners: "".join(
        part + (joiners[i] if i < len(parts) - 1 else "") for i, part in enumerate(parts)
    ),
    st.lists(letters, min_size=1, max_size=3),
    st.lists(st.sampled_from([" ", "-", "'"]), min_size=2, max_size=2),
)
# Labels have no letters, so they can never spell a name.
labels = st.text(alphabet="0123456789[]#", min_size=1, max_size=4)
replacement_maps = st.dictionaries(names, labels, min_size=1, max_size=6)


@st.composite
def texts_with_names(draw: st.DrawFn) -> tuple[str, dict[str, str]]:
    replacements = draw(replacement_maps)
    pieces = draw(
        st.lists(
            st.one_of(
                st.sampled_from(sorted(replacements)),
                st.sampled_from(sorted(replacements)).map(str.upper),
                st.text(alphabet=LETTERS + " .,'’-\n()", max_size=8),
            ),
            max_size=12,
        )
    )
    separators = draw(
        st.lists(
            st.sampled_from(["", " ", "'s ", ", ", "\n"]),
            min_size=len(pieces),
            max_size=len(pieces),
        )
    )
    return "".join(piece + sep for piece, sep in zip(pieces, separators, strict=True)), replacements


def contains_whole_word(text: str, name: str) -> bool:
    words = r"\s+".join(re.escape(part) for part in name.split())
    return re.search(rf"(?<!\w){words}(?!\w)", text, re.IGNORECASE) is not None


@given(texts_with_names())
def test_no_replaced_name_survives_as_a_whole_word(case: tuple[str, dict[str, str]]) -> None:
    text, replacements = case
    result = anonymise(text, replacements)
    for name in replacements:
        assert not contains_whole_word(result, name), (name, result)


@given(texts_with_names())
def test_text_without_names_is_unchanged(case: tuple[str, dict[str, str]]) -> None:
    text, replacements = case
    if not any(contains_whole_word(text, name) for name in replacements):
        assert anonymise(text, replacements) == text


@given(texts_with_names())
def test_every_label_inserted_stands_for_a_name_that_was_there(
    case: tuple[str, dict[str, str]],
) -> None:
    text, replacements = case
    result = anonymise(text, replacements)
    if result != text:
        assert any(contains_whole_word(text, name) for name in replacements)
    # Whatever is not a label is the text's own: every letter left was in the input, in order.
    kept = [char for char in result if char in LETTERS]
    original = iter(text)
    assert all(char in original for char in kept)
