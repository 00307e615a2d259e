"""Session documents made directly (the documents app makes them in the background), and
small helpers shared by the distribution tests."""

from __future__ import annotations

import datetime
import zoneinfo

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from supervision.accounts.models import User
from supervision.agencies.models import Practitioner
from supervision.artefacts.models import Artefact, ArtefactFile
from supervision.meetings.models import SupervisionSession
from supervision.records.models import RecordEdition

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(day: str, time: str = "10:00") -> datetime.datetime:
    """A moment in UK time, for time_machine."""
    return datetime.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=LONDON)


def make_document(
    session: SupervisionSession,
    kind: str,
    *,
    by: User,
    approved: bool = False,
    file_status: str = "done",
) -> Artefact:
    """A document of the latest signed-off version with an English and a Welsh PDF."""
    edition = RecordEdition.objects.filter(record__session=session).order_by("-number").first()
    assert edition is not None, "the session record is not signed off"
    artefact = Artefact.objects.create(
        session=session,
        kind=kind,
        edition=edition,
        status="approved" if approved else "draft",
        approved_at=timezone.now() if approved else None,
        approved_by=by if approved else None,
        created_by=by,
    )
    for language in ("en", "cy"):
        file = ArtefactFile(
            artefact=artefact,
            language=language,
            format="pdf",
            status=file_status,
            progress=100 if file_status == "done" else 40,
        )
        if file_status == "done":
            file.file.save(f"{kind}-{language}.pdf", ContentFile(b"%PDF-1.4 fictional"), save=False)
        file.save()
    return artefact


def approve(artefact: Artefact, chair: User) -> None:
    """The chair approves the minutes (the documents app's screen does this)."""
    Artefact.objects.filter(pk=artefact.pk).update(
        status="approved", approved_at=timezone.now(), approved_by=chair
    )
    artefact.refresh_from_db()


def practitioner(full_name: str) -> Practitioner:
    return Practitioner.objects.select_related("user").get(user__full_name=full_name)


def url(session: SupervisionSession, name: str = "list", **extra: object) -> str:
    kwargs = {"reference": session.case.reference, "code": session.request.code, **extra}
    return reverse(f"distribution:{name}", kwargs=kwargs)
