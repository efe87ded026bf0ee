"""The monthly supervision loop: visits against the checklist, lesson observations, findings,
rectification notices, the school's answers, re-checks (回头看) and escalations."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dudao.core.models import StoredFile, stored_file_path
from dudao.core.scope import DetailPageModel, ScopedManager, ScopedModel, ScopedQuerySet
from dudao.core.workflow import Transition
from dudao.inspections import checkin


class Method(models.TextChoices):
    """Methods of routine supervision (挂牌督导办法 第六条, STANDARDS §1.5)."""

    CAMPUS_WALK = "campus_walk", _("Campus walk")
    LESSON = "lesson", _("Unannounced lesson observation")
    RECORDS = "records", _("Reading records")
    MEETING = "meeting", _("Attending a meeting")
    TALKS = "talks", _("Talks and home visits")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    GENERAL = "general", _("General")
    SERIOUS = "serious", _("Serious")
    URGENT = "urgent", _("Urgent safety hazard")


class Visit(DetailPageModel):
    """Records a responsible inspector's visit to a listed school (督导记录)."""

    class Kind(models.TextChoices):
        ROUTINE = "routine", _("Routine supervision")
        FOLLOW_UP = "follow_up", _("Follow-up visit")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    class CheckinStatus(models.TextChoices):
        WITHIN = checkin.WITHIN, _("At the school")
        TOO_FAR = checkin.TOO_FAR, _("Too far from the school")
        NO_LOCATION = checkin.NO_LOCATION, _("No location given")
        NO_SCHOOL_POINT = checkin.NO_SCHOOL_POINT, _("The school has no coordinates")

    TRANSITIONS = {
        "submit": Transition({Status.DRAFT}, Status.SUBMITTED, "inspections.add_visit"),
    }

    client_uuid = models.UUIDField(_("client id"), unique=True, default=uuid.uuid4,
                                   help_text=_("Set by the form on the device so a repeated sync never creates two visits."))
    school = models.ForeignKey("organizations.School", on_delete=models.PROTECT, related_name="visits",
                               verbose_name=_("school"))
    inspector = models.ForeignKey("inspectors.Inspector", on_delete=models.PROTECT, related_name="visits",
                                  verbose_name=_("inspector"))
    date = models.DateField(_("date"), db_index=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ROUTINE)
    methods = models.JSONField(_("methods"), default=list, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    checklist = models.ForeignKey("instruments.InstrumentVersion", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="visits", verbose_name=_("checklist"))
    response = models.OneToOneField("instruments.Response", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="visit", verbose_name=_("checklist answers"))
    highlights = models.TextField(_("highlights"), blank=True)
    highlight_recommended = models.BooleanField(_("recommend the highlights to the office"), default=False)
    problems = models.TextField(_("problems found"), blank=True)
    feedback = models.TextField(_("feedback given to the school"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    # the check-in (入校签到): the device's WGS-84 position when the form opened, compared with the
    # school's coordinates and the office's radius as they were when it was saved
    checkin_latitude = models.DecimalField(_("check-in latitude"), max_digits=9, decimal_places=6, null=True,
                                           blank=True)
    checkin_longitude = models.DecimalField(_("check-in longitude"), max_digits=9, decimal_places=6, null=True,
                                            blank=True)
    checkin_accuracy_m = models.PositiveIntegerField(_("check-in accuracy (m)"), null=True, blank=True)
    checkin_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checkin_distance_m = models.PositiveIntegerField(_("distance from the school (m)"), null=True, blank=True)
    checkin_radius_m = models.PositiveIntegerField(_("check-in radius (m)"), null=True, blank=True)
    checkin_status = models.CharField(_("check-in"), max_length=16, choices=CheckinStatus.choices,
                                      default=CheckinStatus.NO_LOCATION, db_index=True)
    checkin_reason = models.CharField(_("reason for the check-in"), max_length=200, blank=True)

    scope_region = "school__region__path"
    scope_school = "school_id"

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["school", "date"], name="inspections_visit_school_date")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.school}"

    @property
    def checkin_valid(self) -> bool:
        return self.checkin_status == self.CheckinStatus.WITHIN


class SchoolTally(models.Model):
    """A summary line of one school's rows (``dudao.core.tally``), read with the scope of the rows
    it counts: through its school."""

    school = models.ForeignKey("organizations.School", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("school"), db_index=False)  # each summary's key leads with it

    scope_region = "school__region__path"
    scope_school = "school_id"
    objects = ScopedManager()

    class Meta:
        abstract = True


class VisitMonth(SchoolTally):
    """The submitted visits of a school in one month, and how many of them lack a valid check-in:
    what coverage counts, without rescanning years of visits. ``visit_submit`` adds each visit in
    the same transaction; ``dudao recount`` recounts every month from the visits."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."), db_index=True)
    submitted = models.PositiveIntegerField(_("submitted visits"), default=0)
    unchecked = models.PositiveIntegerField(_("visits without a valid check-in"), default=0)

    tally_source = "inspections.Visit"

    class Meta:
        verbose_name = _("visits of a month")
        verbose_name_plural = _("visits of a month")
        # a county's schools read their months by school; a province reads a month's rows of every school
        constraints = [models.UniqueConstraint(fields=["school", "month"], name="inspections_visitmonth_once")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.school_id}: {self.submitted}"

    @staticmethod
    def line_of(visit) -> tuple[dict, dict] | None:
        if visit.status != Visit.Status.SUBMITTED:
            return None
        return ({"school_id": visit.school_id, "month": visit.date.replace(day=1)},
                {"submitted": 1, "unchecked": 0 if visit.checkin_valid else 1})

    @staticmethod
    def tally_lines(visits):
        # a month's lines written together, as they are when visits come in
        return (visits.filter(status=Visit.Status.SUBMITTED).values("school_id", month=TruncMonth("date"))
                .annotate(submitted=Count("pk"), unchecked=Count("pk", filter=~Q(checkin_status=Visit.CheckinStatus.WITHIN)))
                .order_by("month", "school_id"))


class LessonObservation(models.Model):
    """A lesson observed during a visit (听课记录)."""

    class Rating(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent")
        GOOD = "good", _("Good")
        FAIR = "fair", _("Fair")
        POOR = "poor", _("Needs improvement")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("visit"))
    class_name = models.CharField(_("class"), max_length=40)
    subject = models.CharField(_("subject"), max_length=40)
    teacher = models.CharField(_("teacher"), max_length=32)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices)
    comments = models.TextField(_("comments"), blank=True)

    class Meta:
        verbose_name = _("lesson observation")
        verbose_name_plural = _("lesson observations")
        ordering = ["visit", "pk"]

    def __str__(self) -> str:
        return f"{self.class_name} {self.subject} {self.teacher}"


class Finding(ScopedModel):
    """A problem found at a school, tied to a checklist item where it has one."""

    school = models.ForeignKey("organizations.School", on_delete=models.PROTECT, related_name="findings",
                               verbose_name=_("school"))
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, null=True, blank=True, related_name="findings",
                              verbose_name=_("visit"))
    item = models.ForeignKey("instruments.Item", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="findings", verbose_name=_("checklist item"))
    item_code = models.CharField(_("item code"), max_length=32, blank=True)
    severity = models.CharField(_("severity"), max_length=12, choices=Severity.choices, default=Severity.GENERAL)
    description = models.TextField(_("description"))
    found_on = models.DateField(_("found on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))

    scope_region = "school__region__path"
    scope_school = "school_id"

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-found_on", "-pk"]

    def __str__(self) -> str:
        return self.description[:60]

    def get_absolute_url(self) -> str:
        return reverse("inspections:finding_detail", args=[self.pk])


class FindingMonth(SchoolTally):
    """The findings of a school in one month per checklist item: what the dashboards' findings per
    item add up, without rescanning years of findings. ``finding_create`` counts each finding in the
    same transaction; ``dudao recount`` recounts every line from the findings."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."), db_index=True)
    item_key = models.PositiveIntegerField(_("checklist item"), help_text=_("0 for findings tied to no checklist item."))
    findings = models.PositiveIntegerField(_("findings"), default=0)

    tally_source = "inspections.Finding"

    class Meta:
        verbose_name = _("findings of a month")
        verbose_name_plural = _("findings of a month")
        constraints = [models.UniqueConstraint(fields=["school", "month", "item_key"],
                                               name="inspections_findingmonth_once")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.school_id} {self.item_key}: {self.findings}"

    @staticmethod
    def line_of(finding) -> tuple[dict, dict]:
        return ({"school_id": finding.school_id, "month": finding.found_on.replace(day=1),
                 "item_key": finding.item_id or 0}, {"findings": 1})

    @staticmethod
    def tally_lines(findings):
        return (findings.values("school_id", month=TruncMonth("found_on"),
                                item_key=Coalesce("item", 0, output_field=models.IntegerField()))
                .annotate(findings=Count("pk")).order_by("month", "school_id"))


class RectificationQuerySet(ScopedQuerySet):
    OPEN = ("issued", "submitted", "returned")

    def open(self):
        return self.filter(status__in=self.OPEN)

    def overdue(self, on: datetime.date | None = None):
        """Open notices past their deadline: derived from the date, never stored."""
        on = on or timezone.localdate()
        return self.filter(status__in=("issued", "returned"), deadline__lt=on)


class Rectification(ScopedModel):
    """A rectification notice (整改通知书) with a deadline, answered by the school and re-checked."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        SUBMITTED = "submitted", _("Awaiting re-check")
        RETURNED = "returned", _("Returned")
        CLOSED = "closed", pgettext_lazy("rectification", "Closed")

    TRANSITIONS = {
        "submit": Transition({Status.ISSUED, Status.RETURNED}, Status.SUBMITTED, "inspections.submit_rectification"),
        "return": Transition({Status.SUBMITTED}, Status.RETURNED, "inspections.recheck_rectification"),
        "close": Transition({Status.SUBMITTED}, Status.CLOSED, "inspections.recheck_rectification"),
    }

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="rectifications",
                                verbose_name=_("finding"))
    school = models.ForeignKey("organizations.School", on_delete=models.PROTECT, related_name="rectifications",
                               verbose_name=_("school"))
    number = models.CharField(_("notice number"), max_length=64, blank=True)
    requirements = models.TextField(_("requirements"))
    issued_on = models.DateField(_("issued on"))
    deadline = models.DateField(_("deadline"), db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ISSUED)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("issued by"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    scope_region = "school__region__path"
    scope_school = "school_id"

    objects = RectificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification notice")
        verbose_name_plural = _("rectification notices")
        ordering = ["deadline", "pk"]
        permissions = [
            ("submit_rectification", "Can answer a rectification notice"),
            ("recheck_rectification", "Can re-check a rectification"),
            ("escalate_rectification", "Can escalate a rectification"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["finding"], condition=Q(status__in=["issued", "submitted", "returned"]),
                                    name="inspections_rectification_one_open_per_finding"),
            models.CheckConstraint(condition=Q(deadline__gte=models.F("issued_on")),
                                   name="inspections_rectification_deadline_after_issue"),
        ]

    def __str__(self) -> str:
        return self.number or f"整改通知 {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:rectification_detail", args=[self.pk])

    def is_overdue(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.status in {self.Status.ISSUED, self.Status.RETURNED} and self.deadline < on


class NoticeCount(SchoolTally):
    """The rectification notices of a school per status and deadline: what the dashboards' open,
    overdue, awaiting and closed notices add up (overdue is still derived from the deadline on the
    day asked). The rectification services move each notice's count in the same transaction as its
    state; ``dudao recount`` recounts every line from the notices."""

    status = models.CharField(_("status"), max_length=12, choices=Rectification.Status.choices)
    deadline = models.DateField(_("deadline"))
    notices = models.PositiveIntegerField(_("notices"), default=0)

    tally_source = "inspections.Rectification"

    class Meta:
        verbose_name = _("notices by status and deadline")
        verbose_name_plural = _("notices by status and deadline")
        constraints = [models.UniqueConstraint(fields=["school", "status", "deadline"],
                                               name="inspections_noticecount_once")]
        indexes = [models.Index(fields=["status", "deadline"], name="inspections_noticecount_due")]

    def __str__(self) -> str:
        return f"{self.school_id} {self.status} {self.deadline}: {self.notices}"

    @staticmethod
    def line_of(notice) -> tuple[dict, dict]:
        return {"school_id": notice.school_id, "status": notice.status, "deadline": notice.deadline}, {"notices": 1}

    @staticmethod
    def tally_lines(notices):
        return notices.values("school_id", "status", "deadline").annotate(notices=Count("pk")).order_by()


class RectificationResponse(models.Model):
    """The school's answer to a notice: measures taken, with evidence files (整改报告)."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="responses",
                                      verbose_name=_("rectification notice"))
    measures = models.TextField(_("measures taken"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        verbose_name = _("rectification report")
        verbose_name_plural = _("rectification reports")
        ordering = ["submitted_at"]

    def __str__(self) -> str:
        return self.measures[:60]


class Recheck(models.Model):
    """The inspector's re-check (回头看) of a school's answer: closes the notice or returns it."""

    class Result(models.TextChoices):
        RECTIFIED = "rectified", _("Rectified")
        PARTIAL = "partial", _("Partly rectified")
        NOT_RECTIFIED = "not_rectified", _("Not rectified")

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="rechecks",
                                      verbose_name=_("rectification notice"))
    result = models.CharField(_("result"), max_length=16, choices=Result.choices)
    remarks = models.TextField(_("remarks"), blank=True)
    checked_on = models.DateField(_("checked on"))
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("checked by"))
    closed = models.BooleanField(_("closed the notice"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("re-check")
        verbose_name_plural = _("re-checks")
        ordering = ["checked_on", "pk"]

    def __str__(self) -> str:
        return f"{self.checked_on} {self.get_result_display()}"


class Escalation(models.Model):
    """What the office did about an overdue or failed rectification: an interview or a public criticism."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("Interview (约谈)")
        CRITICISM = "criticism", _("Public criticism (通报批评)")

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="escalations",
                                      verbose_name=_("rectification notice"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    date = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class Attachment(StoredFile, ScopedModel):
    """A photo or file attached to a visit, a finding or a school's answer, stored with its SHA-256."""

    school = models.ForeignKey("organizations.School", on_delete=models.PROTECT, related_name="attachments",
                               verbose_name=_("school"))
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    response = models.ForeignKey(RectificationResponse, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="attachments")
    # a visit's photo: when it was taken (EXIF DateTimeOriginal, else the upload), the visit's check-in
    # as it stood then, and a derivative stamped with school, time and visit number (the original is
    # kept as uploaded, with its SHA-256)
    captured_at = models.DateTimeField(_("taken"), null=True, blank=True)
    checkin_status = models.CharField(_("check-in"), max_length=16, choices=Visit.CheckinStatus.choices, blank=True)
    checkin_distance_m = models.PositiveIntegerField(_("distance from the school (m)"), null=True, blank=True)
    checkin_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    stamped = models.FileField(_("stamped copy"), upload_to=stored_file_path, max_length=300, blank=True)
    stamped_sha256 = models.CharField(max_length=64, blank=True)

    scope_region = "school__region__path"
    scope_school = "school_id"
    upload_dir = "evidence"

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def get_absolute_url(self) -> str:
        return reverse("inspections:attachment_download", args=[self.pk])


class DeadlinePolicy(ScopedModel):
    """An office's default number of days to rectify, per severity (no national deadline: STANDARDS §1.6)."""

    office = models.ForeignKey("organizations.Office", on_delete=models.CASCADE, related_name="deadline_policies",
                               verbose_name=_("office"))
    severity = models.CharField(_("severity"), max_length=12, choices=Severity.choices)
    days = models.PositiveSmallIntegerField(_("days to rectify"))

    scope_region = "office__region__path"
    scope_school = None

    DEFAULT_DAYS = {Severity.MINOR: 30, Severity.GENERAL: 30, Severity.SERIOUS: 15, Severity.URGENT: 3}

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        constraints = [
            models.UniqueConstraint(fields=["office", "severity"], name="inspections_deadlinepolicy_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.get_severity_display()} {self.days}"


class OverdueAlert(models.Model):
    """Records that the zone leaders and the office were told a notice is overdue, once per episode.

    An episode is one deadline and the number of answers the school had given when it ran out:
    answering ends an episode; a notice returned after its deadline, or given a new deadline,
    starts another. The unique constraint makes ``dudao escalate_overdue`` safe to run again.
    """

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="overdue_alerts",
                                      verbose_name=_("rectification notice"))
    deadline = models.DateField(_("deadline"))
    answers = models.PositiveIntegerField(_("answers given before"), default=0)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("overdue alert")
        verbose_name_plural = _("overdue alerts")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["rectification", "deadline", "answers"],
                                    name="inspections_overduealert_once_per_episode"),
        ]

    def __str__(self) -> str:
        return f"{self.rectification} {self.deadline}"
