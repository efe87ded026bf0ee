"""Office pages: the pages' actions, photos checked against their SHA-256, the office's time limit,
the list's figures and constant query counts (with the API list beside it)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.complaints.tests.helpers import photo, register
from dudao.core.testing.queries import assert_constant_queries
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.organizations import working_days

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def test_the_detail_page_acts_and_serves_the_checked_photo(world, client):
    complaint, _code = register(world, photos=[photo()])
    client.force_login(fresh(world.a.users["inspector"]))
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert 'data-testid="transition-verify"' in page and 'data-testid="transition-close"' not in page
    response = client.post(reverse("complaints:complaint_transition", args=[complaint.pk, "handle"]), {"note": ""})
    assert response.status_code == 302
    assert client.post(reverse("complaints:complaint_transition", args=[complaint.pk, "answer"]),
                       {"answer": ""}).status_code == 400
    assert client.post(reverse("complaints:complaint_transition", args=[complaint.pk, "verify"])).status_code == 409
    item = complaint.photos.get()
    served = client.get(item.get_absolute_url())
    assert served.status_code == 200 and b"".join(served.streaming_content).startswith(b"\x89PNG")
    # a changed file is refused as changed (409), as every checked download is
    with item.file.open("wb") as handle:
        handle.write(b"changed")
    assert client.get(item.get_absolute_url()).status_code == 409


def test_the_office_sets_its_time_limit(world, client):
    client.force_login(fresh(world.a.users["office_admin"]))
    response = client.post(reverse("complaints:policy"), {"office": world.a.office.pk, "answer_days": 10,
                                                          "working_days": "on", "close_after_days": 7})
    assert response.status_code == 302
    complaint, _code = register(world)
    assert complaint.due_on == working_days.add(timezone.localdate(), 10, world.a.office)
    client.force_login(fresh(world.a.users["office_staff"]))
    assert client.post(reverse("complaints:policy"), {"office": world.a.office.pk, "answer_days": 3,
                                                      "close_after_days": 7}).status_code == 403


def test_list_and_api_run_constant_queries(world, client):
    client.force_login(fresh(world.a.users["office_admin"]))

    def grow(k):
        for _ in range(k):
            register(world, photos=[])

    def fetch():
        assert client.get(reverse("complaints:complaint_list") + "?page_size=500").status_code == 200
        assert client.get(reverse("api:complaints-complaint-list") + "?page_size=500").status_code == 200
        assert client.get(reverse("complaints:complaint_list") + "?export=xlsx").status_code == 200

    assert_constant_queries(fetch, grow, n=2, m=25)


def test_list_shows_figures(world, client):
    client.force_login(fresh(world.a.users["office_admin"]))
    html = client.get(reverse("complaints:complaint_list")).content.decode()
    assert 'data-testid="stat-open"' in html and 'data-testid="stat-satisfaction"' in html
