"""Every kind of page, audited with axe-core at desktop width and at 360 px, for visitors,
a parent, a host and an admin, and every form once more after it was sent empty.

Add a page by adding a row to SCREENS. ``{name}`` in a path is filled in from the ids that
``tests/browser/demo_data.py`` finds in the demo content.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import (
    AXE,
    AXE_TAGS,
    WIDTHS,
    LiveServer,
    open_context,
    save_screenshot,
    totp_code,
)
from tests.browser.demo_data import DemoRefs

ANY_FORM = "main form.lp-form"
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@dataclass(frozen=True)
class Screen:
    """One page as one kind of person sees it."""

    name: str
    """Short and unique: the test id, and the screenshot's file name."""
    role: str
    """visitor, parent, host, admin, or halfway (password given, code not yet)."""
    path: str
    submit: str | None = None
    """A CSS selector of a form to send with its text fields emptied, to audit the errors."""
    status: int = 200
    screenshot: bool = False

    @property
    def id(self) -> str:
        return f"{self.role}-{self.name}"


SCREENS = [
    # Logged out
    Screen("home", "visitor", "/", screenshot=True),
    Screen("regions", "visitor", "/regios", screenshot=True),
    Screen("region", "visitor", "/regio/{region}"),
    Screen("national", "visitor", "/landelijk"),
    Screen("places", "visitor", "/aanbod", screenshot=True),
    Screen("place", "visitor", "/aanbod/{place}"),
    Screen("login", "visitor", "/inloggen", screenshot=True),
    Screen("login-errors", "visitor", "/inloggen", submit=ANY_FORM),
    Screen("register", "visitor", "/registreren", screenshot=True),
    Screen("register-errors", "visitor", "/registreren", submit=ANY_FORM, screenshot=True),
    Screen("forgot-password", "visitor", "/wachtwoord-vergeten", submit=ANY_FORM),
    Screen("check-email", "visitor", "/controleer-je-mail"),
    Screen("reset-password", "visitor", "/wachtwoord-herstellen/{reset_token}", submit=ANY_FORM),
    Screen("verify-email", "visitor", "/bevestigen/{verify_token}"),
    Screen("broken-link", "visitor", "/bevestigen/kapot", status=400),
    Screen("not-found", "visitor", "/bestaat-niet", status=404),
    Screen("privacy", "visitor", "/privacy"),
    Screen("accessibility", "visitor", "/toegankelijkheid"),
    Screen("house-rules", "visitor", "/huisregels"),
    Screen("glossary", "visitor", "/woordenlijst"),
    Screen("login-code", "halfway", "/inloggen/code", submit=ANY_FORM),
    Screen("search", "visitor", "/zoeken?q=logeerhuis"),
    Screen("search-too-long", "visitor", "/zoeken?q=" + "logeren+" * 40, status=400),
    # A parent
    Screen("home", "parent", "/", screenshot=True),
    Screen("region", "parent", "/regio/{region}", screenshot=True),
    Screen("national", "parent", "/landelijk"),
    Screen("resolved-thread", "parent", "/onderwerp/{resolved_thread}", screenshot=True),
    Screen("bottleneck", "parent", "/onderwerp/{bottleneck}"),
    Screen("question", "parent", "/onderwerp/{question}"),
    Screen("good-practice", "parent", "/onderwerp/{good_practice}"),
    Screen("reply-errors", "parent", "/onderwerp/{question}", submit=ANY_FORM),
    Screen("new-thread", "parent", "/regio/{region}/nieuw", submit=ANY_FORM, screenshot=True),
    Screen("reply-to-post", "parent", "/bericht/{others_reply}/reageren", submit=ANY_FORM),
    Screen("report-post", "parent", "/bericht/{others_reply}/melden", submit=ANY_FORM),
    Screen("edit-own-post", "parent", "/bericht/{own_post}/bewerken", submit=ANY_FORM),
    Screen("delete-own-post", "parent", "/bericht/{own_post}/verwijderen"),
    Screen("action-item", "parent", "/actiepunt/{active_item}", screenshot=True),
    Screen("resolved-item", "parent", "/actiepunt/{resolved_item}"),
    Screen(
        "progress-errors",
        "parent",
        "/actiepunt/{active_item}",
        submit="main form[action$='/voortgang']",
    ),
    Screen("action-board", "parent", "/regio/{region}/actiepunten", screenshot=True),
    Screen("national-board", "parent", "/actiepunten"),
    Screen("monitor", "parent", "/knelpuntenmonitor", screenshot=True),
    Screen("notifications", "parent", "/meldingen", screenshot=True),
    Screen("my-details", "parent", "/mijn-gegevens"),
    Screen("mail-settings", "parent", "/mijn-gegevens/meldingen"),
    Screen("change-password", "parent", "/mijn-gegevens/wachtwoord", submit=ANY_FORM),
    Screen("change-email", "parent", "/mijn-gegevens/e-mailadres", submit=ANY_FORM),
    Screen("home-region", "parent", "/mijn-gegevens/thuisregio"),
    Screen("two-step-setup", "parent", "/mijn-gegevens/tweestaps", submit=ANY_FORM),
    Screen("delete-account", "parent", "/mijn-gegevens/verwijderen", submit=ANY_FORM),
    Screen("propose-place", "parent", "/aanbod/voorstellen", submit=ANY_FORM),
    Screen("place-stories", "parent", "/aanbod/{place_with_stories}", screenshot=True),
    Screen("search", "parent", "/zoeken?q=dagbestedingen", screenshot=True),
    Screen("search-filtered", "parent", "/zoeken?q=logeren&thema=logeren&in=onderwerpen"),
    Screen("coming-meeting", "parent", "/regiotafel/{next_meeting}", screenshot=True),
    Screen("past-meeting", "parent", "/regiotafel/{past_meeting}"),
    # A host of the region, with two-step verification
    Screen("moderation", "host", "/moderatie"),
    Screen("queue", "host", "/regio/{region}/moderatie", screenshot=True),
    Screen("log", "host", "/regio/{region}/logboek"),
    Screen("decide-report", "host", "/melding/{report}", submit=ANY_FORM),
    Screen("manage-thread", "host", "/onderwerp/{bottleneck}/beheren"),
    Screen("bottleneck", "host", "/onderwerp/{bottleneck}"),
    Screen("item-from-thread", "host", "/onderwerp/{bottleneck}/actiepunt"),
    Screen("new-item", "host", "/actiepunt/nieuw?onderwerp={bottleneck}", submit=ANY_FORM),
    Screen("new-regional-item", "host", "/actiepunt/nieuw?regio={region}"),
    Screen("action-item", "host", "/actiepunt/{active_item}"),
    Screen("edit-item", "host", "/actiepunt/{active_item}/bewerken", submit=ANY_FORM),
    Screen("item-status", "host", "/actiepunt/{active_item}/status", submit=ANY_FORM),
    Screen("link-item", "host", "/actiepunt/{active_item}/koppelen", submit=ANY_FORM),
    Screen("merge-item", "host", "/actiepunt/{active_item}/samenvoegen", submit=ANY_FORM),
    Screen("escalate-item", "host", "/actiepunt/{active_item}/opschalen", submit=ANY_FORM),
    Screen("decline-proposal", "host", "/voorstel/{proposal}/afwijzen", submit=ANY_FORM),
    Screen("hide-post", "host", "/bericht/{others_reply}/verbergen", submit=ANY_FORM),
    Screen("suspend-author", "host", "/bericht/{others_reply}/schorsen", submit=ANY_FORM),
    Screen("edit-others-post", "host", "/bericht/{others_reply}/bewerken"),
    Screen("post-history", "host", "/bericht/{revised_post}/geschiedenis"),
    Screen("lift-suspension", "host", "/schorsing/{suspension}/opheffen", submit=ANY_FORM),
    Screen("review-places", "host", "/aanbod/voorstellen/beoordelen"),
    Screen("edit-place", "host", "/aanbod/{place}/wijzigen", submit=ANY_FORM),
    Screen("two-step-on", "host", "/mijn-gegevens/tweestaps"),
    Screen("new-meeting", "host", "/regio/{region}/regiotafel/nieuw", submit=ANY_FORM),
    Screen("edit-meeting", "host", "/regiotafel/{next_meeting}/bewerken"),
    Screen("meeting-agenda", "host", "/regiotafel/{next_meeting}/agenda"),
    Screen("meeting-minutes", "host", "/regiotafel/{past_meeting}/verslag", submit=ANY_FORM),
    Screen("meeting-decisions", "host", "/regiotafel/{past_meeting}/besluiten"),
    # An admin, with two-step verification
    Screen("admin", "admin", "/beheer/"),
    Screen("admin-regions", "admin", "/beheer/regios"),
    Screen("admin-region", "admin", "/beheer/regios/{region}", submit=ANY_FORM),
    Screen("municipalities", "admin", "/beheer/gemeenten"),
    Screen("municipality", "admin", "/beheer/gemeenten/{municipality}"),
    Screen("new-municipality", "admin", "/beheer/gemeenten/nieuw", submit=ANY_FORM),
    Screen("admin-mail", "admin", "/beheer/e-mail"),
    Screen("admin-log", "admin", "/beheer/logboek"),
]


# Logging in once per role


class Sessions:
    """The cookies of each role, logged in once per test session through the login form."""

    def __init__(self, browser: Browser, site: LiveServer, refs: DemoRefs) -> None:
        self.browser, self.site, self.refs = browser, site, refs
        self._states: dict[str, Any] = {}

    def state(self, role: str) -> Any:
        if role == "visitor":
            return None
        if role == "halfway":
            return self._log_in("admin", with_code=False)  # the code step lasts 5 minutes
        if role not in self._states:
            self._states[role] = self._log_in(role, with_code=True)
        return self._states[role]

    def _log_in(self, role: str, *, with_code: bool) -> Any:
        account = self.refs.accounts[role]
        context = open_context(self.browser)
        page = context.new_page()
        page.goto(self.site.at("/inloggen"))
        page.get_by_label("E-mailadres").fill(account.email)
        page.get_by_label("Wachtwoord").fill(account.password)
        page.locator("main form.lp-form").get_by_role("button", name="Inloggen").click()
        if account.totp_secret:
            page.get_by_role("heading", name="Vul je code in").wait_for()
            if with_code:
                page.get_by_label("Code", exact=True).fill(totp_code(account.totp_secret))
                page.locator("main form.lp-form").get_by_role("button", name="Inloggen").click()
        if with_code:
            page.get_by_role("button", name="Uitloggen").wait_for()
        state = context.storage_state()
        context.close()
        return state


@pytest.fixture(scope="session")
def sessions(browser: Browser, demo_site: LiveServer) -> Sessions:
    return Sessions(browser, demo_site, demo_site.app.extensions["demo_refs"])


@pytest.fixture
def ids(demo_site: LiveServer) -> dict[str, int | str]:
    return demo_site.app.extensions["demo_refs"].ids


# The audit


UNDECIDED_FOR_A_PERSON = ["color-contrast"]
"""axe-core leaves some checks undecided ("incomplete"). Contrast it cannot measure (text over an
image, or inside the monitor's SVG chart, whose figures the table repeats) is for a person to
review; any other undecided check counts as a fault: an ``aria-describedby="None"`` is one."""


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """What axe-core finds on the page as it is now (``AXE`` must be on the page)."""
    return page.evaluate(
        "([tags, undecided]) => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(results => results.violations.concat("
        "  results.incomplete.filter(result => !undecided.includes(result.id))))",
        [AXE_TAGS, UNDECIDED_FOR_A_PERSON],
    )


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {json.dumps(node['target'])}: {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


def send_empty(page: Page, selector: str) -> None:
    """Empty the text fields of the form and send it, the way a hurried person might."""
    form = page.locator(selector).first
    for box in form.locator(
        "input[type=text], input[type=email], input[type=password], input[type=date], "
        "input[type=url], input[type=number], input:not([type]), textarea"
    ).all():
        if box.is_visible():
            box.fill("")
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()
    assert page.locator("[data-error-summary]").is_visible(), "no error summary after sending"


@contextmanager
def open_screen(
    browser: Browser,
    site: LiveServer,
    sessions: Sessions,
    screen: Screen,
    ids: dict[str, int | str],
    width: str = "desktop",
    **options: Any,
) -> Iterator[Page]:
    context = open_context(browser, width, storage_state=sessions.state(screen.role), **options)
    try:
        page = context.new_page()
        response = page.goto(site.at(screen.path.format(**ids)))
        assert response is not None
        assert response.status == screen.status, f"{screen.path}: {response.status}"
        assert page.url.startswith(site.at(screen.path.format(**ids)).split("?")[0]), page.url
        if screen.submit:
            send_empty(page, screen.submit)
        yield page
    finally:
        context.close()


@pytest.mark.parametrize("screen", SCREENS, ids=[screen.id for screen in SCREENS])
def test_no_accessibility_violations(
    screen: Screen,
    browser: Browser,
    demo_site: LiveServer,
    sessions: Sessions,
    ids: dict[str, int | str],
) -> None:
    """axe-core at 1280 px, then at 360 px on the same page: no violation, no sideways scroll."""
    with open_screen(browser, demo_site, sessions, screen, ids, bypass_csp=True) as page:
        page.add_script_tag(path=str(AXE))
        problems = []
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            violations = axe_violations(page)
            if violations:
                problems.append(f"at {width} ({viewport['width']} px):\n{describe(violations)}")
            if width == "phone":
                overflow = page.evaluate(SIDEWAYS)
                if overflow > 0:
                    problems.append(f"at 360 px the page scrolls sideways by {overflow} px")
            if screen.screenshot:
                save_screenshot(page, f"{screen.id}-{width}")
        assert not problems, f"{screen.path}\n" + "\n".join(problems)


@pytest.mark.parametrize("screen", SCREENS, ids=[screen.id for screen in SCREENS])
def test_works_without_javascript(
    screen: Screen,
    browser: Browser,
    demo_site: LiveServer,
    sessions: Sessions,
    ids: dict[str, int | str],
) -> None:
    """Loading the page, and sending its form empty, show the same without any script."""
    with open_screen(
        browser, demo_site, sessions, screen, ids, "phone", java_script_enabled=False
    ) as page:
        assert page.locator("main h1").first.is_visible()
        assert page.locator("header nav").first.is_visible()


def test_the_audit_finds_violations(browser: Browser) -> None:
    """The audit is not blind: on a page with known faults axe-core names them."""
    context = open_context(browser)
    try:
        page = context.new_page()
        page.set_content(
            '<!DOCTYPE html><html lang="nl"><head><title>Fout</title></head><body><main>'
            '<h1>Fout</h1><img src="data:,"><input type="text">'
            '<p style="color:#bbb;background:#fff">Te licht</p></main></body></html>'
        )
        page.add_script_tag(path=str(AXE))
        found = {violation["id"] for violation in axe_violations(page)}
    finally:
        context.close()
    assert {"image-alt", "label", "color-contrast"} <= found
