"""The Chinese an office uses: an English word with several meanings is translated in its context.

"Public" in the menu is 社会参与 (the public's part: complaints, publications, surveys), not the
公办 of a school's ownership; "Closed" is 已办结 for a complaint, 已结束 for a campaign or a survey,
and 已销号 only for a rectification notice.
"""

import html
import re

import pytest
from django.urls import reverse

from dudao.core.testing.world import fresh, world_rolled_back

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


def page_as(client, user, url_name: str, language: str = "zh-hans") -> str:
    user = fresh(user)
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    return response.content.decode()


def options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, name
    return [html.unescape(o).strip() for o in re.findall(r"<option[^>]*>(.*?)</option>", select.group(1), re.S)]


def menu_groups(page: str) -> dict[str, list[str]]:
    """The menu's groups by label, each with its entries' labels."""
    groups = {}
    for label, body in re.findall(
            r'<li class="nav-item dropdown[^"]*">.*?<span class="nav-link-title">(.*?)</span></a>\s*'
            r'<div class="dropdown-menu">(.*?)</div>', page, re.S):
        groups[label.strip()] = [re.sub(r"<[^>]+>", "", a).strip() for a in re.findall(r"<a [^>]*>(.*?)</a>", body, re.S)]
    return groups


def test_menu_calls_the_public_group_social_participation_not_state_run(world, client):
    # given the county office's administrator in Chinese
    page = page_as(client, world.a.users["office_admin"], "reports:dashboard")
    groups = menu_groups(page)
    # then the public's group is 社会参与 with complaints, what is published and the surveys
    assert "社会参与" in groups and "公办" not in groups
    assert {"投诉", "信息公开", "满意度调查"} <= set(groups["社会参与"])


def test_menu_puts_evaluations_with_supervision(world, client):
    # given the menu of the office
    groups = menu_groups(page_as(client, world.a.users["office_admin"], "reports:dashboard"))
    # then evaluations (督导评估) sit with visits and special campaigns, surveys with the public,
    # and the monitoring group holds only the balanced-development statistics
    assert {"督导记录", "专项督导", "督导评估"} <= set(groups["督导工作"])
    assert not any("督导评估" in entries or "满意度调查" in entries
                   for label, entries in groups.items() if label not in ("督导工作", "社会参与"))


def test_complaints_read_concluded_not_rectification_closed(world, client):
    # given the complaints list
    page = page_as(client, world.a.users["office_admin"], "complaints:complaint_list")
    # then the states and statuses read 未办结 / 已办结, never the rectification term 已销号
    assert {"未办结", "已办结"} <= set(options(page, "state"))
    assert "已办结" in options(page, "status")
    assert "已销号" not in page and "未完成" not in options(page, "state")
    assert re.search(r'未办结</div><div[^>]*data-testid="stat-open"', page)


def test_campaigns_and_surveys_end_rather_than_close(world, client):
    # given the lists of special campaigns and satisfaction surveys
    campaigns = page_as(client, world.a.users["office_admin"], "campaigns:campaign_list")
    surveys = page_as(client, world.a.users["office_admin"], "surveys:survey_list")
    # then a finished one is 已结束, an open survey 进行中
    assert "已结束" in options(campaigns, "status") and "已销号" not in campaigns
    assert {"进行中", "已结束"} <= set(options(surveys, "status"))
    assert "已销号" not in surveys and "未完成" not in options(surveys, "status")


def test_rectification_notices_keep_their_own_word(world, client):
    # given the list of rectification notices
    page = page_as(client, world.a.users["office_admin"], "inspections:rectification_list")
    # then a closed notice is still 已销号 (整改销号)
    assert "已销号" in options(page, "status")


def test_people_are_listed_by_name_not_title(world, client):
    # given the list of inspectors
    page = page_as(client, world.a.users["office_admin"], "inspectors:inspector_list")
    # then the column of their names is 姓名, not the 名称 of a thing
    headers = re.findall(r"<th>(?:<a [^>]*>)?(.*?)(?:</a>)?</th>", page)
    assert "姓名" in headers and "名称" not in headers
