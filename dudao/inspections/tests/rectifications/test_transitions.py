"""The rectification notice as a state machine (STYLE §7.6; 条例 第二十二条, STANDARDS §7.2).

Every (state, transition) pair of ``Rectification.TRANSITIONS`` is tried through the service, the
API twin and the HTML form: success exactly where the table allows it, 409 elsewhere, and one
audit event per success written in the same transaction (none on failure). Then 403 for the
wrong role and 404 outside the scope, on every surface. Notices reach their state through the
real services.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dudao.audit.models import AuditEvent
from dudao.core.workflow import TransitionNotAllowed, available_transitions
from dudao.inspections.models import Attachment, Recheck, Rectification, RectificationResponse
from dudao.inspections.services.rectifications import RECTIFICATION_TRANSITION_SERVICES
from dudao.inspections.tests.rectification_fixtures import (
    answer,
    notice_in,
    other_zone_inspector,
    png_file,
    record_finding,
    user,
)

pytestmark = pytest.mark.django_db

PAIRS = [(state, name) for state in Rectification.Status.values for name in Rectification.TRANSITIONS]
# who runs each transition, and the input each one takes
ACTOR = {"submit": "school_liaison", "return": "inspector", "close": "inspector"}
INPUT = {
    "submit": {"measures": "已整改：更换灭火器并建立巡检台账"},
    "return": {"result": Recheck.Result.PARTIAL, "remarks": "台账未见签字"},
    "close": {"remarks": "复查合格"},
}


def allowed(state, name) -> bool:
    return state in Rectification.TRANSITIONS[name].sources


def api_url(notice, name):
    return reverse(f"api:inspections-rectification-{name}", args=[notice.pk])


def ui_url(notice, name):
    return reverse("inspections:rectification_transition", args=[notice.pk, name])


def events_of(notice):
    return AuditEvent.objects.filter(target_id=str(notice.pk), action__startswith="inspections.rectification.")


def test_table_covers_every_state_and_has_a_service_per_transition():
    targets = {t.target for t in Rectification.TRANSITIONS.values()}
    sources = set().union(*(t.sources for t in Rectification.TRANSITIONS.values()))
    assert targets | sources == set(Rectification.Status.values)
    assert set(RECTIFICATION_TRANSITION_SERVICES) == set(Rectification.TRANSITIONS)


@pytest.mark.parametrize(("state", "name"), PAIRS)
def test_service_applies_transition_exactly_where_table_allows(world, state, name):
    # given a notice of school 0 in ``state`` and the role that runs ``name``
    notice = notice_in(world, state)
    actor = user(world, ACTOR[name])
    before = events_of(notice).count()

    if allowed(state, name):
        # when the transition runs, then the notice moves and one audit event says so
        RECTIFICATION_TRANSITION_SERVICES[name](actor=actor, rectification_id=notice.pk, **INPUT[name])
        notice.refresh_from_db()
        assert notice.status == Rectification.TRANSITIONS[name].target
        event = events_of(notice).order_by("seq").last()
        assert event.action == f"inspections.rectification.{name}"
        assert event.changes["status"] == [state, notice.status]
        assert events_of(notice).count() == before + 1
    else:
        # when it runs from a wrong state, then it is refused and nothing is written
        responses, rechecks = notice.responses.count(), notice.rechecks.count()
        with pytest.raises(TransitionNotAllowed):
            RECTIFICATION_TRANSITION_SERVICES[name](actor=actor, rectification_id=notice.pk, **INPUT[name])
        notice.refresh_from_db()
        assert notice.status == state
        assert events_of(notice).count() == before
        assert (notice.responses.count(), notice.rechecks.count()) == (responses, rechecks)


@pytest.mark.parametrize(("state", "name"), PAIRS)
def test_api_twin_answers_200_or_409(world, client, state, name):
    notice = notice_in(world, state)
    client.force_login(user(world, ACTOR[name]))
    before = events_of(notice).count()

    response = client.post(api_url(notice, name), INPUT[name], content_type="application/json")

    notice.refresh_from_db()
    if allowed(state, name):
        assert response.status_code == 200, response.content
        assert response.json()["status"] == Rectification.TRANSITIONS[name].target == notice.status
        assert events_of(notice).count() == before + 1
    else:
        assert response.status_code == 409
        assert notice.status == state
        assert events_of(notice).count() == before


@pytest.mark.parametrize(("state", "name"), PAIRS)
def test_html_form_answers_redirect_or_409(world, client, state, name):
    notice = notice_in(world, state)
    client.force_login(user(world, ACTOR[name]))
    before = events_of(notice).count()

    response = client.post(ui_url(notice, name), INPUT[name])

    notice.refresh_from_db()
    if allowed(state, name):
        assert response.status_code == 302
        assert response["Location"] == notice.get_absolute_url()
        assert notice.status == Rectification.TRANSITIONS[name].target
        assert events_of(notice).count() == before + 1
    else:
        assert response.status_code == 409
        assert notice.status == state
        assert events_of(notice).count() == before


@pytest.mark.parametrize(("role", "state", "expected"), [
    ("school_liaison", "issued", ["submit"]),
    ("school_liaison", "submitted", []),
    ("inspector", "issued", []),
    ("inspector", "submitted", ["return", "close"]),
    ("zone_leader", "submitted", ["return", "close"]),
    ("office_admin", "submitted", []),
])
def test_available_transitions_follow_state_and_role(world, role, state, expected):
    notice = notice_in(world, state)
    assert available_transitions(notice, user(world, role)) == expected


# ---- 403: the wrong role, same setup as the allowed case ----------------------------------------

@pytest.mark.parametrize("surface", ["service", "api", "ui"])
@pytest.mark.parametrize(("role", "may"), [("inspector", True), ("school_liaison", False)])
def test_only_the_inspector_side_rechecks(world, client, surface, role, may):
    # given a submitted notice; the inspector may re-check it, the school's liaison may not
    notice = notice_in(world, "submitted")
    actor = user(world, role)
    client.force_login(actor)
    before = events_of(notice).count()

    if surface == "service":
        if may:
            RECTIFICATION_TRANSITION_SERVICES["close"](actor=actor, rectification_id=notice.pk)
        else:
            with pytest.raises(PermissionDenied):
                RECTIFICATION_TRANSITION_SERVICES["close"](actor=actor, rectification_id=notice.pk)
    else:
        url = api_url(notice, "close") if surface == "api" else ui_url(notice, "close")
        response = (client.post(url, INPUT["close"], content_type="application/json") if surface == "api"
                    else client.post(url, INPUT["close"]))
        assert response.status_code == ((200 if surface == "api" else 302) if may else 403)

    notice.refresh_from_db()
    assert notice.status == ("closed" if may else "submitted")
    assert events_of(notice).count() == before + (1 if may else 0)


@pytest.mark.parametrize("surface", ["service", "api", "ui"])
@pytest.mark.parametrize(("role", "may"), [("school_liaison", True), ("principal", False), ("inspector", False)])
def test_only_the_school_answers(world, client, surface, role, may):
    """The liaison of school 0 answers; the inspector may not answer for the school (403), and
    the principal of school 1 does not see school 0's notice at all (404)."""
    notice = notice_in(world, "issued")
    actor = user(world, role)
    client.force_login(actor)
    expected_error = {"principal": (notice.DoesNotExist, 404), "inspector": (PermissionDenied, 403)}.get(role)

    if surface == "service":
        if may:
            answer(world, notice)
        else:
            with pytest.raises(expected_error[0]):
                RECTIFICATION_TRANSITION_SERVICES["submit"](actor=actor, rectification_id=notice.pk,
                                                             **INPUT["submit"])
    else:
        url = api_url(notice, "submit") if surface == "api" else ui_url(notice, "submit")
        response = client.post(url, INPUT["submit"])  # multipart on both surfaces
        assert response.status_code == ((200 if surface == "api" else 302) if may else expected_error[1])

    notice.refresh_from_db()
    assert notice.status == ("submitted" if may else "issued")
    assert notice.responses.count() == (1 if may else 0)


# ---- 404: an inspector of another zone reaches nothing of school 0 ------------------------------

@pytest.fixture
def loop_rows(world):
    """A finding with a photo, a notice on it, an answer with a photo: all of school 0."""
    finding = record_finding(world, files=[png_file("现场.png")])
    notice = notice_in(world, "issued")
    answer(world, notice, files=[png_file("整改后.png", colour=(10, 200, 10))])
    response = RectificationResponse.objects.get(rectification=notice)
    return {
        "finding": finding,
        "notice": notice,
        "finding_file": Attachment.objects.get(finding=finding),
        "answer_file": Attachment.objects.get(response=response),
    }


def probes(rows):
    """(label, method, url, expect_json) of every page and API route that reaches the rows."""
    notice, finding = rows["notice"], rows["finding"]
    return [
        ("finding page", "get", reverse("inspections:finding_detail", args=[finding.pk])),
        ("finding issue page", "get", reverse("inspections:rectification_issue", args=[finding.pk])),
        ("finding API", "get", reverse("api:inspections-finding-detail", args=[finding.pk])),
        ("notice page", "get", reverse("inspections:rectification_detail", args=[notice.pk])),
        ("notice API", "get", reverse("api:inspections-rectification-detail", args=[notice.pk])),
        ("answer (submit) page", "post", ui_url(notice, "submit")),
        ("answer (submit) API", "post", api_url(notice, "submit")),
        ("re-check page", "post", ui_url(notice, "close")),
        ("re-check API", "post", api_url(notice, "return")),
        ("escalate page", "post", reverse("inspections:rectification_escalate", args=[notice.pk])),
        ("escalate API", "post", api_url(notice, "escalate")),
        ("finding photo", "get", reverse("inspections:attachment_download", args=[rows["finding_file"].pk])),
        ("answer photo", "get", reverse("inspections:attachment_download", args=[rows["answer_file"].pk])),
    ]


def test_inspector_of_another_zone_gets_404_everywhere(world, client, loop_rows):
    # given an inspector listed only at school 1 (zone 2)
    outsider = other_zone_inspector(world)
    client.force_login(outsider)

    # when they reach for school 0's finding, notice, answer and files on every surface
    answers = {label: getattr(client, method)(url).status_code for label, method, url in probes(loop_rows)}

    # then every one is not found, and nothing changed
    assert answers == dict.fromkeys(answers, 404)
    assert Rectification.objects.get(pk=loop_rows["notice"].pk).status == "submitted"


def test_listed_inspector_reaches_the_same_rows(world, client, loop_rows):
    # the same probes succeed for school 0's own inspector, so the 404s above are about scope
    client.force_login(user(world, "inspector"))
    for label, method, url in probes(loop_rows):
        if method == "get":
            assert client.get(url).status_code == 200, label


def test_other_zone_inspector_lists_show_none_of_school_0(world, client, loop_rows):
    client.force_login(other_zone_inspector(world))
    number = str(loop_rows["notice"])
    assert number not in client.get(reverse("inspections:rectification_list")).content.decode()
    api = client.get(reverse("api:inspections-rectification-list")).json()
    assert loop_rows["notice"].pk not in {row["id"] for row in api["results"]}
    findings = client.get(reverse("api:inspections-finding-list")).json()
    assert loop_rows["finding"].pk not in {row["id"] for row in findings["results"]}


# ---- audit in the same transaction ------------------------------------------------------------

def test_failed_transition_writes_no_audit_and_no_rows(world):
    # given a submitted notice and a close attempt whose input the service refuses (a partial
    # result cannot close the notice) after the state and permission checks passed
    from django.core.exceptions import ValidationError

    from dudao.inspections.services.rectifications import rectification_recheck

    notice = notice_in(world, "submitted")
    before = events_of(notice).count()

    with pytest.raises(ValidationError):
        rectification_recheck(actor=user(world, "inspector"), rectification_id=notice.pk,
                              result=Recheck.Result.PARTIAL, remarks="", close=True)

    # then the status change was rolled back with everything else
    notice.refresh_from_db()
    assert notice.status == "submitted"
    assert events_of(notice).count() == before
    assert not notice.rechecks.exists()


def test_submit_with_a_refused_file_keeps_the_notice_issued(world, client):
    # given an issued notice and an answer carrying a file that is not what its name says
    from django.core.files.uploadedfile import SimpleUploadedFile

    notice = notice_in(world, "issued")
    client.force_login(user(world, "school_liaison"))
    before = AuditEvent.objects.count()
    fake = SimpleUploadedFile("照片.jpg", b"not really a photo", content_type="image/jpeg")

    response = client.post(api_url(notice, "submit"), {"measures": "已整改", "files": [fake]})

    # then 400, and neither the answer, the status nor any audit event was written
    assert response.status_code == 400
    notice.refresh_from_db()
    assert notice.status == "issued"
    assert not notice.responses.exists()
    assert AuditEvent.objects.count() == before
