"""Supervision evaluations (督导评估) of schools, kindergartens or governments.

An ``Evaluation`` scores ``Unit`` rows (schools, or regions for 督政) on a frozen indicator-system
version (``instruments.InstrumentVersion``). ``RaterGroup`` rows weigh the raters' groups
(office experts, inspectors, peer units, parents and the public); each ``Rater`` fills one
``Rating`` per unit assigned to them. A unit's self-assessment (自评), its evidence, the team's
visits (``SiteVisit``), its reply (申辩), its opinion letter and its results live on the unit.

The chain of 条例 第十七条—第二十三条 is the evaluation's ``status`` (see ``visibility.PHASES``).
Who sees which rows in which phase: ``dudao.evaluations.visibility``.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dudao.core import rules
from dudao.core.models import StoredFile
from dudao.core.scope import OFFICE_REGION, DetailPageModel, OfficeScopedModel, ScopedModel
from dudao.core.workflow import Transition
from dudao.evaluations import visibility as v

MANAGE = "evaluations.manage_evaluation"
RATE = "evaluations.rate_evaluation"
SUBMIT = "evaluations.submit_unit"


# evidence and site visits follow their unit's scope
UNIT_PART_RULES = (rules.through("unit_id", "evaluations.Unit"),)


def default_bands():
    return [[90, "优秀"], [75, "良好"], [60, "合格"], [0, "不合格"]]


class Evaluation(DetailPageModel, OfficeScopedModel):
    """One evaluation run by an office on an indicator-system version."""

    class Kind(models.TextChoices):
        SCHOOL = "school", _("Schools")
        KINDERGARTEN = "kindergarten", _("Kindergartens")
        GOVERNMENT = "government", _("Governments (督政)")

    class Status(models.TextChoices):
        DRAFT = v.DRAFT, _("Draft")
        NOTIFIED = v.NOTIFIED, _("Notified, self-assessment")
        ON_SITE = v.ON_SITE, _("On-site review")
        RATING = v.RATING, _("Independent rating")
        PRELIMINARY = v.PRELIMINARY, _("Preliminary opinion, replies")
        OPINION = v.OPINION, _("Opinion letters")
        PUBLISHED = v.PUBLISHED, _("Published")

    class Aggregation(models.TextChoices):
        MEAN = "mean", _("Mean")
        MEDIAN = "median", _("Median")
        TRIMMED_MEAN = "trimmed_mean", _("Trimmed mean (drop highest and lowest)")

    TRANSITIONS = {
        "notify": Transition({Status.DRAFT}, Status.NOTIFIED, MANAGE),
        "review": Transition({Status.NOTIFIED}, Status.ON_SITE, MANAGE),
        "rate": Transition({Status.ON_SITE}, Status.RATING, MANAGE),
        "feed_back": Transition({Status.RATING}, Status.PRELIMINARY, MANAGE),
        "conclude": Transition({Status.PRELIMINARY}, Status.OPINION, MANAGE),
        "publish": Transition({Status.OPINION}, Status.PUBLISHED, MANAGE),
    }

    office = models.ForeignKey("organizations.Office", on_delete=models.PROTECT, related_name="evaluations",
                               verbose_name=_("office"))
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveIntegerField(_("year"))
    kind = models.CharField(_("units"), max_length=20, choices=Kind.choices, default=Kind.SCHOOL)
    version = models.ForeignKey("instruments.InstrumentVersion", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("indicator system"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    aggregation = models.CharField(_("aggregation"), max_length=20, choices=Aggregation.choices,
                                   default=Aggregation.MEAN)
    weight_by_group = models.BooleanField(
        _("weighted by rater group"), default=False,
        help_text=_("Combine each rater group first, then weigh the groups."))
    veto_cap = models.DecimalField(_("total after a veto"), max_digits=8, decimal_places=2, default=Decimal("0"),
                                   help_text=_("A failed veto item caps the total at this score."))
    veto_grade = models.CharField(_("grade after a veto"), max_length=20, default="不合格")
    grade_bands = models.JSONField(_("grades"), default=default_bands, blank=True,
                                   help_text=_("[lower bound in percent of the maximum, grade], highest first."))
    description = models.TextField(_("matters and requirements"), blank=True)
    self_assessment_due = models.DateField(_("self-assessment due"), null=True, blank=True)
    notice_number = models.CharField(_("notice number"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")

    # the office; once published, the offices and schools of its units and its raters, to read
    scope_rules = (
        rules.office(OFFICE_REGION),
        rules.office_tree("units__region_path", when=~Q(status=v.DRAFT), on=rules.VIEW, subquery=True),
        rules.schools("units__school_id", when=~Q(status=v.DRAFT), on=rules.VIEW, subquery=True),
        rules.own("raters__user", when=~Q(status=v.DRAFT), on=rules.VIEW, subquery=True),
    )

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-year", "-pk"]
        permissions = [
            ("manage_evaluation", "Can run the phases of an evaluation"),
            ("rate_evaluation", "Can score units as a rater"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def results_public(self) -> bool:
        return self.status in v.UNIT_RESULT_PHASES


class RaterGroup(models.Model):
    """A group of raters and its weight (社会参与: parents and the public are a group too)."""

    class Kind(models.TextChoices):
        EXPERTS = "experts", _("Office experts")
        INSPECTORS = "inspectors", _("Inspectors")
        PEERS = "peers", _("Peer units")
        PUBLIC = "public", _("Parents and the public")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="groups")
    kind = models.CharField(_("group"), max_length=20, choices=Kind.choices)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=3, default=Decimal("1"))

    class Meta:
        verbose_name = _("rater group")
        ordering = ["evaluation", "kind"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "kind"], name="evaluations_group_unique")]

    def __str__(self) -> str:
        return self.get_kind_display()


class Rater(models.Model):
    """A user scoring units of one evaluation, in one group."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="raters")
    group = models.ForeignKey(RaterGroup, on_delete=models.PROTECT, related_name="raters")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluation_raters")

    class Meta:
        verbose_name = _("rater")
        ordering = ["evaluation", "pk"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "user"], name="evaluations_rater_unique")]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.username


class Unit(DetailPageModel):
    """A school or a region (its government) evaluated, with its self-assessment, reply, opinion
    letter and results."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting self-assessment")
        SELF_ASSESSED = "self_assessed", _("Self-assessed")
        REPLIED = "replied", _("Replied")
        CONCLUDED = "concluded", _("Opinion issued")

    TRANSITIONS = {
        "submit_self": Transition({Status.PENDING}, Status.SELF_ASSESSED, SUBMIT),
        "reply": Transition({Status.PENDING, Status.SELF_ASSESSED}, Status.REPLIED, SUBMIT),
        "conclude": Transition({Status.PENDING, Status.SELF_ASSESSED, Status.REPLIED}, Status.CONCLUDED, MANAGE),
    }

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="units")
    school = models.ForeignKey("organizations.School", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="evaluation_units", verbose_name=_("school"))
    region = models.ForeignKey("organizations.Region", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="evaluation_units", verbose_name=_("region"))
    region_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField(_("unit"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    # self-assessment (自评)
    self_scores = models.JSONField(default=dict, blank=True)
    self_notes = models.JSONField(default=dict, blank=True)
    narrative = models.TextField(_("self-assessment report"), blank=True)
    self_total = models.DecimalField(_("self-assessed total"), max_digits=8, decimal_places=2, null=True, blank=True)
    self_submitted_at = models.DateTimeField(null=True, blank=True)
    # preliminary opinion and reply (初步督导意见, 申辩)
    preliminary_opinion = models.TextField(_("preliminary opinion"), blank=True)
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    # opinion letter (督导意见书)
    opinion = models.TextField(pgettext_lazy("opinion letter", "evaluation"), blank=True)
    demands = models.JSONField(default=list, blank=True)  # [{"text", "deadline", "rectification"}]
    opinion_issued_at = models.DateTimeField(null=True, blank=True)
    # results (computed when the preliminary opinion is fed back)
    total = models.DecimalField(pgettext_lazy("score", "total"), max_digits=8, decimal_places=2, null=True, blank=True)
    maximum = models.DecimalField(_("maximum"), max_digits=8, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    vetoed = models.JSONField(default=list, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    leaf_points = models.JSONField(default=dict, blank=True)
    node_points = models.JSONField(default=dict, blank=True)

    scope_region = "region_path"
    scope_school = "school_id"

    # the evaluation's office; once published, the unit's own office (a region unit) or school, and
    # reading, the offices above and the unit's raters
    scope_rules = (
        rules.office("evaluation__office__region__path"),
        rules.office_tree(scope_region, when=~Q(evaluation__status=v.DRAFT), on=rules.VIEW),
        rules.office(scope_region, when=Q(school__isnull=True) & ~Q(evaluation__status=v.DRAFT), on=rules.WRITE),
        rules.schools(scope_school, when=~Q(evaluation__status=v.DRAFT)),
        rules.own("ratings__rater__user", when=~Q(evaluation__status=v.DRAFT), on=rules.VIEW, subquery=True),
    )

    class Meta:
        verbose_name = _("evaluated unit")
        verbose_name_plural = _("evaluated units")
        ordering = ["evaluation", "name"]
        permissions = [("submit_unit", "Can submit a unit's self-assessment and reply")]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "school"], condition=Q(school__isnull=False),
                                    name="evaluations_unit_school_once"),
            models.UniqueConstraint(fields=["evaluation", "region"], condition=Q(school__isnull=True),
                                    name="evaluations_unit_region_once"),
            models.CheckConstraint(condition=Q(school__isnull=False) | Q(region__isnull=False),
                                   name="evaluations_unit_school_or_region"),
        ]

    def __str__(self) -> str:
        return self.name


class Rating(DetailPageModel):
    """One rater's sheet for one unit: a value and a deduction note (扣分说明) per leaf."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Scoring")
        SUBMITTED = "submitted", _("Submitted")

    TRANSITIONS = {
        "submit": Transition({Status.DRAFT}, Status.SUBMITTED, RATE),
        "reopen": Transition({Status.SUBMITTED}, Status.DRAFT, MANAGE),
    }

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(Rater, on_delete=models.CASCADE, related_name="ratings")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    scores = models.JSONField(default=dict, blank=True)
    notes = models.JSONField(default=dict, blank=True)
    total = models.DecimalField(pgettext_lazy("score", "total"), max_digits=8, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    scope_region = "unit__region_path"
    scope_school = "unit__school_id"

    # the evaluation's office; the rater; a rater who submitted reads the unit's other ratings
    scope_rules = (
        rules.office("unit__evaluation__office__region__path"),
        rules.own("rater__user"),
        rules.own("unit__ratings__rater__user", when=Q(unit__ratings__status="submitted"), on=rules.VIEW, subquery=True),
    )

    class Meta:
        verbose_name = pgettext_lazy("evaluation", "rating")
        verbose_name_plural = pgettext_lazy("evaluation", "ratings")
        ordering = ["unit", "rater"]
        constraints = [models.UniqueConstraint(fields=["unit", "rater"], name="evaluations_rating_once")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.rater}"



class Evidence(StoredFile, ScopedModel):
    """A supporting file (佐证材料) a unit gives for one indicator of its self-assessment."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="evidence")
    item_code = models.CharField(_("indicator"), max_length=32)

    scope_region = "unit__region_path"
    scope_school = "unit__school_id"

    scope_rules = UNIT_PART_RULES

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["unit", "item_code", "pk"]

    def upload_path(self, filename: str) -> str:
        return f"evaluations/{self.unit.evaluation_id}/{self.unit_id}/{filename}"


class SiteVisit(ScopedModel):
    """The team's on-site review of a unit (现场考察): date, members, what they did and saw."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="visits")
    date = models.DateField(_("date"))
    members = models.CharField(_("team members"), max_length=300)
    notes = models.TextField(_("record"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    scope_region = "unit__region_path"
    scope_school = "unit__school_id"

    scope_rules = UNIT_PART_RULES

    class Meta:
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")
        ordering = ["unit", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.unit} {self.date}"
