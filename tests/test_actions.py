"""Action items through the pages: a host makes one of a bottleneck, people follow it to the end."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from leerplatform.actions.models import ActionItem, ActionItemUpdate, ActionProposal
from leerplatform.extensions import db
from leerplatform.forum import services as forum
from leerplatform.regions.services import region_by_code
from tests.conftest import Auth, csrf_token, post_form
from tests.factories import make_user

HOST = "gastvrouw@example.nl"
PARENT = "ouder@example.nl"


def _world(app: Flask) -> int:
    """A host of Amsterdam, a parent, and the parent's bottleneck; returns the thread id."""
    with app.app_context():
        make_user(email=HOST, display_name="Gastvrouw Amsterdam", host_of="5515")
        parent = make_user(email=PARENT, display_name="Moeder van Bram")
        thread = forum.start_thread(
            region=region_by_code("5515"),
            author=parent,
            title="Geen logeerplek met nachtzorg",
            kind="knelpunt",
            themes=["logeren"],
            body="Er is in de hele regio **geen** logeerplek met wakkere nachtdienst.",
        )
        db.session.commit()
        return thread.id


def _item_id(response_location: str) -> int:
    match = re.search(r"/actiepunt/(\d+)", response_location)
    assert match, response_location
    return int(match.group(1))


def test_a_host_makes_an_action_item_of_a_bottleneck_prefilled_from_it(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    thread_id = _world(app)
    auth.login(HOST)
    page = client.get(f"/onderwerp/{thread_id}").get_data(as_text=True)
    assert f"/onderwerp/{thread_id}/actiepunt" in page

    form = client.get(f"/actiepunt/nieuw?onderwerp={thread_id}").get_data(as_text=True)
    assert 'value="Geen logeerplek met nachtzorg"' in form
    assert "&gt; Er is in de hele regio **geen** logeerplek" in form

    token = csrf_token(client, f"/actiepunt/nieuw?onderwerp={thread_id}")
    data = {
        "csrf_token": token,
        "submission_key": "sleutel-1",
        "title": "Logeerplek met nachtzorg in Amsterdam",
        "description": "Twee aanbieders zoeken samen een oplossing.",
        "themes": ["logeren"],
        "owner": "0",
        "target_date": "2027-03-31",
    }
    first = client.post(f"/actiepunt/nieuw?onderwerp={thread_id}", data=data)
    again = client.post(f"/actiepunt/nieuw?onderwerp={thread_id}", data=data)
    assert first.status_code == again.status_code == 302
    item_id = _item_id(first.headers["Location"])
    assert _item_id(again.headers["Location"]) == item_id
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(ActionItem)) == 1

    item_page = client.get(f"/actiepunt/{item_id}").get_data(as_text=True)
    assert "Logeerplek met nachtzorg in Amsterdam" in item_page
    assert "Geen logeerplek met nachtzorg" in item_page  # the linked thread
    assert "31 maart 2027" in item_page
    board = client.get("/regio/5515/actiepunten").get_data(as_text=True)
    assert "Logeerplek met nachtzorg in Amsterdam" in board


def test_bad_input_keeps_what_was_typed_and_says_what_is_wrong(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    _world(app)
    auth.login(HOST)
    response = post_form(
        client,
        "/actiepunt/nieuw?regio=5515",
        {
            "title": "Kort",
            "description": "Mijn lange uitleg die niet verloren mag gaan.",
            "owner": "0",
            "target_date": "31 maart",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "fouten in het formulier" in page
    assert "Kies minstens één thema." in page
    assert "Schrijf een datum als 31-03-2027." in page
    assert "Mijn lange uitleg die niet verloren mag gaan." in page
    assert 'value="31 maart"' in page
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(ActionItem)) == 0


def test_progress_status_and_resolution_read_as_one_timeline_and_show_on_the_thread(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    thread_id = _world(app)
    auth.login(HOST)
    created = post_form(
        client,
        f"/actiepunt/nieuw?onderwerp={thread_id}",
        {
            "title": "Logeerplek met nachtzorg",
            "description": "Samen zoeken.",
            "themes": ["logeren"],
            "owner": "0",
        },
    )
    item_id = _item_id(created.headers["Location"])
    auth.logout()

    auth.login(PARENT)
    update = post_form(
        client,
        f"/actiepunt/{item_id}/voortgang",
        {"body": "Ik heb gebeld met Het Kompas.", "submission_key": "k1"},
        token_page=f"/actiepunt/{item_id}",
    )
    assert update.status_code == 302
    # A parent may not steer the item.
    assert client.get(f"/actiepunt/{item_id}/status").status_code == 403
    auth.logout()

    auth.login(HOST)
    empty = post_form(
        client, f"/actiepunt/{item_id}/status", {"status": "opgelost", "note": "", "version": "1"}
    )
    assert "Schrijf hoe het is opgelost" in empty.get_data(as_text=True)
    with app.app_context():
        version = db.session.get(ActionItem, item_id).version
    done = post_form(
        client,
        f"/actiepunt/{item_id}/status",
        {"status": "opgelost", "note": "Het Kompas opent in maart.", "version": str(version)},
    )
    assert done.status_code == 302
    page = client.get(f"/actiepunt/{item_id}").get_data(as_text=True)
    assert "Het Kompas opent in maart." in page
    assert "Ik heb gebeld met Het Kompas." in page
    assert "van Open naar Opgelost" in page
    with app.app_context():
        kinds = db.session.scalars(
            select(ActionItemUpdate.kind)
            .where(ActionItemUpdate.action_item_id == item_id)
            .order_by(ActionItemUpdate.id)
        ).all()
    assert kinds == ["aangemaakt", "voortgang", "status"]

    thread_page = client.get(f"/onderwerp/{thread_id}").get_data(as_text=True)
    assert "Opgelost" in thread_page
    assert f"/actiepunt/{item_id}" in thread_page


def test_a_participant_proposes_and_the_host_sees_it_on_the_board(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    thread_id = _world(app)
    auth.login(PARENT)
    page = client.get(f"/onderwerp/{thread_id}").get_data(as_text=True)
    assert "Voorstellen als actiepunt" in page
    for _attempt in range(2):
        post_form(
            client,
            f"/onderwerp/{thread_id}/actiepunt",
            {"voorstel-note": "Dit speelt al jaren."},
        )
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(ActionProposal)) == 1
    auth.logout()

    auth.login(HOST)
    board = client.get("/regio/5515/actiepunten").get_data(as_text=True)
    assert "Dit speelt al jaren." in board
    assert "Geen logeerplek met nachtzorg" in board


def test_the_monitor_and_its_csv_load(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    _world(app)
    auth.login(HOST)
    page = client.get("/knelpuntenmonitor")
    assert page.status_code == 200
    assert "<svg" in page.get_data(as_text=True)
    csv = client.get("/knelpuntenmonitor?format=csv")
    assert csv.mimetype == "text/csv"
    assert "Amsterdam" in csv.get_data(as_text=True)


def test_a_thread_from_a_members_only_region_stays_hidden_on_the_item_page(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    from leerplatform.accounts.models import User
    from leerplatform.actions import services as actions

    _world(app)
    with app.app_context():
        closed = region_by_code("5513")
        closed.members_only = True
        insider = make_user(email="binnen@example.nl", region_code="5513")
        secret = forum.start_thread(
            region=closed,
            author=insider,
            title="Besloten knelpunt over vervoer",
            kind="knelpunt",
            themes=["vervoer"],
            body="Alleen voor leden.",
        )
        host = db.session.scalar(select(User).where(User.email == HOST))
        item = actions.create_item(
            region=region_by_code("5515"),
            author=host,
            title="Vervoer in de regio",
            description="Samen oplossen.",
            themes=["vervoer"],
            threads=[secret],
        )
        actions.link_thread(item=item, thread=secret, author=host)
        db.session.commit()
        item_id = item.id

    auth.login(PARENT)
    page = client.get(f"/actiepunt/{item_id}").get_data(as_text=True)
    assert "Besloten knelpunt over vervoer" not in page
    assert "1 gekoppeld onderwerp staat in een besloten regio." in page
    auth.logout()
    auth.login("binnen@example.nl")
    assert "Besloten knelpunt over vervoer" in client.get(f"/actiepunt/{item_id}").get_data(
        as_text=True
    )


def test_threads_from_several_regions_are_linked_through_both_forms(
    app: Flask, regions: None, client: FlaskClient, auth: Auth
) -> None:
    """From a thread, a host picks an existing item; on an item, its owner or a host types the
    number or address of another conversation, also one from another region."""
    thread_id = _world(app)
    with app.app_context():
        from leerplatform.accounts.services import user_by_email
        from leerplatform.actions import services as actions

        gastvrouw = user_by_email(HOST)
        item = actions.create_item(
            region=region_by_code("5515"),
            author=gastvrouw,
            title="Meer logeerplekken met nachtzorg",
            description="Samen met de aanbieders.",
            themes=["logeren"],
        )
        elsewhere = forum.start_thread(
            region=region_by_code("5513"),
            author=make_user(region_code="5513"),
            title="Ook in Kennemerland geen nachtzorg",
            kind="knelpunt",
            themes=["logeren"],
            body="Hier hetzelfde probleem.",
        )
        db.session.commit()
        item_id, elsewhere_id = item.id, elsewhere.id

    auth.login(HOST)
    page = client.get(f"/onderwerp/{thread_id}/actiepunt").get_data(as_text=True)
    assert f"#{item_id} Meer logeerplekken met nachtzorg" in page
    linked = post_form(client, f"/onderwerp/{thread_id}/actiepunt", {"koppel-item": str(item_id)})
    assert linked.status_code == 302
    assert f"/actiepunt/{item_id}" in linked.headers["Location"]

    wrong = post_form(client, f"/actiepunt/{item_id}/koppelen", {"thread": "geen nummer"})
    assert wrong.status_code == 200
    assert "geen nummer" in wrong.get_data(as_text=True)  # what was typed stays
    address = f"http://localhost/onderwerp/{elsewhere_id}"
    by_address = post_form(client, f"/actiepunt/{item_id}/koppelen", {"thread": address})
    assert by_address.status_code == 302

    item_page = client.get(f"/actiepunt/{item_id}").get_data(as_text=True)
    assert "Geen logeerplek met nachtzorg" in item_page
    assert "Ook in Kennemerland geen nachtzorg" in item_page
    with app.app_context():
        from leerplatform.actions.models import ActionItemLink

        links = db.session.scalars(
            select(ActionItemLink.thread_id).where(ActionItemLink.action_item_id == item_id)
        ).all()
        assert sorted(links) == sorted([thread_id, elsewhere_id])
    # Both conversations now point at the item.
    for linked_thread in (thread_id, elsewhere_id):
        assert f"/actiepunt/{item_id}" in client.get(f"/onderwerp/{linked_thread}").get_data(
            as_text=True
        )
