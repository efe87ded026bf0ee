"""The assessment pages: the ranked table and its Excel copy, the profile, the rating forms. Records: see ``conftest.py``."""

import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from dudao.assessment.instrument import ITEMS
from dudao.assessment.models import AssessmentRating
from dudao.assessment.selectors import assessment_table
from dudao.assessment.tests.autumn import AUTUMN
from dudao.core.testing.queries import assert_constant_queries
from dudao.inspectors.models import Inspector
from dudao.workreports.tests.report_fixtures import make_colleague, user


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
