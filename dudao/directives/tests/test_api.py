"""The directive API: the twins of the pages (register, plan, assign, report, urge, review, publish,
archive, board and its Excel export), each refusing whom the scope refuses, with constant queries."""

import pytest
from django.urls import reverse

from dudao.core.testing.queries import assert_constant_queries
from dudao.core.testing.xlsx import sheet_rows
from dudao.directives.models import Directive, DirectiveItem
from dudao.directives.tests.helpers import assigned, days, make_directive, png_file, user

pytestmark = pytest.mark.django_db


def _post(client, name, pk, data=None):
    return client.post(reverse(f"api:directives-{name}", args=[pk]), data or {}, content_type="application/json")


def test_office_follows_a_directive_up_through_the_api(world, client):
    client.force_login(user(world, "office_admin"))
    response = client.post(reverse("api:directives-directive-list"), {
        "title": "学校食堂食品安全整治", "source": "inspection", "source_text": "春季督查发现",
        "decided_on": days(-5).isoformat()}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "registered" and body["office"] == world.a.office.pk
    pk = body["id"]
    item = _post(client, "directive-items", pk, {"school": world.a.schools[0].pk, "content": "完善留样制度",
                                                 "deadline": days(10).isoformat(), "report_every_days": 3})
    assert item.status_code == 201 and item.json()["board"] == "on_time"
    late = _post(client, "directive-items", pk, {"school": world.a.schools[1].pk, "content": "更换消毒柜",
                                                 "deadline": days(-1).isoformat()})
    assert late.json()["late"] is True
    # a unit of another county cannot be given an item (400)
    assert _post(client, "directive-items", pk, {"school": world.b.schools[0].pk, "content": "x",
                                                 "deadline": days(3).isoformat()}).status_code == 400
    assert _post(client, "directive-assign", pk).json()["status"] == "assigned"
    assert _post(client, "directive-assign", pk).status_code == 409
    patched = client.patch(reverse("api:directives-directive-detail", args=[pk]), {"requirements": "月底前完成"},
                           content_type="application/json")
    assert patched.status_code == 200 and patched.json()["requirements"] == "月底前完成"
    assert patched.json()["title"] == "学校食堂食品安全整治"
    # the urge files a numbered notice
    urged = _post(client, "item-urge", late.json()["id"], {"note": "请尽快办理"})
    assert urged.status_code == 200 and urged.json()["urges"][0]["number"]
    board = client.get(reverse("api:directives-directive-board", args=[pk])).json()
    assert board["counts"] == {"items": 2, "on_time": 1, "late": 1, "returned": 0, "done": 0}
    assert {u["school_name"]: u["late"] for u in board["units"]} == {world.a.schools[0].name: 0,
                                                                      world.a.schools[1].name: 1}
    export = client.get(reverse("api:directives-directive-export", args=[pk]))
    assert export.status_code == 200
    data = b"".join(export.streaming_content) if export.streaming else export.content
    assert len(sheet_rows(data)) == 3


def test_unit_reports_and_office_reviews_through_the_api(world, client):
    directive = assigned(world)
    mine = directive.items.get(school=world.a.schools[0])
    other = directive.items.get(school=world.a.schools[1])
    client.force_login(user(world, "school_liaison"))
    listed = client.get(reverse("api:directives-item-list")).json()["results"]
    assert [i["id"] for i in listed] == [mine.pk]
    assert client.get(reverse("api:directives-item-detail", args=[other.pk])).status_code == 404
    assert _post(client, "item-report", other.pk, {"text": "完成"}).status_code == 404
    progress = _post(client, "item-report", mine.pk, {"text": "已排查"})
    assert progress.status_code == 200 and progress.json()["status"] == "pending"
    # the completion report goes as multipart with a photo
    final = client.post(reverse("api:directives-item-report", args=[mine.pk]),
                        {"text": "已办结", "is_final": "true", "files": [png_file()]})
    assert final.json()["status"] == "reported" and len(final.json()["reports"]) == 2
    assert [f["original_name"] for f in final.json()["reports"][1]["files"]] == ["现场照片.png"]
    assert _post(client, "item-accept", mine.pk).status_code == 403
    assert _post(client, "item-urge", mine.pk).status_code == 403
    assert _post(client, "directive-publish", directive.pk).status_code == 403
    client.force_login(user(world, "office_admin"))
    assert _post(client, "item-return", mine.pk, {"comment": ""}).status_code == 400
    returned = _post(client, "item-return", mine.pk, {"comment": "缺少佐证"})
    assert returned.json()["status"] == "returned" and returned.json()["board"] == "returned"


def test_another_county_sees_nothing_and_changes_nothing(world, client):
    directive = assigned(world)
    item = directive.items.first()
    for role in ("office_admin", "school_liaison", "inspector"):
        client.force_login(user(world, role, "b"))
        assert directive.pk not in {d["id"] for d in client.get(reverse("api:directives-directive-list")).json()["results"]}
        assert client.get(reverse("api:directives-directive-detail", args=[directive.pk])).status_code == 404
        assert client.get(reverse("api:directives-item-detail", args=[item.pk])).status_code == 404
        assert client.get(reverse("api:directives-directive-board", args=[directive.pk])).status_code == 404
        assert client.get(reverse("api:directives-directive-export", args=[directive.pk])).status_code == 404
        for name, pk in (("directive-publish", directive.pk), ("item-urge", item.pk), ("item-report", item.pk),
                         ("item-accept", item.pk), ("directive-items", directive.pk)):
            assert _post(client, name, pk, {"text": "x", "school": 1, "content": "x",
                                            "deadline": days(1).isoformat()}).status_code == 404, (role, name)
        # without the capability the answer is 403 before any row is read; with it, the row is not found
        patched = client.patch(reverse("api:directives-directive-detail", args=[directive.pk]), {"title": "改"},
                               content_type="application/json")
        assert patched.status_code == (404 if role == "office_admin" else 403)
    directive.refresh_from_db()
    assert directive.status == Directive.Status.ASSIGNED and directive.title != "改"
    # the city office reads the county's directive, and changes nothing
    from dudao.core.testing.world import fresh
    client.force_login(fresh(world.city_user))
    assert client.get(reverse("api:directives-directive-detail", args=[directive.pk])).status_code == 200
    assert _post(client, "directive-publish", directive.pk).status_code == 403
    assert _post(client, "item-urge", item.pk).status_code == 403


def test_api_lists_do_not_grow_with_rows(world, client, django_assert_max_num_queries):
    directive = assigned(world)
    client.force_login(user(world, "office_admin"))

    def grow(k):
        DirectiveItem.objects.bulk_create([
            DirectiveItem(directive=directive, school=world.a.schools[i % 4], content=f"事项{i}", deadline=days(1))
            for i in range(k)])

    for name in ("api:directives-item-list", "api:directives-directive-list"):
        def fetch(name=name):
            assert client.get(reverse(name) + "?page_size=500").status_code == 200

        assert_constant_queries(fetch, grow, m=60)
        with django_assert_max_num_queries(15):
            fetch()


def test_a_department_is_given_an_item_and_reports_through_the_api(world, client):
    # given a registered directive of county A
    directive = make_directive(world, deadlines=(5,), schools=(0,))
    client.force_login(user(world, "office_admin"))

    # when the office adds an item for the bureau department and assigns the directive
    added = _post(client, "directive-items", directive.pk, {"department": world.a.departments[0].pk,
                                                            "content": "牵头组织排查", "deadline": days(6).isoformat()})
    assert added.status_code == 201, added.content
    body = added.json()
    assert body["department"] == world.a.departments[0].pk and body["school"] is None
    assert body["unit_name"] == world.a.departments[0].name
    # a school and a department together are refused, so is another county's department
    assert _post(client, "directive-items", directive.pk, {
        "school": world.a.schools[1].pk, "department": world.a.departments[1].pk, "content": "x",
        "deadline": days(3).isoformat()}).status_code == 400
    assert _post(client, "directive-items", directive.pk, {
        "department": world.b.departments[0].pk, "content": "x", "deadline": days(3).isoformat()}).status_code == 400
    assert _post(client, "directive-assign", directive.pk).status_code == 200

    # then the department's contact lists and reports on that item only
    client.force_login(user(world, "unit_liaison"))
    listed = client.get(reverse("api:directives-item-list")).json()["results"]
    assert [i["id"] for i in listed] == [body["id"]]
    school_item = directive.items.get(school=world.a.schools[0])
    assert client.get(reverse("api:directives-item-detail", args=[school_item.pk])).status_code == 404
    final = client.post(reverse("api:directives-item-report", args=[body["id"]]),
                        {"text": "已办结", "is_final": "true", "files": [png_file()]})
    assert final.status_code == 200 and final.json()["status"] == "reported"
    # the board names the unit, per unit and per item
    client.force_login(user(world, "office_admin"))
    board = client.get(reverse("api:directives-directive-board", args=[directive.pk])).json()
    units = {u["unit_name"]: u for u in board["units"]}
    assert units[world.a.departments[0].name]["department"] == world.a.departments[0].pk
    assert units[world.a.departments[0].name]["school"] is None
    assert {i["unit_name"] for i in board["items"]} == {world.a.schools[0].name, world.a.departments[0].name}
