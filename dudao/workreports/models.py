"""Work reports (督导工作报告): an inspector's, a zone's or an office's month, term or year.

The platform drafts the report from the records as an editable .docx (``documents.Document``);
the author finishes it in WPS or Word and uploads it, which submits it to the office; the office
accepts it or returns it with a reason. When a report falls due is the office's rule
(``ReportPolicy``): a monthly report on day N of the next month, a term or year summary N days
after the period ends. "Late" and "overdue" are derived from those dates, never stored.

Who sees what (``for_user``):

* the office over its region subtree (a city office also its counties' reports);
* an inspector their own reports; a zone leader their zone's report and the reports of the
  inspectors working in their zone (read only);
* school liaisons and principals hold no report permission.
"""

import calendar
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.core import rules
from dudao.core.models import Reviewed
from dudao.core.review import review_transitions
from dudao.core.scope import OFFICE_REGION, DetailPageModel, OfficeScopedModel, ScopedQuerySet


class Level(models.TextChoices):
    # the order and labels of ``plans.WorkPlan.Level``: one enum in the API schema
    OFFICE = "office", _("Office")
    ZONE = "zone", _("Zone")
    INSPECTOR = "inspector", _("Inspector")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Monthly report")
    TERM = "term", _("Term summary")
    YEAR = "year", _("Year summary")


def period_bounds(kind: str, start: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the period of ``kind`` that starts on (or contains) ``start``.

    Terms: spring 1 February – 31 July, autumn 1 September – 31 January (STANDARDS §5.2; the
    same terms as the coverage pages). A day in August belongs to the coming autumn term.
    """
    if kind == PeriodKind.MONTH:
        first = start.replace(day=1)
        return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
    if kind == PeriodKind.YEAR:
        return datetime.date(start.year, 1, 1), datetime.date(start.year, 12, 31)
    if kind == PeriodKind.TERM:
        if 2 <= start.month <= 7:
            return datetime.date(start.year, 2, 1), datetime.date(start.year, 7, 31)
        year = start.year - 1 if start.month == 1 else start.year
        return datetime.date(year, 9, 1), datetime.date(year + 1, 1, 31)
    raise ValueError(f"unknown period kind {kind!r}")


def period_label(kind: str, start: datetime.date) -> str:
    """The period as the report's title says it: 2026年10月, 2026年秋季学期, 2026年度."""
    if kind == PeriodKind.MONTH:
        return f"{start.year}年{start.month}月"
    if kind == PeriodKind.TERM:
        return f"{start.year}年{'春季' if start.month == 2 else '秋季'}学期"
    return f"{start.year}年度"


class ReportQuerySet(ScopedQuerySet):
    def due_by(self, on: datetime.date):
        return self.filter(due_on__lt=on)


class Report(DetailPageModel, OfficeScopedModel, Reviewed):
    """Records a work report of an inspector, a zone or an office for a month, term or year, with
    the draft the platform made and the finished .docx the author submitted."""

    Level = Level
    PeriodKind = PeriodKind

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")

    TRANSITIONS = review_transitions(Status, submit="workreports.submit_report", review="workreports.review_report")

    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    office = models.ForeignKey("organizations.Office", on_delete=models.PROTECT, related_name="work_reports",
                               verbose_name=_("office"))
    zone = models.ForeignKey("organizations.Zone", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="work_reports", verbose_name=_("zone"),
                             help_text=_("For an inspector's report: the zone they mostly work in, so its leader reads it."))
    inspector = models.ForeignKey("inspectors.Inspector", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="work_reports", verbose_name=_("inspector"))
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    due_on = models.DateField(_("due on"), db_index=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    draft = models.ForeignKey("documents.Document", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("drafted document"))
    submitted = models.ForeignKey("documents.Document", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("submitted document"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("author"))

    # the offices over the report's office (the one above accepts or returns it); the author (an
    # inspector, a zone); a zone leader reads the reports of the zone's inspectors
    scope_rules = (
        rules.office_tree(OFFICE_REGION),
        rules.own("inspector__user", when=Q(level=Level.INSPECTOR), on=rules.EXCEPT_DELETE),
        rules.zones("zone_id", when=Q(level=Level.ZONE), on=rules.EXCEPT_DELETE),
        rules.zones("zone_id", when=Q(level=Level.INSPECTOR), on=rules.VIEW),
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("work report")
        verbose_name_plural = _("work reports")
        ordering = ["-period_start", "level", "pk"]
        permissions = [
            ("submit_report", "Can submit a work report"),
            ("review_report", "Can accept or return a work report"),
        ]
        constraints = [
            models.CheckConstraint(
                name="workreports_report_owner_matches_level",
                condition=(
                    Q(level="office", zone__isnull=True, inspector__isnull=True)
                    | Q(level="zone", zone__isnull=False, inspector__isnull=True)
                    | Q(level="inspector", inspector__isnull=False)
                ),
            ),
            models.CheckConstraint(name="workreports_report_period_ordered",
                                   condition=Q(period_end__gte=models.F("period_start"))),
            models.UniqueConstraint(fields=["office", "period_kind", "period_start"], condition=Q(level="office"),
                                    name="workreports_report_one_per_office_period"),
            models.UniqueConstraint(fields=["zone", "period_kind", "period_start"], condition=Q(level="zone"),
                                    name="workreports_report_one_per_zone_period"),
            models.UniqueConstraint(fields=["inspector", "period_kind", "period_start"],
                                    condition=Q(level="inspector"), name="workreports_report_one_per_inspector_period"),
        ]
        indexes = [models.Index(fields=["office", "period_kind", "period_start"], name="workreports_report_period")]

    def __str__(self) -> str:
        return self.title

    def audit_scope(self):
        return self.office.region.path, None

    @property
    def owner_name(self) -> str:
        if self.level == Level.INSPECTOR:
            return str(self.inspector)
        if self.level == Level.ZONE:
            return str(self.zone)
        return str(self.office)

    @property
    def period_label(self) -> str:
        return period_label(self.period_kind, self.period_start)

    def submitted_on(self) -> datetime.date | None:
        return timezone.localdate(self.submitted_at) if self.submitted_at else None

    def is_late(self) -> bool:
        """Submitted after the due date (the last submission counts)."""
        day = self.submitted_on()
        return day is not None and day > self.due_on

    def is_overdue(self, on: datetime.date | None = None) -> bool:
        """Still with the author (draft or returned) after the due date."""
        on = on or timezone.localdate()
        return self.status in (self.Status.DRAFT, self.Status.RETURNED) and self.due_on < on


class ReportPolicy(OfficeScopedModel):
    """An office's rule for when reports fall due (no national rule: each office sets its own)."""

    DEFAULT_MONTH_DAY = 5
    DEFAULT_TERM_DAYS = 15
    DEFAULT_YEAR_DAYS = 15

    office = models.OneToOneField("organizations.Office", on_delete=models.CASCADE, related_name="report_policy",
                                  verbose_name=_("office"))
    month_due_day = models.PositiveSmallIntegerField(
        _("monthly report due on day"), default=DEFAULT_MONTH_DAY,
        help_text=_("The monthly report is due on this day of the next month."))
    term_due_days = models.PositiveSmallIntegerField(
        _("term summary due after (days)"), default=DEFAULT_TERM_DAYS,
        help_text=_("The term summary is due this many days after the term ends."))
    year_due_days = models.PositiveSmallIntegerField(
        _("year summary due after (days)"), default=DEFAULT_YEAR_DAYS,
        help_text=_("The year summary is due this many days after the year ends."))

    class Meta:
        verbose_name = _("report due dates")
        verbose_name_plural = _("report due dates")
        constraints = [
            models.CheckConstraint(name="workreports_reportpolicy_month_day_range",
                                   condition=Q(month_due_day__gte=1, month_due_day__lte=28)),
        ]

    def __str__(self) -> str:
        return f"{self.office}"

    def audit_scope(self):
        return self.office.region.path, None

    def due_on(self, kind: str, start: datetime.date) -> datetime.date:
        """When the report of the period of ``kind`` starting on ``start`` falls due."""
        first, last = period_bounds(kind, start)
        if kind == PeriodKind.MONTH:
            following = last + datetime.timedelta(days=1)
            return following.replace(day=min(self.month_due_day, 28))
        days = self.term_due_days if kind == PeriodKind.TERM else self.year_due_days
        return last + datetime.timedelta(days=days)
