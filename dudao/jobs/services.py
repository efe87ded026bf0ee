"""Starting and running background jobs.

A job's ``kind`` names a handler by dotted path in ``HANDLERS`` (kept here, reviewed, so that
higher apps register their work without this layer importing them). A handler receives the
job and a ``progress(done, total)`` callback and returns nothing; it raises
``JobFailed(message, errors)`` to fail with a report. A handler runs in the language of the user who
started the job. Any other error fails the job with a sentence for that user
(``UNEXPECTED_FAILURE``); the exception itself is logged and kept in ``detail``, which only system
administrators see.
"""

import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy
from django_tasks import task

from dudao.core.workflow import apply_transition
from dudao.jobs.models import Job

logger = logging.getLogger(__name__)

HANDLERS = {
    "organizations.import_schools": "dudao.organizations.imports.run_school_import_job",
    "organizations.import_calendar_days": "dudao.organizations.imports.run_calendar_import_job",
    "inspectors.import_inspectors": "dudao.inspectors.imports.inspectors.run_inspector_import_job",
    "inspectors.signboards": "dudao.inspectors.signboards.run_signboards_job",
    "inspectors.import_training": "dudao.inspectors.imports.training.run_training_import_job",
    "core.export": "dudao.jobs.exports.run_export_job",
    "inspections.rectification_notices": "dudao.inspections.services.documents.run_notice_batch_job",
    "documents.bundle": "dudao.documents.bundles.run_bundle_job",
    "documents.pdf": "dudao.documents.services.run_document_pdf_job",
    "campaigns.notices": "dudao.campaigns.services.run_notices_job",
}


UNEXPECTED_FAILURE = gettext_lazy("The job could not be finished because of an unexpected problem. Please try "
                                  "again later; if it fails again, tell your system administrator.")


class JobFailed(Exception):
    def __init__(self, message: str, errors: list | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


def job_start(*, actor, kind: str, title: str, params: dict | None = None, input_file=None) -> Job:
    """Queues a job; the worker (or the immediate backend) runs it after the transaction commits."""
    if kind not in HANDLERS:
        raise ValueError(f"unknown job kind {kind}")
    job = Job(kind=kind, title=title, created_by=actor, params=params or {})
    if input_file is not None:
        job.input_file.save(getattr(input_file, "name", "input.bin").split("/")[-1], input_file, save=False)
    job.save()
    transaction.on_commit(partial(_enqueue, job.pk))
    return job


def _enqueue(job_id: int) -> None:
    run_job.enqueue(job_id)


@task()
def run_job(job_id: int) -> None:
    """The background task: runs the job (``dudao worker`` picks it up)."""
    job_run(job_id)


def _move(job: Job, name: str, **fields) -> None:
    """Records ``fields`` and moves the job along ``Job.TRANSITIONS[name]``, together."""
    with transaction.atomic():
        for k, v in fields.items():
            setattr(job, k, v)
        job.save(update_fields=list(fields))
        apply_transition(job, name, actor=None)


def job_language(job: Job) -> str:
    """The language the job speaks: the one it was started in, else its starter's, else the site's."""
    return job.params.get("language") or job.created_by.language or settings.LANGUAGE_CODE


def job_run(job_id: int) -> Job:
    """Runs one queued job to its end, recording success or failure as data."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.status != Job.Status.QUEUED:
            return job
        _move(job, "start", started_at=timezone.now())

    def progress(done: int, total: int | None = None) -> None:
        fields = {"progress": done}
        if total is not None:
            fields["total"] = total
        Job.objects.filter(pk=job.pk).update(**fields)

    handler = import_string(HANDLERS[job.kind])
    with translation.override(job_language(job)):
        try:
            handler(job, progress)
        except JobFailed as failure:
            job.refresh_from_db()
            _move(job, "fail", message=str(failure.message), errors=failure.errors,
                 finished_at=timezone.now())
            return job
        except Exception as exc:  # the runner's outermost frame: record the error as data
            logger.exception("job %s failed", job.pk)
            job.refresh_from_db()
            _move(job, "fail", message=str(UNEXPECTED_FAILURE), detail=f"{type(exc).__name__}: {exc}",
                 finished_at=timezone.now())
            return job
    job.refresh_from_db()
    _move(job, "succeed", progress=job.total or job.progress, finished_at=timezone.now())
    return job
