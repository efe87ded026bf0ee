"""What changed, in words: the dashboard's recent changes, the audit log and a complaint's history
name the action, the person and the fields with their values, never a dotted code, a login or a
JSON diff, in Chinese and in English."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from dudao.audit.models import AuditEvent
from dudao.audit.services import model_save
from dudao.complaints.services import complaint_register
from dudao.core.testing.html import text_by_testid
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.inspections.services.findings import finding_record
from dudao.organizations.models import School

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 12, 5, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
DOTTED = re.compile(r"\b[a-z]+\.[a-z_]+\.[a-z_]+\b")
INSPECTOR_NAME = "李明远"
ADMIN_NAME = "王建国"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


@pytest.fixture
def changes(world):
    """A finding recorded by an inspector and a school's details changed by the office."""
    inspector, admin = world.a.users["inspector"], world.a.users["office_admin"]
    inspector.full_name, admin.full_name = INSPECTOR_NAME, ADMIN_NAME
    inspector.save(update_fields=["full_name"])
    admin.save(update_fields=["full_name"])
    with time_machine.travel(TODAY, tick=False):
        finding_record(actor=fresh(inspector), school_id=world.a.schools[0].pk, description="食堂留样记录缺漏",
                       severity="serious", found_on=datetime.date(2026, 11, 20))
        school = School.objects.get(pk=world.a.schools[0].pk)
        school.ownership = School.Ownership.PRIVATE
        school.region = world.a.region if school.region_id == world.a.township.pk else world.a.township
        model_save(actor=fresh(admin), instance=school)
    return world


def _office_client(client, world, language):
    admin = fresh(world.a.users["office_admin"])
    admin.language = language
    admin.save(update_fields=["language"])
    client.force_login(admin)
    return client


def _no_codes(text: str) -> None:
    assert not DOTTED.search(text), DOTTED.search(text).group(0)
    assert '{"' not in text and "a_inspector" not in text and "a_office_admin" not in text


EXPECTED = {
    "zh-hans": {"finding": "记录问题", "school": "修改学校信息", "severity": "严重", "date": "2026年11月20日",
                "ownership": "民办"},
    "en": {"finding": "Recorded a finding", "school": "Changed a school", "severity": "Serious",
           "date": "11/20/2026", "ownership": "Private"},
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_office_dashboard_lists_recent_changes_by_label_and_name(changes, client, language):
    # given a finding and a school change, and the office's administrator in ``language``
    client = _office_client(client, changes, language)
    # when they open their dashboard
    page = client.get(reverse("reports:dashboard")).content.decode()
    # then the recent changes read "time person · action · object", no code and no login
    recent = re.findall(r'data-testid="recent-change"[^>]*>(.*?)</a>', page, re.S)
    text = " ".join(re.sub(r"<[^>]+>", " ", r) for r in recent)
    assert EXPECTED[language]["finding"] in text and INSPECTOR_NAME in text
    assert EXPECTED[language]["school"] in text and ADMIN_NAME in text
    _no_codes(text)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_audit_log_shows_actions_people_and_field_values_in_words(changes, client, language):
    # given the same changes
    client = _office_client(client, changes, language)
    # when the office opens the audit log
    page = client.get(reverse("audit:event_list")).content.decode()
    table = text_by_testid(page, "object-table")
    # then actions, names, field labels, choice labels and dates are words, not codes or JSON
    words = EXPECTED[language]
    for word in (words["finding"], words["school"], words["severity"], words["date"], words["ownership"],
                 INSPECTOR_NAME, ADMIN_NAME, changes.a.schools[0].name):
        assert word in table, word
    _no_codes(table)
    with translation.override(language):
        assert str(School._meta.get_field("ownership").verbose_name) in table


def test_audit_event_page_lists_each_field_before_and_after(changes, client):
    # given the office's change of a school's ownership and region
    client = _office_client(client, changes, "zh-hans")
    event = AuditEvent.objects.filter(action="organizations.school.update").latest("seq")
    # when the office opens the event
    page = client.get(reverse("audit:event_detail", args=[event.pk])).content.decode()
    # then the action and the person are named and each field reads label, before, after
    assert text_by_testid(page, "event-action") == "修改学校信息"
    assert text_by_testid(page, "event-actor") == ADMIN_NAME
    rows = text_by_testid(page, "event-changes")
    assert "办学性质" in rows
    assert "公办" in rows and "民办" in rows
    assert changes.a.region.name in rows and changes.a.township.name in rows
    _no_codes(rows)


def test_complaint_history_names_the_steps(changes, client):
    # given a complaint from the public about a school
    with time_machine.travel(TODAY, tick=False):
        complaint, _code = complaint_register(school_id=changes.a.schools[0].pk, kind="complaint",
                                              text="校门口交通拥堵")
    client = _office_client(client, changes, "zh-hans")
    # when the office opens it
    page = client.get(reverse("complaints:complaint_detail", args=[complaint.pk])).content.decode()
    history = text_by_testid(page, "history")
    # then the history says what happened, not the code
    assert "登记投诉" in history
    _no_codes(history)
