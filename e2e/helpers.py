"""Steps the browser tests share."""

from playwright.sync_api import Page, expect

from dudao.core.testing.factories import PASSWORD


def login(page: Page, username: str, password: str = PASSWORD) -> None:
    """Signs in through the login form and waits for the signed-in navbar."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("user-menu")).to_be_attached()


def table_rows(page: Page) -> list[list[str]]:
    """The text of every body cell of the object table, row by row."""
    return page.locator("[data-testid=object-table] tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.querySelectorAll('td')).map(td => td.innerText.trim()))"
    )
