"""From a checklist answer to a finding and its notice: an item marked 存在问题 with a note on the
phone form becomes, with 记录问题, a finding of that item (chosen by its name, no code to type) with
the note as its description, and the notice's requirements start from it. A complaint's finding
names an item of the school's checklist the same way (``complaints/tests/test_finding_from_complaint.py``)."""

import uuid

import pytest
from django.urls import reverse

from dudao.inspections.models import Finding, Visit
from dudao.inspections.selectors.visits import checklist_for_school
from dudao.inspections.services.findings import finding_record
from dudao.inspections.tests import visit_fixtures
from dudao.inspections.tests.visit_fixtures import record_visit, user
from dudao.inspections.tests.visits.test_views import form_post

pytestmark = pytest.mark.django_db

world = visit_fixtures.world
media_root = visit_fixtures.media_root

SAFETY = "校园及周边安全情况，学生交通安全情况"


def test_record_a_finding_from_an_answer_saves_the_draft_and_opens_the_prefilled_form(world, client):
    # given the inspector's phone form with item 6 answered 存在问题 and a note
    client.force_login(user(world, "a", "inspector"))
    client_uuid = uuid.uuid4()
    data = form_post(world, client_uuid, action="finding:6")

    # when they tap 记录问题 under item 6
    response = client.post(reverse("inspections:visit_add"), data)

    # then the draft is saved and the finding form of the visit opens for that answer
    visit = Visit.objects.get(client_uuid=client_uuid)
    assert visit.status == "draft"
    assert response.status_code == 302
    assert response["Location"] == reverse("inspections:finding_add") + f"?visit={visit.pk}&answer=6"
    page = client.get(response["Location"])
    form = page.context["form"]
    item = visit.checklist.items.get(code="6")
    # with the item chosen by its name, the note as the description, and no code field
    assert form["item"].value() == item.pk
    assert form["description"].value() == "校门口拥堵"
    assert "item_code" not in form.fields
    assert (item.pk, SAFETY) in [(value, label) for value, label in form.fields["item"].choices if value]
    html = page.content.decode()
    assert f'<option value="{item.pk}" selected>{SAFETY}</option>' in html
    assert 'name="item_code"' not in html


def test_the_form_offers_record_a_finding_under_the_checklist_items(world, client):
    client.force_login(user(world, "a", "inspector"))
    html = client.get(reverse("inspections:visit_add")).content.decode()
    assert 'value="finding:6"' in html and 'data-testid="record-finding-6"' in html
    assert "data-problem" in html
    # a school's liaison never records findings: their visit page offers none
    visit = record_visit(user(world, "a", "inspector"), world.a.schools[0], submit=True)
    client.force_login(user(world, "a", "school_liaison"))
    assert "record-finding" not in client.get(visit.get_absolute_url()).content.decode()


def test_the_prefilled_finding_is_recorded_and_its_notice_starts_from_it(world, client):
    # given a submitted visit whose item 7 was answered 存在问题 with a note
    inspector = user(world, "a", "inspector")
    version = checklist_for_school(school=world.a.schools[0])
    visit = record_visit(inspector, world.a.schools[0], submit=True, answers={
        "7": {"value": "存在问题", "note": "留样记录缺3天"}})
    client.force_login(inspector)
    page = client.get(visit.get_absolute_url()).content.decode()
    link = reverse("inspections:finding_add") + f"?visit={visit.pk}&amp;answer=7"
    assert f'href="{link}"' in page  # the problem's row offers 记录问题

    # when the inspector sends the prefilled form as it is, with a severity
    form = client.get(link.replace("&amp;", "&")).context["form"]
    response = client.post(link.replace("&amp;", "&"), {
        "visit": visit.pk, "item": form["item"].value(), "severity": "general",
        "description": form["description"].value(), "found_on": visit.date.isoformat(),
    })

    # then the finding names the item (its code kept from the item) and the note
    finding = Finding.objects.get(visit=visit)
    assert response["Location"] == finding.get_absolute_url()
    assert (finding.item, finding.item_code, finding.description) == (
        version.items.get(code="7"), "7", "留样记录缺3天")
    # and the notice's requirements start from the item and the problem
    issue = client.get(reverse("inspections:rectification_issue", args=[finding.pk]))
    requirements = issue.context["form"]["requirements"].value()
    assert "食堂、食品、饮水及宿舍卫生情况" in requirements and "留样记录缺3天" in requirements
    assert "留样记录缺3天" in issue.content.decode()


def test_a_code_of_the_visit_checklist_names_its_item(world):
    # the API takes codes: with a visit, a code names the item of the visit's checklist
    inspector = user(world, "a", "inspector")
    visit = record_visit(inspector, world.a.schools[0], submit=True)
    finding = finding_record(actor=inspector, visit_id=visit.pk, item_code="7", description="留样记录不全")
    assert finding.item == visit.checklist.items.get(code="7")


def test_finding_list_names_the_item_not_its_code(world, client):
    # given a finding on item 7 of a visit's checklist and one tied to no item, only a code
    inspector = user(world, "a", "inspector")
    visit = record_visit(inspector, world.a.schools[0], submit=True)
    finding_record(actor=inspector, visit_id=visit.pk, item_id=visit.checklist.items.get(code="7").pk,
                   description="留样记录不全")
    finding_record(actor=inspector, school_id=world.a.schools[0].pk, item_code="C3", description="作业公示未落实")
    client.force_login(inspector)

    # when the inspector opens the list of findings
    html = client.get(reverse("inspections:finding_list")).content.decode()

    # then the item shows by its name; the code stays only where there is no item
    assert "食堂、食品、饮水及宿舍卫生情况" in html
    assert ">C3<" in html
