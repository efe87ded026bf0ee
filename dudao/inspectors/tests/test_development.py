"""Training file, case collection and terms of appointment (《督学管理暂行办法》, STANDARDS §6)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from dudao.audit.models import AuditEvent
from dudao.core.testing.downloads import tamper
from dudao.core.testing.factories import make_user
from dudao.core.testing.queries import assert_constant_queries
from dudao.core.testing.world import build_world, fresh
from dudao.core.testing.xlsx import sheet_rows, workbook_bytes
from dudao.core.workflow import TransitionNotAllowed
from dudao.inspectors.imports import COLUMNS, TrainingImporter
from dudao.inspectors.models import Case, Inspector, Term, TrainingAlert, TrainingRecord
from dudao.inspectors.selectors.development import training_ledger, training_overview
from dudao.inspectors.services import development as services
from dudao.notifications.models import Notification

D = datetime.date


@pytest.fixture
def world(db):
    return build_world()


def user(world, role, county="a"):
    return fresh(getattr(world, county).users[role])


def colleague(world):
    """A login for county A's second inspector."""
    inspector = Inspector.objects.get(pk=world.a.inspectors[1].pk)
    inspector.user = make_user("a_inspector2", "inspector", office=world.a.office)
    inspector.save(update_fields=["user"])
    return fresh(inspector.user)


def train(actor, inspector, kind, hours, day=D(2026, 4, 8), course="督学培训班"):
    return services.training_record_save(actor=actor, instance=TrainingRecord(
        inspector=inspector, course=course, kind=kind, start_date=day, hours=Decimal(hours)))


# ---- the 40-hour floor -------------------------------------------------------------------------------

def test_only_centralised_hours_count_toward_the_floor(world):
    # given 30 centralised hours and 50 hours of online learning and self-study
    admin, inspector = user(world, "office_admin"), world.a.inspectors[0]
    train(admin, inspector, "centralised", "30")
    train(admin, inspector, "online", "30")
    train(admin, inspector, "self_study", "20")

    # when the ledger of the year is read
    row = training_ledger(user=admin, inspector=inspector, year=2026)["row"]

    # then only the 30 centralised hours count: 10 short of 40 although the total is 80
    assert (row.centralised, row.total, row.floor) == (Decimal(30), Decimal(80), Decimal(40))
    assert row.below_floor and row.missing == Decimal(10)
    train(admin, inspector, "centralised", "10")
    assert not training_ledger(user=admin, inspector=inspector, year=2026)["row"].below_floor


def test_the_office_sets_its_own_floor(world):
    # given 30 centralised hours and the office lowering its floor to 24
    admin, inspector = user(world, "office_admin"), world.a.inspectors[0]
    train(admin, inspector, "centralised", "30")
    services.inspector_policy_set(actor=admin, office_id=world.a.office.pk, training_floor_hours="24",
                                  term_reminder_days=30)

    # then the inspector meets it; county B keeps the default of 40
    assert not training_ledger(user=admin, inspector=inspector, year=2026)["row"].below_floor
    b_admin = user(world, "office_admin", "b")
    train(b_admin, world.b.inspectors[0], "centralised", "30")
    assert training_ledger(user=b_admin, inspector=world.b.inspectors[0], year=2026)["row"].floor == Decimal(40)
    with pytest.raises(PermissionDenied):
        services.inspector_policy_set(actor=user(world, "office_staff"), office_id=world.a.office.pk,
                                      training_floor_hours="10", term_reminder_days=30)


def test_overview_flags_inspectors_below_the_floor_first(world, client):
    # given inspector 1 with 40 centralised hours and inspector 0 with 12
    admin = user(world, "office_admin")
    train(admin, world.a.inspectors[1], "centralised", "40")
    train(admin, world.a.inspectors[0], "centralised", "12")

    # when the office opens the overview of 2026
    rows = training_overview(user=admin, year=2026)
    client.force_login(admin)
    page = client.get(reverse("inspectors:training_overview") + "?year=2026").content.decode()

    # then the inspector below the floor comes first and the page alerts about them
    assert [r.inspector.pk for r in rows] == [world.a.inspectors[0].pk, world.a.inspectors[1].pk]
    assert 'data-testid="below-floor-alert"' in page
    assert f'data-inspector="{world.a.inspectors[0].pk}" class="table-warning" data-below="1"' in page
    assert world.b.inspectors[0].name not in page


def test_training_alerts_go_out_in_the_fourth_quarter_once(world):
    # given inspector 0 (with a login) at 12 centralised hours, inspector 1 at 40
    admin = user(world, "office_admin")
    train(admin, world.a.inspectors[0], "centralised", "12")
    train(admin, world.a.inspectors[1], "centralised", "40")

    # when the reminder runs in September, then in October, then again
    with_september = services.training_alerts_send(on=D(2026, 9, 30))
    october = services.training_alerts_send(on=D(2026, 10, 1))
    again = services.training_alerts_send(on=D(2026, 10, 2))

    # then nothing before Q4; in October county A's inspector 0 (and B's, with no hours) once
    assert with_september == []
    alerted = {a.inspector_id for a in october}
    assert world.a.inspectors[0].pk in alerted and world.a.inspectors[1].pk not in alerted
    assert again == []
    assert TrainingAlert.objects.filter(inspector=world.a.inspectors[0], year=2026).count() == 1


@pytest.mark.django_db(transaction=True)
def test_training_alert_notifies_inspector_and_office_once():
    # given the world, committed so that notifications sent after commit arrive
    world = build_world()
    admin = user(world, "office_admin")
    train(admin, world.a.inspectors[0], "centralised", "12")

    # when the command runs twice in November
    out = io.StringIO()
    call_command("remind_training", "--date", "2026-11-02", stdout=out)
    call_command("remind_training", "--date", "2026-11-03", stdout=io.StringIO())

    # then the inspector and the county's office each got one message
    assert Notification.objects.filter(recipient=world.a.users["inspector"]).count() == 1
    assert Notification.objects.filter(recipient=world.a.users["office_admin"]).count() == 1
    assert Notification.objects.filter(recipient=world.b.users["office_admin"], title__contains="2026").count() == 1
    assert "alerted" in out.getvalue()


def test_an_inspector_keeps_only_their_own_file(world):
    # given the inspector and a colleague of the same office
    me, other = user(world, "inspector"), colleague(world)
    mine = train(me, world.a.inspectors[0], "centralised", "8")

    # then they add to their own file but not to the colleague's, and do not see it
    with pytest.raises(PermissionDenied):
        train(me, world.a.inspectors[1], "centralised", "8")
    theirs = train(other, world.a.inspectors[1], "online", "3")
    assert set(TrainingRecord.objects.for_user(me)) == {mine}
    assert theirs not in TrainingRecord.objects.for_user(me)
    assert TrainingRecord.objects.for_user(user(world, "office_staff")).count() == 2
    assert TrainingRecord.objects.for_user(user(world, "office_admin", "b")).count() == 0
    assert TrainingRecord.objects.for_user(user(world, "school_liaison")).count() == 0


# ---- Excel -----------------------------------------------------------------------------------------------

def test_import_then_export_reads_back_and_imports_again(world, client):
    # given a workbook with two courses of inspector 0 (集中培训 and 网络学习)
    admin = user(world, "office_admin")
    cert = world.a.inspectors[0].certificate_no
    data = workbook_bytes(list(COLUMNS), [
        [cert, "甲县督学1", "市级督学集中培训班", "示范市督导室", "集中培训", "2026-04-08", "2026-04-10", 24],
        [cert, "甲县督学1", "国家教育督导网络课程", "", "网络学习", "2026-05-01", "", "6.5"],
    ])

    # when it is imported through the page
    client.force_login(admin)
    upload = io.BytesIO(data)
    upload.name = "培训.xlsx"
    response = client.post(reverse("inspectors:training_import"), {"file": upload})

    # then both rows are written, audited, and the ledger export reads back the same rows
    assert response.status_code == 302
    records = TrainingRecord.objects.filter(inspector=world.a.inspectors[0]).order_by("start_date")
    assert [(r.kind, r.hours) for r in records] == [("centralised", Decimal("24.0")), ("online", Decimal("6.5"))]
    assert AuditEvent.objects.filter(action="inspectors.trainingrecord.create").count() == 2
    export = client.get(reverse("inspectors:training_list") + f"?inspector={world.a.inspectors[0].pk}&export=ledger")
    rows = sheet_rows(export.content)
    assert rows[0] == tuple(COLUMNS)
    assert {(r[2], r[4], r[7]) for r in rows[1:]} == {("市级督学集中培训班", "集中培训", 24), ("国家教育督导网络课程", "网络学习", 6.5)}
    report = TrainingImporter(admin).validate(io.BytesIO(export.content))
    assert report.ok and len(report.rows) == 2


def test_import_reports_every_problem_and_writes_nothing(world):
    # given a file with an unknown kind, a certificate of county B and a bad date
    admin = user(world, "office_admin")
    data = workbook_bytes(list(COLUMNS), [
        [world.a.inspectors[0].certificate_no, "", "培训", "", "集中培训", "2026-04-08", "", 8],
        [world.a.inspectors[0].certificate_no, "", "培训", "", "讲座", "2026-04-08", "", 8],
        [world.b.inspectors[0].certificate_no, "", "培训", "", "自学", "2026/13/01", "", 8],
    ])

    # when it is validated
    report = TrainingImporter(admin).validate(io.BytesIO(data))

    # then each problem has its row and column, and nothing was written
    problems = {(e.row, e.column) for e in report.errors}
    assert {(3, "培训形式"), (4, "督学证编号"), (4, "开始日期")} <= problems
    assert TrainingRecord.objects.count() == 0


def test_training_list_runs_constant_queries(world, client):
    admin = user(world, "office_admin")
    client.force_login(admin)
    inspectors = world.a.inspectors

    def grow(k):
        for i in range(k):
            train(admin, inspectors[i % 2], "centralised", "2", course=f"课程{i}")

    def fetch():
        assert client.get(reverse("inspectors:training_list")).status_code == 200

    assert_constant_queries(fetch, grow, n=2, m=22)


# ---- terms ------------------------------------------------------------------------------------------------

def test_a_fourth_consecutive_term_is_refused(world):
    # given three consecutive terms of a part-time inspector
    admin, inspector = user(world, "office_admin"), world.a.inspectors[1]
    terms = [services.term_add(actor=admin, inspector_id=inspector.pk, start=D(y, 9, 1)) for y in (2017, 2020, 2023)]
    assert [(t.number, t.end) for t in terms] == [(1, D(2020, 8, 31)), (2, D(2023, 8, 31)), (3, D(2026, 8, 31))]

    # when a fourth is recorded right after the third, then after a break of more than a year
    with translation.override("en"), pytest.raises(ValidationError, match="fourth"):
        services.term_add(actor=admin, inspector_id=inspector.pk, start=D(2026, 9, 1))
    fresh_start = services.term_add(actor=admin, inspector_id=inspector.pk, start=D(2028, 3, 1))

    # then only the term after the break is recorded, as a first term again
    assert fresh_start.number == 1
    assert Term.objects.filter(inspector=inspector).count() == 4
    assert AuditEvent.objects.filter(action="inspectors.term.create").count() == 4


def test_terms_refuse_overlaps_and_full_time_inspectors(world):
    admin = user(world, "office_admin")
    services.term_add(actor=admin, inspector_id=world.a.inspectors[1].pk, start=D(2024, 9, 1))
    with pytest.raises(ValidationError):
        services.term_add(actor=admin, inspector_id=world.a.inspectors[1].pk, start=D(2026, 1, 1))
    full_time = Inspector.objects.get(pk=world.a.inspectors[0].pk)
    full_time.kind = Inspector.Kind.FULL_TIME
    full_time.save(update_fields=["kind"])
    with pytest.raises(ValidationError):
        services.term_add(actor=admin, inspector_id=full_time.pk, start=D(2024, 9, 1))
    with pytest.raises(Inspector.DoesNotExist):
        services.term_add(actor=user(world, "office_admin", "b"), inspector_id=world.a.inspectors[1].pk,
                          start=D(2030, 1, 1))


@pytest.mark.django_db(transaction=True)
def test_term_reminders_go_out_once_before_the_end():
    # given a term ending 2026-08-31 and another ending in 2029
    world = build_world()
    admin = user(world, "office_admin")
    soon = services.term_add(actor=admin, inspector_id=world.a.inspectors[0].pk, start=D(2023, 9, 1))
    services.term_add(actor=admin, inspector_id=world.a.inspectors[1].pk, start=D(2026, 9, 1))

    # when the command runs 70 days before the end, then 59 days before, then again
    call_command("remind_terms", "--date", "2026-06-22", stdout=io.StringIO())
    assert Term.objects.get(pk=soon.pk).reminded_on is None
    call_command("remind_terms", "--date", "2026-07-03", stdout=io.StringIO())
    call_command("remind_terms", "--date", "2026-07-04", stdout=io.StringIO())

    # then the office and the inspector were told once, and the term shows when
    assert Term.objects.get(pk=soon.pk).reminded_on == D(2026, 7, 3)
    assert Notification.objects.filter(recipient=world.a.users["office_admin"]).count() == 1
    assert Notification.objects.filter(recipient=world.a.users["inspector"]).count() == 1
    assert not Notification.objects.filter(recipient=world.b.users["office_admin"]).exists()
    assert AuditEvent.objects.filter(action="inspectors.term.remind").count() == 1


def test_terms_show_on_the_inspector_page(world, client):
    admin = user(world, "office_admin")
    services.term_add(actor=admin, inspector_id=world.a.inspectors[0].pk, start=D(2024, 1, 1))
    client.force_login(admin)
    page = client.get(reverse("inspectors:inspector_detail", args=[world.a.inspectors[0].pk])).content.decode()
    assert 'data-testid="terms"' in page
    assert "2026-12-31" in page or "2026年12月31日" in page
    client.force_login(user(world, "principal"))
    page = client.get(reverse("inspectors:inspector_detail", args=[world.a.inspectors[0].pk])).content.decode()
    assert 'data-testid="terms"' not in page


# ---- cases ------------------------------------------------------------------------------------------------

def test_case_workflow_from_draft_to_published(world):
    # given a case written by the inspector
    me, admin = user(world, "inspector"), user(world, "office_admin")
    case = services.case_create(actor=me, title="以“一校一案”推进课后服务", text="做法与成效……")
    peer = colleague(world)
    assert case not in Case.objects.for_user(peer)

    # when submitted, returned with a reason, submitted again, accepted and published
    services.case_submit(actor=me, case_id=case.pk)
    with pytest.raises(ValidationError):
        services.case_return(actor=admin, case_id=case.pk, reason="")
    services.case_return(actor=admin, case_id=case.pk, reason="请补充数据")
    services.case_update(actor=me, case_id=case.pk, title=case.title, text="做法与成效，附数据", year=2026)
    services.case_submit(actor=me, case_id=case.pk)
    with pytest.raises(PermissionDenied):
        services.case_accept(actor=me, case_id=case.pk)
    services.case_accept(actor=admin, case_id=case.pk)
    services.case_publish(actor=admin, case_id=case.pk)

    # then it is published, every step audited, and every inspector of the office reads it
    case.refresh_from_db()
    assert case.status == Case.Status.PUBLISHED and case.published_at is not None
    actions = list(AuditEvent.objects.filter(target_id=case.pk, action__startswith="inspectors.case.")
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["inspectors.case.create", "inspectors.case.submit", "inspectors.case.return",
                       "inspectors.case.update", "inspectors.case.submit", "inspectors.case.accept",
                       "inspectors.case.publish"]
    assert case in Case.objects.for_user(peer)
    assert case not in Case.objects.for_user(user(world, "inspector", "b"))
    with pytest.raises(TransitionNotAllowed):
        services.case_submit(actor=me, case_id=case.pk)


def test_case_api_twins_answer_409_on_a_wrong_state(world, client):
    me, admin = user(world, "inspector"), user(world, "office_admin")
    client.force_login(me)
    created = client.post(reverse("api:inspectors-case-list"), {"title": "案例", "text": "正文"},
                          content_type="application/json")
    assert created.status_code == 201
    pk = created.json()["id"]
    assert client.post(reverse("api:inspectors-case-submit", args=[pk])).json()["status"] == "submitted"
    assert client.post(reverse("api:inspectors-case-accept", args=[pk])).status_code == 403
    assert client.post(reverse("api:inspectors-case-submit", args=[pk])).status_code == 409
    client.force_login(admin)
    assert client.post(reverse("api:inspectors-case-publish", args=[pk])).status_code == 409
    assert client.post(reverse("api:inspectors-case-accept", args=[pk])).json()["status"] == "accepted"
    assert client.post(reverse("api:inspectors-case-publish", args=[pk])).json()["status"] == "published"
    client.force_login(user(world, "office_admin", "b"))
    assert client.post(reverse("api:inspectors-case-return", args=[pk]), {"reason": "x"}).status_code == 404


def test_case_pages_and_attachment(world, client):
    me = user(world, "inspector")
    client.force_login(me)
    response = client.post(reverse("inspectors:case_add"), {"title": "家校共育案例", "year": 2026, "text": "正文"})
    case = Case.objects.get(title="家校共育案例")
    assert response.status_code == 302
    pdf = io.BytesIO(b"%PDF-1.4\n%test\n")
    pdf.name = "附件.pdf"
    client.post(reverse("inspectors:case_attach", args=[case.pk]), {"file": pdf})
    fake = io.BytesIO(b"MZ not a pdf")
    fake.name = "evil.pdf"
    client.post(reverse("inspectors:case_attach", args=[case.pk]), {"file": fake})
    assert [a.original_name for a in case.attachments.all()] == ["附件.pdf"]
    download = client.get(reverse("inspectors:case_file", args=[case.pk, case.attachments.get().pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    client.post(reverse("inspectors:case_transition", args=[case.pk, "submit"]))
    client.force_login(user(world, "office_admin"))
    page = client.get(reverse("inspectors:case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="transition-accept"' in page
    client.force_login(user(world, "inspector", "b"))
    assert client.get(reverse("inspectors:case_file", args=[case.pk, case.attachments.get().pk])).status_code == 404


def test_an_altered_case_file_is_refused_as_altered(world, client):
    me = user(world, "inspector")
    client.force_login(me)
    case = services.case_create(actor=me, title="附件被改的案例", text="正文")
    pdf = io.BytesIO(b"%PDF-1.4\n%test\n")
    pdf.name = "附件.pdf"
    client.post(reverse("inspectors:case_attach", args=[case.pk]), {"file": pdf})
    attachment = case.attachments.get()
    tamper(attachment.file)
    assert client.get(reverse("inspectors:case_file", args=[case.pk, attachment.pk])).status_code == 409


def test_case_list_runs_constant_queries(world, client):
    me = user(world, "inspector")
    client.force_login(user(world, "office_admin"))

    def grow(k):
        for i in range(k):
            services.case_create(actor=me, title=f"案例{i}", text="正文")

    def fetch():
        assert client.get(reverse("inspectors:case_list")).status_code == 200

    assert_constant_queries(fetch, grow, n=2, m=22)
