"""The outcome wording check (R13, R14). Pure Python: no Django, no I/O, no clock.

The principles ask for outcomes in the family's terms, not generic words: "try to avoid
generic descriptions or words, for example wants to be independent or safe". The check is
advice, never a block: the chair can keep the wording with a reason.

How an outcome is read (English and Welsh):

1. The text is split into words and numbers. Apostrophes and hyphens split words, so
   "teimlo'n ddiogel" is ``teimlo``, ``n``, ``ddiogel`` and "well-being" is ``well``,
   ``being``. Case is ignored and accents are kept ("tŷ" is not "ty").
2. Each word or phrase is looked up in the language's lexicon, longest phrase first. It is
   either a generic word (a :class:`Term`), a concrete detail (a :class:`DetailKind`:
   a number, a when, a where, or something someone does), or a phrase that is neither and
   hides its words ("safety plan", "day to day", "cynllun diogelwch").
3. The outcome is *mostly generic*, and flagged, when it has at least one generic word
   and no more concrete details than generic words. So "Children to be safe." (one generic
   word, no detail) and "Kai to be safe at school." (one of each) are flagged, while
   "Kai feels safe to tell Nan every Friday." (one generic word; "tell" and "Friday") is
   not. Names alone are not detail: "Kai and Macy are safe." is flagged.

"Home" (home, cartref, adref, gartref) is deliberately not a place: "safe at home" is the
archetypal generic outcome.

Welsh words change their first sound after certain words (mutation). The lexicon lists
each Welsh word once, in its dictionary (radical) form, and :func:`welsh_mutations` adds
the mutated forms: soft ("yn ddiogel", "i gefnogi"), nasal ("fy nghefnogi",
"fy niogelwch"), aspirate ("ei chefnogi", "gyda chefnogaeth") and, for a word that starts
with a vowel, the h- prefix ("ei hannibyniaeth"). Words that start with h, s, ff or n
(hapus, sefydlog, ffynnu) never mutate; "lles" softens to "les" ("er ei les"), which is
only read as "lles" after "ei", "dy" or "i'w" because "les" is also a word in its own
right. A few mutated forms that are other common words are left out (``nod``, "aim", is
not read as "dod"; ``more`` is not read as "bore").

The result holds codes, never sentences: the caller words the prompt (:class:`Prompt`) and
the terms in the reader's language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Term(StrEnum):
    """A kind of generic outcome word (the same code in every language)."""

    SAFE = "safe"
    PROTECTED = "protected"
    INDEPENDENT = "independent"
    HAPPY = "happy"
    SUPPORTED = "supported"
    ENGAGE = "engage"
    WELLBEING = "wellbeing"
    STABLE = "stable"
    THRIVE = "thrive"
    HEALTHY = "healthy"
    NEEDS_MET = "needs_met"


class DetailKind(StrEnum):
    """A kind of concrete, observable detail."""

    NUMBER = "number"  # a figure or a number word: 6, 21:00, twice, chwech
    TIME = "time"  # when: a day, a time of day, a month, a term, "every week"
    PLACE = "place"  # where: school, Nan's house, the clinic (not "home")
    ACTIVITY = "activity"  # who does what: goes, tells, phones, attends, sessions


class Prompt(StrEnum):
    """What the caller asks when an outcome is flagged."""

    DAY_TO_DAY = "day_to_day"  # "What would this look like day to day?"


#: The ``whose`` value of an outcome for the whole family (R14).
WHOLE_FAMILY = "whole_family"


@dataclass(frozen=True, slots=True)
class GenericWord:
    """A generic word or phrase as written: ``text == outcome[start:end]``."""

    term: Term
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Detail:
    """A concrete detail as written: ``text == outcome[start:end]``."""

    kind: DetailKind
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class WordingResult:
    """What the check found in one outcome.

    ``generic`` and ``details`` are in text order. ``prompt`` is set exactly when the
    outcome is ``flagged``.
    """

    flagged: bool
    generic: tuple[GenericWord, ...] = ()
    details: tuple[Detail, ...] = ()
    prompt: Prompt | None = None

    @property
    def terms(self) -> tuple[Term, ...]:
        """The distinct generic terms, in the order they first appear."""
        return tuple(dict.fromkeys(word.term for word in self.generic))

    @property
    def generic_words(self) -> tuple[str, ...]:
        """The generic words and phrases as written, in text order."""
        return tuple(word.text for word in self.generic)


# --- Welsh mutation -------------------------------------------------------------------

_WELSH_VOWELS = frozenset("aeiouwyâêîôûŵŷäëïöüẅÿáéíóúẃýàèìòùẁỳ")
# Initial digraphs that never mutate (ch, ph and th are themselves aspirate forms).
_UNMUTATED = ("ch", "dd", "ff", "ng", "ph", "th")
_SOFT = {"ll": "l", "rh": "r", "p": "b", "t": "d", "c": "g", "b": "f", "d": "dd", "g": "", "m": "f"}
_NASAL = {"p": "mh", "t": "nh", "c": "ngh", "b": "m", "d": "n", "g": "ng"}
_ASPIRATE = {"p": "ph", "t": "th", "c": "ch"}


def welsh_mutations(word: str) -> frozenset[str]:
    """The word and every form its first sound takes after a mutating word.

    - soft: p→b, t→d, c→g, b→f, d→dd, g→(dropped), m→f, ll→l, rh→r
      ("diogel" → "ddiogel", "gwely" → "wely", "lles" → "les");
    - nasal: p→mh, t→nh, c→ngh, b→m, d→n, g→ng ("cefnogi" → "nghefnogi");
    - aspirate: p→ph, t→th, c→ch ("cefnogaeth" → "chefnogaeth");
    - a vowel (a, e, i, o, u, w, y, with or without a circumflex) takes h- after "ei"
      (her), "ein", "eu" ("annibyniaeth" → "hannibyniaeth").

    Words starting with ch, dd, ff, ng, ph, th or any other consonant (h, s, n, l, r, f…)
    are unchanged: ``welsh_mutations("hapus") == {"hapus"}``. The word is casefolded.
    """
    radical = _norm(word)
    if not radical:
        return frozenset({radical})
    forms = {radical}
    if radical.startswith(_UNMUTATED):
        return frozenset(forms)
    if radical[0] in _WELSH_VOWELS:
        forms.add("h" + radical)
        return frozenset(forms)
    head = radical[:2] if radical[:2] in _SOFT else radical[0]
    rest = radical[len(head) :]
    for table in (_SOFT, _NASAL, _ASPIRATE):
        if head in table:
            forms.add(table[head] + rest)
    return frozenset(forms)


# --- Lexicons -------------------------------------------------------------------------

_Meaning = Term | DetailKind | None  # None: a phrase that is neither generic nor detail

_TOKEN = re.compile(
    r"(?P<number>\d+(?:[.:/,]\d+)*)|(?P<word>(?:[^\W\d_]|[\u0300-\u036f])+)",
)
_NUMBER = "#"
_SENTENCE_END = re.compile(r"[.!?]")


def _norm(word: str) -> str:
    return unicodedata.normalize("NFC", word).casefold()


def _keys(phrase: str) -> tuple[str, ...]:
    return tuple(
        _NUMBER if match.lastgroup == "number" else _norm(match.group())
        for match in _TOKEN.finditer(phrase)
    )


@dataclass(frozen=True, slots=True)
class _Lexicon:
    phrases: Mapping[tuple[str, ...], _Meaning]
    # A word that counts only straight after one of the given words ("be well", "ei les").
    after: Mapping[str, tuple[frozenset[str], Term]] = field(default_factory=dict)
    # A word that counts only when capitalised mid-sentence ("May", "Mai": also "may", "that").
    capitalised: Mapping[str, DetailKind] = field(default_factory=dict)
    longest: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "longest", max(map(len, self.phrases)))


class _Builder:
    def __init__(self) -> None:
        self.phrases: dict[tuple[str, ...], _Meaning] = {}

    def put(self, key: tuple[str, ...], meaning: _Meaning) -> None:
        if key in self.phrases and self.phrases[key] != meaning:
            raise ValueError(f"{' '.join(key)!r} is both {self.phrases[key]} and {meaning}")
        self.phrases[key] = meaning

    def en(self, meaning: _Meaning, *phrases: str) -> None:
        for phrase in phrases:
            self.put(_keys(phrase), meaning)

    def cy(self, meaning: _Meaning, *phrases: str, without: Iterable[str] = ()) -> None:
        """Welsh phrases, each with every mutation of its first word (except ``without``)."""
        skip = frozenset(map(_norm, without))
        for phrase in phrases:
            first, *rest = _keys(phrase)
            for form in welsh_mutations(first) - skip:
                self.put((form, *rest), meaning)

    def plain(self, meaning: _Meaning, *phrases: str) -> None:
        """Welsh phrases taken exactly as written (no mutation)."""
        self.en(meaning, *phrases)


def _english() -> _Lexicon:
    b = _Builder()
    # Generic words.
    b.en(Term.SAFE, "safe", "safer", "safest", "safely", "safety", "unsafe")
    b.en(Term.PROTECTED, "protected", "safeguarded")
    b.en(Term.INDEPENDENT, "independent", "independently", "independence")
    b.en(Term.HAPPY, "happy", "happier", "happiest", "happily", "happiness", "unhappy")
    b.en(
        Term.SUPPORTED,
        *("supported", "support", "supports", "supporting", "supportive", "well supported"),
    )
    b.en(Term.ENGAGE, "engage", "engages", "engaged", "engaging", "engagement")
    b.en(Term.WELLBEING, "wellbeing", "well-being")
    b.en(Term.STABLE, "stable", "stability", "settled", "stabilise", "stabilised")
    b.en(Term.STABLE, "stabilize", "stabilized")
    b.en(Term.THRIVE, "thrive", "thrives", "thriving", "thrived")
    b.en(Term.HEALTHY, "healthy", "healthier")
    b.en(
        Term.NEEDS_MET,
        *("needs met", "needs are met", "needs being met", "needs are being met"),
        *("needs will be met", "needs to be met"),
    )
    # Phrases that are neither: they hide their words from the lookups above and below.
    b.en(None, "safety plan", "safety plans", "safety planning", "safety network")
    b.en(None, "day to day", "day-to-day", "going to be", "going to feel")
    # Numbers: every figure ("6", "21:00", "16/01/2026") is read as the one key "#".
    b.en(DetailKind.NUMBER, "0")
    b.en(
        DetailKind.NUMBER,
        *("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
        *("eleven", "twelve", "fifteen", "twenty", "thirty", "fifty", "hundred"),
        *("once", "twice"),
    )
    # When.
    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    b.en(DetailKind.TIME, *days, *(day + "s" for day in days))
    b.en(DetailKind.TIME, "mon", "tue", "tues", "thu", "thur", "thurs", "fri")
    b.en(
        DetailKind.TIME,
        *("january", "february", "march", "april", "june", "july", "august"),
        *("september", "october", "november", "december"),
        *("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"),
    )
    b.en(
        DetailKind.TIME,
        *("weekend", "weekends", "weekday", "weekdays", "morning", "mornings"),
        *("afternoon", "afternoons", "evening", "evenings", "night", "nights", "nightly"),
        *("tonight", "overnight", "bedtime", "breakfast", "lunch", "lunchtime", "dinner"),
        *("dinnertime", "teatime", "daily", "weekly", "fortnightly", "monthly", "day"),
        *("days", "week", "weeks", "fortnight", "month", "months", "year", "years"),
        *("term", "terms", "half-term", "holiday", "holidays", "summer", "autumn"),
        *("winter", "spring", "christmas", "easter", "today", "tomorrow", "hour", "hours"),
        *("minute", "minutes", "noon", "midday", "midnight", "pm", "o'clock", "0 am"),
    )
    # Where ("home" is not a place here: see the module docstring).
    b.en(
        DetailKind.PLACE,
        *("school", "schools", "nursery", "college", "class", "classroom", "playground"),
        *("bedroom", "bed", "house", "flat", "kitchen", "garden", "park", "shop", "shops"),
        *("supermarket", "bus", "car", "taxi", "clinic", "hospital", "surgery", "gp"),
        *("pharmacy", "chemist", "library", "club", "centre", "center", "church", "chapel"),
        *("mosque", "pool", "gym", "street", "road", "town", "office"),
    )
    # Who does what.
    b.en(
        DetailKind.ACTIVITY,
        *("go", "goes", "going", "went", "gone", "attend", "attends", "attending"),
        *("attended", "attendance", "take", "takes", "taking", "took", "taken", "bring"),
        *("brings", "bringing", "brought", "collect", "collects", "collecting"),
        *("collected", "walk", "walks", "walking", "walked", "tell", "tells", "telling"),
        *("told", "phone", "phones", "phoning", "phoned", "ring", "rings", "ringing"),
        *("rang", "rung", "call", "calls", "calling", "called", "text", "texts"),
        *("texting", "texted", "ask", "asks", "asking", "asked", "visit", "visits"),
        *("visiting", "visited", "see", "sees", "seeing", "saw", "seen", "meet", "meets"),
        *("meeting", "met", "sleep", "sleeps", "sleeping", "slept", "eat", "eats"),
        *("eating", "ate", "eaten", "wake", "wakes", "waking", "woke", "woken"),
        *("arrive", "arrives", "arriving", "arrived", "leave", "leaves", "leaving"),
        *("left", "finish", "finishes", "finishing", "finished", "complete", "completes"),
        *("completing", "completed", "start", "starts", "starting", "started", "read"),
        *("reads", "reading", "write", "writes", "writing", "wrote", "written", "play"),
        *("plays", "playing", "played", "talk", "talks", "talking", "talked", "speak"),
        *("speaks", "speaking", "spoke", "spoken", "say", "says", "saying", "said"),
        *("join", "joins", "joining", "joined", "check", "checks", "checking"),
        *("checked", "lock", "locks", "locking", "locked", "use", "uses", "using"),
        *("answer", "answers", "answering", "answered", "brush", "brushes", "brushing"),
        *("brushed", "wash", "washes", "washing", "washed", "cook", "cooks", "cooking"),
        *("cooked", "pay", "pays", "paying", "paid", "contact", "contacts"),
        *("contacting", "contacted", "report", "reports", "reporting", "reported"),
        *("shout", "shouts", "shouting", "shouted", "argue", "argues", "arguing"),
        *("argued", "drink", "drinks", "drinking", "drank", "drunk", "smoke", "smokes"),
        *("smoking", "smoked", "hit", "hits", "hitting"),
        *("appointment", "appointments", "session", "sessions", "homework", "inhaler"),
        *("medication", "medicine"),
    )
    well_after = frozenset(
        _keys(
            "be is are am and doing do does feel feels feeling stay stays keep keeps kept"
            " remain remains"
        )
    )
    return _Lexicon(
        phrases=b.phrases,
        after={"well": (well_after, Term.WELLBEING)},
        capitalised={"may": DetailKind.TIME},
    )


def _welsh() -> _Lexicon:
    b = _Builder()
    # Generic words (each with its mutations: see welsh_mutations).
    b.cy(Term.SAFE, "diogel", "diogelach", "diogelaf", "diogelwch", "saff", "saffach")
    b.cy(Term.PROTECTED, "diogelu", "gwarchod")
    b.cy(Term.INDEPENDENT, "annibynnol", "annibyniaeth")
    b.cy(Term.HAPPY, "hapus", "hapusach", "hapusaf", "hapusrwydd")
    b.cy(Term.SUPPORTED, "cefnogi", "cefnogaeth", "cefnogol", "cymorth")
    b.cy(Term.ENGAGE, "ymgysylltu", "ymgysylltiad")
    b.cy(Term.WELLBEING, "lles", "llesiant", without=("les",))
    b.cy(Term.STABLE, "sefydlog", "sefydlogrwydd", "sefydlogi", "setlo")
    b.cy(Term.THRIVE, "ffynnu")
    b.cy(Term.HEALTHY, "iach", "iachach", "iachus")
    b.cy(Term.NEEDS_MET, "diwallu")
    # Neither.
    b.plain(None, "cynllun diogelwch", "cynllun diogelu", "o ddydd i ddydd", "dydd i ddydd")
    b.plain(None, "dod yn", "ddod yn", "mynd i fod", "fynd i fod")
    # Numbers.
    b.cy(DetailKind.NUMBER, "dau", "tri", "tair", "pedwar", "pedair", "pump", "pum", "chwech")
    b.cy(DetailKind.NUMBER, "chwe", "saith", "wyth", "naw", "deg", "deuddeg", "pymtheg")
    b.cy(DetailKind.NUMBER, "ugain", "cant", "unwaith", "dwywaith", "teirgwaith")
    b.cy(DetailKind.NUMBER, "dwy", without=("nwy",))  # nwy: gas
    # When. Llun (also "picture") and Iau (also "younger") count after dydd or nos.
    b.cy(DetailKind.TIME, "mawrth", "mercher", "gwener", "sadwrn", "sul")
    for day in ("llun", "iau", "mawrth", "mercher", "gwener", "sadwrn", "sul"):
        b.cy(DetailKind.TIME, f"dydd {day}")
        b.plain(DetailKind.TIME, *(f"nos {form}" for form in welsh_mutations(day)))
    months = (
        *("ionawr", "chwefror", "ebrill", "mehefin", "gorffennaf", "awst", "medi"),
        *("hydref", "tachwedd", "rhagfyr"),
    )
    b.cy(DetailKind.TIME, *months)
    # "mis Mawrth", "ym mis Mai" are one "when"; Mai alone is also "that" (see capitalised).
    b.cy(DetailKind.TIME, *(f"mis {month}" for month in (*months, "mawrth", "mai")))
    b.cy(
        DetailKind.TIME,
        *("dydd", "dyddiau", "diwrnod", "diwrnodau", "dyddiol", "wythnos", "wythnosau"),
        *("wythnosol", "pythefnos", "penwythnos", "penwythnosau", "boreau", "prynhawn"),
        *("noswaith", "nosweithiau", "noson", "nos", "amser gwely", "amser wely"),
        *("brecwast", "cinio", "swper", "mis", "misoedd", "misol", "tymor", "tymhorau"),
        *("hanner tymor", "gwyliau", "haf", "gaeaf", "gwanwyn", "nadolig", "pasg"),
        *("heddiw", "yfory", "heno", "awr", "oriau", "munud", "munudau", "hanner dydd"),
        *("canol nos", "o'r gloch", "ar amser", "blwyddyn", "blynedd"),
    )
    b.cy(DetailKind.TIME, "bore", without=("more",))
    b.plain(DetailKind.NUMBER, "0")
    b.plain(DetailKind.TIME, "0 y.b.", "0 y.h.", "0yb", "0yh")
    # Where ("cartref", "adref" and "gartref" are home: not a place here).
    b.cy(
        DetailKind.PLACE,
        *("ysgol", "meithrinfa", "coleg", "dosbarth", "ystafell", "llofft", "gwely"),
        *("tŷ", "fflat", "cegin", "gardd", "parc", "siop", "siopau", "archfarchnad"),
        *("bws", "car", "tacsi", "clinig", "ysbyty", "meddygfa", "meddyg", "fferyllfa"),
        *("llyfrgell", "clwb", "canolfan", "eglwys", "capel", "pwll", "stryd", "tref"),
        *("swyddfa",),
    )
    b.plain(DetailKind.PLACE, "ty")  # without the circumflex; not mutated ("dy": your)
    # Who does what (verb-nouns: Welsh says "mae Kai yn mynd", "i fynd").
    b.cy(
        DetailKind.ACTIVITY,
        *("mynd", "mynychu", "dweud", "ffonio", "tecstio", "galw", "gofyn", "ymweld"),
        *("gweld", "cwrdd", "cyfarfod", "cysgu", "bwyta", "deffro", "cyrraedd", "gadael"),
        *("gorffen", "cwblhau", "dechrau", "darllen", "ysgrifennu", "chwarae", "siarad"),
        *("ymuno", "gwirio", "cloi", "defnyddio", "ateb", "cerdded", "casglu", "cymryd"),
        *("codi", "brwsio", "golchi", "coginio", "talu", "cysylltu", "adrodd", "gweiddi"),
        *("yfed", "taro", "dadlau", "apwyntiad", "apwyntiadau", "sesiwn", "sesiynau"),
        *("meddyginiaeth", "pwmp", "anadlydd", "gwaith cartref"),
    )
    b.cy(DetailKind.ACTIVITY, "dod", without=("nod",))  # nod: aim
    return _Lexicon(
        phrases=b.phrases,
        after={"les": (frozenset({"ei", "dy", "w"}), Term.WELLBEING)},
        capitalised={"mai": DetailKind.TIME},
    )


def _both(first: _Lexicon, second: _Lexicon) -> _Lexicon:
    b = _Builder()
    for lexicon in (first, second):
        for key, meaning in lexicon.phrases.items():
            b.put(key, meaning)
    return _Lexicon(
        phrases=b.phrases,
        after={**first.after, **second.after},
        capitalised={**first.capitalised, **second.capitalised},
    )


_EN = _english()
_CY = _welsh()
_LEXICONS = {"en": _EN, "cy": _CY, "bilingual": _both(_EN, _CY)}


def _lexicon_for(language: str) -> _Lexicon:
    """``en``, ``cy`` (with any region: ``en-gb``, ``cy_GB``) or ``bilingual`` (both)."""
    primary = language.strip().casefold().replace("_", "-").split("-", 1)[0]
    lexicon = _LEXICONS.get(primary)
    if lexicon is None:
        raise ValueError(f"no wording check for language {language!r}")
    return lexicon


# --- The check ------------------------------------------------------------------------


def check_outcome(text: str, language: str) -> WordingResult:
    """Check one outcome's wording in ``language`` (``"en"``, ``"cy"`` or ``"bilingual"``).

    Returns the generic words and the concrete details found (see the module docstring),
    and whether the outcome is flagged as mostly generic: at least one generic word and no
    more details than generic words. A flagged result carries :attr:`Prompt.DAY_TO_DAY`.
    Any text can be checked; an unknown language raises ValueError.
    """
    lexicon = _lexicon_for(language)
    tokens = list(_TOKEN.finditer(text))
    keys = [_NUMBER if token.lastgroup == "number" else _norm(token.group()) for token in tokens]
    generic: list[GenericWord] = []
    details: list[Detail] = []

    def found(meaning: Term | DetailKind, first: int, last: int) -> None:
        start, end = tokens[first].start(), tokens[last].end()
        if isinstance(meaning, Term):
            generic.append(GenericWord(meaning, text[start:end], start, end))
        else:
            details.append(Detail(meaning, text[start:end], start, end))

    longest = lexicon.longest
    i = 0
    while i < len(tokens):
        for length in range(min(longest, len(tokens) - i), 0, -1):
            key = tuple(keys[i : i + length])
            if key in lexicon.phrases:
                meaning = lexicon.phrases[key]
                if meaning is not None:
                    found(meaning, i, i + length - 1)
                i += length
                break
        else:
            key_word = keys[i]
            rule = lexicon.after.get(key_word)
            if rule is not None and i > 0 and keys[i - 1] in rule[0]:
                found(rule[1], i, i)
            elif key_word in lexicon.capitalised and _capitalised_mid_sentence(text, tokens, i):
                found(lexicon.capitalised[key_word], i, i)
            i += 1

    flagged = bool(generic) and len(details) <= len(generic)
    return WordingResult(
        flagged=flagged,
        generic=tuple(generic),
        details=tuple(details),
        prompt=Prompt.DAY_TO_DAY if flagged else None,
    )


def _capitalised_mid_sentence(text: str, tokens: list[re.Match[str]], i: int) -> bool:
    """True for a capitalised word that does not start the text or a sentence."""
    if i == 0 or not tokens[i].group()[0].isupper():
        return False
    between = text[tokens[i - 1].end() : tokens[i].start()]
    return _SENTENCE_END.search(between) is None


def missing_whole_family_outcome(whose: Iterable[str]) -> bool:
    """True when none of the outcomes is for the whole family (R14: warn, never block).

    ``whose`` holds each outcome's ``whose`` value; the whole family is
    :data:`WHOLE_FAMILY`. No outcomes at all means no whole-family outcome.
    """
    return WHOLE_FAMILY not in set(whose)
