"""Reads of the training file, cases and terms; every selector taking a user returns scoped rows."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from dudao.accounts.access import acts_for_office, oversees_region
from dudao.core.workflow import available_transitions
from dudao.inspectors.models import (
    MAX_CONSECUTIVE_TERMS,
    Case,
    Inspector,
    InspectorPolicy,
    Term,
    TrainingRecord,
)

ZERO = Decimal(0)
KINDS = tuple(TrainingRecord.Kind.values)


def policy_for(office) -> InspectorPolicy:
    """The office's rules, or the defaults (40 hours, 60 days) while it has set none."""
    return InspectorPolicy.objects.filter(office=office).first() or InspectorPolicy(office=office)  # scope: the caller's office


def policies_for(office_ids) -> dict[int, InspectorPolicy]:
    """Rules of several offices in one query, defaults where an office has set none."""
    found = {p.office_id: p for p in InspectorPolicy.objects.filter(office_id__in=sorted(office_ids))}  # scope: offices the caller reached
    return {pk: found.get(pk) or InspectorPolicy(office_id=pk) for pk in office_ids}


def training_hours(*, inspector_ids, year: int) -> dict[int, dict[str, Decimal]]:
    """Hours per inspector and kind in ``year`` (``{id: {kind: hours}}``), one grouped query; the
    caller has read the inspectors through its scope."""
    out: dict[int, dict[str, Decimal]] = {}
    rows = (TrainingRecord.objects.filter(inspector_id__in=list(inspector_ids), year=year)  # scope: inspectors the caller reached
            .order_by().values("inspector_id", "kind").annotate(hours=Sum("hours")))
    for row in rows:
        out.setdefault(row["inspector_id"], {})[row["kind"]] = row["hours"] or ZERO
    return out


@dataclass
class LedgerRow:
    """One inspector's year: hours per kind, the floor, and whether centralised hours fall short."""

    inspector: Inspector
    year: int
    floor: Decimal
    hours: dict[str, Decimal] = field(default_factory=dict)

    @property
    def centralised(self) -> Decimal:
        return self.hours.get(TrainingRecord.Kind.CENTRALISED, ZERO)

    @property
    def online(self) -> Decimal:
        return self.hours.get(TrainingRecord.Kind.ONLINE, ZERO)

    @property
    def self_study(self) -> Decimal:
        return self.hours.get(TrainingRecord.Kind.SELF_STUDY, ZERO)

    @property
    def total(self) -> Decimal:
        return sum(self.hours.values(), ZERO)

    @property
    def below_floor(self) -> bool:
        return self.centralised < self.floor

    @property
    def missing(self) -> Decimal:
        return max(self.floor - self.centralised, ZERO)


def training_record_list(*, user):
    return TrainingRecord.objects.for_user(user).select_related("inspector__office", "created_by")


def training_ledger(*, user, inspector: Inspector, year: int) -> dict:
    """One inspector's training file for a year: the courses and the totals against the floor."""
    records = list(training_record_list(user=user).filter(inspector=inspector, year=year).order_by("start_date", "pk"))
    row = LedgerRow(inspector, year, policy_for(inspector.office).training_floor_hours)
    for r in records:
        row.hours[r.kind] = row.hours.get(r.kind, ZERO) + r.hours
    return {"records": records, "row": row}


def training_overview(*, user, year: int, office_id: int | None = None) -> list[LedgerRow]:
    """Every active inspector the user's office reaches with their hours of the year, those below
    the floor first. Three queries whatever the number of inspectors."""
    inspectors = Inspector.objects.for_user(user).filter(status=Inspector.Status.ACTIVE).select_related("office")
    if not acts_for_office(user):
        inspectors = inspectors.filter(user=user)
    if office_id:
        inspectors = inspectors.filter(office_id=office_id)
    inspectors = list(inspectors.order_by("sort_key", "pk"))
    hours = training_hours(inspector_ids=[i.pk for i in inspectors], year=year)
    policies = policies_for({i.office_id for i in inspectors})
    rows = [LedgerRow(i, year, policies[i.office_id].training_floor_hours, hours.get(i.pk, {})) for i in inspectors]
    return sorted(rows, key=lambda r: (not r.below_floor, r.inspector.sort_key, r.inspector.pk))


# ---- cases -------------------------------------------------------------------------------------------

CASE_RELATED = ("office", "inspector", "created_by", "reviewed_by")


def case_list(*, user):
    return Case.objects.for_user(user).select_related(*CASE_RELATED)


def case_transitions(*, user, case: Case) -> list[str]:
    """The transitions the user may apply now: the author submits, the office reviews and publishes."""
    names = available_transitions(case, user)
    if not Case.objects.for_user(user, "change").filter(pk=case.pk).exists():
        return []
    office = oversees_region(user, case.office.region.path)
    return [n for n in names if (n == "submit" and case.inspector.user_id == user.pk) or (n != "submit" and office)]


def case_may_edit(*, user, case: Case) -> bool:
    if not (case.is_editable and user.has_perm("inspectors.change_case")):
        return False
    if not Case.objects.for_user(user, "change").filter(pk=case.pk).exists():
        return False
    return case.inspector.user_id == user.pk or acts_for_office(user)


# ---- terms -------------------------------------------------------------------------------------------

def term_list(*, user):
    return Term.objects.for_user(user).select_related("inspector__office", "created_by")


@dataclass
class TermsSummary:
    terms: list
    current: Term | None
    days_left: int | None
    reminder_days: int
    ends_soon: bool
    may_renew: bool
    limit: int = MAX_CONSECUTIVE_TERMS


def inspector_terms(*, user, inspector: Inspector, on: datetime.date | None = None) -> TermsSummary:
    """The inspector's terms, newest first, the current one and whether it ends within the office's
    reminder lead time, and whether one more consecutive term is allowed."""
    on = on or timezone.localdate()
    terms = list(term_list(user=user).filter(inspector=inspector).order_by("-start"))
    current = next((t for t in terms if t.is_current(on)), None)
    days = policy_for(inspector.office).term_reminder_days
    left = current.days_left(on) if current else None
    latest = terms[0] if terms else None
    return TermsSummary(terms=terms, current=current, days_left=left, reminder_days=days,
                        ends_soon=left is not None and left <= days,
                        may_renew=latest is None or latest.number < MAX_CONSECUTIVE_TERMS)
