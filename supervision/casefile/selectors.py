"""The case file page and the closing state, each in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from supervision.artefacts.models import Artefact, ArtefactKind
from supervision.casefile.models import ChildSynopsis, ConferenceAlert
from supervision.cases.models import CaseTeamMember, Person, PersonRole, TeamRole
from supervision.domain.closing import closing_problems, conference_prompt
from supervision.domain.deadlines import ArtefactDeadlines, artefact_deadlines
from supervision.meetings.models import SessionStatus, SupervisionSession
from supervision.records.models import PrinciplesRecord, RecordEdition, Whose
from supervision.records.selectors import EditionContent
from supervision.timescales.calendars import working_calendar

DOCUMENT_KINDS = (ArtefactKind.ACTIONS, ArtefactKind.MINUTES)


def held_on(session: SupervisionSession) -> date:
    return timezone.localdate(session.starts_at)


def subject_children(case_ids: Iterable[int]) -> list[Person]:
    """The subject children of the cases, youngest last, in one query."""
    return list(
        Person.objects.filter(case_id__in=list(case_ids), role=PersonRole.SUBJECT_CHILD).order_by(
            "case_id", "date_of_birth", "pk"
        )
    )


# --- Closing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClosingState:
    """What still stops a session being closed (ClosingProblem codes, each at most once),
    the children whose synopsis is not recorded on their case file yet, and whether the
    session is closed already."""

    problems: list[str]
    children_not_recorded: list[Person]
    closed: bool

    @property
    def can_close(self) -> bool:
        return not self.closed and not self.problems


def _state(
    *,
    session: SupervisionSession,
    signed_off: bool,
    children: list[Person],
    recorded_child_ids: set[int],
    distributed: set[str],
) -> ClosingState:
    recorded = {str(child.pk): child.pk in recorded_child_ids for child in children}
    problems = closing_problems(
        children_recorded=recorded,
        actions_distributed=ArtefactKind.ACTIONS in distributed,
        minutes_distributed=ArtefactKind.MINUTES in distributed,
        signed_off=signed_off,
    )
    return ClosingState(
        problems=problems,
        children_not_recorded=[c for c in children if c.pk not in recorded_child_ids],
        closed=session.status == SessionStatus.CLOSED,
    )


def closing_states(sessions: Iterable[SupervisionSession]) -> dict[int, ClosingState]:
    """The closing state of each session, by session pk, in four queries however many
    sessions there are (for dashboards)."""
    sessions = list(sessions)
    if not sessions:
        return {}
    pks = [session.pk for session in sessions]
    signed_off = set(
        PrinciplesRecord.objects.filter(
            session_id__in=pks, signed_off_at__isnull=False
        ).values_list("session_id", flat=True)
    )
    children_of: dict[int, list[Person]] = {}
    for child in subject_children({session.case_id for session in sessions}):
        children_of.setdefault(child.case_id, []).append(child)
    recorded: dict[int, set[int]] = {}
    for session_id, child_id in ChildSynopsis.objects.filter(
        session_id__in=pks, recorded_on_case_file_at__isnull=False
    ).values_list("session_id", "child_id"):
        recorded.setdefault(session_id, set()).add(child_id)
    distributed: dict[int, set[str]] = {}
    for session_id, kind in Artefact.objects.filter(
        session_id__in=pks, kind__in=DOCUMENT_KINDS, distributed_at__isnull=False
    ).values_list("session_id", "kind"):
        distributed.setdefault(session_id, set()).add(kind)
    return {
        session.pk: _state(
            session=session,
            signed_off=session.pk in signed_off,
            children=children_of.get(session.case_id, []),
            recorded_child_ids=recorded.get(session.pk, set()),
            distributed=distributed.get(session.pk, set()),
        )
        for session in sessions
    }


def closing_state(session: SupervisionSession) -> ClosingState:
    """What still stops this session being closed; four queries."""
    return closing_states([session])[session.pk]


# --- The synopsis as first offered --------------------------------------------------------


def _day(value: date | None) -> str:
    return date_format(value, "j F Y") if value else ""


def synopsis_draft(
    *, child: Person, session: SupervisionSession, chair_name: str, content: EditionContent
) -> str:
    """The synopsis offered for a child before anyone has saved one: from the signed-off
    record, the outcomes for the child and for the whole family, the agreed actions with
    their owners and due dates, the review date and the chair's summary of the information
    shared. In the reader's language. Never the reflective notes (they are not in a
    signed-off version at all)."""
    name = child.full_name
    lines = [
        _("%(type)s on %(date)s, chaired by %(chair)s.")
        % {
            "type": session.request.get_session_type_display(),
            "date": _day(held_on(session)),
            "chair": chair_name,
        },
        "",
    ]
    outcomes = content.outcomes
    own = [o for o in outcomes if o.get("whose") == Whose.CHILD and o.get("person") == name]
    family = [o for o in outcomes if o.get("whose") == Whose.WHOLE_FAMILY]
    lines.append(_("Outcomes for %(name)s:") % {"name": name})
    if own:
        lines.extend(f"- {o['text']} ({o['status_label']})" for o in own)
    else:
        lines.append(_("No outcome was recorded for %(name)s.") % {"name": name})
    if family:
        lines += ["", _("Outcomes for the whole family:")]
        lines.extend(f"- {o['text']} ({o['status_label']})" for o in family)
    actions = content.actions
    lines += ["", _("Agreed actions:")]
    if actions:
        lines.extend(
            "- "
            + _("A%(number)s: %(description)s. %(owner)s, %(agency)s, due %(due)s (%(status)s).")
            % {
                "number": a.get("number"),
                "description": str(a.get("description", "")).rstrip("."),
                "owner": a.get("owner_name", ""),
                "agency": a.get("agency_name", ""),
                "due": _day(a["due_date"]),
                "status": a["status_label"],
            }
            for a in actions
        )
    else:
        reason = content.next_steps.get("no_actions_reason") or ""
        lines.append(_("No actions were agreed.") + (f" {reason}" if reason else ""))
    if content.review_date:
        lines += ["", _("Review date: %(date)s") % {"date": _day(content.review_date)}]
    shared = str(content.principles.get("information_shared") or "").strip()
    if shared:
        lines += ["", _("Information shared:"), shared]
    return "\n".join(lines)


# --- The page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildSection:
    child: Person
    synopsis: ChildSynopsis | None
    draft: str  # the saved text, or the one first offered

    @property
    def version(self) -> int:
        return self.synopsis.version if self.synopsis is not None else 0

    @property
    def recorded(self) -> bool:
        return self.synopsis is not None and self.synopsis.recorded


@dataclass(frozen=True)
class CaseFilePage:
    edition: RecordEdition | None
    signed_off: bool
    children: list[ChildSection]
    alerts: list[ConferenceAlert]
    deadlines: ArtefactDeadlines
    actions_distributed_at: datetime | None
    minutes_distributed_at: datetime | None
    closing: ClosingState
    suggested_conference_chair: str

    @property
    def next_conference(self) -> ConferenceAlert | None:
        """The conference of the alert recorded last."""
        return self.alerts[-1] if self.alerts else None

    @property
    def conference_prompt(self) -> bool:
        """The next conference comes before the minutes are due (and they have not gone out
        before it): its reports use the distributed actions and the conference extract."""
        conference = self.next_conference
        if conference is None:
            return False
        sent = self.minutes_distributed_at
        return conference_prompt(
            conference_on=conference.conference_on,
            minutes_due=self.deadlines.minutes_due,
            minutes_sent_on=timezone.localdate(sent) if sent is not None else None,
        )


def case_file_page(session: SupervisionSession) -> CaseFilePage:
    """Everything on the case file page, in seven queries whatever the number of children,
    synopses, alerts or actions."""
    edition = (
        RecordEdition.objects.filter(record__session=session)
        .select_related("record")
        .order_by("-number")
        .first()
    )
    signed_off = edition is not None and edition.record.locked
    content = EditionContent.of(edition.content) if edition is not None else None
    chair = session.request.chair  # one query at most, children or not
    chair_name = chair.full_name if chair is not None else ""
    children = subject_children([session.case_id])
    synopses = {
        s.child_id: s
        for s in ChildSynopsis.objects.filter(session=session).select_related(
            "recorded_by", "updated_by"
        )
    }
    sections = [
        ChildSection(
            child=child,
            synopsis=synopses.get(child.pk),
            draft=(
                synopses[child.pk].text
                if child.pk in synopses
                else synopsis_draft(
                    child=child, session=session, chair_name=chair_name, content=content
                )
                if content is not None
                else ""
            ),
        )
        for child in children
    ]
    alerts = list(
        ConferenceAlert.objects.filter(session=session)
        .select_related("alerted_by")
        .order_by("alerted_at", "pk")
    )
    sent = dict(
        Artefact.objects.filter(
            session=session, kind__in=DOCUMENT_KINDS, distributed_at__isnull=False
        ).values_list("kind", "distributed_at")
    )
    conference_chair = (
        CaseTeamMember.objects.filter(case_id=session.case_id, role=TeamRole.CONFERENCE_CHAIR)
        .select_related("practitioner__user")
        .order_by("pk")
        .first()
    )
    closing = _state(
        session=session,
        signed_off=signed_off,
        children=children,
        recorded_child_ids={pk for pk, s in synopses.items() if s.recorded},
        distributed=set(sent),
    )
    return CaseFilePage(
        edition=edition,
        signed_off=signed_off,
        children=sections,
        alerts=alerts,
        deadlines=artefact_deadlines(held_on(session), working_calendar()),
        actions_distributed_at=sent.get(ArtefactKind.ACTIONS),
        minutes_distributed_at=sent.get(ArtefactKind.MINUTES),
        closing=closing,
        suggested_conference_chair=(
            conference_chair.practitioner.user.full_name if conference_chair else ""
        ),
    )
