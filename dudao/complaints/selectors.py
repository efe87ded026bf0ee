"""Scoped reads of complaints: the office's list and figures, one complaint, its history, and the
rows of the "complaints handled" section of drafted work reports."""

import datetime

from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.utils import timezone

from dudao.audit.models import AuditEvent
from dudao.complaints.masking import identity
from dudao.complaints.models import Complaint, ComplaintPolicy, ComplaintQuerySet, Publication
from dudao.organizations.models import School

LIST_RELATED = ("school", "office", "handler", "inspector")


def complaint_list(*, user, on: datetime.date | None = None):
    today = on or timezone.localdate()
    return (
        Complaint.objects.for_user(user).select_related(*LIST_RELATED)
        .annotate(overdue=Case(When(Q(status__in=ComplaintQuerySet.OPEN, due_on__lt=today), then=Value(True)),
                               default=Value(False), output_field=BooleanField()))
    )


IN_PROGRESS = (Complaint.Status.VERIFYING, Complaint.Status.HANDLING)


def school_complaints_in_progress(*, user, school_ids, on: datetime.date | None = None) -> list[dict]:
    """Public complaints about the user's schools that the inspector is verifying or handling, as a
    school may know them: the kind, the state and the date the answer is due — never the text,
    the sender or the photos (schools do not read complaints, see ``accounts.roles``), and never a
    complaint about the inspector. The schools come through the scoped door."""
    today = on or timezone.localdate()
    schools = School.objects.for_user(user).filter(pk__in=list(school_ids)).values("pk")
    rows = (
        Complaint.objects.filter(  # scope: the user's own schools above; sender-safe fields only
            school_id__in=schools, concerns_inspector=False, status__in=IN_PROGRESS)
        .order_by("due_on", "pk").values("kind", "status", "due_on", "school_id")
    )
    kinds, states = dict(Complaint.Kind.choices), dict(Complaint.Status.choices)
    return [{"kind": kinds[r["kind"]], "status": states[r["status"]], "due_on": r["due_on"],
             "school_id": r["school_id"], "overdue": r["due_on"] < today} for r in rows]


def complaint_get(*, user, pk: int) -> Complaint:
    return complaint_list(user=user).select_related("school__region", "finding", "rectification").prefetch_related(
        "photos").get(pk=pk)


def complaint_identity(*, user, complaint: Complaint) -> dict:
    return identity(user, complaint)


def complaint_history(*, user, complaint: Complaint) -> list[AuditEvent]:
    """The complaint's audit events, oldest first (their name and phone values are masked)."""
    return list(AuditEvent.objects.for_user(user).filter(
        target_ct__app_label="complaints", target_ct__model="complaint", target_id=str(complaint.pk),
    ).select_related("actor").order_by("seq"))


def complaint_stats(*, user, on: datetime.date | None = None, queryset=None) -> dict:
    """Open, overdue, answered and closed complaints; mean days to answer; the ratings and the
    satisfaction rate (satisfied and basically satisfied among the rated)."""
    today = on or timezone.localdate()
    qs = queryset if queryset is not None else Complaint.objects.for_user(user)
    counts = qs.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=ComplaintQuerySet.OPEN)),
        overdue=Count("pk", filter=Q(status__in=ComplaintQuerySet.OPEN, due_on__lt=today)),
        answered=Count("pk", filter=Q(status=Complaint.Status.ANSWERED)),
        closed=Count("pk", filter=Q(status=Complaint.Status.CLOSED)),
        satisfied=Count("pk", filter=Q(rating=Complaint.Rating.SATISFIED)),
        basically=Count("pk", filter=Q(rating=Complaint.Rating.BASICALLY)),
        dissatisfied=Count("pk", filter=Q(rating=Complaint.Rating.DISSATISFIED)),
    )
    answered = list(qs.filter(answered_at__isnull=False).values_list("created_at", "answered_at", "due_on"))
    days = [(timezone.localdate(a) - timezone.localdate(c)).days for c, a, _due in answered]
    on_time = sum(1 for _c, a, due in answered if timezone.localdate(a) <= due)
    rated = counts["satisfied"] + counts["basically"] + counts["dissatisfied"]
    return {
        **counts,
        "rated": rated,
        "mean_days": round(sum(days) / len(days), 1) if days else None,
        "answered_on_time": on_time,
        "answered_total": len(answered),
        "satisfaction": round(100 * (counts["satisfied"] + counts["basically"]) / rated, 1) if rated else None,
    }


def complaint_policy_for(*, user, office) -> ComplaintPolicy:
    return ComplaintPolicy.objects.for_user(user).filter(office=office).first() or ComplaintPolicy(office=office)


def publication_list(*, user):
    return Publication.objects.for_user(user).select_related("school", "office", "document", "rectification")


def complaint_report_rows(*, user, subject, start: datetime.date, end: datetime.date) -> list[dict]:
    """Complaints received in the period about the subject's schools: kind, school, state, days to
    answer and rating. No sender's name or phone, whoever drafts the report."""
    rows = []
    qs = (Complaint.objects.for_user(user).filter(school_id__in=list(subject.schools), created_at__date__gte=start,
                                                    created_at__date__lte=end)
          .select_related("school").order_by("created_at", "pk"))
    for c in qs:
        if not subject.in_care_during(c.school_id, start, end):
            continue
        parts = [c.get_status_display()]
        if c.response_days is not None:
            parts.append(f"{c.response_days}天答复")
        if c.rating:
            parts.append(c.get_rating_display())
        rows.append({"name": f"{c.school.name}：{c.get_kind_display()}",
                     "date": timezone.localdate(c.created_at).isoformat(), "detail": "，".join(str(p) for p in parts)})
    return rows
