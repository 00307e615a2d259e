"""Book the fictional supervision session and enter its record (demo mode only; safe to
re-run). The record is left for the chair to sign off with their password."""

from __future__ import annotations

import datetime
from typing import Any

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from supervision.accounts.models import User
from supervision.actions import services as actions
from supervision.agencies.models import Practitioner
from supervision.cases.models import Person
from supervision.cases.services import DEMO_DIR, demo_email
from supervision.meetings.models import SupervisionRequest, SupervisionSession
from supervision.meetings.services import session_schedule
from supervision.records import services as records
from supervision.records.models import PrinciplesRecord
from supervision.safety import services as safety

SCENARIO = DEMO_DIR / "harries-walsh"


def _practitioners() -> dict[str, Practitioner]:
    agencies = yaml.safe_load((SCENARIO / "agencies.yaml").read_text(encoding="utf-8"))
    found = {}
    for row in agencies["practitioners"]:
        user = User.objects.get(email=demo_email(row["name"], row["agency"]))
        found[row["id"]] = user.practitioner
    return found


class Command(BaseCommand):
    help = "Book the demonstration case's supervision session and enter its record."

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEMO_MODE or settings.TESTING):
            raise CommandError("Demo data is loaded only when DEMO_MODE=true.")
        found = SupervisionRequest.objects.filter(status="accepted").order_by("pk").first()
        if found is None or found.chair is None:
            raise CommandError("Load the demo request first (manage.py load_demo_request).")
        if PrinciplesRecord.objects.filter(session__request=found).exists():
            self.stdout.write(self.style.SUCCESS("Demo session record already there."))
            return
        data = yaml.safe_load((SCENARIO / "session-record.yaml").read_text(encoding="utf-8"))
        with transaction.atomic():
            self._load(found, data)
        self.stdout.write(self.style.SUCCESS("Demo session booked and its record entered."))

    def _load(self, found: SupervisionRequest, data: dict[str, Any]) -> None:
        chair = found.chair
        assert chair is not None  # noqa: S101 - checked by the caller
        session = SupervisionSession.objects.filter(request=found).first()
        if session is None:
            held = data["held_at"]
            if isinstance(held, str):
                held = datetime.datetime.fromisoformat(held)
            session = session_schedule(
                request=found,
                starts_at=timezone.make_aware(held),
                duration_minutes=90,
                venue=data["venue"],
                meeting_language="en",
                scheduled_by=chair,
            )
        people = {p.given_names: p for p in Person.objects.filter(case=found.case)}
        staff = _practitioners()
        records.record_update_what_matters(
            session=session,
            what_matters=data["what_matters"],
            family_words=data["family_words"],
            expected_version=0,
            by=chair,
        )
        for row in data["outcomes"]:
            records.outcome_add(
                session=session,
                whose=row["whose"],
                person=people[row["person"]] if row.get("person") else None,
                text=row["text"],
                status=row["status"],
                keep_reason="",
                language="en",
                by=chair,
            )
        for row in data["strengths"]:
            records.strength_add(
                session=session,
                kind=row["kind"],
                text=row["text"],
                people=[people[name] for name in row["people"]],
                by=chair,
            )
        for row in data["risks"]:
            risk = records.risk_add(
                session=session, trying_to_avoid=row["avoid"], from_whose_view=row["view"], by=chair
            )
            for when in row["moments"]:
                records.high_risk_moment_add(
                    risk=risk, when=when, where="", trigger="", early_sign="", by=chair
                )
        plan = data["safety_plan"]
        for row in plan["items"]:
            safety.plan_item_add(
                session=session,
                who=row["who"],
                what=row["what"],
                where=row["where"],
                when_trigger=row["when"],
                help_route=row["help"],
                risk=None,
                by=chair,
            )
        saved = safety.plan_details_save(
            session=session,
            contingency=plan["contingency"],
            agreed_by=plan["agreed_by"],
            family_owned=True,
            expected_version=len(plan["items"]),
            by=chair,
        )
        assert saved.contingency  # noqa: S101 - the demo data has one
        for row in plan["shares"]:
            safety.out_of_hours_share_add(
                session=session,
                service=row["service"],
                service_name=row["name"],
                shared_on=row["shared_on"],
                method=row["method"],
                by=chair,
            )
        for row in data["balancing"]:
            records.balancing_item_add(
                session=session,
                column=row["column"],
                text=row["text"],
                raised_by=row["raised_by"],
                by=chair,
            )
        for participant, score in data["scaling"]:
            records.scaling_score_add(
                session=session, participant=participant, score=score, rationale="", by=chair
            )
        records.balancing_summary_save(
            session=session, summary=data["balancing_summary"], expected_version=0, by=chair
        )
        for row in data["actions"]:
            action = actions.action_add(
                session=session,
                description=row["text"],
                owner=staff[row["owner"]],
                agency=None,
                due_date=row["due"],
                outcome=None,
                risk=None,
                by=chair,
            )
            if row.get("done"):
                actions.action_mark_done(action=action, completion_note=row["done"], by=chair)
        for row in data["progress"]:
            actions.progress_point_save(
                session=session,
                months=row["months"],
                target=row["target"],
                monitored_by=row["monitored_by"],
                how=row["how"],
                expected_version=0,
                by=chair,
            )
        actions.action_plan_save(
            session=session,
            review_date=data["review_date"],
            no_actions_reason="",
            expected_version=0,
            by=chair,
        )
        records.attendance_save(
            session=session, practitioners=[staff[code] for code in data["attended"]], by=chair
        )
        records.chair_summary_save(
            session=session,
            information_shared=data["information_shared"],
            learning_points=data["learning_points"],
            expected_version=0,
            by=chair,
        )
