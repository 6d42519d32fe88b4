"""Home, the public statements, the language choice and the health check."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from leerplatform.accounts.forms import ConfirmForm
from leerplatform.accounts.navigation import safe_next
from leerplatform.actions.models import ActionItem
from leerplatform.clock import local_today
from leerplatform.extensions import db
from leerplatform.following.models import Notification
from leerplatform.following.services import followed_action_items, latest_unread
from leerplatform.forum.services import recent_threads
from leerplatform.pages.statements import PRIVACY_STATEMENT_VERSION
from leerplatform.permissions import can_read_region, can_view_action_item
from leerplatform.regions.services import all_regions, national_region

bp = Blueprint("pages", __name__)


@bp.route("/")
def home() -> str:
    my_regions = []
    recent = []
    followed: Sequence[ActionItem] = []
    unread: Sequence[Notification] = []
    if current_user.is_authenticated:
        followed = [
            item
            for item in followed_action_items(current_user)
            if can_view_action_item(current_user, item)
        ]
        unread = [
            n
            for n in latest_unread(current_user)
            if n.region is None or can_read_region(current_user, n.region)
        ]
        my_regions = sorted(
            (m.region for m in current_user.memberships),
            key=lambda r: (r.id != current_user.home_region_id, not r.is_national, r.name),
        )
        recent = recent_threads(
            region_ids=[r.id for r in my_regions if can_read_region(current_user, r)]
        )
    return render_template(
        "pages/home.html",
        my_regions=my_regions,
        recent=recent,
        followed=followed,
        unread=unread,
        today=local_today(),
        regions=all_regions(),
        national=national_region(),
        form=ConfirmForm(),
    )


@bp.route("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for it before reading the page's icon link."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


def _statement(name: str) -> str:
    locale = str(get_locale() or "nl")
    return render_template(
        f"pages/{locale}/{name}.html",
        contact_email=current_app.config["CONTACT_EMAIL"],
        privacy_version=PRIVACY_STATEMENT_VERSION,
    )


@bp.route("/privacy")
def privacy() -> str:
    return _statement("privacy")


@bp.route("/toegankelijkheid")
def accessibility() -> str:
    return _statement("toegankelijkheid")


@bp.route("/woordenlijst")
def glossary() -> str:
    return _statement("woordenlijst")


@bp.route("/huisregels")
def house_rules() -> str:
    return _statement("huisregels")


@bp.post("/taal")
def set_locale() -> Response:
    """Remember the chosen language in the session; no account needed."""
    form = ConfirmForm()
    choice = request.form.get("locale", "")
    if form.validate_on_submit() and choice in current_app.config["LANGUAGES"]:
        session["locale"] = choice
    return redirect(safe_next(request.form.get("next")) or url_for("pages.home"))


@bp.route("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        # No rollback here: on a dead connection that fails too; the teardown ends the session.
        return {"status": "database unavailable"}, 503
    return {"status": "ok"}, 200
