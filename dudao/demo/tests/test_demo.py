"""The demo county: what ``dudao demo`` loads, who can sign in, and that it is repeatable.

Loading the demo with its year of visits takes seconds, so the tests that only read it share one
load (``TestLoadedDemo``, committed once for the class and flushed after it); the tests that need
an empty database or load it themselves come after the class.
"""

import datetime
import hashlib
import io
import re
import zipfile
from collections import Counter

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from dudao.accounts.models import Membership, Role, User
from dudao.audit.models import AuditEvent
from dudao.audit.services import verify_chain
from dudao.core.testing.downloads import TokenClient, body
from dudao.core.testing.xlsx import sheet_rows
from dudao.demo.loader import COUNTY_CODE, DEMO_PASSWORD, NEIGHBOUR_CODE, REDRAW, USERNAMES, build_demo
from dudao.demo.loop import CHECKIN_FAR_REASON, CHECKIN_MISSING_REASON
from dudao.documents.models import Document
from dudao.inspections.models import (
    Attachment,
    DeadlinePolicy,
    Escalation,
    Finding,
    LessonObservation,
    Recheck,
    Rectification,
    RectificationResponse,
    Visit,
)
from dudao.inspectors.models import Inspector, Listing
from dudao.inspectors.selectors import overloaded_inspectors
from dudao.instruments.models import Answer
from dudao.jobs.models import Job
from dudao.notifications.models import Channel, ChannelSettings, Delivery, Kind, Notification, Reminder
from dudao.organizations.models import CalendarDay, Office, Region, School, Zone, ZoneMembership
from dudao.organizations.working_days import covered_years, statutory_days_from_package
from dudao.plans.models import Task, WorkPlan

pytestmark = pytest.mark.django_db


def run_demo(*args, **options) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="class")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded and committed once for the class (as ``dudao demo`` does), flushed after."""
    media = tmp_path_factory.getbasetemp() / "media"  # where each test reads files from (conftest._media_in_tmp)
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        output = run_demo()
        try:
            yield output
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(loaded):
    return Region.objects.get(code=COUNTY_CODE)


def county_schools(county):
    return School.objects.filter(region__path__startswith=county.path)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count()
            for model in (Region, Office, School, Zone, ZoneMembership, Inspector, Listing, User, Membership,
                          AuditEvent, WorkPlan, Task, Visit, LessonObservation, Answer, Finding, Rectification,
                          RectificationResponse, Recheck, Escalation, Attachment, DeadlinePolicy)}


def fingerprint() -> list[tuple]:
    schools = School.objects.order_by("code").values_list(
        "code", "name", "kind", "enrolment_kindergarten", "enrolment_primary", "enrolment_junior",
        "enrolment_senior", "liaison_name", "liaison_phone", "principal_name",
    )
    inspectors = Inspector.objects.order_by("certificate_no").values_list("certificate_no", "name", "phone", "email")
    listings = Listing.objects.order_by("school__code", "valid_from").values_list(
        "school__code", "inspector__certificate_no", "valid_from", "valid_to")
    visits = Visit.objects.order_by("date", "school__code", "client_uuid").values_list(
        "client_uuid", "school__code", "date", "kind", "status", "methods", "purpose", "highlights", "problems",
        "feedback", "highlight_recommended")
    lessons = LessonObservation.objects.order_by(
        "visit__client_uuid", "class_name", "subject", "teacher", "topic", "rating", "comments",
    ).values_list("visit__client_uuid", "class_name", "subject", "teacher", "topic", "rating")
    notices = Rectification.objects.order_by("number").values_list(
        "number", "school__code", "finding__item_code", "finding__description", "issued_on", "deadline", "status",
        "closed_on")
    answers = RectificationResponse.objects.order_by("rectification__number", "submitted_at", "measures").values_list(
        "rectification__number", "measures", "submitted_at__date")
    return [*schools, *inspectors, *listings, *visits, *lessons, *notices, *answers]


def checked_bundle(data: bytes) -> list[tuple]:
    """Every file of a bundle matches its line of SHA256SUMS, SHA256SUMS lists every file, and the
    index lists exactly those files as packed with the same digests; returns the index rows."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    with translation.override("zh-hans"):
        index, packed = gettext("index"), gettext("packed")
    sums = {name: digest for digest, name in
            (line.split("  ", 1) for line in archive.read("SHA256SUMS").decode().splitlines())}
    files = sorted(set(archive.namelist()) - {"SHA256SUMS", f"{index}.html", f"{index}.xlsx"})
    assert files and files == sorted(sums)
    for name in files:
        assert hashlib.sha256(archive.read(name)).hexdigest() == sums[name], name
    rows = sheet_rows(archive.read(f"{index}.xlsx"))[1:]
    assert {f"{r[0]}/{r[1]}": r[6] for r in rows if r[7] == packed} == sums
    assert all(isinstance(r[5], datetime.datetime) for r in rows)  # dates as dates
    return rows


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class _Rollback(Exception):
    pass


def fingerprint_of(seed: int) -> list[tuple]:
    """Builds the demo with ``seed`` in a savepoint, reads its fingerprint, and rolls it back."""
    try:
        with transaction.atomic():
            build_demo(seed=seed)
            result = fingerprint()
            raise _Rollback
    except _Rollback:
        pass
    assert not Region.objects.filter(code=COUNTY_CODE).exists()
    return result


@pytest.mark.usefixtures("loaded")
class TestLoadedDemo:
    def test_visits_carry_check_ins_most_at_the_school_some_far_some_missing_with_the_reason(self, demo):
        # the county's schools have coordinates, so their visits were checked in against them
        schools = county_schools(demo)
        assert not schools.filter(latitude__isnull=True).exists()
        visits = Visit.objects.filter(school__in=schools)
        counts = Counter(visits.values_list("checkin_status", flat=True))
        assert counts[Visit.CheckinStatus.WITHIN] > visits.count() * 0.8
        assert counts[Visit.CheckinStatus.TOO_FAR] >= 1 and counts[Visit.CheckinStatus.NO_LOCATION] >= 1
        # a check-in too far or missing carries the reason the inspector typed; one at the school none
        for visit in visits.exclude(checkin_status=Visit.CheckinStatus.WITHIN):
            assert visit.checkin_reason in (CHECKIN_FAR_REASON, CHECKIN_MISSING_REASON), visit.pk
        within = visits.filter(checkin_status=Visit.CheckinStatus.WITHIN)
        assert all(0 <= d <= r for d, r in within.values_list("checkin_distance_m", "checkin_radius_m"))
        assert not within.exclude(checkin_reason="").exists()
        assert visits.filter(checkin_status=Visit.CheckinStatus.TOO_FAR, checkin_distance_m__gt=1500).exists()

    def test_this_years_statutory_calendar_with_its_adjusted_working_days_is_loaded(self, demo):
        # every day the statutory calendar package knows is loaded, this year's included when it knows it
        package = statutory_days_from_package()
        loaded = {d.date: (d.kind, d.name) for d in CalendarDay.objects.filter(office__isnull=True)}
        assert loaded == package
        year = timezone.localdate().year
        if any(day.year == year for day in package):
            assert year in covered_years()
            this_year = CalendarDay.objects.filter(office__isnull=True, date__year=year)
            assert this_year.filter(kind=CalendarDay.Kind.HOLIDAY).exists()
            assert any(d.weekday() >= 5 for d in this_year.filter(kind=CalendarDay.Kind.WORKING)
                       .values_list("date", flat=True))  # a 调休 Saturday or Sunday worked

    def test_the_office_has_a_delivery_log_of_messages_sent_by_e_mail(self, demo):
        # the office sends deadline, overdue, survey and report messages by e-mail as well
        office = Office.objects.get(region=demo)
        defaults = ChannelSettings.objects.get(office=office).defaults
        assert defaults[Kind.OVERDUE] == [Channel.EMAIL] and defaults[Kind.DEADLINE_SOON] == [Channel.EMAIL]
        # and its delivery log holds them, delivered through the local mail backend
        deliveries = Delivery.objects.filter(office=office)
        assert deliveries.filter(status=Delivery.Status.SENT, channel=Channel.EMAIL, attempts=1,
                                 sent_at__isnull=False).exists()
        assert not deliveries.filter(status=Delivery.Status.QUEUED).exists()
        assert deliveries.filter(notification__kind=Kind.OVERDUE).exists()
        # the day's reminders (if any deadline is that near today) went out as messages of their kind
        for kind, count in Counter(Reminder.objects.values_list("kind", flat=True)).items():
            assert Notification.objects.filter(kind=kind).count() >= count

    def test_loads_sixty_schools_in_five_zones_with_twelve_inspectors(self, demo):
        schools = county_schools(demo)
        assert 55 <= schools.count() <= 65
        assert set(schools.values_list("kind", flat=True)) == set(School.Kind.values)
        assert schools.filter(kind=School.Kind.KINDERGARTEN, ownership=School.Ownership.PRIVATE).exists()
        assert all(code.startswith(COUNTY_CODE) and len(code) == 10 for code in schools.values_list("code", flat=True))

        office = Office.objects.get(region=demo)
        zones = Zone.objects.filter(office=office)
        assert zones.count() == 5
        current = ZoneMembership.objects.filter(school__in=schools, valid_to__isnull=True)
        assert current.count() == schools.count()  # every school in exactly one zone now
        sizes = Counter(current.values_list("zone_id", flat=True))
        assert set(sizes) == set(zones.values_list("pk", flat=True))
        assert all(8 <= n <= 16 for n in sizes.values())

        inspectors = Inspector.objects.filter(office=office)
        assert inspectors.count() == 12
        assert inspectors.filter(kind=Inspector.Kind.FULL_TIME).count() == 4
        assert len(set(inspectors.values_list("name", flat=True))) == 12

    def test_enrolment_matches_the_kind_of_school(self, demo):
        schools = county_schools(demo)
        for school in schools.filter(kind=School.Kind.TEACHING_POINT):
            assert 20 <= school.enrolment_primary <= 60 and school.enrolment_total == school.enrolment_primary
        for school in schools.filter(kind=School.Kind.KINDERGARTEN):
            assert school.enrolment_total == school.enrolment_kindergarten > 0
        for school in schools.filter(kind=School.Kind.SENIOR):
            assert school.enrolment_senior >= 800 and school.enrolment_primary == 0
        for school in schools.filter(kind=School.Kind.NINE_YEAR):
            assert school.enrolment_primary > 0 and school.enrolment_junior > 0
        assert all(school.liaison_name and len(school.liaison_phone) == 11 for school in schools)

    def test_every_school_has_one_current_listing_and_one_inspector_has_six(self, demo):
        schools = county_schools(demo)
        per_school = Counter(Listing.objects.filter(school__in=schools, valid_to__isnull=True)
                             .values_list("school_id", flat=True))
        assert set(per_school) == set(schools.values_list("pk", flat=True))
        assert set(per_school.values()) == {1}

        per_inspector = Counter(Listing.objects.filter(school__in=schools, valid_to__isnull=True)
                                .values_list("inspector__name", flat=True))
        assert len(per_inspector) == 12
        assert sorted(per_inspector.values()).count(6) == 1
        assert all(4 <= n <= 6 for n in per_inspector.values())

        office_admin = User.objects.get(username="office_admin")
        assert [i.school_count for i in overloaded_inspectors(user=office_admin)] == [6]

    def test_history_is_dated_and_audited(self, demo):
        schools = county_schools(demo)
        ended_memberships = ZoneMembership.objects.filter(school__in=schools, valid_to__isnull=False)
        assert ended_memberships.count() == 2
        for ended in ended_memberships:
            assert ended.valid_to == REDRAW - datetime.timedelta(days=1)
            successor = ZoneMembership.objects.get(school=ended.school, valid_to__isnull=True)
            assert successor.valid_from == REDRAW and successor.zone_id != ended.zone_id

        ended_listings = Listing.objects.filter(school__in=schools, valid_to__isnull=False)
        assert ended_listings.count() >= 1
        for ended in ended_listings:
            successor = Listing.objects.get(school=ended.school, valid_to__isnull=True)
            assert successor.valid_from == REDRAW and successor.inspector_id != ended.inspector_id

        assert AuditEvent.objects.filter(action="organizations.zonemembership.move").count() >= 62
        assert AuditEvent.objects.filter(action="inspectors.listing.assign").count() >= 61
        assert verify_chain() == []

    def test_every_demo_user_signs_in_and_opens_their_pages(self, demo):
        # given every fixed login, one of the added inspectors and one of the added liaisons
        liaison_school = School.objects.get(user_memberships__user__username="liaison")
        timeline = f"/schools/{liaison_school.pk}/timeline/"
        inspector02 = User.objects.get(username="inspector02")
        other_liaison = User.objects.filter(username__startswith=f"liaison_{COUNTY_CODE}").order_by("username").first()
        pages = ["/", "/inspections/visits/", "/inspections/rectifications/", "/inspections/coverage/"]
        # (the contact of a bureau department works on directives only: their dashboard and the directives)
        own_pages = {"unit_liaison": ["/", "/directives/", "/directives/board/"]}
        for username in [*USERNAMES, inspector02.username, other_liaison.username]:
            client = Client()
            assert client.login(username=username, password=DEMO_PASSWORD), username
            # when / then: the dashboard and the pages of the loop open
            for url in own_pages.get(username, pages):
                assert client.get(url).status_code == 200, (username, url)
        # the school's own story opens for those who look after it, and not next door
        for username in ("office_admin", "inspector", "liaison", "principal", "city_admin"):
            client = Client()
            client.login(username=username, password=DEMO_PASSWORD)
            response = client.get(timeline)
            assert response.status_code == 200, username
            assert liaison_school.name in response.content.decode()
        neighbour = Client()
        neighbour.login(username="neighbour_admin", password=DEMO_PASSWORD)
        assert neighbour.get(timeline).status_code == 404
        sysadmin = Client()
        sysadmin.login(username="sysadmin", password=DEMO_PASSWORD)
        assert sysadmin.get("/admin/").status_code == 200

    def test_an_office_opens_demo_school_portraits_with_data(self, demo):
        # given the liaison's school and another of the county
        from dudao.reports.portrait import school_portrait

        school = School.objects.get(user_memberships__user__username="liaison")
        office = User.objects.get(username="office_admin")
        # when the office reads its portrait
        portrait = school_portrait(user=office, school_id=school.pk)
        # then every part holds the demo's records: the statistics return, visits, notices, a survey
        assert portrait.balance and len(portrait.balance["stages"][0]["indicators"]) == 7
        assert sum(t["visits"] for t in portrait.terms) > 0
        assert sum(portrait.notices.values()) > 0
        client = Client()
        client.login(username="office_admin", password=DEMO_PASSWORD)
        page = client.get(reverse("reports:school_portrait", args=[school.pk]))
        assert page.status_code == 200 and 'data-testid="radar"' in page.content.decode()
        other = (School.objects.for_user(office).exclude(pk=school.pk).filter(statistics_returns__isnull=False)
                 .distinct().order_by("code").first())
        compare = client.get(reverse("reports:school_compare") + f"?schools={school.pk},{other.pk}")
        assert compare.status_code == 200 and other.name in compare.content.decode()

    def test_every_inspector_signs_in_and_records_their_own_visits(self, demo):
        inspectors = Inspector.objects.filter(office__region=demo).select_related("user")
        assert all(i.user is not None for i in inspectors)
        added = User.objects.filter(username__regex=r"^inspector[0-9]{2}$")
        assert added.count() == 10  # the other two are ``zone_leader`` and ``inspector``
        assert all(Membership.objects.filter(user=u, role=Role.INSPECTOR).exists() for u in added)
        assert AuditEvent.objects.filter(action="accounts.membership.grant").count() >= 10
        visits = Visit.objects.filter(school__region__path__startswith=demo.path).select_related("inspector")
        assert visits.count() > 400
        assert all(v.created_by_id == v.inspector.user_id for v in visits)

    def test_a_year_of_visits_with_gaps_and_this_month_under_way(self, demo):
        today = timezone.localdate()
        schools = county_schools(demo)
        visits = Visit.objects.filter(school__in=schools, status=Visit.Status.SUBMITTED)
        first = (today.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
        assert not visits.filter(date__lt=first).exists() and not visits.filter(date__gt=today).exists()
        per_month = Counter((d.year, d.month) for d in visits.values_list("date", flat=True))
        assert len(per_month) >= 10  # visits in most months
        # term months are busy, the holidays quiet, and a busy month still misses some schools
        busy = [n for (_y, m), n in per_month.items() if m in (3, 4, 5, 6, 9, 10, 11, 12) and (_y, m) != (
            today.year, today.month)]
        quiet = [n for (_y, m), n in per_month.items() if m in (2, 7, 8)]
        assert busy and quiet and max(quiet) < min(busy) < schools.count()
        # every school is visited by its listed inspector about monthly
        per_school = Counter(visits.values_list("school_id", flat=True))
        assert set(per_school) == set(schools.values_list("pk", flat=True))
        assert all(n >= 5 for n in per_school.values())
        if today.day >= 20:
            this_month = visits.filter(date__year=today.year, date__month=today.month)
            visited = this_month.values("school").distinct().count()
            assert schools.count() / 2 <= visited <= schools.count() * 0.8
        # two drafts of ``inspector`` wait to be submitted
        drafts = Visit.objects.filter(status=Visit.Status.DRAFT)
        assert drafts.count() == 2 and set(drafts.values_list("created_by__username", flat=True)) == {"inspector"}

    @pytest.mark.parametrize("year", [2028])  # a leap year
    def test_the_year_drawn_keeps_its_promises_on_any_day(self, demo, year):
        """The demo loads on whatever day it is run: its promises hold on the first, middle and last day
        of every month, on 29 February and through the quiet weeks of the summer holiday."""
        import random

        from dudao.demo.loop import DEADLINE_DAYS, plan_loop

        schools = list(county_schools(demo))
        liaison_school = School.objects.get(user_memberships__user__username="liaison")
        drafts_for = Inspector.objects.get(user__username="inspector")
        days = sorted({datetime.date(year, m, d) for m in range(1, 13) for d in (1, 15)}
                      | {datetime.date(year, m + 1, 1) - datetime.timedelta(days=1) for m in range(1, 12)}
                      | {datetime.date(year, 12, 31), datetime.date(year, 2, 29)}
                      | {datetime.date(year, 8, d) for d in range(16, 32, 3)} | {datetime.date(year, 9, 2)})
        final = {"no_notice": None, "issued": "issued", "overdue": "issued", "overdue_interview": "issued",
                 "submitted": "submitted", "submitted_late": "submitted", "submitted_after_return": "submitted",
                 "returned": "returned", "returned_criticism": "returned", "closed": "closed",
                 "closed_after_return": "closed"}
        for day in days:
            visits, findings = plan_loop(random.Random(day.toordinal()), schools=schools, today=day,
                                         liaison_school=liaison_school, drafts_for=drafts_for)
            submitted = [v for v in visits if not v.draft]
            per_school = Counter(v.school.pk for v in submitted)
            per_month = Counter((v.date.year, v.date.month) for v in submitted)
            busy = [n for (y, m), n in per_month.items() if m in (3, 4, 5, 6, 9, 10, 11, 12) and (y, m) != (
                day.year, day.month)]
            quiet = [n for (_y, m), n in per_month.items() if m in (2, 7, 8)]
            assert set(per_school) == {s.pk for s in schools} and min(per_school.values()) >= 5, day
            assert len(per_month) >= 10 and busy and quiet and max(quiet) < min(busy) < len(schools), day
            assert sum(v.draft for v in visits) == 2, day
            notices = [f for f in findings if final[f.state]]
            assert 30 <= len(findings) <= 50, day
            assert {final[f.state] for f in notices} == set(Rectification.Status.values), day

            def overdue(f, day=day):
                return f.events[0][1] + datetime.timedelta(days=DEADLINE_DAYS[f.problem.severity]) < day

            assert any(final[f.state] == "issued" and overdue(f) for f in notices), day
            assert any(final[f.state] == "returned" and overdue(f) for f in notices), day
            assert {"overdue_interview", "returned_criticism", "closed_after_return"} <= {f.state for f in notices}
            mine = [final[f.state] for f in notices if f.visit.school.pk == liaison_school.pk]
            assert {"issued", "returned"} & set(mine) and "closed" in mine, day

    def test_visits_read_like_real_records(self, demo):
        visits = Visit.objects.filter(school__region__path__startswith=demo.path, status=Visit.Status.SUBMITTED)
        assert all(v.methods and v.purpose and v.feedback for v in visits)
        answers = Answer.objects.filter(response__visit__in=visits)
        values = Counter(answers.values_list("value", flat=True))
        assert values["正常"] > 10 * values["存在问题"] > 0
        assert not answers.filter(value="存在问题", note="").exists()
        assert visits.filter(highlight_recommended=True).exclude(highlights="").exists()
        assert "课后服务安排合理" in "".join(visits.values_list("highlights", flat=True))
        lessons = Counter(visits.annotate(n=Count("lessons")).values_list("n", flat=True))
        assert set(lessons) == {0, 1, 2}
        lesson = LessonObservation.objects.filter(visit__in=visits).exclude(teacher="").first()
        assert lesson.class_name and lesson.topic and lesson.rating in LessonObservation.Rating.values
        assert visits.filter(kind=Visit.Kind.FOLLOW_UP).exists()  # re-checks on the spot
        photos = Attachment.objects.filter(school__region__path__startswith=demo.path)
        assert photos.filter(visit__isnull=False).exists() and photos.filter(response__isnull=False).exists()
        assert all(a.content_type == "image/png" for a in photos)

    def test_findings_and_notices_in_every_state(self, demo):
        today = timezone.localdate()
        office = Office.objects.get(region=demo)
        policy = dict(DeadlinePolicy.objects.filter(office=office).values_list("severity", "days"))
        assert policy == {"minor": 30, "general": 30, "serious": 15, "urgent": 3}
        everything = Finding.objects.filter(school__region__path__startswith=demo.path)
        # the monthly loop's findings come from visits; the others are a campaign's problems or an
        # evaluation's rectification demands, each issued through the same services
        findings = everything.filter(visit__isnull=False)
        assert 30 <= findings.count() <= 50 and not findings.filter(item__isnull=True).exists()
        assert all(f.item.version_id == f.visit.checklist_id and f.item_code == f.item.code
                   for f in findings.select_related("item", "visit"))
        demanded = {d.get("rectification") for unit in apps.get_model("evaluations", "Unit").objects.all()
                    for d in unit.demands}
        for other in everything.filter(visit__isnull=True).prefetch_related("rectifications"):
            assert hasattr(other, "campaign_problem") or {n.pk for n in other.rectifications.all()} & demanded
        notices = Rectification.objects.filter(finding__in=findings).select_related("finding")
        assert set(notices.values_list("status", flat=True)) == set(Rectification.Status.values)
        assert all(n.deadline == n.issued_on + datetime.timedelta(days=policy[n.finding.severity]) for n in notices)
        assert notices.overdue(today).filter(status=Rectification.Status.ISSUED).exists()
        assert notices.overdue(today).filter(status=Rectification.Status.RETURNED).exists()
        # closed only after a re-check found it rectified; some were returned and answered again first
        for notice in notices.filter(status=Rectification.Status.CLOSED):
            assert notice.closed_on and notice.rechecks.filter(closed=True, result="rectified").exists()
        assert notices.filter(status=Rectification.Status.CLOSED).annotate(n=Count("responses")).filter(n=2).exists()
        # the school's liaison answers, after the notice was issued
        for answer in RectificationResponse.objects.filter(rectification__in=notices).select_related("rectification"):
            assert Membership.objects.filter(user=answer.submitted_by_id, role=Role.SCHOOL_LIAISON,
                                             school=answer.rectification.school_id).exists()
            assert answer.rectification.issued_on <= timezone.localdate(answer.submitted_at) <= today
        kinds = set(Escalation.objects.filter(rectification__in=notices).values_list("kind", flat=True))
        assert kinds == set(Escalation.Kind.values)
        # the liaison of 河口镇中心小学 has a notice to answer and one closed
        mine = notices.filter(school__user_memberships__user__username="liaison")
        assert mine.filter(status__in=["issued", "returned"]).exists() and mine.filter(status="closed").exists()

    def test_the_audit_trail_is_intact(self, demo):
        out = io.StringIO()
        call_command("audit", "verify", stdout=out)
        assert "chain intact" in out.getvalue()
        assert AuditEvent.objects.filter(action="inspections.visit.submit").count() >= 400
        assert AuditEvent.objects.filter(action="inspections.rectification.close").exists()

    def test_no_number_is_given_to_two_documents_in_an_office_year(self, demo):
        # every document carrying a number in an office's year is about one thing (a notice's
        # 整改通知书 and 整改回执及核查记录 quote the notice's own number)
        holders: dict[tuple, set] = {}
        for office, year, number, *subject in (Document.objects.exclude(number="")
                                               .values_list("office_id", "year", "number", "subject_type", "subject_id")
                                               .iterator()):
            holders.setdefault((office, year, number), set()).add(tuple(subject))
        office = Office.objects.get(region=demo)
        for pk, issued_on, number in Rectification.objects.filter(
                school__region__path__startswith=demo.path).values_list("pk", "issued_on", "number"):
            holders.setdefault((office.pk, issued_on.year, number), set()).add(("inspections.rectification", pk))
        kinds = set(Document.objects.exclude(number="").values_list("kind", flat=True))
        assert {"bulletin", "campaign_notice", "evaluation_notice", "opinion_letter"} <= kinds
        assert {key: subjects for key, subjects in holders.items() if len(subjects) > 1} == {}

    def test_summary_counts_the_loop(self, demo, loaded):
        visits = Visit.objects.filter(status=Visit.Status.SUBMITTED).count()
        assert f"{visits} 次随访督导" in loaded
        closed = Rectification.objects.filter(status=Rectification.Status.CLOSED).count()
        assert f"{closed} 已销号 (closed)" in loaded

    def test_inspector_liaison_and_principal_share_a_school(self, demo):
        inspector = Inspector.objects.get(user__username="inspector")
        school = School.objects.get(user_memberships__user__username="liaison")
        assert School.objects.get(user_memberships__user__username="principal") == school
        assert Listing.objects.get(school=school, valid_to__isnull=True).inspector == inspector
        client = Client()
        client.login(username="inspector", password=DEMO_PASSWORD)
        assert school.name in client.get("/").content.decode()

    def test_county_office_does_not_see_the_neighbour_but_the_city_does(self, demo):
        neighbour_school = School.objects.filter(region__code__startswith=NEIGHBOUR_CODE).first()
        demo_school = county_schools(demo).first()

        def page(username, url):
            client = Client()
            client.login(username=username, password=DEMO_PASSWORD)
            return client.get(url)

        county_list = page("office_admin", "/organizations/schools/?q=邻县").content.decode()
        assert neighbour_school.name not in county_list
        assert page("office_admin", neighbour_school.get_absolute_url()).status_code == 404

        city_list = page("city_admin", "/organizations/schools/?q=邻县").content.decode()
        assert neighbour_school.name in city_list
        assert page("city_admin", demo_school.get_absolute_url()).status_code == 200

        assert page("neighbour_admin", demo_school.get_absolute_url()).status_code == 404

    def test_an_office_packs_a_demo_school_year_and_its_own_year_for_an_inspection(
            self, demo, immediate_tasks, django_capture_on_commit_callbacks):
        # given the office administrator, and the liaison's school with its notices of a year
        school = School.objects.get(user_memberships__user__username="liaison")
        year = Document.objects.filter(school=school, kind="rectification_notice").latest("date").year
        client = Client()
        client.login(username="office_admin", password=DEMO_PASSWORD)
        for target in ({"school": school.pk}, {"office": Office.objects.get(region=demo).pk}):
            # when they ask for the bundle of the school's year, then of the office's year
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(reverse("documents:bundle_start"), {**target, "year": year})
            # then the job's page offers the zip, and every file in it checks out against SHA256SUMS and the index
            job = Job.objects.filter(kind="documents.bundle").latest("pk")
            assert response.url == job.get_absolute_url() and job.status == Job.Status.SUCCEEDED, job.detail
            assert reverse("jobs:job_result", args=[job.uuid]) in client.get(response.url).content.decode()
            rows = checked_bundle(body(client.get(reverse("jobs:job_result", args=[job.uuid]))))
            # and it holds every document file and evidence file of the year, notices among them
            where = {"school": school} if "school" in target else {"school__region__path__startswith": demo.path}
            documents = Document.objects.filter(year=year, **where) if "school" in target else Document.objects.filter(
                year=year, office__region__path__startswith=demo.path)
            evidence = Attachment.objects.filter(created_at__year=year, **where).count()
            assert len(rows) == sum(bool(d.docx) + bool(d.pdf) for d in documents) + evidence
            with translation.override("zh-hans"):
                assert gettext("Rectification notice") in {r[2] for r in rows}

    def test_an_api_client_starts_a_bundle_follows_the_job_and_downloads_the_zip_with_its_token(
            self, demo, immediate_tasks, django_capture_on_commit_callbacks):
        # given the liaison's API token
        school = School.objects.get(user_memberships__user__username="liaison")
        year = Document.objects.filter(school=school, kind="rectification_notice").latest("date").year
        token = TokenClient(User.objects.get(username="liaison"), password=DEMO_PASSWORD)
        api = Client(HTTP_AUTHORIZATION=f"Token {token.token}")
        # when they start the bundle of their school's year
        with django_capture_on_commit_callbacks(execute=True):
            started = api.post(reverse("api:documents-bundle-list"), {"school": school.pk, "year": year},
                               content_type="application/json")
        # then they follow the job to its end and download the zip with the same token, in their scope
        assert started.status_code == 202, started.content
        job = api.get(started.json()["url"]).json()
        assert job["status"] == "succeeded" and job["result_url"], job
        checked_bundle(body(token.get(job["result_url"])))
        other = county_schools(demo).exclude(pk=school.pk).first()
        assert api.post(reverse("api:documents-bundle-list"), {"school": other.pk, "year": year},
                        content_type="application/json").status_code == 404
        assert api.get(reverse("api:jobs-job-detail", args=[Job.objects.create(
            kind="documents.bundle", title="x", created_by=User.objects.get(username="office_admin")).uuid])
        ).status_code == 404  # someone else's job

    def test_office_opens_the_balance_analysis_of_this_and_last_year_with_cv_values(self, demo):
        # given the demo's two statistics years (the current one starts in September)
        from dudao.demo.balance import statistics_years
        from dudao.monitoring.models import StatisticsYear

        years = StatisticsYear.objects.filter(office__region=demo).order_by("year")
        assert [y.year for y in years] == list(statistics_years(timezone.localdate()))
        client = Client()
        client.login(username="office_admin", password=DEMO_PASSWORD)
        for year in years:
            # when the office opens each year's analysis, then every indicator of both levels has its CV
            html = client.get(f"/monitoring/{year.pk}/analysis/").content.decode()
            for stage in ("primary", "junior"):
                cells = re.findall(rf'data-testid="cv-{stage}-[^"]+">([^<]*)<', html)
                assert len(cells) == 7 and all(re.fullmatch(r"\d\.\d{3}", c.strip()) for c in cells), (year, cells)
        # and the trends and the city's roll-up are not empty
        trends = client.get(f"/monitoring/offices/{years[0].office_id}/trends/").content.decode()
        assert all(str(y.year) in trends for y in years)
        city = Client()
        city.login(username="city_admin", password=DEMO_PASSWORD)
        assert years[0].office.name in city.get("/monitoring/rollup/").content.decode()

    def test_running_twice_creates_nothing_new(self, demo):
        before = row_counts()
        output = run_demo()
        assert row_counts() == before
        assert "already loaded" in output
        assert "office_admin" in output and DEMO_PASSWORD in output


def test_another_seed_gives_other_data():
    # (the same seed giving the same data is checked by the reset test, which loads the demo twice)
    seven = fingerprint_of(7)
    assert len(seven) > 1000
    assert fingerprint_of(8) != seven


@pytest.mark.django_db(transaction=True)
def test_reset_flushes_and_reloads_the_same_data():
    # a real flush (TRUNCATE on PostgreSQL) cannot run inside the test's transaction
    run_demo()
    before, data = row_counts(), fingerprint()
    output = run_demo(reset=True, interactive=False)
    assert "--reset" in output
    assert row_counts() == before
    assert fingerprint() == data  # same seed, same day: same schools, visits, texts, dates and notices
    assert verify_chain() == []


def test_refuses_when_demo_rows_clash():
    User.objects.create(username="office_admin")
    with pytest.raises(CommandError, match="office_admin"):
        run_demo()
    assert not Region.objects.filter(code=COUNTY_CODE).exists()
