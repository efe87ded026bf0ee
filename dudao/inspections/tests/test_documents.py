"""The loop's documents: built-in templates fill from their samples and from real records, the
buttons file them (scope 404, permission 403, a draft's record 409), the pages list what is filed,
and the API twin answers the addresses and SHA-256s. PDF conversion is left to the few tests of
``test_documents_pdf.py`` and the batch job; here the services run with ``pdf=False`` where they can."""

import re

import pytest
from rest_framework.test import APIClient

from dudao.core.workflow import TransitionNotAllowed
from dudao.documents import kinds
from dudao.documents.models import Document
from dudao.documents.render import cn_date, docx_text, render_docx
from dudao.documents.services import default_template_bytes
from dudao.documents.tests.pdf_jobs import run_pdf_jobs
from dudao.inspections.documents import KINDS
from dudao.inspections.services.documents import (
    escalation_document_generate,
    rectification_document_generate,
    visit_document_generate,
)
from dudao.inspections.tests import visit_fixtures
from dudao.inspections.tests.document_fixtures import (
    FINDING,
    criticised_notice,
    submitted_visit,
    user,
    visit_with_notice,
)
from dudao.inspections.tests.visit_fixtures import record_visit
from dudao.instruments.national import SCHOOL_CHECKLIST

pytestmark = pytest.mark.django_db

world = visit_fixtures.world
media_root = visit_fixtures.media_root

CHECKLIST_TEXTS = [text for _code, text in SCHOOL_CHECKLIST["items"]]


def text_of(document: Document) -> str:
    with document.docx.open("rb") as handle:
        return docx_text(handle.read())


# ---- templates and samples -----------------------------------------------------------------------

@pytest.mark.parametrize("code", [k.code for k in KINDS])
def test_each_default_template_fills_from_its_complete_sample(code):
    # given the kind's built-in template and its sample context
    kind = kinds.get(code)
    sample = kind.sample_context()
    # when it is rendered strictly
    text = docx_text(render_docx(default_template_bytes(code), sample))
    # then no tag is left and the sample's school and date are in it
    assert "{{" not in text and "{%" not in text
    assert sample["school"]["name"] in text
    assert sample["date"] in text


def test_the_kinds_are_registered_with_numbering_for_the_office_s_own_documents():
    assert {k.code for k in kinds.all_kinds()} >= {"visit_notice", "visit_record", "rectification_notice",
                                                    "rectification_reply", "visit_report", "bulletin"}
    assert kinds.get("visit_notice").numbered and kinds.get("bulletin").numbered
    assert not kinds.get("rectification_notice").numbered  # it carries the notice's own number


# ---- real data -----------------------------------------------------------------------------------

def test_visit_notice_names_school_date_inspector_items_and_what_to_prepare(world):
    # given a visit planned at school 0 of county A
    visit = submitted_visit(world)
    # when the inspector files its notice
    document = visit_document_generate(actor=user(world, "inspector"), visit_id=visit.pk, kind="visit_notice",
                                       pdf=False)
    # then it is numbered by the office and says who comes when, to check what
    text = text_of(document)
    assert document.number and document.number in text
    assert re.fullmatch(r"甲教督〔\d{4}〕1号", document.number)
    assert "甲县人民政府教育督导室" in text and world.a.schools[0].name in text
    assert cn_date(visit.date) in text and world.a.inspectors[0].name in text
    assert all(item in text for item in CHECKLIST_TEXTS)
    assert "课程表" in text  # "lesson" is one of the visit's methods: the school prepares the timetable
    assert (document.school_id, document.subject_type, document.subject_id) == (
        world.a.schools[0].pk, "inspections.visit", visit.pk)


def test_asking_for_the_notice_again_keeps_its_number(world):
    # given a filed visit notice
    visit = submitted_visit(world)
    inspector = user(world, "inspector")
    first = visit_document_generate(actor=inspector, visit_id=visit.pk, kind="visit_notice", pdf=False)
    # when the button is pressed again
    again = visit_document_generate(actor=inspector, visit_id=visit.pk, kind="visit_notice", pdf=False)
    # then the document on file comes back and the office's next number is not used up
    assert again.pk == first.pk and again.number == first.number
    assert Document.objects.filter(kind="visit_notice").count() == 1


def test_visit_record_holds_every_checklist_item_in_order_with_answers_notes_and_lessons(world):
    # given a submitted visit with answers, a lesson and a finding on item 7
    visit, _notice = visit_with_notice(world)
    # when the record is filed
    document = visit_document_generate(actor=user(world, "inspector"), visit_id=visit.pk, kind="visit_record",
                                       pdf=False)
    # then every item of the national checklist is there in order with the answers and notes
    text = text_of(document)
    positions = [text.index(item) for item in CHECKLIST_TEXTS]
    assert positions == sorted(positions)
    assert "存在问题 留样记录缺3天" in text and "正常 制度上墙" in text
    assert "三(2)班 数学 王老师 分数的初步认识 良好 板书清晰" in text
    assert "课后服务形式多样" in text and FINDING in text and "严重" in text
    assert world.a.schools[0].name in text and cn_date(visit.date) in text


def test_visit_report_drafts_overview_highlights_problems_and_notices(world):
    # given a visit whose finding led to a notice
    visit, notice = visit_with_notice(world)
    # when the report is filed
    document = visit_document_generate(actor=user(world, "inspector"), visit_id=visit.pk, kind="visit_report",
                                       pdf=False)
    # then it summarises the visit and lists the notice with its deadline and requirements
    text = text_of(document)
    assert f"关于{world.a.schools[0].name}经常性督导情况的报告" in text
    assert "检查9项，其中1项存在问题；随机听课1节；记录问题1个，下发整改通知书1份" in text
    assert notice.number in text and cn_date(notice.deadline) in text and FINDING in text
    assert "补齐食品留样记录" in text and "课后服务形式多样" in text


def test_rectification_notice_carries_its_number_finding_item_severity_and_deadline(world):
    # given a notice on a finding of checklist item 7
    _visit, notice = visit_with_notice(world)
    # when its notice is filed
    document = rectification_document_generate(actor=user(world, "inspector"), rectification_id=notice.pk,
                                               kind="rectification_notice", pdf=False)
    # then the document number is the notice's own and everything the school must know is there
    text = text_of(document)
    assert document.number == notice.number and notice.number in text
    assert world.a.schools[0].name in text and FINDING in text and "严重" in text
    assert "食堂、食品、饮水及宿舍卫生情况。" in text
    assert f"请于{cn_date(notice.deadline)}前完成整改" in text
    assert "补齐食品留样记录\n指定专人每日登记" in text  # one paragraph per line of the requirements
    assert "甲县人民政府教育督导室" in text and cn_date(notice.issued_on) in text


def test_rectification_reply_lists_answers_with_evidence_hashes_and_rechecks(world):
    # given a notice answered with a photo and returned by the re-check
    _visit, notice, _escalation = criticised_notice(world)
    photo = notice.responses.get().attachments.get()
    # when the reply and re-check record is filed
    document = rectification_document_generate(actor=user(world, "inspector"), rectification_id=notice.pk,
                                               kind="rectification_reply", pdf=False)
    # then the school's measures, the file with its short SHA-256, and the re-check are in it
    text = text_of(document)
    assert "已补齐留样记录" in text and f"留样记录.png（SHA-256 {photo.sha256[:12]}）" in text
    assert "未整改" in text and "照片不清晰，请补充" in text
    assert "核查未通过，已退回学校继续整改" in text and notice.number in text


def test_bulletin_names_the_school_the_notice_and_the_failed_recheck(world):
    # given a returned notice the office criticised publicly
    _visit, notice, escalation = criticised_notice(world)
    # when the office files the bulletin
    document = escalation_document_generate(actor=user(world, "office_admin"), escalation_id=escalation.pk, pdf=False)
    # then it is numbered, names the school and the notice, and repeats the office's requirement
    text = text_of(document)
    assert re.fullmatch(r"甲教督〔\d{4}〕1号", document.number) and document.number in text
    assert f"关于{world.a.schools[0].name}未按期整改督导问题的通报" in text
    assert notice.number in text and "整改不到位" in text and "4月20日前报送整改报告" in text
    assert document.subject_type == "inspections.escalation"


def test_the_record_of_a_draft_is_refused(world):
    # given a draft visit
    inspector = user(world, "inspector")
    draft = record_visit(inspector, world.a.schools[0])
    # when its record is asked for, then 409; its notice is fine
    with pytest.raises(TransitionNotAllowed):
        visit_document_generate(actor=inspector, visit_id=draft.pk, kind="visit_record", pdf=False)
    assert visit_document_generate(actor=inspector, visit_id=draft.pk, kind="visit_notice", pdf=False).pk


# ---- pages ---------------------------------------------------------------------------------------

def test_visit_button_files_the_record_and_redirects_to_the_document(world, client):
    # given county A's inspector on a submitted visit
    visit = submitted_visit(world)
    client.force_login(user(world, "inspector"))
    page = client.get(f"/inspections/visits/{visit.pk}/")
    assert 'data-testid="generate-visit_record"' in page.content.decode()
    # when the record button is pressed
    response = client.post(f"/inspections/visits/{visit.pk}/documents/visit_record/")
    # then the document is filed (Word at once, the PDF by the worker) and the browser goes to its page
    document = Document.objects.get(kind="visit_record")
    assert response.status_code == 302
    assert response["Location"].startswith("/documents/") and str(document.pk) in response["Location"]
    run_pdf_jobs()
    document.refresh_from_db()
    assert document.pdf and document.pdf_sha256
    # and the visit page lists it with its downloads
    page = client.get(f"/inspections/visits/{visit.pk}/").content.decode()
    assert document.title in page and f"/documents/{document.pk}/download/docx/" in page


def test_another_county_gets_404_and_an_unknown_kind_404(world, client):
    # given a county-A visit and county B's office and inspector
    visit = submitted_visit(world)
    for role in ("office_admin", "inspector"):
        client.force_login(user(world, role, "b"))
        # when they press the button, then 404 and nothing is filed
        assert client.post(f"/inspections/visits/{visit.pk}/documents/visit_record/").status_code == 404
    client.force_login(user(world, "inspector"))
    assert client.post(f"/inspections/visits/{visit.pk}/documents/signboard/").status_code == 404
    assert not Document.objects.exists()


def test_school_liaison_generates_and_sees_their_own_notice(world, client):
    # given the notice of school 0, whose liaison signs in
    _visit, notice = visit_with_notice(world)
    liaison = user(world, "school_liaison")
    client.force_login(liaison)
    # when the liaison files the notice from its page
    response = client.post(f"/inspections/rectifications/{notice.pk}/documents/rectification_notice/")
    # then it is filed and the liaison can find it on the notice's page and in their archive
    assert response.status_code == 302 and response["Location"].startswith("/documents/")
    document = Document.objects.get(kind="rectification_notice")
    page = client.get(f"/inspections/rectifications/{notice.pk}/").content.decode()
    assert document.title in page and 'data-testid="filed-documents"' in page
    assert Document.objects.for_user(liaison).filter(pk=document.pk).exists()
    # and the principal of another school reaches neither the notice nor its document
    principal = user(world, "principal")
    client.force_login(principal)
    assert client.post(f"/inspections/rectifications/{notice.pk}/documents/rectification_notice/").status_code == 404
    assert not Document.objects.for_user(principal).filter(pk=document.pk).exists()


def test_bulletin_is_the_office_s_act(world, client):
    # given a notice criticised publicly, seen by the listed inspector and the office
    _visit, notice, escalation = criticised_notice(world)
    url = f"/inspections/escalations/{escalation.pk}/documents/bulletin/"
    # when the inspector presses the bulletin button, then 403 (no button on the page either)
    client.force_login(user(world, "inspector"))
    assert 'data-testid="generate-bulletin"' not in client.get(f"/inspections/rectifications/{notice.pk}/").content.decode()
    assert client.post(url).status_code == 403
    # and county B's office gets 404
    client.force_login(user(world, "office_admin", "b"))
    assert client.post(url).status_code == 404
    # while county A's office files it from the escalation shown on the notice page
    client.force_login(user(world, "office_admin"))
    assert 'data-testid="generate-bulletin"' in client.get(f"/inspections/rectifications/{notice.pk}/").content.decode()
    assert client.post(url).status_code == 302
    assert Document.objects.get(kind="bulletin").subject_id == escalation.pk


# ---- API -----------------------------------------------------------------------------------------

def test_api_twin_answers_id_addresses_and_hashes_in_scope_only(world):
    # given a submitted visit and its notice, and the school's liaison on the API
    visit, notice = visit_with_notice(world)
    api = APIClient()
    api.force_authenticate(user(world, "school_liaison"))
    # when the liaison asks for the visit record and the notice's reply record
    record = api.post(f"/api/v1/inspections/visits/{visit.pk}/documents/visit_record/")
    reply = api.post(f"/api/v1/inspections/rectifications/{notice.pk}/documents/rectification_reply/")
    # then each answers the filed document's id, addresses and SHA-256s
    assert record.status_code == 200, record.content
    assert reply.status_code == 200, reply.content
    document = Document.objects.get(pk=record.json()["id"])
    assert record.json()["docx_sha256"] == document.docx_sha256 and not record.json()["pdf_url"]
    # and once the worker has made the PDF, the document lists it
    run_pdf_jobs()
    listed = api.get(f"/api/v1/documents/documents/{document.pk}/").json()
    assert len(listed["pdf_sha256"]) == 64 and listed["pdf_url"].endswith(f"/documents/{document.pk}/download/pdf/")
    assert reply.json()["kind"] == "rectification_reply" and reply.json()["number"] == notice.number
    # and county B's inspector gets 404, an unknown kind 404, a bulletin without criticism 404
    other = APIClient()
    other.force_authenticate(user(world, "inspector", "b"))
    assert other.post(f"/api/v1/inspections/visits/{visit.pk}/documents/visit_record/").status_code == 404
    assert api.post(f"/api/v1/inspections/visits/{visit.pk}/documents/nothing/").status_code == 404
    assert api.post(f"/api/v1/inspections/rectifications/{notice.pk}/documents/bulletin/").status_code == 404
    assert FINDING in text_of(Document.objects.get(pk=reply.json()["id"]))
