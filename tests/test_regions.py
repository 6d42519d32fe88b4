"""Reference data, the region pages, joining and leaving."""

from __future__ import annotations

import csv

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from leerplatform.extensions import db
from leerplatform.regions.models import Municipality, Region, RegionMembership
from leerplatform.regions.services import (
    MUNICIPALITIES_CSV,
    REGIONS_CSV,
    import_reference_data,
    region_by_code,
    region_for_municipality,
)
from tests.conftest import Auth, post_form
from tests.factories import make_user


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_import_makes_31_regions_the_national_space_and_all_municipalities(
    runner: FlaskCliRunner, app: Flask
) -> None:
    result = runner.invoke(args=["regions", "import"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert count(Region) == 32
        regional = db.session.scalar(
            select(func.count()).select_from(Region).where(Region.is_national.is_(False))
        )
        assert regional == 31
        assert region_by_code("landelijk").is_national
        with MUNICIPALITIES_CSV.open(encoding="utf-8") as handle:
            assert count(Municipality) == sum(1 for _ in csv.DictReader(handle)) == 355


def test_import_is_idempotent_and_updates_a_changed_zorgkantoor(
    runner: FlaskCliRunner, app: Flask
) -> None:
    runner.invoke(args=["regions", "import"])
    second = runner.invoke(args=["regions", "import"])
    assert "niets veranderd" in second.output
    with app.app_context():
        region = region_by_code("5515")
        region.zorgkantoor = "Oude naam"
        db.session.commit()
    third = runner.invoke(args=["regions", "import"])
    assert "1 bijgewerkt" in third.output
    with app.app_context():
        assert region_by_code("5515").zorgkantoor == "Zilveren Kruis"
        assert count(Region) == 32


def test_municipality_leads_to_its_region(app: Flask, regions: None) -> None:
    expected = {"0363": "5515", "0599": "5521", "0014": "5501", "0935": "5531"}
    with app.app_context():
        for cbs_code, region_code in expected.items():
            assert region_for_municipality(cbs_code).code == region_code
        assert region_for_municipality("9999") is None


def test_every_municipality_in_the_data_points_at_a_known_region() -> None:
    with REGIONS_CSV.open(encoding="utf-8") as handle:
        codes = {row["code"] for row in csv.DictReader(handle)}
    with MUNICIPALITIES_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(codes) == 31
    assert {row["regio_code"] for row in rows} <= codes
    assert len({row["cbs_code"] for row in rows}) == len(rows)


def test_region_list_shows_every_region_with_its_zorgkantoor(
    client: FlaskClient, regions: None
) -> None:
    page = client.get("/regios").get_data(as_text=True)
    assert page.count('class="lp-card"') == 31
    assert "Amsterdam" in page
    assert "Zorg en Zekerheid" in page


def test_region_page_shows_name_zorgkantoor_and_hosts(
    app: Flask, client: FlaskClient, regions: None
) -> None:
    with app.app_context():
        make_user(display_name="Gastvrouw Amsterdam", host_of="5515")
    page = client.get("/regio/5515").get_data(as_text=True)
    assert "Amsterdam" in page
    assert "Zilveren Kruis" in page
    assert "Gastvrouw Amsterdam" in page


def test_national_space_has_its_own_address(client: FlaskClient, regions: None) -> None:
    assert client.get("/landelijk").status_code == 200
    assert client.get("/regio/landelijk").headers["Location"] == "/landelijk"
    assert client.get("/regio/9999").status_code == 404


def test_join_and_leave_a_region(
    app: Flask, client: FlaskClient, auth: Auth, regions: None
) -> None:
    with app.app_context():
        user = make_user()
        user_id, email = user.id, user.email
    auth.login(email)
    response = post_form(client, "/regio/5513/lid-worden", {}, token_page="/regio/5513")
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Kennemerland" in home
    post_form(client, "/regio/5513/verlaten", {}, token_page="/regio/5513")
    with app.app_context():
        regions_of_user = set(
            db.session.scalars(
                select(RegionMembership.region_id).where(RegionMembership.user_id == user_id)
            )
        )
        assert regions_of_user == {region_by_code("5515").id}


def test_the_home_region_cannot_be_left(
    app: Flask, client: FlaskClient, auth: Auth, regions: None
) -> None:
    with app.app_context():
        email = make_user().email
    auth.login(email)
    response = post_form(client, "/regio/5515/verlaten", {}, token_page="/regio/5515")
    assert response.status_code == 403


def test_joining_needs_an_account_and_a_csrf_token(client: FlaskClient, regions: None) -> None:
    assert client.post("/regio/5513/lid-worden").status_code in (302, 400)
    anonymous = post_form(client, "/regio/5513/lid-worden", {}, token_page="/regio/5513")
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/inloggen")


def test_region_pages_take_a_fixed_number_of_queries(
    app: Flask, client: FlaskClient, regions: None, query_counter
) -> None:
    with app.app_context():
        for n in range(3):
            make_user(host_of=["5515", "5513", "5501"][n])
    with query_counter() as few:
        client.get("/regios")
    with app.app_context():
        for n in range(6):
            make_user(host_of=["5502", "5503", "5504", "5505", "5506", "5507"][n])
    with query_counter() as more:
        client.get("/regios")
    assert few.count == more.count <= 4


def test_import_twice_in_one_transaction_adds_nothing(app: Flask, regions: None) -> None:
    with app.app_context():
        report = import_reference_data()
        assert not report.changed
