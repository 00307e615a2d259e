"""Agency chronologies, their entries, and the social worker's findings across them.

Each involved agency keeps its own chronology for a case; entries belong to their agency
(other agencies may add a note, never change them). The multi-agency chronology is not
stored: it is the merge of every agency's entries (supervision.domain.chronology.merge).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from supervision.domain import chronology as domain

if TYPE_CHECKING:
    from supervision.cases.models import Person


# The starting theme taxonomy (code, English, Welsh). Administrators add more.
DEFAULT_THEMES = [
    ("child_voice", "Child's voice", "Llais y plentyn"),
    ("conflicting_information", "Conflicting information", "Gwybodaeth sy'n gwrthdaro"),
    ("cp_process", "Child protection process", "Proses amddiffyn plant"),
    ("development", "Development", "Datblygiad"),
    ("domestic_abuse", "Domestic abuse", "Cam-drin domestig"),
    ("early_years_attendance", "Early years attendance", "Presenoldeb blynyddoedd cynnar"),
    ("health", "Health", "Iechyd"),
    ("housing", "Housing", "Tai"),
    ("missed_health", "Missed health appointments", "Apwyntiadau iechyd a gollwyd"),
    ("neglect_indicators", "Signs of neglect", "Arwyddion esgeulustod"),
    ("network", "Family and friends network", "Rhwydwaith teulu a ffrindiau"),
    ("non_engagement", "Non-engagement", "Diffyg ymgysylltu"),
    ("parental_mental_health", "Parental mental health", "Iechyd meddwl rhieni"),
    ("safety_plan_breach", "Safety plan not kept", "Cynllun diogelwch heb ei ddilyn"),
    ("safety_planning", "Safety planning", "Cynllunio diogelwch"),
    ("school_attendance", "School attendance", "Presenoldeb yn yr ysgol"),
    ("strengths", "Strengths", "Cryfderau"),
    ("substance_misuse", "Substance misuse", "Camddefnyddio sylweddau"),
]


class Theme(models.Model):
    """A theme in the taxonomy administrators extend (in both languages)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name in English"), max_length=100)
    name_cy = models.CharField(_("name in Welsh"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ("name_en",)

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_cy if (get_language() or "").startswith("cy") else self.name_en


class ChronologyStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


class AgencyChronology(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="agency_chronologies"
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="chronologies"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ChronologyStatus.choices, default="requested"
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    proposed_due_date = models.DateField(
        _("due date proposed by the agency"), null=True, blank=True
    )
    due_date = models.DateField(_("agreed due date"), null=True, blank=True)
    due_date_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    return_reason = models.TextField(_("why it was returned"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agency chronology")
        verbose_name_plural = _("agency chronologies")
        ordering = ("case", "agency__name_en")
        constraints = [
            models.UniqueConstraint(fields=["case", "agency"], name="one_chronology_per_agency"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="chronology_period_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="returned_chronology_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} ({self.get_status_display()})"


class EventType(models.TextChoices):
    INCIDENT = "incident", _("Incident")
    CONTACT = "contact", _("Contact")
    VISIT = "visit", _("Visit")
    APPOINTMENT = "appointment", _("Appointment")
    MEETING = "meeting", _("Meeting")
    ASSESSMENT = "assessment", _("Assessment")
    REFERRAL = "referral", _("Referral")
    DECISION = "decision", _("Decision")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    OTHER = "other", _("Other")


class DatePrecision(models.TextChoices):
    EXACT = domain.DatePrecision.EXACT, _("Exact date")
    APPROXIMATE = domain.DatePrecision.APPROXIMATE, _("Approximate date")
    MONTH = domain.DatePrecision.MONTH, _("Month only")
    YEAR = domain.DatePrecision.YEAR, _("Year only")


class Significance(models.TextChoices):
    RED = domain.Rag.RED, _("Red")
    AMBER = domain.Rag.AMBER, _("Amber")
    GREEN = domain.Rag.GREEN, _("Green")
    NONE = domain.Rag.NONE, _("Not rated")


class Polarity(models.TextChoices):
    STRENGTH = domain.Polarity.STRENGTH, _("Strength")
    WORRY = domain.Polarity.WORRY, _("Worry")
    BOTH = domain.Polarity.BOTH, _("Both")
    NEUTRAL = domain.Polarity.NEUTRAL, _("Neutral")


class EngagementFlag(models.TextChoices):
    WAS_NOT_BROUGHT = domain.Engagement.WAS_NOT_BROUGHT, _("Was not brought")
    DID_NOT_ATTEND = domain.Engagement.DID_NOT_ATTEND, _("Did not attend")
    CANCELLED = domain.Engagement.CANCELLED, _("Cancelled")
    NO_ACCESS = domain.Engagement.NO_ACCESS, _("No access")
    DECLINED = domain.Engagement.DECLINED, _("Declined")
    NOT_RESPONDING = domain.Engagement.NOT_RESPONDING, _("Not responding")
    ENGAGED = domain.Engagement.ENGAGED, _("Engaged")
    NOT_APPLICABLE = domain.Engagement.NOT_APPLICABLE, _("Not applicable")


class ChronologyEntry(models.Model):
    """One event in an agency's chronology. Only its agency changes it."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    chronology = models.ForeignKey(
        AgencyChronology, on_delete=models.PROTECT, related_name="entries"
    )
    ref = models.CharField(_("entry reference"), max_length=32)
    event_date = models.DateField(_("date of event"))
    date_precision = models.CharField(
        _("how exact the date is"), max_length=12, choices=DatePrecision.choices, default="exact"
    )
    event_time = models.TimeField(_("time"), null=True, blank=True)
    sequence = models.PositiveSmallIntegerField(_("order on the day"), default=0)
    source = models.CharField(_("source of information"), max_length=300)
    event_type = models.CharField(_("type of event"), max_length=12, choices=EventType.choices)
    subjects = models.ManyToManyField(
        "cases.Person", related_name="chronology_entries", verbose_name=_("about")
    )
    description = models.TextField(_("what happened"))
    impact_on_child = models.TextField(_("impact on the child"), blank=True)
    action_taken = models.TextField(_("action taken"), blank=True)
    no_action = models.BooleanField(_("no action was taken"), default=False)
    themes = models.ManyToManyField(Theme, related_name="entries", verbose_name=_("themes"))
    significance = models.CharField(
        _("significance"), max_length=6, choices=Significance.choices, default="none"
    )
    polarity = models.CharField(_("strength or worry"), max_length=8, choices=Polarity.choices)
    engagement = models.CharField(
        _("engagement"), max_length=16, choices=EngagementFlag.choices, default="not_applicable"
    )
    childs_words = models.TextField(_("the child's own words"), blank=True)
    is_draft = models.BooleanField(_("draft"), default=False)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chronology entry")
        verbose_name_plural = _("chronology entries")
        ordering = ("event_date", "sequence", "ref")
        constraints = [
            models.UniqueConstraint(fields=["case", "ref"], name="entry_ref_unique_in_case"),
            models.CheckConstraint(
                condition=Q(is_draft=True) | ~Q(action_taken="") | Q(no_action=True),
                name="entry_records_action_or_no_action",
            ),
            models.CheckConstraint(
                condition=Q(is_draft=True) | ~Q(source=""), name="entry_has_source"
            ),
            models.CheckConstraint(
                condition=Q(is_draft=True) | ~Q(description=""), name="entry_has_description"
            ),
        ]
        indexes = [models.Index(fields=["case", "event_date"])]

    def __str__(self) -> str:
        return self.ref

    def to_domain(
        self, *, subjects: list[Person] | None = None, themes: list[Theme] | None = None
    ) -> domain.Entry:
        people = subjects if subjects is not None else list(self.subjects.all())
        theme_rows = themes if themes is not None else list(self.themes.all())
        return domain.Entry(
            ref=self.ref,
            agency=self.chronology.agency.code.upper(),
            event_date=self.event_date,
            precision=domain.DatePrecision(self.date_precision),
            event_time=self.event_time,
            sequence=self.sequence,
            subjects=frozenset(person.key for person in people),
            event_type=self.event_type,
            themes=frozenset(theme.code for theme in theme_rows),
            rag=domain.Rag(self.significance),
            polarity=domain.Polarity(self.polarity),
            engagement=domain.Engagement(self.engagement),
        )


class EntryLink(models.Model):
    class Kind(models.TextChoices):
        SAME_EVENT = domain.LinkKind.SAME_EVENT, _("Same event as")
        CORROBORATES = domain.LinkKind.CORROBORATES, _("Corroborates")
        CONFLICTS_WITH = domain.LinkKind.CONFLICTS_WITH, _("Conflicts with")

    source = models.ForeignKey(ChronologyEntry, on_delete=models.PROTECT, related_name="links")
    target = models.ForeignKey(ChronologyEntry, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("link"), max_length=16, choices=Kind.choices)

    class Meta:
        verbose_name = _("entry link")
        verbose_name_plural = _("entry links")
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="entry_link_unique"),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="entry_link_not_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.target}"


class EntryNote(models.Model):
    """A note another agency (or the social worker) adds to an entry it does not own."""

    entry = models.ForeignKey(ChronologyEntry, on_delete=models.PROTECT, related_name="notes")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("note on an entry")
        verbose_name_plural = _("notes on entries")
        ordering = ("created_at",)

    def __str__(self) -> str:
        return f"{self.entry}: {self.text[:40]}"


class FindingKind(models.TextChoices):
    KEY_THEME = "key_theme", _("Key theme")
    PATTERN = "pattern", _("Pattern")
    STRENGTH = "strength", _("Strength")
    AREA_OF_WORRY = "area_of_worry", _("Area of worry")


class ChronologyFinding(models.Model):
    """What the social worker draws from the multi-agency chronology, citing its entries."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of finding"), max_length=16, choices=FindingKind.choices)
    text = models.TextField(_("finding"))
    entries = models.ManyToManyField(
        ChronologyEntry, related_name="findings", verbose_name=_("entries behind it")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chronology finding")
        verbose_name_plural = _("chronology findings")
        ordering = ("kind", "created_at")

    def __str__(self) -> str:
        return self.text[:60]


class ChronologyImport(models.Model):
    """An uploaded chronology file: previewed first, saved whole or not at all."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Checked")
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Not imported")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("file"), max_length=200)
    rows = models.JSONField(default=list)
    problems = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default="previewed")
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    saved_entries = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chronology import")
        verbose_name_plural = _("chronology imports")

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent_done(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class ChronologyExport(models.Model):
    """A file of the multi-agency chronology, made in the background and kept for download."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "Excel"
        CSV = "csv", "CSV"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Could not be made")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    format = models.CharField(max_length=4, choices=Format.choices)
    anonymised = models.BooleanField(_("names replaced by roles"), default=False)
    language = models.CharField(max_length=5, default="en")
    status = models.CharField(max_length=8, choices=Status.choices, default="queued")
    file = models.FileField(upload_to="exports/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("chronology export")
        verbose_name_plural = _("chronology exports")

    def __str__(self) -> str:
        return f"{self.case} {self.format}"
