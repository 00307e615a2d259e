"""The session record: what matters, outcomes, strengths and priority risks (R11-R17)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from supervision.domain.wording import WHOLE_FAMILY


class PrinciplesRecord(models.Model):
    """One per session. `version` moves on every save of what matters (no silent overwrite)."""

    session = models.OneToOneField(
        "meetings.SupervisionSession", on_delete=models.PROTECT, related_name="principles"
    )
    what_matters = models.TextField(_("what matters"), blank=True)
    family_words = models.TextField(_("the family's own words"), blank=True)
    version = models.PositiveIntegerField(default=0)
    balancing_summary = models.TextField(_("summary judgement"), blank=True)
    # The summary moves on its own version, so saving what matters never makes it stale.
    balancing_version = models.PositiveIntegerField(default=0)
    # The chair summary (R39); the agreed actions are the action register itself.
    information_shared = models.TextField(_("information shared"), blank=True)
    learning_points = models.TextField(_("learning points"), blank=True)
    summary_version = models.PositiveIntegerField(default=0)
    # Sign-off locks the whole record until the chair reopens it with a reason.
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("session record")
        verbose_name_plural = _("session records")

    def __str__(self) -> str:
        return f"{self.session} (v{self.version})"

    @property
    def locked(self) -> bool:
        return self.signed_off_at is not None


class RecordEdition(models.Model):
    """One signed-off version of the record, kept whole. Edition 1 is the first sign-off;
    each later one follows a reopening whose reason it carries."""

    record = models.ForeignKey(PrinciplesRecord, on_delete=models.PROTECT, related_name="editions")
    number = models.PositiveIntegerField(_("version"))
    signed_off_at = models.DateTimeField(_("signed off at"))
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    content = models.JSONField(_("the record as signed off"))
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopen_reason = models.TextField(_("why it was reopened"), blank=True)

    class Meta:
        verbose_name = _("signed-off version")
        verbose_name_plural = _("signed-off versions")
        ordering = ("record", "number")
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="edition_number_unique"),
            models.CheckConstraint(
                condition=Q(reopened_at__isnull=True) | ~Q(reopen_reason=""),
                name="reopened_edition_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record} edition {self.number}"


class Whose(models.TextChoices):
    CHILD = "child", _("A child")
    PARENT = "parent", _("A parent or carer")
    WHOLE_FAMILY = WHOLE_FAMILY, _("The whole family")


class OutcomeStatus(models.TextChoices):
    AGREED = "agreed", _("Agreed")
    WORK_IN_PROGRESS = "work_in_progress", _("Work in progress")
    DISPUTED = "disputed", _("Disputed")


class Outcome(models.Model):
    record = models.ForeignKey(PrinciplesRecord, on_delete=models.PROTECT, related_name="outcomes")
    whose = models.CharField(_("whose outcome"), max_length=12, choices=Whose.choices)
    person = models.ForeignKey(
        "cases.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("outcome"))
    status = models.CharField(_("status"), max_length=16, choices=OutcomeStatus.choices)
    keep_reason = models.TextField(_("why the wording was kept"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ("record", "pk")
        constraints = [
            models.CheckConstraint(condition=Q(whose__in=Whose.values), name="outcome_whose_valid"),
            models.CheckConstraint(
                condition=Q(status__in=OutcomeStatus.values), name="outcome_status_valid"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="outcome_has_text"),
            models.CheckConstraint(
                condition=~Q(whose=WHOLE_FAMILY) | Q(person__isnull=True),
                name="whole_family_outcome_names_no_one",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_whose_display()}: {self.text[:40]}"


class StrengthKind(models.TextChoices):
    PERSONAL = "personal", _("Personal")
    FAMILY = "family", _("Family")
    NETWORK = "network", _("Network")
    HOME_ENVIRONMENT = "home_environment", _("Home and environment")
    COMMUNITY = "community", _("Community")
    PROFESSIONAL = "professional", _("Professional")


class Strength(models.Model):
    record = models.ForeignKey(PrinciplesRecord, on_delete=models.PROTECT, related_name="strengths")
    kind = models.CharField(_("kind of strength"), max_length=16, choices=StrengthKind.choices)
    text = models.TextField(_("strength"))
    people = models.ManyToManyField("cases.Person", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("strength")
        verbose_name_plural = _("strengths")
        ordering = ("record", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=StrengthKind.values), name="strength_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="strength_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"


class PriorityRisk(models.Model):
    record = models.ForeignKey(PrinciplesRecord, on_delete=models.PROTECT, related_name="risks")
    trying_to_avoid = models.TextField(_("what the family is trying to avoid"))
    from_whose_view = models.CharField(_("from whose point of view"), max_length=200)
    rank = models.PositiveSmallIntegerField(_("rank"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("priority risk")
        verbose_name_plural = _("priority risks")
        ordering = ("record", "rank")
        constraints = [
            models.UniqueConstraint(fields=["record", "rank"], name="risk_rank_unique_in_record"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="risk_rank_from_one"),
            models.CheckConstraint(condition=~Q(trying_to_avoid=""), name="risk_has_text"),
            models.CheckConstraint(condition=~Q(from_whose_view=""), name="risk_has_viewpoint"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.trying_to_avoid[:40]}"


class HighRiskMoment(models.Model):
    risk = models.ForeignKey(PriorityRisk, on_delete=models.PROTECT, related_name="moments")
    when = models.CharField(_("when"), max_length=300)
    where = models.CharField(_("where"), max_length=300, blank=True)
    trigger = models.CharField(_("trigger"), max_length=300, blank=True)
    early_sign = models.CharField(_("early warning sign"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("high-risk moment")
        verbose_name_plural = _("high-risk moments")
        ordering = ("risk", "pk")
        constraints = [
            models.CheckConstraint(condition=~Q(when=""), name="moment_has_when"),
        ]

    def __str__(self) -> str:
        return self.when


class BalancingColumn(models.TextChoices):
    STRENGTH = "strength", _("Strength")
    RISK = "risk", _("Risk")
    NEED = "need", _("Outstanding need")


class BalancingItem(models.Model):
    """One item of the balancing exercise (R37, B12), attributed to who raised it."""

    record = models.ForeignKey(
        PrinciplesRecord, on_delete=models.PROTECT, related_name="balancing_items"
    )
    column = models.CharField(_("column"), max_length=8, choices=BalancingColumn.choices)
    text = models.TextField(_("item"))
    raised_by = models.CharField(_("who raised it"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("balancing item")
        verbose_name_plural = _("balancing items")
        ordering = ("record", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(column__in=BalancingColumn.values), name="balancing_column_valid"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="balancing_item_has_text"),
            models.CheckConstraint(condition=~Q(raised_by=""), name="balancing_item_has_raiser"),
        ]

    def __str__(self) -> str:
        return f"{self.get_column_display()}: {self.text[:40]}"


class ScalingScore(models.Model):
    """One participant's place on the 0-10 scale (B14). Shown as a spread, never averaged."""

    record = models.ForeignKey(
        PrinciplesRecord, on_delete=models.PROTECT, related_name="scaling_scores"
    )
    participant = models.CharField(_("participant"), max_length=200)
    score = models.PositiveSmallIntegerField(_("score"))
    rationale = models.TextField(_("why this score"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("scaling score")
        verbose_name_plural = _("scaling scores")
        ordering = ("record", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=10), name="scaling_score_0_to_10"
            ),
            models.CheckConstraint(
                condition=~Q(participant=""), name="scaling_score_has_participant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant}: {self.score}"


class Attendance(models.Model):
    """Who attended the session, as the chair recorded it. Attendees (and the chair) read
    the reflective notes; #6 asks them for feedback."""

    record = models.ForeignKey(
        PrinciplesRecord, on_delete=models.PROTECT, related_name="attendance"
    )
    practitioner = models.ForeignKey(
        "agencies.Practitioner", on_delete=models.PROTECT, related_name="attended"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        ordering = ("record", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["record", "practitioner"], name="attended_once_per_record"
            ),
        ]

    def __str__(self) -> str:
        return str(self.practitioner)


class ReflectiveNote(models.Model):
    """A practitioner's own reflection on their role and impact (R7, R9). Read only by the
    session's attendees and chair; never in the signed-off record, an export or the case
    file."""

    record = models.ForeignKey(
        PrinciplesRecord, on_delete=models.PROTECT, related_name="reflective_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("my role and impact"))
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reflective note")
        verbose_name_plural = _("reflective notes")
        ordering = ("record", "pk")
        constraints = [
            models.UniqueConstraint(fields=["record", "author"], name="one_reflection_per_author"),
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.record}"
