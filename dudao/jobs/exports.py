"""Large exports run as background jobs: the list's own filters and columns, written by the worker.

A list view that inherits ``ExportableListView`` exports in the request up to
``DUDAO_EXPORT_JOB_THRESHOLD`` rows; above it the export becomes a job with a progress bar and a
download link, built from the same view class, the same query string and the same user, so it
holds exactly the rows the user saw.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.http import HttpRequest, HttpResponseRedirect, QueryDict
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from dudao.core.excel import write_table
from dudao.core.replica import use_replica
from dudao.core.views import ObjectListView
from dudao.jobs.services import job_start

# List views that moved to another module: an export job queued before an upgrade still finds its view.
MOVED_VIEWS = {
    "dudao.inspections.views_visits.": "dudao.inspections.views.visits.",
    "dudao.inspections.views_rectifications.": "dudao.inspections.views.rectifications.",
    "dudao.inspectors.views_development.": "dudao.inspectors.views.development.",
    "dudao.reports.views_reports.": "dudao.workreports.views.",
}


def view_path(path: str) -> str:
    """Where the list view ``path`` (as a job recorded it) lives now."""
    for old, new in MOVED_VIEWS.items():
        if path.startswith(old):
            return new + path.removeprefix(old)
    return path


class ExportableListView(ObjectListView):
    def export(self):
        qs = self.filtered_queryset()
        if qs.count() <= settings.DUDAO_EXPORT_JOB_THRESHOLD:
            return super().export()
        view = f"{type(self).__module__}.{type(self).__qualname__}"
        query = self.request.GET.copy()
        query.pop("export", None)
        job = job_start(
            actor=self.request.user, kind="core.export",
            title=_("Export {name}").format(name=self.opts.verbose_name_plural),
            params={"view": view, "query": query.urlencode(), "kwargs": self.kwargs},
        )
        return HttpResponseRedirect(job.get_absolute_url())


def run_export_job(job, progress) -> None:
    view_class = import_string(view_path(job.params["view"]))
    if not issubclass(view_class, ObjectListView):
        raise ValueError("not a list view")
    # the rows are read from the replica when there is one; the progress and the file are written
    # to the primary
    with use_replica():
        request = HttpRequest()
        request.method = "GET"
        request.GET = QueryDict(job.params.get("query", ""))
        request.user = get_user_model().objects.get(pk=job.created_by_id)  # scope: owner, whose scope the view applies
        view = view_class()
        view.setup(request, **job.params.get("kwargs", {}))
        qs = view.filtered_queryset()
        total = qs.count()
        progress(0, total)
        cols = [c for c in view.columns if c.export]

        def rows():
            for index, obj in enumerate(qs.iterator(chunk_size=2000), start=1):
                if index % 1000 == 0:
                    progress(index, total)
                yield [c.export_value(obj) for c in cols]

        data = write_table([str(c.label) for c in cols], rows(), title=str(view.opts.verbose_name_plural))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    job.result_file.save(f"{view.opts.model_name}-{stamp}.xlsx", ContentFile(data), save=False)
    job.message = _("{count} rows exported.").format(count=total)
    job.save(update_fields=["result_file", "message"])
    progress(total, total)
