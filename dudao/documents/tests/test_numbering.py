"""Document numbers (发文字号): one number names one document in an office's year. Kinds written
with the same pattern share its running number, the register refuses a number given twice, and a
pattern an office writes that could repeat another kind's numbers is refused before anything is
saved (service, page and API)."""

import dataclasses
import datetime
import io
import threading
import time

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.urls import reverse
from django.utils import translation

from dudao.audit.models import AuditEvent
from dudao.core.testing.factories import OfficeFactory, RegionFactory
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.documents import kinds, services
from dudao.documents.models import DocumentTemplate, IssuedNumber, NumberSequence
from dudao.documents.numbering import number_next, number_register
from dudao.documents.tests.kind_fixtures import LETTER, letter_sample

pytestmark = pytest.mark.django_db

NOTICE = dataclasses.replace(LETTER, code="test_notice", label="测试督导通知书")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


@pytest.fixture
def two_kinds(monkeypatch):
    """Two numbered kinds, both on the built-in pattern {office}教督〔{year}〕{seq}号."""
    monkeypatch.setitem(kinds._REGISTRY, LETTER.code, LETTER)
    monkeypatch.setitem(kinds._REGISTRY, NOTICE.code, NOTICE)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 6, 1, 10, 0), tick=False):
        yield


def _generate(world, kind, *, county="a", **extra):
    c = getattr(world, county)
    return services.document_generate(actor=fresh(c.users["inspector"]), kind=kind, context=letter_sample(),
                                      office=c.office, title="督导检查情况通报", school=c.schools[0], pdf=False,
                                      **extra)


def _upload(world, kind, pattern, *, county="a"):
    c = getattr(world, county)
    return services.template_upload(actor=fresh(c.users["office_admin"]), office_id=c.office.pk, kind=kind,
                                    data=services.default_template_bytes(kind), filename="模板.docx",
                                    number_pattern=pattern)


def test_two_kinds_sharing_a_pattern_get_distinct_numbers_in_sequence(world, two_kinds):
    # when a bulletin-like letter and a notice, both on the built-in pattern, are filed in turn
    numbers = [_generate(world, kind).number for kind in ("test_letter", "test_notice", "test_notice", "test_letter")]
    # then they count on one running number: no number twice
    assert numbers == ["甲教督〔2026〕1号", "甲教督〔2026〕2号", "甲教督〔2026〕3号", "甲教督〔2026〕4号"]
    assert NumberSequence.objects.get(office=world.a.office, year=2026).pattern == "甲教督〔2026〕{seq}号"
    assert sorted(IssuedNumber.objects.filter(office=world.a.office).values_list("kind", flat=True)) == [
        "test_letter", "test_letter", "test_notice", "test_notice"]


def test_the_same_pattern_written_with_the_office_name_shares_the_running_number(world, two_kinds):
    # given the notice's pattern names the county outright instead of {office}
    _upload(world, "test_notice", "甲教督〔{year}〕{seq}号")
    # then both kinds still draw from one sequence
    assert [_generate(world, kind).number for kind in ("test_letter", "test_notice")] == [
        "甲教督〔2026〕1号", "甲教督〔2026〕2号"]


def test_a_document_filed_again_with_new_data_keeps_its_number(world, two_kinds):
    subject = world.a.schools[1]
    first = _generate(world, "test_notice", subject=subject)
    changed = services.document_generate(
        actor=fresh(world.a.users["inspector"]), kind="test_notice", context=letter_sample() | {"inspector": "李督学"},
        office=world.a.office, title="督导检查情况通报", school=world.a.schools[0], subject=subject, pdf=False)
    assert changed.pk != first.pk and changed.number == first.number == "甲教督〔2026〕1号"
    assert _generate(world, "test_letter").number == "甲教督〔2026〕2号"


def test_the_register_refuses_a_number_given_twice_in_an_office_year(world):
    IssuedNumber.objects.create(office=world.a.office, year=2026, number="甲教督〔2026〕1号", kind="bulletin")
    with pytest.raises(IntegrityError), transaction.atomic():
        IssuedNumber.objects.create(office=world.a.office, year=2026, number="甲教督〔2026〕1号", kind="visit_notice")
    assert IssuedNumber.objects.filter(number="甲教督〔2026〕1号").count() == 1


def test_the_same_number_in_another_office_or_another_year_is_fine(world):
    for office, year in ((world.a.office, 2026), (world.b.office, 2026), (world.a.office, 2027)):
        IssuedNumber.objects.create(office=office, year=year, number="示教督〔2026〕1号", kind="bulletin")
    assert IssuedNumber.objects.filter(number="示教督〔2026〕1号").count() == 3


def test_a_number_typed_by_hand_is_refused_when_taken_and_drawing_skips_it(world, two_kinds):
    with translation.override("zh-hans"):
        number_register(office=world.a.office, year=2026, number="甲教督〔2026〕1号", kind="rectification_notice")
        with pytest.raises(ValidationError) as raised:
            number_register(office=world.a.office, year=2026, number="甲教督〔2026〕1号", kind="bulletin")
    assert raised.value.message_dict["number"] == ["文号甲教督〔2026〕1号本年度已由本督导室的其他文书使用，请另编文号。"]
    # the running number starts after the numbers of its pattern on file and never repeats one
    assert _generate(world, "test_letter").number == "甲教督〔2026〕2号"
    number_register(office=world.a.office, year=2026, number="甲教督〔2026〕3号", kind="rectification_notice")
    assert _generate(world, "test_letter").number == "甲教督〔2026〕4号"


def test_editing_a_pattern_so_it_collides_with_another_kinds_numbers_is_refused(world, two_kinds):
    # given the notices are on the built-in pattern
    _generate(world, "test_notice")
    events = AuditEvent.objects.count()
    # when the office makes the letter's numbers …〔2026〕1{seq}号: its 1st would be the notices' 11th
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        _upload(world, "test_letter", "{office}教督〔{year}〕1{seq}号")
    # then it is told why, and nothing changes
    message = raised.value.message_dict["number_pattern"][0]
    assert "甲教督〔2026〕11号" in message and "共用一个顺序号" in message
    assert not DocumentTemplate.objects.filter(office=world.a.office).exists()
    assert AuditEvent.objects.count() == events
    assert _generate(world, "test_letter").number == "甲教督〔2026〕2号"


def test_a_pattern_without_its_running_number_is_refused(world, two_kinds):
    for pattern in ("{office}教督〔{year}〕号", "{office}教督〔{year}〕{seq}-{seq}号", "{office}教督〔{year}〕{seq:03d}号"):
        with pytest.raises(ValidationError) as raised:
            _upload(world, "test_letter", pattern)
        assert list(raised.value.message_dict) == ["number_pattern"]
    assert not DocumentTemplate.objects.filter(office=world.a.office).exists()


def test_a_pattern_that_cannot_repeat_another_is_accepted_and_counts_on_its_own(world, two_kinds):
    _generate(world, "test_notice")
    template = _upload(world, "test_letter", "{office}教督〔{year}〕第{seq}号")
    assert template.number_pattern == "{office}教督〔{year}〕第{seq}号"
    assert _generate(world, "test_letter").number == "甲教督〔2026〕第1号"


def test_a_pattern_that_would_repeat_a_number_already_given_is_refused(world, two_kinds):
    # given a number typed by hand this year under a pattern no kind uses
    number_register(office=world.a.office, year=2026, number="甲专督〔2026〕5号", kind="rectification_notice")
    with pytest.raises(ValidationError) as raised:
        _upload(world, "test_letter", "{office}专督〔{year}〕{seq}号")
    assert "甲专督〔2026〕5号" in raised.value.message_dict["number_pattern"][0]


def test_the_upload_page_names_the_collision_and_saves_nothing(world, client, two_kinds):
    client.force_login(world.a.users["office_admin"])
    upload = io.BytesIO(services.default_template_bytes("test_letter"))
    upload.name = "模板.docx"
    response = client.post(reverse("documents:template_upload"), {
        "office": world.a.office.pk, "kind": "test_letter", "file": upload,
        "number_pattern": "{office}教督〔{year}〕1{seq}号"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "按此格式编出的文号可能与" in page and "甲教督〔2026〕11号" in page
    assert not DocumentTemplate.objects.filter(office=world.a.office).exists()


def test_the_api_refuses_a_colliding_pattern_with_400(world, client, two_kinds):
    client.force_login(world.a.users["office_admin"])
    upload = io.BytesIO(services.default_template_bytes("test_letter"))
    upload.name = "t.docx"
    response = client.post(reverse("api:documents-documenttemplate-list"), {
        "office": world.a.office.pk, "kind": "test_letter", "file": upload,
        "number_pattern": "{office}教督〔{year}〕1{seq}号"})
    assert response.status_code == 400
    assert "甲教督〔2026〕11号" in response.json()["number_pattern"][0]
    assert not DocumentTemplate.objects.filter(office=world.a.office).exists()


@pytest.mark.django_db(transaction=True)
def test_two_offices_desks_drawing_at_once_never_get_the_same_number():
    # given one office, two people filing documents at the same moment (each in its own transaction)
    county = RegionFactory(code="369901", name="丙县", level=3)
    office = OfficeFactory(region=county, name="丙县人民政府教育督导室")
    drawn, failures = [], []
    start = threading.Barrier(2)

    def draw() -> str:
        while True:
            try:
                with transaction.atomic():
                    return number_next(office=office, year=2026, pattern="{office}教督〔{year}〕{seq}号", kind="bulletin")
            except OperationalError as exc:  # the test's in-memory SQLite locks instead of waiting: wait
                if "locked" not in str(exc):
                    raise
                time.sleep(0.01)

    def desk():
        try:
            start.wait()
            for _ in range(10):
                drawn.append(draw())
        except Exception as exc:  # reported below: a failed draw is a failed test
            failures.append(exc)
        finally:
            connection.close()

    desks = [threading.Thread(target=desk) for _ in range(2)]
    for thread in desks:
        thread.start()
    for thread in desks:
        thread.join()
    # then twenty numbers, each once, 1 to 20
    assert failures == []
    assert sorted(drawn, key=lambda n: int(n[len("丙教督〔2026〕"):-1])) == [f"丙教督〔2026〕{i}号" for i in range(1, 21)]
    assert NumberSequence.objects.get(office=office).last == 20
