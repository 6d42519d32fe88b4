"""The aanbod directory: browse places, propose one or a change, approve proposals."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from leerplatform.extensions import db
from leerplatform.permissions import (
    can_approve_place,
    can_edit_place,
    can_moderate_region,
    can_propose_place,
    can_review_places,
    can_view_place,
    is_admin,
    require,
)
from leerplatform.places import services
from leerplatform.places.forms import NO_MUNICIPALITY, PlaceForm
from leerplatform.places.models import (
    AGE_GROUP_LABELS,
    KIND_LABELS,
    AgeGroup,
    Offer,
    Place,
    PlaceKind,
)
from leerplatform.regions.models import Municipality, Region
from leerplatform.regions.services import all_regions, readable_region_ids, region_by_code

bp = Blueprint("places", __name__)

E = TypeVar("E", bound=StrEnum)


def load_place(place_id: int) -> Place:
    place = services.place_by_id(place_id)
    if place is None:
        abort(404)
    require(can_view_place(current_user, place))
    return place


def _choices(form: PlaceForm) -> None:
    form.region.choices = [(0, _("Choose a region"))] + [
        (region.id, region.name) for region in all_regions()
    ]
    towns = services.municipalities()
    form.municipality.choices = [(NO_MUNICIPALITY, _("Not given"))] + [
        (town.id, town.name) for town in towns
    ]
    form.municipality_regions = {town.id: town.region_id for town in towns}


def _prefill(form: PlaceForm, place: Place) -> None:
    form.name.data = place.name
    form.kind.data = place.kind
    form.provider.data = place.provider
    form.region.data = place.region_id
    form.municipality.data = place.municipality_id or NO_MUNICIPALITY
    form.age_group.data = place.age_group
    form.offers.data = [offer.value for offer in place.offers]
    form.website.data = place.website
    form.description.data = place.description


def _details(form: PlaceForm) -> services.PlaceDetails:
    return services.PlaceDetails(
        name=form.name.data,
        kind=PlaceKind(form.kind.data),
        provider=form.provider.data,
        region=db.get_or_404(Region, form.region.data),
        municipality=(
            db.session.get(Municipality, form.municipality.data) if form.municipality.data else None
        ),
        age_group=AgeGroup(form.age_group.data),
        offers=[Offer(value) for value in form.offers.data or []],
        website=form.website.data or "",
        description=form.description.data or "",
    )


def _choice_arg(enum: type[E], name: str) -> E | None:
    """A filter from the address; an unknown value means no filter, not an error."""
    try:
        return enum(request.args.get(name, ""))
    except ValueError:
        return None


@bp.route("/aanbod")
def index() -> str:
    """Approved places, filtered by region, kind and age group; 25 a page."""
    region_code = request.args.get("regio") or None
    place_filter = services.PlaceFilter(
        region=region_by_code(region_code) if region_code else None,
        kind=_choice_arg(PlaceKind, "soort"),
        age_group=_choice_arg(AgeGroup, "leeftijd"),
    )
    page = services.approved_places(place_filter, page=request.args.get("pagina", 1, type=int))
    args = {
        key: value
        for key, value in (
            ("regio", place_filter.region.code if place_filter.region else None),
            ("soort", place_filter.kind.value if place_filter.kind else None),
            ("leeftijd", place_filter.age_group.value if place_filter.age_group else None),
        )
        if value
    }
    return render_template(
        "places/index.html",
        page=page,
        place_filter=place_filter,
        args=args,
        regions=all_regions(),
        kind_labels=KIND_LABELS,
        age_group_labels=AGE_GROUP_LABELS,
    )


@bp.route("/aanbod/<int:place_id>")
def show(place_id: int) -> str:
    """A place, with the conversations about it that the reader may read."""
    place = load_place(place_id)
    readable = readable_region_ids(current_user) if current_user.is_authenticated else []
    threads = services.threads_about(place, region_ids=readable) if readable else []
    return render_template("places/show.html", place=place, threads=threads)


@bp.route("/aanbod/voorstellen", methods=["GET", "POST"])
@login_required
def propose() -> str | Response:
    """Any verified participant proposes a place; it waits for a host or admin."""
    require(can_propose_place(current_user))
    form = PlaceForm()
    _choices(form)
    if form.validate_on_submit():
        place = services.propose_place(details=_details(form), proposed_by=current_user)
        db.session.commit()
        flash(
            _("Thank you. A host of the region checks your proposal before it is shown."), "success"
        )
        return redirect(url_for("places.show", place_id=place.id))
    return render_template("places/edit.html", form=form, place=None)


@bp.route("/aanbod/<int:place_id>/wijzigen", methods=["GET", "POST"])
@login_required
def edit(place_id: int) -> str | Response:
    """Hosts and admins change a place directly; others propose a change for approval."""
    place = load_place(place_id)
    require(can_edit_place(current_user, place))
    form = PlaceForm()
    _choices(form)
    if request.method == "GET":
        _prefill(form, place)
    if form.validate_on_submit():
        details = _details(form)
        # Moving a place to another region needs that region's host (or an admin) as well.
        direct = can_approve_place(current_user, place) and can_moderate_region(
            current_user, details.region
        )
        services.change_place(
            place=place, details=details, changed_by=current_user, approved=direct
        )
        db.session.commit()
        if direct:
            flash(_("The place is changed."), "success")
        else:
            flash(
                _("Thank you. A host of the region checks the change before it is shown."),
                "success",
            )
        return redirect(url_for("places.show", place_id=place.id))
    return render_template("places/edit.html", form=form, place=place)


@bp.route("/aanbod/voorstellen/beoordelen")
@login_required
def review() -> str:
    """Proposed places in the regions this person hosts (every region for an admin)."""
    require(can_review_places(current_user))
    regions = None if is_admin(current_user) else current_user.hosted_region_ids
    return render_template("places/review.html", places=services.proposed_places(regions))


@bp.post("/aanbod/<int:place_id>/goedkeuren")
@login_required
def approve(place_id: int) -> Response:
    place = load_place(place_id)
    require(can_approve_place(current_user, place))
    services.approve_place(place=place, approved_by=current_user)
    db.session.commit()
    flash(_("%(name)s is now in the directory.", name=place.name), "success")
    return redirect(url_for("places.review"))


@bp.post("/aanbod/<int:place_id>/afwijzen")
@login_required
def decline(place_id: int) -> Response:
    place = load_place(place_id)
    require(can_approve_place(current_user, place) and not place.is_approved)
    name = place.name
    services.decline_place(place=place)
    db.session.commit()
    flash(_("The proposal for %(name)s is declined and removed.", name=name), "success")
    return redirect(url_for("places.review"))
