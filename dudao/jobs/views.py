from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from dudao.core.downloads import TokenDownloadMixin
from dudao.core.scope import sees_everything
from dudao.jobs.models import Job


class JobListView(LoginRequiredMixin, TemplateView):
    template_name = "jobs/job_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["jobs"] = Job.objects.for_user(self.request.user).select_related("created_by")[:100]
        ctx["title"] = gettext_lazy("Background jobs")
        return ctx


class JobDetailView(LoginRequiredMixin, TemplateView):
    """The job's progress bar; HTMX polls the partial until the job ends."""

    template_name = "jobs/job_detail.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["jobs/partials/_job_progress.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["job"] = get_object_or_404(Job.objects.for_user(self.request.user), uuid=self.kwargs["uuid"])
        ctx["show_detail"] = sees_everything(self.request.user)  # an unexpected error's detail: administrators only
        return ctx


class JobResultView(TokenDownloadMixin, LoginRequiredMixin, View):
    """The job's file; an API client downloads it with its token (``Authorization: Token …``)."""

    def get(self, request, uuid):
        job = get_object_or_404(Job.objects.for_user(request.user), uuid=uuid)
        if not job.result_file:
            raise Http404
        return FileResponse(job.result_file.open("rb"), as_attachment=True,
                            filename=job.result_file.name.rsplit("/", 1)[-1])


