"""Satisfaction surveys (社会满意度调查): an office asks chosen schools' parents, teachers,
students, the public or deputies to answer a questionnaire, anonymously, through links and QR codes.

* ``Survey``: one office's survey on a published questionnaire version, for respondent groups,
  with a closing date, the answers it counts as satisfied and its pass mark; draft → open → closed.
* ``SurveyLink``: the anonymous address of one school and group (an unguessable token); it takes
  many responses, or — when the survey is ``single_use`` — only with an unused ``SurveyCode``.
* ``SurveyResponse``: ties one anonymous ``instruments.Response`` (the answers, on the engine) to
  the survey, school and group. Nothing about the respondent is stored: no account, no address,
  and not which code was used (a used code only knows that it was used).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dudao.core import rules
from dudao.core.choices import YEARS
from dudao.core.scope import OFFICE_REGION, DetailPageModel, OfficeScopedModel, ScopedModel
from dudao.core.workflow import Transition

DEFAULT_THRESHOLD = Decimal("0.85")  # STANDARDS §4.6: social recognition passes at ≥ 85 %


class Survey(DetailPageModel, OfficeScopedModel):
    """Runs one questionnaire among chosen schools' respondent groups, anonymously, until a date."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", pgettext_lazy("survey", "Open")
        CLOSED = "closed", pgettext_lazy("survey", "Closed")

    class Group(models.TextChoices):
        PARENTS = "parents", _("Parents")
        STUDENTS = "students", _("Students")
        TEACHERS = "teachers", _("Teachers")
        PRINCIPALS = "principals", _("Principals")
        PUBLIC = "public", _("The public")
        DEPUTIES = "deputies", _("People's congress deputies")
        CPPCC = "cppcc", _("CPPCC members")

    TRANSITIONS = {
        "open": Transition({Status.DRAFT}, Status.OPEN, "surveys.run_survey"),
        "close": Transition({Status.OPEN}, Status.CLOSED, "surveys.run_survey"),
        "reopen": Transition({Status.CLOSED}, Status.OPEN, "surveys.run_survey"),
    }

    office = models.ForeignKey("organizations.Office", on_delete=models.PROTECT, related_name="surveys",
                               verbose_name=_("office"))
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(YEARS.start),
                                                                   MaxValueValidator(YEARS.stop - 1)])
    version = models.ForeignKey("instruments.InstrumentVersion", on_delete=models.PROTECT, related_name="surveys",
                                verbose_name=_("questionnaire"))
    groups = models.JSONField(_("respondent groups"), default=list)
    closes_on = models.DateField(_("closing date"), help_text=_("The last day answers are accepted."))
    counted_options = models.JSONField(
        _("answers counted as satisfied"), default=list,
        help_text=_("The answer options that count toward the satisfaction rate, e.g. 满意 | 比较满意."))
    pass_threshold = models.DecimalField(
        _("pass mark"), max_digits=5, decimal_places=4, default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("The satisfaction rate a school needs to pass, from 0 to 1 (STANDARDS §4.6: 0.85)."))
    single_use = models.BooleanField(
        _("one response per code"), default=False,
        help_text=_("Each answer needs a single-use code handed out by the school; without it a link "
                    "takes any number of answers."))
    introduction = models.TextField(_("introduction"), blank=True,
                                    help_text=_("Shown to respondents above the questions."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # offices reach the surveys of their region subtree (and change them); school-bound users
    # (liaison, principal, inspector, zone leader) read the surveys that are no longer drafts and
    # include one of their schools — never a neighbour's, never a draft
    scope_rules = (rules.office(OFFICE_REGION),
                   rules.schools("links__school_id", when=~Q(status=Status.DRAFT), on=rules.VIEW, subquery=True))

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ("-year", "-pk")
        permissions = [("run_survey", "Can open, close and reopen a survey")]
        constraints = [
            models.CheckConstraint(condition=Q(pass_threshold__gte=0) & Q(pass_threshold__lte=1),
                                   name="surveys_survey_threshold_0_1"),
        ]

    def __str__(self) -> str:
        return self.title

    def group_labels(self) -> list[str]:
        labels = dict(self.Group.choices)
        return [str(labels.get(g, g)) for g in self.groups]

    def is_accepting(self, today=None) -> bool:
        """Open and not past its closing date: the answer pages take answers."""
        today = today or timezone.localdate()
        return self.status == self.Status.OPEN and today <= self.closes_on


class SurveyLink(ScopedModel):
    """The anonymous address of one school and respondent group in a survey (its QR code)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="links", verbose_name=_("survey"))
    school = models.ForeignKey("organizations.School", on_delete=models.PROTECT, related_name="survey_links",
                               verbose_name=_("school"))
    group = models.CharField(_("respondent group"), max_length=12, choices=Survey.Group.choices)
    token = models.CharField(max_length=48, unique=True, editable=False)

    scope_region = "school__region__path"
    scope_school = "school_id"

    # school-bound users reach the links of their own schools once the survey is no longer a
    # draft (they hand out the codes, not prepare them)
    scope_rules = (rules.office(scope_region), rules.schools(scope_school, when=~Q(survey__status="draft")))

    class Meta:
        verbose_name = _("survey link")
        verbose_name_plural = _("survey links")
        ordering = ("survey", "school__code", "group")
        constraints = [
            models.UniqueConstraint(fields=["survey", "school", "group"], name="surveys_surveylink_one_per_group"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.school} · {self.get_group_display()}"

    def get_public_path(self) -> str:
        return reverse("surveys_public:answer", args=[self.token])


class SurveyCode(models.Model):
    """A single-use code of a link: answers once, then refuses. It records no time and no answer."""

    link = models.ForeignKey(SurveyLink, on_delete=models.CASCADE, related_name="codes", verbose_name=_("link"))
    code = models.CharField(_("code"), max_length=32, unique=True, editable=False)
    used = models.BooleanField(_("used"), default=False)

    class Meta:
        verbose_name = _("single-use code")
        verbose_name_plural = _("single-use codes")
        ordering = ("link", "pk")

    def __str__(self) -> str:
        return f"{self.link} · {self.code[:4]}…"

    def get_public_path(self) -> str:
        return reverse("surveys_public:answer_code", args=[self.link.token, self.code])


class SurveyResponse(ScopedModel):
    """One anonymous answer sheet of a survey, for a school and group (answers on the engine)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey"))
    link = models.ForeignKey(SurveyLink, on_delete=models.CASCADE, related_name="responses", verbose_name=_("link"))
    school = models.ForeignKey("organizations.School", on_delete=models.PROTECT, related_name="survey_responses",
                               verbose_name=_("school"))
    group = models.CharField(_("respondent group"), max_length=12, choices=Survey.Group.choices)
    response = models.OneToOneField("instruments.Response", on_delete=models.PROTECT, related_name="survey_response",
                                    verbose_name=_("answers"))

    scope_region = "school__region__path"
    scope_school = "school_id"

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [models.Index(fields=["survey", "school", "group"], name="surveys_response_sch_grp")]

    def __str__(self) -> str:
        return f"{self.survey} · {self.school} · {self.get_group_display()}"
