"""Special campaigns (专项督导): an office's campaign on one theme, its target schools, its teams,
the schools' self-checks, the teams' results and the problems that become rectification notices.

The legal frame is 《教育督导条例》 第十三条 (专项督导), 第十六条 (a team of 3 or more inspectors),
第十七条 (written notice, 督导通知书), 第十八条 (self-evaluation, then the site visit), 第二十一条–第二十二条
(rectification with deadlines, verified) and 第二十三条 (the report), STANDARDS §5.2.

Who sees what (``for_user``):

* campaigns: the office over its region subtree (drafts included); once launched, the inspectors of
  its teams and the users whose schools (listed, zone, own school) are among its targets;
* targets: the office; the members of the target's team; the users of the target's school scope
  (a school liaison sees only its own school's target), never while the campaign is a draft;
* evidence files: those of the targets the user sees.

Only the office changes a campaign (``change`` scope = office paths); schools and teams act on a
target through services that check who they are (the school's users, the team's members).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dudao.core import rules
from dudao.core.models import StoredFile
from dudao.core.scope import OFFICE_REGION, DetailPageModel, OfficeScopedModel, ScopedModel
from dudao.core.workflow import Transition

MIN_TEAM_SIZE = 3  # 条例 第十六条: "组成督导小组…3名以上督学"


class Theme(models.TextChoices):
    OPENING = "opening", _("Opening of term")
    SAFETY = "safety", _("School safety")
    FOOD_SAFETY = "food_safety", _("Food safety")
    DROWNING = "drowning", _("Drowning prevention")
    TUTORING_BAN = "tutoring_ban", _("Ban on paid tutoring")
    DOUBLE_REDUCTION = "double_reduction", _("Double reduction")
    FIVE_MANAGEMENTS = "five_managements", _("Five managements")
    KINDERGARTEN_CONDUCT = "kindergarten_conduct", _("Kindergarten conduct")
    DROPOUT = "dropout", _("Dropout control")
    OTHER = "other", _("Other")


# the theme as an official document names it, whatever the reader's interface language
THEME_NAMES = {
    "opening": "开学工作", "safety": "学校安全工作", "food_safety": "食品安全", "drowning": "防溺水",
    "tutoring_ban": "在职教师有偿补课治理", "double_reduction": "“双减”工作", "five_managements": "“五项管理”",
    "kindergarten_conduct": "幼儿园办园行为", "dropout": "控辍保学", "other": "专项工作",
}


class Campaign(DetailPageModel, OfficeScopedModel):
    """Runs a special campaign (专项督导) of an office: theme, checklist, period, targets, teams."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        LAUNCHED = "launched", _("Launched")
        CLOSED = "closed", pgettext_lazy("campaign", "Closed")

    TRANSITIONS = {
        "launch": Transition({Status.DRAFT}, Status.LAUNCHED, "campaigns.launch_campaign"),
        "close": Transition({Status.LAUNCHED}, Status.CLOSED, "campaigns.close_campaign"),
    }

    office = models.ForeignKey("organizations.Office", on_delete=models.PROTECT, related_name="campaigns",
                               verbose_name=_("office"))
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=24, choices=Theme.choices)
    description = models.TextField(_("purpose and requirements"), blank=True)
    checklist = models.ForeignKey("instruments.InstrumentVersion", on_delete=models.PROTECT, related_name="campaigns",
                                  verbose_name=_("checklist"))
    start_date = models.DateField(_("start"))
    self_check_due = models.DateField(_("self-check due"))
    end_date = models.DateField(_("end"))
    target_rule = models.JSONField(_("how the targets were chosen"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    launched_at = models.DateTimeField(_("launched"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("campaign", "closed"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))

    # the office's campaigns; once launched, those of the user's teams and schools, to read
    scope_rules = (
        rules.office(OFFICE_REGION),
        rules.own("teams__members__user", when=~Q(status=Status.DRAFT), on=rules.VIEW, subquery=True),
        rules.schools("targets__school_id", when=~Q(status=Status.DRAFT), on=rules.VIEW, subquery=True),
    )

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start_date", "-pk"]
        permissions = [
            ("launch_campaign", "Can launch a campaign"),
            ("close_campaign", "Can close a campaign"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(self_check_due__gte=models.F("start_date")) & Q(end_date__gte=models.F("self_check_due")),
                name="campaigns_campaign_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def theme_name(self) -> str:
        return THEME_NAMES.get(self.theme, THEME_NAMES["other"])


class CampaignTeam(models.Model):
    """A supervision team (督导组) of a campaign: its inspectors, one of them the leader."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="teams", verbose_name=_("campaign"))
    name = models.CharField(_("name"), max_length=100)
    leader = models.ForeignKey("inspectors.Inspector", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("leader"))
    members = models.ManyToManyField("inspectors.Inspector", related_name="campaign_teams", verbose_name=_("members"))

    class Meta:
        verbose_name = _("campaign team")
        verbose_name_plural = _("campaign teams")
        ordering = ["campaign", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="campaigns_campaignteam_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_scope(self):
        return self.campaign.audit_scope()


class CampaignTarget(ScopedModel):
    """A school a campaign covers (snapshot of the target list), with its team, self-check and result."""

    class Status(models.TextChoices):
        NOTIFIED = "notified", _("Notified")
        SELF_CHECKED = "self_checked", _("Self-check submitted")
        VISITED = "visited", _("Visited")
        RECTIFYING = "rectifying", _("Rectifying")
        DONE = "done", _("Done")

    TRANSITIONS = {
        "self_check": Transition({Status.NOTIFIED}, Status.SELF_CHECKED, "campaigns.selfcheck_campaigntarget"),
        "visit": Transition({Status.NOTIFIED, Status.SELF_CHECKED}, Status.VISITED, "campaigns.visit_campaigntarget"),
        "rectify": Transition({Status.VISITED}, Status.RECTIFYING, "campaigns.visit_campaigntarget"),
        "complete": Transition({Status.VISITED, Status.RECTIFYING}, Status.DONE, "campaigns.visit_campaigntarget"),
    }

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets", verbose_name=_("campaign"))
    school = models.ForeignKey("organizations.School", on_delete=models.PROTECT, related_name="campaign_targets",
                               verbose_name=_("school"))
    team = models.ForeignKey(CampaignTeam, on_delete=models.SET_NULL, null=True, blank=True, related_name="targets",
                             verbose_name=_("team"))
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.NOTIFIED)
    self_check = models.OneToOneField("instruments.Response", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="campaign_self_check", verbose_name=_("self-check"))
    self_check_summary = models.TextField(_("self-check report"), blank=True)
    self_checked_at = models.DateTimeField(_("self-check submitted"), null=True, blank=True)
    team_result = models.OneToOneField("instruments.Response", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="campaign_team_result", verbose_name=_("team result"))
    team_summary = models.TextField(_("team's findings"), blank=True)
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    scope_region = "school__region__path"
    scope_school = "school_id"

    # the office's targets; the launched targets of the user's teams and schools, which they also
    # change (the school its self-check, the team its result; the capability says which)
    scope_rules = (
        rules.office("campaign__office__region__path"),
        rules.own("team__members__user", when=~Q(campaign__status="draft"), on=rules.EXCEPT_DELETE, subquery=True),
        rules.schools("school_id", when=~Q(campaign__status="draft"), on=rules.EXCEPT_DELETE),
    )

    class Meta:
        verbose_name = _("campaign target")
        verbose_name_plural = _("campaign targets")
        ordering = ["campaign", "school__sort_key", "pk"]
        permissions = [
            ("selfcheck_campaigntarget", "Can submit a campaign self-check"),
            ("visit_campaigntarget", "Can record a campaign team's result"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "school"], name="campaigns_campaigntarget_one_per_school"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.school}"

    def get_absolute_url(self) -> str:
        return reverse("campaigns:target_detail", args=[self.pk])

    @property
    def self_check_late(self) -> bool:
        """Submitted after the due date, or still missing once it has passed (derived, never stored)."""
        due = self.campaign.self_check_due
        if self.self_checked_at is not None:
            return timezone.localtime(self.self_checked_at).date() > due
        return self.status == self.Status.NOTIFIED and timezone.localdate() > due


class CampaignProblem(models.Model):
    """A problem the team found at a target; it becomes a rectification notice through the loop."""

    target = models.ForeignKey(CampaignTarget, on_delete=models.CASCADE, related_name="problems",
                               verbose_name=_("target"))
    item = models.ForeignKey("instruments.Item", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("checklist item"))
    description = models.TextField(_("problem"))
    severity = models.CharField(_("severity"), max_length=12, default="general")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    finding = models.OneToOneField("inspections.Finding", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="campaign_problem", verbose_name=_("finding"))
    rectification = models.ForeignKey("inspections.Rectification", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="campaign_problems", verbose_name=_("rectification notice"))

    class Meta:
        verbose_name = _("campaign problem")
        verbose_name_plural = _("campaign problems")
        ordering = ["target", "pk"]

    def __str__(self) -> str:
        return self.description[:60]

    def audit_scope(self):
        return self.target.audit_scope()


class CampaignEvidence(StoredFile, ScopedModel):
    """An evidence file of a self-check or a team result, stored with its SHA-256."""

    class Stage(models.TextChoices):
        SELF_CHECK = "self_check", _("Self-check")
        TEAM = "team", _("Team result")

    target = models.ForeignKey(CampaignTarget, on_delete=models.CASCADE, related_name="evidence",
                               verbose_name=_("target"))
    school = models.ForeignKey("organizations.School", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("school"))
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)

    scope_region = "school__region__path"
    scope_school = "school_id"
    upload_dir = "campaigns"

    # seen with the target it belongs to; written by the office that owns the school
    scope_rules = (rules.through("target_id", "campaigns.CampaignTarget", on=rules.VIEW), rules.office(scope_region, on=rules.WRITE))

    class Meta:
        verbose_name = _("campaign evidence")
        verbose_name_plural = _("campaign evidence")
        ordering = ["pk"]

    def get_absolute_url(self) -> str:
        return reverse("campaigns:evidence_download", args=[self.pk])
