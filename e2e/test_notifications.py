"""Message channels in a browser: the office administrator sets the office's WeCom robot and a
default, sees the address masked afterwards; a liaison chooses their own channels per kind."""

import pytest
from playwright.sync_api import Page, expect

from dudao.notifications.models import ChannelSettings, Preference
from e2e.helpers import login

pytestmark = pytest.mark.browser

ROBOT = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=ROBOT-KEY-0000-9876"


def test_office_sets_a_robot_and_a_liaison_chooses_channels(page: Page, world):
    login(page, "a_office_admin")
    page.goto("/notifications/channels/")
    page.fill("#id_wecom_url", ROBOT)
    page.locator("input[name=kind_overdue][value=wecom]").check()
    with page.expect_navigation():
        page.get_by_test_id("channels-save").click()
    secrets = page.get_by_test_id("channel-secrets")
    expect(secrets).to_contain_text("••••9876")
    expect(page.locator("body")).not_to_contain_text("ROBOT-KEY")
    row = ChannelSettings.objects.get(office=world.a.office)
    assert row.wecom_url == ROBOT and row.defaults["overdue"] == ["wecom"]

    page.context.clear_cookies()
    login(page, "a_liaison")
    page.goto("/notifications/preferences/")
    expect(page.locator("body")).to_contain_text("企业微信群机器人")
    page.locator("input[name=kind_new_notice][value=wecom]").check()
    page.locator("#id_digest").check()
    with page.expect_navigation():
        page.get_by_test_id("preferences-save").click()
    pref = Preference.objects.get(user=world.a.users["school_liaison"])
    assert pref.channels["new_notice"] == ["wecom"] and pref.digest
