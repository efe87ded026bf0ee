"""The instrument pages: list with filters, the version page and its tree, the draft editor, and
the freeze seen from the browser's side (no edit buttons, and 409 for forged requests)."""

import itertools

import pytest
from django.urls import reverse
from django.utils import translation

from dudao.audit.models import AuditEvent
from dudao.core.testing.html import text_by_testid
from dudao.core.testing.queries import assert_constant_queries
from dudao.core.testing.xlsx import sheet_text
from dudao.instruments import services
from dudao.instruments.models import Instrument, InstrumentVersion
from dudao.instruments.selectors import version_items
from dudao.instruments.tests.conftest import build_draft, national, office_admin

pytestmark = pytest.mark.django_db
_codes = itertools.count(1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def item_data(**overrides):
    data = {"parent": "", "code": "4", "text": "作业管理", "response_type": "single_choice", "options": "正常 | 存在问题",
            "max_score": "", "weight": "", "criteria": ""}
    data.update(overrides)
    return data


# ---- list -------------------------------------------------------------------------------------------

def test_list_shows_national_and_own_instruments_and_filters_by_owner(world, client, draft):
    client.force_login(office_admin(world))
    html = page(client, reverse("instruments:instrument_list"))
    assert national().name in html and draft.instrument.name in html
    mine = page(client, reverse("instruments:instrument_list") + "?owner=mine")
    assert draft.instrument.name in mine and national().name not in mine
    shipped = page(client, reverse("instruments:instrument_list") + "?owner=national")
    assert national().name in shipped and draft.instrument.name not in shipped
    kindergarten = page(client, reverse("instruments:instrument_list") + "?audience=kindergartens")
    assert "幼儿园" in kindergarten and national().name not in kindergarten
    found = page(client, reverse("instruments:instrument_list") + "?q=safety-2026")
    assert draft.instrument.name in found and national().name not in found
    export = client.get(reverse("instruments:instrument_list") + "?owner=mine&export=xlsx")
    assert draft.instrument.name in sheet_text(export.content)


def test_list_shows_a_higher_offices_instrument_under_higher(world, client):
    city = services.instrument_create(actor=world.city_user, office=world.city_office, code="city-1",
                                      name="市级督导评估指标", kind="indicator_system", audience="schools")
    client.force_login(office_admin(world))
    assert city.name in page(client, reverse("instruments:instrument_list") + "?owner=higher")
    assert city.name not in page(client, reverse("instruments:instrument_list") + "?owner=mine")


def grow(world, k):
    actor = office_admin(world)
    for _ in range(k):
        n = next(_codes)
        version = build_draft(actor, world.a.office, code=f"grow-{n}", name=f"检查表{n}")
        if n % 2:
            services.version_publish(actor=actor, version_id=version.pk)


def test_list_queries_do_not_grow_with_rows(world, client, django_assert_max_num_queries):
    client.force_login(office_admin(world))

    def fetch():
        response = client.get(reverse("instruments:instrument_list"))
        assert response.status_code == 200

    count = assert_constant_queries(fetch, lambda k: grow(world, k), n=2, m=22)
    with django_assert_max_num_queries(30):
        fetch()
    assert count <= 30


# ---- the version page -------------------------------------------------------------------------------

def test_national_list_is_read_only_with_a_copy_button(world, client):
    client.force_login(office_admin(world))
    html = page(client, reverse("instruments:instrument_detail", args=[national().pk]))
    assert text_by_testid(html, "national-notice")
    assert 'data-testid="copy"' in html
    for control in ("add-item", "publish", "new-draft", "item-edit-1", "edit-instrument"):
        assert f'data-testid="{control}"' not in html
    tree = text_by_testid(html, "item-tree")
    assert "校务管理和制度执行情况。" in tree and "其他情况。" in tree


def test_inspectors_read_without_copying(world, client):
    client.force_login(world.a.users["inspector"])
    html = page(client, reverse("instruments:instrument_detail", args=[national().pk]))
    assert 'data-testid="copy"' not in html and "校务管理和制度执行情况。" in html


def test_draft_page_shows_the_indented_tree_with_flags_and_edit_buttons(world, client, draft):
    client.force_login(office_admin(world))
    html = page(client, reverse("instruments:instrument_detail", args=[draft.instrument_id]))
    assert text_by_testid(html, "draft-notice")
    for control in ("add-item", "publish", "discard", "item-edit-1.1", "item-delete-1.2"):
        assert f'data-testid="{control}"' in html
    row = text_by_testid(html, "item-1.1")
    assert "消防通道畅通" in row and "Veto" in row and "Required" in row
    assert "padding-left: 24px" in html  # the section's items are indented
    assert "Evidence" in text_by_testid(html, "item-1.2") and "每学期至少两次" in text_by_testid(html, "item-1.2")


def test_published_page_is_frozen_without_edit_buttons(world, client, published):
    client.force_login(office_admin(world))
    html = page(client, reverse("instruments:version_detail", args=[published.pk]))
    assert "frozen" in text_by_testid(html, "frozen-notice")
    assert text_by_testid(html, "status-1") == "Published"
    for control in ("add-item", "publish", "discard", "item-edit-1.1", "item-up-1.1", "item-delete-1.1"):
        assert f'data-testid="{control}"' not in html
    assert 'data-testid="retire"' in html and 'data-testid="new-draft"' in html


def test_forged_edits_of_a_frozen_version_answer_409_and_change_nothing(world, client, published):
    client.force_login(office_admin(world))
    item = published.items.get(code="1.1")
    before = [(i.code, i.text, i.position) for i in version_items(version=published)]
    events = AuditEvent.objects.count()
    requests = [
        ("get", reverse("instruments:item_add", args=[published.pk]), None),
        ("post", reverse("instruments:item_add", args=[published.pk]), item_data()),
        ("get", reverse("instruments:item_edit", args=[item.pk]), None),
        ("post", reverse("instruments:item_edit", args=[item.pk]), item_data(code="1.1", text="改")),
        ("post", reverse("instruments:item_delete", args=[item.pk]), {}),
        ("post", reverse("instruments:item_move", args=[item.pk, "down"]), {}),
        ("post", reverse("instruments:version_discard", args=[published.pk]), {}),
    ]
    for method, url, data in requests:
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        assert response.status_code == 409, (url, response.status_code)
    assert [(i.code, i.text, i.position) for i in version_items(version=published)] == before
    assert AuditEvent.objects.count() == events


def test_other_offices_cannot_edit_or_see_a_draft(world, client, draft):
    item = draft.items.get(code="1.1")
    client.force_login(office_admin(world, "b"))  # county B: the draft is out of scope
    assert client.get(reverse("instruments:version_detail", args=[draft.pk])).status_code == 404
    assert client.post(reverse("instruments:item_edit", args=[item.pk]), item_data()).status_code == 404
    client.force_login(world.a.users["office_staff"])  # county A staff: read-only role, drafts hidden
    assert client.get(reverse("instruments:version_detail", args=[draft.pk])).status_code == 404
    client.force_login(office_admin(world))
    national_item = national().latest_published().items.first()
    assert client.get(reverse("instruments:item_edit", args=[national_item.pk])).status_code == 403


# ---- the editor ---------------------------------------------------------------------------------------

def test_office_copies_edits_and_publishes_through_the_pages(world, client):
    client.force_login(office_admin(world))
    source = national().latest_published()
    # copy the national list
    form = page(client, reverse("instruments:version_copy", args=[source.pk]))
    assert national().name in form
    response = client.post(reverse("instruments:version_copy", args=[source.pk]),
                           {"office": world.a.office.pk, "code": "", "name": "甲县经常性督导事项"})
    assert response.status_code == 302
    copy = Instrument.objects.get(office=world.a.office, name="甲县经常性督导事项")
    draft = copy.versions.get()
    assert response["Location"] == draft.get_absolute_url()
    # edit item 1, add a section with an item, move it up, delete 其他情况
    first = draft.items.get(code="1")
    response = client.post(reverse("instruments:item_edit", args=[first.pk]),
                           item_data(code="1", text="校务管理、制度执行和依法办学情况。"))
    assert response.status_code == 302 and response["Location"].endswith(f"#item-{first.pk}")
    assert client.post(reverse("instruments:item_add", args=[draft.pk]),
                       item_data(code="10", text="双减落实", response_type="section", options="")).status_code == 302
    section = draft.items.get(code="10")
    assert client.post(reverse("instruments:item_add", args=[draft.pk]),
                       item_data(code="10.1", text="作业总量", parent=section.pk)).status_code == 302
    assert client.post(reverse("instruments:item_move", args=[section.pk, "up"])).status_code == 302
    assert client.post(reverse("instruments:item_delete", args=[draft.items.get(code="9").pk])).status_code == 302
    # publish
    response = client.post(reverse("instruments:version_transition", args=[draft.pk, "publish"]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == InstrumentVersion.Status.PUBLISHED
    assert [(i.code, i.depth) for i in version_items(version=draft)][-3:] == [("8", 0), ("10", 0), ("10.1", 1)]
    assert draft.items.get(code="1").text == "校务管理、制度执行和依法办学情况。"
    assert source.items.get(code="1").text == "校务管理和制度执行情况。"  # the national list is untouched
    # a new draft then starts from it
    response = client.post(reverse("instruments:version_new_draft", args=[copy.pk]))
    v2 = copy.versions.get(number=2)
    assert response["Location"] == v2.get_absolute_url() and v2.items.count() == draft.items.count()


def test_item_form_errors_come_back_on_the_form(world, client, draft):
    client.force_login(office_admin(world))
    response = client.post(reverse("instruments:item_add", args=[draft.pk]),
                           item_data(code="1.1", response_type="score", options=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "maximum" in html
    response = client.post(reverse("instruments:item_add", args=[draft.pk]), item_data(code="1.1"))
    assert response.status_code == 400 and "already exists" in response.content.decode()
    assert draft.items.count() == 5


def test_publishing_an_unpublishable_draft_explains_why(world, client):
    actor = office_admin(world)
    instrument = services.instrument_create(actor=actor, office=world.a.office, code="empty-ui", name="空表",
                                            kind="checklist", audience="schools")
    client.force_login(actor)
    version = instrument.versions.get()
    response = client.post(reverse("instruments:version_transition", args=[version.pk, "publish"]), follow=True)
    assert "at least one item" in response.content.decode()
    version.refresh_from_db()
    assert version.status == "draft"


def test_create_and_edit_an_instrument(world, client):
    client.force_login(office_admin(world))
    form = page(client, reverse("instruments:instrument_add"))
    assert world.a.office.name in form and world.b.office.name not in form
    response = client.post(reverse("instruments:instrument_add"), {
        "office": world.a.office.pk, "code": "eval-2026", "name": "学校综合督导评估指标", "kind": "indicator_system",
        "audience": "schools", "description": "", "source": ""})
    instrument = Instrument.objects.get(code="eval-2026")
    assert response["Location"] == instrument.get_absolute_url()
    response = client.post(reverse("instruments:instrument_edit", args=[instrument.pk]), {
        "name": "学校综合督导评估指标（2026）", "kind": "indicator_system", "audience": "schools",
        "description": "七个一级指标", "source": "县政府文件"})
    instrument.refresh_from_db()
    assert response.status_code == 302 and instrument.description == "七个一级指标"
    # another county's office cannot be chosen
    response = client.post(reverse("instruments:instrument_add"), {
        "office": world.b.office.pk, "code": "x", "name": "x", "kind": "checklist", "audience": "schools"})
    assert response.status_code == 400 and not Instrument.objects.filter(code="x").exists()


def test_inspectors_cannot_reach_the_editor(world, client, draft):
    client.force_login(world.a.users["inspector"])
    assert client.get(reverse("instruments:instrument_add")).status_code == 403
    assert client.get(reverse("instruments:version_copy", args=[national().latest_published().pk])).status_code == 403
    assert client.get(reverse("instruments:item_edit", args=[draft.items.first().pk])).status_code == 404
