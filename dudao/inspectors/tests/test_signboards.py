"""Signboards (挂牌公示牌): the board read back from the .docx, its QR code, the public page it
opens, scope and permissions, the API twin, and a county's boards in one job with its PDF."""

import io
import re
import zipfile

import pypdf
import pytest
import segno
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from docx import Document as DocxDocument
from PIL import Image as PILImage

from dudao.accounts.models import Role
from dudao.accounts.roles import ROLE_PERMISSIONS
from dudao.core.testing.factories import SchoolFactory, ZoneMembershipFactory
from dudao.core.testing.html import text_by_testid
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.documents.models import Document
from dudao.documents.render import docx_text
from dudao.inspectors import duties
from dudao.inspectors.documents import QR_BORDER, QR_ERROR, QR_SCALE, placeholder_photo_png
from dudao.inspectors.services import listing_assign
from dudao.inspectors.signboards import public_token, public_url, signboard_generate
from dudao.jobs.models import Job

pytestmark = pytest.mark.django_db
BASE = "https://dudao.example.cn"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


@pytest.fixture
def no_pdf(settings):
    # a converter that fails: the board is filed as .docx alone (PDFs are checked in the batch test)
    settings.DUDAO_SOFFICE = "/bin/false"


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def kindergarten(world, inspector=0, zone=0):
    """A kindergarten of county A listed to one of its inspectors (through the real service)."""
    school = SchoolFactory(code="A-K1", name="甲县第一幼儿园", kind="kindergarten", region=world.a.township)
    ZoneMembershipFactory(zone=world.a.zones[zone], school=school)
    listing_assign(actor=fresh(world.a.users["office_admin"]), school_id=school.pk,
                   inspector_id=world.a.inspectors[inspector].pk)
    return school


def docx_of(document) -> bytes:
    with document.docx.open("rb") as handle:
        return handle.read()


def pictures(data: bytes) -> list[bytes]:
    """The pictures of a .docx in document order (photo, then QR code on each board)."""
    doc = DocxDocument(io.BytesIO(data))
    blobs = []
    for shape in doc.inline_shapes:
        rid = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        blobs.append(doc.part.related_parts[rid].blob)
    return blobs


def qr_modules(png: bytes) -> list[list[int]]:
    """Reads a QR code picture back into its module matrix (1 = dark), sampling module centres."""
    picture = PILImage.open(io.BytesIO(png)).convert("L")
    size = picture.width // QR_SCALE - 2 * QR_BORDER
    half = QR_SCALE // 2
    return [[1 if picture.getpixel(((QR_BORDER + x) * QR_SCALE + half, (QR_BORDER + y) * QR_SCALE + half)) < 128
             else 0 for x in range(size)] for y in range(size)]


# ---- the board -----------------------------------------------------------------------------------

def test_a_school_board_shows_the_inspector_the_office_and_the_five_duties_and_eight_items(world):
    # given school 1 of county A, listed to inspector 1, in an office with a hotline and e-mail
    school, inspector, office = world.a.schools[0], world.a.inspectors[0], world.a.office
    office.email = "dudao@jiaxian.gov.cn"
    office.save(update_fields=["email"])
    inspector.email = "duxue1@jiaxian.gov.cn"
    inspector.save(update_fields=["email"])

    # when its signboard is generated
    document = signboard_generate(actor=fresh(world.a.users["office_admin"]), school_id=school.pk,
                                  base_url=BASE, pdf=False)

    # then the .docx names the school, the inspector and how to reach them and the office
    text = docx_text(docx_of(document))
    for value in ("责任督学挂牌督导公示牌", school.name, inspector.name, inspector.phone, inspector.email,
                  inspector.certificate_no, office.hotline, office.email, office.name):
        assert value in text, value
    # and the school lists (STANDARDS §1.3, §1.4), not the kindergarten ones
    for duty in duties.SCHOOL.duties + duties.SCHOOL.items:
        assert duty in text
    assert "（五）向教育督导部门报告情况，并向政府有关部门提出意见。" in text
    assert "（八）校风、教风、学风建设情况。" in text
    assert duties.KINDERGARTEN.items[0] not in text and "幼儿园" not in text
    # filed about the school and its inspector
    assert (document.kind, document.school, document.inspector, document.office) == (
        "signboard", school, inspector, office)
    assert document.title == f"{school.name}责任督学挂牌督导公示牌"


def test_a_kindergarten_board_shows_the_kindergarten_duties_and_items(world):
    # given a kindergarten listed to inspector 2
    school = kindergarten(world, inspector=1)

    # when
    document = signboard_generate(actor=fresh(world.a.users["office_admin"]), school_id=school.pk,
                                  base_url=BASE, pdf=False)

    # then the 2019 办法's duties and the six items (STANDARDS §2.1, §2.2), not the school lists
    text = docx_text(docx_of(document))
    assert school.name in text and world.a.inspectors[1].name in text
    for duty in duties.KINDERGARTEN.duties + duties.KINDERGARTEN.items:
        assert duty in text
    assert "安全管理情况、规范办园情况、师德师风建设情况" in text
    assert duties.SCHOOL.items[1] not in text and duties.SCHOOL.duties[0] not in text


def test_the_qr_code_encodes_the_public_page_which_answers_without_login(world, client):
    # given a generated board
    school = world.a.schools[0]
    document = signboard_generate(actor=fresh(world.a.users["office_admin"]), school_id=school.pk,
                                  base_url=BASE, pdf=False)
    photo, qr = pictures(docx_of(document))

    # when the QR code's picture is read back into modules
    modules = qr_modules(qr)

    # then they are exactly the QR code of the school's public address
    url = public_url(school.pk, BASE)
    assert re.fullmatch(rf"{BASE}/p/{school.pk}-[A-Za-z0-9_-]{{16}}/", url)
    assert modules == [list(row) for row in segno.make(url, error=QR_ERROR, micro=False).matrix]
    assert modules != [list(row) for row in segno.make(public_url(world.a.schools[2].pk, BASE),
                                                       error=QR_ERROR, micro=False).matrix]
    # and an inspector without a photo gets the neutral placeholder
    assert photo == placeholder_photo_png()
    # and the address answers, signed out, with the board's public facts
    response = client.get(url.removeprefix(BASE))
    assert response.status_code == 200
    html = response.content.decode()
    assert text_by_testid(html, "school-name") == school.name
    assert text_by_testid(html, "inspector-name") == world.a.inspectors[0].name
    assert text_by_testid(html, "inspector-phone") == world.a.inspectors[0].phone
    assert text_by_testid(html, "office-hotline") == world.a.office.hotline
    assert duties.SCHOOL.items[5] in html
    assert world.a.inspectors[0].certificate_no not in html  # nothing beyond the board's public facts


def test_a_forged_or_borrowed_token_is_not_found(world, client):
    # given the real token of school 1
    school, other = world.a.schools[0], world.a.schools[1]
    token = public_token(school.pk)
    assert client.get(f"/p/{school.pk}-{token}/").status_code == 200
    # then another school's id with it, a changed token or a guessed one answer 404
    assert client.get(f"/p/{other.pk}-{token}/").status_code == 404
    forged = ("A" if token[0] != "A" else "B") + token[1:]
    assert client.get(f"/p/{school.pk}-{forged}/").status_code == 404
    assert client.get(f"/p/{school.pk}-{token[:8]}/").status_code == 404


def test_the_inspectors_own_photo_is_on_the_board(world):
    # given inspector 1 with an uploaded photo (a red portrait)
    inspector = world.a.inspectors[0]
    out = io.BytesIO()
    PILImage.new("RGB", (240, 320), (200, 20, 20)).save(out, format="PNG")
    inspector.photo.save("zhang.png", ContentFile(out.getvalue()))

    # when
    document = signboard_generate(actor=fresh(world.a.users["office_admin"]), school_id=world.a.schools[2].pk,
                                  base_url=BASE, pdf=False)

    # then the board's photo is that picture, not the placeholder
    photo = PILImage.open(io.BytesIO(pictures(docx_of(document))[0])).convert("RGB")
    red, green, blue = photo.getpixel((photo.width // 2, photo.height // 2))
    assert red > 150 and green < 80 and blue < 80
    assert photo.width * 4 == photo.height * 3


# ---- the buttons and the API ---------------------------------------------------------------------

def test_the_signboard_button_files_the_document_and_opens_it(world, client, no_pdf):
    # given the school's page offers the button to the inspector listed there
    school = world.a.schools[0]
    client.force_login(world.a.users["inspector"])
    page = client.get(reverse("organizations:school_detail", args=[school.pk])).content.decode()
    assert reverse("inspectors:school_signboard", args=[school.pk]) in page
    detail = client.get(reverse("inspectors:inspector_detail", args=[world.a.inspectors[0].pk])).content.decode()
    assert f'data-testid="signboard-{school.pk}"' in detail

    # when they press it
    response = client.post(reverse("inspectors:school_signboard", args=[school.pk]))

    # then the board is filed (Word only: no converter here) and its page opens
    document = Document.objects.get(kind="signboard", school=school)
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert document.docx_sha256 and not document.pdf
    assert "http://testserver/p/" in document.data["boards"][0]["url"]  # this site's own address


def test_the_public_base_url_setting_wins(world, client, no_pdf, settings):
    settings.DUDAO_PUBLIC_BASE_URL = "https://gongshi.jiaxian.gov.cn/"
    client.force_login(world.a.users["office_admin"])
    client.post(reverse("inspectors:school_signboard", args=[world.a.schools[1].pk]))
    url = Document.objects.get(kind="signboard", school=world.a.schools[1]).data["boards"][0]["url"]
    assert url.startswith(f"https://gongshi.jiaxian.gov.cn/p/{world.a.schools[1].pk}-")


def test_a_school_out_of_scope_is_not_found_and_a_role_without_documents_is_refused(world, client, no_pdf,
                                                                                   monkeypatch):
    # a school of county B: 404 for county A's office, in the UI and the API
    client.force_login(world.a.users["office_admin"])
    assert client.post(reverse("inspectors:school_signboard", args=[world.b.schools[0].pk])).status_code == 404
    api = reverse("api:inspectors-school-signboard", args=[world.b.schools[0].pk])
    assert client.post(api).status_code == 404
    # an inspector sees only the schools listed to them
    client.force_login(world.a.users["inspector"])
    assert client.post(reverse("inspectors:school_signboard", args=[world.a.schools[1].pk])).status_code == 404
    # a liaison whose role may not have documents made: 403 for their own school
    without = ROLE_PERMISSIONS[Role.SCHOOL_LIAISON] - {"documents.add_document"}
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.SCHOOL_LIAISON, without)
    client.force_login(world.a.users["school_liaison"])
    assert client.post(reverse("inspectors:school_signboard", args=[world.a.schools[0].pk])).status_code == 403
    assert client.post(reverse("api:inspectors-school-signboard", args=[world.a.schools[0].pk])).status_code == 403
    assert not Document.objects.filter(kind="signboard").exists()


def test_a_school_without_a_listed_inspector_has_no_board(world, client, no_pdf):
    client.force_login(world.a.users["office_admin"])
    unlisted = world.a.schools[3]
    response = client.post(reverse("inspectors:school_signboard", args=[unlisted.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("organizations:school_detail", args=[unlisted.pk])
    with translation.override("zh-hans"):
        message = translation.gettext("No inspector is listed at this school.")
    assert f'<div class="alert alert-danger" role="alert">{message}</div>' in response.content.decode()
    assert client.post(reverse("api:inspectors-school-signboard", args=[unlisted.pk])).status_code == 400
    assert not Document.objects.filter(kind="signboard").exists()


def test_api_twin_answers_the_document_with_its_downloads_and_sha256(world, client, no_pdf):
    # given
    school = world.a.schools[2]
    client.force_login(world.a.users["office_staff"])
    # when
    response = client.post(reverse("api:inspectors-school-signboard", args=[school.pk]))
    # then
    assert response.status_code == 201
    body = response.json()
    document = Document.objects.get(pk=body["id"])
    assert document.school == school and body["docx_sha256"] == document.docx_sha256
    assert body["url"] == document.get_absolute_url()
    assert body["docx_url"] == reverse("documents:download", args=[document.pk, "docx"])
    assert client.get(body["docx_url"]).status_code == 200


# ---- a county's boards in one job ----------------------------------------------------------------

def test_signboards_of_the_filtered_list_make_one_document_one_board_per_page(
        world, client, immediate_tasks, django_capture_on_commit_callbacks):
    # given zone 1 of county A: schools 1 and 3 (inspector 1), a kindergarten (inspector 2) and an
    # unlisted school; zone 2 and county B have listed schools too
    kg = kindergarten(world, inspector=1, zone=0)
    unlisted = SchoolFactory(code="A-U1", name="甲县无督学小学", region=world.a.township)
    ZoneMembershipFactory(zone=world.a.zones[0], school=unlisted)
    client.force_login(world.a.users["office_admin"])
    listing_page = client.get(reverse("organizations:school_list"), {"zone": world.a.zones[0].pk}).content.decode()
    assert 'data-testid="signboards"' in listing_page

    # when the list filtered to zone 1 asks for its signboards
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("inspectors:school_signboards") + f"?zone={world.a.zones[0].pk}")

    # then one job made one office-level document with the three listed schools' boards
    job = Job.objects.get(kind="inspectors.signboards")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.progress == job.total == 4
    document = Document.objects.get(pk=job.params["document"])
    assert document.title == "甲县责任督学挂牌公示牌（3所）"
    assert document.school is None and document.office == world.a.office
    text = docx_text(docx_of(document))
    for name in (world.a.schools[0].name, world.a.schools[2].name, kg.name):
        assert name in text
    assert unlisted.name not in text and world.a.schools[1].name not in text and world.b.schools[0].name not in text
    assert text.count("责任督学挂牌督导公示牌") == 3
    assert duties.KINDERGARTEN.duties[0] in text and duties.SCHOOL.duties[0] in text

    # and the PDF has one A4 page per board, with the Chinese text and the fonts embedded
    with document.pdf.open("rb") as handle:
        pdf = pypdf.PdfReader(io.BytesIO(handle.read()))
    assert len(pdf.pages) == 3
    for page in pdf.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1
    page_texts = [re.sub(r"\s+", "", page.extract_text()) for page in pdf.pages]
    assert all("责任督学挂牌督导公示牌" in t for t in page_texts)
    assert [world.a.schools[0].name in t or world.a.schools[2].name in t or kg.name in t for t in page_texts] == [True] * 3
    embedded = set()
    for page in pdf.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            for face in [font, *(d.get_object() for d in font.get("/DescendantFonts", []))]:
                descriptor = face.get("/FontDescriptor")
                if descriptor is not None and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2",
                                                                                       "/FontFile3")):
                    embedded.add(str(face["/BaseFont"]))
    assert any("CJK" in name or "Noto" in name for name in embedded), embedded

    # and the job's result holds both files
    with job.result_file.open("rb") as handle:
        names = zipfile.ZipFile(io.BytesIO(handle.read())).namelist()
    assert sorted(names) == [f"{document.title}.docx", f"{document.title}.pdf"]


def test_the_batch_is_for_office_users(world, client):
    # an inspector may make their own schools' boards, not a county's batch
    client.force_login(world.a.users["inspector"])
    assert client.post(reverse("inspectors:school_signboards")).status_code == 403
    assert client.post(reverse("api:inspectors-school-signboards")).status_code == 403
    list_page = client.get(reverse("organizations:school_list")).content.decode()
    assert 'data-testid="signboards"' not in list_page
    assert not Job.objects.filter(kind="inspectors.signboards").exists()


def test_the_batch_api_starts_the_job(world, client):
    client.force_login(world.a.users["office_admin"])
    response = client.post(reverse("api:inspectors-school-signboards") + "?kind=primary")
    assert response.status_code == 202
    job = Job.objects.get(uuid=response.json()["job"])
    assert job.params["query"] == "kind=primary" and job.params["base_url"] == "http://testserver"
