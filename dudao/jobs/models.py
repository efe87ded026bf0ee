import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dudao.core import rules
from dudao.core.scope import ScopedManager
from dudao.core.workflow import Transition


def result_path(instance, filename: str) -> str:
    return f"jobs/{instance.uuid}/{filename}"


class Job(models.Model):
    """Runs heavy work (imports, exports, batch documents) in the background with progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    # moved only by the runner (``actor=None``); the permission is never asked of a person
    TRANSITIONS = {
        "start": Transition({Status.QUEUED}, Status.RUNNING, "jobs.change_job"),
        "succeed": Transition({Status.RUNNING}, Status.SUCCEEDED, "jobs.change_job"),
        "fail": Transition({Status.RUNNING}, Status.FAILED, "jobs.change_job"),
    }

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("started by"),
    )
    params = models.JSONField(default=dict, blank=True)
    input_file = models.FileField(upload_to=result_path, blank=True)
    progress = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    message = models.TextField(_("message"), blank=True)  # a sentence for the user, in their language
    detail = models.TextField(_("technical detail"), blank=True)  # an unexpected error, for administrators
    errors = models.JSONField(_("errors"), default=list, blank=True)
    result_file = models.FileField(_("result"), upload_to=result_path, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    # a job is seen by the user who started it, and by system administrators
    scope_rules = (rules.own("created_by"),)
    scope_capability = None

    objects = ScopedManager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("jobs:job_detail", args=[self.uuid])

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return int(self.progress * 100 / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}
