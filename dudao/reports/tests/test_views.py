"""The school at a glance (学校画像) and the compare page as an office, a school and a neighbouring
county open them: Chinese and English, each figure linked to its source, people's text escaped,
five schools at most, and nothing outside the scope."""

import json

import pytest
from django.urls import reverse

from dudao.core.testing.html import text_by_testid
from dudao.core.testing.world import fresh
from dudao.organizations.models import School
from dudao.reports.tests import portrait_fixtures
from dudao.reports.tests.portrait_fixtures import NOTICE_TEXT, record_school

world, today = portrait_fixtures.world, portrait_fixtures.today  # the module's world, on 16 November 2026

pytestmark = pytest.mark.django_db


def signed_in(client, world, role, county="a"):
    client.force_login(fresh(getattr(world, county).users[role]))
    return client


def portrait_url(school):
    return reverse("reports:school_portrait", args=[school.pk])


def test_an_office_opens_a_schools_portrait_in_chinese_with_links_to_the_sources(world, client):
    school = record_school(world)
    school.name = "<script>alert(1)</script>实验小学"
    school.save(update_fields=["name"])
    response = signed_in(client, world, "office_admin").get(portrait_url(school), HTTP_ACCEPT_LANGUAGE="zh-CN")
    html = response.content.decode()
    assert response.status_code == 200
    assert "学校画像" in html and "对照2017年优质均衡标准" in html
    # the figures and where they come from
    assert text_by_testid(html, "notices-overdue") == "1"
    assert text_by_testid(html, "complaint-satisfaction") == "100.0%"
    assert html.split('data-testid="term-visits">')[1].startswith("2<")  # this term's visits
    for source in (f"/inspections/visits/?school={school.pk}", f"/inspections/rectifications/?school={school.pk}",
                   f"/complaints/?school={school.pk}", f"/inspections/findings/?school={school.pk}",
                   reverse("reports:school_timeline", args=[school.pk])):
        assert f'href="{source}' in html, source
    # the radar's data for the chart script, read from a JSON script element (no inline script)
    radar = json.loads(html.split('id="portrait-radar" type="application/json">')[1].split("</script>")[0])
    assert radar["series"][0]["type"] == "radar" and len(radar["radar"]["indicator"]) == 7
    # what people wrote is shown as text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert NOTICE_TEXT not in html and "&lt;b&gt;补齐&lt;/b&gt;" in html


def test_an_office_reads_the_portrait_in_english(world, client):
    school = record_school(world)
    response = signed_in(client, world, "office_admin").get(portrait_url(school), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "School at a glance" in html and "Against the 2017 quality-balance standards" in html
    assert "Visits of the last terms" in html and "2026 Autumn term" in html
    assert "学校画像" not in html


def test_the_school_page_and_the_school_list_lead_to_the_portrait(world, client):
    school = world.a.schools[0]
    signed_in(client, world, "office_admin")
    assert f'href="{portrait_url(school)}"' in client.get(school.get_absolute_url()).content.decode()
    assert f'href="{portrait_url(school)}"' in client.get(reverse("organizations:school_list")).content.decode()


def test_a_school_of_another_county_is_not_found(world, client):
    response = signed_in(client, world, "office_admin", "b").get(portrait_url(world.a.schools[0]))
    assert response.status_code == 404


def test_a_liaison_opens_their_own_schools_portrait_but_no_other(world, client):
    signed_in(client, world, "school_liaison")
    own = client.get(portrait_url(world.a.schools[0]))
    assert own.status_code == 200
    assert text_by_testid(own.content.decode(), "portrait-complaints") is None
    assert client.get(portrait_url(world.a.schools[1])).status_code == 404


def compare_url(*schools, add=None):
    query = "&".join(f"schools={s.pk}" for s in schools) + (f"&add={add.pk}" if add else "")
    return reverse("reports:school_compare") + "?" + query


def test_an_office_compares_two_schools_side_by_side(world, client):
    school = record_school(world)
    other = world.a.schools[1]
    response = signed_in(client, world, "office_admin").get(compare_url(school, add=other))
    html = response.content.decode()
    assert response.status_code == 200
    table = text_by_testid(html, "compare-table")
    assert school.name in table and other.name in table
    assert html.count('name="schools"') == 2  # both kept for the next addition
    assert 'data-testid="radar"' in html and text_by_testid(html, "compare-refused") is None


def test_a_sixth_school_is_refused_with_the_reason(world, client):
    extra = [School.objects.create(code=f"36010190{i}", name=f"甲县第{i}中学", region=world.a.region)
             for i in (5, 6)]
    five = [*world.a.schools, extra[0]]
    response = signed_in(client, world, "office_admin").get(compare_url(*five, add=extra[1]),
                                                            HTTP_ACCEPT_LANGUAGE="zh-CN")
    html = response.content.decode()
    assert "最多可比较5所学校" in text_by_testid(html, "compare-refused")
    assert extra[1].name not in text_by_testid(html, "compare-table")
    assert html.count('name="schools"') == 5


def test_a_school_outside_the_scope_cannot_be_compared(world, client):
    signed_in(client, world, "office_admin")
    assert client.get(compare_url(world.a.schools[0], world.b.schools[0])).status_code == 404


def test_only_offices_compare_schools(world, client):
    assert signed_in(client, world, "inspector").get(compare_url(world.a.schools[0])).status_code == 403


@pytest.mark.parametrize(("role", "linked"), [("office_staff", True), ("inspector", False)])
def test_the_school_list_leads_an_office_to_the_comparison(world, client, role, linked):
    html = signed_in(client, world, role).get(reverse("organizations:school_list")).content.decode()
    assert ('data-testid="compare-schools"' in html) is linked
    assert (reverse("reports:school_compare") in html) is linked
