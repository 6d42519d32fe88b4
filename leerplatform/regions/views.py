"""The regional spaces and the national space; joining and leaving them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from leerplatform.accounts.forms import ConfirmForm
from leerplatform.clock import utcnow
from leerplatform.extensions import db
from leerplatform.forum.forms import RegionSettingsForm
from leerplatform.forum.models import THEME_LABELS, THREAD_KIND_LABELS
from leerplatform.forum.services import (
    Recommended,
    ThreadFilter,
    recommended_nationally,
    set_members_only,
    thread_listing,
)
from leerplatform.permissions import (
    can_join_region,
    can_leave_region,
    can_manage_region,
    can_read_region,
    require,
)
from leerplatform.regions.models import NATIONAL_CODE, Region
from leerplatform.regions.services import (
    RegionPage,
    all_regions,
    join_region,
    leave_region,
    readable_region_ids,
    region_by_code,
    region_page,
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
    return _show(code)


@bp.route("/landelijk")
def national() -> str:
    return _show(NATIONAL_CODE)


def _show(code: str) -> str:
    """A space: who hosts it and, for those who may read it, its threads."""
    page: RegionPage | None = region_page(code, current_user, utcnow())
    if page is None:
        abort(404)
    region = page.region
    readable = can_read_region(current_user, region)
    thread_filter = ThreadFilter.from_args(
        request.args.get("soort"), request.args.get("thema"), request.args.get("sorteer")
    )
    if not readable:
        recommended: tuple[Recommended, ...] = ()
    elif region.is_national:
        recommended = tuple(recommended_nationally(readable_region_ids(current_user)))
    else:
        recommended = page.recommended
    return render_template(
        "regions/show.html",
        region=region,
        municipalities=() if region.is_national else page.municipalities,
        readable=readable,
        thread_filter=thread_filter,
        threads=(
            thread_listing(
                region=region,
                thread_filter=thread_filter,
                page=request.args.get("pagina", 1, type=int),
            )
            if readable
            else None
        ),
        # Tuples: the page remembers its parts under what they show.
        recommended=recommended,
        follow=page.follow if readable else None,
        next_meeting=page.next_meeting if readable else None,
        past_meetings=page.past_meetings if readable else (),
        kind_labels=THREAD_KIND_LABELS,
        theme_labels=THEME_LABELS,
        settings_form=(
            RegionSettingsForm(formdata=None, members_only=region.members_only)
            if can_manage_region(current_user, region)
            else None
        ),
    )


@bp.post("/regio/<code>/instellingen")
@login_required
def settings(code: str) -> Response:
    region = load_region(code)
    require(can_manage_region(current_user, region))
    form = RegionSettingsForm()
    if form.validate_on_submit():
        set_members_only(region=region, members_only=form.members_only.data)
        db.session.commit()
        if region.members_only:
            flash(_("%(name)s is now for members only.", name=region.name))
        else:
            flash(_("%(name)s is now open to every participant.", name=region.name))
    return redirect(_region_url(region))


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
