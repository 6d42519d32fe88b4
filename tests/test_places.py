"""The aanbod directory: browsing, proposing, approving and importing places."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from leerplatform.extensions import db
from leerplatform.places.models import AgeGroup, Offer, Place, PlaceKind, PlaceOffer, PlaceStatus
from leerplatform.places.services import PlaceDetails, is_web_address, propose_place
from leerplatform.regions.services import region_by_code
from tests.conftest import Auth, post_form
from tests.factories import make_user


def add_place(
    name: str,
    *,
    region_code: str = "5515",
    kind: PlaceKind = PlaceKind.LOGEREN,
    age_group: AgeGroup = AgeGroup.KINDEREN,
    approved: bool = True,
    offers: tuple[Offer, ...] = (Offer.NACHTZORG, Offer.TILLIFT),
    proposed_by: Any = None,
) -> int:
    """A place, committed; returns its id. Needs an app context and the regions fixture."""
    region = region_by_code(region_code)
    assert region is not None
    place = propose_place(
        details=PlaceDetails(
            name=name,
            kind=kind,
            provider="Stichting Voorbeeld",
            region=region,
            municipality=None,
            age_group=age_group,
            offers=offers,
            website="https://voorbeeld.example/",
        ),
        proposed_by=proposed_by,
    )
    if approved:
        place.status = PlaceStatus.GOEDGEKEURD.value
    db.session.commit()
    return place.id


def place_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Place)) or 0


def test_the_directory_shows_approved_places_and_filters_them(
    app: Flask, regions: None, client: FlaskClient
) -> None:
    with app.app_context():
        add_place("Logeerhuis Amstel")
        add_place("Dagcentrum Haarlem", region_code="5513", kind=PlaceKind.DAGBESTEDING)
        add_place("Woonhuis Volwassen", age_group=AgeGroup.VOLWASSENEN, kind=PlaceKind.WONEN)
        add_place("Logeren voor iedereen", age_group=AgeGroup.ALLE_LEEFTIJDEN)
        add_place("Nog niet goedgekeurd", approved=False)

    page = client.get("/aanbod").get_data(as_text=True)
    assert "Logeerhuis Amstel" in page
    assert "Dagcentrum Haarlem" in page
    assert "Nog niet goedgekeurd" not in page
    assert "4 plekken gevonden" in page
    assert "Nachtzorg" in page
    assert 'href="/aanbod"' in client.get("/").get_data(as_text=True)

    by_region = client.get("/aanbod?regio=5513").get_data(as_text=True)
    assert "Dagcentrum Haarlem" in by_region
    assert "Logeerhuis Amstel" not in by_region

    by_kind = client.get("/aanbod?soort=wonen").get_data(as_text=True)
    assert "Woonhuis Volwassen" in by_kind
    assert "Logeerhuis Amstel" not in by_kind

    # A place for all ages is also a place for children.
    by_age = client.get("/aanbod?leeftijd=kinderen").get_data(as_text=True)
    assert "Logeerhuis Amstel" in by_age
    assert "Logeren voor iedereen" in by_age
    assert "Woonhuis Volwassen" not in by_age

    # Unknown filter values are ignored, not an error.
    assert client.get("/aanbod?soort=kasteel&leeftijd=oud&regio=9999").status_code == 200


def test_a_proposed_place_is_hidden_from_others(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    with app.app_context():
        place_id = add_place("Geheim voorstel", approved=False)
        make_user(email="lezer@example.nl")
    assert client.get(f"/aanbod/{place_id}").status_code == 403
    auth.login("lezer@example.nl")
    assert client.get(f"/aanbod/{place_id}").status_code == 403
    assert client.get("/aanbod/999999").status_code == 404


def test_paging_25_a_page(app: Flask, regions: None, client: FlaskClient) -> None:
    with app.app_context():
        for n in range(30):
            add_place(f"Plek {n:02d}")
    first = client.get("/aanbod").get_data(as_text=True)
    assert "Plek 00" in first
    assert "Plek 24" in first
    assert "Plek 25" not in first
    assert "Pagina 1 van 2" in first
    second = client.get("/aanbod?pagina=2").get_data(as_text=True)
    assert "Plek 25" in second
    assert "Plek 29" in second
    assert "Plek 00" not in second


def test_the_directory_runs_the_same_number_of_queries_for_3_and_100_places(
    app: Flask, regions: None, client: FlaskClient, auth: Auth, query_counter: Any
) -> None:
    with app.app_context():
        make_user(email="ouder@example.nl")

    def measure() -> dict[str, int]:
        counts = {}
        for address in ("/aanbod", "/aanbod?regio=5515&soort=logeren&leeftijd=kinderen"):
            with query_counter() as counted:
                response = client.get(address)
            assert response.status_code == 200
            counts[address] = counted.count
        return counts

    with app.app_context():
        for n in range(3):
            add_place(f"Plek {n:03d}")
    few = measure()
    with app.app_context():
        for n in range(3, 100):
            add_place(f"Plek {n:03d}", region_code="5515" if n % 2 else "5513")
    many = measure()
    assert few == many
    assert few["/aanbod"] <= 6, few

    auth.login("ouder@example.nl")
    assert measure() == measure()


def test_proposing_with_bad_input_says_what_is_wrong_and_keeps_what_was_typed(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    with app.app_context():
        make_user(email="ouder@example.nl")
        amsterdam = region_by_code("5515")
        assert amsterdam is not None
        region_id = amsterdam.id
    auth.login("ouder@example.nl")
    response = post_form(
        client,
        "/aanbod/voorstellen",
        {
            "name": "",
            "kind": "logeren",
            "provider": "Stichting Mijn Getypte Aanbieder",
            "region": str(region_id),
            "municipality": "0",
            "age_group": "kinderen",
            "website": "javascript:alert(1)",
            "description": "Mijn uitleg die niet verloren mag gaan.",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Er zijn 2 fouten in het formulier" in page
    assert 'href="#name"' in page
    assert 'href="#website"' in page
    assert 'id="name-error"' in page
    assert "Vul de naam van de plek in." in page
    assert "Schrijf het hele adres van de website, dat begint met https:// of http://." in page
    assert 'value="Stichting Mijn Getypte Aanbieder"' in page
    assert "Mijn uitleg die niet verloren mag gaan." in page
    with app.app_context():
        assert place_count() == 0


def test_a_participant_proposes_a_place_and_it_waits_for_approval(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    with app.app_context():
        make_user(email="ouder@example.nl")
        region_id = region_by_code("5515").id  # type: ignore[union-attr]
    auth.login("ouder@example.nl")
    response = post_form(
        client,
        "/aanbod/voorstellen",
        {
            "name": "Logeerhuis Nieuw",
            "kind": "logeren",
            "provider": "Stichting Nieuw",
            "region": str(region_id),
            "municipality": "0",
            "age_group": "kinderen",
            "offers": ["nachtzorg", "sondevoeding"],
            "website": "https://nieuw.example/",
            "description": "<b>Gewone</b> tekst",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        place = db.session.scalars(select(Place)).one()
        assert place.status == PlaceStatus.VOORGESTELD
        assert {o.value for o in place.offers} == {"nachtzorg", "sondevoeding"}
        place_id = place.id
    own = client.get(f"/aanbod/{place_id}").get_data(as_text=True)
    assert "wacht op goedkeuring" in own
    assert "&lt;b&gt;Gewone&lt;/b&gt; tekst" in own
    assert "Logeerhuis Nieuw" not in client.get("/aanbod").get_data(as_text=True)


def test_an_unverified_participant_cannot_propose(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    with app.app_context():
        make_user(email="nieuw@example.nl", verified=False)
    auth.login("nieuw@example.nl")
    assert client.get("/aanbod/voorstellen").status_code == 403


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("participant", False),
        ("host_elsewhere", False),
        ("host", True),
        ("admin", True),
    ],
)
def test_who_may_approve_a_proposed_place(
    app: Flask, regions: None, client: FlaskClient, auth: Auth, who: str, allowed: bool
) -> None:
    with app.app_context():
        proposer = make_user(email="aanbieder@example.nl")
        place_id = add_place("Voorstel Amsterdam", approved=False, proposed_by=proposer)
        overrides: dict[str, Any] = {
            "participant": {},
            "host_elsewhere": {"host_of": "5513"},
            "host": {"host_of": "5515"},
            "admin": {"is_admin": True},
        }[who]
        make_user(email="beslisser@example.nl", **overrides)
    auth.login("beslisser@example.nl")
    review = client.get("/aanbod/voorstellen/beoordelen")
    if who == "participant":
        assert review.status_code == 403
    else:
        assert review.status_code == 200
        assert ("Voorstel Amsterdam" in review.get_data(as_text=True)) is allowed
    response = post_form(client, f"/aanbod/{place_id}/goedkeuren", {}, token_page="/aanbod")
    assert response.status_code == (302 if allowed else 403)
    with app.app_context():
        place = db.session.get(Place, place_id)
        assert place is not None
        assert (place.status == PlaceStatus.GOEDGEKEURD) is allowed
    if allowed:
        assert "Voorstel Amsterdam" in client.get("/aanbod").get_data(as_text=True)


def test_a_host_declines_a_proposal(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    with app.app_context():
        place_id = add_place("Afgewezen voorstel", approved=False)
        make_user(email="gastheer@example.nl", host_of="5515")
    auth.login("gastheer@example.nl")
    response = post_form(client, f"/aanbod/{place_id}/afwijzen", {}, token_page="/aanbod")
    assert response.status_code == 302
    with app.app_context():
        assert place_count() == 0
        assert db.session.scalar(select(func.count()).select_from(PlaceOffer)) == 0


def test_an_approved_place_is_changed_by_its_hosts_and_not_taken_out_by_others(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    from leerplatform.accounts.models import ParticipantKind

    with app.app_context():
        place_id = add_place("Logeerhuis Oud")
        make_user(email="aanbieder@example.nl", participant_kind=ParticipantKind.ZORGAANBIEDER)
        make_user(email="ouder@example.nl")
        make_user(email="gastheer@example.nl", host_of="5515")
        region_id = region_by_code("5515").id  # type: ignore[union-attr]
    form = {
        "name": "Logeerhuis Nieuw",
        "kind": "logeren",
        "provider": "Stichting Voorbeeld",
        "region": str(region_id),
        "municipality": "0",
        "age_group": "kinderen",
        "website": "https://voorbeeld.example/",
        "description": "",
    }
    auth.login("ouder@example.nl")
    assert client.get(f"/aanbod/{place_id}/wijzigen").status_code == 403
    auth.logout()

    auth.login("aanbieder@example.nl")
    # Someone else's edit would take an approved place out of the list until it is approved
    # again, and declining it would remove the place: only its hosts change it.
    assert client.get(f"/aanbod/{place_id}/wijzigen").status_code == 403
    assert (
        post_form(client, f"/aanbod/{place_id}/wijzigen", form, token_page="/aanbod").status_code
        == 403
    )
    with app.app_context():
        place = db.session.get(Place, place_id)
        assert place is not None
        assert place.name == "Logeerhuis Oud"
        assert place.status == PlaceStatus.GOEDGEKEURD
    auth.logout()

    auth.login("gastheer@example.nl")
    form["name"] = "Logeerhuis Gastheer"
    assert post_form(client, f"/aanbod/{place_id}/wijzigen", form).status_code == 302
    with app.app_context():
        place = db.session.get(Place, place_id)
        assert place is not None
        assert place.name == "Logeerhuis Gastheer"
        assert place.status == PlaceStatus.GOEDGEKEURD


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://voorbeeld.example/", True),
        ("http://voorbeeld.example/pad?x=1", True),
        ("javascript:alert(1)", False),
        ("ftp://voorbeeld.example/", False),
        ("voorbeeld.example", False),
        ("https://", False),
        ("data:text/html,hoi", False),
    ],
)
def test_only_http_and_https_websites_are_accepted(url: str, ok: bool) -> None:
    assert is_web_address(url) is ok


HEADER = "name;kind;provider;region_code;municipality;age_group;offers;website;description\n"


def write_csv(tmp_path: Path, lines: list[str]) -> str:
    path = tmp_path / "aanbod.csv"
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return str(path)


def test_importing_a_good_file_twice_changes_nothing_the_second_time(
    app: Flask, regions: None, runner: FlaskCliRunner, client: FlaskClient, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path,
        [
            "Logeerhuis Een;logeren;Stichting Een;5515;Amsterdam;kinderen;nachtzorg, tillift;"
            "https://een.example/;Logeren in het weekend.",
            "Dagcentrum Twee;dagbesteding;Stichting Twee;5513;;volwassenen;;;",
        ],
    )
    first = runner.invoke(args=["aanbod", "import", path])
    assert first.exit_code == 0, first.output
    assert "2 nieuw, 0 bijgewerkt" in first.output
    second = runner.invoke(args=["aanbod", "import", path])
    assert second.exit_code == 0, second.output
    assert "0 nieuw, 2 bijgewerkt" in second.output
    with app.app_context():
        assert place_count() == 2
        place = db.session.scalars(select(Place).where(Place.name == "Logeerhuis Een")).one()
        assert place.status == PlaceStatus.GOEDGEKEURD
        assert place.municipality is not None
        assert place.municipality.name == "Amsterdam"
        assert {o.value for o in place.offers} == {"nachtzorg", "tillift"}
    assert "Logeerhuis Een" in client.get("/aanbod").get_data(as_text=True)


def test_a_file_with_bad_lines_imports_nothing_and_names_each_bad_line(
    app: Flask, regions: None, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path,
        [
            "Goede plek;logeren;Stichting Goed;5515;Amsterdam;kinderen;nachtzorg;;",
            ";logeren;Stichting Zonder Naam;5515;;kinderen;;;",
            "Kasteel;kasteel;Stichting;9999;;kinderen;;;",
            "Verkeerde gemeente;wonen;Stichting;5513;Amsterdam;volwassenen;;;",
            "Gek aanbod;wonen;Stichting;5515;;oud;zwembad;javascript:alert(1);",
            "Goede plek;logeren;Stichting Goed;5515;;kinderen;;;",
        ],
    )
    result = runner.invoke(args=["aanbod", "import", path])
    assert result.exit_code == 1
    output = result.output
    assert "er is niets ingelezen" in output
    assert "regel 2:" not in output
    assert "regel 3: naam ontbreekt" in output
    assert "regel 4: soort 'kasteel' bestaat niet" in output
    assert "regiocode '9999' bestaat niet" in output
    assert "regel 5: gemeente 'Amsterdam' hoort niet bij deze regio" in output
    assert "regel 6: leeftijdsgroep 'oud' bestaat niet" in output
    assert "aanbod 'zwembad' bestaat niet" in output
    assert "website 'javascript:alert(1)' begint niet met http:// of https://" in output
    assert "regel 7: dezelfde plek staat al op regel 2" in output
    with app.app_context():
        assert place_count() == 0


def test_a_file_without_the_right_columns_is_refused(
    app: Flask, regions: None, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "fout.csv"
    path.write_text("naam,soort\nIets,logeren\n", encoding="utf-8")
    result = runner.invoke(args=["aanbod", "import", str(path)])
    assert result.exit_code == 1
    assert "regel 1: kolommen ontbreken" in result.output


def test_demo_places_span_the_regions_and_load_once(app: Flask, regions: None) -> None:
    from leerplatform.demo.places import load_places_demo

    with app.app_context():
        made = load_places_demo()
        db.session.commit()
        assert made >= 30
        assert load_places_demo() == 0
        places = db.session.scalars(select(Place)).all()
        assert len(places) == made
        assert all(p.is_demo and p.status == PlaceStatus.GOEDGEKEURD for p in places)
        assert len({p.region_id for p in places}) >= 25
        assert {p.kind for p in places} == {kind.value for kind in PlaceKind}
        assert all(p.municipality is not None for p in places)
        assert all(is_web_address(p.website) for p in places)


def test_demo_conversations_about_places_load_once_and_show_on_the_place(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    from leerplatform.demo.places import PLACE_STORIES, load_place_stories
    from leerplatform.demo.services import load_demo
    from leerplatform.forum.models import Thread

    with app.app_context():
        load_demo()
        db.session.commit()
        assert load_place_stories() == 0
        about = db.session.scalars(select(Thread).where(Thread.place_id.isnot(None))).all()
        assert len(about) == len(PLACE_STORIES)
        assert all(thread.region_id == thread.place.region_id for thread in about)
        anker = db.session.scalar(select(Place).where(Place.name == "Dagcentrum Het Anker"))
        assert anker is not None
        anker_id = anker.id
    auth.login("ouder@demo.leerplatform.nl", "demo-leerplatform")
    page = client.get(f"/aanbod/{anker_id}").get_data(as_text=True)
    assert "Drie maanden naar Het Anker" in page
    assert "Een vaste begeleider per deelnemer" in page
    found = client.get("/zoeken", query_string={"q": "dagcentra"}).get_data(as_text=True)
    assert "Een vaste begeleider per deelnemer werkt bij Het Anker" in found


# A conversation about a place: chosen when writing, listed on the place's page.


def test_a_thread_about_a_place_is_linked_both_ways(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    with app.app_context():
        make_user(email="schrijver@example.nl")
        vlinder = add_place("Logeerhuis De Vlinder")
        add_place("Nog niet goedgekeurd", approved=False)
        add_place("Elders", region_code="5501")
    auth.login("schrijver@example.nl")
    place_page = client.get(f"/aanbod/{vlinder}").get_data(as_text=True)
    assert "Nog niemand heeft een ervaring met deze plek gedeeld." in place_page
    assert f'href="/regio/5515/nieuw?plek={vlinder}"' in place_page
    form = client.get(f"/regio/5515/nieuw?plek={vlinder}").get_data(as_text=True)
    assert "Gaat het over een plek uit het aanbod?" in form
    assert f'<option selected value="{vlinder}">Logeerhuis De Vlinder</option>' in form
    assert "Nog niet goedgekeurd" not in form
    assert "Elders" not in form
    response = post_form(
        client,
        "/regio/5515/nieuw",
        {
            "title": "Eerste keer logeren",
            "kind": "ervaring",
            "themes": ["logeren"],
            "place": str(vlinder),
            "body": "Het ging goed, de nachtzorg was fijn.",
        },
    )
    assert response.status_code == 302
    thread_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Over de plek" in thread_page
    assert f'href="/aanbod/{vlinder}">Logeerhuis De Vlinder</a>' in thread_page
    place_page = client.get(f"/aanbod/{vlinder}").get_data(as_text=True)
    assert "Eerste keer logeren" in place_page


def test_a_place_of_another_region_cannot_be_chosen_and_nothing_typed_is_lost(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    with app.app_context():
        make_user(email="schrijver@example.nl")
        add_place("Logeerhuis De Vlinder")
        elders = add_place("Elders", region_code="5501")
    auth.login("schrijver@example.nl")
    response = post_form(
        client,
        "/regio/5515/nieuw",
        {
            "title": "Eerste keer logeren",
            "kind": "ervaring",
            "themes": ["logeren"],
            "place": str(elders),
            "body": "Mijn verhaal dat ik niet kwijt wil.",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "lp-error-summary" in page
    assert "Mijn verhaal dat ik niet kwijt wil." in page
    with app.app_context():
        from leerplatform.forum.models import Thread

        assert db.session.scalar(select(func.count()).select_from(Thread)) == 0


def test_a_national_thread_has_no_place_to_choose(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    with app.app_context():
        make_user(email="schrijver@example.nl")
        add_place("Logeerhuis De Vlinder")
    auth.login("schrijver@example.nl")
    page = client.get("/landelijk/nieuw").get_data(as_text=True)
    assert "Gaat het over een plek" not in page


def test_a_place_page_shows_only_the_conversations_the_reader_may_read(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    from leerplatform.forum.services import start_thread

    with app.app_context():
        make_user(email="lezer@example.nl")
        writer = make_user(region_code="5501")
        vlinder = add_place("Logeerhuis De Vlinder")
        place = db.session.get(Place, vlinder)
        for code, title in (("5515", "Open gesprek"), ("5501", "Besloten gesprek")):
            start_thread(
                region=region_by_code(code),
                author=writer,
                title=title,
                kind="ervaring",
                themes=["logeren"],
                body="Over De Vlinder.",
                place=place,
            )
        region_by_code("5501").members_only = True
        db.session.commit()
    visitor_page = client.get(f"/aanbod/{vlinder}").get_data(as_text=True)
    assert "Log in om dat te lezen" in visitor_page
    assert "Open gesprek" not in visitor_page
    auth.login("lezer@example.nl")
    page = client.get(f"/aanbod/{vlinder}").get_data(as_text=True)
    assert "Open gesprek" in page
    assert "Besloten gesprek" not in page


def test_a_place_page_runs_the_same_queries_for_1_or_20_conversations(
    app: Flask, regions: None, client: FlaskClient, auth: Auth, query_counter: Any
) -> None:
    from leerplatform.forum.services import start_thread

    with app.app_context():
        make_user(email="lezer@example.nl")
        vlinder = add_place("Logeerhuis De Vlinder")

    def add(n: int) -> None:
        with app.app_context():
            place = db.session.get(Place, vlinder)
            writer = make_user()
            for i in range(n):
                start_thread(
                    region=region_by_code("5515"),
                    author=writer,
                    title=f"Ervaring {i}",
                    kind="ervaring",
                    themes=["logeren", "wonen"],
                    body="Over De Vlinder.",
                    place=place,
                )
            db.session.commit()

    def measure() -> int:
        with query_counter() as counted:
            assert client.get(f"/aanbod/{vlinder}").status_code == 200
        return counted.count

    auth.login("lezer@example.nl")
    add(1)
    few = measure()
    add(19)
    assert measure() == few
