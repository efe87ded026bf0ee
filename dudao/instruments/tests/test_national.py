"""The national instruments shipped as data (STANDARDS §1.4 and §2.2)."""

import pytest

from dudao.instruments import services
from dudao.instruments.models import Instrument, InstrumentVersion, Item
from dudao.instruments.selectors import version_items
from dudao.instruments.tests.conftest import KINDERGARTEN_CODE, SCHOOL_CODE, national, office_admin

pytestmark = pytest.mark.django_db

# STANDARDS §1.4: 《中小学校责任督学挂牌督导办法》(2013) 第四条, the 8 routine-supervision items in
# the exact official wording and order [V]; item 6 includes "，学生交通安全情况".
ARTICLE_4_ITEMS = [
    "校务管理和制度执行情况。",
    "招生、收费、择校情况。",
    "课程开设和课堂教学情况。",
    "学生学习、体育锻炼和课业负担情况。",
    "教师师德和专业发展情况。",
    "校园及周边安全情况，学生交通安全情况。",
    "食堂、食品、饮水及宿舍卫生情况。",
    "校风、教风、学风建设情况。",
]


def published_items(code):
    version = national(code).latest_published()
    return version, version_items(version=version)


def test_school_checklist_has_the_eight_items_of_article_4_in_order_then_other():
    # given the shipped school checklist
    version, items = published_items(SCHOOL_CODE)

    # then it is published, flat, and holds exactly the 8 official texts in order, then 其他情况 as free text
    assert version.status == InstrumentVersion.Status.PUBLISHED
    assert [i.text for i in items] == [*ARTICLE_4_ITEMS, "其他情况。"]
    assert [i.code for i in items] == [str(n) for n in range(1, 10)]
    assert all(i.parent_id is None for i in items)
    assert {i.response_type for i in items[:8]} == {Item.ResponseType.SINGLE_CHOICE}
    assert all(i.options for i in items[:8])
    assert items[8].response_type == Item.ResponseType.TEXT
    assert national(SCHOOL_CODE).audience == Instrument.Audience.SCHOOLS
    assert "第四条" in national(SCHOOL_CODE).source


def test_item_7_uses_the_official_wording_not_the_variant():
    # STANDARDS §1.4: one system has "食堂、食品、饮水机、宿舍卫生情况"; the official text is used
    _version, items = published_items(SCHOOL_CODE)
    assert items[6].text == "食堂、食品、饮水及宿舍卫生情况。"
    assert "饮水机" not in "".join(i.text for i in items)


def test_kindergarten_list_covers_the_three_national_areas_in_six_items():
    # STANDARDS §2.2: no national six-item list; six editable items from 安全管理、规范办园、师德师风 [P]
    version, items = published_items(KINDERGARTEN_CODE)
    texts = [i.text for i in items]
    assert version.status == InstrumentVersion.Status.PUBLISHED
    assert len(texts) == 7 and texts[-1] == "其他情况。"
    assert national(KINDERGARTEN_CODE).audience == Instrument.Audience.KINDERGARTENS
    joined = "".join(texts)
    for area in ("安全管理", "规范办园", "师德师风"):
        assert area in joined


def test_loading_the_national_data_again_changes_nothing():
    # given the data loaded by migrate
    before = list(Item.objects.filter(version__instrument__office__isnull=True).values_list("pk", "text"))
    # when it is loaded again (after every migrate and flush)
    created = services.ensure_national_instruments()
    # then nothing is added twice
    assert created == []
    assert list(Item.objects.filter(version__instrument__office__isnull=True).values_list("pk", "text")) == before


def test_a_province_publishes_its_own_kindergarten_list_by_copying_without_code(world):
    # given a province office and its administrator (the world has province and city regions)
    from dudao.core.testing.factories import OfficeFactory, make_user

    province_office = OfficeFactory(region=world.province, name="示范省人民政府教育督导室")
    actor = make_user("province_admin", "office_admin", office=province_office)

    # when it copies the national kindergarten list, rewrites item 6 and drops 其他情况, then publishes
    source = national(KINDERGARTEN_CODE).latest_published()
    local = services.instrument_copy(actor=actor, source_version_id=source.pk, office=province_office,
                                     name="示范省幼儿园六项经常性督导")
    draft = local.versions.get()
    items = {i.code: i for i in draft.items.all()}
    services.item_update(actor=actor, item_id=items["6"].pk, text="园务管理、家园共育与园务公开情况。")
    services.item_delete(actor=actor, item_id=items["7"].pk)
    services.version_publish(actor=actor, version_id=draft.pk)

    # then the province's version has its six items, the national list is unchanged, and a county
    # office below the province sees the province's list
    assert [i.text for i in version_items(version=draft)][5] == "园务管理、家园共育与园务公开情况。"
    assert draft.items.count() == 6
    assert source.items.count() == 7 and "园务管理与园务公开情况。" in source.items.values_list("text", flat=True)
    county_user = office_admin(world, "a")
    assert Instrument.objects.for_user(county_user).filter(pk=local.pk).exists()
    assert not Instrument.objects.for_user(county_user, "change").filter(pk=local.pk).exists()
