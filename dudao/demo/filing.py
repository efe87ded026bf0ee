"""The demo county's archive (台账): documents filed through the same services as the pages.

Word files only, so that loading the demo needs no LibreOffice run; asking for a PDF on a
document's page converts it then (the document on file gets its PDF).
"""

from django.conf import settings

from dudao.inspections.models import Escalation, Rectification, Visit
from dudao.inspections.services.documents import (
    escalation_document_generate,
    rectification_document_generate,
    visit_document_generate,
)
from dudao.inspectors.signboards import signboard_generate

DEMO_PUBLIC_BASE_URL = "http://127.0.0.1:8000"


def file_demo_documents(*, admin, inspector_user, liaison_school, office) -> int:
    """Files the signboard of the liaison's school, every notice (and the answer and re-check
    record of every closed one), the bulletins of public criticisms, and the records and reports
    of the listed inspector's five latest visits. Returns the number of documents filed."""
    filed = [signboard_generate(actor=admin, school_id=liaison_school.pk, pdf=False,
                                base_url=settings.DUDAO_PUBLIC_BASE_URL or DEMO_PUBLIC_BASE_URL)]
    notices = Rectification.objects.filter(school__region__path__startswith=office.region.path).order_by("number")
    for notice in notices:
        filed.append(rectification_document_generate(actor=admin, rectification_id=notice.pk,
                                                     kind="rectification_notice", pdf=False))
        if notice.status == Rectification.Status.CLOSED:
            filed.append(rectification_document_generate(actor=admin, rectification_id=notice.pk,
                                                         kind="rectification_reply", pdf=False))
    criticisms = Escalation.objects.filter(rectification__in=notices, kind=Escalation.Kind.CRITICISM).order_by("pk")
    for escalation in criticisms:
        filed.append(escalation_document_generate(actor=admin, escalation_id=escalation.pk, pdf=False))
    visits = Visit.objects.filter(inspector__user=inspector_user, status=Visit.Status.SUBMITTED).order_by("-date")[:5]
    for visit in visits:
        for kind in ("visit_record", "visit_report"):
            filed.append(visit_document_generate(actor=inspector_user, visit_id=visit.pk, kind=kind, pdf=False))
    return len({document.pk for document in filed})
