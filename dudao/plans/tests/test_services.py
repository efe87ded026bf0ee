"""Work plans: the month table, who writes and who reviews (规程 Art. 2: 报教育督导部门审核备案)."""

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.urls import reverse

from dudao.audit.models import AuditEvent
from dudao.core.testing.factories import InspectorFactory, ListingFactory, SchoolFactory, ZoneMembershipFactory
from dudao.core.workflow import TransitionNotAllowed
from dudao.notifications.models import Notification
from dudao.plans import selectors, services
from dudao.plans.models import TERM_MONTHS, PlanItem, WorkPlan, term_dates, term_for
from dudao.plans.tests.conftest import YEAR, inspector_plan, submitted_plan, user

pytestmark = pytest.mark.django_db


def month_table(plan):
    return list(PlanItem.objects.filter(plan=plan).order_by("position").values_list("month", "theme"))


# ---- periods ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "expected"), [
    ("2026-01-15", (2025, "autumn")), ("2026-02-01", (2026, "spring")), ("2026-07-31", (2026, "spring")),
    ("2026-08-01", (2026, "autumn")), ("2026-12-31", (2026, "autumn")),
])
def test_term_for_a_date(day, expected):
    import datetime

    assert term_for(datetime.date.fromisoformat(day)) == expected


def test_autumn_term_runs_into_january():
    import datetime

    assert term_dates(2026, "autumn") == (datetime.date(2026, 8, 1), datetime.date(2027, 1, 31))
    assert TERM_MONTHS["autumn"] == (8, 9, 10, 11, 12, 1)


# ---- creating --------------------------------------------------------------------------------

def test_inspector_starts_own_term_plan_with_an_empty_table_of_its_months(world):
    # when the inspector starts a spring-term plan without any month filled in
    plan = inspector_plan(world, themes={})

    # then the plan is theirs, in their zone, a draft, with one empty row per month Feb–Jul
    assert (plan.level, plan.inspector, plan.zone, plan.office) == (
        "inspector", world.a.inspectors[0], world.a.zones[0], world.a.office)
    assert plan.status == WorkPlan.Status.DRAFT
    assert month_table(plan) == [(m, "") for m in (2, 3, 4, 5, 6, 7)]
    event = AuditEvent.objects.get(action="plans.workplan.create", target_id=str(plan.pk))
    assert event.changes["level"] == [None, "inspector"]


def test_office_year_plan_has_twelve_months(world):
    # when the office starts its plan for the whole year
    plan = services.workplan_create(actor=user(world, "office_staff"), level="office", year=YEAR,
                                    term="whole_year", title="甲县2026年教育督导工作计划",
                                    items={3: ("开学专项督导", ""), 11: ("课业负担", "了解学生课业负担情况")})

    # then the table holds January to December, with the two themes given
    table = month_table(plan)
    assert [m for m, _t in table] == list(range(1, 13))
    assert dict(table)[3] == "开学专项督导" and dict(table)[11] == "课业负担"
    assert plan.office == world.a.office


def test_a_second_plan_for_the_same_period_is_refused(world):
    inspector_plan(world)
    with pytest.raises(ValidationError):
        inspector_plan(world, title="重复的计划")
    assert WorkPlan.objects.filter(inspector=world.a.inspectors[0], year=YEAR, term="spring").count() == 1


def test_zone_leader_writes_their_zones_plan_but_not_another_zones(world):
    leader = user(world, "zone_leader")
    # when the zone leader starts the plan of their zone, then it is theirs to write
    plan = services.workplan_create(actor=leader, level="zone", zone_id=world.a.zones[0].pk, year=YEAR,
                                    term="spring", title="第一责任区计划")
    assert selectors.workplan_may_author(user=leader, plan=plan)
    # but the plan of the other zone is not, and nothing is left behind
    with pytest.raises(PermissionDenied):
        services.workplan_create(actor=leader, level="zone", zone_id=world.a.zones[1].pk, year=YEAR,
                                 term="spring", title="第二责任区计划")
    assert not WorkPlan.objects.filter(zone=world.a.zones[1]).exists()


def test_inspector_cannot_start_a_colleagues_plan(world):
    with pytest.raises(PermissionDenied):
        services.workplan_create(actor=user(world, "inspector"), level="inspector",
                                 inspector_id=world.a.inspectors[1].pk, year=YEAR, term="spring", title="代写")
    assert not WorkPlan.objects.filter(inspector=world.a.inspectors[1]).exists()


@pytest.mark.parametrize(("has_account", "may"), [(False, True), (True, False)])
def test_office_types_in_the_plan_only_of_an_inspector_without_account(world, has_account, may):
    # given an inspector with or without a login account, and the office
    inspector = world.a.inspectors[1] if not has_account else world.a.inspectors[0]
    office = user(world, "office_admin")
    kwargs = {"actor": office, "level": "inspector", "inspector_id": inspector.pk, "year": YEAR,
              "term": "autumn", "title": "纸质计划录入"}
    if may:
        plan = services.workplan_create(**kwargs)
        assert plan.inspector == inspector and plan.created_by == office
    else:
        with pytest.raises(PermissionDenied):
            services.workplan_create(**kwargs)


# ---- writing the month table -----------------------------------------------------------------

def test_author_fills_the_month_table_and_the_change_is_audited(world):
    plan = inspector_plan(world, themes={})
    author = user(world, "inspector")

    services.workplan_update_items(actor=author, workplan_id=plan.pk, title="新标题", items={
        4: ("校园安全", "1、校园及周边安全\n2、食堂食品安全"), 6: ("防溺水", "防溺水专项督导"),
    })

    plan.refresh_from_db()
    assert plan.title == "新标题"
    assert dict(month_table(plan))[4] == "校园安全"
    assert PlanItem.objects.get(plan=plan, month=4).work_lines == ["1、校园及周边安全", "2、食堂食品安全"]
    event = AuditEvent.objects.get(action="plans.workplan.update", target_id=str(plan.pk))
    assert event.changes["month_4_theme"] == ["", "校园安全"]
    assert event.changes["title"][1] == "新标题"


def test_month_outside_the_period_is_refused(world):
    plan = inspector_plan(world)
    with pytest.raises(ValidationError):
        services.workplan_update_items(actor=user(world, "inspector"), workplan_id=plan.pk,
                                       items={11: ("课业负担", "")})
    assert not PlanItem.objects.filter(plan=plan, month=11).exists()


@pytest.mark.parametrize(("role", "refusal"), [
    ("office_admin", PermissionDenied), ("office_staff", PermissionDenied),
    ("zone_leader", ObjectDoesNotExist),  # a colleague's draft is not even visible
])
def test_only_the_author_changes_an_inspectors_plan(world, role, refusal):
    plan = inspector_plan(world)
    with pytest.raises(refusal):
        services.workplan_update_items(actor=user(world, role), workplan_id=plan.pk, items={3: ("改写", "")})
    assert dict(month_table(plan))[3] == "开学工作"


def test_zone_leader_reads_a_returned_plan_but_cannot_change_it(world):
    plan = submitted_plan(world)
    services.workplan_return(actor=user(world, "office_admin"), workplan_id=plan.pk, comment="补充")
    leader = user(world, "zone_leader")
    assert selectors.workplan_list(user=leader).filter(pk=plan.pk).exists()
    with pytest.raises(PermissionDenied):
        services.workplan_update_items(actor=leader, workplan_id=plan.pk, items={3: ("改写", "")})


def test_submitted_plan_cannot_be_changed_until_returned(world):
    # given a submitted plan
    plan = submitted_plan(world)
    author = user(world, "inspector")
    # when the author changes it, then it is refused (409)
    with pytest.raises(TransitionNotAllowed):
        services.workplan_update_items(actor=author, workplan_id=plan.pk, items={3: ("改写", "")})
    # after the office returns it, the author may change it again
    services.workplan_return(actor=user(world, "office_staff"), workplan_id=plan.pk, comment="补充安全工作")
    services.workplan_update_items(actor=author, workplan_id=plan.pk, items={4: ("校园安全", "")})
    assert dict(month_table(plan))[4] == "校园安全"


# ---- submitting and reviewing ----------------------------------------------------------------

def test_empty_plan_cannot_be_submitted(world):
    plan = inspector_plan(world, themes={})
    with pytest.raises(ValidationError):
        services.workplan_submit(actor=user(world, "inspector"), workplan_id=plan.pk)
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.DRAFT


def test_submitting_tells_the_offices_reviewers(world, django_capture_on_commit_callbacks):
    plan = inspector_plan(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.workplan_submit(actor=user(world, "inspector"), workplan_id=plan.pk)
    told = set(Notification.objects.filter(url=plan.get_absolute_url()).values_list("recipient__username", flat=True))
    assert told == {"a_office_admin", "a_office_staff"}


def test_return_needs_a_comment_and_tells_the_author(world, django_capture_on_commit_callbacks):
    plan = submitted_plan(world)
    office = user(world, "office_admin")
    # a return without a comment is refused
    with pytest.raises(ValidationError):
        services.workplan_return(actor=office, workplan_id=plan.pk, comment="  ")
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.SUBMITTED
    # with a comment the plan goes back and the inspector reads why
    with django_capture_on_commit_callbacks(execute=True):
        services.workplan_return(actor=office, workplan_id=plan.pk, comment="请补充十一月课业负担督导")
    plan.refresh_from_db()
    assert (plan.status, plan.review_comment, plan.reviewed_by) == ("returned", "请补充十一月课业负担督导", office)
    note = Notification.objects.get(recipient=world.a.users["inspector"], url=plan.get_absolute_url())
    assert note.body == "请补充十一月课业负担督导"


@pytest.mark.parametrize(("role", "may"), [("office_staff", True), ("inspector", False), ("zone_leader", False)])
def test_only_the_office_approves(world, role, may):
    # given a submitted plan and an actor of county A
    plan = submitted_plan(world)
    actor = user(world, role)
    if may:
        services.workplan_approve(actor=actor, workplan_id=plan.pk)
        plan.refresh_from_db()
        assert plan.status == WorkPlan.Status.APPROVED
    else:
        with pytest.raises(PermissionDenied):
            services.workplan_approve(actor=actor, workplan_id=plan.pk)
        plan.refresh_from_db()
        assert plan.status == WorkPlan.Status.SUBMITTED


def test_city_office_sees_but_does_not_review_a_county_plan(world):
    # the plan is reported to the inspector's own office; the city office reads it only
    plan = submitted_plan(world)
    city = type(world.city_user).objects.get(pk=world.city_user.pk)
    assert selectors.workplan_list(user=city).filter(pk=plan.pk).exists()
    with pytest.raises(PermissionDenied):
        services.workplan_approve(actor=city, workplan_id=plan.pk)


def test_county_b_cannot_reach_a_plan_of_county_a(world):
    plan = submitted_plan(world)
    with pytest.raises(ObjectDoesNotExist):
        services.workplan_approve(actor=user(world, "office_admin", "b"), workplan_id=plan.pk)


# ---- who sees which plan ---------------------------------------------------------------------

def test_colleagues_read_submitted_plans_but_not_drafts(world):
    # given a draft of the inspector and a second inspector of the office with an account
    draft = inspector_plan(world)
    colleague_inspector = InspectorFactory(office=world.a.office)
    from dudao.core.testing.factories import make_user

    colleague = make_user("a_colleague", "inspector", office=world.a.office)
    colleague_inspector.user = colleague
    colleague_inspector.save(update_fields=["user"])
    school = SchoolFactory(region=world.a.township)
    ListingFactory(inspector=colleague_inspector, school=school)

    # then the colleague does not see the draft ...
    assert not selectors.workplan_list(user=colleague).filter(pk=draft.pk).exists()
    # ... but sees it, read-only, once submitted
    services.workplan_submit(actor=user(world, "inspector"), workplan_id=draft.pk)
    colleague.refresh_scope()
    assert selectors.workplan_list(user=colleague).filter(pk=draft.pk).exists()
    assert not WorkPlan.objects.for_user(colleague, "change").filter(pk=draft.pk).exists()


def test_liaison_and_principal_have_no_plans(world, client):
    for role in ("school_liaison", "principal"):
        client.force_login(user(world, role))
        assert client.get(reverse("plans:workplan_list")).status_code == 403
        assert client.get(reverse("plans:task_list")).status_code == 403


# ---- deleting --------------------------------------------------------------------------------

def test_office_admin_deletes_a_draft_but_not_a_filed_plan(world):
    admin = user(world, "office_admin")
    draft = inspector_plan(world)
    services.workplan_delete(actor=admin, instance=draft)
    assert not WorkPlan.objects.filter(pk=draft.pk).exists()
    assert not PlanItem.objects.filter(plan_id=draft.pk).exists()

    filed = submitted_plan(world)
    services.workplan_approve(actor=admin, workplan_id=filed.pk)
    with pytest.raises(TransitionNotAllowed):
        services.workplan_delete(actor=admin, instance=WorkPlan.objects.get(pk=filed.pk))
    assert WorkPlan.objects.filter(pk=filed.pk).exists()


def test_office_staff_cannot_delete(world):
    draft = inspector_plan(world)
    with pytest.raises(PermissionDenied):
        services.workplan_delete(actor=user(world, "office_staff"), instance=draft)


def test_zone_membership_gives_an_inspector_plan_its_zone(world):
    # an inspector listed at two schools of zone 2 and one of zone 1 plans in zone 2
    inspector = InspectorFactory(office=world.a.office)
    for zone in (world.a.zones[1], world.a.zones[1], world.a.zones[0]):
        school = SchoolFactory(region=world.a.township)
        ZoneMembershipFactory(zone=zone, school=school)
        ListingFactory(inspector=inspector, school=school)
    plan = services.workplan_create(actor=user(world, "office_admin"), level="inspector",
                                    inspector_id=inspector.pk, year=YEAR, term="spring", title="多区督学")
    assert plan.zone == world.a.zones[1]
