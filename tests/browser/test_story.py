"""The main story, in a real browser: a parent registers, confirms the address from the mail,
joins a region and shares a bottleneck; the host makes an action item of it (turning on
two-step verification the first time, as required), adds progress and resolves it; the parent
sees "Opgelost — zie actiepunt …" on the conversation and the notification at /meldingen.

The same story runs three ways: with a mouse at desktop width, with the keyboard alone (Tab,
Enter and Space, no click), and on a phone's width of 360 px without sideways scrolling. The
pages are served with their own Content-Security-Policy, as in production.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import (
    LiveServer,
    link_to,
    open_context,
    save_screenshot,
    totp_code,
    wait_for_mail,
)
from tests.conftest import Mailbox
from tests.factories import PASSWORD, make_user

PARENT_EMAIL = "ouder.sem@example.nl"
PARENT_PASSWORD = "slaap is het eerste wat ik mis"
HOST_EMAIL = "gastheer@zorgkantoor.example.nl"
TITLE = "Geen vervoer naar de logeeropvang in de vakantie"
BODY = "In de schoolvakanties rijdt de taxi niet. Daardoor kan Sem niet logeren."
PROGRESS = "Het zorgkantoor heeft met de vervoerder gesproken."
RESOLUTION = "De vervoerder rijdt nu ook in de vakanties, op dezelfde tijden."
MAX_TABS = 400
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@dataclass
class Person:
    """Someone at a browser, who uses the mouse or only the keyboard."""

    page: Page
    keyboard_only: bool
    check_width: bool

    # Moving around

    def visit(self, url: str) -> None:
        """Type an address, or open a link from a mail."""
        self.page.goto(url)
        self.arrived()

    def arrived(self) -> None:
        self.page.wait_for_load_state()
        if self.check_width:
            overflow = self.page.evaluate(SIDEWAYS)
            assert overflow <= 0, f"{self.page.url} scrolls sideways by {overflow} px"

    def follow(self, name: str, *, within: str = "body") -> None:
        self._activate(self.page.locator(within).get_by_role("link", name=name).first)

    def press(self, name: str, *, within: str = "body") -> None:
        self._activate(self.page.locator(within).get_by_role("button", name=name).first)

    def _activate(self, target: Locator) -> None:
        with self.page.expect_navigation():
            if self.keyboard_only:
                self.tab_to(target)
                self.page.keyboard.press("Enter")
            else:
                target.click()
        self.arrived()

    # Filling in forms

    def fill(self, label: str, value: str) -> None:
        field = self.page.get_by_label(label, exact=True)
        if self.keyboard_only:
            self.tab_to(field)
            self.page.keyboard.press("ControlOrMeta+a")
            self.page.keyboard.type(value)
        else:
            field.fill(value)
        expect(field).to_have_value(value)

    def choose(self, label: str) -> None:
        """Tick a checkbox or pick a radio button by its label."""
        option = self.page.get_by_label(label, exact=True)
        if not self.keyboard_only:
            option.check()
        elif option.get_attribute("type") == "radio":
            # Tab enters a group of radio buttons once; the arrow keys move within it.
            name = option.get_attribute("name")
            self.tab_to(self.page.locator(f"input[type=radio][name='{name}']"), any_of=True)
            for _ in range(20):
                if option.evaluate("el => el === document.activeElement"):
                    break
                self.page.keyboard.press("ArrowDown")
            self.page.keyboard.press("Space")
        else:
            self.tab_to(option)
            self.page.keyboard.press("Space")
        expect(option).to_be_checked()

    def select(self, label: str, option: str) -> None:
        field = self.page.get_by_label(label, exact=True)
        if self.keyboard_only:
            self.tab_to(field)
            self.page.keyboard.type(option)
        else:
            field.select_option(label=option)
        assert field.evaluate("el => el.options[el.selectedIndex].text") == option

    def tab_to(self, target: Locator, *, any_of: bool = False) -> None:
        """Press Tab until ``target`` (or, with ``any_of``, one of its elements) has the focus,
        and check that the focus can be seen."""
        elements = target.element_handles() if any_of else [target.element_handle()]
        for _ in range(MAX_TABS):
            focused = self.page.evaluate_handle("() => document.activeElement")
            if any(
                self.page.evaluate("([a, b]) => a === b", [focused, element])
                for element in elements
            ):
                style = self.page.evaluate(
                    "el => { const s = getComputedStyle(el);"
                    " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }",
                    focused,
                )
                outline_style, outline_width, shadow = style
                visible = (outline_style != "none" and outline_width != "0px") or shadow != "none"
                assert visible, f"no visible focus on {target} at {self.page.url}: {style}"
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"{target} cannot be reached with Tab on {self.page.url}")

    # Reading

    def sees(self, text: str) -> None:
        expect(self.page.locator("main")).to_contain_text(text)


@dataclass(frozen=True)
class Mode:
    width: str
    keyboard_only: bool


MODES = {
    "mouse": Mode(width="desktop", keyboard_only=False),
    "keyboard": Mode(width="desktop", keyboard_only=True),
    "phone": Mode(width="phone", keyboard_only=False),
}


@pytest.fixture(params=list(MODES))
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@contextmanager
def person(browser: Browser, mode: str) -> Iterator[Person]:
    settings = MODES[mode]
    context = open_context(browser, settings.width)
    try:
        yield Person(
            page=context.new_page(),
            keyboard_only=settings.keyboard_only,
            check_width=settings.width == "phone",
        )
    finally:
        context.close()


def snapshot(someone: Person, mode: str, name: str) -> None:
    if mode != "keyboard":
        save_screenshot(someone.page, f"story-{name}-{'phone' if mode == 'phone' else 'desktop'}")


def test_a_bottleneck_becomes_a_resolved_action_item(
    browser: Browser, live_server: LiveServer, mailbox: Mailbox, mode: str
) -> None:
    app: Flask = live_server.app
    with app.app_context():
        make_user(email=HOST_EMAIL, display_name="Gastvrouw Amsterdam", host_of="5515")

    with person(browser, mode) as parent:
        thread_url = share_a_bottleneck(parent, live_server, mailbox, mode)
        with person(browser, mode) as host:
            resolve_it(host, live_server, thread_url, mode)
        see_it_resolved(parent, thread_url, mode)


def share_a_bottleneck(parent: Person, server: LiveServer, mailbox: Mailbox, mode: str) -> str:
    """Register, confirm the address from the mail, join Amsterdam and share a bottleneck."""
    parent.visit(server.at("/"))
    parent.follow("Registreren", within="header")
    parent.fill("E-mailadres", PARENT_EMAIL)
    parent.fill("Naam die anderen zien", "Moeder van Sem")
    parent.choose("Ouder of verwant")
    parent.select("Jouw gemeente", "Haarlem")
    parent.fill("Wachtwoord", PARENT_PASSWORD)
    parent.choose(
        "Ik geef toestemming dat het platform bewaart en laat zien wat ik schrijf, "
        "ook over gezondheid en zorg. (lees de privacyverklaring)"
    )
    parent.press("Account maken")
    parent.sees(PARENT_EMAIL)

    mail = wait_for_mail(server.app, mailbox, PARENT_EMAIL, "Bevestig")
    parent.visit(link_to(server, mail, "/bevestigen/"))
    parent.press("Bevestig mijn e-mailadres")
    parent.sees("Je e-mailadres " + PARENT_EMAIL + " is bevestigd")
    expect(parent.page.get_by_label("E-mailadres", exact=True)).to_have_value(PARENT_EMAIL)
    parent.fill("Wachtwoord", PARENT_PASSWORD)
    parent.press("Inloggen", within="main")

    parent.follow("Regio's", within="header")
    parent.follow("Amsterdam")
    parent.press("Lid worden Amsterdam")
    parent.sees("Amsterdam hoort nu bij jouw regio's")
    parent.follow("Deel iets")
    parent.fill("Titel", TITLE)
    parent.choose("Knelpunt")
    parent.choose("Vervoer")
    parent.choose("Logeren")
    parent.fill("Je bericht", BODY)
    snapshot(parent, mode, "new-bottleneck")
    parent.press("Bericht plaatsen")
    expect(parent.page.get_by_role("heading", level=1)).to_have_text(TITLE)
    parent.sees(BODY)
    return parent.page.url


def resolve_it(host: Person, server: LiveServer, thread_url: str, mode: str) -> None:
    """Log in, turn on two-step verification when asked, make the action item, add progress
    and resolve it."""
    host.visit(server.at("/inloggen"))
    host.fill("E-mailadres", HOST_EMAIL)
    host.fill("Wachtwoord", PASSWORD)
    host.press("Inloggen", within="main")
    host.follow("Regio's", within="header")
    host.follow("Amsterdam")
    host.follow(TITLE)
    assert host.page.url == thread_url
    host.follow("Actiepunt maken of koppelen")
    host.follow("Nieuw actiepunt maken")

    # The first time a host uses their powers, the platform asks for two-step verification.
    host.sees("zet eerst tweestapsverificatie aan")
    secret = host.page.locator("code.lp-secret").inner_text().replace(" ", "")
    host.fill("Code uit de app", totp_code(secret))  # what the authenticator app shows
    host.press("Zet tweestapsverificatie aan")
    host.sees("Tweestapsverificatie staat aan")
    host.follow("Ik heb ze opgeschreven. Verder")

    expect(host.page.get_by_label("Titel", exact=True)).to_have_value(TITLE)
    host.press("Actiepunt maken")
    expect(host.page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    item_url = host.page.url.split("#")[0]

    host.fill("Voortgang", PROGRESS)
    host.press("Toevoegen aan de tijdlijn")
    host.sees(PROGRESS)

    host.choose("Opgelost")
    host.fill("Toelichting (niet verplicht)", RESOLUTION)
    host.press("Status wijzigen")
    host.sees(RESOLUTION)
    assert host.page.url.split("#")[0] == item_url
    snapshot(host, mode, "resolved-item")


def see_it_resolved(parent: Person, thread_url: str, mode: str) -> None:
    """The conversation carries the banner, and the notification waits at /meldingen."""
    parent.visit(thread_url)
    banner = parent.page.locator("main").get_by_text(re.compile(r"^Opgelost — zie actiepunt"))
    expect(banner).to_be_visible()
    expect(banner.get_by_role("link")).to_have_text(TITLE)
    snapshot(parent, mode, "resolved-thread")

    parent.follow("Meldingen", within="header")
    assert parent.page.url.endswith("/meldingen")
    parent.sees(f"heeft actiepunt “{TITLE}” opgelost")
    snapshot(parent, mode, "notifications")
