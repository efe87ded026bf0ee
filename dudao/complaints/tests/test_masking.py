"""The sender's phone and name reach only the handling inspector and the owning office: every page,
export, API answer, audit view, notification and report section every other user can reach is
walked and must not hold the phone's digits (STANDARDS §1.3(三); issue 7)."""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse

from dudao.audit.models import AuditEvent
from dudao.complaints import selectors, services
from dudao.complaints.tests.helpers import NAME, PHONE, PHONE_MIDDLE, photo, register
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.core.testing.xlsx import sheet_text

pytestmark = pytest.mark.django_db

MAY_SEE = ("a_inspector", "a_office_admin", "a_office_staff")
MAY_NOT_SEE = ("a_zone_leader", "a_liaison", "a_principal", "city_office_admin", "sysadmin", "b_office_admin",
               "b_inspector")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def user_named(world, username):
    from django.contrib.auth import get_user_model

    return fresh(get_user_model().objects.get(username=username))


@pytest.fixture
def complaint(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint, code = register(world, photos=[photo()])
        inspector = fresh(world.a.users["inspector"])
        services.complaint_verify(actor=inspector, complaint_id=complaint.pk, note="已核实")
        services.complaint_handle(actor=fresh(world.a.users["inspector"]), complaint_id=complaint.pk)
        services.complaint_answer(actor=fresh(world.a.users["inspector"]), complaint_id=complaint.pk,
                                  answer="已处理，感谢反映。")
    complaint.code = code
    return complaint


def surfaces(client, complaint):
    """Every answer a signed-in user can get about the complaint (status, text)."""
    out = {}

    def get(label, url, **kw):
        response = client.get(url, **kw)
        body = response.content
        if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
            text = sheet_text(body)
        else:
            text = body.decode(errors="replace")
        out[label] = (response.status_code, text)

    get("list", reverse("complaints:complaint_list"))
    get("list_filtered", reverse("complaints:complaint_list") + "?state=answered&q=食堂")
    get("export", reverse("complaints:complaint_list") + "?export=xlsx")
    get("detail", reverse("complaints:complaint_detail", args=[complaint.pk]))
    get("api_list", reverse("api:complaints-complaint-list"))
    get("api_detail", reverse("api:complaints-complaint-detail", args=[complaint.pk]))
    get("api_summary", reverse("api:complaints-complaint-summary"))
    get("audit_list", reverse("audit:event_list"))
    get("audit_export", reverse("audit:event_list") + "?export=xlsx")
    for event in AuditEvent.objects.filter(target_id=str(complaint.pk), target_ct__model="complaint"):
        get(f"audit_{event.pk}", reverse("audit:event_detail", args=[event.pk]))
    get("audit_api", reverse("api:audit-auditevent-list") + "?page_size=500")
    get("inbox", reverse("notifications:inbox"))
    get("dashboard", reverse("reports:dashboard"))
    out["follow_up"] = (200, client.post("/p/track/", {"code": complaint.code}).content.decode())
    return out


def report_rows(user, complaint):
    subject = SimpleNamespace(schools={complaint.school_id: complaint.school},
                              in_care_during=lambda school_id, a, b: True)
    today = datetime.date.today()
    return str(selectors.complaint_report_rows(user=user, subject=subject, start=today - datetime.timedelta(days=40),
                                               end=today + datetime.timedelta(days=1)))


@pytest.mark.parametrize("username", MAY_NOT_SEE)
def test_the_phone_never_reaches_a_user_who_may_not_see_it(world, client, complaint, username):
    # given a user who is neither the handling inspector nor the owning office
    user = user_named(world, username)
    client.force_login(user)
    # when every surface is walked
    answers = surfaces(client, complaint)
    # then the phone's digits and the name appear in none of them
    for label, (status, text) in answers.items():
        assert PHONE not in text and PHONE_MIDDLE not in text, f"{username} reads the phone on {label} ({status})"
        assert NAME not in text, f"{username} reads the name on {label} ({status})"
    assert PHONE not in report_rows(user, complaint)
    # and the users who see the complaint at all read it masked
    if answers["detail"][0] == 200:
        assert "137****4433" in answers["detail"][1]
        assert answers["api_detail"][0] == 200


@pytest.mark.parametrize("username", MAY_SEE)
def test_the_handler_and_the_office_see_it_on_the_detail_page_and_the_api_only(world, client, complaint, username):
    # given the handling inspector or the owning office
    client.force_login(user_named(world, username))
    answers = surfaces(client, complaint)
    # then the detail page and the API answer hold the phone (the walk can see it where it is)
    assert PHONE in answers["detail"][1] and NAME in answers["detail"][1]
    assert PHONE in answers["api_detail"][1]
    # and lists, exports, audit views, the inbox and the follow-up page still mask it
    for label, (status, text) in answers.items():
        if label in ("detail", "api_detail", "api_list"):
            continue
        assert PHONE not in text and PHONE_MIDDLE not in text, f"{username} reads the phone on {label} ({status})"
    assert PHONE not in report_rows(user_named(world, username), complaint)


def test_audit_records_hold_no_unmasked_value(world, complaint):
    for event in AuditEvent.objects.all():
        assert PHONE not in str(event.changes) + event.reason + event.target_repr
        assert NAME not in str(event.changes) + event.reason + event.target_repr
