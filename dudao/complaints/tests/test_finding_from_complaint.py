"""From a complaint to a finding: the finding names an item of the school's routine checklist,
chosen by its name (no code to type), and the notice's requirements start from it."""

import pytest
from django.urls import reverse

from dudao.complaints.services import complaint_verify
from dudao.complaints.tests.helpers import register
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.inspections.selectors.visits import checklist_for_school

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def test_complaint_finding_offers_the_school_checklist_items_by_name(world, client):
    # given a complaint about school 0 the listed inspector verifies
    inspector = fresh(world.a.users["inspector"])
    complaint, _code = register(world)
    complaint_verify(actor=fresh(world.a.users["office_admin"]), complaint_id=complaint.pk)
    client.force_login(inspector)

    # when the inspector opens it, the finding form offers the school's checklist items by name
    page = client.get(complaint.get_absolute_url())
    form = page.context["finding_form"]
    version = checklist_for_school(school=world.a.schools[0])
    canteen = version.items.get(code="7")
    labels = {value: label for value, label in form.fields["item"].choices if value}
    assert labels[canteen.pk] == "食堂、食品、饮水及宿舍卫生情况"
    assert set(labels) == set(version.items.exclude(response_type="section").values_list("pk", flat=True))
    assert "item_code" not in form.fields
    assert 'name="item_code"' not in page.content.decode()

    # and the finding recorded with a chosen item names it
    response = client.post(reverse("complaints:complaint_finding", args=[complaint.pk]), {
        "description": "食堂饭菜不卫生", "severity": "general", "item": canteen.pk})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.finding.item, complaint.finding.item_code) == (canteen, "7")
    # and the notice's requirements start from it
    notice_form = client.get(complaint.get_absolute_url()).context["notice_form"]
    assert "食堂饭菜不卫生" in notice_form["requirements"].value()


def test_the_api_records_a_complaint_finding_under_a_checklist_item(world, client):
    # given a complaint being verified and an item of the school's checklist
    complaint, _code = register(world)
    complaint_verify(actor=fresh(world.a.users["office_admin"]), complaint_id=complaint.pk)
    canteen = checklist_for_school(school=world.a.schools[0]).items.get(code="7")
    client.force_login(fresh(world.a.users["inspector"]))

    # when the inspector posts the finding with the item's id
    response = client.post(reverse("api:complaints-complaint-finding", args=[complaint.pk]),
                           {"description": "食堂饭菜不卫生", "item": canteen.pk}, content_type="application/json")

    # then the finding names the item
    assert response.status_code == 200, response.content
    complaint.refresh_from_db()
    assert complaint.finding.item == canteen


def test_the_assign_form_on_the_complaint_page_assigns_or_shows_its_errors(world, client):
    # given a complaint the office reads
    complaint, _code = register(world)
    client.force_login(fresh(world.a.users["office_admin"]))
    url = reverse("complaints:complaint_assign", args=[complaint.pk])

    # an inspector not offered comes back on the complaint's page with the form's error (400)
    refused = client.post(url, {"inspector": 999999})
    assert refused.status_code == 400
    assert refused.context["assign_form"].errors["inspector"]

    # a listed inspector of the office is assigned and the page follows
    inspector = world.a.inspectors[0]
    response = client.post(url, {"inspector": inspector.pk})
    assert response.status_code == 302
    assert response["Location"] == complaint.get_absolute_url()
    complaint.refresh_from_db()
    assert complaint.handler_id == inspector.pk
