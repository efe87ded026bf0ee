"""Directives (督办事项): a matter the government or the education bureau decided, followed up by
the office until every responsible unit has done its part.

The office registers the directive with its source (a meeting, a leader's instruction, an
inspection finding; 立项), splits it into items, each with a responsible unit and a deadline, and
assigns them (计划); the units report progress every so many days and finally report completion
(反馈); the office urges a late unit with a numbered 督办通知单 (督办), accepts a completion or returns
it (审核), publishes a bulletin of the results (通报) and archives the directive (归档). "Late" is
derived from today and the deadline, never stored; progress reports and urges are append-only.

Responsible units are schools (``organizations.School``) and the units that are not schools
(``organizations.Department``: a township education office, a department of the education bureau);
an item names exactly one of them (a check constraint), and both have users of their own (a school's
liaison and principal, a department's unit liaison).

Who sees what (``for_user``):

* directives: the office over its region subtree; once assigned, the users whose schools (listed,
  zone, own school) or whose department (a unit liaison's) have one of its items, to read;
* items: the office; once assigned, the users of the item's school scope (a school liaison its own
  school's items) and the unit liaisons of the item's department, who report on them (the
  capability says who may);
* progress reports and urges: those of the items the user sees.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dudao.core import rules
from dudao.core.models import Reviewed, StoredFile
from dudao.core.scope import OFFICE_REGION, DetailPageModel, OfficeScopedModel, ScopedModel
from dudao.core.workflow import Transition

MANAGE = "directives.manage_directive"
REPORT = "directives.report_directiveitem"


class Source(models.TextChoices):
    MEETING = "meeting", _("Meeting decision")
    INSTRUCTION = "instruction", _("Leader's instruction")
    INSPECTION = "inspection", _("Inspection finding")
    OTHER = "other", pgettext_lazy("directive source", "Other")


# the source as an official document names it, whatever the reader's interface language
SOURCE_NAMES = {"meeting": "会议决定", "instruction": "领导批示", "inspection": "督查发现", "other": "其他"}


class Directive(DetailPageModel, OfficeScopedModel):
    """A matter decided by the government or the education bureau that the office follows up."""

    Source = Source

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ASSIGNED = "assigned", _("Assigned to units")
        PUBLISHED = "published", _("Bulletin published")
        ARCHIVED = "archived", _("Archived")

    TRANSITIONS = {
        "assign": Transition({Status.REGISTERED}, Status.ASSIGNED, MANAGE),
        "publish": Transition({Status.ASSIGNED}, Status.PUBLISHED, MANAGE),
        "archive": Transition({Status.PUBLISHED}, Status.ARCHIVED, MANAGE),
    }

    office = models.ForeignKey("organizations.Office", on_delete=models.PROTECT, related_name="directives",
                               verbose_name=_("office"))
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    source_text = models.TextField(_("source details"), blank=True,
                                   help_text=_("The meeting and its minutes, the instruction, or the finding."))
    decided_on = models.DateField(_("decided on"))
    requirements = models.TextField(_("requirements"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    bulletin = models.ForeignKey("documents.Document", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("bulletin"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("registered by"))

    # the office's directives; once assigned, those with an item of the user's schools, to read
    scope_rules = (
        rules.office(OFFICE_REGION),
        rules.schools("items__school_id", when=~Q(status=Status.REGISTERED), on=rules.VIEW, subquery=True),
        rules.departments("items__department_id", when=~Q(status=Status.REGISTERED), on=rules.VIEW, subquery=True),
    )

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        ordering = ["-decided_on", "-pk"]
        permissions = [("manage_directive", "Can assign, urge, review, publish and archive directives")]

    def __str__(self) -> str:
        return self.title

    @property
    def source_name(self) -> str:
        return SOURCE_NAMES.get(self.source, SOURCE_NAMES["other"])

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.REGISTERED, self.Status.ASSIGNED)


class Board(models.TextChoices):
    """Where an item stands on the progress board (derived from its state, deadline and today)."""

    ON_TIME = "on_time", pgettext_lazy("progress board", "On time")
    LATE = "late", pgettext_lazy("progress board", "Late")
    RETURNED = "returned", pgettext_lazy("directive item", "Returned")
    DONE = "done", pgettext_lazy("progress board", "Done")


class DirectiveItem(ScopedModel, Reviewed):
    """One part of a directive: what a responsible unit must do by when, and how often it reports."""

    Board = Board

    class Status(models.TextChoices):
        PENDING = "pending", _("In progress")
        REPORTED = "reported", _("Completion reported")
        RETURNED = "returned", pgettext_lazy("directive item", "Returned")
        ACCEPTED = "accepted", _("Accepted")

    # the names the shared review (``core.review``) applies: the unit submits its completion report,
    # the office returns or accepts it
    TRANSITIONS = {
        "submit": Transition({Status.PENDING, Status.RETURNED}, Status.REPORTED, REPORT),
        "return": Transition({Status.REPORTED}, Status.RETURNED, MANAGE),
        "accept": Transition({Status.REPORTED}, Status.ACCEPTED, MANAGE),
    }

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="items",
                                  verbose_name=_("directive"))
    # the responsible unit: a school, or a unit that is not a school (exactly one, a check constraint)
    school = models.ForeignKey("organizations.School", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="directive_items", verbose_name=_("responsible unit"))
    department = models.ForeignKey("organizations.Department", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="directive_items", verbose_name=_("department or township office"))
    content = models.TextField(_("what to do"))
    deadline = models.DateField(_("deadline"), db_index=True)
    report_every_days = models.PositiveSmallIntegerField(
        _("report every (days)"), default=7,
        help_text=_("How often the unit reports its progress; 0: only when it is done."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)

    scope_region = "school__region__path"
    scope_school = "school_id"
    # the office's items; once assigned, the items of the user's schools, which they also report on
    # (the capability says who may)
    scope_rules = (
        rules.office("directive__office__region__path"),
        rules.schools("school_id", when=~Q(directive__status=Directive.Status.REGISTERED), on=rules.EXCEPT_DELETE),
        rules.departments("department_id", when=~Q(directive__status=Directive.Status.REGISTERED),
                          on=rules.EXCEPT_DELETE),
    )

    class Meta:
        verbose_name = _("directive item")
        verbose_name_plural = _("directive items")
        ordering = ["directive", "deadline", "pk"]
        permissions = [("report_directiveitem", "Can report progress on a directive item")]
        constraints = [
            models.CheckConstraint(name="directives_directiveitem_interval_sane",
                                   condition=Q(report_every_days__lte=366)),
            models.CheckConstraint(name="directives_directiveitem_one_unit",
                                   condition=Q(school__isnull=False, department__isnull=True)
                                   | Q(school__isnull=True, department__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.directive} · {self.unit}"

    def audit_scope(self) -> tuple[str, int | None]:
        """A school's item is filed under the school; a department's under its office's region."""
        if self.school_id:
            return self.school.region.path, self.school_id
        return self.directive.office.region.path, None

    @property
    def unit(self):
        """The responsible unit: the school, or the department (教育局股室, 乡镇教育办)."""
        return self.school if self.school_id else self.department

    @property
    def unit_name(self) -> str:
        unit = self.unit
        return unit.name if unit is not None else ""

    @property
    def unit_key(self) -> tuple[str, int]:
        """Tells units apart across the two kinds: ``("school", id)`` or ``("department", id)``."""
        return ("school", self.school_id) if self.school_id else ("department", self.department_id)

    def get_absolute_url(self) -> str:
        return reverse("directives:item_detail", args=[self.pk])

    def is_late(self, on: datetime.date | None = None) -> bool:
        """Still with the unit (in progress or returned) after the deadline."""
        on = on or timezone.localdate()
        return self.status in (self.Status.PENDING, self.Status.RETURNED) and self.deadline < on

    def board(self, on: datetime.date | None = None) -> str:
        """Done once accepted; returned while the unit reworks it; late past the deadline; else on time."""
        if self.status == self.Status.ACCEPTED:
            return Board.DONE
        if self.status == self.Status.RETURNED:
            return Board.RETURNED
        return Board.LATE if self.is_late(on) else Board.ON_TIME

    def next_report_due(self, last_reported: datetime.date | None) -> datetime.date | None:
        """When the unit's next progress report falls due (None: only the completion report)."""
        if not self.report_every_days or self.status not in (self.Status.PENDING, self.Status.RETURNED):
            return None
        start = last_reported or timezone.localdate(self.directive.assigned_at or self.created_at)
        return min(start + datetime.timedelta(days=self.report_every_days), self.deadline)


class ProgressReport(ScopedModel):
    """A unit's report on an item: progress, or (``is_final``) its completion. Never changed."""

    item = models.ForeignKey(DirectiveItem, on_delete=models.CASCADE, related_name="reports",
                             verbose_name=_("directive item"))
    text = models.TextField(_("progress"))
    is_final = models.BooleanField(_("completion report"), default=False)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("reported by"))

    scope_region = "item__school__region__path"
    scope_school = "item__school_id"
    scope_rules = (rules.through("item_id", "directives.DirectiveItem", on=rules.VIEW),)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["item", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def reported_at(self):
        return self.created_at


class ReportFile(StoredFile, ScopedModel):
    """A file a unit sent with a progress report (a photo, a scanned record), stored with its SHA-256."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="files",
                               verbose_name=_("progress report"))
    item = models.ForeignKey(DirectiveItem, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("directive item"))

    scope_region = "item__school__region__path"
    scope_school = "item__school_id"
    upload_dir = "directives"
    scope_rules = (rules.through("item_id", "directives.DirectiveItem", on=rules.VIEW),)

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        ordering = ["report", "pk"]

    def get_absolute_url(self) -> str:
        return reverse("directives:file_download", args=[self.pk])


class Urge(ScopedModel):
    """The office urging a unit on an item (催办), with its numbered 督办通知单. Never changed."""

    item = models.ForeignKey(DirectiveItem, on_delete=models.CASCADE, related_name="urges",
                             verbose_name=_("directive item"))
    note = models.TextField(_("what the office asks"), blank=True)
    # filed with the urge as its subject (each urge its own number), in the same transaction
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("urge notice"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("sent by"))

    scope_region = "item__school__region__path"
    scope_school = "item__school_id"
    scope_rules = (rules.through("item_id", "directives.DirectiveItem", on=rules.VIEW),)

    class Meta:
        verbose_name = _("urge")
        verbose_name_plural = _("urges")
        ordering = ["item", "created_at", "pk"]

    def __str__(self) -> str:
        return self.document.number if self.document_id else str(self.item)

    @property
    def sent_at(self):
        return self.created_at
