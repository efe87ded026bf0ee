"""The school's public page and the follow-up page: content, the form (honeypot, uploads, rate
limit) and the tracking code (a wrong one reveals nothing)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from dudao.complaints.models import Complaint, Publication
from dudao.complaints.services import complaint_answer, complaint_handle, display_code, publication_publish
from dudao.complaints.tests.helpers import PHONE, PHONE_MIDDLE, photo, png_bytes, register
from dudao.core.models import RateLimitCounter
from dudao.core.testing.html import text_by_testid
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.inspections.services.findings import finding_record
from dudao.inspections.services.rectifications import rectification_issue
from dudao.inspectors import duties
from dudao.inspectors.signboards import public_token

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def page_url(school):
    return f"/p/{school.pk}-{public_token(school.pk)}/"


def form(**extra):
    return {"kind": "complaint", "text": "校门口交通拥堵，存在安全隐患。", "name": "", "phone": "", "website": "", **extra}


def test_the_public_page_shows_the_board_facts_and_nothing_more(world, client):
    school = world.a.schools[0]
    response = client.get(page_url(school))
    assert response.status_code == 200
    html = response.content.decode()
    assert text_by_testid(html, "school-name") == school.name
    assert text_by_testid(html, "inspector-name") == world.a.inspectors[0].name
    assert text_by_testid(html, "inspector-phone") == world.a.inspectors[0].phone
    assert (text_by_testid(html, "inspector-email") or "") == world.a.inspectors[0].email
    assert text_by_testid(html, "office-hotline") == world.a.office.hotline
    assert duties.SCHOOL.items[5] in html
    assert world.a.inspectors[0].certificate_no not in html
    assert 'name="csrfmiddlewaretoken"' in html and "no-store" in response["Cache-Control"]


def test_a_forged_or_borrowed_token_is_not_found(world, client):
    school, other = world.a.schools[0], world.a.schools[1]
    token = public_token(school.pk)
    assert client.get(f"/p/{school.pk}-{token}/").status_code == 200
    assert client.get(f"/p/{other.pk}-{token}/").status_code == 404
    forged = ("A" if token[0] != "A" else "B") + token[1:]
    assert client.get(f"/p/{school.pk}-{forged}/").status_code == 404
    assert client.get(f"/p/{school.pk}-{token[:8]}/").status_code == 404
    assert client.post(f"/p/{other.pk}-{token}/", form()).status_code == 404


def test_published_reports_and_notices_show_without_personal_data(world, client):
    # given a notice at school 1 the office publishes with a summary
    inspector = fresh(world.a.users["inspector"])
    finding = finding_record(actor=inspector, school_id=world.a.schools[0].pk, description="家长王某反映13912340000")
    notice = rectification_issue(actor=fresh(world.a.users["inspector"]), finding_id=finding.pk, requirements="整改")
    publication_publish(actor=fresh(world.a.users["office_admin"]), rectification_id=notice.pk,
                        summary="校门口安全隐患整改")
    # then the page shows its number, status and deadline, and not the finding's text
    html = client.get(page_url(world.a.schools[0])).content.decode()
    assert notice.number in html and "校门口安全隐患整改" in html
    assert "13912340000" not in html and "王某" not in html
    # and another school's page does not show it
    assert notice.number not in client.get(page_url(world.a.schools[2])).content.decode()
    # and an inspector may not publish
    with pytest.raises(PermissionDenied):
        publication_publish(actor=fresh(world.a.users["inspector"]), rectification_id=notice.pk)
    assert Publication.objects.count() == 1


def test_an_anonymous_complaint_with_a_photo_gets_a_code_it_can_follow(world, client):
    # when someone sends the form with a photo, anonymously
    response = client.post(page_url(world.a.schools[0]), form(photos=[photo()]))
    # then the code is shown once and the complaint is registered with its photo
    assert response.status_code == 200
    code = text_by_testid(response.content.decode(), "tracking-code")
    complaint = Complaint.objects.latest("pk")
    assert complaint.is_anonymous and complaint.photos.count() == 1
    # and the follow-up page shows its status with the code typed in lower case
    status = client.post("/p/track/", {"code": code.lower()})
    assert status.status_code == 200
    assert text_by_testid(status.content.decode(), "complaint-status") == str(Complaint.Status.REGISTERED.label)


def test_the_sender_rates_the_answer_on_the_follow_up_page(world, client):
    complaint, code = register(world)
    complaint_handle(actor=fresh(world.a.users["inspector"]), complaint_id=complaint.pk)
    complaint_answer(actor=fresh(world.a.users["inspector"]), complaint_id=complaint.pk, answer="已约谈校长整改")
    html = client.post("/p/track/", {"code": display_code(code)}).content.decode()
    assert text_by_testid(html, "complaint-answer") == "已约谈校长整改"
    assert PHONE not in html and PHONE_MIDDLE not in html  # the sender's own phone is masked too
    response = client.post("/p/track/rate/", {"code": code, "rating": "basically", "comment": ""})
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.status == "closed" and complaint.rating == "basically"
    # a second rating is refused
    assert client.post("/p/track/rate/", {"code": code, "rating": "dissatisfied"}).status_code == 409


@pytest.mark.parametrize("code", ["", "X", "ABCD-EFGH-JKMN", "0000OOOO1111", "abcdefghjkmn", "A" * 300, "<script>"])
def test_a_wrong_or_malformed_code_answers_the_same_404(world, client, code):
    reference = client.post("/p/track/", {"code": "ZZZZZZZZZZZZ"})
    response = client.post("/p/track/", {"code": code})
    assert response.status_code == reference.status_code == 404
    strip = lambda r: r.content.decode().split('name="csrfmiddlewaretoken" value="')[0]  # noqa: E731
    assert strip(response) == strip(reference)
    assert client.post("/p/track/rate/", {"code": code, "rating": "satisfied"}).status_code == 404


def test_the_honeypot_looks_accepted_but_keeps_nothing(world, client):
    before = Complaint.objects.count()
    response = client.post(page_url(world.a.schools[0]), form(website="http://spam.example"))
    assert response.status_code == 200
    code = text_by_testid(response.content.decode(), "tracking-code")
    assert code and Complaint.objects.count() == before
    assert client.post("/p/track/", {"code": code}).status_code == 404


@pytest.mark.parametrize(("name", "data", "message"), [
    ("photo.jpg", b"MZ\x90\x00 this is a program, not a photo" * 10, "only JPEG, PNG or WebP"),
    ("photo.png", png_bytes()[:40], "cannot be read"),
    ("notes.pdf", b"%PDF-1.4\n%...\n", "only JPEG, PNG or WebP photos"),
])
def test_uploads_that_are_not_photos_are_refused(world, client, name, data, message):
    before = Complaint.objects.count()
    response = client.post(page_url(world.a.schools[0]), form(photos=[SimpleUploadedFile(name, data)]))
    assert response.status_code == 400
    assert text_by_testid(response.content.decode(), "field-error")
    assert Complaint.objects.count() == before


def test_an_oversized_photo_is_refused(world, client, settings):
    settings.DUDAO_COMPLAINT_PHOTO_MAX_BYTES = 1000
    before = Complaint.objects.count()
    big = png_bytes(size=(400, 400), color=(1, 2, 3)) + b"\0" * 2000
    response = client.post(page_url(world.a.schools[0]), form(photos=[SimpleUploadedFile("big.png", big)]))
    assert response.status_code == 400 and "1000" not in response.content.decode()
    assert text_by_testid(response.content.decode(), "field-error")
    assert Complaint.objects.count() == before


def test_the_form_is_rate_limited_per_client_and_the_service_stays_up(world, client, settings):
    settings.DUDAO_COMPLAINT_RATE_LIMIT = (2, 3600)
    RateLimitCounter.objects.all().delete()
    url = page_url(world.a.schools[2])
    before = Complaint.objects.count()
    codes = [client.post(url, form(), REMOTE_ADDR="198.51.100.20").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    last = client.post(url, form(), REMOTE_ADDR="198.51.100.20")
    assert last.status_code == 429 and int(last["Retry-After"]) > 0
    assert Complaint.objects.count() == before + 2
    # another client and the page itself still answer
    assert client.post(url, form(), REMOTE_ADDR="198.51.100.21").status_code == 200
    assert client.get(url, REMOTE_ADDR="198.51.100.20").status_code == 200


def test_the_follow_up_is_rate_limited(world, client, settings):
    settings.DUDAO_COMPLAINT_TRACK_LIMIT = (3, 3600)
    RateLimitCounter.objects.all().delete()
    answers = [client.post("/p/track/", {"code": "ZZZZZZZZZZZZ"}, REMOTE_ADDR="203.0.113.9").status_code
               for _ in range(4)]
    assert answers == [404, 404, 404, 429]


def test_csrf_is_kept_on_the_public_form(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(page_url(world.a.schools[0]), form()).status_code == 403
