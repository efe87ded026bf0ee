"""The API twins of evaluations: the whole chain, a wrong phase answering 409."""

import datetime

import pytest
from django.urls import reverse

from dudao.audit.models import AuditEvent
from dudao.evaluations.models import Rating
from dudao.evaluations.tests.conftest import full_marks, new_evaluation, user

pytestmark = pytest.mark.django_db


def test_api_twins_run_the_chain(world, client):
    evaluation = new_evaluation(world)
    admin = user(world, "office_admin")
    client.force_login(admin)
    base = "api:evaluations-evaluation-"
    # a wrong phase answers 409
    assert client.post(reverse(base + "publish", args=[evaluation.pk])).status_code == 409
    assert client.post(reverse(base + "notify", args=[evaluation.pk])).json()["status"] == "notified"
    unit = evaluation.units.get(school=world.a.schools[0])
    client.force_login(user(world, "school_liaison"))
    response = client.post(reverse("api:evaluations-unit-self-assessment", args=[unit.pk]),
                           {"scores": {"A1": 3}, "narrative": "报告"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["self_assessment"]["scores"] == {"A1": 3}
    assert client.post(reverse("api:evaluations-unit-submit-self", args=[unit.pk])).status_code == 400
    client.force_login(admin)
    assert client.post(reverse(base + "review", args=[evaluation.pk])).status_code == 200
    visit = client.post(reverse("api:evaluations-unit-visit", args=[unit.pk]),
                        {"date": datetime.date.today().isoformat(), "members": "张三、李四、王五", "notes": "查阅资料"},
                        content_type="application/json")
    assert visit.status_code == 201
    assert client.post(reverse(base + "rate", args=[evaluation.pk])).status_code == 200
    rating = Rating.objects.get(unit=unit, rater__user=world.a.users["inspector"])
    client.force_login(user(world, "inspector"))
    saved = client.post(reverse("api:evaluations-rating-save", args=[rating.pk]),
                        {"scores": {**full_marks(evaluation), "A1": 4}, "notes": {}}, content_type="application/json")
    assert saved.status_code == 200
    submit = client.post(reverse("api:evaluations-rating-submit", args=[rating.pk]))
    assert submit.status_code == 400 and "A1" in submit.json()
    client.force_login(admin)
    # sheets are still open: feeding back answers 409
    assert client.post(reverse(base + "feed-back", args=[evaluation.pk])).status_code == 409
    assert AuditEvent.objects.filter(action="evaluations.evaluation.rate").exists()
