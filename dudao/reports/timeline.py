"""The school's timeline (资源包): plans, visits, lessons, findings, notices, answers, re-checks and
escalations of one school, the newest first — the page an inspector opens before the next visit
and the page the office opens before an inspection from above.

It lives in the top layer because it binds apps of the same layer (plans and inspections); every
row comes from the scoped selectors of those apps.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dudao.inspections.selectors.rectifications import school_rectification_events
from dudao.inspections.selectors.visits import visit_list
from dudao.inspectors.models import Listing
from dudao.organizations.models import School
from dudao.plans.models import WorkPlan
from dudao.plans.selectors import workplan_list

KINDS = {
    "plan": gettext_lazy("Plans"),
    "visit": gettext_lazy("Visits"),
    "lesson": gettext_lazy("Lessons observed"),
    "finding": gettext_lazy("Findings"),
    "notice": gettext_lazy("Rectification notices"),
    "answer": gettext_lazy("School answers"),
    "recheck": gettext_lazy("Re-checks"),
    "escalation": gettext_lazy("Escalations"),
}
ORDER = list(KINDS)
_MIN = datetime.datetime.min.replace(tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Entry:
    date: datetime.date
    kind: str
    title: str
    url: str
    at: datetime.datetime | None = None
    detail: str = ""

    @property
    def kind_label(self):
        return KINDS[self.kind]

    @property
    def sort_key(self):
        return (self.date, self.at or _MIN, ORDER.index(self.kind))


def school_timeline(*, user, school_id: int, year: int | None = None, kinds=None) -> list[Entry]:
    """Every visible event of a school, the newest first (of one day, the latest recorded first);
    ``School.DoesNotExist`` outside the scope (404)."""
    school = School.objects.for_user(user).get(pk=school_id)
    wanted = set(kinds or KINDS)
    entries: list[Entry] = []
    if wanted & {"visit", "lesson"}:
        visits = visit_list(user=user).filter(school=school).prefetch_related("lessons").order_by("date", "pk")
        if year:
            visits = visits.filter(date__year=year)
        for v in visits:
            if "visit" in wanted:
                status = "" if v.status == v.Status.SUBMITTED else f" ({v.get_status_display()})"
                entries.append(Entry(v.date, "visit", _("Visit by {inspector}{status}").format(
                    inspector=v.inspector.name, status=status), v.get_absolute_url(), v.submitted_at or v.created_at,
                    v.problems or v.highlights))
            if "lesson" in wanted:
                for lesson in v.lessons.all():
                    entries.append(Entry(v.date, "lesson", _("Lesson: {cls} {subject}, {teacher} ({rating})").format(
                        cls=lesson.class_name, subject=lesson.subject, teacher=lesson.teacher,
                        rating=lesson.get_rating_display()), v.get_absolute_url() + "#lessons",
                        v.submitted_at or v.created_at, lesson.topic))
    if wanted & {"finding", "notice", "answer", "recheck", "escalation"}:
        for e in school_rectification_events(user=user, school_id=school.pk, year=year):
            if e.kind in wanted:
                entries.append(Entry(e.date, e.kind, e.title, e.url, e.at, e.detail))
    if "plan" in wanted:
        entries += _plan_entries(user=user, school=school, year=year)
    return sorted(entries, key=lambda e: e.sort_key, reverse=True)


def _plan_entries(*, user, school, year) -> list[Entry]:
    """Plans of the inspectors listed at the school (while they were listed) and of its office."""
    inspector_ids = Listing.objects.for_user(user).filter(school=school).values("inspector_id")
    plans = workplan_list(user=user).filter(
        Q(inspector_id__in=inspector_ids) | Q(level=WorkPlan.Level.OFFICE, office__region__path__in=_ancestors(school))
    ).exclude(status=WorkPlan.Status.DRAFT)
    if year:
        plans = plans.filter(year=year)
    out = []
    for p in plans.select_related("inspector"):
        day = timezone.localdate(p.submitted_at) if p.submitted_at else datetime.date(p.year, 1, 1)
        out.append(Entry(day, "plan", _("Plan: {title} ({status})").format(title=p.title,
                                                                          status=p.get_status_display()),
                         p.get_absolute_url(), p.submitted_at, p.summary))
    return out


def _ancestors(school) -> list[str]:
    parts = [p for p in school.region.path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def timeline_years(*, user, school_id: int) -> list[int]:
    this_year = timezone.localdate().year
    first = visit_list(user=user).filter(school_id=school_id).order_by("date").values_list("date", flat=True).first()
    start = min(first.year if first else this_year, this_year)
    return list(range(this_year, start - 1, -1))
