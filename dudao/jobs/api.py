"""Background jobs in the API: an API client follows the job it started (imports, exports, batches,
bundles) and downloads its result at ``result_url`` with its token, like the job's page."""

from django.urls import reverse
from rest_framework import serializers

from dudao.core.api import ScopedReadViewSet
from dudao.jobs.models import Job


class JobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    is_finished = serializers.BooleanField(read_only=True)
    page_url = serializers.SerializerMethodField()
    result_url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = ["uuid", "kind", "title", "status", "progress", "total", "percent", "is_finished", "message",
                  "errors", "page_url", "result_url", "created_at", "started_at", "finished_at"]
        read_only_fields = fields

    def get_page_url(self, obj) -> str:
        return obj.get_absolute_url()

    def get_result_url(self, obj) -> str | None:
        """The result file, downloaded with ``Authorization: Token …``; empty until the job succeeds."""
        return reverse("jobs:job_result", args=[obj.uuid]) if obj.result_file else None


class JobViewSet(ScopedReadViewSet):
    """The jobs the user started (a system administrator sees every job), newest first. ``message``
    is a sentence for the user; an unexpected error's technical detail is never answered here."""

    serializer_class = JobSerializer
    lookup_field = "uuid"
    ordering = ("-created_at", "-pk")


def register(router) -> None:
    router.register("jobs/jobs", JobViewSet, basename="jobs-job")
