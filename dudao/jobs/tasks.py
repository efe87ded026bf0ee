"""The background task of a job lives in ``jobs.services``; tasks queued under this module's name
still run."""

from dudao.jobs.services import run_job

__all__ = ["run_job"]
