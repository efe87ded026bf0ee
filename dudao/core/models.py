"""Shared bases for dated rows (zone memberships, listings, memberships) and stored files."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.core.files import ANY_FILE, MAX_UPLOAD_SIZE, FileKinds
from dudao.core.scope import ScopedModel, ScopedQuerySet


class DatedQuerySet(ScopedQuerySet):
    """Rows valid over ``[valid_from, valid_to]``; ``valid_to`` empty means still valid."""

    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gte=on))

    def open(self):
        return self.filter(valid_to__isnull=True)


class DatedManager(models.Manager.from_queryset(DatedQuerySet)):
    pass


class DatedSchoolLink(ScopedModel):
    """Ties a school to something (a zone, an inspector) for a period; at most one open row per
    school, so the history of who or what the school belonged to stays readable. Subclasses add
    the ``school`` foreign key and the other end."""

    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)

    scope_region = "school__region__path"
    scope_school = "school_id"

    objects = DatedManager()

    class Meta:
        abstract = True
        ordering = ["-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["school"], condition=Q(valid_to__isnull=True), name="%(app_label)s_%(class)s_one_open_per_school",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="%(app_label)s_%(class)s_dates_ordered",
            ),
        ]

    def audit_scope(self):
        return self.school.region.path, self.school_id


def stored_file_path(instance, filename: str) -> str:
    """Where a ``StoredFile`` keeps its bytes: its model's ``upload_path``."""
    return instance.upload_path(filename)


class Reviewed(models.Model):
    """What the review (``core.review``) stamps on a written piece: when it was submitted, who
    reviewed it, when, and the comment (required to return it)."""

    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)

    class Meta:
        abstract = True


class StoredFile(models.Model):
    """An uploaded file kept with its name, size, real content type and SHA-256, checked, stored and
    read back by ``dudao.core.files`` (``store_file``, ``open_verified``, ``verify_file``).

    A subclass adds the row the file belongs to, and may narrow what it accepts (``accepts``,
    ``upload_limit()``) and say where the bytes lie (``upload_dir``, or its own ``upload_path``).
    ``uploaded_at`` is ``created_at``, the one column of the time the row was made."""

    file = models.FileField(_("file"), upload_to=stored_file_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    accepts: FileKinds = ANY_FILE
    upload_dir = "files"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    @property
    def uploaded_at(self):
        return self.created_at

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @classmethod
    def upload_limit(cls) -> int:
        """The largest file the model takes, in bytes."""
        return MAX_UPLOAD_SIZE

    def upload_path(self, filename: str) -> str:
        return f"{self.upload_dir}/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}/{filename}"


class RateLimitCounter(models.Model):
    """One fixed-window counter per (hashed) key, shared by every process through the database."""

    key = models.CharField(max_length=64)
    window_start = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="core_ratelimit_one_per_window")]

    def __str__(self) -> str:
        return f"{self.key[:8]}@{self.window_start}: {self.count}"
