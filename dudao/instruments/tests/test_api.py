"""The instrument API: the twins of every page action, the nested tree, 409 for frozen versions."""

import itertools

import pytest
from django.urls import reverse

from dudao.audit.models import AuditEvent
from dudao.core.testing.queries import assert_constant_queries
from dudao.instruments import services
from dudao.instruments.models import Instrument, InstrumentVersion, Item
from dudao.instruments.selectors import version_items
from dudao.instruments.tests.conftest import build_draft, national, office_admin

pytestmark = pytest.mark.django_db
_codes = itertools.count(1)


def url(name, *args):
    return reverse(f"api:instruments-{name}", args=args)


@pytest.fixture
def admin_client(world, client):
    client.force_login(office_admin(world))
    return client


def test_list_and_detail_of_instruments(world, admin_client, draft):
    response = admin_client.get(url("instrument-list") + "?page_size=100")
    assert response.status_code == 200
    rows = {r["code"]: r for r in response.json()["results"]}
    assert rows["national-school-routine"]["is_national"] is True
    assert rows["national-school-routine"]["latest_published"] == 1
    assert rows["safety-2026"]["draft"] == 1 and rows["safety-2026"]["latest_published"] is None
    mine = admin_client.get(url("instrument-list") + "?owner=mine").json()["results"]
    assert [r["code"] for r in mine] == ["safety-2026"]
    assert admin_client.get(url("instrument-detail", draft.instrument_id)).json()["office"] == world.a.office.pk


def test_create_and_update_an_instrument(world, admin_client):
    response = admin_client.post(url("instrument-list"), {
        "office": world.a.office.pk, "code": "api-1", "name": "接口检查表", "kind": "checklist", "audience": "schools"})
    assert response.status_code == 201, response.content
    instrument = Instrument.objects.get(pk=response.json()["id"])
    assert response.json()["draft"] == 1 and instrument.versions.get().status == "draft"
    response = admin_client.patch(url("instrument-detail", instrument.pk), {"name": "改名", "code": "ignored"},
                                  content_type="application/json")
    assert response.status_code == 200 and response.json()["name"] == "改名" and response.json()["code"] == "api-1"
    assert AuditEvent.objects.filter(action="instruments.instrument.update", target_id=str(instrument.pk)).exists()
    # another county's office is refused; the national list cannot be renamed by an office
    assert admin_client.post(url("instrument-list"), {
        "office": world.b.office.pk, "code": "api-2", "name": "x", "kind": "checklist",
        "audience": "schools"}).status_code == 400
    assert admin_client.patch(url("instrument-detail", national().pk), {"name": "改"},
                              content_type="application/json").status_code == 403


def test_copy_new_draft_and_nested_tree(world, admin_client, published):
    # copy the national list into my office (defaults: latest published version, my office)
    response = admin_client.post(url("instrument-copy", national().pk), {"name": "甲县检查表"})
    assert response.status_code == 201, response.content
    copy = Instrument.objects.get(pk=response.json()["id"])
    assert copy.office == world.a.office and copy.versions.get().based_on == national().latest_published()
    # a new draft of my published instrument, and a second one is a conflict
    response = admin_client.post(url("instrument-new-draft", published.instrument_id))
    assert response.status_code == 201 and response.json()["number"] == 2 and response.json()["status"] == "draft"
    assert admin_client.post(url("instrument-new-draft", published.instrument_id)).status_code == 409
    # the version detail nests the tree
    tree = admin_client.get(url("version-detail", published.pk)).json()
    assert tree["is_frozen"] is True
    assert [(n["code"], [c["code"] for c in n["children"]]) for n in tree["items"]] == [
        ("1", ["1.1", "1.2"]), ("2", []), ("3", [])]
    assert tree["items"][0]["children"][1]["max_score"] == "10.00"
    assert tree["items"][1]["options"] == ["不满意", "基本满意", "满意"]


def test_items_change_through_the_api_only_on_drafts(world, admin_client, draft):
    # create, update, move and delete on a draft
    section = draft.items.get(code="1")
    response = admin_client.post(url("item-list"), {
        "version": draft.pk, "parent": section.pk, "index": 0, "code": "1.0", "text": "安全责任制",
        "response_type": "yes_no", "is_veto": True}, content_type="application/json")
    assert response.status_code == 201, response.content
    new = Item.objects.get(pk=response.json()["id"])
    assert (new.parent_id, new.position, new.is_veto) == (section.pk, 1, True)
    response = admin_client.patch(url("item-detail", new.pk), {"text": "安全工作责任制"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["text"] == "安全工作责任制"
    response = admin_client.post(url("item-move", new.pk), {"parent": None, "index": 0}, content_type="application/json")
    assert response.status_code == 200 and response.json()["parent"] is None and response.json()["position"] == 1
    assert admin_client.delete(url("item-detail", new.pk)).status_code == 204
    assert not Item.objects.filter(pk=new.pk).exists()
    # bad content is a 400 with the field
    response = admin_client.post(url("item-list"), {"version": draft.pk, "code": "x", "text": "打分",
                                                   "response_type": "score"}, content_type="application/json")
    assert response.status_code == 400 and "max_score" in response.json()


def test_frozen_versions_answer_409_through_the_api(world, admin_client, published):
    item = published.items.get(code="1.1")
    before = [(i.code, i.text, i.position) for i in version_items(version=published)]
    attempts = [
        admin_client.post(url("item-list"), {"version": published.pk, "code": "9", "text": "新",
                                             "response_type": "text"}, content_type="application/json"),
        admin_client.patch(url("item-detail", item.pk), {"text": "改"}, content_type="application/json"),
        admin_client.put(url("item-detail", item.pk), {"version": published.pk, "code": "1.1", "text": "改",
                                                       "response_type": "yes_no"}, content_type="application/json"),
        admin_client.delete(url("item-detail", item.pk)),
        admin_client.post(url("item-move", item.pk), {"parent": None}, content_type="application/json"),
        admin_client.delete(url("version-detail", published.pk)),
    ]
    assert [r.status_code for r in attempts] == [409] * len(attempts)
    assert "frozen" in attempts[1].json()["detail"]
    assert [(i.code, i.text, i.position) for i in version_items(version=published)] == before


def test_discarding_a_draft(world, admin_client, draft):
    assert admin_client.delete(url("version-detail", draft.pk)).status_code == 204
    assert not InstrumentVersion.objects.filter(pk=draft.pk).exists()


def test_readers_and_other_counties(world, client, draft):
    client.force_login(world.a.users["inspector"])  # may read instruments, not change them
    assert client.get(url("instrument-detail", national().pk)).status_code == 200
    assert client.get(url("version-detail", draft.pk)).status_code == 404  # drafts are for editors
    assert client.post(url("instrument-copy", national().pk)).status_code == 403
    assert client.patch(url("item-detail", draft.items.first().pk), {"text": "x"},
                        content_type="application/json").status_code == 403
    client.force_login(office_admin(world, "b"))
    assert client.get(url("instrument-detail", draft.instrument_id)).status_code == 404
    assert client.patch(url("item-detail", draft.items.first().pk), {"text": "x"},
                        content_type="application/json").status_code == 404
    assert client.post(url("item-list"), {"version": draft.pk, "code": "9", "text": "x", "response_type": "text"},
                       content_type="application/json").status_code == 404
    client.force_login(world.a.users["school_liaison"])  # no instrument permission at all
    assert client.get(url("instrument-list")).status_code == 403


def test_versions_cannot_be_created_or_edited_directly(world, admin_client, draft):
    assert admin_client.post(url("version-list"), {"instrument": draft.instrument_id}).status_code == 405
    assert admin_client.patch(url("version-detail", draft.pk), {"notes": "x"},
                              content_type="application/json").status_code == 405


def grow(world, k):
    actor = office_admin(world)
    for _ in range(k):
        n = next(_codes)
        version = build_draft(actor, world.a.office, code=f"api-grow-{n}", name=f"接口{n}")
        if n % 2:
            services.version_publish(actor=actor, version_id=version.pk)


@pytest.mark.parametrize("name", ["instrument-list", "version-list", "item-list"])
def test_list_queries_do_not_grow_with_rows(world, admin_client, django_assert_max_num_queries, name):
    def fetch():
        response = admin_client.get(url(name) + "?page_size=500")
        assert response.status_code == 200

    assert_constant_queries(fetch, lambda k: grow(world, k), n=2, m=22)
    with django_assert_max_num_queries(15):
        fetch()
