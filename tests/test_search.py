"""Search (/zoeken): Dutch word forms, every filter, what a reader may see, and its cost."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, literal_column, select, text

from leerplatform.actions.models import ActionItem, ActionStatus
from leerplatform.actions.services import change_status, create_item
from leerplatform.extensions import db
from leerplatform.forum.models import Post, Thread, ThreadKind
from leerplatform.forum.services import delete_post, edit_post, reply_to, start_thread
from leerplatform.moderation.services import hide_post
from leerplatform.places.models import Place, PlaceKind
from leerplatform.regions.services import region_by_code
from leerplatform.search.services import (
    ACTION_ITEM_VECTOR,
    PLACE_VECTOR,
    POST_VECTOR,
    THREAD_TITLE_VECTOR,
    parse_query,
)
from leerplatform.search.words import forms_of
from tests.conftest import Auth
from tests.factories import PASSWORD, make_user
from tests.test_places import add_place


@dataclass
class People:
    parent: str
    host: str
    outsider: str


def thread(
    title: str,
    body: str,
    *,
    region_code: str = "5515",
    kind: ThreadKind = ThreadKind.ERVARING,
    themes: tuple[str, ...] = ("logeren",),
    author_email: str | None = None,
) -> Thread:
    """A thread, committed. Needs an app context."""
    from leerplatform.accounts.services import user_by_email

    author = user_by_email(author_email) if author_email else make_user()
    region = region_by_code(region_code)
    assert region is not None
    assert author is not None
    made = start_thread(
        region=region, author=author, title=title, kind=kind, themes=themes, body=body
    )
    db.session.commit()
    return made


@pytest.fixture
def people(app: Flask, regions: None) -> People:
    with app.app_context():
        parent = make_user(email="ouder@example.nl")
        host = make_user(email="host@example.nl", host_of="5515")
        outsider = make_user(email="buiten@example.nl", region_code="5501")
        return People(parent.email, host.email, outsider.email)


def search_page(client: FlaskClient, **args: Any) -> str:
    response = client.get("/zoeken", query_string=args)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def titles(page: str) -> list[str]:
    return re.findall(r'<h3 class="lp-thread__title"><a [^>]*>([^<]+)</a>', page)


def login(client: FlaskClient, email: str) -> None:
    Auth(client).login(email, PASSWORD)


@pytest.mark.parametrize(
    ("written", "searched"),
    [
        ("Onze zoon gaat twee dagen naar de dagbesteding.", "dagbestedingen"),
        ("Drie dagbestedingen in de regio hebben plek.", "dagbesteding"),
        ("De rolstoel past niet in de taxi.", "rolstoelen"),
        ("Alle hulpmiddelen moesten mee.", "hulpmiddel"),
        ("De wachtlijsten zijn lang.", "wachtlijst"),
        ("Er zijn te weinig logeerhuizen in de buurt.", "logeerhuis"),
        ("Het logeerhuis heeft een tillift.", "logeerhuizen"),
        ("Hij heeft vorige maand voor het eerst gelogeerd.", "logeren"),
        ("Ze logeert elk tweede weekend.", "logeren"),
        ("Alle kinderen hebben een eigen kamer.", "kind"),
        ("Via het pgb betalen we de oppas.", "persoonsgebonden budget"),
    ],
)
def test_dutch_word_forms_find_each_other(
    app: Flask, people: People, client: FlaskClient, written: str, searched: str
) -> None:
    with app.app_context():
        thread("Ervaring van een ouder", written)
        thread("Iets anders", "Over de zorg in het algemeen, zonder dat woord.")
    login(client, people.parent)
    page = search_page(client, q=searched)
    assert titles(page) == ["Ervaring van een ouder"]
    assert "1 resultaat" in page


def test_word_forms_widen_a_query_word() -> None:
    assert forms_of("Logeerhuis") == ["logeerhuis", "logeerhuizen"]
    assert "logeerhuis" in forms_of("logeerhuizen")
    assert "gelogeerd" in forms_of("logeren")
    assert "pleegkinderen" in forms_of("pleegkind")
    assert forms_of("dagbesteding") == ["dagbesteding"]


def test_the_query_keeps_phrases_drops_stop_words_and_knows_exclusions() -> None:
    terms = parse_query('de "wakkere nacht" -taxi en logeren')
    assert [term.forms[0] for term in terms] == ["wakkere nacht", "taxi", "logeren"]
    assert [term.negated for term in terms] == [False, True, False]
    assert parse_query("de het een") == []


def test_a_phrase_and_an_excluded_word(app: Flask, people: People, client: FlaskClient) -> None:
    with app.app_context():
        thread("Wakkere nacht", "In dit logeerhuis is er een wakkere nacht.")
        thread("Nacht en wakker", "Ik lag wakker, de hele nacht, door het vervoer.")
    login(client, people.parent)
    assert titles(search_page(client, q='"wakkere nacht"')) == ["Wakkere nacht"]
    assert sorted(titles(search_page(client, q="wakker nacht"))) == [
        "Nacht en wakker",
        "Wakkere nacht",
    ]
    assert titles(search_page(client, q="nacht -vervoer")) == ["Wakkere nacht"]


def test_a_result_shows_a_highlighted_escaped_snippet_and_links_to_the_exact_post(
    app: Flask, people: People, client: FlaskClient
) -> None:
    with app.app_context():
        made = thread("Vraag over vervoer", "Hoe regelen jullie het vervoer?")
        reply = reply_to(
            thread=made,
            author=make_user(),
            body="Bij ons gaat het <script>x</script> met een **rolstoelbusje** naar de "
            "dagbesteding, elke ochtend om acht uur.",
        )
        db.session.commit()
        reply_id = reply.id
    login(client, people.parent)
    page = search_page(client, q="dagbestedingen")
    assert f'href="/bericht/{reply_id}"' in page
    assert "<mark>dagbesteding</mark>" in page
    assert "&lt;script&gt;" in page
    assert "<script>x" not in page
    assert "Reactie" in page  # the result says it is a reply, not the opening post


def test_a_title_counts_more_than_a_word_in_passing(
    app: Flask, people: People, client: FlaskClient
) -> None:
    with app.app_context():
        thread("Iets anders", "Het ging even over vervoer, maar vooral over eten.")
        thread("Vervoer naar school", "Hoe doen jullie dat?")
    login(client, people.parent)
    assert titles(search_page(client, q="vervoer")) == ["Vervoer naar school", "Iets anders"]


def test_the_filters_narrow_by_region_kind_theme_status_and_place(
    app: Flask, people: People, client: FlaskClient
) -> None:
    with app.app_context():
        host = make_user(host_of="5501")
        thread("Amsterdam knelpunt", "Geen plek om te logeren.", kind=ThreadKind.KNELPUNT)
        thread(
            "Amsterdam voorbeeld",
            "Logeren bij een gastgezin werkt.",
            kind=ThreadKind.GOED_VOORBEELD,
            themes=("wonen",),
        )
        thread("Groningen ervaring", "Logeren in Groningen.", region_code="5501")
        region = region_by_code("5501")
        assert region is not None
        item = create_item(
            region=region,
            author=host,
            title="Meer logeerplekken in Groningen",
            description="We zoeken samen naar plekken om te logeren.",
            themes=("logeren",),
        )
        db.session.flush()
        change_status(
            item=item,
            author=host,
            status=ActionStatus.IN_BEHANDELING,
            expected_version=item.version,
            note="We beginnen.",
        )
        db.session.commit()
        add_place("Logeerhuis De Vlinder")
        add_place("Dagcentrum De Zon", kind=PlaceKind.DAGBESTEDING)  # not about logeren
    login(client, people.parent)
    everything = titles(search_page(client, q="logeren"))
    assert sorted(everything) == [
        "Amsterdam knelpunt",
        "Amsterdam voorbeeld",
        "Groningen ervaring",
        "Logeerhuis De Vlinder",
        "Meer logeerplekken in Groningen",
    ]
    assert sorted(titles(search_page(client, q="logeren", regio="5501"))) == [
        "Groningen ervaring",
        "Meer logeerplekken in Groningen",
    ]
    assert titles(search_page(client, q="logeren", soort="knelpunt")) == ["Amsterdam knelpunt"]
    assert titles(search_page(client, q="logeren", soort="goed-voorbeeld")) == [
        "Amsterdam voorbeeld"
    ]
    assert sorted(titles(search_page(client, q="logeren", thema="wonen"))) == [
        "Amsterdam voorbeeld"
    ]
    assert titles(search_page(client, q="logeren", status="in-behandeling")) == [
        "Meer logeerplekken in Groningen"
    ]
    assert titles(search_page(client, q="logeren", status="opgelost")) == []
    assert titles(search_page(client, q="logeren", **{"in": "aanbod"})) == ["Logeerhuis De Vlinder"]
    assert titles(search_page(client, q="logeren", **{"in": "actiepunten"})) == [
        "Meer logeerplekken in Groningen"
    ]
    # A theme keeps the places of its kind; filters that are not ours are ignored.
    assert "Logeerhuis De Vlinder" in titles(search_page(client, q="logeren", thema="logeren"))
    assert sorted(titles(search_page(client, q="logeren", soort="nonsens"))) == sorted(everything)


def test_a_members_only_region_stays_out_of_sight_for_non_members(
    app: Flask, people: People, client: FlaskClient
) -> None:
    with app.app_context():
        region = region_by_code("5501")
        assert region is not None
        region.members_only = True
        member = make_user(email="lid@example.nl", region_code="5501")
        host = make_user(host_of="5501")
        thread("Besloten logeerervaring", "Logeren in een besloten regio.", region_code="5501")
        create_item(
            region=region,
            author=host,
            title="Besloten actiepunt over logeren",
            description="Alleen voor leden.",
            themes=("logeren",),
        )
        db.session.commit()
        assert member.id
    login(client, people.parent)  # a member of Amsterdam only
    assert titles(search_page(client, q="logeren")) == []
    assert titles(search_page(client, q="logeren", regio="5501")) == []
    client.post("/uitloggen")
    member_client = app.test_client()
    login(member_client, "lid@example.nl")
    assert sorted(titles(search_page(member_client, q="logeren"))) == [
        "Besloten actiepunt over logeren",
        "Besloten logeerervaring",
    ]


def test_hidden_and_deleted_posts_are_not_found(
    app: Flask, people: People, client: FlaskClient
) -> None:
    with app.app_context():
        made = thread("Gewoon onderwerp", "Over iets anders.")
        host = make_user(host_of="5515")
        hidden = reply_to(thread=made, author=make_user(), body="Een verborgen tillift.")
        deleted = reply_to(thread=made, author=make_user(), body="Een verwijderde tillift.")
        reply_to(thread=made, author=make_user(), body="Een zichtbare tillift.")
        db.session.flush()
        hide_post(post=hidden, host=host, reason="Huisregels")
        delete_post(post=deleted)
        db.session.commit()
    login(client, people.parent)
    page = search_page(client, q="tillift")
    assert "1 resultaat" in page
    assert "zichtbare" in page
    assert "verborgen" not in page
    assert "verwijderde" not in page


def test_an_edited_post_is_found_by_its_new_words_only(
    app: Flask, people: People, client: FlaskClient
) -> None:
    with app.app_context():
        made = thread("Eerst zo", "Het ging over de snoezelruimte.", author_email=people.parent)
        from leerplatform.forum.services import opening_post

        opening = opening_post(made)
        assert opening is not None
        edit_post(post=opening, body="Nu gaat het over de tillift.", title="Nu anders", editor=None)
        db.session.commit()
    login(client, people.parent)
    assert titles(search_page(client, q="snoezelruimte")) == []
    assert titles(search_page(client, q="tillift")) == ["Nu anders"]
    assert titles(search_page(client, q="anders")) == ["Nu anders"]


def test_a_visitor_finds_places_and_is_asked_to_log_in_for_conversations(
    app: Flask, regions: None, client: FlaskClient
) -> None:
    with app.app_context():
        thread("Logeren in Amsterdam", "Een ervaring met logeren.")
        add_place("Logeerhuis De Vlinder")
    page = search_page(client, q="logeren")
    assert titles(page) == ["Logeerhuis De Vlinder"]
    assert "Log in om ook" in page


def test_a_query_that_is_too_long_gets_a_clear_error_and_stays_in_the_box(
    app: Flask, regions: None, client: FlaskClient
) -> None:
    query = "logeren " * 40
    response = client.get("/zoeken", query_string={"q": query})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Er is 1 fout in het formulier" in page
    assert 'href="#q"' in page
    assert 'aria-invalid="true"' in page
    assert f'value="{query.strip()}"' in page


def test_an_empty_or_stop_word_query_finds_nothing_and_says_so(
    app: Flask, people: People, client: FlaskClient
) -> None:
    login(client, people.parent)
    assert "resultaat" not in search_page(client)
    assert "0 resultaten" in search_page(client, q="de het")


def test_the_search_page_is_in_the_main_menu(
    app: Flask, regions: None, client: FlaskClient
) -> None:
    assert 'href="/zoeken"' in client.get("/").get_data(as_text=True)


def test_results_are_paged(app: Flask, people: People, client: FlaskClient) -> None:
    with app.app_context():
        author = make_user()
        region = region_by_code("5515")
        for n in range(25):
            start_thread(
                region=region,
                author=author,
                title=f"Logeren deel {n:02d}",
                kind="ervaring",
                themes=["logeren"],
                body="Logeren.",
            )
        db.session.commit()
    login(client, people.parent)
    first = search_page(client, q="logeren")
    second = search_page(client, q="logeren", pagina=2)
    assert "25 resultaten" in first
    assert "Pagina 1 van 2" in first
    assert len(titles(first)) == 20
    assert len(titles(second)) == 5
    assert not set(titles(first)) & set(titles(second))
    # An old link past the last page shows the last page.
    beyond = search_page(client, q="logeren", pagina=7)
    assert "Pagina 2 van 2" in beyond
    assert titles(beyond) == titles(second)


def test_a_page_of_results_costs_the_same_queries_for_1_or_21_matches_of_each_kind(
    app: Flask, people: People, client: FlaskClient, query_counter: Any
) -> None:
    def add(n: int) -> None:
        with app.app_context():
            region = region_by_code("5515")
            author, host = make_user(), make_user(host_of="5515")
            for i in range(n):
                made = start_thread(
                    region=region,
                    author=author,
                    title=f"Tillift {i}",
                    kind="vraag",
                    themes=["hulpmiddelen"],
                    body="Welke tillift?",
                )
                reply_to(thread=made, author=host, body="Een tillift van de gemeente.")
                create_item(
                    region=region,
                    author=host,
                    title=f"Tillift regelen {i}",
                    description="Tillift",
                    themes=["hulpmiddelen"],
                )
            db.session.commit()
            add_place(f"Tillift huis {n}", offers=())

    def measure(**args: str) -> int:
        with query_counter() as counted:
            search_page(client, q="tillift", **args)
        return counted.count

    login(client, people.parent)
    add(1)
    scopes = ({"in": "onderwerpen"}, {"in": "actiepunten"}, {"in": "aanbod"})
    small = [measure(**scope) for scope in scopes]
    everything = measure()  # a page with posts, action items and places
    add(20)
    assert [measure(**scope) for scope in scopes] == small
    # One query per kind of result on the page, never one per result.
    assert measure() <= everything == 6


def test_reindex_builds_the_sqlite_index_anew(
    app: Flask, people: People, client: FlaskClient, runner: Any
) -> None:
    with app.app_context():
        thread("Over logeren", "Logeren werkt goed.")
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text("DELETE FROM search_fts"))
            db.session.commit()
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    login(client, people.parent)
    assert titles(search_page(client, q="logeren")) == ["Over logeren"]


@pytest.mark.postgres
def test_postgresql_answers_from_the_gin_indexes(app: Flask, regions: None) -> None:
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the GIN indexes are PostgreSQL's; SQLite searches its FTS5 table")

        db.session.execute(text("SET enable_seqscan = off"))
        for searched, vector, index in (
            (Post, POST_VECTOR, "ix_search_posts"),
            (Thread, THREAD_TITLE_VECTOR, "ix_search_threads"),
            (ActionItem, ACTION_ITEM_VECTOR, "ix_search_action_items"),
            (Place, PLACE_VECTOR, "ix_search_places"),
        ):
            query = (
                select(literal_column("1"))
                .select_from(searched)
                .where(
                    vector.bool_op("@@")(func.plainto_tsquery(literal_column("'dutch'"), "logeren"))
                )
            )
            compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
            plan = "\n".join(db.session.execute(text(f"EXPLAIN {compiled}")).scalars())
            assert index in plan, plan


def test_a_very_common_word_ranks_only_the_newest_matches_and_says_so(
    app: Flask, people: People, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leerplatform.search import services as search_services

    monkeypatch.setattr(search_services, "CANDIDATES", 3)
    with app.app_context():
        author, region = make_user(), region_by_code("5515")
        for n in range(5):
            start_thread(
                region=region,
                author=author,
                title=f"Onderwerp {n}",
                kind="ervaring",
                themes=["logeren"],
                body="Over de tillift.",
            )
        db.session.commit()
    login(client, people.parent)
    page = search_page(client, q="tillift")
    assert "Meer dan 3 resultaten" in page
    assert sorted(titles(page)) == ["Onderwerp 2", "Onderwerp 3", "Onderwerp 4"]
    assert "0 resultaten" in search_page(client, q="tillift", regio="5501")
