"""The public channel: complaints, reports, suggestions and consultations sent from a school's public
page (规程 第三条(三): 受理、核实相关举报和投诉), the office's time limit, photos kept with their SHA-256,
and what the office publishes on the public page (reports, rectification notices: 整改社会化).

The complainant's name and phone are stored as given and read only through ``masking``: the
handling inspector and the owning office see them, every other surface shows them masked.
"""

import datetime
import os
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dudao.core import rules
from dudao.core.files import PHOTOS
from dudao.core.models import StoredFile
from dudao.core.scope import DetailPageModel, OfficeScopedModel, ScopedModel, ScopedQuerySet
from dudao.core.workflow import Transition
from dudao.organizations import working_days


class ComplaintPolicy(OfficeScopedModel):
    """An office's time limit for answering, the days after which an unrated answer closes, and
    whether a dissatisfied sender reopens the complaint."""

    DEFAULT_ANSWER_DAYS = 15

    office = models.OneToOneField("organizations.Office", on_delete=models.CASCADE, related_name="complaint_policy",
                                  verbose_name=_("office"))
    answer_days = models.PositiveSmallIntegerField(_("days to answer"), default=DEFAULT_ANSWER_DAYS)
    working_days = models.BooleanField(_("count working days (the office's working-day calendar)"), default=True)
    close_after_days = models.PositiveSmallIntegerField(_("close an unrated answer after days"), default=10)
    reopen_on_dissatisfaction = models.BooleanField(_("reopen when the sender is dissatisfied"), default=True)

    def audit_scope(self):
        return "", None  # filed under no region, like the rows of no scope

    class Meta:
        verbose_name = _("complaint time limit")
        verbose_name_plural = _("complaint time limits")

    def __str__(self) -> str:
        return f"{self.office}: {self.answer_days}"

    def due_on(self, start: datetime.date) -> datetime.date:
        """``start`` plus the days to answer: working days of the office's calendar (holidays and 调休
        included), or calendar days when the office counts those."""
        return working_days.add(start, self.answer_days, self.office, working=self.working_days)


class ComplaintQuerySet(ScopedQuerySet):
    OPEN = ("registered", "verifying", "handling")

    def open(self):
        return self.filter(status__in=self.OPEN)

    def overdue(self, on: datetime.date | None = None):
        return self.open().filter(due_on__lt=on or timezone.localdate())


class Complaint(DetailPageModel):
    """What a member of the public wrote about a school, followed with a tracking code."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        REPORT = "report", _("Report of wrongdoing")
        SUGGESTION = "suggestion", _("Suggestion")
        CONSULTATION = "consultation", _("Question")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        VERIFYING = "verifying", _("Verifying with the school")
        HANDLING = "handling", _("Being handled")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", pgettext_lazy("complaint", "Closed")

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")

    TRANSITIONS = {
        "verify": Transition({Status.REGISTERED}, Status.VERIFYING, "complaints.handle_complaint"),
        "handle": Transition({Status.REGISTERED, Status.VERIFYING}, Status.HANDLING, "complaints.handle_complaint"),
        "answer": Transition({Status.HANDLING}, Status.ANSWERED, "complaints.handle_complaint",
                             requires={"answer": _("Write the answer to the sender.")}),
        "close": Transition({Status.ANSWERED}, Status.CLOSED, "complaints.close_complaint"),
        "reopen": Transition({Status.ANSWERED, Status.CLOSED}, Status.HANDLING, "complaints.close_complaint",
                             requires={"reason": _("Say why the complaint is reopened.")}),
    }

    office = models.ForeignKey("organizations.Office", on_delete=models.PROTECT, related_name="complaints",
                               verbose_name=_("office"))
    school = models.ForeignKey("organizations.School", on_delete=models.PROTECT, related_name="complaints",
                               verbose_name=_("school"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.COMPLAINT)
    text = models.TextField(_("text"))
    name = models.CharField(pgettext_lazy("person", "name"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    concerns_inspector = models.BooleanField(_("about the responsible inspector"), default=False)
    inspector = models.ForeignKey("inspectors.Inspector", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("listed inspector"))
    handler = models.ForeignKey("inspectors.Inspector", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="handled_complaints", verbose_name=_("handling inspector"))
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    due_on = models.DateField(_("answer due"), db_index=True)
    verification = models.TextField(_("verification with the school"), blank=True)
    answer = models.TextField(pgettext_lazy("complaint", "answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(_("comment on the answer"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    finding = models.ForeignKey("inspections.Finding", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("finding"))
    rectification = models.ForeignKey("inspections.Rectification", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("rectification notice"))

    scope_region = "school__region__path"
    scope_school = "school_id"
    # the office's subtree; the inspectors' and zone leaders' schools and the complaints they
    # handle; never a complaint about oneself
    scope_rules = (
        rules.office(scope_region),
        rules.schools(scope_school, when=Q(concerns_inspector=False)),
        rules.own("handler__user_id"),
        rules.never_own("inspector__user_id", when=Q(concerns_inspector=True)),
    )

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("handle_complaint", "Can verify, handle and answer a complaint"),
            ("close_complaint", "Can close, reopen and assign a complaint"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def is_anonymous(self) -> bool:
        return not (self.name or self.phone)

    def is_overdue(self, on: datetime.date | None = None) -> bool:
        return self.status in ComplaintQuerySet.OPEN and self.due_on < (on or timezone.localdate())

    @property
    def response_days(self) -> int | None:
        if self.answered_at is None:
            return None
        return (timezone.localdate(self.answered_at) - timezone.localdate(self.created_at)).days


class ComplaintPhoto(StoredFile):
    """A photo sent with a complaint, checked (content, size, decoding) and kept with its SHA-256."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="photos")
    # the public sends it: no account uploaded it
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    accepts = PHOTOS

    class Meta:
        verbose_name = _("complaint photo")
        verbose_name_plural = _("complaint photos")
        ordering = ["pk"]

    def get_absolute_url(self) -> str:
        return reverse("complaints:photo", args=[self.complaint_id, self.pk])

    @classmethod
    def upload_limit(cls) -> int:
        return getattr(settings, "DUDAO_COMPLAINT_PHOTO_MAX_BYTES", 5 * 1024 * 1024)

    def upload_path(self, filename: str) -> str:
        """A random name with the photo's extension."""
        ext = os.path.splitext(filename)[1].lower()[:6]
        return f"complaints/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"


class Publication(ScopedModel):
    """What the office shows on a school's public page: a filed report, or the status and deadline
    of a rectification notice (整改社会化) with a short summary free of personal data."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Report")
        RECTIFICATION = "rectification", _("Rectification")

    office = models.ForeignKey("organizations.Office", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("office"))
    school = models.ForeignKey("organizations.School", on_delete=models.PROTECT, related_name="publications",
                               verbose_name=_("school"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("document"))
    rectification = models.ForeignKey("inspections.Rectification", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("rectification notice"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("public summary"), blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    scope_region = "school__region__path"
    scope_school = "school_id"

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="document", document__isnull=False, rectification__isnull=True)
                           | Q(kind="rectification", rectification__isnull=False, document__isnull=True)),
                name="complaints_publication_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("complaints:publication_list") + f"?school={self.school_id}"
