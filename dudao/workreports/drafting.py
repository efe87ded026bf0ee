"""The figures of a drafted work report (督导工作报告): an inspector's, a zone's or an office's
month, term or year, computed from the records instead of typed by hand.

``period_summary`` answers, for one *subject* (an inspector, a zone or an office) and a period:

* **schools and coverage** — the schools in the subject's care during the period (an inspector:
  the schools listed to them, 挂牌; a zone: its member schools; an office: the active schools of
  its region), month by month the share visited at least once (挂牌督导办法: "每月不得少于1次",
  STANDARDS §1.5), and the schools covered in *every* month they were in care;
* **visits and lessons** — submitted visits in the period (an inspector: the visits they recorded;
  a zone or office: every visit to its schools), lessons observed by rating;
* **findings by checklist item** and **highlights recommended** to the office;
* **rectification notices** issued and closed in the period, still open, and overdue on the
  report date (the end of the period, or today while it runs);
* **tasks** due in the period (done, on time, overdue);
* **further sections** from ``SECTIONS``: campaigns, evaluations, complaints. Their apps do not
  exist yet, so each renders "none in this period" until its provider is there (see ``Section``).

Every read goes through the user's scope (``for_user`` or the owning app's selectors), and the
number of queries does not grow with the number of rows: the rows are fetched once per kind and
counted here. Zone membership and listings are dated, so a school counts for the months it was
in the subject's care only.
"""

import calendar
import datetime
import importlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dudao.core.tally import percent
from dudao.inspections.models import Finding, LessonObservation, Rectification, Severity, Visit
from dudao.inspections.selectors.visits import visit_list
from dudao.inspectors.models import Inspector, Listing
from dudao.instruments.national import KINDERGARTEN_CHECKLIST, OTHER_ITEM, SCHOOL_CHECKLIST
from dudao.organizations.models import Office, School, Zone, ZoneMembership
from dudao.plans.models import Task
from dudao.plans.selectors import task_list


class Level:
    INSPECTOR = "inspector"
    ZONE = "zone"
    OFFICE = "office"
    ALL = (INSPECTOR, ZONE, OFFICE)


# ---- the registry of further sections -------------------------------------------------------------

@dataclass(frozen=True)
class SectionRow:
    """One line of a further section: what (a campaign, an evaluation, a complaint), when, and how it went."""

    name: str
    date: str = ""
    detail: str = ""


@dataclass
class Section:
    """A part of the report that another app fills: campaigns, evaluations, complaints.

    ``provider`` is a callable or a dotted ``"module:function"`` path resolved when the report is
    drafted; it is called as ``provider(user=, subject=, start=, end=)`` and returns a list of
    ``SectionRow`` (or dicts with the same keys), read through the user's scope. A provider whose
    app is not installed or whose function does not exist yet gives no rows, and the report says
    "none in this period". The apps that own these records sit below ``reports`` and cannot import
    it, so their section is declared here and points at a selector in the app.
    """

    key: str
    title: object  # a lazy translation: the heading on pages
    heading: str  # the heading in the document, which is Chinese whatever the reader's language
    provider: str | Callable | None = None
    app_label: str | None = None

    def rows(self, *, user, subject, start, end) -> list[SectionRow]:
        fn = self.resolve()
        if fn is None:
            return []
        out = []
        for row in fn(user=user, subject=subject, start=start, end=end) or []:
            out.append(row if isinstance(row, SectionRow) else SectionRow(**row))
        return out

    def resolve(self) -> Callable | None:
        if callable(self.provider):
            return self.provider
        if not self.provider:
            return None
        if self.app_label and not django_apps.is_installed(f"dudao.{self.app_label}"):
            return None
        module_name, _sep, name = self.provider.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            return None
        return getattr(module, name, None)


SECTIONS: list[Section] = [
    Section("campaigns", gettext_lazy("Special supervision campaigns"), "专项督导",
            "dudao.campaigns.selectors:campaign_report_rows", "campaigns"),
    Section("evaluations", gettext_lazy("Supervision evaluations"), "督导评估",
            "dudao.evaluations.selectors:evaluation_report_rows", "evaluations"),
    Section("complaints", gettext_lazy("Complaints handled"), "投诉举报办理",
            "dudao.complaints.selectors:complaint_report_rows", "complaints"),
]


def register_section(section: Section) -> Section:
    """Adds a section (or replaces the one with the same key), in order of registration."""
    for i, existing in enumerate(SECTIONS):
        if existing.key == section.key:
            SECTIONS[i] = section
            return section
    SECTIONS.append(section)
    return section


# ---- the subject and its schools ------------------------------------------------------------------

@dataclass
class Subject:
    """Whose report it is, and the schools in their care with the dates they were."""

    level: str
    office: Office
    zone: Zone | None = None
    inspector: Inspector | None = None
    # school id -> list of (from, to) within the period
    care: dict[int, list[tuple[datetime.date, datetime.date]]] = field(default_factory=dict)
    schools: dict[int, School] = field(default_factory=dict)

    @property
    def name(self) -> str:
        if self.level == Level.INSPECTOR:
            return self.inspector.name
        if self.level == Level.ZONE:
            return self.zone.name
        return self.office.name

    def in_care(self, school_id: int, day: datetime.date) -> bool:
        return any(a <= day <= b for a, b in self.care.get(school_id, ()))

    def in_care_during(self, school_id: int, first: datetime.date, last: datetime.date) -> bool:
        return any(a <= last and b >= first for a, b in self.care.get(school_id, ()))


def _clip(valid_from, valid_to, start, end):
    a = max(valid_from, start)
    b = min(valid_to or end, end)
    return (a, b) if a <= b else None


def _overlapping(qs, start, end):
    return qs.filter(valid_from__lte=end).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))


def resolve_subject(*, user, level: str, office, zone=None, inspector=None) -> Subject:
    """The subject read through the user's scope (``DoesNotExist`` → 404 when out of it)."""
    if level not in Level.ALL:
        raise ValidationError({"level": _("Unknown level.")})
    office_id = getattr(office, "pk", office)
    office = Office.objects.for_user(user).select_related("region").get(pk=office_id)
    if level == Level.OFFICE:
        return Subject(level, office)
    field, model, value, missing, elsewhere = (
        ("inspector", Inspector, inspector, _("Choose the inspector."), _("The inspector belongs to another office."))
        if level == Level.INSPECTOR else
        ("zone", Zone, zone, _("Choose the zone."), _("The zone belongs to another office.")))
    if value is None:
        raise ValidationError({field: missing})
    row = model.objects.for_user(user).get(pk=getattr(value, "pk", value))
    if row.office_id != office.pk:
        raise ValidationError({field: elsewhere})
    return Subject(level, office, **{field: row})


def _load_care(subject: Subject, *, user, start, end) -> None:
    """One query: the schools in the subject's care during the period, with the dates."""
    if subject.level == Level.OFFICE:
        schools = (School.objects.for_user(user).filter(region__path__startswith=subject.office.region.path,
                                                        is_active=True).order_by("sort_key", "code"))
        for school in schools:
            subject.schools[school.pk] = school
            subject.care[school.pk] = [(start, end)]
        return
    if subject.level == Level.ZONE:
        links = ZoneMembership.objects.for_user(user).filter(zone=subject.zone)
    else:
        links = Listing.objects.for_user(user).filter(inspector=subject.inspector)
    for link in _overlapping(links, start, end).select_related("school").order_by("school__sort_key", "valid_from"):
        span = _clip(link.valid_from, link.valid_to, start, end)
        if span:
            subject.schools[link.school_id] = link.school
            subject.care.setdefault(link.school_id, []).append(span)


# ---- helpers --------------------------------------------------------------------------------------

def month_starts(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    out, day = [], start.replace(day=1)
    while day <= end:
        out.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return out


def month_last(first: datetime.date) -> datetime.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def month_label(first: datetime.date) -> str:
    return f"{first.year}年{first.month}月"


_NATIONAL_TEXT = {
    **dict(SCHOOL_CHECKLIST["items"]),
    OTHER_ITEM[0]: OTHER_ITEM[1],
}
_KINDERGARTEN_TEXT = dict(KINDERGARTEN_CHECKLIST["items"])


def _item_text(code: str, text: str | None, kindergarten: bool) -> str:
    """The item's own text, or the national wording of its code (a finding may give a code only)."""
    if text:
        return text.rstrip("。")
    table = _KINDERGARTEN_TEXT if kindergarten else _NATIONAL_TEXT
    return (table.get(code) or "").rstrip("。")


# ---- the summary ----------------------------------------------------------------------------------

def period_summary(*, user, level: str, office, zone=None, inspector=None, start: datetime.date,
                   end: datetime.date, on: datetime.date | None = None) -> dict:
    """Everything a work report says about ``level``'s subject from ``start`` to ``end``.

    Returns plain data (numbers, strings, dates, lists and dicts) for the page, the API and the
    document. ``on`` is today unless given; months after ``on`` are not counted for coverage, and
    "overdue" is judged on the earlier of ``end`` and ``on``.
    """
    if start > end:
        raise ValidationError({"end": _("The period ends before it starts.")})
    on = on or timezone.localdate()
    as_of = min(end, on)
    subject = resolve_subject(user=user, level=level, office=office, zone=zone, inspector=inspector)
    _load_care(subject, user=user, start=start, end=end)
    school_ids = sorted(subject.care)

    months = [m for m in month_starts(start, end) if m <= on]
    visits = _visits(user, subject, school_ids, start, end)
    lessons = _lessons(visits)
    visit_rows, coverage, by_school = _coverage(subject, visits, months, start, end)
    findings = _findings(user, subject, school_ids, start, end)
    rectifications = _rectifications(user, subject, school_ids, start, end, as_of)
    for row in by_school:
        row["findings"] = findings["per_school"].get(row["school_id"], 0)
        row["notices"] = rectifications["per_school"].get(row["school_id"], 0)
    tasks = _tasks(user, subject, start, end, as_of)
    sections = []
    for section in SECTIONS:
        rows = section.rows(user=user, subject=subject, start=start, end=end)
        sections.append({"key": section.key, "title": str(section.title), "heading": section.heading,
                         "rows": [{"name": r.name, "date": r.date, "detail": r.detail} for r in rows]})

    by_inspector = Counter(v.inspector.name for v in visits)
    return {
        "level": level,
        "subject": {"name": subject.name, "level": level, "office": subject.office.name,
                    "office_id": subject.office.pk,
                    "zone_id": subject.zone.pk if subject.zone else None,
                    "inspector_id": subject.inspector.pk if subject.inspector else None},
        "start": start, "end": end, "as_of": as_of,
        "months": coverage,
        "schools": {
            "total": len(school_ids),
            "visited": sum(1 for row in by_school if row["visits"]),
            "fully_covered": sum(1 for row in by_school if row["fully_covered"]),
            "coverage_rate": percent(sum(1 for row in by_school if row["fully_covered"]), len(school_ids)),
            "rows": by_school,
        },
        "visits": {
            "total": len(visits),
            "in_care": visit_rows,
            "by_inspector": [{"name": name, "visits": n} for name, n in sorted(by_inspector.items(),
                                                                               key=lambda kv: (-kv[1], kv[0]))],
        },
        "lessons": lessons,
        "findings": {k: v for k, v in findings.items() if k != "per_school"},
        "highlights": [
            {"school": v.school.name, "date": v.date, "inspector": v.inspector.name, "text": v.highlights.strip()}
            for v in sorted(visits, key=lambda v: (v.date, v.pk)) if v.highlight_recommended and v.highlights.strip()
        ],
        "rectifications": {k: v for k, v in rectifications.items() if k != "per_school"},
        "tasks": tasks,
        "sections": sections,
    }


def _visits(user, subject: Subject, school_ids, start, end) -> list[Visit]:
    """Submitted visits of the period: an inspector's own, or every visit to the zone's or office's schools."""
    qs = (visit_list(user=user).filter(status=Visit.Status.SUBMITTED, date__range=(start, end))
          .order_by("date", "pk"))
    if subject.level == Level.INSPECTOR:
        qs = qs.filter(inspector=subject.inspector)
    else:
        qs = qs.filter(school_id__in=school_ids)
    visits = list(qs)
    if subject.level != Level.INSPECTOR:
        visits = [v for v in visits if subject.in_care(v.school_id, v.date)]
    return visits


def _lessons(visits) -> dict:
    ids = [v.pk for v in visits]
    counts = Counter(
        LessonObservation.objects.filter(visit_id__in=ids)  # scope: the visits read through visit_list
        .values_list("rating", flat=True)
    ) if ids else Counter()
    return {
        "total": sum(counts.values()),
        "by_rating": [{"rating": value, "label": str(label), "n": counts.get(value, 0)}
                      for value, label in LessonObservation.Rating.choices],
    }


def _coverage(subject: Subject, visits, months, start, end):
    """Coverage per month, and one row per school in care (visits, months visited of months in care)."""
    visited = defaultdict(set)  # month -> school ids visited in it (while in care)
    per_school = Counter()
    lessons = Counter()
    in_care_visits = 0
    for v in visits:
        if not subject.in_care(v.school_id, v.date):
            continue
        in_care_visits += 1
        per_school[v.school_id] += 1
        lessons[v.school_id] += v.lesson_count
        visited[v.date.replace(day=1)].add(v.school_id)
    rows = []
    for first in months:
        last = month_last(first)
        span = (max(first, start), min(last, end))
        cared = {sid for sid in subject.care if subject.in_care_during(sid, *span)}
        seen = visited[first] & cared
        rows.append({"month": first, "label": month_label(first), "schools": len(cared), "visited": len(seen),
                     "coverage": percent(len(seen), len(cared)),
                     "visits": sum(1 for v in visits if v.date.replace(day=1) == first)})
    by_school = []
    for sid, school in subject.schools.items():
        cared_months = [m for m in months if subject.in_care_during(sid, max(m, start), min(month_last(m), end))]
        seen_months = [m for m in cared_months if sid in visited[m]]
        by_school.append({
            "school_id": sid, "name": school.name, "visits": per_school.get(sid, 0),
            "months_in_care": len(cared_months), "months_visited": len(seen_months),
            "fully_covered": bool(cared_months) and len(seen_months) == len(cared_months),
            "lessons": lessons.get(sid, 0),
        })
    return in_care_visits, rows, by_school


def _findings(user, subject: Subject, school_ids, start, end) -> dict:
    rows = (Finding.objects.for_user(user).filter(school_id__in=school_ids, found_on__range=(start, end))
            .values_list("school_id", "found_on", "item_code", "item__text", "severity", "school__kind"))
    by_item: dict[str, dict] = {}
    by_severity = Counter()
    per_school = Counter()
    total = 0
    for school_id, found_on, code, text, severity, kind in rows:
        if not subject.in_care(school_id, found_on):
            continue
        total += 1
        per_school[school_id] += 1
        by_severity[severity] += 1
        code = code or ""
        entry = by_item.setdefault(code, {"code": code, "text": "", "n": 0})
        entry["n"] += 1
        entry["text"] = entry["text"] or _item_text(code, text, kind == School.Kind.KINDERGARTEN)
    items = sorted(by_item.values(), key=lambda e: (e["code"] == "", _code_key(e["code"])))
    for entry in items:
        entry["label"] = (f"{entry['code']}. {entry['text']}" if entry["code"] and entry["text"]
                          else entry["code"] or _("No checklist item"))
    return {
        "total": total,
        "by_item": items,
        "by_severity": [{"severity": value, "label": str(label), "n": by_severity.get(value, 0)}
                        for value, label in Severity.choices],
        "per_school": per_school,
    }


def _code_key(code: str):
    parts = code.split(".")
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts]


def _rectifications(user, subject: Subject, school_ids, start, end, as_of) -> dict:
    """Notices issued and closed in the period, open now, and overdue on ``as_of``; one query."""
    open_states = {Rectification.Status.ISSUED, Rectification.Status.SUBMITTED, Rectification.Status.RETURNED}
    with_school = {Rectification.Status.ISSUED, Rectification.Status.RETURNED}
    rows = (
        Rectification.objects.for_user(user)
        .filter(school_id__in=school_ids, issued_on__lte=end)
        .filter(Q(issued_on__gte=start) | Q(closed_on__range=(start, end)) | Q(status__in=open_states))
        .select_related("school").order_by("deadline", "pk")
    )
    issued = closed = still_open = 0
    overdue = []
    per_school = Counter()
    for r in rows:
        if start <= r.issued_on and subject.in_care(r.school_id, r.issued_on):
            issued += 1
            per_school[r.school_id] += 1
        if r.closed_on and start <= r.closed_on <= end and subject.in_care(r.school_id, r.closed_on):
            closed += 1
        if r.status in open_states and subject.in_care_during(r.school_id, start, end):
            still_open += 1
            if r.status in with_school and r.deadline < as_of:
                overdue.append({"number": r.number or str(r), "school": r.school.name, "deadline": r.deadline,
                                "days": (as_of - r.deadline).days, "requirements": r.requirements[:80]})
    return {
        "issued": issued, "closed": closed, "open": still_open, "overdue": len(overdue),
        "close_rate": percent(closed, issued) if issued else None,
        "overdue_list": overdue,
        "per_school": per_school,
    }


def _tasks(user, subject: Subject, start, end, as_of) -> dict:
    qs = task_list(user=user).filter(due_date__range=(start, end))
    if subject.level == Level.INSPECTOR:
        qs = qs.filter(inspector=subject.inspector)
    elif subject.level == Level.ZONE:
        qs = qs.filter(zone=subject.zone)
    else:
        qs = qs.filter(office=subject.office)
    done = Q(status=Task.Status.DONE)
    counts = qs.order_by().aggregate(
        total=Count("pk"), done=Count("pk", filter=done),
        on_time=Count("pk", filter=done & Q(completed_on__lte=F("due_date"))),
        overdue=Count("pk", filter=Q(status=Task.Status.OPEN, due_date__lt=as_of)),
    )
    counts["rate"] = percent(counts["done"], counts["total"])
    return counts
