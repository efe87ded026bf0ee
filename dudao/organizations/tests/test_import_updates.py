"""Importing the school list again, with changes: the schools that changed are updated in bulk, each
with one audit event listing exactly what changed; a school whose zone changed moves by the zone
service's rules (the current period ends the day before, nothing is deleted, nothing overlaps); an
unchanged row writes nothing; a bad row anywhere writes nothing at all; and the number of queries
does not grow with the number of rows."""

import datetime
import io

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from dudao.audit.models import AuditEvent
from dudao.audit.services import model_save, verify_chain
from dudao.core.testing.factories import SchoolFactory, ZoneMembershipFactory
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.core.testing.xlsx import workbook_bytes
from dudao.jobs.models import Job
from dudao.organizations.imports import SchoolImporter
from dudao.organizations.models import School, ZoneMembership, pinyin_key
from dudao.organizations.services import zone_assign_school

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
SEPTEMBER = datetime.date(2025, 9, 1)
HEADERS = [f"{h}*" if h in SchoolImporter.required else h for h in SchoolImporter.columns]
UPDATE, MOVE, END, CORRECT = (f"organizations.{a}" for a in (
    "school.update", "zonemembership.move", "zonemembership.end", "zonemembership.correct"))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


@pytest.fixture
def admin(world):
    return fresh(world.a.users["office_admin"])


def make_schools(world, count: int, prefix: str = "77", since=SEPTEMBER) -> list:
    """``count`` schools of county A, in zone 1 and zone 2 by turns since ``since`` (None: in none)."""
    schools = [SchoolFactory(code=f"360101{prefix}{i:02d}", name=f"甲县导入{i}小学", region=world.a.township,
                             address=f"人民路{i}号") for i in range(count)]
    for i, school in enumerate(schools):
        if since is not None:
            ZoneMembershipFactory(zone=world.a.zones[i % 2], school=school, valid_from=since)
    return schools


def row(school, zone=None, **changes) -> list:
    """The school's row as it stands (in ``zone``), with ``changes`` (field names) applied."""
    values = {"code": school.code, "name": school.name, "kind": school.kind, "ownership": school.ownership,
              "location": school.location, "region": school.region.code, "zone": zone.name if zone else "",
              "address": school.address, "enrolment_kindergarten": school.enrolment_kindergarten,
              "enrolment_primary": school.enrolment_primary, "enrolment_junior": school.enrolment_junior,
              "enrolment_senior": school.enrolment_senior, "liaison_name": school.liaison_name,
              "liaison_phone": school.liaison_phone, "principal_name": school.principal_name}
    values.update(changes)
    return [values.get(field) for field in SchoolImporter.columns.values()]


def run_import(actor, rows):
    """Validates the workbook of ``rows`` and, if it passes, writes it in one transaction."""
    importer = SchoolImporter(actor)
    report = importer.validate(io.BytesIO(workbook_bytes(HEADERS, rows)))
    if report.ok:
        with transaction.atomic():
            importer.write(report.rows)
    return report


def history(school) -> list:
    return list(ZoneMembership.objects.filter(school=school).order_by("valid_from")
                .values_list("zone_id", "valid_from", "valid_to"))


def school_events(school) -> list:
    """The events of the school and of its memberships, in the order written: (action, changes)."""
    memberships = [str(pk) for pk in ZoneMembership.objects.filter(school=school).values_list("pk", flat=True)]
    return [(e.action, e.changes) for e in AuditEvent.objects.filter(school_id=school.pk).order_by("seq")
            if e.target_id == str(school.pk) or e.target_id in memberships]


def state(schools) -> list:
    """Everything the import may change about ``schools``."""
    fields = [f.attname for f in School._meta.concrete_fields]
    return [(School.objects.filter(pk=s.pk).values(*fields).get(), history(s)) for s in schools]


def test_reimport_changes_exactly_the_rows_that_changed(world, admin):
    # given six schools in zones 1 and 2 since September
    schools = make_schools(world, 6)
    zone1, zone2 = world.a.zones
    before = {s.pk: s.updated_at for s in School.objects.filter(pk__in=[s.pk for s in schools])}
    memberships = set(ZoneMembership.objects.values_list("pk", flat=True))
    first_event = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    # when the list comes back with changes on rows 2 to 5
    report = run_import(admin, [
        row(schools[0], zone1),                                        # unchanged
        row(schools[1], zone2, address="解放路1号"),                    # one field
        row(schools[2], zone1, name="甲县实验小学", enrolment_primary=650),  # two fields
        row(schools[3], zone1),                                        # the zone only: 2 → 1
        row(schools[4], zone2, address="解放路4号"),                    # a field and the zone: 1 → 2
        row(schools[5]),                                               # no zone given: left as it is
    ])

    # then the changed fields are written, the unchanged rows are untouched
    assert report.ok, [e.as_dict() for e in report.errors]
    fresh_schools = {s.pk: s for s in School.objects.filter(pk__in=[s.pk for s in schools])}
    assert fresh_schools[schools[1].pk].address == "解放路1号"
    renamed = fresh_schools[schools[2].pk]
    assert (renamed.name, renamed.enrolment_primary) == ("甲县实验小学", 650)
    assert renamed.sort_key == pinyin_key("甲县实验小学")
    assert fresh_schools[schools[4].pk].address == "解放路4号"
    for unchanged in (0, 3, 5):
        assert fresh_schools[schools[unchanged].pk].updated_at == before[schools[unchanged].pk]

    # and each changed school has one event with exactly its changes, the moved ones theirs
    ended = (TODAY - DAY).isoformat()
    assert school_events(schools[0]) == []
    assert school_events(schools[1]) == [(UPDATE, {"address": ["人民路1号", "解放路1号"]})]
    assert school_events(schools[2]) == [(UPDATE, {"name": ["甲县导入2小学", "甲县实验小学"],
                                                   "enrolment_primary": [600, 650]})]
    assert school_events(schools[3]) == [(END, {"valid_to": [None, ended]}), (MOVE, {"zone": [zone2.name, zone1.name]})]
    assert school_events(schools[4]) == [(UPDATE, {"address": ["人民路4号", "解放路4号"]}),
                                         (END, {"valid_to": [None, ended]}), (MOVE, {"zone": [zone1.name, zone2.name]})]
    assert school_events(schools[5]) == []
    assert AuditEvent.objects.filter(seq__gt=first_event).count() == 3 + 2 * 2
    assert {e.reason for e in AuditEvent.objects.filter(seq__gt=first_event)} == {gettext("Excel import")}

    # and the moved schools' periods are split the day before, nothing deleted, nothing overlapping
    assert history(schools[3]) == [(zone2.pk, SEPTEMBER, TODAY - DAY), (zone1.pk, TODAY, None)]
    assert history(schools[4]) == [(zone1.pk, SEPTEMBER, TODAY - DAY), (zone2.pk, TODAY, None)]
    for unmoved in (0, 1, 2, 5):
        assert history(schools[unmoved]) == [(world.a.zones[unmoved % 2].pk, SEPTEMBER, None)]
    assert memberships <= set(ZoneMembership.objects.values_list("pk", flat=True))
    assert verify_chain() == []


def test_reimport_of_an_unchanged_list_writes_nothing(world, admin):
    schools = make_schools(world, 4)
    rows = [row(s, world.a.zones[i % 2]) for i, s in enumerate(schools)]
    states, events = state(schools), AuditEvent.objects.count()

    assert run_import(admin, rows).ok

    assert state(schools) == states
    assert AuditEvent.objects.count() == events


def test_zone_changes_follow_the_zone_service_rules(world, admin):
    # given a school whose period starts today, one in no zone, and one with a gap around today
    zone1, zone2 = world.a.zones
    today_school, = make_schools(world, 1, prefix="71", since=TODAY)
    homeless, = make_schools(world, 1, prefix="72", since=None)
    gapped, = make_schools(world, 1, prefix="73", since=None)
    ZoneMembershipFactory(zone=zone1, school=gapped, valid_from=SEPTEMBER, valid_to=TODAY - 10 * DAY)
    ZoneMembershipFactory(zone=zone1, school=gapped, valid_from=TODAY + 10 * DAY)

    # when the list puts all three in zone 2
    report = run_import(admin, [row(today_school, zone2), row(homeless, zone2), row(gapped, zone2)])

    # then today's period is corrected, the school in no zone joins from today, and the gap is filled
    assert report.ok, [e.as_dict() for e in report.errors]
    assert history(today_school) == [(zone2.pk, TODAY, None)]
    assert school_events(today_school) == [(CORRECT, {"zone": [zone1.name, zone2.name]}),
                                           (MOVE, {"zone": [zone1.name, zone2.name]})]
    assert history(homeless) == [(zone2.pk, TODAY, None)]
    assert school_events(homeless) == [(MOVE, {"zone": [None, zone2.name]})]
    assert history(gapped) == [(zone1.pk, SEPTEMBER, TODAY - 10 * DAY), (zone2.pk, TODAY, TODAY + 9 * DAY),
                               (zone1.pk, TODAY + 10 * DAY, None)]


def test_a_move_the_zone_service_refuses_is_reported_on_its_row(world, admin):
    # given a school whose only period starts next week
    schools = make_schools(world, 2)
    later, = make_schools(world, 1, prefix="74", since=TODAY + 7 * DAY)
    states, events = state([*schools, later]), AuditEvent.objects.count()

    # when the list moves it today, next to a valid change
    report = run_import(admin, [row(schools[0], world.a.zones[0], address="新地址"), row(later, world.a.zones[1])])

    # then its row is reported on the zone column, and nothing is written
    assert [(e.row, e.column) for e in report.errors] == [(3, "督学责任区")]
    assert (TODAY + 7 * DAY).isoformat() in report.errors[0].message
    assert state([*schools, later]) == states
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("bad", [0, 3, 7])
def test_a_bad_row_anywhere_writes_nothing(world, admin, bad):
    # given eight rows that change fields and zones, one of them (first, middle or last) bad
    schools = make_schools(world, 8)
    rows = [row(s, world.a.zones[(i + 1) % 2], address=f"解放路{i}号") for i, s in enumerate(schools)]
    rows[bad] = row(schools[bad], world.a.zones[0], kind="大学")
    states, events = state(schools), AuditEvent.objects.count()

    report = run_import(admin, rows)

    assert [(e.row, e.column) for e in report.errors] == [(bad + 2, "学校类型")]
    assert state(schools) == states
    assert AuditEvent.objects.count() == events


def changing_rows(world, schools) -> list:
    """Rows that change every school: the address of all, the zone of every other one."""
    return [row(s, world.a.zones[i % 2] if i % 4 < 2 else world.a.zones[(i + 1) % 2], address=f"解放路{i}号")
            for i, s in enumerate(schools)]


def test_reimport_queries_do_not_grow_with_the_rows(world, admin, django_assert_max_num_queries):
    # given 4 schools and 24 schools, half of each to move (and the caches warm: one import first);
    # 24 schools make 48 audit events, within one insert even on SQLite (999 parameters a statement)
    warm, small, large = (make_schools(world, n, prefix=p) for n, p in ((2, "74"), (4, "75"), (24, "76")))
    assert run_import(admin, changing_rows(world, warm)).ok
    counts = []
    for schools in (small, large):
        importer = SchoolImporter(admin)
        # when each list is validated and written
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(26):
            report = importer.validate(io.BytesIO(workbook_bytes(HEADERS, changing_rows(world, schools))))
            with transaction.atomic():
                importer.write(report.rows)
        assert report.ok
        counts.append(len(queries))
    # then both take the same number of queries
    assert counts[0] == counts[1]
    assert ZoneMembership.objects.filter(school__in=large, valid_from=TODAY).count() == 12


def apply_by_services(actor, schools, rows) -> None:
    """What the pages do for each row, one school after another: save the fields through
    ``model_save`` and move the school through ``zone_assign_school``."""
    importer = SchoolImporter(actor)
    report = importer.validate(io.BytesIO(workbook_bytes(HEADERS, rows)))
    assert report.ok
    for school, (_number, data) in zip(schools, report.rows, strict=True):
        zone = data.pop("zone")
        school = School.objects.get(pk=school.pk)
        for key, value in data.items():
            if key != "code":
                setattr(school, key, value)
        model_save(actor=actor, instance=school, reason="Excel import")
        if zone is not None:
            zone_assign_school(actor=actor, school_id=school.pk, zone_id=zone.pk, on=TODAY, reason="Excel import")


def test_bulk_reimport_ends_where_the_services_end(world, admin):
    # given two identical sets of schools
    zone1, zone2 = world.a.zones
    bulk, by_hand = make_schools(world, 6, prefix="78"), make_schools(world, 6, prefix="79")
    for last in (bulk[5], by_hand[5]):  # a period that starts today: corrected, not split
        ZoneMembership.objects.filter(school=last).update(valid_to=TODAY - DAY)
        ZoneMembershipFactory(zone=zone1, school=last, valid_from=TODAY)

    def passes(schools):
        s = [School.objects.get(pk=x.pk) for x in schools]
        return [
            [row(s[0], zone1), row(s[1], zone1, address="一路"), row(s[2], zone1, name="甲县新名小学"),
             row(s[3], zone2, enrolment_primary=700, principal_name="张校长"), row(s[4]), row(s[5], zone1)],
            [row(s[0], zone2, address="二路"), row(s[1], zone2, address="一路"), row(s[2], zone2),
             row(s[3], zone1, enrolment_primary=700), row(s[4], zone2, location="rural"), row(s[5], zone2)],
        ]

    # when the same two lists go through the import and, for the other set, through the services row by row
    for rows in passes(bulk):
        assert run_import(admin, rows).ok
    for rows in passes(by_hand):
        with transaction.atomic():
            apply_by_services(admin, by_hand, rows)

    # then both sets end alike: fields, zone periods, and the audit events with their changes
    def comparable(schools):
        out = []
        for (fields, periods), school in zip(state(schools), schools, strict=True):
            fields = {k: v for k, v in fields.items() if k not in {"id", "code", "created_at", "updated_at"}}
            events = [(action, {k: v for k, v in changes.items() if k != "sort_key"})  # the pages' diff lists the derived key
                      for action, changes in school_events(school)]
            out.append((fields, periods, events))
        return out

    assert comparable(bulk) == comparable(by_hand)
    assert school_events(bulk[2])[0] == (UPDATE, {"name": ["甲县导入2小学", "甲县新名小学"]})
    # moved on the first pass, moved back on the second the same day: the new period is corrected
    assert history(bulk[1]) == [(zone2.pk, SEPTEMBER, TODAY - DAY), (zone2.pk, TODAY, None)]
    assert [action for action, _changes in school_events(bulk[1])] == [UPDATE, END, MOVE, CORRECT, MOVE]
    assert history(bulk[5]) == [(zone2.pk, SEPTEMBER, TODAY - DAY), (zone2.pk, TODAY, None)]


def test_a_large_reimport_runs_as_a_job(world, admin_client_a, settings, tmp_path,
                                        django_capture_on_commit_callbacks):
    # given a threshold of 5 rows, the immediate task backend, and 8 schools whose list changes
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = str(tmp_path)
    settings.DUDAO_IMPORT_JOB_THRESHOLD = 5
    schools = make_schools(world, 8)
    rows = changing_rows(world, schools)

    # when it is uploaded, the page hands it to a job that runs after the commit
    from django.core.files.uploadedfile import SimpleUploadedFile
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_a.post(reverse("organizations:school_import"),
                                       {"file": SimpleUploadedFile("学校.xlsx", workbook_bytes(HEADERS, rows))})

    # then the job has written every change
    job = Job.objects.get(kind="organizations.import_schools")
    assert response["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.SUCCEEDED, (job.message, job.errors[:5])
    assert job.progress == job.total == 8
    assert [s.address for s in School.objects.filter(pk__in=[s.pk for s in schools]).order_by("code")] == \
        [f"解放路{i}号" for i in range(8)]
    assert ZoneMembership.objects.filter(school__in=schools, valid_from=TODAY).count() == 4
    assert verify_chain() == []


@pytest.fixture
def admin_client_a(world, client):
    client.force_login(fresh(world.a.users["office_admin"]))
    return client
