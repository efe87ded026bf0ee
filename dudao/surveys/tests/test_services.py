"""Survey services: creation, changes, the open / close / reopen transitions (409, 403, audit),
single-use codes, and the shipped questionnaire."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from dudao.audit.models import AuditEvent
from dudao.core.testing.world import fresh
from dudao.core.workflow import TransitionNotAllowed
from dudao.instruments.models import Instrument, Item
from dudao.instruments.selectors import version_items
from dudao.surveys import services
from dudao.surveys.models import Survey, SurveyCode
from dudao.surveys.questionnaires import PARENTS_SATISFACTION
from dudao.surveys.tests.conftest import make_survey, office_admin, parents_version

pytestmark = pytest.mark.django_db


def events(survey, action):
    return AuditEvent.objects.filter(action=action, target_id=str(survey.pk))


def test_shipped_parents_questionnaire_is_a_published_national_questionnaire():
    # given the questionnaires loaded after migrate (idempotent)
    services.ensure_survey_questionnaires()
    assert services.ensure_survey_questionnaires() == []
    version = parents_version()
    items = version_items(version=version)
    # then it is national, a questionnaire, with ten rated items on the four-step scale and a suggestion
    assert version.instrument.office_id is None and version.instrument.kind == Instrument.Kind.QUESTIONNAIRE
    assert [i.text for i in items[:10]] == [t for _c, t in PARENTS_SATISFACTION["items"]]
    assert {tuple(i.options) for i in items[:10]} == {("不满意", "一般", "比较满意", "满意")}
    assert items[10].response_type == Item.ResponseType.TEXT


def test_office_copies_the_shipped_questionnaire_like_a_national_checklist(world):
    from dudao.instruments import services as instruments

    # given the county office copies the shipped questionnaire, edits and publishes its version
    actor = office_admin(world)
    copy = instruments.instrument_copy(actor=actor, source_version_id=parents_version().pk, office=world.a.office)
    draft = copy.versions.get()
    item = draft.items.get(code="4")
    instruments.item_update(actor=actor, item_id=item.pk, text="您对孩子的作业量是否满意？")
    instruments.version_publish(actor=actor, version_id=draft.pk)
    # then a survey can run on the office's own version
    survey = services.survey_create(actor=actor, office_id=world.a.office.pk, title="本县问卷", year=2026,
                                    version_id=draft.pk, groups=["parents"], closes_on=timezone.localdate(),
                                    school_ids=[world.a.schools[0].pk])
    assert survey.version_id == draft.pk


def test_create_makes_one_link_per_school_and_group_and_is_audited(world):
    # when the office creates a survey over two schools for parents and teachers
    survey = make_survey(world)
    # then there are 4 links with distinct unguessable tokens, the default counted answers and pass mark
    links = list(survey.links.all())
    assert len(links) == 4
    assert len({link.token for link in links}) == 4 and all(len(link.token) >= 24 for link in links)
    assert survey.counted_options == ["满意", "比较满意"]
    assert str(survey.pass_threshold) == "0.8500"
    assert survey.status == Survey.Status.DRAFT
    assert events(survey, "surveys.survey.create").get().changes["links"] == [0, 4]


def test_create_refuses_schools_of_another_county(world):
    with pytest.raises(ValidationError) as exc:
        make_survey(world, schools=[world.b.schools[0]])
    assert "school_ids" in exc.value.message_dict


def test_create_refuses_a_checklist_and_unknown_counted_answers(world):
    checklist = Instrument.objects.get(code="national-school-routine").latest_published()
    actor = office_admin(world)
    with pytest.raises(ValidationError) as exc:
        services.survey_create(actor=actor, office_id=world.a.office.pk, title="x", year=2026, version_id=checklist.pk,
                               groups=["parents"], closes_on=timezone.localdate())
    assert "version" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_survey(world, counted_options=["非常满意"])
    assert "counted_options" in exc.value.message_dict


def test_school_liaison_may_not_create_a_survey(world):
    liaison = fresh(world.a.users["school_liaison"])
    with pytest.raises(PermissionDenied):
        services.survey_create(actor=liaison, office_id=world.a.office.pk, title="x", year=2026,
                               version_id=parents_version().pk, groups=["parents"], closes_on=timezone.localdate())


@pytest.mark.parametrize(("state", "name", "allowed"), [
    (state, name, state in Survey.TRANSITIONS[name].sources)
    for state in Survey.Status.values for name in Survey.TRANSITIONS
])
def test_transition_table(world, state, name, allowed):
    # given a survey brought to ``state`` through the services
    actor = office_admin(world)
    survey = make_survey(world)
    if state in ("open", "closed"):
        services.survey_open(actor=actor, survey_id=survey.pk)
    if state == "closed":
        services.survey_close(actor=actor, survey_id=survey.pk)
    # when the transition runs
    service = services.SURVEY_TRANSITION_SERVICES[name]
    if allowed:
        result = service(actor=actor, survey_id=survey.pk, reason="test")
        # then the state moves and the change is audited
        assert result.status == Survey.TRANSITIONS[name].target
        event = events(survey, f"surveys.survey.{name}").get()
        assert event.changes == {"status": [state, Survey.TRANSITIONS[name].target]}
        assert event.reason == "test"
    else:
        with pytest.raises(TransitionNotAllowed):
            service(actor=actor, survey_id=survey.pk)
        assert Survey.objects.get(pk=survey.pk).status == state


def test_transition_by_another_county_is_not_found_and_by_a_liaison_forbidden(world):
    survey = make_survey(world)
    with pytest.raises(Survey.DoesNotExist):
        services.survey_open(actor=office_admin(world, "b"), survey_id=survey.pk)
    # once open, the liaison of a chosen school sees it but may not close it
    services.survey_open(actor=office_admin(world), survey_id=survey.pk)
    with pytest.raises(PermissionDenied):
        services.survey_close(actor=fresh(world.a.users["school_liaison"]), survey_id=survey.pk)


def test_open_needs_schools_and_a_closing_date_ahead(world):
    actor = office_admin(world)
    empty = make_survey(world, schools=[])
    with pytest.raises(ValidationError):
        services.survey_open(actor=actor, survey_id=empty.pk)
    late = make_survey(world)
    services.survey_update(actor=actor, survey_id=late.pk, closes_on=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.survey_open(actor=actor, survey_id=late.pk)


def test_open_notifies_the_schools_liaisons(world, django_capture_on_commit_callbacks):
    survey = make_survey(world, schools=[world.a.schools[0]])
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_open(actor=office_admin(world), survey_id=survey.pk)
    liaison = world.a.users["school_liaison"]
    assert liaison.notifications.filter(url=survey.get_absolute_url()).exists()


def test_structure_is_fixed_once_open_but_the_rate_settings_are_not(world):
    actor = office_admin(world)
    survey = make_survey(world, open_it=True)
    # when the office tries to change the groups of an open survey: 409
    with pytest.raises(TransitionNotAllowed):
        services.survey_update(actor=actor, survey_id=survey.pk, groups=["students"])
    # the counted answers and pass mark may change (results follow), audited
    services.survey_update(actor=actor, survey_id=survey.pk, counted_options=["满意"], pass_threshold="0.9")
    survey.refresh_from_db()
    assert survey.counted_options == ["满意"] and str(survey.pass_threshold) == "0.9000"
    assert events(survey, "surveys.survey.update").get().changes["counted_options"] == [["满意", "比较满意"], ["满意"]]


def test_draft_update_replaces_links(world):
    actor = office_admin(world)
    survey = make_survey(world)
    kept = survey.links.get(school=world.a.schools[0], group="parents").token
    services.survey_update(actor=actor, survey_id=survey.pk, groups=["parents"],
                           school_ids=[world.a.schools[0].pk, world.a.schools[2].pk])
    assert sorted((link.school_id, link.group) for link in survey.links.all()) == sorted(
        [(world.a.schools[0].pk, "parents"), (world.a.schools[2].pk, "parents")])
    assert survey.links.get(school=world.a.schools[0], group="parents").token == kept


def test_codes_are_made_per_link_only_for_single_use_surveys(world):
    actor = office_admin(world)
    survey = make_survey(world, single_use=True)
    made = services.survey_codes_generate(actor=actor, survey_id=survey.pk, count=5, school_id=world.a.schools[0].pk)
    assert made == 10  # 2 groups of one school
    codes = SurveyCode.objects.filter(link__survey=survey)
    assert codes.count() == 10 and len({c.code for c in codes}) == 10
    assert events(survey, "surveys.survey.codes").get().changes["codes"] == [None, 10]
    plain = make_survey(world)
    with pytest.raises(ValidationError):
        services.survey_codes_generate(actor=actor, survey_id=plain.pk, count=5)


def test_api_transitions_answer_409_in_the_wrong_state_and_are_audited(world, client):
    # given an open survey and its office admin signed in
    survey = make_survey(world, open_it=True)
    client.force_login(office_admin(world))
    url = reverse("api:surveys-survey-open", args=[survey.pk])
    # when opening again: 409, nothing changes
    assert client.post(url).status_code == 409
    # closing through the API works and is audited
    response = client.post(reverse("api:surveys-survey-close", args=[survey.pk]), {"reason": "到期"})
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert events(survey, "surveys.survey.close").get().reason == "到期"


def test_api_create_and_liaison_forbidden(world, client):
    client.force_login(office_admin(world))
    body = {"office": world.a.office.pk, "title": "接口创建的调查", "year": 2026, "version": parents_version().pk,
            "groups": ["parents"], "closes_on": str(timezone.localdate()), "schools": [world.a.schools[0].pk]}
    response = client.post(reverse("api:surveys-survey-list"), body, content_type="application/json")
    assert response.status_code == 201, response.content
    survey_id = response.json()["id"]
    assert events(Survey.objects.get(pk=survey_id), "surveys.survey.create").exists()
    links = client.get(reverse("api:surveys-survey-links", args=[survey_id])).json()
    assert len(links) == 1 and "/s/" in links[0]["url"]
    client.force_login(fresh(world.a.users["school_liaison"]))
    assert client.post(reverse("api:surveys-survey-list"), body, content_type="application/json").status_code == 403


def test_ui_transition_view(world, client):
    survey = make_survey(world)
    client.force_login(office_admin(world))
    response = client.post(reverse("surveys:survey_transition", args=[survey.pk, "open"]))
    assert response.status_code == 302
    assert Survey.objects.get(pk=survey.pk).status == "open"
    assert client.post(reverse("surveys:survey_transition", args=[survey.pk, "open"])).status_code == 409
