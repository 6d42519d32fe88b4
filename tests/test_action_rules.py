"""The rules of action items: status changes, merging, escalating, the resolution banner,
concurrent changes, who may do what, the board's filters and counts, the knelpuntenmonitor's
figures, and pinned query counts. Through the services and through the pages, in Dutch.
"""

from __future__ import annotations

import csv
import html
import io
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from argon2 import PasswordHasher
from babel.dates import format_date
from flask import Flask
from flask.testing import FlaskClient
from flask_login import AnonymousUserMixin
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from leerplatform import permissions
from leerplatform.accounts import passwords
from leerplatform.accounts.models import User
from leerplatform.actions import services
from leerplatform.actions.models import (
    TRANSITIONS,
    ActionItem,
    ActionItemLink,
    ActionItemTheme,
    ActionItemUpdate,
    ActionProposal,
    ActionStatus,
)
from leerplatform.clock import utcnow
from leerplatform.extensions import db
from leerplatform.forum import services as forum
from leerplatform.forum.models import Theme, Thread, ThreadTheme
from leerplatform.regions.models import NATIONAL_CODE, Region
from leerplatform.regions.services import region_by_code
from tests.conftest import Auth, csrf_token, post_form
from tests.factories import make_user

AMSTERDAM = "5515"
AMSTELLAND = "5516"
KENNEMERLAND = "5513"
REGION_NAMES = {
    AMSTERDAM: "Amsterdam",
    AMSTELLAND: "Amstelland en De Meerlanden",
    KENNEMERLAND: "Kennemerland",
    NATIONAL_CODE: "Landelijke ruimte",
}

HOST = "gastheer@example.nl"
HOST_TWO = "gastvrouw@example.nl"
PARENT = "ouder@example.nl"
ADMIN = "beheerder@example.nl"

OPEN = ActionStatus.OPEN
BEZIG = ActionStatus.IN_BEHANDELING
OPGELOST = ActionStatus.OPGELOST
NEE = ActionStatus.NIET_HAALBAAR
SAMEN = ActionStatus.SAMENGEVOEGD

DUTCH_STATUS = {
    OPEN: "Open",
    BEZIG: "In behandeling",
    OPGELOST: "Opgelost",
    NEE: "Niet haalbaar",
    SAMEN: "Samengevoegd",
}
DUTCH_THEME = {
    Theme.LOGEREN: "Logeren",
    Theme.DAGBESTEDING: "Dagbesteding",
    Theme.WONEN: "Wonen",
    Theme.VERVOER: "Vervoer",
    Theme.HULPMIDDELEN: "Hulpmiddelen",
    Theme.PERSONEEL: "Personeel",
    Theme.BEKOSTIGING: "Bekostiging",
    Theme.REGELGEVING: "Regels en wetten",
    Theme.OVERIG: "Overig",
}

# What the product describes: open → in behandeling → opgelost, or niet haalbaar; a resolved
# problem that comes back and a "no" that is reconsidered are worked on again. Merging is a
# step of its own, never a plain status change.
VALID = {
    (OPEN, BEZIG),
    (OPEN, OPGELOST),
    (OPEN, NEE),
    (BEZIG, OPEN),
    (BEZIG, OPGELOST),
    (BEZIG, NEE),
    (OPGELOST, BEZIG),
    (NEE, OPEN),
}
NEEDS_WORDS = {(a, b) for a, b in VALID if b in (OPGELOST, NEE) or a in (OPGELOST, NEE)}
PAIRS = [(a, b) for a in ActionStatus for b in ActionStatus]

SOLVED_MESSAGE = "Schrijf hoe het is opgelost: anderen kunnen ervan leren."
WHY_MESSAGE = "Schrijf waarom, zodat iedereen die het volgt het begrijpt."
DASH = "\u2013"  # an en dash: between dates, and for "no figure"
CONFLICT_MESSAGE = "Iemand anders heeft dit actiepunt gewijzigd terwijl jij ermee bezig was."


@pytest.fixture(autouse=True)
def quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap Argon2 settings: these tests log in dozens of people; the rules are the same."""
    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


class CompiledTemplates(BytecodeCache):
    """Every test makes a new app, which would compile every template again; keep them."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


COMPILED = CompiledTemplates()


@pytest.fixture(autouse=True)
def quick_templates(app: Flask) -> None:
    app.jinja_env.bytecode_cache = COMPILED


def _no_fsync(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA synchronous=OFF")


@pytest.fixture(autouse=True)
def quick_sqlite(app: Flask) -> None:
    """A test database need not survive a power cut: SQLite skips fsync on every commit."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _no_fsync)


# Building blocks


def region(code: str) -> Region:
    found = region_by_code(code)
    assert found is not None, code
    return found


def make_thread(
    author: User,
    title: str,
    *,
    code: str = AMSTERDAM,
    kind: str = "knelpunt",
    themes: Iterable[str] = ("logeren",),
) -> Thread:
    return forum.start_thread(
        region=region(code),
        author=author,
        title=title,
        kind=kind,
        themes=list(themes),
        body=f"Het verhaal van {title.lower()}.",
    )


def make_item(
    author: User,
    title: str,
    *,
    code: str = AMSTERDAM,
    status: ActionStatus = OPEN,
    themes: Iterable[str] = ("logeren",),
    threads: Iterable[Thread] = (),
    owner: User | None = None,
    target_date: date | None = None,
) -> ActionItem:
    """An item made by ``author`` (a host), brought to ``status`` the way people would."""
    item = services.create_item(
        region=region(code),
        author=author,
        title=title,
        description=f"Wat er moet veranderen aan {title.lower()}.",
        themes=list(themes),
        owner=owner,
        target_date=target_date,
        threads=list(threads),
    )
    steps = {
        OPEN: [],
        BEZIG: [(BEZIG, "")],
        OPGELOST: [(OPGELOST, "Er is een logeerhuis geopend.")],
        NEE: [(NEE, "Daar is geen geld voor.")],
    }
    if status is SAMEN:
        other = make_item(author, f"Doel van {title}", code=code)
        services.merge_items(
            item=item, into=other, author=author, expected_version=None, reason="Hetzelfde."
        )
    for new, note in steps.get(status, []):
        services.change_status(
            item=item, author=author, expected_version=None, status=new, note=note
        )
    return item


def login(client: FlaskClient, email: str) -> None:
    response = Auth(client).login(email)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def token(client: FlaskClient) -> str:
    """A CSRF token of the client's session, for a POST that does not start from a form."""
    return csrf_token(client, "/")


def page_of(client: FlaskClient, path: str, **kwargs: Any) -> str:
    response = client.get(path, **kwargs)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def radio_values(page: str, name: str = "status") -> set[str]:
    return set(re.findall(rf'type="radio" id="[^"]+" name="{name}" value="([^"]+)"', page))


def checked_radio(page: str, name: str = "status") -> set[str]:
    return set(re.findall(rf'type="radio" id="[^"]+" name="{name}" value="([^"]+)" checked', page))


def field_error(page: str, field_id: str) -> str:
    match = re.search(rf'id="{field_id}-error">(.*?)</div>', page, re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split()) if match else ""


def textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.DOTALL)
    assert match, f"no textarea {name}"
    return html.unescape(match.group(1)).strip()


def input_value(page: str, name: str) -> str:
    for tag in re.findall(r"<input[^>]*>", page):
        if f'name="{name}"' in tag:
            match = re.search(r'value="([^"]*)"', tag)
            return html.unescape(match.group(1)) if match else ""
    raise AssertionError(f"no input {name}")


def text_of_page(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def board_items(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'lp-thread__title"><a [^>]*href="/actiepunt/(\d+)"', page)]


def board_row(page: str, item_id: int) -> str:
    for block in page.split('<li class="lp-thread lp-item')[1:]:
        if f'href="/actiepunt/{item_id}"' in block:
            meta = block.index('class="lp-thread__meta"')
            return block[: block.index("</p>", meta)]
    raise AssertionError(f"item {item_id} is not on the board")


def board_counts(page: str) -> dict[str, int]:
    """The counts above a board, keyed by the filter they link to ('' = being worked on)."""
    block = page.split('class="lp-counts"', 1)[1].split("</ul>", 1)[0]
    counts = {}
    for href, number in re.findall(r'href="([^"]*)"><strong>(\d+)</strong>', block):
        query = html.unescape(href).partition("?")[2]
        counts[query] = int(number)
    return counts


def timeline_kinds(item_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(ActionItemUpdate.kind)
            .where(ActionItemUpdate.action_item_id == item_id)
            .order_by(ActionItemUpdate.id)
        )
    )


def linked_threads(item_id: int) -> list[int]:
    return sorted(
        db.session.scalars(
            select(ActionItemLink.thread_id).where(ActionItemLink.action_item_id == item_id)
        )
    )


class Tables(HTMLParser):
    """Every table of a page as rows of cell texts; ``by_id`` for the ones with an id."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.by_id: dict[str, list[list[str]]] = {}
        self._cell: list[str] | None = None
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
            table_id = dict(attrs).get("id")
            if table_id:
                self.by_id[table_id] = self.tables[-1]
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


# 1. Every status change, valid and invalid


def test_the_transitions_are_the_ones_the_product_describes() -> None:
    allowed = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert allowed == VALID


@pytest.mark.parametrize(("current", "new"), PAIRS, ids=[f"{a.value}-{b.value}" for a, b in PAIRS])
def test_a_status_change_through_the_service_and_the_page(
    app: Flask, regions: None, client: FlaskClient, current: ActionStatus, new: ActionStatus
) -> None:
    valid = (current, new) in VALID
    note = "Omdat de gemeente het nu wel betaalt."
    with app.app_context():
        host = make_user(email=HOST, host_of=AMSTERDAM)
        by_service = make_item(host, "Via de dienst", status=current)
        by_page = make_item(host, "Via de pagina", status=current)
        db.session.commit()
        service_id, page_id, version = by_service.id, by_page.id, by_service.version
        page_version, page_entries = by_page.version, timeline_kinds(by_page.id)
        entries = timeline_kinds(service_id)
        if valid and (current, new) in NEEDS_WORDS:
            for blank in ("", "   "):
                with pytest.raises(services.InvalidChangeError):
                    services.change_status(
                        item=by_service,
                        author=host,
                        expected_version=version,
                        status=new,
                        note=blank,
                    )
        if valid:
            services.change_status(
                item=by_service, author=host, expected_version=version, status=new, note=note
            )
            db.session.commit()
        else:
            with pytest.raises(services.InvalidChangeError):
                services.change_status(
                    item=by_service, author=host, expected_version=version, status=new, note=note
                )
            db.session.rollback()

    with app.app_context():
        item = db.session.get(ActionItem, service_id)
        assert item is not None
        if valid:
            assert item.status == new.value
            assert item.version == version + 1
            assert timeline_kinds(service_id) == [*entries, "status"]
            last = db.session.scalars(
                select(ActionItemUpdate)
                .where(ActionItemUpdate.action_item_id == service_id)
                .order_by(ActionItemUpdate.id.desc())
            ).first()
            assert last is not None
            assert (last.from_status, last.to_status) == (current.value, new.value)
            if new is OPGELOST:
                assert item.resolution_source == note
                assert item.resolved_at is not None
                assert item.resolution_days == 0
            else:
                assert item.resolved_at is None
                assert item.resolution_days is None
                assert item.resolution_source == ""
            assert item.status_reason == (note if new is NEE else "")
        else:
            assert item.status == current.value
            assert item.version == version
            assert timeline_kinds(service_id) == entries

    login(client, HOST)
    status_url = f"/actiepunt/{page_id}/status"
    if current is SAMEN:
        # A merged item takes no more changes: the form is not there and a POST is refused.
        assert client.get(status_url).status_code == 403
        response = client.post(
            status_url,
            data={"csrf_token": token(client), "status": new.value, "note": note, "version": "9"},
        )
        assert response.status_code == 403
        assert f'action="{status_url}"' not in page_of(client, f"/actiepunt/{page_id}")
        assert client.get(f"/actiepunt/{page_id}/bewerken").status_code == 403
        update = client.post(
            f"/actiepunt/{page_id}/voortgang",
            data={"csrf_token": token(client), "body": "Nog een stap."},
        )
        assert update.status_code == 403
    else:
        form_page = page_of(client, status_url)
        offered = radio_values(form_page)
        assert offered == {b.value for a, b in VALID if a is current}
        assert radio_values(page_of(client, f"/actiepunt/{page_id}")) == offered
        # Starting, pausing and the like need no words; the rest is sent with them.
        words = "" if valid and (current, new) not in NEEDS_WORDS else note
        response = post_form(
            client,
            status_url,
            {"status": new.value, "note": words, "version": input_value(form_page, "version")},
        )
        if valid:
            assert response.status_code == 302
            assert response.headers["Location"].endswith(f"/actiepunt/{page_id}")
            shown = text_of_page(page_of(client, f"/actiepunt/{page_id}"))
            assert (
                f"Heeft de status veranderd van {DUTCH_STATUS[current]} naar {DUTCH_STATUS[new]}."
                in shown
            )
            assert words in shown
        else:
            page = response.get_data(as_text=True)
            assert response.status_code in (200, 422)
            assert "Er is 1 fout in het formulier" in page
            assert field_error(page, "status") in (
                "Fout: Ongeldige keuze.",
                "Fout: Deze verandering kan niet vanuit de huidige status.",
            )
            assert textarea(page, "note") == note
    with app.app_context():
        item = db.session.get(ActionItem, page_id)
        assert item is not None
        changed = valid and current is not SAMEN
        assert item.status == (new if changed else current).value
        assert item.version == page_version + changed
        assert timeline_kinds(page_id) == page_entries + (["status"] if changed else [])


@pytest.mark.parametrize(
    ("current", "new", "message"),
    [
        (OPEN, OPGELOST, SOLVED_MESSAGE),
        (BEZIG, OPGELOST, SOLVED_MESSAGE),
        (OPEN, NEE, WHY_MESSAGE),
        (BEZIG, NEE, WHY_MESSAGE),
        (OPGELOST, BEZIG, WHY_MESSAGE),
        (NEE, OPEN, WHY_MESSAGE),
    ],
    ids=["resolve", "resolve-in-progress", "not-feasible", "not-feasible-later", "reopen", "again"],
)
def test_a_change_that_needs_words_is_refused_without_them_next_to_the_field(
    app: Flask,
    regions: None,
    client: FlaskClient,
    current: ActionStatus,
    new: ActionStatus,
    message: str,
) -> None:
    with app.app_context():
        host = make_user(email=HOST, host_of=AMSTERDAM)
        item = make_item(host, "Logeerplek met nachtzorg", status=current)
        db.session.commit()
        item_id, version = item.id, item.version
    login(client, HOST)
    url = f"/actiepunt/{item_id}/status"
    blank = post_form(client, url, {"status": new.value, "note": "  ", "version": str(version)})
    page = blank.get_data(as_text=True)
    assert blank.status_code in (200, 422)
    assert field_error(page, "note") == f"Fout: {message}"
    assert 'aria-invalid="true"' in page
    assert checked_radio(page) == {new.value}, "the chosen status is kept"

    # Words typed, but no status chosen: the words stay in the form.
    typed = "Mijn uitleg die niet verloren mag gaan."
    forgot = post_form(client, url, {"note": typed, "version": str(version)})
    page = forgot.get_data(as_text=True)
    assert field_error(page, "status") == "Fout: Kies de nieuwe status."
    assert textarea(page, "note") == typed
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        assert item is not None
        assert (item.status, item.version) == (current.value, version)


# 2. Merging


def test_merging_moves_threads_themes_proposals_and_earlier_merges_to_the_target(
    app: Flask, regions: None, client: FlaskClient
) -> None:
    reason = "Beide gaan over logeren met nachtzorg in Amsterdam."
    with app.app_context():
        host = make_user(email=HOST, host_of=AMSTERDAM)
        parent = make_user(email=PARENT)
        shared = make_thread(parent, "Gedeeld knelpunt")
        from_source = make_thread(
            parent, "Goed voorbeeld uit Amstelland", code=AMSTELLAND, kind="goed_voorbeeld"
        )
        from_target = make_thread(parent, "Alleen bij het doel")
        proposed = make_thread(parent, "Voorgesteld door een ouder")
        proposal, _new = services.propose(thread=proposed, user=parent, note="Graag oppakken.")
        source = make_item(
            host, "De bron", themes=["logeren", "vervoer"], threads=[shared, from_source]
        )
        services.link_thread(item=source, thread=proposed, author=host)
        services.accept_proposals_for(thread=proposed, item=source, host=host)
        target = make_item(
            host, "Het doel", themes=["vervoer", "wonen"], threads=[shared, from_target]
        )
        earlier = make_item(host, "Eerder samengevoegd", themes=["dagbesteding"])
        services.merge_items(
            item=earlier, into=source, author=host, expected_version=None, reason="Dubbel."
        )
        db.session.commit()
        ids = {
            "source": source.id,
            "target": target.id,
            "earlier": earlier.id,
            "proposal": proposal.id,
        }
        threads = {
            "shared": shared.id,
            "from_source": from_source.id,
            "from_target": from_target.id,
            "proposed": proposed.id,
        }
        assert proposal.action_item_id == source.id

    login(client, HOST)
    merge_page = page_of(client, f"/actiepunt/{ids['source']}/samenvoegen")
    response = post_form(
        client,
        f"/actiepunt/{ids['source']}/samenvoegen",
        {
            "target": f"http://localhost/actiepunt/{ids['target']}",
            "reason": reason,
            "version": input_value(merge_page, "version"),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/actiepunt/{ids['target']}")

    with app.app_context():
        rows = db.session.execute(
            select(ActionItemLink.thread_id, ActionItemLink.role).where(
                ActionItemLink.action_item_id == ids["target"]
            )
        ).all()
        assert sorted(thread_id for thread_id, _role in rows) == sorted(threads.values())
        assert dict(rows)[threads["from_source"]] == "oplossing"
        assert linked_threads(ids["source"]) == []
        target = db.session.get(ActionItem, ids["target"])
        source = db.session.get(ActionItem, ids["source"])
        earlier = db.session.get(ActionItem, ids["earlier"])
        proposal = db.session.get(ActionProposal, ids["proposal"])
        assert target is not None
        assert source is not None
        assert earlier is not None
        assert proposal is not None
        assert {link.theme for link in target.theme_links} == {
            "logeren",
            "vervoer",
            "wonen",
            "dagbesteding",
        }
        assert proposal.action_item_id == ids["target"]
        assert earlier.merged_into_id == ids["target"]
        assert (source.status, source.status_reason, source.merged_into_id) == (
            "samengevoegd",
            reason,
            ids["target"],
        )
        assert target.status == "open"
        assert timeline_kinds(ids["target"])[-1] == "samengevoegd"

    source_page = text_of_page(page_of(client, f"/actiepunt/{ids['source']}"))
    assert f"Dit actiepunt is samengevoegd met #{ids['target']} Het doel" in source_page
    assert reason in source_page
    assert f'href="/actiepunt/{ids["target"]}"' in page_of(client, f"/actiepunt/{ids['source']}")
    earlier_page = text_of_page(page_of(client, f"/actiepunt/{ids['earlier']}"))
    assert f"Dit actiepunt is samengevoegd met #{ids['target']} Het doel" in earlier_page
    target_page = page_of(client, f"/actiepunt/{ids['target']}")
    links_section = target_page.split('id="onderwerpen"', 1)[1].split("</section>", 1)[0]
    for thread_id in threads.values():
        assert links_section.count(f'href="/onderwerp/{thread_id}"') == 1
    assert f"Hierin samengevoegd: #{ids['source']} De bron" in text_of_page(target_page)


def test_an_item_is_not_merged_into_itself_or_into_a_merged_item(
    app: Flask, regions: None, client: FlaskClient
) -> None:
    with app.app_context():
        host = make_user(email=HOST, host_of=AMSTERDAM)
        parent = make_user(email=PARENT)
        thread = make_thread(parent, "Geen vervoer naar de dagbesteding")
        item = make_item(host, "Vervoer regelen", threads=[thread])
        merged = make_item(host, "Al samengevoegd", status=SAMEN)
        db.session.commit()
        item_id, merged_id, version = item.id, merged.id, item.version
        for into in (item, merged):
            with pytest.raises(services.InvalidChangeError):
                services.merge_items(
                    item=item, into=into, author=host, expected_version=version, reason="Dubbel."
                )
            db.session.rollback()

    login(client, HOST)
    url = f"/actiepunt/{item_id}/samenvoegen"
    for target in (f"#{item_id}", str(merged_id)):
        response = post_form(
            client,
            url,
            {"target": target, "reason": "Mijn reden blijft staan.", "version": str(version)},
        )
        page = response.get_data(as_text=True)
        assert response.status_code in (200, 422)
        assert field_error(page, "target") == (
            "Fout: Kies een ander open actiepunt dat je mag sturen, niet dit actiepunt zelf."
        )
        assert textarea(page, "reason") == "Mijn reden blijft staan."
    # A merged item itself cannot be merged again.
    assert client.get(f"/actiepunt/{merged_id}/samenvoegen").status_code == 403
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        assert item is not None
        assert (item.status, item.version, item.merged_into_id) == ("open", version, None)
        assert len(linked_threads(item_id)) == 1


# 3. Escalating


def test_escalating_takes_an_item_to_the_national_space_and_keeps_its_history(
    app: Flask, regions: None, client: FlaskClient
) -> None:
    reason = "Leerlingenvervoer vraagt landelijk beleid."
    with app.app_context():
        host = make_user(email=HOST, host_of=AMSTERDAM)
        parent = make_user(email=PARENT)
        bottleneck = make_thread(parent, "Taxi komt te laat", themes=["vervoer"])
        practice = make_thread(
            parent, "Vaste chauffeur werkt", code=AMSTELLAND, kind="goed_voorbeeld"
        )
        item = make_item(
            host, "Betrouwbaar vervoer", themes=["vervoer"], threads=[bottleneck, practice]
        )
        services.add_update(item=item, author=parent, body="Ik heb de gemeente gebeld.")
        staying = make_item(host, "Blijft in Amsterdam")
        db.session.commit()
        item_id, staying_id, version = item.id, staying.id, item.version
        entries = list(
            db.session.scalars(
                select(ActionItemUpdate.id).where(ActionItemUpdate.action_item_id == item_id)
            )
        )
        links = linked_threads(item_id)

    login(client, HOST)
    assert f'href="/actiepunt/{item_id}/opschalen"' in page_of(client, f"/actiepunt/{item_id}")
    response = post_form(
        client, f"/actiepunt/{item_id}/opschalen", {"reason": reason, "version": str(version)}
    )
    assert response.status_code == 302

    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        assert item is not None
        assert item.region.code == NATIONAL_CODE
        assert item.origin_region is not None
        assert item.origin_region.code == AMSTERDAM
        assert item.status == "open"
        assert linked_threads(item_id) == links
        after = list(
            db.session.scalars(
                select(ActionItemUpdate)
                .where(ActionItemUpdate.action_item_id == item_id)
                .order_by(ActionItemUpdate.id)
            )
        )
        assert [entry.id for entry in after[:-1]] == sorted(entries)
        assert (after[-1].kind, after[-1].body_source) == ("opgeschaald", reason)

    regional = page_of(client, f"/regio/{AMSTERDAM}/actiepunten")
    assert set(board_items(regional)) == {item_id, staying_id}
    assert "Opgeschaald naar landelijk" in board_row(regional, item_id)
    assert "Opgeschaald naar landelijk" not in board_row(regional, staying_id)
    national = page_of(client, "/actiepunten")
    assert board_items(national) == [item_id]
    page = page_of(client, f"/actiepunt/{item_id}")
    shown = text_of_page(page)
    assert "Landelijke ruimte (opgeschaald vanuit Amsterdam)" in shown
    assert "Heeft dit opgeschaald van Amsterdam naar landelijk." in shown
    assert "Ik heb de gemeente gebeld." in shown
    assert "Taxi komt te laat" in shown
    assert "Vaste chauffeur werkt" in shown
    # A national item cannot be escalated (again).
    assert f'href="/actiepunt/{item_id}/opschalen"' not in page
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        host = db.session.scalar(select(User).where(User.email == HOST))
        assert item is not None
        assert host is not None
        with pytest.raises(services.InvalidChangeError):
            services.escalate(item=item, author=host, expected_version=None, reason=reason)
        db.session.rollback()


def test_only_hosts_and_admins_escalate_and_national_items_never(
    app: Flask, regions: None, client: FlaskClient
) -> None:
    with app.app_context():
        host = make_user(email=HOST, host_of=AMSTERDAM)
        owner = make_user(email="eigenaar@example.nl")
        make_user(email=PARENT)
        make_user(email="elders@example.nl", host_of=AMSTELLAND, region_code=AMSTELLAND)
        make_user(email=ADMIN, is_admin=True, region_code=AMSTELLAND)
        item = make_item(host, "Hulpmiddelen sneller", themes=["hulpmiddelen"], owner=owner)
        national = make_item(host, "Landelijk al", code=NATIONAL_CODE)
        db.session.commit()
        item_id, national_id = item.id, national.id
    url = f"/actiepunt/{item_id}/opschalen"
    for email in (PARENT, "eigenaar@example.nl", "elders@example.nl"):
        other = app.test_client()
        login(other, email)
        assert other.get(url).status_code == 403
        post = other.post(url, data={"csrf_token": token(other), "reason": "Graag landelijk."})
        assert post.status_code == 403
        assert f'href="{url}"' not in page_of(other, f"/actiepunt/{item_id}")
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        assert item is not None
        assert item.region.code == AMSTERDAM

    login(client, ADMIN)
    assert client.get(f"/actiepunt/{national_id}/opschalen").status_code == 403
    response = post_form(client, url, {"reason": "Landelijk beleid nodig.", "version": "1"})
    assert response.status_code == 302
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        assert item is not None
        assert item.region.code == NATIONAL_CODE
        assert item.origin_region is not None
        assert item.origin_region.code == AMSTERDAM


# 4. The resolution banner on every linked thread


def test_every_linked_thread_shows_resolved_until_the_item_is_reopened(
    app: Flask, regions: None, client: FlaskClient
) -> None:
    with app.app_context():
        host = make_user(email=HOST, host_of=AMSTERDAM)
        parent = make_user(email=PARENT)
        threads = [
            make_thread(parent, "Geen logeerplek in Amsterdam"),
            make_thread(parent, "Geen logeerplek in Amstelland", code=AMSTELLAND),
            make_thread(parent, "Logeerhuis De Boei werkt", kind="goed_voorbeeld"),
            make_thread(
                parent, "Weekendopvang in Hoofddorp", code=AMSTELLAND, kind="goed_voorbeeld"
            ),
        ]
        item = make_item(host, "Logeerplekken erbij", threads=threads[:2])
        for thread in threads[2:]:
            services.link_thread(item=item, thread=thread, author=host)
        unrelated = make_thread(parent, "Niet gekoppeld")
        db.session.commit()
        item_id, version = item.id, item.version
        thread_ids = [thread.id for thread in threads]
        unrelated_id = unrelated.id

    banner = re.compile(
        r"<strong>Opgelost</strong> — zie actiepunt "
        rf'<a class="utrecht-link" href="/actiepunt/{item_id}">Logeerplekken erbij</a>'
    )
    login(client, HOST)
    for thread_id in thread_ids:
        assert not banner.search(page_of(client, f"/onderwerp/{thread_id}"))
    resolved = post_form(
        client,
        f"/actiepunt/{item_id}/status",
        {"status": "opgelost", "note": "Twee logeerhuizen open.", "version": str(version)},
    )
    assert resolved.status_code == 302
    for thread_id in thread_ids:
        assert banner.search(page_of(client, f"/onderwerp/{thread_id}")), thread_id
    assert "zie actiepunt" not in page_of(client, f"/onderwerp/{unrelated_id}")

    reopened = post_form(
        client,
        f"/actiepunt/{item_id}/status",
        {"status": "in_behandeling", "note": "Eén huis sluit weer.", "version": str(version + 1)},
    )
    assert reopened.status_code == 302
    for thread_id in thread_ids:
        page = page_of(client, f"/onderwerp/{thread_id}")
        assert not banner.search(page)
        assert "<strong>Opgelost</strong>" not in page


def test_a_thread_shows_resolved_items_first_then_the_latest_and_only_what_the_reader_may_see(
    app: Flask, regions: None, client: FlaskClient
) -> None:
    """The banners come with the thread in one query (as JSON) and are put in order after."""
    now = utcnow()
    with app.app_context():
        host = make_user(email=HOST, host_of=AMSTERDAM)
        closed_host = make_user(email=HOST_TWO, host_of=AMSTELLAND)
        make_user(email=PARENT)
        thread = make_thread(host, "Geen logeerplek in de zomer")
        made = [
            ("Oud en opgelost", OPGELOST, AMSTERDAM, 5),
            ("Nieuw en bezig", BEZIG, AMSTERDAM, 1),
            ("Nieuw en opgelost", OPGELOST, AMSTERDAM, 2),
            ("Oud en bezig", BEZIG, AMSTERDAM, 4),
            ("Besloten en opgelost", OPGELOST, AMSTELLAND, 0),
        ]
        for title, status, code, hours in made:
            author = host if code == AMSTERDAM else closed_host
            item = make_item(author, title, status=status, code=code)
            services.link_thread(item=item, thread=thread, author=author)
            item.last_activity_at = now - timedelta(hours=hours)
        region(AMSTELLAND).members_only = True
        db.session.commit()
        thread_id = thread.id

    login(client, PARENT)
    page = page_of(client, f"/onderwerp/{thread_id}")

    shown = re.findall(r'lp-banner.*?href="/actiepunt/\d+">([^<]+)</a>', page, re.S)
    assert shown == ["Nieuw en opgelost", "Oud en opgelost", "Nieuw en bezig", "Oud en bezig"]


# 5. Two people change the same item


def _edit_data(page: str, **changes: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "csrf_token": input_value(page, "csrf_token"),
        "submission_key": input_value(page, "submission_key"),
        "version": input_value(page, "version"),
        "title": input_value(page, "title"),
        "description": textarea(page, "description"),
        "themes": sorted(checked_radio(page.replace('type="checkbox"', 'type="radio"'), "themes")),
        "owner": "0",
        "target_date": input_value(page, "target_date"),
    }
    data.update(changes)
    return data


def test_the_second_of_two_hosts_gets_a_conflict_and_keeps_what_they_typed(
    app: Flask, regions: None
) -> None:
    with app.app_context():
        host = make_user(email=HOST, host_of=AMSTERDAM)
        make_user(email=HOST_TWO, host_of=AMSTERDAM)
        item = make_item(host, "Logeren in de zomer", target_date=date(2027, 3, 31))
        db.session.commit()
        item_id = item.id
    first, second = app.test_client(), app.test_client()
    login(first, HOST)
    login(second, HOST_TWO)
    url = f"/actiepunt/{item_id}/bewerken"
    first_form, second_form = page_of(first, url), page_of(second, url)
    assert input_value(first_form, "version") == input_value(second_form, "version") == "1"

    saved = first.post(
        url, data=_edit_data(first_form, title="Logeren in de zomervakantie", target_date="")
    )
    assert saved.status_code == 302
    clash = second.post(
        url,
        data=_edit_data(
            second_form,
            title="Logeren met nachtzorg",
            description="Mijn nieuwe beschrijving die niet verloren mag gaan.",
        ),
    )
    page = clash.get_data(as_text=True)
    shown = text_of_page(page)
    assert clash.status_code in (200, 409)
    assert CONFLICT_MESSAGE in shown
    assert "Titel nu Logeren in de zomervakantie" in shown
    assert "Streefdatum nu Geen streefdatum" in shown
    assert input_value(page, "title") == "Logeren met nachtzorg"
    assert textarea(page, "description") == "Mijn nieuwe beschrijving die niet verloren mag gaan."
    assert input_value(page, "version") == "2"
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        assert item is not None
        assert (item.title, item.target_date, item.version) == (
            "Logeren in de zomervakantie",
            None,
            2,
        )
        assert not item.description_source.startswith("Mijn nieuwe")

    # Having seen the current state, sending it again saves it.
    again = second.post(url, data=_edit_data(page))
    assert again.status_code == 302
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        assert item is not None
        assert item.title == "Logeren met nachtzorg"


def _status_race(app: Flask, first_choice: str, second_choice: str) -> tuple[Any, int]:
    """Two hosts open the status form; the first changes it; returns the second's response."""
    with app.app_context():
        host = make_user(email=HOST, host_of=AMSTERDAM)
        make_user(email=HOST_TWO, host_of=AMSTERDAM)
        item = make_item(host, "Dagbesteding dichtbij", themes=["dagbesteding"])
        db.session.commit()
        item_id = item.id
    first, second = app.test_client(), app.test_client()
    login(first, HOST)
    login(second, HOST_TWO)
    url = f"/actiepunt/{item_id}/status"
    first_form, second_form = page_of(first, url), page_of(second, url)
    done = first.post(
        url,
        data={
            "csrf_token": input_value(first_form, "csrf_token"),
            "version": input_value(first_form, "version"),
            "status": first_choice,
            "note": "Er is een plek gevonden.",
        },
    )
    assert done.status_code == 302
    clash = second.post(
        url,
        data={
            "csrf_token": input_value(second_form, "csrf_token"),
            "version": input_value(second_form, "version"),
            "status": second_choice,
            "note": "Mijn reden: geen vervoer.",
        },
    )
    return clash, item_id


def test_a_status_change_on_an_old_version_gets_the_conflict_and_keeps_the_note(
    app: Flask, regions: None
) -> None:
    clash, item_id = _status_race(app, "in_behandeling", "niet_haalbaar")
    page = clash.get_data(as_text=True)
    assert clash.status_code in (200, 409)
    assert CONFLICT_MESSAGE in text_of_page(page)
    assert "Status nu In behandeling" in text_of_page(page)
    assert textarea(page, "note") == "Mijn reden: geen vervoer."
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        assert item is not None
        assert (item.status, item.status_reason, item.version) == ("in_behandeling", "", 2)


def test_a_status_change_that_is_no_longer_possible_keeps_the_note_and_changes_nothing(
    app: Flask, regions: None
) -> None:
    clash, item_id = _status_race(app, "opgelost", "niet_haalbaar")
    page = clash.get_data(as_text=True)
    assert clash.status_code != 302
    assert textarea(page, "note") == "Mijn reden: geen vervoer."
    assert radio_values(page) == {"in_behandeling"}
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        assert item is not None
        assert (item.status, item.resolution_source) == ("opgelost", "Er is een plek gevonden.")


def test_a_status_change_that_is_no_longer_possible_says_someone_else_changed_it(
    app: Flask, regions: None
) -> None:
    clash, _item_id = _status_race(app, "opgelost", "niet_haalbaar")
    shown = text_of_page(clash.get_data(as_text=True))
    assert CONFLICT_MESSAGE in shown
    assert "Status nu Opgelost" in shown
    assert "Ongeldige keuze" not in shown


def test_a_progress_note_in_between_does_not_block_a_status_change(
    app: Flask, regions: None, client: FlaskClient
) -> None:
    """A note overwrites nothing, so the host's open form still works after it."""
    with app.app_context():
        host = make_user(email=HOST, host_of=AMSTERDAM)
        parent = make_user(email=PARENT)
        item = make_item(host, "Vervoer naar school", themes=["vervoer"])
        db.session.commit()
        item_id, parent_id = item.id, parent.id
    login(client, HOST)
    form = page_of(client, f"/actiepunt/{item_id}/status")
    with app.app_context():
        author = db.session.get(User, parent_id)
        item = db.session.get(ActionItem, item_id)
        assert author is not None
        assert item is not None
        services.add_update(item=item, author=author, body="De taxi kwam weer te laat.")
        db.session.commit()
    response = client.post(
        f"/actiepunt/{item_id}/status",
        data={
            "csrf_token": input_value(form, "csrf_token"),
            "version": input_value(form, "version"),
            "status": "in_behandeling",
            "note": "",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert timeline_kinds(item_id) == ["aangemaakt", "voortgang", "status"]


def test_merging_or_escalating_an_item_someone_else_just_changed_gets_the_conflict(
    app: Flask, regions: None
) -> None:
    with app.app_context():
        host = make_user(email=HOST, host_of=AMSTERDAM)
        make_user(email=HOST_TWO, host_of=AMSTERDAM)
        item = make_item(host, "Hulpmiddelen op tijd", themes=["hulpmiddelen"])
        target = make_item(host, "Hulpmiddelen sneller", themes=["hulpmiddelen"])
        db.session.commit()
        item_id, target_id = item.id, target.id
    first, second = app.test_client(), app.test_client()
    login(first, HOST)
    login(second, HOST_TWO)
    merge_form = page_of(second, f"/actiepunt/{item_id}/samenvoegen")
    escalate_form = page_of(second, f"/actiepunt/{item_id}/opschalen")
    edit_form = page_of(first, f"/actiepunt/{item_id}/bewerken")
    saved = first.post(
        f"/actiepunt/{item_id}/bewerken",
        data=_edit_data(edit_form, title="Hulpmiddelen binnen zes weken"),
    )
    assert saved.status_code == 302

    for path, form, data in (
        ("samenvoegen", merge_form, {"target": str(target_id), "reason": "Mijn reden A."}),
        ("opschalen", escalate_form, {"reason": "Mijn reden B."}),
    ):
        clash = second.post(
            f"/actiepunt/{item_id}/{path}",
            data={
                "csrf_token": input_value(form, "csrf_token"),
                "version": input_value(form, "version"),
                **data,
            },
        )
        page = clash.get_data(as_text=True)
        assert clash.status_code in (200, 409), path
        assert CONFLICT_MESSAGE in text_of_page(page), path
        assert "Titel nu Hulpmiddelen binnen zes weken" in text_of_page(page), path
        assert textarea(page, "reason") == data["reason"], path
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        assert item is not None
        assert (item.status, item.region.code, item.merged_into_id) == ("open", AMSTERDAM, None)
        assert linked_threads(target_id) == []


def test_two_sessions_that_race_never_overwrite_each_other(app: Flask, regions: None) -> None:
    with app.app_context():
        host = make_user(email=HOST, host_of=AMSTERDAM)
        item = make_item(host, "Personeel voor de nacht", themes=["personeel"])
        db.session.commit()
        item_id = item.id
        with pytest.raises(services.ConflictError):
            services.edit_item(
                item=item,
                author=host,
                expected_version=item.version - 1 if item.version > 1 else 99,
                title="Anders",
                description="Anders.",
                themes=["personeel"],
                owner=None,
                target_date=None,
            )
        db.session.rollback()

        with Session(db.engine) as one, Session(db.engine) as two:
            mine, theirs = one.get(ActionItem, item_id), two.get(ActionItem, item_id)
            assert mine is not None
            assert theirs is not None
            assert mine.version == theirs.version == 1
            mine.title = "Nachtpersoneel in Amsterdam"
            mine.status = "in_behandeling"
            one.commit()
            theirs.title = "Personeel overdag"
            theirs.status = "niet_haalbaar"
            with pytest.raises(StaleDataError):
                two.commit()
            two.rollback()

        with db.engine.connect() as first, db.engine.connect() as second:
            one, two = Session(bind=first), Session(bind=second)
            mine, theirs = one.get(ActionItem, item_id), two.get(ActionItem, item_id)
            assert mine is not None
            assert theirs is not None
            assert mine.version == theirs.version == 2
            mine.target_date = date(2027, 6, 30)
            one.commit()
            theirs.target_date = date(2030, 1, 1)
            with pytest.raises(StaleDataError):
                two.commit()
            two.rollback()
            one.close()
            two.close()

    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        assert item is not None
        assert (item.title, item.status, item.target_date, item.version) == (
            "Nachtpersoneel in Amsterdam",
            "in_behandeling",
            date(2027, 6, 30),
            3,
        )


# 6. Who may do what: the one table, on the predicates and on the pages

ACTIONS = (
    "view",
    "add_update",
    "propose",
    "create",
    "edit",
    "change_status",
    "link_thread",
    "merge",
    "escalate",
    "decide_proposal",
)
EVERYTHING = frozenset(ACTIONS)
READ_AND_TAKE_PART = frozenset({"view", "add_update", "propose"})
EXPECTED_RIGHTS = {
    "visitor": frozenset(),
    "unverified": frozenset({"view"}),
    "participant": READ_AND_TAKE_PART,
    "non_member": frozenset(),
    "owner": READ_AND_TAKE_PART | {"edit", "change_status", "link_thread"},
    "host": EVERYTHING,
    "host_elsewhere": READ_AND_TAKE_PART,
    "admin": EVERYTHING,
}
"""What each person may do with an open item in Amsterdam; the non-member looks at an item in
a members-only region (Kennemerland) instead."""


@dataclass
class Place:
    code: str
    item: int
    thread: int
    proposal: int


def _permission_world(app: Flask) -> tuple[Place, Place]:
    with app.app_context():
        host = make_user(email="host@example.nl", host_of=AMSTERDAM)
        make_user(email="unverified@example.nl", verified=False)
        participant = make_user(email="participant@example.nl")
        make_user(email="non_member@example.nl")
        owner = make_user(email="owner@example.nl")
        make_user(email="host_elsewhere@example.nl", host_of=AMSTELLAND, region_code=AMSTELLAND)
        make_user(email="admin@example.nl", is_admin=True, region_code=AMSTELLAND)
        closed_host = make_user(host_of=KENNEMERLAND, region_code=KENNEMERLAND)
        closed_member = make_user(region_code=KENNEMERLAND)
        region(KENNEMERLAND).members_only = True

        places = []
        for code, author, proposer, creator in (
            (AMSTERDAM, participant, owner, host),
            (KENNEMERLAND, closed_member, closed_member, closed_host),
        ):
            thread = make_thread(author, f"Geen logeerplek in {code}", code=code)
            other = make_thread(author, f"Geen vervoer in {code}", code=code, themes=["vervoer"])
            proposal, _new = services.propose(thread=other, user=proposer, note="Oppakken?")
            item = make_item(
                creator,
                f"Logeerplek in {code}",
                code=code,
                threads=[thread],
                owner=owner if code == AMSTERDAM else None,
            )
            places.append(Place(code, item.id, thread.id, proposal.id))
        db.session.commit()
    return places[0], places[1]


def _predicate_rights(user: Any, place: Place) -> frozenset[str]:
    item = db.session.get(ActionItem, place.item)
    thread = db.session.get(Thread, place.thread)
    assert item is not None
    assert thread is not None
    answers = {
        "view": permissions.can_view_action_item(user, item),
        "add_update": permissions.can_add_action_update(user, item),
        "propose": permissions.can_propose_action_item(user, thread),
        "create": permissions.can_create_action_item(user, item.region),
        "edit": permissions.can_edit_action_item(user, item),
        "change_status": permissions.can_change_action_status(user, item),
        "link_thread": permissions.can_link_to_action_item(user, item),
        "merge": permissions.can_merge_action_item(user, item),
        "escalate": permissions.can_escalate_action_item(user, item),
        "decide_proposal": permissions.can_decide_proposals(user, item.region),
    }
    return frozenset(action for action, allowed in answers.items() if allowed)


def _route_outcomes(client: FlaskClient, place: Place, csrf: str) -> dict[str, Any]:
    item = f"/actiepunt/{place.item}"
    return {
        "view": client.get(item),
        # An empty update: refused for those who may not add one, a form error for those who may.
        "add_update": client.post(f"{item}/voortgang", data={"csrf_token": csrf, "body": ""}),
        "propose": client.get(f"/onderwerp/{place.thread}/actiepunt"),
        "create": client.get(f"/actiepunt/nieuw?regio={place.code}"),
        "edit": client.get(f"{item}/bewerken"),
        "change_status": client.get(f"{item}/status"),
        "link_thread": client.get(f"{item}/koppelen"),
        "merge": client.get(f"{item}/samenvoegen"),
        "escalate": client.get(f"{item}/opschalen"),
        "decide_proposal": client.get(f"/voorstel/{place.proposal}/afwijzen"),
    }


@pytest.mark.parametrize("role", list(EXPECTED_RIGHTS))
def test_who_may_do_what_on_the_predicates_and_on_the_pages(
    app: Flask, regions: None, client: FlaskClient, query_counter: Any, role: str
) -> None:
    public, closed = _permission_world(app)
    place = closed if role == "non_member" else public
    expected = EXPECTED_RIGHTS[role]

    with app.app_context():
        if role == "visitor":
            user: Any = AnonymousUserMixin()
        else:
            user = db.session.scalar(select(User).where(User.email == f"{role}@example.nl"))
            assert user is not None
            _ = user.member_region_ids, user.hosted_region_ids, user.suspensions
        item = db.session.get(ActionItem, place.item)
        thread = db.session.get(Thread, place.thread)
        assert item is not None
        assert thread is not None
        _ = item.region, thread.region
        with query_counter() as counted:
            rights = _predicate_rights(user, place)
        assert rights == expected
        assert counted.count == 0, "the predicates answer without queries"
        region_of_item = item.region
        for action in ACTIONS:
            in_table = permissions.action_allowed(user, action, region_of_item, item)
            assert in_table == (action in expected), action

    if role == "visitor":
        csrf = csrf_token(client, "/inloggen")
    else:
        login(client, f"{role}@example.nl")
        csrf = token(client)
    outcomes = _route_outcomes(client, place, csrf)
    for action, response in outcomes.items():
        if role == "visitor":
            assert response.status_code == 302, action
            assert "/inloggen" in response.headers["Location"], action
        elif action in expected:
            assert response.status_code in (200, 422), (action, response.status_code)
        else:
            assert response.status_code == 403, (action, response.status_code)

    if "view" not in expected:
        if role == "non_member":
            assert client.get(f"/regio/{place.code}/actiepunten").status_code == 403
        return
    page = page_of(client, f"/actiepunt/{place.item}")
    shown = {
        "add_update": f'action="/actiepunt/{place.item}/voortgang"' in page,
        "edit": f'href="/actiepunt/{place.item}/bewerken"' in page,
        "change_status": f'action="/actiepunt/{place.item}/status"' in page,
        "link_thread": f'href="/actiepunt/{place.item}/koppelen"' in page,
        "merge": f'href="/actiepunt/{place.item}/samenvoegen"' in page,
        "escalate": f'href="/actiepunt/{place.item}/opschalen"' in page,
    }
    assert {action for action, there in shown.items() if there} == expected & set(shown)
    board = page_of(client, f"/regio/{place.code}/actiepunten")
    assert (f'href="/actiepunt/nieuw?regio={place.code}"' in board) == ("create" in expected)
    assert (f'href="/voorstel/{place.proposal}/afwijzen"' in board) == (
        "decide_proposal" in expected
    )
    thread_page = page_of(client, f"/onderwerp/{place.thread}")
    assert (f'href="/onderwerp/{place.thread}/actiepunt"' in thread_page) == ("propose" in expected)


# 7. The board: filters and counts


@dataclass
class BoardSpec:
    title: str
    status: ActionStatus
    themes: tuple[str, ...]
    owner: str | None
    due_in: int | None
    code: str = AMSTERDAM
    escalate: bool = False

    def overdue(self, today: date) -> bool:
        return self.status.is_active and self.due_in is not None and self.due_in < 0

    @property
    def on_amsterdam_board(self) -> bool:
        return self.code == AMSTERDAM


BOARD = [
    BoardSpec("Open en te laat", OPEN, ("logeren",), "a", -10),
    BoardSpec("Open en op tijd", OPEN, ("vervoer",), "b", 30),
    BoardSpec("Bezig en te laat", BEZIG, ("logeren", "wonen"), "b", -1),
    BoardSpec("Bezig zonder datum", BEZIG, ("wonen",), None, None),
    BoardSpec("Opgelost met oude datum", OPGELOST, ("logeren",), "a", -20),
    BoardSpec("Niet haalbaar met oude datum", NEE, ("vervoer",), "a", -5),
    BoardSpec("Samengevoegd", SAMEN, ("logeren",), None, None),
    BoardSpec("Opgeschaald en te laat", OPEN, ("vervoer",), "b", -3, escalate=True),
    BoardSpec("Elders te laat", OPEN, ("logeren",), "a", -10, code=AMSTELLAND),
    BoardSpec("Landelijk", OPEN, ("logeren",), "a", -10, code=NATIONAL_CODE),
]


def test_the_board_filters_by_status_theme_owner_and_overdue_with_matching_counts(
    app: Flask, regions: None, client: FlaskClient
) -> None:
    today = services.today()
    with app.app_context():
        host = make_user(email=HOST, host_of=AMSTERDAM)
        owners = {"a": make_user(display_name="Eigenaar A"), "b": make_user(display_name="B")}
        owner_ids = {key: user.id for key, user in owners.items()}
        made: dict[str, ActionItem] = {}
        for spec in BOARD:
            made[spec.title] = make_item(
                host,
                spec.title,
                code=spec.code,
                status=OPEN if spec.status is SAMEN else spec.status,
                themes=spec.themes,
                owner=owners[spec.owner] if spec.owner else None,
                target_date=today + timedelta(days=spec.due_in) if spec.due_in else None,
            )
        services.merge_items(
            item=made["Samengevoegd"],
            into=made["Open en op tijd"],
            author=host,
            expected_version=None,
            reason="Dubbel.",
        )
        for spec in BOARD:
            if spec.escalate:
                services.escalate(
                    item=made[spec.title], author=host, expected_version=None, reason="Beleid."
                )
        db.session.commit()
        ids = {title: item.id for title, item in made.items()}
        # The themes of the merged item moved along to the item it was merged into.
        themes = {spec.title: set(spec.themes) for spec in BOARD}
        themes["Open en op tijd"] |= themes["Samengevoegd"]
        direct = dict(
            db.session.execute(
                select(ActionItem.status, func.count())
                .join(Region, Region.id == ActionItem.region_id)
                .where(
                    (Region.code == AMSTERDAM)
                    | ActionItem.origin_region_id.in_(
                        select(Region.id).where(Region.code == AMSTERDAM)
                    )
                )
                .group_by(ActionItem.status)
            ).all()
        )

    board = [spec for spec in BOARD if spec.on_amsterdam_board]

    def expect(**condition: Any) -> set[int]:
        chosen = set()
        for spec in board:
            status = condition.get("status", "actief")
            if status == "actief" and not spec.status.is_active:
                continue
            if status not in ("actief", "alle") and spec.status.slug != status:
                continue
            if "thema" in condition and condition["thema"] not in themes[spec.title]:
                continue
            if "eigenaar" in condition and owner_ids.get(spec.owner or "") != condition["eigenaar"]:
                continue
            if condition.get("te-laat") and not spec.overdue(today):
                continue
            chosen.add(ids[spec.title])
        return chosen

    login(client, HOST)
    filters: list[dict[str, Any]] = [
        {},
        {"status": "alle"},
        *({"status": status.slug} for status in ActionStatus),
        {"thema": "logeren"},
        {"thema": "wonen", "status": "alle"},
        {"thema": "logeren", "status": "opgelost"},
        {"eigenaar": owner_ids["a"]},
        {"eigenaar": owner_ids["a"], "status": "alle"},
        {"eigenaar": owner_ids["b"], "te-laat": "1"},
        {"te-laat": "1"},
        {"te-laat": "1", "thema": "logeren"},
    ]
    for condition in filters:
        response = client.get(f"/regio/{AMSTERDAM}/actiepunten", query_string=condition)
        page = response.get_data(as_text=True)
        wanted = expect(**condition)
        assert set(board_items(page)) == wanted, condition
        assert len(board_items(page)) == len(wanted), condition
        number = re.search(r"(\d+) actiepunt(?:en)? gevonden", page)
        assert number, condition
        assert int(number.group(1)) == len(wanted), condition

    counts = board_counts(page_of(client, f"/regio/{AMSTERDAM}/actiepunten"))
    by_status = {status: sum(1 for s in board if s.status is status) for status in ActionStatus}
    assert counts == {
        "": by_status[OPEN] + by_status[BEZIG],
        **{f"status={status.slug}": by_status[status] for status in ActionStatus},
        "te-laat=1": sum(1 for spec in board if spec.overdue(today)),
    }
    assert {status: direct.get(status.value, 0) for status in ActionStatus} == by_status
    flagged = board_row(
        page_of(client, f"/regio/{AMSTERDAM}/actiepunten"), ids["Opgeschaald en te laat"]
    )
    assert "Opgeschaald naar landelijk" in flagged
    assert "Te laat" in flagged

    national = board_counts(page_of(client, "/actiepunten"))
    assert national[""] == 2  # the national item and the escalated one
    assert national["te-laat=1"] == 2


# 8. The knelpuntenmonitor


@dataclass(frozen=True)
class ThreadSpec:
    code: str
    kind: str
    themes: tuple[str, ...]
    days_ago: int


@dataclass(frozen=True)
class ItemSpec:
    code: str
    status: ActionStatus
    themes: tuple[str, ...]
    days_ago: int
    days: int | None = None
    """Days it took to be resolved."""
    due_in: int | None = None


MONITOR_THREADS = [
    ThreadSpec(AMSTERDAM, "knelpunt", ("logeren",), 10),
    ThreadSpec(AMSTERDAM, "knelpunt", ("logeren", "vervoer"), 20),
    ThreadSpec(AMSTERDAM, "knelpunt", ("vervoer",), 200),
    ThreadSpec(AMSTERDAM, "knelpunt", ("wonen",), 400),
    ThreadSpec(AMSTERDAM, "ervaring", ("logeren",), 5),
    ThreadSpec(AMSTERDAM, "goed_voorbeeld", ("vervoer",), 5),
    ThreadSpec(AMSTELLAND, "knelpunt", ("wonen",), 30),
    ThreadSpec(AMSTELLAND, "knelpunt", ("vervoer",), 40),
    ThreadSpec(AMSTELLAND, "vraag", ("wonen",), 40),
    ThreadSpec(KENNEMERLAND, "knelpunt", ("logeren",), 15),
]
MONITOR_ITEMS = [
    # Amsterdam, logeren: four resolved (3, 5, 10, 20 days), so the median is an average: 7,5.
    ItemSpec(AMSTERDAM, OPGELOST, ("logeren",), 60, days=10),
    ItemSpec(AMSTERDAM, OPGELOST, ("logeren",), 50, days=20),
    ItemSpec(AMSTERDAM, OPGELOST, ("logeren", "vervoer"), 40, days=5),
    ItemSpec(AMSTERDAM, OPGELOST, ("logeren",), 30, days=3),
    ItemSpec(AMSTERDAM, OPEN, ("logeren",), 10, due_in=-5),
    ItemSpec(AMSTERDAM, BEZIG, ("vervoer",), 20, due_in=30),
    ItemSpec(AMSTERDAM, NEE, ("vervoer",), 25, due_in=-30),
    ItemSpec(AMSTERDAM, SAMEN, ("logeren",), 15, due_in=-30),
    ItemSpec(AMSTERDAM, OPGELOST, ("logeren",), 200, days=100),
    ItemSpec(AMSTERDAM, OPEN, ("vervoer",), 300, due_in=-100),
    ItemSpec(AMSTERDAM, OPEN, ("wonen",), 400, due_in=-300),
    # Amstelland, wonen: three resolved (4, 8, 30 days): the median is the middle one, 8.
    ItemSpec(AMSTELLAND, OPGELOST, ("wonen",), 70, days=4),
    ItemSpec(AMSTELLAND, OPGELOST, ("wonen",), 60, days=30),
    ItemSpec(AMSTELLAND, OPGELOST, ("wonen",), 50, days=8),
    ItemSpec(AMSTELLAND, OPEN, ("wonen",), 5, due_in=-1),
    ItemSpec(AMSTELLAND, BEZIG, ("dagbesteding",), 45, due_in=-10),
    # Kennemerland is members-only.
    ItemSpec(KENNEMERLAND, OPGELOST, ("logeren",), 30, days=1),
    ItemSpec(KENNEMERLAND, OPEN, ("logeren",), 30, due_in=-2),
]


def _build_monitor_world(app: Flask, now: datetime) -> None:
    with app.app_context():
        author = make_user(email=HOST, host_of=AMSTERDAM)
        make_user(email="lid@example.nl", region_code=KENNEMERLAND)
        region(KENNEMERLAND).members_only = True
        region_ids = {code: region(code).id for code in (AMSTERDAM, AMSTELLAND, KENNEMERLAND)}
        for n, spec in enumerate(MONITOR_THREADS):
            moment = now - timedelta(days=spec.days_ago)
            db.session.add(
                Thread(
                    region_id=region_ids[spec.code],
                    author_id=author.id,
                    title=f"Onderwerp {n}",
                    kind=spec.kind,
                    created_at=moment,
                    last_activity_at=moment,
                    theme_links=[ThreadTheme(theme=theme) for theme in spec.themes],
                )
            )
        for n, spec in enumerate(MONITOR_ITEMS):
            moment = now - timedelta(days=spec.days_ago)
            db.session.add(
                ActionItem(
                    region_id=region_ids[spec.code],
                    title=f"Actiepunt {n}",
                    status=spec.status.value,
                    created_at=moment,
                    last_activity_at=moment,
                    resolution_days=spec.days,
                    resolved_at=moment + timedelta(days=spec.days) if spec.days else None,
                    target_date=now.date() + timedelta(days=spec.due_in)
                    if spec.due_in is not None
                    else None,
                    created_by_id=author.id,
                    theme_links=[ActionItemTheme(theme=theme) for theme in spec.themes],
                )
            )
        db.session.commit()


def _figure(days: float | None) -> str:
    return DASH if days is None else f"{days:g}".replace(".", ",")


def _expected_monitor(
    codes: list[str], start: date, end: date, now: datetime
) -> tuple[list[list[str]], list[list[str]]]:
    """The monitor's two tables, counted here from the specs: per region and theme, per theme."""

    def inside(days_ago: int) -> bool:
        return start <= (now - timedelta(days=days_ago)).date() <= end

    today = now.date()
    order = sorted(codes, key=lambda code: REGION_NAMES[code])
    cells: list[list[str]] = []
    totals: dict[Theme, list[Any]] = {theme: [0, 0, 0, 0, 0, 0, []] for theme in Theme}
    for code in order:
        for theme in Theme:
            bottlenecks = sum(
                1
                for t in MONITOR_THREADS
                if t.code == code
                and t.kind == "knelpunt"
                and theme.value in t.themes
                and inside(t.days_ago)
            )
            items = [
                i
                for i in MONITOR_ITEMS
                if i.code == code
                and theme.value in i.themes
                and inside(i.days_ago)
                and i.status is not SAMEN
            ]
            if not bottlenecks and not items:
                continue
            active = sum(1 for i in items if i.status.is_active)
            resolved = [i.days for i in items if i.status is OPGELOST]
            no = sum(1 for i in items if i.status is NEE)
            late = sum(
                1
                for i in items
                if i.status.is_active
                and i.due_in is not None
                and today + timedelta(days=i.due_in) < today
            )
            median = statistics.median(resolved) if resolved else None
            figures = [bottlenecks, len(items), active, len(resolved), no, late]
            cells.append(
                [REGION_NAMES[code], DUTCH_THEME[theme], *map(str, figures), _figure(median)]
            )
            total = totals[theme]
            for position, value in enumerate(figures):
                total[position] += value
            total[6].extend(resolved)
    by_theme = [
        [
            DUTCH_THEME[theme],
            *map(str, total[:6]),
            _figure(statistics.median(total[6]) if total[6] else None),
        ]
        for theme, total in totals.items()
    ]
    header = [
        "Regio",
        "Thema",
        "Knelpunten",
        "Actiepunten",
        "Nog open",
        "Opgelost",
        "Niet haalbaar",
        "Te laat",
        "Mediaan dagen tot opgelost",
    ]
    return [header, *cells], by_theme


def _csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff"), "a BOM, so spreadsheets read the accents"
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def _chart_figures(page: str) -> list[list[str]]:
    """Per bar group of the SVG chart: the theme, then the figures it shows in words, in
    order (bottlenecks, open, resolved, not feasible), leaving out the zeros."""
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    groups = []
    for group in svg.split("<g")[1:]:
        label = re.search(r'class="lp-chart__label">([^<]*)</text>', group)
        assert label, group
        values = " ".join(re.findall(r'class="lp-chart__value">([^<]*)</text>', group))
        groups.append(
            [html.unescape(label.group(1)), *(n for n in re.findall(r"\d+", values) if n != "0")]
        )
    return groups


def _monitor_tables(page: str) -> tuple[list[list[str]], list[list[str]]]:
    tables = Tables(page)
    assert "monitor-tabel" in tables.by_id, "no table per region and theme"
    by_theme = tables.tables[0]
    return tables.by_id["monitor-tabel"], by_theme[1:]


def test_the_monitor_counts_what_happened_in_the_period_and_the_csv_is_the_table(
    app: Flask, regions: None, client: FlaskClient
) -> None:
    now = utcnow()
    _build_monitor_world(app, now)
    start, end = now.date() - timedelta(days=90), now.date()
    period = {"van": start.isoformat(), "tot": end.isoformat()}
    visible = [AMSTERDAM, AMSTELLAND]
    expected_cells, expected_by_theme = _expected_monitor(visible, start, end, now)
    # The figures the specs were built for, so a slip in the counting above shows too.
    assert ["Amsterdam", "Logeren", "2", "5", "1", "4", "0", "1", "7,5"] in expected_cells
    assert ["Amstelland en De Meerlanden", "Wonen", "1", "4", "1", "3", "0", "1", "8"] in (
        expected_cells
    )

    login(client, HOST)
    page = page_of(client, "/knelpuntenmonitor?" + "&".join(f"{k}={v}" for k, v in period.items()))
    cells, by_theme = _monitor_tables(page)
    assert cells == expected_cells
    assert by_theme == expected_by_theme
    assert "Kennemerland" not in page, "a members-only region's figures are for its members"
    assert _chart_figures(page) == [
        [row[0], *(n for n in (row[1], row[3], row[4], row[5]) if n != "0")]
        for row in expected_by_theme
    ], "the chart shows the figures of the table"
    period_line = f"{format_date(start, 'd MMMM yyyy', locale='nl')} {DASH} "
    assert period_line + format_date(end, "d MMMM yyyy", locale="nl") in text_of_page(page)

    csv_rows = _csv_rows(client.get("/knelpuntenmonitor", query_string={**period, "format": "csv"}))
    assert csv_rows == cells
    # One region: only its rows, and the totals per theme are its own.
    only, only_by_theme = _expected_monitor([AMSTELLAND], start, end, now)
    cells, by_theme = _monitor_tables(
        page_of(client, "/knelpuntenmonitor", query_string={**period, "regio": AMSTELLAND})
    )
    assert (cells, by_theme) == (only, only_by_theme)
    # Asking for the members-only region by its code does not show it either.
    for fmt in ("csv", "html"):
        asked = client.get(
            "/knelpuntenmonitor", query_string={**period, "regio": KENNEMERLAND, "format": fmt}
        )
        assert asked.status_code in (200, 403, 404)
        assert "Kennemerland" not in asked.get_data(as_text=True)

    # A member of Kennemerland sees its figures too, in the page and in the CSV alike.
    member = app.test_client()
    login(member, "lid@example.nl")
    expected_cells, expected_by_theme = _expected_monitor([*visible, KENNEMERLAND], start, end, now)
    cells, by_theme = _monitor_tables(
        page_of(member, "/knelpuntenmonitor?" + "&".join(f"{k}={v}" for k, v in period.items()))
    )
    assert cells == expected_cells
    assert by_theme == expected_by_theme
    assert ["Kennemerland", "Logeren", "1", "2", "1", "1", "0", "1", "1"] in cells
    assert _csv_rows(
        member.get("/knelpuntenmonitor", query_string={**period, "format": "csv"})
    ) == (cells)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"van": "2026-05-01", "tot": "2026-01-01"}, "Het einde ligt voor het begin."),
        ({"van": "31 maart", "tot": ""}, "Schrijf een datum als 31-03-2027."),
        ({"van": "", "tot": "2026-02-30"}, "Schrijf een datum als 31-03-2027."),
    ],
    ids=["end-before-start", "words", "no-such-day"],
)
def test_a_wrong_period_says_why_in_dutch_and_shows_the_last_twelve_months(
    app: Flask, regions: None, client: FlaskClient, query: dict[str, str], message: str
) -> None:
    now = utcnow()
    _build_monitor_world(app, now)
    start, end = services.default_period(now.date())

    login(client, HOST)
    response = client.get("/knelpuntenmonitor", query_string=query)
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 400, 422)
    assert message in text_of_page(page)
    assert "fout in het formulier" in page
    shown = text_of_page(page)
    assert (
        f"Periode: {format_date(start, 'd MMMM yyyy', locale='nl')} {DASH} "
        f"{format_date(end, 'd MMMM yyyy', locale='nl')}" in shown
    )
    cells, _by_theme = _monitor_tables(page)
    assert cells == _expected_monitor([AMSTERDAM, AMSTELLAND], start, end, now)[0]
    # The item of 200 days ago is inside the last twelve months; the one of 400 days is not.
    assert ["Amsterdam", "Logeren", "2", "6", "1", "5", "0", "1", "10"] in cells


def test_national_and_escalated_items_count_in_the_monitor(
    app: Flask, regions: None, client: FlaskClient
) -> None:
    with app.app_context():
        host = make_user(email=HOST, host_of=AMSTERDAM)
        make_item(host, "Landelijk vervoersbeleid", code=NATIONAL_CODE, themes=["vervoer"])
        make_item(host, "Rolstoelbus in Amsterdam", themes=["vervoer"])
        escalated = make_item(host, "Taxi's in Amsterdam", themes=["vervoer"])
        services.escalate(item=escalated, author=host, expected_version=None, reason="Beleid.")
        db.session.commit()
    login(client, HOST)
    cells, by_theme = _monitor_tables(page_of(client, "/knelpuntenmonitor"))
    transport = next(row for row in by_theme if row[0] == "Vervoer")
    assert ["Amsterdam", "Vervoer", "0", "1", "1", "0", "0", "0", DASH] in cells
    assert transport[2] == "3", "the national and the escalated item count for the theme too"
    assert any(row[0] == "Landelijke ruimte" for row in cells[1:])


# 9. Query counts: pinned, and the same for a few or for many


BOARD_QUERIES = 8
ITEM_PAGE_QUERIES = 7
MONITOR_QUERIES = 8
"""Measured on SQLite and PostgreSQL alike, everything a page does included: the signed-in
person with their memberships and host appointments, the unread-notifications count, and on
the item page whether one follows it. Lower is fine; higher means a page started doing more."""

BULK_STATUSES = [OPEN, BEZIG, OPGELOST, NEE, OPEN, BEZIG]
THEMES = [theme.value for theme in Theme]


def _bulk_users(number: int, prefix: str, code: str = AMSTERDAM) -> list[int]:
    now = utcnow()
    home = region(code).id
    db.session.execute(
        insert(User),
        [
            {
                "email": f"{prefix}{n}@example.nl",
                "display_name": f"{prefix.title()} {n}",
                "participant_kind": "ouder" if n % 2 else "zorgaanbieder",
                "password_hash": "-",
                "session_token": f"{prefix}-{n}",
                "email_verified_at": now,
                "home_region_id": home,
            }
            for n in range(number)
        ],
    )
    return list(
        db.session.scalars(
            select(User.id).where(User.email.like(f"{prefix}%@example.nl")).order_by(User.id)
        )
    )


def _bulk_threads(number: int, prefix: str, authors: list[int], codes: list[str]) -> list[int]:
    now = utcnow()
    region_ids = [region(code).id for code in codes]
    db.session.execute(
        insert(Thread),
        [
            {
                "region_id": region_ids[n % len(region_ids)],
                "author_id": authors[n % len(authors)],
                "title": f"{prefix} {n}",
                "kind": "goed_voorbeeld" if n % 3 == 0 else "knelpunt",
                "created_at": now - timedelta(days=n % 60),
                "last_activity_at": now,
            }
            for n in range(number)
        ],
    )
    ids = list(
        db.session.scalars(
            select(Thread.id).where(Thread.title.like(f"{prefix} %")).order_by(Thread.id)
        )
    )
    db.session.execute(
        insert(ThreadTheme),
        [
            {"thread_id": thread_id, "theme": THEMES[n % len(THEMES)]}
            for n, thread_id in enumerate(ids)
        ],
    )
    return ids


def _bulk_items(
    number: int, prefix: str, owners: list[int], author: int, code: str, origin: str | None = None
) -> list[int]:
    now, today = utcnow(), services.today()
    home = region(code).id
    origin_id = region(origin).id if origin else None
    rows = []
    for n in range(number):
        status = BULK_STATUSES[n % len(BULK_STATUSES)]
        rows.append(
            {
                "region_id": home,
                "origin_region_id": origin_id,
                "title": f"{prefix} {n}",
                "status": status.value,
                "owner_id": owners[n % len(owners)],
                "target_date": today + timedelta(days=(n % 40) - 20),
                "created_by_id": author,
                "created_at": now - timedelta(days=n % 80),
                "last_activity_at": now,
                "resolution_days": n % 30 if status is OPGELOST else None,
                "resolved_at": now if status is OPGELOST else None,
                "update_count": 1,
                "version": 1,
            }
        )
    db.session.execute(insert(ActionItem), rows)
    ids = list(
        db.session.scalars(
            select(ActionItem.id)
            .where(ActionItem.title.like(f"{prefix} %"))
            .order_by(ActionItem.id)
        )
    )
    themes = [
        {"action_item_id": item_id, "theme": THEMES[(n + extra) % len(THEMES)]}
        for n, item_id in enumerate(ids)
        for extra in range(1 + n % 2)
    ]
    db.session.execute(insert(ActionItemTheme), themes)
    return ids


def _counted(client: FlaskClient, query_counter: Any, path: str, *, fresh: bool = False) -> Any:
    client.get(path)  # the first request of a client may load what later ones have
    if fresh:  # the monitor's figures counted anew, not remembered from the first request
        services.forget_monitor_figures()
    with query_counter() as counted:
        response = client.get(path)
    assert response.status_code == 200, path
    counted.page = response.get_data(as_text=True)
    return counted


def _same(few: Any, many: Any) -> None:
    assert few.count == many.count, "\n".join(
        ["few:", *few.statements, "", "many:", *many.statements]
    )


def test_the_board_needs_the_same_queries_for_3_or_300_items(
    app: Flask, regions: None, client: FlaskClient, query_counter: Any
) -> None:
    with app.app_context():
        host = make_user(email=HOST, host_of=AMSTERDAM)
        owners = _bulk_users(3, "weinig")
        threads = _bulk_threads(1, "Voorstel", owners, [AMSTERDAM])
        db.session.execute(
            insert(ActionProposal),
            [
                {
                    "thread_id": threads[0],
                    "region_id": region(AMSTERDAM).id,
                    "proposed_by_id": owners[0],
                }
            ],
        )
        _bulk_items(3, "Weinig", owners, host.id, AMSTERDAM)
        db.session.commit()
        host_id = host.id
    login(client, HOST)
    path = f"/regio/{AMSTERDAM}/actiepunten"
    few = _counted(client, query_counter, path)
    assert len(board_items(few.page)) == 2  # open and in progress; the third is resolved

    with app.app_context():
        owners = _bulk_users(60, "veel")
        threads = _bulk_threads(40, "Veel voorstellen", owners, [AMSTERDAM])
        db.session.execute(
            insert(ActionProposal),
            [
                {"thread_id": thread_id, "region_id": region(AMSTERDAM).id, "proposed_by_id": owner}
                for thread_id, owner in zip(threads, owners, strict=False)
            ],
        )
        _bulk_items(280, "Veel", owners, host_id, AMSTERDAM)
        _bulk_items(17, "Opgeschaald", owners, host_id, NATIONAL_CODE, origin=AMSTERDAM)
        db.session.commit()
    many = _counted(client, query_counter, path)
    assert len(board_items(many.page)) == services.ITEMS_PER_PAGE
    _same(few, many)
    for query in ({"status": "alle", "te-laat": "1"}, {"thema": "wonen", "pagina": "2"}):
        with query_counter() as filtered:
            assert client.get(path, query_string=query).status_code == 200
        assert filtered.count == many.count, query
    assert few.count <= BOARD_QUERIES


def test_the_item_page_needs_the_same_queries_for_2_or_200_entries_and_links(
    app: Flask, regions: None, client: FlaskClient, query_counter: Any
) -> None:
    with app.app_context():
        host = make_user(email=HOST, host_of=AMSTERDAM)
        parent = make_user(email=PARENT)
        threads = [
            make_thread(parent, "Geen logeerplek"),
            make_thread(host, "Logeerhuis werkt", code=AMSTELLAND, kind="goed_voorbeeld"),
        ]
        item = make_item(host, "Logeerplekken", threads=threads, owner=parent)
        other = make_item(host, "Ander actiepunt")
        db.session.commit()
        item_id, other_id, host_id = item.id, other.id, host.id
        assert timeline_kinds(item_id) == ["aangemaakt"]
        services.add_update(item=item, author=parent, body="Eerste stap gezet.")
        db.session.commit()
    login(client, HOST)
    path = f"/actiepunt/{item_id}"
    few = _counted(client, query_counter, path)

    with app.app_context():
        authors = _bulk_users(50, "schrijver", code=AMSTELLAND)
        codes = [AMSTERDAM, AMSTELLAND, KENNEMERLAND, "5501", "5502", "5521", NATIONAL_CODE]
        thread_ids = _bulk_threads(198, "Gekoppeld", authors, codes)
        others = _bulk_items(20, "Samengevoegd", authors, host_id, AMSTERDAM)
        db.session.execute(
            insert(ActionItemLink),
            [
                {
                    "action_item_id": item_id,
                    "thread_id": thread_id,
                    "role": "oplossing" if n % 3 == 0 else "knelpunt",
                    "linked_by_id": authors[n % 50],
                }
                for n, thread_id in enumerate(thread_ids)
            ],
        )
        now = utcnow()
        entries = []
        for n in range(198):
            entry: dict[str, Any] = {
                "action_item_id": item_id,
                "author_id": authors[n % 50],
                "kind": ["voortgang", "gekoppeld", "status", "samengevoegd", "gewijzigd"][n % 5],
                "body_source": f"Stap {n}",
                "body_html": f"<p>Stap {n}</p>",
                "created_at": now + timedelta(seconds=n),
            }
            if entry["kind"] == "gekoppeld":
                entry["thread_id"] = thread_ids[n]
            elif entry["kind"] == "status":
                entry.update(from_status="open", to_status="in_behandeling")
            elif entry["kind"] == "samengevoegd":
                entry["other_item_id"] = others[n % len(others)] if n % 2 else other_id
            else:
                entry["detail"] = "titel"
            entries.append(entry)
        db.session.execute(insert(ActionItemUpdate), entries)
        db.session.commit()
    many = _counted(client, query_counter, path)
    assert many.page.count('class="lp-timeline__entry') == 200
    assert many.page.count('<li class="lp-thread">') == 200
    _same(few, many)
    assert few.count <= ITEM_PAGE_QUERIES


def test_the_monitor_needs_the_same_queries_for_a_few_or_many_items(
    app: Flask, regions: None, client: FlaskClient, query_counter: Any
) -> None:
    codes = [AMSTERDAM, AMSTELLAND, KENNEMERLAND, "5501", "5521"]
    with app.app_context():
        host = make_user(email=HOST, host_of=AMSTERDAM)
        authors = _bulk_users(3, "weinig")
        _bulk_threads(3, "Weinig", authors, [AMSTERDAM])
        _bulk_items(3, "Weinig", authors, host.id, AMSTERDAM)
        db.session.commit()
        host_id = host.id
    login(client, HOST)
    # Each look counted anew (the figures are otherwise remembered for half a minute).
    few = _counted(client, query_counter, "/knelpuntenmonitor", fresh=True)
    few_csv = _counted(client, query_counter, "/knelpuntenmonitor?format=csv", fresh=True)

    with app.app_context():
        authors = _bulk_users(40, "veel")
        _bulk_threads(300, "Veel", authors, codes)
        for code in codes:
            _bulk_items(60, f"Veel {code}", authors, host_id, code)
        db.session.commit()
    many = _counted(client, query_counter, "/knelpuntenmonitor", fresh=True)
    many_csv = _counted(client, query_counter, "/knelpuntenmonitor?format=csv", fresh=True)
    assert len(Tables(many.page).by_id["monitor-tabel"]) > len(
        Tables(few.page).by_id["monitor-tabel"]
    )
    _same(few, many)
    _same(few_csv, many_csv)
    assert few.count <= MONITOR_QUERIES
    assert few_csv.count <= MONITOR_QUERIES


def test_the_monitor_counts_at_most_every_half_minute_and_says_when(
    app: Flask, regions: None, client: FlaskClient, query_counter: Any
) -> None:
    with app.app_context():
        host = make_user(email=HOST, host_of=AMSTERDAM)
        authors = _bulk_users(3, "teller")
        _bulk_items(3, "Eerst", authors, host.id, AMSTERDAM)
        db.session.commit()
        host_id = host.id
    login(client, HOST)
    first = _counted(client, query_counter, "/knelpuntenmonitor", fresh=True)
    assert "Deze cijfers zijn geteld om" in first.page
    with app.app_context():
        _bulk_items(5, "Later", authors, host_id, AMSTERDAM)
        db.session.commit()
    with query_counter() as again:
        again.page = client.get("/knelpuntenmonitor").get_data(as_text=True)
    # The same figures, without the four aggregate queries.
    assert again.count == first.count - 4
    assert Tables(again.page).by_id["monitor-tabel"] == Tables(first.page).by_id["monitor-tabel"]
    services.forget_monitor_figures()  # as half a minute later
    with query_counter() as later:
        later.page = client.get("/knelpuntenmonitor").get_data(as_text=True)
    assert later.count == first.count
    assert Tables(later.page).by_id["monitor-tabel"] != Tables(first.page).by_id["monitor-tabel"]
