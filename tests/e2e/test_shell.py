import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_user_logs_in_and_sees_the_shell(page, live_server_url):
    page.goto(live_server_url + "/")
    assert "/login/" in page.url  # anonymous users are sent to the login page
    login(page, live_server_url, "alice")
    assert page.get_by_test_id("current-user").inner_text().startswith("Alice Tester")
    assert page.get_by_test_id("menu-customers").is_visible()
    assert page.get_by_test_id("dashboard").is_visible()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login/")


def test_wrong_password_shows_a_clear_message(page, live_server_url):
    page.goto(live_server_url + "/login/")
    page.fill("input[name=email]", "alice@e2e.test")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    assert "not correct" in page.get_by_test_id("login-error").inner_text()
    assert page.input_value("input[name=email]") == "alice@e2e.test"  # what was typed is kept
