"""Tests: a document asked for on a page gets its PDF from a background job; run it as the worker does."""

from dudao.documents.services import PDF_JOB
from dudao.jobs.models import Job
from dudao.jobs.services import job_run


def run_pdf_jobs() -> list[Job]:
    """Runs every queued PDF job (``dudao worker``'s part), in order; returns them as they ended."""
    return [job_run(job.pk) for job in Job.objects.filter(kind=PDF_JOB, status=Job.Status.QUEUED).order_by("pk")]
