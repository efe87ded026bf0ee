"""What anyone may read without an account, behind a signboard's signed link (``signboards``):
the school, its listed inspector (name, photo, duties, phone, e-mail), the office's hotline, the
reports and rectification notices the office published, and the form to write to the inspector.
Nothing else: no certificate number, no record that was not published, no personal data.
"""

from django.utils import timezone

from dudao.complaints.models import Publication
from dudao.inspectors.documents import board_texts
from dudao.inspectors.models import Listing
from dudao.inspectors.signboards import public_token_valid
from dudao.organizations.models import School
from dudao.organizations.selectors import office_of_school


def public_school(*, school_id: int, token: str) -> School | None:
    """The school behind a valid link, or None (forged token, unknown or closed school)."""
    if not public_token_valid(school_id, token):
        return None
    return School.objects.filter(pk=school_id, is_active=True).select_related("region").first()  # scope: public


def public_listing(school) -> Listing | None:
    return Listing.objects.current().filter(school=school).select_related("inspector__office").first()  # scope: public


def public_publications(school) -> list[Publication]:
    return list(
        Publication.objects.filter(school=school, withdrawn_at__isnull=True)  # scope: public (published by the office)
        .select_related("document", "rectification__finding").order_by("-created_at", "-pk")[:50]
    )


def public_school_page(*, school_id: int, token: str) -> dict | None:
    school = public_school(school_id=school_id, token=token)
    if school is None:
        return None
    listing = public_listing(school)
    inspector = listing.inspector if listing else None
    office = office_of_school(school) or (inspector.office if inspector else None)
    today = timezone.localdate()
    reports, notices = [], []
    for p in public_publications(school):
        if p.kind == Publication.Kind.DOCUMENT:
            reports.append({"id": p.pk, "title": p.title, "summary": p.summary, "date": p.document.date,
                            "has_pdf": bool(p.document.pdf)})
        else:
            notice = p.rectification
            notices.append({
                "id": p.pk, "title": p.title, "summary": p.summary, "number": notice.number,
                "issued_on": notice.issued_on, "deadline": notice.deadline, "status": notice.get_status_display(),
                "closed": notice.status == notice.Status.CLOSED, "overdue": notice.is_overdue(today),
                "item_code": notice.finding.item_code,
            })
    return {
        "school": {"id": school.pk, "name": school.name, "kind": school.get_kind_display()},
        "inspector": {"name": inspector.name, "phone": inspector.phone, "email": inspector.email,
                      "has_photo": bool(inspector.photo)} if inspector else None,
        "office": {"name": office.name, "hotline": office.hotline} if office else None,
        "reports": reports,
        "notices": notices,
        **board_texts(school),
    }


def public_photo(*, school_id: int, token: str):
    """The listed inspector's photo file, or None."""
    school = public_school(school_id=school_id, token=token)
    listing = public_listing(school) if school else None
    if listing is None or not listing.inspector.photo:
        return None
    return listing.inspector.photo


def public_publication(*, school_id: int, token: str, publication_id: int) -> Publication | None:
    school = public_school(school_id=school_id, token=token)
    if school is None:
        return None
    return next((p for p in public_publications(school)
                 if p.pk == publication_id and p.kind == Publication.Kind.DOCUMENT), None)
