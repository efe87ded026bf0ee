"""Pages of the rectification loop: the notice page offers each role its own action, forms report
errors without moving the notice, lists filter and export, the office edits its deadlines, and lists
(with their API twins) run a constant number of queries."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from dudao.audit.models import AuditEvent
from dudao.core.testing.html import text_by_testid
from dudao.core.testing.queries import assert_constant_queries
from dudao.core.testing.world import fresh
from dudao.core.testing.xlsx import sheet_text
from dudao.inspections.models import DeadlinePolicy, Escalation, Rectification
from dudao.inspections.services.rectifications import rectification_close, rectification_escalate, rectification_return
from dudao.inspections.tests.rectification_fixtures import (
    answer,
    days_ago,
    issue_notice,
    notice_in,
    other_zone_inspector,
    overdue_notice,
    png_file,
    record_finding,
    user,
)

pytestmark = pytest.mark.django_db


def detail(notice):
    return reverse("inspections:rectification_detail", args=[notice.pk])


# ---- the notice page -----------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "make", "shown", "hidden"), [
    ("school_liaison", lambda w: notice_in(w, "issued"), "action-submit", ("action-recheck", "action-escalate")),
    ("inspector", lambda w: notice_in(w, "submitted"), "action-recheck", ("action-submit", "action-escalate")),
    ("office_staff", overdue_notice, "action-escalate", ("action-submit", "action-recheck")),
    ("office_staff", lambda w: notice_in(w, "issued"), None, ("action-submit", "action-recheck", "action-escalate")),
    ("inspector", lambda w: notice_in(w, "issued"), None, ("action-submit", "action-recheck", "action-escalate")),
])
def test_notice_page_offers_each_role_its_action(world, client, role, make, shown, hidden):
    notice = make(world)
    client.force_login(user(world, role))
    html = client.get(detail(notice)).content.decode()
    if shown:
        assert text_by_testid(html, shown) is not None
    for testid in hidden:
        assert text_by_testid(html, testid) is None, testid


def test_overdue_badge_is_derived_on_list_and_page(world, client):
    late = overdue_notice(world)
    on_time = notice_in(world, "issued")
    client.force_login(user(world, "office_admin"))

    assert text_by_testid(client.get(detail(late)).content.decode(), "overdue-badge") is not None
    assert text_by_testid(client.get(detail(on_time)).content.decode(), "overdue-badge") is None
    html = client.get(reverse("inspections:rectification_list") + "?overdue=yes").content.decode()
    assert str(late) in html and str(on_time) not in html


def test_notice_page_shows_the_whole_history_in_order(world, client):
    # given a notice answered, returned, answered again with a file and closed
    notice = notice_in(world, "issued")
    inspector = user(world, "inspector")
    answer(world, notice, measures="第一次整改")
    rectification_return(actor=inspector, rectification_id=notice.pk, remarks="缺少照片")
    answer(world, notice, measures="第二次整改", files=[png_file("补充照片.png")])
    rectification_close(actor=inspector, rectification_id=notice.pk, remarks="合格")
    client.force_login(user(world, "school_liaison"))

    html = client.get(detail(notice)).content.decode()

    history = text_by_testid(html, "history")
    order = [history.index(text) for text in (str(notice), "第一次整改", "缺少照片", "第二次整改", "补充照片.png", "合格")]
    assert order == sorted(order)
    assert html.count('data-testid="history-entry"') == 5


def test_return_without_reasons_shows_the_error_and_keeps_the_notice(world, client):
    notice = notice_in(world, "submitted")
    client.force_login(user(world, "inspector"))

    response = client.post(reverse("inspections:rectification_transition", args=[notice.pk, "return"]),
                           {"result": "partial", "remarks": ""})

    assert response.status_code == 400
    assert response.context["actions"]["return"].errors["remarks"]
    notice.refresh_from_db()
    assert notice.status == "submitted"


def test_unknown_transition_is_not_found_and_get_is_refused(world, client):
    notice = notice_in(world, "issued")
    client.force_login(user(world, "school_liaison"))
    assert client.post(reverse("inspections:rectification_transition", args=[notice.pk, "approve"])).status_code == 404
    assert client.get(reverse("inspections:rectification_transition", args=[notice.pk, "submit"])).status_code == 405


@pytest.mark.parametrize(("role", "make", "status"), [
    ("office_admin", overdue_notice, 302),
    ("office_admin", lambda w: notice_in(w, "returned"), 302),
    ("office_admin", lambda w: notice_in(w, "issued"), 409),
    ("inspector", overdue_notice, 403),
    ("office_admin_b", overdue_notice, 404),
])
def test_escalate_page(world, client, role, make, status):
    notice = make(world)
    actor = user(world, "office_admin", "b") if role == "office_admin_b" else user(world, role)
    client.force_login(actor)

    response = client.post(reverse("inspections:rectification_escalate", args=[notice.pk]),
                           {"kind": "interview", "note": "约谈校长"})

    assert response.status_code == status
    assert Escalation.objects.filter(rectification=notice).count() == (1 if status == 302 else 0)


def test_city_office_watches_a_county_notice_but_cannot_escalate_it(world, client):
    # given an overdue notice of county A, which the city office above it sees
    notice = overdue_notice(world)
    city = fresh(world.city_user)
    before = Rectification.objects.filter(pk=notice.pk).values().get()
    events = AuditEvent.objects.count()
    client.force_login(city)
    assert client.get(detail(notice)).status_code == 200

    # when the city office records an interview (约谈) or a public criticism (通报) on it through the
    # service, the page and the API
    with pytest.raises(PermissionDenied):
        rectification_escalate(actor=city, rectification_id=notice.pk, kind="interview", note="约谈校长")
    page = client.post(reverse("inspections:rectification_escalate", args=[notice.pk]),
                       {"kind": "criticism", "note": "全市通报"})
    api = client.post(reverse("api:inspections-rectification-escalate", args=[notice.pk]),
                      {"kind": "criticism", "note": "全市通报"}, content_type="application/json")

    # then each is refused, nothing is recorded, and the notice page offers it no escalation
    assert (page.status_code, api.status_code) == (403, 403)
    assert not Escalation.objects.filter(rectification=notice).exists()
    assert Rectification.objects.filter(pk=notice.pk).values().get() == before
    assert AuditEvent.objects.count() == events
    assert text_by_testid(client.get(detail(notice)).content.decode(), "action-escalate") is None
    # while the county's own office escalates it
    client.force_login(user(world, "office_staff"))
    assert text_by_testid(client.get(detail(notice)).content.decode(), "action-escalate") is not None
    assert rectification_escalate(actor=user(world, "office_staff"), rectification_id=notice.pk,
                                  kind="interview").kind == "interview"


# ---- issuing from a finding ---------------------------------------------------------------------

def test_issue_page_shows_the_default_deadline_and_issues(world, client):
    DeadlinePolicy.objects.create(office=world.a.office, severity="serious", days=12)
    finding = record_finding(world, severity="serious")
    client.force_login(user(world, "inspector"))
    url = reverse("inspections:rectification_issue", args=[finding.pk])

    page = client.get(url)
    assert page.context["form"].fields["deadline"].initial == timezone.localdate() + datetime.timedelta(days=12)

    response = client.post(url, {"requirements": "两周内整改", "issued_on": timezone.localdate().isoformat()})
    notice = Rectification.objects.get(finding=finding)
    assert response.status_code == 302 and response["Location"] == notice.get_absolute_url()
    assert notice.deadline == timezone.localdate() + datetime.timedelta(days=12)

    # the finding page no longer offers a second notice, and a second POST is a conflict
    finding_page = client.get(finding.get_absolute_url()).content.decode()
    assert text_by_testid(finding_page, "issue-notice") is None
    assert client.post(url, {"requirements": "再发", "issued_on": timezone.localdate().isoformat()}).status_code == 409


def test_liaison_cannot_open_the_issue_page(world, client):
    finding = record_finding(world)
    client.force_login(user(world, "school_liaison"))
    assert client.get(reverse("inspections:rectification_issue", args=[finding.pk])).status_code == 403


# ---- lists -----------------------------------------------------------------------------------------

def test_list_filters(world, client):
    # given notices of every kind in county A
    urgent = notice_in(world, "issued")
    urgent.finding.severity = "urgent"
    urgent.finding.save(update_fields=["severity"])
    late = overdue_notice(world)
    submitted = notice_in(world, "submitted")
    other_zone = other_zone_inspector(world)
    from dudao.inspections.services.findings import finding_record
    from dudao.inspections.services.rectifications import rectification_issue

    school1 = rectification_issue(actor=other_zone, finding_id=finding_record(
        actor=other_zone, school_id=world.a.schools[1].pk, description="x").pk, requirements="y",
        deadline=timezone.localdate() + datetime.timedelta(days=40))
    client.force_login(user(world, "office_admin"))
    url = reverse("inspections:rectification_list")

    def shown(query):
        rows = client.get(url + "?" + query).context["page_obj"].object_list
        return {r.pk for r in rows}

    every = {urgent.pk, late.pk, submitted.pk, school1.pk}
    assert shown("") == every
    assert shown("status=submitted") == {submitted.pk}
    assert shown("overdue=yes") == {late.pk}
    assert shown("overdue=no") == every - {late.pk}
    assert shown("severity=urgent") == {urgent.pk}
    assert shown(f"zone={world.a.zones[1].pk}") == {school1.pk}
    assert shown(f"school={world.a.schools[1].pk}") == {school1.pk}
    assert shown(f"inspector={world.a.inspectors[1].pk}") == {school1.pk}
    assert shown(f"inspector={world.a.inspectors[0].pk}") == every - {school1.pk}
    future = (timezone.localdate() + datetime.timedelta(days=35)).isoformat()
    assert shown(f"deadline_after={future}") == {school1.pk}
    assert shown(f"deadline_before={timezone.localdate().isoformat()}") == {late.pk}


def test_export_holds_the_filtered_notices(world, client):
    late, on_time = overdue_notice(world), notice_in(world, "issued")
    client.force_login(user(world, "office_admin"))
    data = client.get(reverse("inspections:rectification_list") + "?overdue=yes&export=xlsx").content
    text = sheet_text(data)
    assert str(late) in text and str(on_time) not in text


def test_overdue_list_for_office_and_zone_leader(world, client):
    late, on_time = overdue_notice(world), notice_in(world, "issued")
    for role in ("office_admin", "zone_leader"):
        client.force_login(user(world, role))
        html = client.get(reverse("inspections:overdue_list")).content.decode()
        assert str(late) in html and str(on_time) not in html, role


def test_menu_shows_rectifications_to_all_and_overdue_to_the_office(world, client):
    client.force_login(user(world, "office_staff"))
    html = client.get(reverse("inspections:rectification_list")).content.decode()
    assert reverse("inspections:overdue_list") in html
    client.force_login(user(world, "school_liaison"))
    items = client.get(reverse("inspections:rectification_list")).context["nav_items"]
    nav = [entry["url"] for item in items for entry in item.get("children", [item])]
    assert reverse("inspections:rectification_list") in nav and reverse("inspections:overdue_list") not in nav


# ---- deadline settings -------------------------------------------------------------------------------

def test_office_admin_sets_deadlines_on_the_settings_page(world, client):
    client.force_login(user(world, "office_admin"))
    url = reverse("inspections:deadline_policy")
    assert client.get(url).status_code == 200

    response = client.post(url, {"office": world.a.office.pk, "minor": 20, "general": 30, "serious": 7, "urgent": 1})

    assert response.status_code == 302
    assert dict(DeadlinePolicy.objects.filter(office=world.a.office).values_list("severity", "days")) == {
        "minor": 20, "serious": 7, "urgent": 1}  # general is unchanged from the default


def test_office_staff_reads_deadlines_but_cannot_change_them(world, client):
    client.force_login(user(world, "office_staff"))
    url = reverse("inspections:deadline_policy")
    html = client.get(url).content.decode()
    assert text_by_testid(html, "deadline-table") is not None and text_by_testid(html, "deadline-form") is None
    assert client.post(url, {"office": world.a.office.pk, "minor": 5}).status_code == 403
    assert client.get(url + f"?office={world.b.office.pk}").status_code == 404


# ---- API -------------------------------------------------------------------------------------------


# ---- selectors for dashboards and the timeline ------------------------------------------------------


# ---- constant queries --------------------------------------------------------------------------------

def grow_notices(world):
    def grow(k):
        for i in range(k):
            notice = issue_notice(world, deadline=days_ago(1) if i % 2 else None, issued_on=days_ago(3))
            if i % 3 == 0:
                answer(world, notice, files=[png_file()])
            else:
                Escalation.objects.create(rectification=notice, kind="interview", date=days_ago(0),
                                          recorded_by=user(world, "office_admin"))
    return grow


@pytest.mark.parametrize("url_name", [
    "inspections:rectification_list", "inspections:overdue_list", "inspections:finding_list",
    "api:inspections-rectification-list", "api:inspections-finding-list",
])
def test_lists_run_constant_queries(world, client, url_name):
    client.force_login(user(world, "office_admin"))
    url = reverse(url_name) + ("?page_size=100" if url_name.startswith("api:") else "")

    def fetch():
        assert client.get(url).status_code == 200

    count = assert_constant_queries(fetch, grow_notices(world), n=2, m=22)
    assert count <= (15 if url_name.startswith("api:") else 30)
