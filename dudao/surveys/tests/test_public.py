"""The public answer page: anonymous, validated, refused when closed, single-use codes, rate-limited."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.core.models import RateLimitCounter
from dudao.instruments.models import Answer, Response
from dudao.surveys import answering, services
from dudao.surveys.models import SurveyCode, SurveyResponse
from dudao.surveys.tests.conftest import all_answers, answer, make_survey, office_admin

pytestmark = pytest.mark.django_db


def form_data(option="满意", **extra):
    return {**{answering.field_name(code): value for code, value in all_answers(option).items()}, **extra}


def link_of(survey, world, group="parents"):
    return survey.links.get(school=world.a.schools[0], group=group)


def test_answer_page_shows_the_questions_without_sign_in(world, client):
    survey = make_survey(world, open_it=True)
    link = link_of(survey, world)
    response = client.get(link.get_public_path())
    assert response.status_code == 200
    text = response.content.decode()
    assert survey.title in text and world.a.schools[0].name in text
    assert "您对学校的管理和办学行为是否满意？" in text
    assert 'name="viewport"' in text  # made for a phone
    assert response["Cache-Control"] == "no-store" and response["Referrer-Policy"] == "same-origin"


def test_submitted_answers_are_stored_anonymously(world, client):
    # given an open survey's link
    survey = make_survey(world, open_it=True)
    link = link_of(survey, world)
    # when a respondent answers from some address
    response = client.post(link.get_public_path(), form_data(**{"q-11": "多开展课外活动"}),
                           REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="Phone/1.0")
    # then they are thanked, and one response holds the answers for the link's school and group
    assert response.status_code == 302 and response["Location"] == reverse("surveys_public:thanks", args=[link.token])
    assert 'data-testid="thanks"' in client.get(response["Location"]).content.decode()
    stored = SurveyResponse.objects.get(link=link)
    assert (stored.school_id, stored.group) == (world.a.schools[0].pk, "parents")
    assert stored.response.respondent_id is None
    assert Answer.objects.filter(response=stored.response).count() == 11
    # and nothing about the respondent is kept: not the address, not the browser
    for row in (stored, stored.response, *Answer.objects.filter(response=stored.response)):
        values = " ".join(str(getattr(row, f.attname)) for f in row._meta.concrete_fields)
        assert "203.0.113.77" not in values and "Phone/1.0" not in values
    assert not RateLimitCounter.objects.filter(key__contains="203.0.113.77").exists()


def test_invalid_answers_are_refused_with_the_reasons(world, client):
    survey = make_survey(world, open_it=True)
    link = link_of(survey, world)
    data = form_data()
    data.pop("q-3")
    data["q-4"] = "非常满意"  # not an option
    response = client.post(link.get_public_path(), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert 'data-testid="error-3"' in text and 'data-testid="error-4"' in text
    assert not SurveyResponse.objects.filter(link=link).exists()


def test_forged_token_answers_404(world, client):
    survey = make_survey(world, open_it=True)
    token = link_of(survey, world).token
    forged = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    assert client.get(reverse("surveys_public:answer", args=[forged])).status_code == 404
    assert client.post(reverse("surveys_public:answer", args=[forged]), form_data()).status_code == 404
    assert client.get(reverse("surveys_public:answer", args=["x" * 200])).status_code == 404


def test_a_draft_survey_is_not_there_yet(world, client):
    survey = make_survey(world)
    assert client.get(link_of(survey, world).get_public_path()).status_code == 404


def test_closed_survey_refuses_kindly(world, client):
    survey = make_survey(world, open_it=True)
    services.survey_close(actor=office_admin(world), survey_id=survey.pk)
    link = link_of(survey, world)
    page = client.get(link.get_public_path())
    assert page.status_code == 410 and 'data-testid="refusal"' in page.content.decode()
    assert client.post(link.get_public_path(), form_data()).status_code == 410
    assert not SurveyResponse.objects.filter(link=link).exists()


def test_survey_past_its_closing_date_refuses(world, client):
    survey = make_survey(world, open_it=True)
    services.survey_update(actor=office_admin(world), survey_id=survey.pk,
                           closes_on=timezone.localdate() - datetime.timedelta(days=1))
    link = link_of(survey, world)
    assert client.post(link.get_public_path(), form_data()).status_code == 410
    with pytest.raises(services.NotAccepting):
        services.survey_response_submit(token=link.token, answers=all_answers("满意"))


def test_the_closing_day_itself_still_accepts(world):
    survey = make_survey(world, open_it=True)
    link = link_of(survey, world)
    services.survey_response_submit(token=link.token, answers=all_answers("满意"), today=survey.closes_on)
    with pytest.raises(services.NotAccepting):
        services.survey_response_submit(token=link.token, answers=all_answers("满意"),
                                        today=survey.closes_on + datetime.timedelta(days=1))


def test_a_link_takes_many_answers_without_codes(world):
    survey = make_survey(world, open_it=True)
    for option in ("满意", "一般", "满意"):
        answer(survey, world.a.schools[0], "parents", option)
    assert SurveyResponse.objects.filter(survey=survey).count() == 3


def test_single_use_code_answers_once(world, client):
    # given a single-use survey with codes for one school and group
    actor = office_admin(world)
    survey = make_survey(world, single_use=True, open_it=True)
    services.survey_codes_generate(actor=actor, survey_id=survey.pk, count=2, school_id=world.a.schools[0].pk,
                                   group="parents")
    link = link_of(survey, world)
    code = SurveyCode.objects.filter(link=link).first()
    # when the link is used without a code, or with a wrong one: refused, nothing stored
    assert client.post(link.get_public_path(), form_data()).status_code == 400
    assert client.post(link.get_public_path(), form_data(code="WRONGCODE123")).status_code == 400
    # with the code's own address it answers once
    assert client.post(code.get_public_path(), form_data()).status_code == 302
    code.refresh_from_db()
    assert code.used
    # then a second use is refused kindly, and only one response exists
    second = client.post(code.get_public_path(), form_data())
    assert second.status_code == 409 and 'data-testid="refusal"' in second.content.decode()
    assert SurveyResponse.objects.filter(link=link).count() == 1
    # a code of one link does not open another
    other = link_of(survey, world, "teachers")
    spare = SurveyCode.objects.filter(link=link, used=False).get()
    with pytest.raises(services.CodeRefused):
        services.survey_response_submit(token=other.token, code=spare.code, answers=all_answers("满意"))


def test_code_typed_on_the_link_page_leads_to_its_address(world, client):
    survey = make_survey(world, single_use=True, open_it=True)
    services.survey_codes_generate(actor=office_admin(world), survey_id=survey.pk, count=1)
    link = link_of(survey, world)
    code = link.codes.get()
    response = client.get(link.get_public_path() + f"?code={code.code.lower()}")
    assert response.status_code == 302 and response["Location"] == code.get_public_path()


def test_answers_are_rate_limited_per_client_and_the_service_stays_up(world, client, settings):
    from dudao.surveys.views.public import SurveyAnswerView

    survey = make_survey(world, open_it=True)
    link = link_of(survey, world)
    statuses = [client.post(link.get_public_path(), form_data(), REMOTE_ADDR="198.51.100.9").status_code
                for _ in range(SurveyAnswerView.ratelimit_limit + 1)]
    assert statuses[:-1] == [302] * SurveyAnswerView.ratelimit_limit
    assert statuses[-1] == 429
    # another client is still served, and reading the page is never limited
    assert client.post(link.get_public_path(), form_data(), REMOTE_ADDR="198.51.100.10").status_code == 302
    assert client.get(link.get_public_path(), REMOTE_ADDR="198.51.100.9").status_code == 200
    assert Response.objects.filter(survey_response__survey=survey).count() == SurveyAnswerView.ratelimit_limit + 1


def test_read_answers_parses_each_response_type():
    from dudao.instruments.scoring import ItemSpec

    specs = [ItemSpec("1", "rating", options=("差", "好")), ItemSpec("2", "multiple_choice", options=("a", "b")),
             ItemSpec("3", "yes_no"), ItemSpec("4", "number"), ItemSpec("5", "text"), ItemSpec("s", "section")]

    class Data(dict):
        def getlist(self, key):
            value = self.get(key)
            return value if isinstance(value, list) else ([value] if value else [])

    data = Data({"q-1": "好", "q-2": ["a", "b"], "q-3": "no", "q-4": "2.5", "q-5": "  意见  "})
    assert answering.read_answers(specs, data) == {"1": "好", "2": ["a", "b"], "3": False, "4": 2.5, "5": "意见"}
    assert answering.read_answers(specs, Data()) == {"1": None, "2": None, "3": None, "4": None, "5": None}
