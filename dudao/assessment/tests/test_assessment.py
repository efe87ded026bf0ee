"""The assessment of inspectors from real records: county A's autumn term up to 31 October 2026.

Records (``report_fixtures.october`` plus what each test adds through the services): inspector 0
(``a_inspector``) is listed at schools 0 and 2 since 2025; visits on 15 September (school 2) and
8 and 20 October (school 0); two notices from their findings, one still open past its deadline,
one closed after its re-check. Inspector 1 is listed at school 1 and recorded nothing.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from rest_framework.test import APIClient

from dudao.assessment.instrument import ITEMS
from dudao.assessment.models import AssessmentPolicy, AssessmentRating
from dudao.assessment.selectors import assessment_profile, assessment_table, my_ratings, period_of
from dudao.assessment.services import assessment_policy_set, rating_submit
from dudao.audit.actions import action_label
from dudao.audit.models import AuditEvent
from dudao.core.testing.queries import assert_constant_queries
from dudao.core.testing.world import fresh
from dudao.inspectors.models import Inspector, TrainingRecord
from dudao.inspectors.services.development import training_record_save
from dudao.plans.services import task_complete, task_prescribe
from dudao.workreports.models import Report
from dudao.workreports.tests import report_fixtures
from dudao.workreports.tests.report_fixtures import make_colleague, user

world = report_fixtures.world
october = report_fixtures.october

D = datetime.date
AUTUMN = period_of("term", D(2026, 10, 1))
ON = D(2026, 10, 31)


def answers(level):
    return {code: level for code, _text in ITEMS}


@pytest.fixture
def term(october):
    """October plus tasks, reports, training and ratings of inspector 0 for the autumn term."""
    world = october
    admin, me = user(world, "office_admin"), user(world, "inspector")
    inspector = world.a.inspectors[0]
    first, _second = [task_prescribe(actor=admin, title=t, due_date=d, inspector_ids=[inspector.pk])[0]
                      for t, d in (("开学检查", D(2026, 10, 10)), ("安全检查", D(2026, 10, 20)))]
    task_complete(actor=me, task_id=first.pk, completed_on=D(2026, 10, 9))
    for due, submitted in ((D(2026, 9, 5), None), (D(2026, 10, 5), D(2026, 10, 4))):
        report = Report.objects.create(
            level="inspector", office=world.a.office, inspector=inspector, period_kind="month",
            period_start=due.replace(day=1) - datetime.timedelta(days=1), period_end=due - datetime.timedelta(days=5),
            due_on=due, title=f"报告{due}", author=me,
            status="submitted" if submitted else "draft",
            submitted_at=datetime.datetime.combine(submitted, datetime.time(9), tzinfo=datetime.UTC) if submitted else None)
        assert report.pk
    training_record_save(actor=admin, instance=TrainingRecord(inspector=inspector, course="集中培训", kind="centralised",
                                                               start_date=D(2026, 4, 1), hours=Decimal(20)))
    training_record_save(actor=admin, instance=TrainingRecord(inspector=inspector, course="网络课程", kind="online",
                                                               start_date=D(2026, 5, 1), hours=Decimal(30)))
    rating_submit(actor=me, inspector_id=inspector.pk, period_kind="term", period_start=D(2026, 10, 1), role="self",
                  answers=answers("优秀"))
    rating_submit(actor=user(world, "school_liaison"), inspector_id=inspector.pk, period_kind="term",
                  period_start=D(2026, 9, 15), role="school", answers=answers("良好"), comment="沟通及时")
    return world


def test_assessment_numbers_come_from_the_records(term):
    # when the office reads the autumn term as of 31 October
    world = term
    admin = user(world, "office_admin")
    data = assessment_table(user=admin, office=world.a.office, period=AUTUMN, on=ON)
    rows = {row.inspector.pk: row for row in data["rows"]}
    mine, other = rows[world.a.inspectors[0].pk], rows[world.a.inspectors[1].pk]

    # then inspector 0: 2 of 4 school-months visited, 1 of 2 tasks, 1 of 2 reports on time, 1 of 2
    # notices followed through, 20 of 40 centralised hours (online hours do not count), ratings
    # self 100 (weight 20) and school 75 (weight 50), no complaint handled
    r = mine.records
    assert (r.schools, r.visits, r.months_in_care, r.months_visited) == (2, 3, 4, 2)
    assert (r.tasks_due, r.tasks_done, r.reports_due, r.reports_on_time) == (2, 1, 2, 1)
    assert (r.rectifications_due, r.rectifications_followed) == (2, 1)
    assert r.training_hours == Decimal(20)
    assert {k: mine.scores[k] for k in ("visits", "tasks", "reports", "rectifications", "training", "ratings")} == {
        "visits": Decimal(50), "tasks": Decimal(50), "reports": Decimal(50), "rectifications": Decimal(50),
        "training": Decimal(50), "ratings": Decimal("82.14")}
    assert mine.scores["complaints"] is None
    # (20·50 + 15·50 + 10·50 + 15·50 + 10·50 + 20·82.14) / 90
    assert mine.total == Decimal("57.14")
    # inspector 1: school 1 never visited in September and October, no training: 0, ranked second
    assert (other.scores["visits"], other.scores["training"], other.scores["tasks"]) == (Decimal(0), Decimal(0), None)
    assert (mine.rank, other.rank) == (1, 2)
    assert world.b.inspectors[0].pk not in rows


def test_the_office_weighting_changes_the_score(term):
    world = term
    admin = user(world, "office_admin")
    assessment_policy_set(actor=admin, office_id=world.a.office.pk, aggregation="mean",
                          weights={"visits": 100, "tasks": 0, "reports": 0, "rectifications": 0, "complaints": 0,
                                   "training": 0, "ratings": 0},
                          group_weights={"self": 0, "peer": 50, "school": 50})
    row = assessment_table(user=admin, office=world.a.office, period=AUTUMN, on=ON)["rows"][0]
    assert row.total == Decimal(50)
    assert row.scores["ratings"] == Decimal(75)  # the self rating weighs nothing now
    with pytest.raises(PermissionDenied):
        assessment_policy_set(actor=user(world, "office_staff"), office_id=world.a.office.pk, aggregation="mean",
                              weights={"visits": 1}, group_weights={"self": 1})
    # the weighting is logged under the code it always had, and reads as words
    event = AuditEvent.objects.get(action__startswith="reports.assessmentpolicy.")
    assert event.action == "reports.assessmentpolicy.create" and event.target_ct.model_class() is AssessmentPolicy
    with translation.override("zh-hans"):
        assert action_label(event.action) == "新建考核权重"


def test_raters_are_checked_and_see_only_their_own_ratings(term):
    world = term
    inspector = world.a.inspectors[0]
    me, liaison, peer = user(world, "inspector"), user(world, "school_liaison"), make_colleague(world)

    # a peer of the same office rates; a peer of county B and a school without the listing cannot
    rating_submit(actor=peer, inspector_id=inspector.pk, period_kind="term", period_start=D(2026, 10, 1),
                  role="peer", answers=answers("一般"))
    with pytest.raises(Inspector.DoesNotExist):
        rating_submit(actor=user(world, "inspector", "b"), inspector_id=inspector.pk, period_kind="term",
                      period_start=D(2026, 10, 1), role="peer", answers=answers("一般"))
    with pytest.raises(PermissionDenied):
        rating_submit(actor=user(world, "principal"), inspector_id=inspector.pk, period_kind="term",
                      period_start=D(2026, 10, 1), role="school", answers=answers("差"))
    with pytest.raises(PermissionDenied):
        rating_submit(actor=me, inspector_id=world.a.inspectors[1].pk, period_kind="term",
                      period_start=D(2026, 10, 1), role="school", answers=answers("差"))

    # then each rater sees only the rating they gave; the office sees all three
    assert {r.role for r in my_ratings(user=me)} == {"self"}
    assert {r.role for r in my_ratings(user=liaison)} == {"school"}
    assert {r.role for r in my_ratings(user=peer)} == {"peer"}
    assert {r.role for r in my_ratings(user=user(world, "office_admin"))} == {"self", "school", "peer"}
    assert not my_ratings(user=user(world, "office_admin", "b")).exists()


def test_rating_again_replaces_the_answers_and_is_audited(term):
    world = term
    liaison = user(world, "school_liaison")
    rating_submit(actor=liaison, inspector_id=world.a.inspectors[0].pk, period_kind="term",
                  period_start=D(2026, 11, 1), role="school", answers=answers("优秀"))
    rating = AssessmentRating.objects.get(rater=liaison)
    assert rating.score == Decimal(100) and rating.period_start == D(2026, 9, 1) and rating.school == world.a.schools[0]
    assert list(AuditEvent.objects.filter(target_id=rating.pk, action__startswith="reports.assessmentrating.")
                .order_by("seq").values_list("action", flat=True)) == ["reports.assessmentrating.create",
                                                         "reports.assessmentrating.update"]


def test_the_inspector_sees_their_profile_not_a_colleague_s(term, client):
    world = term
    client.force_login(user(world, "inspector"))
    url = reverse("assessment:assessment_profile", args=[world.a.inspectors[0].pk]) + "?period_kind=term&year=2026&term=autumn"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-chart="assessment-radar"' in html and 'id="assessment-radar"' in html
    assert "沟通及时" not in html  # a rater's comment stays with the office
    assert client.get(reverse("assessment:assessment_profile", args=[world.a.inspectors[1].pk])).status_code == 403
    assert client.get(reverse("assessment:assessment")).status_code == 403
    client.force_login(user(world, "office_admin", "b"))
    assert client.get(reverse("assessment:assessment_profile", args=[world.a.inspectors[0].pk])).status_code == 404


def test_profile_rank_matches_the_table(term):
    world = term
    profile = assessment_profile(user=user(world, "inspector"), inspector=world.a.inspectors[0], period=AUTUMN, on=ON)
    assert (profile["row"].rank, profile["count"], profile["row"].total) == (1, 2, Decimal("57.14"))


def test_ranked_table_exports_to_excel(term, client):
    world = term
    admin = user(world, "office_admin")
    client.force_login(admin)
    response = client.get(reverse("assessment:assessment") + "?period_kind=term&year=2026&term=autumn&export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0].iter_rows(values_only=True))
    table = assessment_table(user=admin, office=world.a.office, period=AUTUMN)["rows"]
    assert [(r[0], r[1], r[3]) for r in rows[1:]] == [(row.rank, row.inspector.name, float(row.total)) for row in table]
    page = client.get(reverse("assessment:assessment") + "?period_kind=term&year=2026&term=autumn").content.decode()
    assert f'data-inspector="{world.a.inspectors[0].pk}" data-rank="1"' in page


def test_api_twins(term, client):
    world = term
    client.force_login(user(world, "office_admin"))
    table = client.get(reverse("api:reports-assessment-list") + "?period_kind=term&year=2026&term=autumn").json()
    assert [row["rank"] for row in table["rows"]] == [1, 2]
    assert table["rows"][0]["indicators"]["complaints"] is None
    client.force_login(user(world, "principal"))
    created = client.post(reverse("api:reports-assessmentrating-list"), {
        "inspector": world.a.inspectors[1].pk, "period_kind": "term", "period_start": "2026-10-01", "role": "school",
        "answers": answers("良好")}, content_type="application/json")
    assert created.status_code == 201 and created.json()["score"] == "75.00"
    bad = client.post(reverse("api:reports-assessmentrating-list"), {
        "inspector": world.a.inspectors[1].pk, "period_kind": "term", "period_start": "2026-10-01", "role": "school",
        "answers": {"1": "满分"}}, content_type="application/json")
    assert bad.status_code == 400
    listed = client.get(reverse("api:reports-assessmentrating-list")).json()["results"]
    assert [r["role"] for r in listed] == ["school"]


def test_bookmarked_pages_and_api_paths_still_open(term, client):
    # given the office administrator's bookmarks and an API client's paths from before the assessment had its own app
    client.force_login(user(term, "office_admin"))
    inspector = term.a.inspectors[0].pk
    pages = ["/assessment/?period_kind=year&year=2026", "/assessment/weighting/",
             f"/assessment/inspectors/{inspector}/", "/assessment/ratings/",
             "/api/v1/reports/assessment/", f"/api/v1/reports/assessment/{inspector}/", "/api/v1/reports/ratings/"]
    # then each still answers
    assert {path: client.get(path).status_code for path in pages} == dict.fromkeys(pages, 200)
    assert reverse("assessment:rating_add", args=[inspector]) == f"/assessment/inspectors/{inspector}/rate/"
    # and the menu still leads to the ranked table and the ratings
    menu = client.get(reverse("reports:dashboard")).content.decode()
    assert 'href="/assessment/"' in menu and 'href="/assessment/ratings/"' in menu


def test_rating_pages(term, client):
    world = term
    peer = make_colleague(world)
    client.force_login(peer)
    page = client.get(reverse("assessment:rating_list") + "?period_kind=term&year=2026&term=autumn").content.decode()
    assert 'data-testid="to-rate"' in page and world.a.inspectors[0].name in page
    url = reverse("assessment:rating_add", args=[world.a.inspectors[0].pk]) + "?period_kind=term&year=2026&term=autumn&role=peer"
    response = client.post(url, {f"item_{code}": "良好" for code, _t in ITEMS})
    assert response.status_code == 302
    assert AssessmentRating.objects.get(rater=peer).score == Decimal(75)
    client.force_login(user(world, "inspector", "b"))
    assert client.get(url).status_code in (403, 404)


def test_assessment_table_runs_constant_queries(october, client):
    world = october
    admin = user(world, "office_admin")
    client.force_login(admin)
    created = []

    def grow(k):
        for _i in range(k):
            created.append(Inspector.objects.create(office=world.a.office, name=f"新督学{len(created)}",
                                                    certificate_no=f"NEW-{len(created)}"))

    def fetch():
        assert client.get(reverse("assessment:assessment") + "?period_kind=year&year=2026").status_code == 200

    assert_constant_queries(fetch, grow, n=2, m=22)


def test_fresh_user_helper_reads_scope(term):
    assert fresh(term.a.users["inspector"]).scope.school_ids


@pytest.mark.parametrize("year", ["0", "99999"])
def test_filtering_ratings_by_an_impossible_year_is_refused_not_a_server_error(world, client, year):
    client.force_login(user(world, "office_admin"))
    response = client.get(reverse("api:reports-assessmentrating-list"), {"year": year})
    assert response.status_code == 400 and "year" in response.json()
    page = client.get(reverse("assessment:rating_list"), {"year": year})
    assert page.status_code == 200
    assert "确保该值" in page.content.decode()


def test_asking_for_the_assessment_of_a_non_numeric_inspector_is_not_found(world):
    client = APIClient()
    client.force_authenticate(user(world, "office_admin"))
    assert client.get("/api/v1/reports/assessment/abc/").status_code == 404
