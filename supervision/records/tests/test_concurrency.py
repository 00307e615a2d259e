"""Concurrent edits never lose an update (security.md §6.8, row 32h): many writers save
the same part of the record at once; every save either lands as its own version or is
refused as a conflict, and nothing is silently overwritten."""

from __future__ import annotations

import random
import threading

import pytest
from django.db import connection

from supervision.records import services
from supervision.records.models import PrinciplesRecord

ROUNDS = 40
WRITERS = 4


@pytest.mark.django_db(transaction=True)
def test_racing_saves_of_what_matters_lose_nothing(cast, demo_case):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL's test database")
    from django.utils import timezone

    from supervision.meetings.models import SupervisionSession
    from supervision.meetings.services import demo_request_load, session_schedule

    found = demo_request_load()
    assert found is not None
    session: SupervisionSession = session_schedule(
        request=found,
        starts_at=timezone.now(),
        duration_minutes=90,
        venue="Room 2",
        meeting_language="en",
        scheduled_by=cast.chair,
    )
    writers = [cast.chair, cast.social_worker] * (WRITERS // 2)
    saved: list[tuple[int, str]] = []
    refused: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(WRITERS)

    def write(number: int) -> None:
        try:
            start.wait()
            for turn in range(ROUNDS):
                record = PrinciplesRecord.objects.filter(session=session).first()
                version = record.version if record else 0
                text = f"writer {number}, turn {turn}"
                if random.random() < 0.5:
                    version = max(0, version - 1)  # an editor who loaded it a while ago
                try:
                    result = services.record_update_what_matters(
                        session=session,
                        what_matters=text,
                        family_words="",
                        expected_version=version,
                        by=writers[number],
                    )
                except services.RecordConflict:
                    with lock:
                        refused.append(text)
                else:
                    with lock:
                        saved.append((result.version, text))
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    record = PrinciplesRecord.objects.get(session=session)
    # Every successful save made its own version: versions 1..n, each once.
    versions = sorted(version for version, _ in saved)
    assert versions == list(range(1, len(saved) + 1))
    assert record.version == len(saved)
    # The text kept is the last successful save's; every other save was refused, not lost.
    assert record.what_matters == max(saved)[1]
    assert len(saved) + len(refused) == WRITERS * ROUNDS
    assert refused, "the race produced no conflict: the test would not notice an overwrite"
    from supervision.audit.models import AuditEvent

    assert AuditEvent.objects.filter(case=session.case, detail__part="what matters").count() == len(
        saved
    )
