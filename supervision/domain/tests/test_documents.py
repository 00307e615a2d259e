"""The document pack's plan check: the scenario's pack, edge cases and properties."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from supervision.domain.documents import (
    DocumentType,
    PlanOlderThanConference,
    plan_older_than_conference,
)

PLAN = "cp_care_and_support_plan"
REPORT = "conference_report"
RECORD = "conference_record"

# The fictional Harries/Walsh pack (demo/harries-walsh/request-and-session.yaml).
SCENARIO_PACK = [
    (RECORD, date(2025, 7, 31)),
    (PLAN, date(2025, 12, 10)),
    ("part3_assessment", date(2025, 7, 24)),
]


def test_the_scenario_pack_has_a_plan_newer_than_its_conference():
    assert plan_older_than_conference(SCENARIO_PACK) is None


def test_a_report_for_the_january_review_conference_makes_the_plan_out_of_date():
    pack = [*SCENARIO_PACK, (REPORT, date(2026, 1, 29))]
    assert plan_older_than_conference(pack) == PlanOlderThanConference(
        plan_date=date(2025, 12, 10), conference_date=date(2026, 1, 29)
    )


def test_only_the_newest_plan_counts():
    pack = [
        (PLAN, date(2025, 1, 5)),
        (RECORD, date(2025, 6, 1)),
        (PLAN, date(2025, 6, 20)),
    ]
    assert plan_older_than_conference(pack) is None


def test_the_last_conference_counts_whether_report_or_record():
    pack = [(RECORD, date(2025, 3, 1)), (PLAN, date(2025, 4, 1)), (REPORT, date(2025, 9, 1))]
    assert plan_older_than_conference(pack) == PlanOlderThanConference(
        plan_date=date(2025, 4, 1), conference_date=date(2025, 9, 1)
    )


def test_a_plan_dated_on_the_conference_day_is_current():
    pack = [(RECORD, date(2025, 7, 31)), (PLAN, date(2025, 7, 31))]
    assert plan_older_than_conference(pack) is None


def test_a_plan_a_day_older_than_the_conference_is_out_of_date():
    pack = [(RECORD, date(2025, 7, 31)), (PLAN, date(2025, 7, 30))]
    assert plan_older_than_conference(pack) == PlanOlderThanConference(
        plan_date=date(2025, 7, 30), conference_date=date(2025, 7, 31)
    )


def test_nothing_to_compare_without_a_plan_or_without_a_conference():
    assert plan_older_than_conference([]) is None
    assert plan_older_than_conference([(RECORD, date(2025, 7, 31))]) is None
    assert plan_older_than_conference([(PLAN, date(2025, 7, 31))]) is None


def test_other_documents_do_not_count_as_plans_or_conferences():
    pack = [
        ("part3_assessment", date(2025, 1, 1)),
        ("s47_assessment", date(2026, 1, 1)),
        ("strategy_record", date(2026, 2, 1)),
        ("agency_report", date(2026, 3, 1)),
        ("other", date(2026, 4, 1)),
        ("not_a_type", date(2026, 5, 1)),
        (PLAN, date(2025, 6, 1)),
        (RECORD, date(2025, 5, 1)),
    ]
    assert plan_older_than_conference(pack) is None


def test_enum_members_work_as_well_as_their_values():
    pack = [
        (DocumentType.CONFERENCE_RECORD, date(2025, 7, 31)),
        (DocumentType.CP_CARE_AND_SUPPORT_PLAN, date(2025, 7, 1)),
    ]
    assert plan_older_than_conference(pack) is not None


types = st.sampled_from([member.value for member in DocumentType])
packs = st.lists(st.tuples(types, st.dates(date(2000, 1, 1), date(2040, 12, 31))), max_size=30)


@given(packs)
def test_the_warning_names_the_newest_plan_and_the_last_conference(pack):
    plans = [day for kind, day in pack if kind == PLAN]
    conferences = [day for kind, day in pack if kind in (REPORT, RECORD)]
    result = plan_older_than_conference(pack)
    if plans and conferences and max(plans) < max(conferences):
        assert result == PlanOlderThanConference(max(plans), max(conferences))
    else:
        assert result is None


@given(packs, st.randoms(use_true_random=False))
def test_the_order_of_the_documents_does_not_matter(pack, random):
    shuffled = list(pack)
    random.shuffle(shuffled)
    assert plan_older_than_conference(shuffled) == plan_older_than_conference(pack)


def test_the_module_imports_without_django():
    code = (
        "import sys; import supervision.domain.documents; "
        "assert 'django' not in sys.modules, 'django was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603
