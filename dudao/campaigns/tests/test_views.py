"""The campaign pages: launch from the page, the school's self-check with a file, the team's
result, a problem into a notice, results and rectification list read back from Excel, the notice and
the report read back from Word, who sees which target, and constant queries on lists."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from dudao.campaigns import services
from dudao.campaigns.models import Campaign, CampaignTarget
from dudao.campaigns.tests.helpers import all_yes, launched, make_campaign, png_file, user
from dudao.documents.models import Document
from dudao.documents.render import docx_text
from dudao.documents.services import document_read_verified
from dudao.jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_launch_from_the_page_files_one_notice_per_school(world, client, immediate_tasks,
                                                          django_capture_on_commit_callbacks):
    # given a draft campaign with a team of two (warned)
    campaign = make_campaign(world, team_size=2)
    client.force_login(user(world, "office_admin"))
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert 'data-testid="campaign-warning"' in page and 'data-testid="small-team"' in page
    # when the office launches it
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("campaigns:campaign_transition", args=[campaign.pk, "launch"]))
    # then it is launched and the job filed a numbered 督导通知书 for each school, as Word the school reads
    assert response.status_code == 302
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.LAUNCHED
    job = Job.objects.get(kind="campaigns.notices")
    assert job.status == Job.Status.SUCCEEDED, job.message
    notices = Document.objects.filter(kind="campaign_notice", subject_id__in=campaign.targets.values("pk"))
    assert notices.count() == 3 and all(d.number for d in notices)
    school = world.a.schools[0]
    text = docx_text(document_read_verified(notices.get(school=school), "docx"))
    assert school.name in text and "督导通知书" in text and "制定开学工作方案" in text and "第一督导组" in text
    # and the school's liaison sees its own notice and not another school's
    liaison_docs = Document.objects.for_user(user(world, "school_liaison")).filter(kind="campaign_notice")
    assert set(liaison_docs.values_list("school_id", flat=True)) == {school.pk}
    # and launching again answers 409
    assert client.post(reverse("api:campaigns-campaign-launch", args=[campaign.pk])).status_code == 409


def test_self_check_result_and_notice_through_the_pages(world, client):
    campaign = launched(world)
    target = campaign.targets.get(school=world.a.schools[0])
    # the school submits its self-check with a file
    client.force_login(user(world, "school_liaison"))
    assert 'data-testid="self-check-form"' in client.get(target.get_absolute_url()).content.decode()
    form = {f"answer-{code}": "yes" for code in all_yes(campaign.checklist)}
    form.update({"summary": "自查完毕", "files": png_file()})
    client.post(reverse("campaigns:target_action", args=[target.pk, "self-check"]), form)
    target.refresh_from_db()
    assert target.status == CampaignTarget.Status.SELF_CHECKED and target.evidence.count() == 1
    evidence = target.evidence.get()
    assert client.get(evidence.get_absolute_url()).status_code == 200
    # the team member records the result with a problem, then issues the notice
    client.force_login(user(world, "inspector"))
    form = {f"answer-{code}": "yes" for code in all_yes(campaign.checklist)}
    form.update({"answer-2.1": "no", "visited_on": target.campaign.start_date.isoformat(),
                 "problem-1-item": "2.1", "problem-1-description": "灭火器过期。", "problem-1-severity": "general"})
    client.post(reverse("campaigns:target_action", args=[target.pk, "result"]), form)
    problem = target.problems.get()
    client.post(reverse("campaigns:problem_issue", args=[problem.pk]), {"requirements": "更换灭火器。"})
    problem.refresh_from_db()
    assert problem.rectification is not None
    page = client.get(target.get_absolute_url()).content.decode()
    assert 'data-testid="problem-notice"' in page and str(problem.rectification) in page


def test_results_and_rectification_list_read_back_from_excel(world, client):
    # given school 0 self-checked (all yes) and visited with one problem issued
    campaign = launched(world)
    target = campaign.targets.get(school=world.a.schools[0])
    services.target_self_check_submit(actor=user(world, "school_liaison"), target_id=target.pk,
                                      answers=all_yes(campaign.checklist))
    services.target_result_record(actor=user(world, "inspector"), target_id=target.pk,
                                  answers=all_yes(campaign.checklist, no=("3.1",)),
                                  problems=[{"item": "3.1", "description": "存在违规收费。"}])
    services.problem_notice_issue(actor=user(world, "inspector"), problem_id=target.problems.get().pk,
                                  requirements="退还费用。")
    client.force_login(user(world, "office_admin"))
    # when the office exports both tables
    results = load_workbook(io.BytesIO(client.get(
        reverse("campaigns:campaign_results", args=[campaign.pk]) + "?export=xlsx").content)).active
    rectifications = load_workbook(io.BytesIO(client.get(
        reverse("campaigns:campaign_rectifications", args=[campaign.pk]) + "?export=xlsx").content)).active
    # then the sheets hold the scores and the notice
    rows = {r[0]: r for r in results.iter_rows(min_row=2, values_only=True)}
    row = rows[world.a.schools[0].name]
    assert (row[3], row[5], row[7], row[8]) == (100, 85, 1, 1)
    [line] = list(rectifications.iter_rows(min_row=2, values_only=True))
    assert line[1] == world.a.schools[0].name and line[3] == "存在违规收费。" and line[4]
    assert "尚未启动" in line[9] or "Not started" in line[9]


def test_report_is_drafted_with_tables_and_chart(world, client):
    campaign = launched(world)
    target = campaign.targets.get(school=world.a.schools[0])
    services.target_result_record(actor=user(world, "inspector"), target_id=target.pk,
                                  answers=all_yes(campaign.checklist, no=("1.2",)), summary="教材到位不及时。",
                                  problems=[{"item": "1.2", "description": "部分教材未到位。"}])
    client.force_login(user(world, "office_admin"))
    response = client.post(reverse("campaigns:campaign_report", args=[campaign.pk]))
    document = Document.objects.get(kind="campaign_report", subject_id=campaign.pk)
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    from docx import Document as Docx

    data = document_read_verified(document, "docx")
    text = docx_text(data)
    assert "专项督导情况的报告" in text and "部分教材未到位" in text and world.a.schools[0].name in text
    assert "尚未启动" in text and "教材到位不及时" in text
    assert len(Docx(io.BytesIO(data)).inline_shapes) == 1  # the progress chart


def test_inspector_outside_the_team_sees_only_the_targets_of_listed_schools(world):
    # given a campaign of school 0, 1, 2 whose team does not hold the county's signed-in inspector
    campaign = make_campaign(world)
    team = campaign.teams.get()
    team.members.remove(world.a.inspectors[0])
    services.campaign_launch(actor=user(world, "office_admin"), campaign_id=campaign.pk, notices=False)
    # then the inspector sees the targets of the schools listed to them (0 and 2), not school 1
    seen = set(CampaignTarget.objects.for_user(user(world, "inspector")).filter(campaign=campaign)
               .values_list("school_id", flat=True))
    assert seen == {world.a.schools[0].pk, world.a.schools[2].pk}
    # and a draft is seen by the office only
    draft = make_campaign(world)
    assert not Campaign.objects.for_user(user(world, "inspector")).filter(pk=draft.pk).exists()
    assert not CampaignTarget.objects.for_user(user(world, "school_liaison")).filter(campaign=draft).exists()


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_lists_run_a_constant_number_of_queries(world, client):
    # given one campaign of 2 targets (one visited), then more campaigns and one of 4 targets (two visited)
    client.force_login(user(world, "office_admin"))
    first = launched(world, schools=(0, 1))
    services.target_result_record(actor=user(world, "inspector"), target_id=first.targets.get(school=world.a.schools[0]).pk,
                                  answers=all_yes(first.checklist, no=("1.1",)), problems=[{"item": "1.1", "description": "问题"}])
    urls = [reverse("campaigns:campaign_list"), reverse("campaigns:target_list"),
            reverse("api:campaigns-campaign-list"), reverse("api:campaigns-target-list")]
    before = [_count(client, u) for u in urls]
    table_before = [_count(client, reverse(n, args=[first.pk]))
                    for n in ("campaigns:campaign_results", "campaigns:campaign_rectifications")]
    for _ in range(4):
        launched(world, schools=(0, 1, 2, 3))
    big = launched(world, schools=(0, 1, 2, 3))
    for index in (0, 2):
        t = big.targets.get(school=world.a.schools[index])
        services.target_result_record(actor=user(world, "inspector"), target_id=t.pk,
                                      answers=all_yes(big.checklist, no=("1.1",)),
                                      problems=[{"item": "1.1", "description": "问题"}])
    # then the lists and the campaign's tables run as many queries as before
    assert [_count(client, u) for u in urls] == before
    assert [_count(client, reverse(n, args=[big.pk]))
            for n in ("campaigns:campaign_results", "campaigns:campaign_rectifications")] == table_before


@pytest.mark.parametrize("year", ["0", "99999"])
def test_filtering_campaigns_by_an_impossible_year_is_refused_not_a_server_error(world, client, year):
    client.force_login(user(world, "office_admin"))
    response = client.get(reverse("api:campaigns-campaign-list"), {"year": year})
    assert response.status_code == 400 and "year" in response.json()
    page = client.get(reverse("campaigns:campaign_list"), {"year": year})
    assert page.status_code == 200
    assert "请填写 2000 至 2100 之间的年份。" in page.content.decode()
