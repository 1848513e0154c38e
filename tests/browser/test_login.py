"""Logging in as people do: shared links, reloads, typed addresses, closed pages, throttling."""

from __future__ import annotations

from claims.permissions import Actor
from db.accounts import create_user
from tests.browser.conftest import PASSWORD, Site, log_in, settle, shot

NOT_FOUND = "does not seem to exist"


def _login_form_is_shown(page) -> bool:
    return page.get_by_role("heading", name="Log in to claimreview").is_visible()


def test_every_address_shows_only_the_login_form_and_keeps_the_address(page, site: Site) -> None:
    for path in ("/", "/articles", "/review?article=1&claim=9", "/claims?article=1", "/users"):
        page.goto(site.url(path))
        settle(page)
        assert _login_form_is_shown(page)
        assert NOT_FOUND not in page.content()  # no "page not found" over the form
        assert "Multiple myeloma" not in page.content()
        assert page.url == site.url(path)  # not rewritten to the main page
    shot(page, "login-form")


def test_a_shared_link_opens_its_claim_after_login_and_survives_a_reload(page, site: Site) -> None:
    claim = site.claims[9]
    page.goto(site.url(f"/review?article=1&claim={claim}"))
    settle(page)
    page.get_by_role("textbox", name="Username").fill("rita")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("Claim 9 of 30").wait_for(timeout=30_000)
    assert f"claim={claim}" in page.url
    assert any(c["name"] == "claimreview_session" for c in page.context.cookies())
    shot(page, "claim-after-login")
    page.reload()
    settle(page)
    page.get_by_text("Claim 9 of 30").wait_for(timeout=30_000)
    assert not _login_form_is_shown(page)


def test_a_new_page_load_right_after_login_keeps_the_login(page, site: Site) -> None:
    page.goto(site.url("/"))
    settle(page)
    # The moment the first page after the login shows, the login cookie must be there already:
    # a person may type an address or follow a link at once.
    page.evaluate(
        """() => { window.cookieWhenShown = null;
        new MutationObserver((changes, observer) => {
          if (Array.from(document.querySelectorAll('h1')).some(h => h.textContent === 'Articles')) {
            window.cookieWhenShown = document.cookie.includes('claimreview_session=');
            observer.disconnect();
          } }).observe(document.body, {childList: true, subtree: true}); }"""
    )
    page.get_by_role("textbox", name="Username").fill("editor")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Articles").wait_for(timeout=30_000)
    assert page.evaluate("window.cookieWhenShown") is True
    page.goto(site.url("/claims?article=1"))
    settle(page)
    assert page.get_by_role("heading", name="Claims").is_visible()
    assert not _login_form_is_shown(page)


def test_a_page_the_roles_do_not_open_says_so_plainly(page, site: Site) -> None:
    log_in(page, site, "rita")
    page.goto(site.url("/dashboard?article=1"))
    settle(page)
    assert page.get_by_text("is not open to your roles (reviewer)").is_visible()
    assert NOT_FOUND not in page.content()
    assert "/dashboard" in page.url
    shot(page, "closed-page")
    # Nor is it in the menu.
    assert page.get_by_role("link", name="Evidence gaps").count() == 0


def test_throttling_speaks_the_same_of_unknown_and_real_names(page, site: Site) -> None:
    page.goto(site.url("/"))
    settle(page)
    messages: dict[str, list[str]] = {}
    for name in ("raj", "nobody-here"):
        # Five tries are free; then each must wait twice as long as the last, so tries soon
        # come faster than the wait however slow the machine.
        for _ in range(14):
            page.get_by_role("textbox", name="Username").fill(name)
            page.get_by_role("textbox", name="Password").fill("wrong password")
            page.get_by_role("button", name="Log in").click()
            settle(page)
            messages.setdefault(name, []).append(page.get_by_test_id("stAlert").inner_text())
            if "Too many" in messages[name][-1]:
                break
    assert messages["raj"][:5] == messages["nobody-here"][:5] == ["Wrong username or password."] * 5
    assert "Too many failed logins for raj; try again in" in messages["raj"][-1]
    assert "Too many failed logins for nobody-here; try again in" in messages["nobody-here"][-1]
    shot(page, "throttled")


def test_first_login_asks_for_a_new_password_then_opens_the_page(page, site: Site) -> None:
    database = site.database()
    _, generated = create_user(database, Actor.operator("test"), "newcomer", ["reviewer"])
    database.dispose()
    page.goto(site.url("/queue"))
    settle(page)
    page.get_by_role("textbox", name="Username").fill("newcomer")
    page.get_by_role("textbox", name="Password").fill(generated)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Choose a new password").wait_for(timeout=30_000)
    shot(page, "new-password")
    page.get_by_role("textbox", name="New password", exact=True).fill("a fresh long password")
    page.get_by_role("textbox", name="New password again").fill("a fresh long password")
    page.get_by_role("button", name="Change password").click()
    page.get_by_role("heading", name="My queue").wait_for(timeout=30_000)
    assert "/queue" in page.url


def test_logging_out_ends_the_login_for_good(page, site: Site) -> None:
    log_in(page, site, "editor")
    page.get_by_role("button", name="Log out").click()
    settle(page)
    assert _login_form_is_shown(page)
    page.reload()
    settle(page)
    assert _login_form_is_shown(page)
