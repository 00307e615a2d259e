"""Apply the retention schedule. Reports by default; changes things only with --apply.

The report names no one: case references and counts only. Run it daily (with --apply) from
cron or a systemd timer; a second run the same day finds nothing left to do.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from supervision.audit import context
from supervision.dataprotection import selectors, services
from supervision.dataprotection.selectors import RetentionPlan
from supervision.domain.retention import CaseState

KINDS = {
    "cases_to_anonymise": "closed cases past their period, to anonymise",
    "import_previews": "chronology import previews to delete",
    "chronology_exports": "chronology export files to delete",
    "email_bodies": "email bodies to empty",
    "subject_access_files": "subject access export files to delete",
}


class Command(BaseCommand):
    help = (
        "Report what the retention schedule would anonymise or delete today (changes "
        "nothing). With --apply, do it: each case in its own transaction, audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--apply",
            action="store_true",
            help="anonymise and delete what is due (default: report only)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        token = context.set_origin(
            context.Origin(ip_address=None, source="command:apply_retention")
        )
        try:
            plan = selectors.retention_plan(today=today)
            self._report(plan, applying=options["apply"])
            if not options["apply"]:
                self.stdout.write("Nothing was changed. Run with --apply to do it.")
                return
            done = services.retention_apply(plan=plan)
        finally:
            context.reset_origin(token)
        self.stdout.write(f"Anonymised {len(done.anonymised)} case(s): {_refs(done.anonymised)}")
        if done.skipped:
            self.stdout.write(f"Left alone (no longer due): {_refs(done.skipped)}")
        for kind, count in sorted(done.counts.items()):
            self.stdout.write(f"Deleted or emptied {count} {kind.replace('_', ' ')}.")

    def _report(self, plan: RetentionPlan, *, applying: bool) -> None:
        periods = plan.periods
        write = self.stdout.write
        write(
            f"Retention on {plan.today.isoformat()}"
            + (" (applying)" if applying else " (report only)")
        )
        write(
            f"Periods: until the youngest child is {periods.child_age_years}, or "
            f"{periods.years_after_closure} years after closure without a date of birth; "
            f"audit {periods.audit_years} years; working files {periods.working_file_days} days; "
            f"subject access files {periods.subject_access_days} days."
        )
        for kind, count in plan.totals().items():
            write(f"  {count} {KINDS[kind]}")
        write(
            f"  {plan.audit_rows_past_period} audit rows older than {periods.audit_years} years: "
            "kept (the audit trail is append-only and holds references, not names)"
        )
        write(f"  {plan.open_cases} open case(s): kept")
        for state, label in (
            (CaseState.DUE, "To anonymise"),
            (CaseState.HELD, "Under legal hold (nothing done)"),
            (CaseState.KEPT, "Closed, within their period"),
            (CaseState.DONE, "Anonymised before"),
        ):
            rows = plan.in_state(state)
            if not rows:
                continue
            write(f"{label}:")
            for row in rows:
                due = f", due {row.decision.due_on.isoformat()}" if row.decision.due_on else ""
                closed = f"closed {row.closed_on.isoformat()}" if row.closed_on else "open"
                write(f"  {row.reference} ({closed}{due})")
        for work in plan.work:
            counts = ", ".join(
                f"{count} {kind.replace('_', ' ')}"
                for kind, count in work.counts().items()
                if count
            )
            write(f"Working files of {work.reference or 'no case'}: {counts}")


def _refs(references: list[str]) -> str:
    return ", ".join(references) if references else "none"
