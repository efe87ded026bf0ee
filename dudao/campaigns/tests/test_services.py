"""The campaign chain through its services: targets, teams, launch, self-check, team result,
problems into notices through the loop, completion, and the transition tables."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dudao.audit.models import AuditEvent
from dudao.campaigns import selectors, services
from dudao.campaigns.models import Campaign, CampaignEvidence, CampaignTarget
from dudao.campaigns.tests.helpers import all_yes, launched, make_campaign, pdf_file, png_file, user
from dudao.core.testing.factories import InspectorFactory
from dudao.core.workflow import TransitionNotAllowed
from dudao.inspections.models import Rectification
from dudao.inspections.services.rectifications import rectification_close, rectification_submit
from dudao.organizations.models import School

pytestmark = pytest.mark.django_db


def target_of(campaign, world, index=0, county="a"):
    return campaign.targets.get(school=getattr(world, county).schools[index])


def test_targets_by_region_zone_kind_and_picked(world):
    # given a draft campaign of county A
    campaign = make_campaign(world, schools=(0,))
    admin = user(world, "office_admin")
    a = world.a
    # when the office chooses targets by a region (the township: schools 1 and 3 sit there)
    by_region = services.campaign_targets_set(actor=admin, campaign_id=campaign.pk,
                                              rule={"by": "region", "region": a.township.pk})
    # then the township's schools are the targets, snapshotted as rows
    assert {t.school_id for t in by_region} == {a.schools[0].pk, a.schools[2].pk}
    # when by zone 2 (schools 2 and 4) and by kind (every primary school of the county)
    by_zone = services.campaign_targets_set(actor=admin, campaign_id=campaign.pk, rule={"by": "zone", "zone": a.zones[1].pk})
    assert {t.school_id for t in by_zone} == {a.schools[1].pk, a.schools[3].pk}
    by_kind = services.campaign_targets_set(actor=admin, campaign_id=campaign.pk,
                                            rule={"by": "kind", "kinds": [a.schools[0].kind]})
    assert {t.school_id for t in by_kind} == {s.pk for s in a.schools if s.kind == a.schools[0].kind}
    # and a school of county B cannot be picked
    with pytest.raises(ValidationError):
        services.campaign_targets_set(actor=admin, campaign_id=campaign.pk,
                                      rule={"by": "schools", "schools": [world.b.schools[0].pk]})
    assert Campaign.objects.get(pk=campaign.pk).target_rule["by"] == "kind"


def test_small_team_is_warned_not_blocked(world):
    # given a campaign whose team has two inspectors
    campaign = make_campaign(world, team_size=2)
    admin = user(world, "office_admin")
    team = campaign.teams.get()
    # when the office saves the team again
    _team, warnings = services.campaign_team_save(
        actor=admin, campaign_id=campaign.pk, team_id=team.pk, name=team.name,
        member_ids=list(team.members.values_list("pk", flat=True)))
    # then it is warned (条例 第十六条), the page says so, and launching still works
    assert len(warnings) == 1 and "3" in warnings[0]
    assert any("第十六条" in w for w in selectors.campaign_warnings(campaign=campaign))
    launched_campaign = services.campaign_launch(actor=admin, campaign_id=campaign.pk, notices=False)
    assert launched_campaign.status == Campaign.Status.LAUNCHED
    # and a team of three has no warning
    third = InspectorFactory(office=world.a.office)
    _team, warnings = services.campaign_team_save(
        actor=admin, campaign_id=campaign.pk, team_id=team.pk, name=team.name,
        member_ids=[*team.members.values_list("pk", flat=True), third.pk])
    assert warnings == []


def test_launch_needs_a_team_for_every_target_and_is_audited(world):
    # given a draft whose targets have no team
    admin = user(world, "office_admin")
    campaign = services.campaign_create(
        actor=admin, office_id=world.a.office.pk, title="无督导组的专项督导", theme="safety",
        checklist=make_campaign(world).checklist_id, start_date="2026-01-05", self_check_due="2026-01-10",
        end_date="2026-01-30", rule={"by": "schools", "schools": [world.a.schools[3].pk]})
    # when launched, it is refused and stays a draft
    with pytest.raises(ValidationError):
        services.campaign_launch(actor=admin, campaign_id=campaign.pk, notices=False)
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.DRAFT
    # given a campaign ready to launch
    ready = make_campaign(world)
    services.campaign_launch(actor=admin, campaign_id=ready.pk, notices=False)
    # then the launch is audited and a second launch answers 409
    event = AuditEvent.objects.get(action="campaigns.campaign.launch", target_id=ready.pk)
    assert event.changes["status"] == ["draft", "launched"]
    with pytest.raises(TransitionNotAllowed):
        services.campaign_launch(actor=admin, campaign_id=ready.pk, notices=False)


def test_only_the_office_launches(world):
    campaign = make_campaign(world)
    # an inspector cannot see a draft (404), a county-B office neither
    for role, county in (("inspector", "a"), ("office_admin", "b")):
        with pytest.raises(Campaign.DoesNotExist):
            services.campaign_launch(actor=user(world, role, county), campaign_id=campaign.pk, notices=False)


def test_school_submits_self_check_with_a_file(world):
    # given a running campaign and the liaison of school 0
    campaign = launched(world)
    target = target_of(campaign, world)
    liaison = user(world, "school_liaison")
    # when the school submits its self-check with evidence
    services.target_self_check_submit(actor=liaison, target_id=target.pk, summary="已逐项自查。",
                                      answers=all_yes(campaign.checklist, no=("1.2",)), files=[pdf_file()])
    # then the target is self-checked, scored on the checklist and the file kept with its SHA-256
    target.refresh_from_db()
    assert target.status == CampaignTarget.Status.SELF_CHECKED and not target.self_check_late
    [evidence] = CampaignEvidence.objects.filter(target=target)
    assert evidence.stage == "self_check" and evidence.sha256 == hashlib.sha256(evidence.file.read()).hexdigest()
    [row] = [r for r in selectors.campaign_results(user=user(world, "office_admin"), campaign=campaign)
             if r["target"].pk == target.pk]
    assert row["self_score"] == 90.0 and row["team_score"] is None
    # and a second submission answers 409; another school's liaison may not submit (403)
    with pytest.raises(TransitionNotAllowed):
        services.target_self_check_submit(actor=liaison, target_id=target.pk, answers=all_yes(campaign.checklist))
    other = target_of(campaign, world, 1)
    with pytest.raises((PermissionDenied, CampaignTarget.DoesNotExist)):
        services.target_self_check_submit(actor=liaison, target_id=other.pk, answers=all_yes(campaign.checklist))


def test_self_check_must_answer_every_item(world):
    campaign = launched(world)
    target = target_of(campaign, world)
    answers = all_yes(campaign.checklist)
    answers.pop("1.1")
    with pytest.raises(ValidationError) as error:
        services.target_self_check_submit(actor=user(world, "school_liaison"), target_id=target.pk, answers=answers)
    assert "1.1" in str(error.value)


def test_late_self_check_is_flagged(world):
    # given a campaign whose self-check was due yesterday
    campaign = launched(world, due=-1)
    target = target_of(campaign, world)
    # when the school submits today, it is taken and flagged late
    services.target_self_check_submit(actor=user(world, "school_liaison"), target_id=target.pk,
                                      answers=all_yes(campaign.checklist))
    target.refresh_from_db()
    assert target.self_check_late
    assert selectors.campaign_progress(user=user(world, "office_admin"), campaign=campaign)["late"] >= 1


def test_team_result_problem_becomes_a_linked_notice(world):
    # given a running campaign, school 0 self-checked
    campaign = launched(world)
    target = target_of(campaign, world)
    services.target_self_check_submit(actor=user(world, "school_liaison"), target_id=target.pk,
                                      answers=all_yes(campaign.checklist))
    inspector = user(world, "inspector")
    # when a team member records the result with a problem and a photo
    services.target_result_record(
        actor=inspector, target_id=target.pk, answers=all_yes(campaign.checklist, no=("2.1",)),
        summary="消防隐患排查不到位。", problems=[{"item": "2.1", "description": "消防通道堆放杂物。", "severity": "serious"}],
        files=[png_file()])
    target.refresh_from_db()
    assert target.status == CampaignTarget.Status.VISITED
    [problem] = target.problems.all()
    # and issues it as a rectification notice
    services.problem_notice_issue(actor=inspector, problem_id=problem.pk, requirements="一周内清理消防通道。")
    # then the loop has a finding and an open notice linked to the problem, and the target is rectifying
    problem.refresh_from_db()
    target.refresh_from_db()
    assert problem.finding.description == "消防通道堆放杂物。" and problem.finding.item.code == "2.1"
    assert problem.rectification.status == Rectification.Status.ISSUED
    assert problem.rectification.finding_id == problem.finding_id and problem.rectification.number
    assert target.status == CampaignTarget.Status.RECTIFYING
    assert AuditEvent.objects.filter(action="campaigns.target.notice", target_id=target.pk).exists()
    # and issuing twice answers 409
    with pytest.raises(TransitionNotAllowed):
        services.problem_notice_issue(actor=inspector, problem_id=problem.pk, requirements="再次")


def test_only_team_members_record_results(world):
    campaign = launched(world)
    target = target_of(campaign, world, 1)
    outsider = user(world, "zone_leader")  # sees school 1? no: zone 1 holds schools 0 and 2
    with pytest.raises((PermissionDenied, CampaignTarget.DoesNotExist)):
        services.target_result_record(actor=outsider, target_id=target.pk, answers=all_yes(campaign.checklist))
    with pytest.raises(PermissionDenied):
        services.target_result_record(actor=user(world, "office_admin"), target_id=target.pk,
                                      answers=all_yes(campaign.checklist))


def test_results_and_rectification_list_numbers(world):
    # given a campaign with school 0 self-checked and visited with two problems, one notice closed
    campaign = launched(world)
    admin, inspector, liaison = user(world, "office_admin"), user(world, "inspector"), user(world, "school_liaison")
    target = target_of(campaign, world)
    services.target_self_check_submit(actor=liaison, target_id=target.pk, answers=all_yes(campaign.checklist))
    services.target_result_record(actor=inspector, target_id=target.pk,
                                  answers=all_yes(campaign.checklist, no=("1.1", "2.1")), problems=[
                                      {"item": "1.1", "description": "开学方案未印发。"},
                                      {"item": "2.1", "description": "隐患排查无记录。"}])
    first, second = target.problems.order_by("pk")
    services.problem_notice_issue(actor=inspector, problem_id=first.pk, requirements="印发方案。")
    services.problem_notice_issue(actor=inspector, problem_id=second.pk, requirements="补建台账。")
    first.refresh_from_db()
    rectification_submit(actor=liaison, rectification_id=first.rectification_id, measures="已印发。")
    rectification_close(actor=inspector, rectification_id=first.rectification_id, remarks="已核查。")
    # when the office reads the results, the list and the progress
    results = {r["school"].pk: r for r in selectors.campaign_results(user=admin, campaign=campaign)}
    rows = selectors.campaign_rectification_list(user=admin, campaign=campaign)
    progress = selectors.campaign_progress(user=admin, campaign=campaign)
    # then the numbers add up
    row = results[world.a.schools[0].pk]
    assert (row["self_score"], row["team_score"]) == (100.0, 75.0)
    assert (row["problems"], row["notices"], row["notices_closed"]) == (2, 2, 1)
    assert [r["progress"] for r in rows] == ["done", "not_started"]
    assert rows[0]["measures"] == "已印发。" and rows[0]["number"]
    assert progress["targets"] == 3 and progress["self_checked"] == 1 and progress["visited"] == 1
    assert (progress["problems"], progress["notices"], progress["notices_closed"]) == (2, 2, 1)
    assert progress["percent"]["visited"] == 33
    # and the target completes only once every notice is closed
    with pytest.raises(ValidationError):
        services.target_complete(actor=admin, target_id=target.pk)


def test_transition_table_of_targets(world):
    # every (state, transition) pair: allowed exactly where the table says
    for name, transition in CampaignTarget.TRANSITIONS.items():
        for state in CampaignTarget.Status.values:
            target = CampaignTarget(status=state)
            assert (state in transition.sources) == (target.status in CampaignTarget.TRANSITIONS[name].sources)
    assert CampaignTarget.TRANSITIONS["visit"].sources == {"notified", "self_checked"}
    assert Campaign.TRANSITIONS["close"].sources == {"launched"}


def test_closed_campaign_takes_no_more_self_checks(world):
    campaign = launched(world)
    admin = user(world, "office_admin")
    services.campaign_close(actor=admin, campaign_id=campaign.pk)
    with pytest.raises(TransitionNotAllowed):
        services.target_self_check_submit(actor=user(world, "school_liaison"), target_id=target_of(campaign, world).pk,
                                          answers=all_yes(campaign.checklist))
    with pytest.raises(TransitionNotAllowed):
        services.campaign_close(actor=admin, campaign_id=campaign.pk)
    assert AuditEvent.objects.filter(action="campaigns.campaign.close", target_id=campaign.pk).exists()
    assert School.objects.filter(pk=world.a.schools[0].pk).exists()
