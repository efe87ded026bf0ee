"""Numbers of rectification notices and of the loop's documents: one number names one document in
the office's year. Notices keep their format, share a running number with any kind written with the
same pattern, a receipt quotes the notice's number, a number typed by hand that is taken is
refused, and the data migration renumbers the duplicates older versions gave."""

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError

from dudao.audit.models import AuditEvent
from dudao.audit.services import verify_chain
from dudao.documents.models import Document, IssuedNumber, NumberSequence
from dudao.inspections.models import Rectification
from dudao.inspections.services.documents import escalation_document_generate, rectification_document_generate
from dudao.inspections.services.rectifications import rectification_issue
from dudao.inspections.tests import visit_fixtures
from dudao.inspections.tests.document_fixtures import criticised_notice, user
from dudao.inspections.tests.rectification_fixtures import issue_notice, record_finding

pytestmark = pytest.mark.django_db

world = visit_fixtures.world
media_root = visit_fixtures.media_root
migration = importlib.import_module("dudao.inspections.migrations.0004_renumber_duplicate_numbers")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 6, 1, 10, 0), tick=False):
        yield


def test_notices_keep_their_numbering_format_whatever_other_documents_are_filed(world):
    # given a notice, publicly criticised, whose bulletin is numbered on the office's 教督 pattern
    _visit, notice, escalation = criticised_notice(world)
    bulletin = escalation_document_generate(actor=user(world, "office_admin"), escalation_id=escalation.pk, pdf=False)
    # when the inspector issues the next notice
    second = issue_notice(world, school=2)
    # then notices count on their own pattern, as before
    assert (notice.number, second.number, bulletin.number) == ("甲督整〔2026〕1号", "甲督整〔2026〕2号", "甲教督〔2026〕1号")


def test_a_notice_and_a_bulletin_written_with_one_pattern_share_its_running_number(world, settings):
    # given the notices are numbered with the same pattern as the office's bulletins
    settings.DUDAO_RECTIFICATION_NUMBER_PATTERN = "{office}教督〔{year}〕{seq}号"
    _visit, notice, escalation = criticised_notice(world)
    # when the office files the bulletin
    bulletin = escalation_document_generate(actor=user(world, "office_admin"), escalation_id=escalation.pk, pdf=False)
    # then it takes the next number, not the notice's
    assert (notice.number, bulletin.number) == ("甲教督〔2026〕1号", "甲教督〔2026〕2号")


def test_a_receipt_quotes_the_notices_number_without_drawing_one(world):
    _visit, notice, _escalation = criticised_notice(world)
    registered = IssuedNumber.objects.count()
    # when the notice and its 整改回执及核查记录 are filed
    documents = [rectification_document_generate(actor=user(world, "inspector"), rectification_id=notice.pk,
                                                  kind=kind, pdf=False)
                 for kind in ("rectification_notice", "rectification_reply")]
    # then both carry the notice's number and no number was drawn for them
    assert [d.number for d in documents] == [notice.number, notice.number]
    assert IssuedNumber.objects.count() == registered
    assert list(IssuedNumber.objects.filter(number=notice.number).values_list("kind", "subject_id")) == [
        ("rectification_notice", notice.pk)]
    assert issue_notice(world, school=2).number == "甲督整〔2026〕2号"


def test_a_notice_number_typed_by_hand_that_the_office_gave_this_year_is_refused(world):
    first = issue_notice(world)
    finding = record_finding(world, school=2)
    with pytest.raises(ValidationError) as raised:
        rectification_issue(actor=user(world, "inspector"), finding_id=finding.pk, requirements="补齐台账",
                            number=first.number)
    assert list(raised.value.message_dict) == ["number"]
    assert not Rectification.objects.filter(finding=finding).exists()
    # a free number typed by hand is kept and registered
    own = rectification_issue(actor=user(world, "inspector"), finding_id=finding.pk, requirements="补齐台账",
                              number="甲督字〔2026〕88号")
    assert own.number == "甲督字〔2026〕88号" and IssuedNumber.objects.filter(number=own.number).exists()


def _filed(world, *, kind: str, number: str, day: int, subject_type: str, subject_id: int) -> Document:
    """A document as an earlier version filed it, straight into the archive."""
    return Document.objects.create(
        kind=kind, title=f"{kind} {subject_id}", number=number, office=world.a.office, school=world.a.schools[0],
        year=2026, date=datetime.date(2026, 3, day), data={"number": number}, data_sha256="0" * 64,
        docx=f"documents/{kind}-{subject_id}.docx", docx_sha256="0" * 64, subject_type=subject_type,
        subject_id=subject_id, created_by=world.a.users["office_admin"])


def test_the_data_migration_renumbers_duplicates_and_keeps_the_audit(world):
    # given what older versions left: a 督导通知书, a 通报 and a campaign's 督导通知书 all numbered
    # 甲教督〔2026〕1号 (the notice filed twice), and two notices with the same number typed by hand
    visit_notice = [_filed(world, kind="visit_notice", number="甲教督〔2026〕1号", day=2,
                           subject_type="inspections.visit", subject_id=501) for _ in range(2)]
    bulletin = _filed(world, kind="bulletin", number="甲教督〔2026〕1号", day=5, subject_type="inspections.escalation",
                      subject_id=502)
    campaign = _filed(world, kind="campaign_notice", number="甲教督〔2026〕1号", day=9,
                      subject_type="campaigns.target", subject_id=503)
    first, second = issue_notice(world), issue_notice(world, school=2)
    Rectification.objects.filter(pk=second.pk).update(number=first.number)
    quoted = rectification_document_generate(actor=user(world, "inspector"), rectification_id=second.pk,
                                             kind="rectification_notice", pdf=False)
    IssuedNumber.objects.all().delete()
    NumberSequence.objects.all().delete()
    # when the migration runs
    renumbered = migration.renumber_duplicates(apps)
    # then the first holder of each number keeps it and the later ones take the next of their pattern
    number = {d.pk: d.number for d in Document.objects.all()}
    assert renumbered == 3
    assert [number[d.pk] for d in visit_notice] == ["甲教督〔2026〕1号", "甲教督〔2026〕1号"]
    assert (number[bulletin.pk], number[campaign.pk]) == ("甲教督〔2026〕2号", "甲教督〔2026〕3号")
    second.refresh_from_db()
    assert (first.number, second.number, number[quoted.pk]) == ("甲督整〔2026〕1号", "甲督整〔2026〕2号", "甲督整〔2026〕2号")
    # the register knows every number once, with the number each renumbered holder had
    assert sorted(IssuedNumber.objects.exclude(replaces="").values_list("number", "replaces")) == [
        ("甲教督〔2026〕2号", "甲教督〔2026〕1号"), ("甲教督〔2026〕3号", "甲教督〔2026〕1号"),
        ("甲督整〔2026〕2号", "甲督整〔2026〕1号")]
    # each renumbering is in the audit trail, whose chain still verifies
    events = AuditEvent.objects.filter(action="documents.number.renumber").order_by("seq")
    assert [e.changes["number"] for e in events] == [["甲教督〔2026〕1号", "甲教督〔2026〕2号"],
                                                     ["甲教督〔2026〕1号", "甲教督〔2026〕3号"],
                                                     ["甲督整〔2026〕1号", "甲督整〔2026〕2号"]]
    assert events[0].target_id == str(bulletin.pk) and events[2].target_id == str(second.pk)
    assert events[2].region_path == world.a.office.region.path and events[2].school_id == second.school_id
    assert verify_chain() == []
    # running it again changes nothing; the next notice continues after the numbers on file
    assert migration.renumber_duplicates(apps) == 0
    assert issue_notice(world).number == "甲督整〔2026〕3号"
    # asking for the renumbered notice's document files it again, printed with its new number
    again = [rectification_document_generate(actor=user(world, "inspector"), rectification_id=second.pk,
                                             kind="rectification_notice", pdf=False) for _ in range(2)]
    assert again[0].pk != quoted.pk and again[1].pk == again[0].pk
    assert again[0].number == "甲督整〔2026〕2号" and "甲督整〔2026〕2号" in again[0].text
