import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dudao.core import rules
from dudao.core.files import DOCX, XLSX, FileKinds
from dudao.core.models import DatedSchoolLink, Reviewed, StoredFile
from dudao.core.review import review_transitions
from dudao.core.scope import OFFICE_REGION, DetailPageModel, OfficeScopedModel, ScopedModel
from dudao.core.workflow import Transition
from dudao.organizations.models import Office, PinyinSortedMixin, School


def photo_path(instance, filename: str) -> str:
    return f"inspectors/photos/{instance.certificate_no or 'new'}/{filename}"


class Inspector(PinyinSortedMixin, DetailPageModel, OfficeScopedModel):
    """An inspector (督学) appointed by an office; a responsible inspector when listed at schools."""

    class Kind(models.TextChoices):
        FULL_TIME = "full_time", _("Full-time")
        PART_TIME = "part_time", _("Part-time")

    class Status(models.TextChoices):
        ACTIVE = "active", _("In service")
        SUSPENDED = "suspended", _("Suspended")
        DISMISSED = "dismissed", _("Dismissed")

    TRANSITIONS = {
        "suspend": Transition({Status.ACTIVE}, Status.SUSPENDED, "inspectors.change_inspector"),
        "reinstate": Transition({Status.SUSPENDED}, Status.ACTIVE, "inspectors.change_inspector"),
        "dismiss": Transition({Status.ACTIVE, Status.SUSPENDED}, Status.DISMISSED, "inspectors.delete_inspector"),
    }

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="inspectors", verbose_name=_("office"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="inspector", verbose_name=_("user account"),
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=32)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PART_TIME)
    certificate_no = models.CharField(_("certificate number"), max_length=32, unique=True)
    employer = models.CharField(_("employer and post"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    photo = models.ImageField(_("photo"), upload_to=photo_path, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    sort_key = models.CharField(max_length=255, editable=False, blank=True, db_index=True)

    class Meta:
        verbose_name = _("inspector")
        verbose_name_plural = _("inspectors")
        ordering = ["sort_key", "certificate_no"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Listing(DatedSchoolLink):
    """Lists an inspector at a school (挂牌) for a period; the history says who was listed when."""

    inspector = models.ForeignKey(Inspector, on_delete=models.PROTECT, related_name="listings", verbose_name=_("inspector"))
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="listings", verbose_name=_("school"))

    class Meta(DatedSchoolLink.Meta):
        verbose_name = _("listing")
        verbose_name_plural = _("listings")

    def __str__(self) -> str:
        return f"{self.inspector} @ {self.school}"


# ---- inspector development: training ledger, case collection, terms of appointment ---------------
#
# 《督学管理暂行办法》 (STANDARDS §6): training may be centralised, online or self-study, and
# "督学每年参加的集中培训累计应不少于40学时" — only centralised hours count toward the floor, which
# an office may set (``InspectorPolicy``); offices keep a training file (培训档案) per inspector.
# Part-time inspectors serve terms of 3 years, "续聘一般不得超过3届".
#
# Who sees what (``for_user``): the office over its region subtree; an inspector their own ledger,
# cases and terms; every inspector of an office also reads the office's published cases.

DEFAULT_TRAINING_FLOOR_HOURS = Decimal("40")
DEFAULT_TERM_REMINDER_DAYS = 60
TERM_YEARS = 3
MAX_CONSECUTIVE_TERMS = 3
# a new term starting less than this many days after the previous one ended is a renewal (续聘)
RENEWAL_GAP_DAYS = 365


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def term_end(start: datetime.date) -> datetime.date:
    """The last day of a term of 3 years starting on ``start`` (2023-09-01 → 2026-08-31)."""
    return add_years(start, TERM_YEARS) - datetime.timedelta(days=1)


class InspectorPolicy(OfficeScopedModel):
    """An office's rules for its inspectors: the yearly floor of centralised training hours and how
    long before a part-time term ends the office is reminded."""

    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="inspector_policy",
                                  verbose_name=_("office"))
    training_floor_hours = models.DecimalField(
        _("centralised training floor (hours a year)"), max_digits=5, decimal_places=1,
        default=DEFAULT_TRAINING_FLOOR_HOURS,
        help_text=_("《督学管理暂行办法》: at least 40 hours of centralised training a year."))
    term_reminder_days = models.PositiveSmallIntegerField(
        _("remind before a term ends (days)"), default=DEFAULT_TERM_REMINDER_DAYS)

    class Meta:
        verbose_name = _("inspector rules")
        verbose_name_plural = _("inspector rules")
        constraints = [
            models.CheckConstraint(name="inspectors_inspectorpolicy_floor_positive",
                                   condition=Q(training_floor_hours__gt=0)),
        ]

    def __str__(self) -> str:
        return str(self.office)


def certificate_path(instance, filename: str) -> str:
    return f"inspectors/training/{instance.inspector_id}/{instance.year}/{filename}"


class TrainingRecord(ScopedModel):
    """Records a course an inspector attended in their training file (培训档案)."""

    class Kind(models.TextChoices):
        CENTRALISED = "centralised", _("Centralised training")
        ONLINE = "online", _("Online learning")
        SELF_STUDY = "self_study", _("Self-study")

    inspector = models.ForeignKey(Inspector, on_delete=models.CASCADE, related_name="training_records",
                                  verbose_name=_("inspector"))
    year = models.PositiveSmallIntegerField(_("year"), db_index=True, editable=False)
    course = models.CharField(_("course"), max_length=200)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    certificate = models.FileField(_("certificate"), upload_to=certificate_path, blank=True, max_length=300)
    certificate_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))

    scope_region = "inspector__office__region__path"
    scope_school = None
    # the office over its region subtree; the inspector their own records, which they may delete
    scope_rules = (rules.office(scope_region), rules.own("inspector__user"))

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["inspector", "year"], name="inspectors_training_year")]
        constraints = [
            models.CheckConstraint(name="inspectors_trainingrecord_hours_positive", condition=Q(hours__gt=0)),
            models.CheckConstraint(name="inspectors_trainingrecord_dates_ordered",
                                   condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date"))),
        ]

    def __str__(self) -> str:
        return f"{self.course} ({self.hours})"

    def get_absolute_url(self) -> str:
        return reverse("inspectors:training_ledger", args=[self.inspector_id]) + f"?year={self.year}"

    @property
    def counts_toward_floor(self) -> bool:
        return self.kind == self.Kind.CENTRALISED


class TrainingAlert(models.Model):
    """Remembers that an inspector and their office were told the inspector's centralised hours of a
    year fall short of the floor, so the reminder goes out once a year."""

    inspector = models.ForeignKey(Inspector, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    hours = models.DecimalField(max_digits=6, decimal_places=1)
    floor = models.DecimalField(max_digits=5, decimal_places=1)
    sent_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inspector", "year"], name="inspectors_trainingalert_once")]

    def __str__(self) -> str:
        return f"{self.inspector_id} {self.year}"


class Case(DetailPageModel, OfficeScopedModel, Reviewed):
    """An excellent supervision case (优秀督导案例) an inspector submits; the office reviews and
    publishes it to the inspectors of its region."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")
        PUBLISHED = "published", _("Published")

    TRANSITIONS = {
        **review_transitions(Status, submit="inspectors.submit_case", review="inspectors.review_case"),
        "publish": Transition({Status.ACCEPTED}, Status.PUBLISHED, "inspectors.review_case"),
    }

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="cases", verbose_name=_("office"))
    inspector = models.ForeignKey(Inspector, on_delete=models.PROTECT, related_name="cases",
                                  verbose_name=_("author"))
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))

    # the office; the author; once published, the inspectors of the office's region, to read
    scope_rules = (rules.office(OFFICE_REGION), rules.own("inspector__user", on=rules.EXCEPT_DELETE),
                   rules.reference(OFFICE_REGION, when=Q(status=Status.PUBLISHED)))

    class Meta:
        verbose_name = _("supervision case")
        verbose_name_plural = _("supervision cases")
        ordering = ["-year", "-pk"]
        permissions = [
            ("submit_case", "Can submit a supervision case"),
            ("review_case", "Can review and publish supervision cases"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


# what a case or a training certificate may carry: PDF, JPEG or PNG photos, Word and Excel files
CASE_FILES = FileKinds(frozenset({"application/pdf", "image/jpeg", "image/png", DOCX, XLSX}), _(
    "{name}: only JPEG or PNG photos, PDF, Word (.docx) and Excel (.xlsx) files are accepted."))


class CaseAttachment(StoredFile):
    """A file attached to a case, stored with its SHA-256."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("case"))

    accepts = CASE_FILES

    class Meta:
        verbose_name = _("case attachment")
        verbose_name_plural = _("case attachments")
        ordering = ["pk"]

    def upload_path(self, filename: str) -> str:
        return f"inspectors/cases/{self.case_id}/{filename}"


class Term(ScopedModel):
    """A part-time inspector's term of appointment (兼职督学聘期): 3 years, at most 3 in a row."""

    inspector = models.ForeignKey(Inspector, on_delete=models.CASCADE, related_name="terms",
                                  verbose_name=_("inspector"))
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), editable=False)
    number = models.PositiveSmallIntegerField(_("consecutive term"), editable=False,
                                              help_text=_("1 for a first appointment, 2 and 3 for renewals."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    reminded_on = models.DateField(_("reminder sent"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))

    scope_region = "inspector__office__region__path"
    scope_school = None
    # the office over its region subtree; the inspector their own terms
    scope_rules = (rules.office(scope_region), rules.own("inspector__user", on=rules.EXCEPT_DELETE))

    class Meta:
        verbose_name = _("term of appointment")
        verbose_name_plural = _("terms of appointment")
        ordering = ["inspector", "-start"]
        constraints = [
            models.UniqueConstraint(fields=["inspector", "start"], name="inspectors_term_one_per_start"),
            models.CheckConstraint(name="inspectors_term_dates_ordered", condition=Q(end__gte=models.F("start"))),
            models.CheckConstraint(name="inspectors_term_at_most_three_in_a_row",
                                   condition=Q(number__gte=1, number__lte=MAX_CONSECUTIVE_TERMS)),
        ]

    def __str__(self) -> str:
        return f"{self.inspector} {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return self.inspector.get_absolute_url()

    def days_left(self, on: datetime.date) -> int:
        return (self.end - on).days

    def is_current(self, on: datetime.date) -> bool:
        return self.start <= on <= self.end
