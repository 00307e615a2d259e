"""What goes into each session document, and how it becomes a PDF or a Word file.

Everything here works in the active language: call it under `translation.override`. The
content comes from one signed-off version of the record (`RecordEdition.content`), never
from the live record tables; the one exception is the conference extract's action status,
which R27 wants as it stands when the extract is made (passed in as `live_actions`).
Reflective notes are not part of a version, so they cannot reach a document.

One context serves both formats: plain strings, lists and dicts, with every date already
written out in the language, so that the PDF's Django template and the Word template's
Jinja tags read the same values. Every label is in `labels`, so a Word template works in
both languages.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy, ngettext

from supervision.artefacts.models import ArtefactKind
from supervision.domain.session import scaling_spread
from supervision.meetings.models import SessionType
from supervision.records.models import BalancingColumn
from supervision.records.selectors import EditionContent

#: The three columns of the balancing exercise, in their fixed order.
BALANCING_HEADINGS = (
    (BalancingColumn.STRENGTH, gettext_lazy("Strengths")),
    (BalancingColumn.RISK, gettext_lazy("Risks")),
    (BalancingColumn.NEED, gettext_lazy("Outstanding needs")),
)
DEFAULT_TEMPLATES = Path(__file__).resolve().parent / "docx"
DAY = "j F Y"


@dataclass(frozen=True)
class LiveAction:
    """An action as it stands now (for the conference extract)."""

    status: str
    completion_note: str
    done_on: date | None


@dataclass(frozen=True)
class Source:
    """The signed-off version a document is made from, and whose case it is."""

    content: Mapping[str, Any]
    edition_number: int
    signed_off_by: str
    signed_off_at: datetime
    case_name: str
    case_reference: str


class TemplateProblem(Exception):
    """A Word template that is not a .docx file, or that does not render."""


def labels() -> dict[str, str]:
    """Every heading and label of the documents, in the active language."""
    return {
        "actions": gettext("Actions"),
        "minutes": gettext("Minutes"),
        "conference_extract": gettext("Conference extract"),
        "case": gettext("Case"),
        "session": gettext("The session"),
        "date": gettext("Date"),
        "type": gettext("Type of session"),
        "venue": gettext("Where"),
        "number": gettext("Number"),
        "action": gettext("Action"),
        "owner": gettext("Owner"),
        "due": gettext("Due date"),
        "serves": gettext("What it serves"),
        "status": gettext("Status"),
        "progress": gettext("Progress points"),
        "when": gettext("When"),
        "target": gettext("Where we want to be"),
        "monitored_by": gettext("Who checks"),
        "how": gettext("How it is checked"),
        "review_date": gettext("Review date"),
        "no_actions": gettext("No actions were agreed, because:"),
        "attendees": gettext("Who attended"),
        "what_matters": gettext("What matters"),
        "family_words": gettext("The family's own words"),
        "outcomes": gettext("Outcomes"),
        "whose": gettext("Whose"),
        "outcome": gettext("Outcome"),
        "strengths": gettext("Strengths"),
        "risks": gettext("Priority risks"),
        "rank": gettext("Rank"),
        "trying_to_avoid": gettext("What the family is trying to avoid"),
        "from_whose_view": gettext("From whose point of view"),
        "moments": gettext("High-risk moments"),
        "safety_plan": gettext("Safety plan"),
        "who": gettext("Who"),
        "what": gettext("What"),
        "where": gettext("Where"),
        "when_trigger": gettext("When or trigger"),
        "help_route": gettext("How to get help"),
        "contingency": gettext("Contingency"),
        "agreed_by": gettext("Agreed by"),
        "out_of_hours": gettext("Available to out-of-hours services"),
        "not_applicable": gettext("Not applicable"),
        "balancing": gettext("Balancing exercise"),
        "raised_by": gettext("Raised by"),
        "scaling": gettext("Scaling"),
        "scaling_scale": gettext(
            "0 means the children cannot live at home; 10 means safe enough to close the case."
        ),
        "participant": gettext("Participant"),
        "score": gettext("Score"),
        "balancing_summary": gettext("Summary judgement"),
        "chair_summary": gettext("Chair summary"),
        "information_shared": gettext("Information shared"),
        "learning_points": gettext("Learning points"),
        "none": gettext("None recorded."),
    }


def _day(value: date | None, fmt: str = DAY) -> str:
    return date_format(value, fmt) if value else ""


def _lines(text: str | None) -> list[str]:
    """Text as its non-empty lines (a Word template loops over paragraphs)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _session(content: Mapping[str, Any]) -> dict[str, str]:
    session = content.get("session") or {}
    starts = session.get("starts_at")
    when = timezone.localtime(datetime.fromisoformat(starts)) if starts else None
    try:
        kind = str(SessionType(str(session.get("type"))).label)
    except ValueError:
        kind = str(session.get("type") or "")
    return {
        "date": _day(when.date(), "l j F Y") if when else "",
        "time": date_format(when, "H:i") if when else "",
        "iso_date": when.date().isoformat() if when else "",
        "type": kind,
        "venue": str(session.get("venue") or ""),
    }


def _serves(action: Mapping[str, Any], risks: Mapping[int, str]) -> str:
    if action.get("outcome"):
        return str(action["outcome"])
    rank = action.get("risk_rank")
    if rank:
        text = gettext("Priority risk %(rank)s") % {"rank": rank}
        return f"{text}: {risks[rank]}" if rank in risks else text
    return ""


def _actions(
    edition: EditionContent,
    risks: Mapping[int, str],
    live: Mapping[int, LiveAction] | None,
) -> list[dict[str, str]]:
    rows = []
    for action in edition.actions:
        number = int(action.get("number") or 0)
        status = action.get("status") or ""
        note = str(action.get("completion_note") or "")
        done_on: date | None = None
        if live is not None and number in live:
            current = live[number]
            status, note, done_on = current.status, current.completion_note, current.done_on
        if status == "done":
            status_text = (
                gettext("Done on %(date)s") % {"date": _day(done_on)}
                if done_on
                else gettext("Done")
            )
        else:
            status_text = gettext("Open")
        rows.append(
            {
                "label": f"A{number}",
                "description": str(action.get("description") or ""),
                "owner": str(action.get("owner_name") or ""),
                "agency": str(action.get("agency_name") or ""),
                "due": _day(action.get("due_date")),
                "serves": _serves(action, risks),
                "status": status_text,
                "completion_note": note if status == "done" else "",
            }
        )
    return rows


def _progress(edition: EditionContent) -> list[dict[str, str]]:
    return [
        {
            "when": ngettext("In %(months)s month", "In %(months)s months", point["months"])
            % {"months": point["months"]},
            "target": str(point.get("target") or ""),
            "due": _day(point.get("due_date")),
            "monitored_by": str(point.get("monitored_by") or ""),
            "how": str(point.get("how") or ""),
        }
        for point in edition.progress
    ]


def _spread_text(scores: list[int]) -> str:
    """The scaling as a spread, in the words of the record page; never an average."""
    spread = scaling_spread(scores)
    if spread.lowest is None:
        return ""
    if spread.lowest == spread.highest:
        return ngettext(
            "The one person scored %(score)s.",
            "All %(people)s people scored %(score)s.",
            spread.total,
        ) % {"score": spread.lowest, "people": spread.total}
    counts = [
        ngettext("%(people)s person scored %(score)s", "%(people)s people scored %(score)s", n)
        % {"people": n, "score": score}
        for score, n in enumerate(spread.counts)
        if n
    ]
    heading = gettext("Scores from %(lowest)s to %(highest)s") % {
        "lowest": spread.lowest,
        "highest": spread.highest,
    }
    return f"{heading}; {'; '.join(counts)}."


def _principles(edition: EditionContent, language: str) -> dict[str, Any]:
    p = edition.principles
    welsh = language.startswith("cy")
    return {
        "attendees": [
            {
                "name": str(a.get("name") or ""),
                "agency": str((welsh and a.get("agency_cy")) or a.get("agency") or ""),
            }
            for a in p.get("attendees", [])
        ],
        "what_matters": _lines(p.get("what_matters")),
        "family_words": _lines(p.get("family_words")),
        "outcomes": [
            {
                "whose": str(o["whose_label"]),
                "text": str(o.get("text") or ""),
                "status": str(o["status_label"]),
            }
            for o in edition.outcomes
        ],
        "strengths": [
            {"kind": str(s["kind_label"]), "text": str(s.get("text") or "")}
            for s in edition.strengths
        ],
        "risks": [
            {
                "rank": str(r.get("rank") or ""),
                "trying_to_avoid": str(r.get("trying_to_avoid") or ""),
                "from_whose_view": str(r.get("from_whose_view") or ""),
                "moments": "; ".join(
                    ", ".join(
                        str(m[key])
                        for key in ("when", "where", "trigger", "early_sign")
                        if m.get(key)
                    )
                    for m in r.get("moments", [])
                ),
            }
            for r in p.get("risks", [])
        ],
        "balancing": [
            {
                "heading": str(heading),
                "entries": [
                    {"text": str(b.get("text") or ""), "raised_by": str(b.get("raised_by") or "")}
                    for b in p.get("balancing", [])
                    if b.get("column") == column
                ],
            }
            for column, heading in BALANCING_HEADINGS
        ],
        "scaling": [
            {"participant": str(s.get("participant") or ""), "score": str(s.get("score"))}
            for s in p.get("scaling", [])
        ],
        "spread": _spread_text([int(s["score"]) for s in p.get("scaling", [])]),
        "balancing_summary": _lines(p.get("balancing_summary")),
        "information_shared": _lines(p.get("information_shared")),
        "learning_points": _lines(p.get("learning_points")),
    }


def _safety_plan(edition: EditionContent) -> dict[str, Any]:
    plan = edition.safety_plan
    out_of_hours = plan.get("out_of_hours") or {}
    return {
        "recorded": bool(plan),
        "steps": [
            {
                key: str(item.get(key) or "")
                for key in ("who", "what", "where", "when_trigger", "help_route")
            }
            for item in plan.get("items", [])
        ],
        "contingency": _lines(plan.get("contingency")),
        "agreed_by": str(plan.get("agreed_by") or ""),
        "not_applicable": bool(out_of_hours.get("not_applicable")),
        "not_applicable_reason": str(out_of_hours.get("reason") or ""),
        "shares": [
            ", ".join(
                part
                for part in (
                    str(share["service_label"]),
                    _day(share.get("shared_on_date")),
                    str(share.get("method") or ""),
                )
                if part
            )
            for share in edition.shares
        ],
    }


def document_context(
    kind: str,
    source: Source,
    *,
    live_actions: Mapping[int, LiveAction] | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """The context of one document in the active language."""
    language = translation.get_language() or "en"
    edition = EditionContent(dict(source.content))
    risks = {
        int(r["rank"]): str(r.get("trying_to_avoid") or "")
        for r in edition.principles.get("risks", [])
        if r.get("rank")
    }
    words = labels()
    context: dict[str, Any] = {
        "kind": kind,
        "language": "cy" if language.startswith("cy") else "en",
        "labels": words,
        "title": words.get(kind, ""),
        "marking": gettext("OFFICIAL-SENSITIVE"),
        "handling": gettext(
            "Personal information about children and their family: share it only as your "
            "information sharing protocol allows, and keep it only as long as you need it."
        ),
        "case_line": gettext("%(family)s family, case %(reference)s")
        % {"family": source.case_name, "reference": source.case_reference},
        "version_line": gettext(
            "Version %(number)s of the session record, signed off by %(name)s on %(date)s."
        )
        % {
            "number": source.edition_number,
            "name": source.signed_off_by,
            "date": _day(timezone.localdate(source.signed_off_at)),
        },
        "session": _session(source.content),
        "actions": _actions(
            edition, risks, live_actions if kind == ArtefactKind.CONFERENCE_EXTRACT else None
        ),
        "serves_any": any(a.get("outcome") or a.get("risk_rank") for a in edition.actions),
        "no_actions_reason": _lines(edition.next_steps.get("no_actions_reason")),
        "progress": _progress(edition),
        "review_date": _day(edition.review_date) or "–",
        "principles": _principles(edition, language),
        "safety_plan": _safety_plan(edition),
        "status_line": "",
        "intro": "",
    }
    if kind == ArtefactKind.CONFERENCE_EXTRACT:
        context["intro"] = gettext(
            "For the report to the next child protection conference: the outcomes the "
            "supervision agreed, its actions and where they stand, and the chair’s summary."
        )
        context["status_line"] = gettext("Action status on %(date)s.") % {
            "date": _day(today or timezone.localdate())
        }
    elif kind == ArtefactKind.ACTIONS:
        context["intro"] = gettext(
            "The actions agreed at the supervision session, for everyone who attended."
        )
    return context


# --- PDF --------------------------------------------------------------------------------


def _page_counter_css(label: str) -> str:
    """A CSS `content` value for "Page 2 of 7" from a translation with %(page)s and
    %(pages)s."""

    def literal(value: str) -> str:
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
        return f'"{escaped}"'

    parts = []
    for piece in re.split(r"(%\(pages?\)s)", label):
        if piece == "%(page)s":
            parts.append("counter(page)")
        elif piece == "%(pages)s":
            parts.append("counter(pages)")
        elif piece:
            parts.append(literal(piece))
    return " ".join(parts)


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"documents load nothing from outside: {url}")


def render_pdf(context: Mapping[str, Any]) -> bytes:
    """A4 portrait; the marking on top of every page and the page number below."""
    from weasyprint import HTML

    html = render_to_string(
        f"artefacts/pdf/{context['kind']}.html",
        {**context, "page_counter": _page_counter_css(gettext("Page %(page)s of %(pages)s"))},
    )
    return bytes(HTML(string=html, url_fetcher=_refuse_fetch).write_pdf())


# --- DOCX -------------------------------------------------------------------------------


def default_template(kind: str) -> Path:
    """The Word template supplied with the product for a kind of document."""
    return DEFAULT_TEMPLATES / f"{ArtefactKind(kind).value}.docx"


def render_docx(template: IO[bytes] | Path, context: Mapping[str, Any]) -> bytes:
    """Fill a Word template; a template that cannot be read or filled raises
    TemplateProblem with a message for the person who uploaded it."""
    from docxtpl import DocxTemplate
    from jinja2 import StrictUndefined, TemplateError
    from jinja2.sandbox import SandboxedEnvironment

    try:
        document = DocxTemplate(template)
        document.init_docx()
    except Exception as error:  # python-docx raises several kinds for a file that is not .docx
        raise TemplateProblem(gettext("This is not a Word (.docx) file.")) from error
    # Sandboxed: an uploaded template runs no Python; strict: a misspelt field is an error.
    environment = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    try:
        document.render(dict(context), jinja_env=environment, autoescape=True)
        buffer = io.BytesIO()
        document.save(buffer)
    except TemplateError as error:
        raise TemplateProblem(
            gettext("The template could not be filled in: %(problem)s") % {"problem": error}
        ) from error
    except Exception as error:
        raise TemplateProblem(
            gettext("The template could not be filled in: %(problem)s")
            % {"problem": error.__class__.__name__}
        ) from error
    return buffer.getvalue()


# --- A sample, to check an uploaded template --------------------------------------------

SAMPLE_CONTENT: dict[str, Any] = {
    "session": {
        "type": "multi_agency",
        "starts_at": "2026-01-15T10:00:00+00:00",
        "venue": "Room 1, Sample Hall",
        "meeting_language": "en",
    },
    "principles": {
        "what_matters": "A sample of what matters.",
        "family_words": "A sample of the family's words.",
        "outcomes": [
            {"whose": "whole_family", "person": "", "text": "A sample outcome.", "status": "agreed"}
        ],
        "strengths": [{"kind": "family", "text": "A sample strength.", "people": []}],
        "risks": [
            {
                "rank": 1,
                "trying_to_avoid": "A sample risk.",
                "from_whose_view": "Sample",
                "moments": [{"when": "Sample time", "where": "", "trigger": "", "early_sign": ""}],
            }
        ],
        "balancing": [{"column": "strength", "text": "A sample item.", "raised_by": "Sample"}],
        "scaling": [{"participant": "Sample", "score": 5, "rationale": ""}],
        "balancing_summary": "A sample judgement.",
        "information_shared": "Sample information.",
        "learning_points": "1. A sample learning point.",
        "attendees": [{"name": "Sample Person", "agency": "Sample Agency", "agency_cy": ""}],
    },
    "safety_plan": {
        "items": [
            {
                "who": "Sample",
                "what": "A sample step.",
                "where": "Home",
                "when_trigger": "Any time",
                "help_route": "999",
            }
        ],
        "contingency": "A sample contingency.",
        "agreed_by": "Sample",
        "out_of_hours": {
            "not_applicable": False,
            "reason": "",
            "shares": [
                {
                    "service": "police",
                    "service_name": "",
                    "shared_on": "2026-01-16",
                    "method": "Sample",
                }
            ],
        },
    },
    "next_steps": {
        "actions": [
            {
                "number": 1,
                "description": "A sample action.",
                "owner_name": "Sample Person",
                "agency_name": "Sample Agency",
                "due": "2026-01-16",
                "status": "open",
                "completion_note": "",
                "outcome": "A sample outcome.",
                "risk_rank": None,
            }
        ],
        "progress": [
            {
                "months": 1,
                "target": "A sample target.",
                "due": "2026-02-16",
                "monitored_by": "Sample",
                "how": "Sample",
            }
        ],
        "review_date": "2026-04-16",
        "no_actions_reason": "",
    },
}


def sample_context(kind: str) -> dict[str, Any]:
    """A whole context with fictional sample values, to try a template on."""
    source = Source(
        content=SAMPLE_CONTENT,
        edition_number=1,
        signed_off_by="Sample Chair",
        signed_off_at=timezone.now(),
        case_name="Sample",
        case_reference="SAMPLE",
    )
    return document_context(
        kind, source, live_actions={1: LiveAction("open", "", None)}, today=date(2026, 1, 20)
    )


def check_docx_template(kind: str, upload: IO[bytes]) -> None:
    """Raise TemplateProblem unless the file fills in with a sample of every field."""
    with translation.override("en-gb"):
        render_docx(upload, sample_context(kind))
