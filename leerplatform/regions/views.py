"""The regional spaces and the national space; joining and leaving them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from leerplatform.accounts.forms import ConfirmForm
from leerplatform.extensions import db
from leerplatform.permissions import can_join_region, can_leave_region, require
from leerplatform.regions.models import NATIONAL_CODE, Region
from leerplatform.regions.services import (
    all_regions,
    join_region,
    leave_region,
    municipalities_of,
    region_by_code,
)

bp = Blueprint("regions", __name__)


def load_region(code: str) -> Region:
    region = region_by_code(code)
    if region is None:
        abort(404)
    return region


@bp.route("/regios")
def index() -> str:
    return render_template("regions/index.html", regions=all_regions(), form=ConfirmForm())


@bp.route("/regio/<code>")
def show(code: str) -> str | Response:
    if code == NATIONAL_CODE:
        return redirect(url_for("regions.national"), code=301)
    region = load_region(code)
    return render_template(
        "regions/show.html",
        region=region,
        municipalities=municipalities_of(region),
        form=ConfirmForm(),
    )


@bp.route("/landelijk")
def national() -> str:
    region = load_region(NATIONAL_CODE)
    return render_template(
        "regions/show.html", region=region, municipalities=[], form=ConfirmForm()
    )


def _region_url(region: Region) -> str:
    if region.is_national:
        return url_for("regions.national")
    return url_for("regions.show", code=region.code)


@bp.post("/regio/<code>/lid-worden")
@login_required
def join(code: str) -> Response:
    region = load_region(code)
    require(can_join_region(current_user, region))
    if ConfirmForm().validate_on_submit():
        join_region(user=current_user, region=region)
        db.session.commit()
        flash(_("%(name)s is now one of your regions.", name=region.name))
    return redirect(_region_url(region))


@bp.post("/regio/<code>/verlaten")
@login_required
def leave(code: str) -> Response:
    region = load_region(code)
    require(can_leave_region(current_user, region))
    if ConfirmForm().validate_on_submit():
        leave_region(user=current_user, region=region)
        db.session.commit()
        flash(_("%(name)s is no longer one of your regions.", name=region.name))
    return redirect(_region_url(region))
