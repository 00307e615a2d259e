"""The outcome wording check: the issue's examples, domain.md §7.5, Welsh mutations, properties.

Expected values come from the brief, the scenario and Welsh grammar, not from the code.
"""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supervision.domain.wording import (
    WHOLE_FAMILY,
    DetailKind,
    Prompt,
    Term,
    check_outcome,
    missing_whole_family_outcome,
    welsh_mutations,
)

# --- The examples -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "words"),
    [
        pytest.param("Children to be safe.", "en", ("safe",), id="issue-done-when-en"),
        pytest.param("Kai and Macy are safe.", "en", ("safe",), id="names-are-not-detail"),
        pytest.param("Plant i fod yn ddiogel.", "cy", ("ddiogel",), id="issue-done-when-cy"),
        pytest.param("Bod y plant yn ddiogel", "cy", ("ddiogel",), id="bod-yn-ddiogel"),
        pytest.param("Leanne to be independent.", "en", ("independent",), id="independent"),
        pytest.param("Macy is happy.", "en", ("happy",), id="happy"),
        pytest.param("Leanne feels supported.", "en", ("supported",), id="supported"),
        pytest.param("Dean to engage with services.", "en", ("engage",), id="engage"),
        pytest.param("Better engagement from Dad.", "en", ("engagement",), id="engagement"),
        pytest.param("Kai's wellbeing improves.", "en", ("wellbeing",), id="wellbeing"),
        pytest.param("Children's well-being.", "en", ("well-being",), id="well-hyphen-being"),
        pytest.param("The family is stable.", "en", ("stable",), id="stable"),
        pytest.param("Macy will thrive.", "en", ("thrive",), id="thrive"),
        pytest.param("Kai to be safer.", "en", ("safer",), id="safer"),
        pytest.param("Kai is safe and well.", "en", ("safe", "well"), id="safe-and-well"),
        pytest.param("Kai is safe at home.", "en", ("safe",), id="home-is-not-a-place"),
        pytest.param("Children's needs are met.", "en", ("needs are met",), id="needs-met"),
        pytest.param(
            "Children to be safe and well supported at home and school every day.",
            "en",
            ("safe", "well supported"),
            id="two-generic-two-details",
        ),
        pytest.param("Kai i fod yn fwy diogel.", "cy", ("diogel",), id="yn-fwy-diogel"),
        pytest.param("Leanne i fod yn annibynnol.", "cy", ("annibynnol",), id="annibynnol"),
        pytest.param("Mae Macy yn hapus.", "cy", ("hapus",), id="hapus"),
        pytest.param("Leanne i gael cefnogaeth.", "cy", ("cefnogaeth",), id="cael-cefnogaeth"),
        pytest.param("Dean i ymgysylltu.", "cy", ("ymgysylltu",), id="ymgysylltu"),
        pytest.param("Lles y plant.", "cy", ("Lles",), id="lles"),
        pytest.param("Teulu sefydlog.", "cy", ("sefydlog",), id="sefydlog"),
        pytest.param("Bod Macy yn ffynnu.", "cy", ("ffynnu",), id="ffynnu"),
        pytest.param("Mae Kai yn teimlo'n saff.", "cy", ("saff",), id="saff"),
        pytest.param("Er ei les ei hun.", "cy", ("les",), id="lles-soft-after-ei"),
    ],
)
def test_generic_outcomes_are_flagged(text, language, words):
    result = check_outcome(text, language)
    assert result.flagged
    assert result.generic_words == words
    assert result.prompt == Prompt.DAY_TO_DAY


@pytest.mark.parametrize(
    ("text", "language"),
    [
        pytest.param(
            "Kai goes to school every day and tells Nan if he feels scared at home at weekends.",
            "en",
            id="issue-kai-school",
        ),
        pytest.param(
            "Macy attends all 6 speech therapy sessions with Mam or Nan by March.",
            "en",
            id="issue-macy-therapy",
        ),
        pytest.param(
            "Mae Kai yn mynd i'r ysgol bob dydd ac yn dweud wrth Nain os yw'n teimlo'n ofnus"
            " gartref ar benwythnosau.",
            "cy",
            id="welsh-kai-school",
        ),
        pytest.param(
            "Mae Macy yn mynychu pob un o'r 6 sesiwn therapi lleferydd gyda Mam neu Nain"
            " erbyn mis Mawrth.",
            "cy",
            id="welsh-macy-therapy",
        ),
    ],
)
def test_concrete_outcomes_are_not_flagged(text, language):
    result = check_outcome(text, language)
    assert not result.flagged
    assert result.prompt is None
    assert result.details


@pytest.mark.parametrize(
    ("text", "language", "term"),
    [
        ("Kai feels safe to tell Nan every Friday.", "en", Term.SAFE),
        (
            "Leanne is safe because she phones 999 when Dean arrives at the door.",
            "en",
            Term.SAFE,
        ),
        (
            "Mae Kai yn teimlo'n ddiogel i ddweud wrth Nain bob nos Wener.",
            "cy",
            Term.SAFE,
        ),
        (
            "Mae Leanne yn cael cefnogaeth gan Nain i fynd i'r grŵp bob dydd Mawrth am 10 y.b.",
            "cy",
            Term.SUPPORTED,
        ),
    ],
)
def test_a_generic_word_with_enough_detail_is_reported_but_not_flagged(text, language, term):
    result = check_outcome(text, language)
    assert result.terms == (term,)
    assert not result.flagged
    assert len(result.details) > len(result.generic)


def test_as_much_detail_as_generic_words_is_still_mostly_generic():
    # One generic word ("safe") and one place ("school"): still asks what it looks like.
    assert check_outcome("Kai to be safe at school.", "en").flagged
    assert not check_outcome("Kai to be safe at school on Mondays.", "en").flagged


# --- domain.md §7.5 -------------------------------------------------------------------

SCENARIO_OUTCOMES = [
    (
        "whole_family",
        "Leanne, Kai and Macy have calm evenings at home, and the children are not woken at"
        " night by adults arguing.",
    ),
    ("child", "Kai is in school every day on time, having had breakfast, and has his inhaler"),
    (
        "child",
        "Macy goes to every SLT session and can be understood by people outside her family by"
        " the summer.",
    ),
    (
        "parent",
        "Leanne finishes the 12-week recovery group and knows who to ring at a weekend if Dean"
        " turns up.",
    ),
]


@pytest.mark.parametrize(("whose", "text"), SCENARIO_OUTCOMES)
def test_the_scenario_outcomes_pass(whose, text):
    result = check_outcome(text, "en")
    assert not result.flagged
    assert result.generic == ()


def test_the_scenario_rejected_example_is_flagged_and_its_rewording_passes():
    assert check_outcome("Children to be safe.", "en").terms == (Term.SAFE,)
    assert not check_outcome(SCENARIO_OUTCOMES[0][1], "en").flagged


def test_the_scenario_has_a_whole_family_outcome():
    assert not missing_whole_family_outcome(whose for whose, _ in SCENARIO_OUTCOMES)
    assert missing_whole_family_outcome(whose for whose, _ in SCENARIO_OUTCOMES[1:])


@pytest.mark.parametrize(
    ("whose", "missing"),
    [
        ([], True),
        (["child"], True),
        (["child", "parent", "child"], True),
        ([WHOLE_FAMILY], False),
        (iter(["parent", WHOLE_FAMILY]), False),
    ],
)
def test_missing_whole_family_outcome(whose, missing):
    assert missing_whole_family_outcome(whose) is missing


# --- Details --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "kinds"),
    [
        ("6", "en", [DetailKind.NUMBER]),
        ("21:00", "en", [DetailKind.NUMBER]),
        ("twice", "en", [DetailKind.NUMBER]),
        ("at 9 am", "en", [DetailKind.TIME]),
        ("by May", "en", [DetailKind.TIME]),
        ("May be", "en", []),  # the modal verb at the start, not the month
        ("she may go", "en", [DetailKind.ACTIVITY]),
        ("day to day", "en", []),
        ("every day", "en", [DetailKind.TIME]),
        ("after half-term", "en", [DetailKind.TIME]),
        ("at Nan's house", "en", [DetailKind.PLACE]),
        ("at home", "en", []),
        ("the safety plan", "en", []),
        ("chwech", "cy", [DetailKind.NUMBER]),
        ("ar ddydd Llun", "cy", [DetailKind.TIME]),
        ("bob nos Lun", "cy", [DetailKind.TIME]),
        ("llun", "cy", []),  # a picture, unless it follows dydd or nos
        ("o ddydd i ddydd", "cy", []),
        ("yn yr ysgol", "cy", [DetailKind.PLACE]),
        ("yn nhŷ Nain", "cy", [DetailKind.PLACE]),
        ("gartref", "cy", []),
        ("i fynd", "cy", [DetailKind.ACTIVITY]),
        ("ei nod", "cy", []),  # nod (aim) is not a mutation of dod here
        ("y cynllun diogelwch", "cy", []),
        ("erbyn 9 y.b.", "cy", [DetailKind.TIME]),
        ("ym mis Mai", "cy", [DetailKind.TIME]),
        ("Mai hi sy'n", "cy", []),  # "mai" (that) at the start
    ],
)
def test_details(text, language, kinds):
    assert [detail.kind for detail in check_outcome(text, language).details] == kinds


def test_a_phrase_of_neither_kind_hides_its_generic_word():
    assert check_outcome("Leanne follows the safety plan.", "en").generic == ()
    assert check_outcome("Dilyn y cynllun diogelwch.", "cy").generic == ()


@pytest.mark.parametrize(
    ("text", "generic"),
    [
        ("Kai does well at school.", ("well",)),
        ("Kai reads as well as his friends.", ()),
        ("Well, Kai goes to school.", ()),
    ],
)
def test_well_counts_only_after_be_feel_do_and(text, generic):
    assert check_outcome(text, "en").generic_words == generic


def test_findings_point_into_the_text():
    text = "Kai, to be  SAFE every Friday (at 6)."
    result = check_outcome(text, "en")
    for found in (*result.generic, *result.details):
        assert text[found.start : found.end] == found.text
    assert result.generic_words == ("SAFE",)
    assert [detail.text for detail in result.details] == ["Friday", "6"]


# --- Languages ------------------------------------------------------------------------


def test_each_language_reads_its_own_words():
    assert not check_outcome("Plant i fod yn ddiogel.", "en").flagged
    assert not check_outcome("Children to be safe.", "cy").flagged


@pytest.mark.parametrize("language", ["en", "EN", "en-gb", "en_GB", " en "])
def test_english_language_codes(language):
    assert check_outcome("Children to be safe.", language).flagged


@pytest.mark.parametrize("language", ["cy", "CY", "cy-gb"])
def test_welsh_language_codes(language):
    assert check_outcome("Plant i fod yn ddiogel.", language).flagged


def test_bilingual_reads_both():
    result = check_outcome("Children to be safe. Plant i fod yn ddiogel.", "bilingual")
    assert result.generic_words == ("safe", "ddiogel")
    assert result.flagged


@pytest.mark.parametrize("language", ["", "fr", "english", "welsh"])
def test_unknown_language_raises(language):
    with pytest.raises(ValueError, match="language"):
        check_outcome("Children to be safe.", language)


# --- Welsh mutations ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("radical", "forms"),
    [
        # d: soft dd, nasal n (no aspirate)
        ("diogel", {"diogel", "ddiogel", "niogel"}),
        # c: soft g, nasal ngh, aspirate ch
        ("cefnogi", {"cefnogi", "gefnogi", "nghefnogi", "chefnogi"}),
        # p: soft b, nasal mh, aspirate ph
        ("penwythnos", {"penwythnos", "benwythnos", "mhenwythnos", "phenwythnos"}),
        # t: soft d, nasal nh, aspirate th
        ("tŷ", {"tŷ", "dŷ", "nhŷ", "thŷ"}),
        # g: soft drops it, nasal ng
        ("gwely", {"gwely", "wely", "ngwely"}),
        # b: soft f, nasal m; m: soft f
        ("bwyta", {"bwyta", "fwyta", "mwyta"}),
        ("mynd", {"mynd", "fynd"}),
        # ll and rh: soft only
        ("lles", {"lles", "les"}),
        ("rhagfyr", {"rhagfyr", "ragfyr"}),
        # vowels: h- after ei (her), ein, eu
        ("annibynnol", {"annibynnol", "hannibynnol"}),
        ("ymgysylltu", {"ymgysylltu", "hymgysylltu"}),
        ("ysgol", {"ysgol", "hysgol"}),
        # never mutate
        ("hapus", {"hapus"}),
        ("sefydlog", {"sefydlog"}),
        ("ffynnu", {"ffynnu"}),
        ("chwarae", {"chwarae"}),
        ("nos", {"nos"}),
        ("Diogel", {"diogel", "ddiogel", "niogel"}),
    ],
)
def test_welsh_mutations(radical, forms):
    assert welsh_mutations(radical) == forms


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Plant i fod yn ddiogel.", Term.SAFE),  # soft after predicative yn
        ("Plant mor ddiogel.", Term.SAFE),  # soft after mor
        ("Fy niogelwch i.", Term.SAFE),  # nasal after fy
        ("Ei diogelwch hi.", Term.SAFE),  # d does not aspirate after ei (her)
        ("Plant i fod yn ddiogelach.", Term.SAFE),
        ("Plant i gael eu diogelu.", Term.PROTECTED),
        ("Leanne i gael ei chefnogi.", Term.SUPPORTED),  # aspirate after ei (her)
        ("Kai i gael ei gefnogi.", Term.SUPPORTED),  # soft after ei (his)
        ("Fy nghefnogi i.", Term.SUPPORTED),  # nasal after fy
        ("Gyda chefnogaeth.", Term.SUPPORTED),  # aspirate after gyda
        ("Gyda chymorth.", Term.SUPPORTED),
        ("Parchu ei hannibyniaeth.", Term.INDEPENDENT),  # h- after ei (her)
        ("Eu hymgysylltiad.", Term.ENGAGE),
        ("Er mwyn ei lesiant.", Term.WELLBEING),
        ("Bod yn hapusach.", Term.HAPPY),
        ("Sefydlogrwydd i'r teulu.", Term.STABLE),
        ("Anghenion wedi'u diwallu.", Term.NEEDS_MET),
        ("Bod yn iach.", Term.HEALTHY),
    ],
)
def test_welsh_generic_words_are_found_in_their_mutated_forms(text, term):
    result = check_outcome(text, "cy")
    assert result.terms == (term,)
    assert result.flagged


def test_soft_les_alone_is_not_lles():
    assert check_outcome("Mae les ar y ffrog.", "cy").generic == ()


# --- Properties -----------------------------------------------------------------------

LANGUAGES = st.sampled_from(["en", "cy", "bilingual"])
GENERIC_WORDS = st.sampled_from(
    [
        *("safe", "happy", "independent", "supported", "engage", "thrive", "ddiogel", "hapus"),
        *("annibynnol", "gefnogi", "lles", "sefydlog", "ffynnu", "ymgysylltu"),
    ]
)
WORDS = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs", "Mn")),
    max_size=200,
)


@given(st.text(max_size=300), LANGUAGES)
def test_never_raises_and_stays_consistent(text, language):
    result = check_outcome(text, language)
    assert result.flagged == (bool(result.generic) and len(result.details) <= len(result.generic))
    assert (result.prompt is Prompt.DAY_TO_DAY) == result.flagged
    assert result.prompt is None or result.flagged
    for found in (*result.generic, *result.details):
        assert text[found.start : found.end] == found.text
    spans = sorted((found.start, found.end) for found in (*result.generic, *result.details))
    assert all(end <= next_start for (_, end), (next_start, _) in pairwise(spans))


@given(WORDS, LANGUAGES)
def test_enough_figures_always_unflag(text, language):
    generic = len(check_outcome(text, language).generic)
    padded = text + " " + " ".join(["7"] * (generic + 1))
    assert not check_outcome(padded, language).flagged


@given(st.lists(GENERIC_WORDS, min_size=1, max_size=5))
def test_generic_words_alone_are_always_flagged(words):
    assert check_outcome(" ".join(words), "bilingual").flagged


@given(WORDS)
def test_text_without_letters_is_never_flagged(text):
    no_letters = "".join(char for char in text if not char.isalpha())
    assert not check_outcome(no_letters, "bilingual").flagged
