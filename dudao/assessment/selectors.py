"""Reads of the assessment of inspectors: each inspector's records for a year or a term, their
indicator scores, the office's ranked table, one inspector's profile, and who may rate whom.

Records are read for the inspectors the caller reached through ``Inspector.objects.for_user(user)``
(the office over its region, an inspector only themselves), so the per-row reads below filter by
those inspectors. A constant number of queries whatever the number of inspectors.
"""

import datetime
import importlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from dudao.accounts.access import acts_for_office, oversees_region
from dudao.accounts.models import Membership, Role
from dudao.assessment.instrument import CODE as SHIPPED_CODE
from dudao.assessment.models import AssessmentPolicy, AssessmentRating
from dudao.assessment.scoring import INDICATORS, Records, composite, indicator_scores, rank
from dudao.inspections.models import Recheck, Rectification, Visit
from dudao.inspectors.models import Inspector, Listing, TrainingRecord
from dudao.inspectors.selectors.development import policies_for, training_hours
from dudao.instruments.models import Instrument, InstrumentVersion
from dudao.organizations.models import Office
from dudao.plans.models import Task
from dudao.workreports.models import Level, PeriodKind, Report, period_bounds, period_label

PERIOD_KINDS = (PeriodKind.YEAR, PeriodKind.TERM)
SCHOOL_RATER_ROLES = (Role.SCHOOL_LIAISON, Role.PRINCIPAL)


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date

    @property
    def label(self) -> str:
        return period_label(self.kind, self.start)

    def as_of(self, on: datetime.date) -> datetime.date:
        return min(self.end, on)


def period_of(kind: str, day: datetime.date) -> Period:
    if kind not in PERIOD_KINDS:
        raise ValueError(f"unknown period kind {kind!r}")
    start, end = period_bounds(kind, day)
    return Period(kind, start, end)


def assessment_policy_for(office) -> AssessmentPolicy:
    """The office's weighting, or the defaults while it has set none."""
    return AssessmentPolicy.objects.filter(office=office).first() or AssessmentPolicy(office=office)  # scope: the caller's office


def rating_version(policy: AssessmentPolicy) -> InstrumentVersion | None:
    """The published version raters answer: the office's chosen instrument, else the shipped one."""
    instrument = policy.instrument if policy.instrument_id else (
        Instrument.objects.filter(office__isnull=True, code=SHIPPED_CODE).first())  # scope: the shipped instrument
    return instrument.latest_published() if instrument else None


# ---- who sees and who rates -------------------------------------------------------------------------

def office_over(user, office: Office) -> bool:
    return oversees_region(user, office.region.path)


def may_see_assessment(*, user, inspector: Inspector) -> bool:
    """The office over the inspector (with the capability) and the inspector themselves."""
    if inspector.user_id is not None and inspector.user_id == user.pk:
        return True
    return user.has_perm("assessment.view_assessment") and office_over(user, inspector.office)


def rater_roles(*, user, inspector: Inspector, period: Period) -> list[str]:
    """How ``user`` may rate ``inspector`` for ``period``: themselves (self), an inspector of the same
    office (peer), or a school where the inspector was listed during the period (school)."""
    if not user.has_perm("assessment.add_assessmentrating") or not inspector.is_active:
        return []
    roles = []
    own = Inspector.objects.filter(user_id=user.pk).first()  # scope: the user's own record
    if own is not None and own.pk == inspector.pk:
        roles.append(AssessmentRating.Role.SELF)
    elif own is not None and own.office_id == inspector.office_id and own.is_active:
        roles.append(AssessmentRating.Role.PEER)
    if rater_school(user=user, inspector=inspector, period=period) is not None:
        roles.append(AssessmentRating.Role.SCHOOL)
    return roles


def rater_school(*, user, inspector: Inspector, period: Period):
    """The school (of a liaison or principal) where ``inspector`` was listed during the period."""
    schools = Membership.objects.current().filter(user=user, role__in=SCHOOL_RATER_ROLES,  # scope: the user's own memberships
                                                  school__isnull=False).values("school_id")
    listing = (Listing.objects.filter(inspector=inspector, school_id__in=schools, valid_from__lte=period.end)  # scope: the user's schools
               .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=period.start)).select_related("school").first())
    return listing.school if listing else None


def rateable_inspectors(*, user, period: Period) -> list[tuple[Inspector, list[str]]]:
    """The inspectors the user may rate for the period, with the ways they may (a short list)."""
    if not user.has_perm("assessment.add_assessmentrating"):
        return []
    own = Inspector.objects.filter(user_id=user.pk).first()  # scope: the user's own record
    candidates = Inspector.objects.none()
    if own is not None:
        candidates = Inspector.objects.filter(office_id=own.office_id, status=Inspector.Status.ACTIVE)  # scope: the rater's own office
    schools = Membership.objects.current().filter(user=user, role__in=SCHOOL_RATER_ROLES,  # scope: own memberships
                                                  school__isnull=False).values("school_id")
    listed = Listing.objects.filter(school_id__in=schools, valid_from__lte=period.end).filter(  # scope: the user's schools
        Q(valid_to__isnull=True) | Q(valid_to__gte=period.start)).values("inspector_id")
    everyone = (candidates | Inspector.objects.filter(pk__in=listed)).distinct().select_related("office__region")  # scope: as above
    out = []
    for inspector in everyone.order_by("sort_key", "pk"):
        roles = rater_roles(user=user, inspector=inspector, period=period)
        if roles:
            out.append((inspector, roles))
    return out


def my_ratings(*, user):
    """The ratings the user gave (an office user also sees its region's ratings)."""
    return AssessmentRating.objects.for_user(user).select_related("inspector", "school", "rater", "office")


# ---- records ---------------------------------------------------------------------------------------------

def _month_spans(start: datetime.date, last: datetime.date):
    first = start.replace(day=1)
    while first <= last:
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        yield max(first, start), min(following - datetime.timedelta(days=1), last)
        first = following


def complaint_stats(*, inspector_ids, start: datetime.date, end: datetime.date) -> dict | None:
    """Complaints each inspector handled: ``{id: {"received", "answered", "satisfaction"}}``, or None
    (shown as "—") when the complaints app is not installed.

    The complaints app may offer a hook ``dudao.complaints.selectors.inspector_complaint_stats(
    inspector_ids=, start=, end=)`` returning that mapping; otherwise its ``Complaint`` model is read
    by name: complaints registered in the period with the inspector as ``handler``, answered when
    ``answered_at`` is set, satisfaction = satisfied and basically satisfied among the rated (the
    rule of the complaints pages)."""
    if not apps.is_installed("dudao.complaints"):
        return None
    try:
        hook = getattr(importlib.import_module("dudao.complaints.selectors"), "inspector_complaint_stats", None)
    except ModuleNotFoundError:
        hook = None
    if hook is not None:
        return hook(inspector_ids=list(inspector_ids), start=start, end=end)
    try:
        Complaint = apps.get_model("complaints", "Complaint")
        for name in ("handler", "created_at", "answered_at", "rating"):
            Complaint._meta.get_field(name)
    except (LookupError, FieldDoesNotExist):  # a version of the app this reader does not know
        return None
    good = ("satisfied", "basically")
    rows = (Complaint.objects.filter(handler_id__in=list(inspector_ids),  # scope: inspectors reached
                                     created_at__date__range=(start, end))
            .order_by().values("handler_id").annotate(
                received=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)),
                rated=Count("pk", filter=Q(rating__in=(*good, "dissatisfied"))),
                satisfied=Count("pk", filter=Q(rating__in=good))))
    out = {}
    for row in rows:
        satisfaction = (Decimal(100) * row["satisfied"] / row["rated"]).quantize(Decimal("0.01")) if row["rated"] else None
        out[row["handler_id"]] = {"received": row["received"], "answered": row["answered"],
                                  "satisfaction": satisfaction}
    return out


def records_for(inspectors: list[Inspector], period: Period, on: datetime.date) -> dict[int, Records]:
    """The records of each inspector for the period up to ``on`` (inspectors read through the scope)."""
    ids = [i.pk for i in inspectors]
    last = period.as_of(on)
    care: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    listings = (Listing.objects.filter(inspector_id__in=ids, valid_from__lte=last)  # scope: inspectors reached
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=period.start))
                .values_list("inspector_id", "school_id", "valid_from", "valid_to"))
    for inspector_id, school_id, valid_from, valid_to in listings:
        care[inspector_id][school_id].append((max(valid_from, period.start), min(valid_to or last, last)))
    visits = defaultdict(list)
    for inspector_id, school_id, day in (Visit.objects.filter(  # scope: inspectors reached
            inspector_id__in=ids, status=Visit.Status.SUBMITTED, date__range=(period.start, last))
            .values_list("inspector_id", "school_id", "date")):
        visits[inspector_id].append((school_id, day))
    tasks = {row["inspector_id"]: row for row in Task.objects.filter(  # scope: inspectors reached
        inspector_id__in=ids, due_date__range=(period.start, last)).order_by().values("inspector_id").annotate(
        total=Count("pk"), done=Count("pk", filter=Q(status=Task.Status.DONE)))}
    reports = defaultdict(lambda: [0, 0])
    for inspector_id, due_on, submitted_at in Report.objects.filter(  # scope: inspectors reached
            level=Level.INSPECTOR, inspector_id__in=ids, due_on__range=(period.start, last)).values_list(
            "inspector_id", "due_on", "submitted_at"):
        reports[inspector_id][0] += 1
        if submitted_at is not None and timezone.localdate(submitted_at) <= due_on:
            reports[inspector_id][1] += 1
    rects = defaultdict(lambda: [0, 0])
    # a notice is the inspector's when it follows up a finding of their visit, or when they issued it
    by_user = {i.user_id: i.pk for i in inspectors if i.user_id}
    notices = (Rectification.objects.filter(  # scope: inspectors reached
        Q(finding__visit__inspector_id__in=ids) | Q(issued_by_id__in=sorted(by_user)),
        issued_on__range=(period.start, last))
        .filter(Q(deadline__lt=on) | Q(status=Rectification.Status.CLOSED))
        .annotate(rechecked=Exists(Recheck.objects.filter(rectification=OuterRef("pk"))))  # scope: the outer notice
        .values_list("finding__visit__inspector_id", "issued_by_id", "status", "rechecked"))
    for visit_inspector, issuer, status, rechecked in notices:
        inspector_id = visit_inspector if visit_inspector in set(ids) else by_user.get(issuer)
        if inspector_id is None:
            continue
        rects[inspector_id][0] += 1
        if status == Rectification.Status.CLOSED or rechecked:
            rects[inspector_id][1] += 1
    hours = training_hours(inspector_ids=ids, year=period.start.year)
    floors = policies_for({i.office_id for i in inspectors})
    ratings = defaultdict(list)
    for inspector_id, role, score in AssessmentRating.objects.filter(  # scope: inspectors reached
            inspector_id__in=ids, period_kind=period.kind, period_start=period.start).values_list(
            "inspector_id", "role", "score"):
        ratings[inspector_id].append((role, score))
    complaints = complaint_stats(inspector_ids=ids, start=period.start, end=last)

    out = {}
    for inspector in inspectors:
        mine = care.get(inspector.pk, {})
        in_care, seen = 0, 0
        for a, b in _month_spans(period.start, last):
            cared = {sid for sid, spans in mine.items() if any(x <= b and y >= a for x, y in spans)}
            visited = {sid for sid, day in visits.get(inspector.pk, ()) if a <= day <= b and sid in cared
                       and any(x <= day <= y for x, y in mine[sid])}
            in_care += len(cared)
            seen += len(visited)
        c = complaints.get(inspector.pk, {}) if complaints is not None else None
        task = tasks.get(inspector.pk, {})
        out[inspector.pk] = Records(
            schools=len(mine), visits=len(visits.get(inspector.pk, ())), months_in_care=in_care, months_visited=seen,
            tasks_due=task.get("total", 0), tasks_done=task.get("done", 0),
            reports_due=reports[inspector.pk][0], reports_on_time=reports[inspector.pk][1],
            rectifications_due=rects[inspector.pk][0], rectifications_followed=rects[inspector.pk][1],
            complaints=None if c is None else c.get("received", 0),
            complaints_answered=None if c is None else c.get("answered", 0),
            satisfaction=None if c is None else c.get("satisfaction"),
            training_hours=hours.get(inspector.pk, {}).get(TrainingRecord.Kind.CENTRALISED, Decimal(0)),
            training_floor=floors[inspector.office_id].training_floor_hours,
            ratings=tuple(ratings.get(inspector.pk, ())),
        )
    return out


@dataclass
class AssessmentRow:
    inspector: Inspector
    records: Records
    scores: dict
    total: Decimal | None
    rank: int | None = None
    ratings_by_group: dict = field(default_factory=dict)


def assess(inspectors: list[Inspector], period: Period, policy: AssessmentPolicy, on: datetime.date) -> list[AssessmentRow]:
    """Scores and ranks the inspectors (best first; without a score last)."""
    records = records_for(inspectors, period, on)
    rows = []
    for inspector in inspectors:
        r = records[inspector.pk]
        scores = indicator_scores(r, policy.group_weights, policy.aggregation)
        by_group = defaultdict(list)
        for role, score in r.ratings:
            by_group[role].append(score)
        rows.append(AssessmentRow(inspector, r, scores, composite(scores, policy.weights),
                                  ratings_by_group={g: len(v) for g, v in by_group.items()}))
    ranks = rank({row.inspector.pk: row.total for row in rows})
    for row in rows:
        row.rank = ranks[row.inspector.pk]
    return sorted(rows, key=lambda row: (row.rank is None, row.rank or 0, row.inspector.sort_key, row.inspector.pk))


def assessment_offices(*, user):
    """Offices whose assessment the user may see."""
    if not (user.has_perm("assessment.view_assessment") and acts_for_office(user)):
        return Office.objects.none()
    return Office.objects.for_user(user).select_related("region").order_by("region__path")


def assessment_table(*, user, office: Office, period: Period, on: datetime.date | None = None) -> dict:
    """The office's ranked table for the period (the office must be among ``assessment_offices``)."""
    on = on or timezone.localdate()
    inspectors = list(Inspector.objects.for_user(user).filter(office=office, status=Inspector.Status.ACTIVE)
                      .select_related("office__region").order_by("sort_key", "pk"))
    policy = assessment_policy_for(office)
    return {"office": office, "period": period, "policy": policy, "on": on, "indicators": INDICATORS,
            "rows": assess(inspectors, period, policy, on)}


def assessment_profile(*, user, inspector: Inspector, period: Period, on: datetime.date | None = None) -> dict:
    """One inspector's assessment, with their rank among the office's inspectors."""
    on = on or timezone.localdate()
    policy = assessment_policy_for(inspector.office)
    colleagues = list(Inspector.objects.filter(office_id=inspector.office_id, status=Inspector.Status.ACTIVE)  # scope: may_see_assessment checked by the caller
                      .select_related("office__region"))
    if inspector.pk not in {i.pk for i in colleagues}:
        colleagues.append(inspector)
    rows = assess(colleagues, period, policy, on)
    row = next(r for r in rows if r.inspector.pk == inspector.pk)
    return {"row": row, "policy": policy, "period": period, "count": len(rows), "on": on,
            "office_mean": _mean_scores(rows)}


def _mean_scores(rows) -> dict:
    out = {}
    for key in INDICATORS:
        values = [r.scores[key] for r in rows if r.scores[key] is not None]
        out[key] = round(sum(values) / len(values), 2) if values else None
    return out
