"""Assessment of inspectors (督学考核): the office's weighting and the ratings given on an instrument.

The record-based indicators (visits and coverage, tasks, reports on time, rectifications followed
through, complaints, training hours) are computed from the other apps' rows when asked
(``assessment.selectors``); only what people give is stored here:

* ``AssessmentPolicy``: per office, the weight of each indicator and of each rater group, the
  rating instrument and how raters within a group are combined (defaults in ``DEFAULT_WEIGHTS``);
* ``AssessmentRating``: one rater's answers about one inspector for one period (self, a peer of
  the same office, or a school where the inspector is listed), scored 0–100 with the instrument
  engine's rules.

Who sees ratings (``for_user``): the office over its region subtree; everyone else only the
ratings they gave. The assessed inspector sees their aggregate, never a single rating.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dudao.core import rules
from dudao.core.scope import OFFICE_REGION, OfficeScopedModel
from dudao.workreports.models import PeriodKind

# Indicator weights (per cent of the composite score) and rater-group weights: the defaults an
# office starts from. STANDARDS §6 names what offices oversee (visits, reports, follow-up of
# rectifications, training) and the Dalian and 东城区 practice adds tasks, complaints,
# satisfaction and self/peer/school ratings; no national weighting exists, so these are ours.
DEFAULT_WEIGHTS = {
    "visits": 20, "tasks": 15, "reports": 10, "rectifications": 15, "complaints": 10, "training": 10, "ratings": 20,
}
DEFAULT_GROUP_WEIGHTS = {"self": 20, "peer": 30, "school": 50}


class AssessmentPolicy(OfficeScopedModel):
    """An office's weighting of the assessment: indicators, rater groups, instrument, aggregation."""

    class Aggregation(models.TextChoices):
        MEAN = "mean", _("Mean")
        MEDIAN = "median", _("Median")
        TRIMMED_MEAN = "trimmed_mean", _("Trimmed mean (drop highest and lowest)")

    office = models.OneToOneField("organizations.Office", on_delete=models.CASCADE, related_name="assessment_policy",
                                  verbose_name=_("office"))
    weight_visits = models.PositiveSmallIntegerField(_("visits and coverage"), default=DEFAULT_WEIGHTS["visits"])
    weight_tasks = models.PositiveSmallIntegerField(_("tasks done"), default=DEFAULT_WEIGHTS["tasks"])
    weight_reports = models.PositiveSmallIntegerField(_("reports on time"), default=DEFAULT_WEIGHTS["reports"])
    weight_rectifications = models.PositiveSmallIntegerField(_("rectifications followed through"),
                                                             default=DEFAULT_WEIGHTS["rectifications"])
    weight_complaints = models.PositiveSmallIntegerField(_("complaints answered and satisfaction"),
                                                         default=DEFAULT_WEIGHTS["complaints"])
    weight_training = models.PositiveSmallIntegerField(_("training hours"), default=DEFAULT_WEIGHTS["training"])
    weight_ratings = models.PositiveSmallIntegerField(_("ratings"), default=DEFAULT_WEIGHTS["ratings"])
    group_self = models.PositiveSmallIntegerField(_("self rating"), default=DEFAULT_GROUP_WEIGHTS["self"])
    group_peer = models.PositiveSmallIntegerField(_("peer ratings"), default=DEFAULT_GROUP_WEIGHTS["peer"])
    group_school = models.PositiveSmallIntegerField(_("school ratings"), default=DEFAULT_GROUP_WEIGHTS["school"])
    aggregation = models.CharField(_("combining raters of a group"), max_length=16, choices=Aggregation.choices,
                                   default=Aggregation.MEAN)
    instrument = models.ForeignKey("instruments.Instrument", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("rating instrument"),
                                   help_text=_("Empty: the assessment questionnaire shipped with the platform."))

    class Meta:
        verbose_name = _("assessment weighting")
        verbose_name_plural = _("assessment weightings")
        permissions = [("view_assessment", "Can see the assessment of the office's inspectors")]

    def __str__(self) -> str:
        return str(self.office)

    @property
    def weights(self) -> dict[str, int]:
        return {key: getattr(self, f"weight_{key}") for key in DEFAULT_WEIGHTS}

    @property
    def group_weights(self) -> dict[str, int]:
        return {key: getattr(self, f"group_{key}") for key in DEFAULT_GROUP_WEIGHTS}


class AssessmentRating(OfficeScopedModel):
    """Records one rater's answers about an inspector for a year or a term, and their 0–100 score."""

    class Role(models.TextChoices):
        SELF = "self", _("Self")
        PEER = "peer", _("Peer")
        SCHOOL = "school", _("School")

    office = models.ForeignKey("organizations.Office", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("office"))
    inspector = models.ForeignKey("inspectors.Inspector", on_delete=models.PROTECT, related_name="ratings",
                                  verbose_name=_("inspector"))
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=pgettext_lazy("assessment", "rater"))
    role = models.CharField(pgettext_lazy("assessment role", "rater"), max_length=8, choices=Role.choices)
    school = models.ForeignKey("organizations.School", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("school"))
    period_kind = models.CharField(_("period"), max_length=8, choices=[c for c in PeriodKind.choices if c[0] != "month"])
    period_start = models.DateField(_("from"))
    response = models.OneToOneField("instruments.Response", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("answers"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)

    # the office; the rater their own ratings
    scope_rules = (rules.office(OFFICE_REGION), rules.own("rater", on=rules.EXCEPT_DELETE))

    class Meta:
        verbose_name = _("assessment rating")
        verbose_name_plural = _("assessment ratings")
        ordering = ["-period_start", "inspector", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspector", "rater", "role", "period_kind", "period_start"],
                                    name="assessment_rating_one_per_rater"),
            models.CheckConstraint(name="assessment_rating_score_range",
                                   condition=Q(score__gte=0, score__lte=100)),
            models.CheckConstraint(name="assessment_rating_school_rater_has_school",
                                   condition=~Q(role="school") | Q(school__isnull=False)),
        ]
        indexes = [models.Index(fields=["office", "period_kind", "period_start"], name="assessment_rating_period")]

    def __str__(self) -> str:
        return f"{self.inspector} · {self.get_role_display()} · {self.period_start:%Y-%m-%d}"
