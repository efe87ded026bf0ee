"""``dudao notify reminders`` reminds the inspectors and zone leaders of a work report falling due
in three calendar days and not yet submitted, once per report and due date."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from docx import Document as DocxDocument

from dudao.notifications.models import Kind, Notification
from dudao.workreports import services
from dudao.workreports.models import ReportPolicy, period_label
from dudao.workreports.tests import report_fixtures
from dudao.workreports.tests.report_fixtures import user

pytestmark = pytest.mark.django_db

world = report_fixtures.world


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def this_month_due() -> tuple[datetime.date, datetime.date]:
    """This month's first day and when its report falls due under the default rule (day 5 of the next month)."""
    first = timezone.localdate().replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following.replace(day=ReportPolicy.DEFAULT_MONTH_DAY)


def remind(on: datetime.date) -> None:
    call_command("notify", "reminders", "--date", on.isoformat(), stdout=open("/dev/null", "w"))  # noqa: SIM115


def due_messages(world, role: str, county: str = "a") -> list[Notification]:
    return list(Notification.objects.filter(recipient=getattr(world, county).users[role], kind=Kind.REPORT_DUE))


def test_the_inspector_and_the_zone_leader_are_reminded_of_this_months_report_once(
        world, django_capture_on_commit_callbacks):
    # given this month's report, due on the 5th of the next month, not yet written
    first, due = this_month_due()

    # when the reminders run four days before the due date, nothing is sent
    with django_capture_on_commit_callbacks(execute=True):
        remind(due - datetime.timedelta(days=4))
    assert due_messages(world, "inspector") == []

    # when they run three calendar days before it, twice, and the next day
    with django_capture_on_commit_callbacks(execute=True):
        remind(due - datetime.timedelta(days=3))
        remind(due - datetime.timedelta(days=3))
        remind(due - datetime.timedelta(days=2))

    # then the signed-in inspector (their report) and the zone leader (the zone's) are reminded once each
    [mine] = due_messages(world, "inspector")
    [zone] = due_messages(world, "zone_leader")
    assert period_label("month", first) in mine.title and world.a.inspectors[0].name in mine.title
    assert world.a.zones[0].name in zone.title
    # the office writes no inspector's report: it is not reminded
    assert due_messages(world, "office_admin") == []


def test_a_submitted_report_is_not_reminded_a_drafted_one_is(world, django_capture_on_commit_callbacks):
    # given the inspector drafted and submitted this month's report, and the zone leader only drafted the zone's
    first, due = this_month_due()
    mine = services.report_draft(actor=user(world, "inspector"), level="inspector", period_kind="month",
                                 period_start=first, pdf=False)
    with mine.draft.docx.open("rb") as handle:
        doc = DocxDocument(io.BytesIO(handle.read()))
    doc.add_paragraph("本月工作小结：按计划完成随访督导。")
    out = io.BytesIO()
    doc.save(out)
    services.report_submit(actor=user(world, "inspector"), report_id=mine.pk, pdf=False,
                           uploaded_file=SimpleUploadedFile("报告.docx", out.getvalue()))
    zone = services.report_draft(actor=user(world, "zone_leader"), level="zone", period_kind="month",
                                 period_start=first, zone_id=world.a.zones[0].pk, pdf=False)

    # when the reminders run three days before the due date
    with django_capture_on_commit_callbacks(execute=True):
        remind(due - datetime.timedelta(days=3))

    # then only the drafted one is reminded, with a link to it
    assert due_messages(world, "inspector") == []
    [message] = due_messages(world, "zone_leader")
    assert message.url == zone.get_absolute_url()
