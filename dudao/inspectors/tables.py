"""Columns of the inspectors' list pages: one list drives the HTML table, the sort links and the Excel export."""

from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

from dudao.core.tables import OFFICE_COLUMN, SCHOOL_COLUMN, STATUS_COLUMN, TITLE_COLUMN, YEAR_COLUMN, Column


def _school_count(inspector):
    return inspector.school_count


INSPECTOR_COLUMNS = [
    Column("name", pgettext_lazy("person", "Name"), order_by="sort_key", link=True),
    Column("kind", gettext_lazy("Kind"), order_by="kind"),
    Column("certificate_no", gettext_lazy("Certificate number"), order_by="certificate_no"),
    Column("office.name", gettext_lazy("Office"), order_by="office__name"),
    Column("employer", gettext_lazy("Employer and post")),
    Column("phone", gettext_lazy("Phone")),
    Column("email", gettext_lazy("E-mail"), html=False),
    Column(_school_count, gettext_lazy("Schools listed"), order_by="school_count"),
    STATUS_COLUMN,
]


LISTING_COLUMNS = [
    SCHOOL_COLUMN,
    Column("school.code", gettext_lazy("School code"), order_by="school__code"),
    Column("inspector.name", gettext_lazy("Inspector"), order_by="inspector__sort_key"),
    Column("valid_from", gettext_lazy("From"), order_by="valid_from"),
    Column("valid_to", gettext_lazy("To"), order_by="valid_to"),
]


def _counts(record):
    return record.counts_toward_floor


_counts.__name__ = "counts"


def _days_left(term):
    return (term.end - timezone.localdate()).days if term.end >= timezone.localdate() else ""


_days_left.__name__ = "days_left"


TRAINING_RECORD_COLUMNS = [
    Column("inspector.name", gettext_lazy("Inspector"), order_by="inspector__sort_key"),
    Column("inspector.certificate_no", gettext_lazy("Certificate number")),
    YEAR_COLUMN,
    Column("course", gettext_lazy("Course"), order_by="course", link=True),
    Column("organiser", gettext_lazy("Organiser")),
    Column("kind", gettext_lazy("Kind"), order_by="kind"),
    Column("start_date", gettext_lazy("From"), order_by="start_date"),
    Column("end_date", gettext_lazy("To")),
    Column("hours", gettext_lazy("Hours"), order_by="hours"),
    Column(_counts, gettext_lazy("Counts toward the floor")),
]


CASE_COLUMNS = [
    TITLE_COLUMN,
    Column("inspector.name", gettext_lazy("Author"), order_by="inspector__sort_key"),
    OFFICE_COLUMN,
    YEAR_COLUMN,
    STATUS_COLUMN,
    Column("submitted_at", gettext_lazy("Submitted"), order_by="submitted_at"),
    Column("published_at", gettext_lazy("Published"), order_by="published_at"),
]


TERM_COLUMNS = [
    Column("inspector.name", gettext_lazy("Inspector"), order_by="inspector__sort_key"),
    Column("inspector.certificate_no", gettext_lazy("Certificate number")),
    Column("number", gettext_lazy("Consecutive term"), order_by="number"),
    Column("start", gettext_lazy("From"), order_by="start"),
    Column("end", gettext_lazy("To"), order_by="end"),
    Column(_days_left, gettext_lazy("Days left")),
    Column("reminded_on", gettext_lazy("Reminder sent")),
    Column("note", gettext_lazy("Note")),
]
