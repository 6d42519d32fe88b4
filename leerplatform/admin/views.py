"""Admin pages: regions and their hosts, municipalities, the e-mail outbox."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from leerplatform.accounts.forms import ConfirmForm, options
from leerplatform.accounts.models import User
from leerplatform.accounts.services import user_by_email
from leerplatform.accounts.two_step import require_two_step_for_moderators
from leerplatform.admin.forms import AppointHostForm, MunicipalityForm, RegionForm
from leerplatform.extensions import db
from leerplatform.outbox.services import failed_messages, outbox_counts, retry_failed
from leerplatform.permissions import can_administer, require
from leerplatform.regions.models import Municipality, Region
from leerplatform.regions.services import (
    all_municipalities,
    appoint_host,
    municipality_by_id,
    municipality_conflicts,
    national_region,
    region_by_code,
    region_choices,
    remove_host,
    save_municipality,
    update_region,
)
from leerplatform.regions.services import all_regions as regional_spaces

bp = Blueprint("admin", __name__, url_prefix="/beheer")


@bp.before_request
@login_required
def only_admins() -> None:
    require(can_administer(current_user))


bp.before_request(require_two_step_for_moderators)


def load_region(code: str) -> Region:
    region = region_by_code(code)
    if region is None:
        abort(404)
    return region


@bp.route("/")
def index() -> str:
    return render_template("admin/index.html")


@bp.route("/regios")
def regions() -> str:
    spaces = [r for r in [national_region()] if r is not None] + regional_spaces()
    return render_template("admin/regions.html", regions=spaces)


def _render_region(region: Region, form: RegionForm, host_form: AppointHostForm) -> str:
    return render_template(
        "admin/region.html", region=region, form=form, host_form=host_form, confirm=ConfirmForm()
    )


@bp.route("/regios/<code>", methods=["GET", "POST"])
def region(code: str) -> str | Response:
    region = load_region(code)
    form = RegionForm(obj=region)
    if form.validate_on_submit():
        update_region(
            region=region,
            name=form.name.data,
            zorgkantoor=form.zorgkantoor.data,
            provinces=form.provinces.data or "",
            members_only=form.members_only.data,
        )
        db.session.commit()
        flash(_("The region %(name)s is saved.", name=region.name))
        return redirect(url_for("admin.region", code=region.code))
    return _render_region(region, form, AppointHostForm(formdata=None))


@bp.post("/regios/<code>/gastheren")
def add_host(code: str) -> str | Response:
    region = load_region(code)
    host_form = AppointHostForm()
    if host_form.validate_on_submit():
        user = user_by_email(host_form.email.data)
        if user is None:
            host_form.email.errors.append(_("There is no account with this e-mail address."))
        elif not user.is_verified:
            host_form.email.errors.append(_("This account has not confirmed its e-mail address."))
        elif appoint_host(region=region, user=user, appointed_by=current_user) is None:
            host_form.email.errors.append(_("This person is already a host of this region."))
        else:
            db.session.commit()
            flash(
                _(
                    "%(name)s is now a host of %(region)s.",
                    name=user.display_name,
                    region=region.name,
                )
            )
            return redirect(url_for("admin.region", code=region.code))
    return _render_region(region, RegionForm(obj=region, formdata=None), host_form)


@bp.post("/regios/<code>/gastheren/<int:user_id>/verwijderen")
def drop_host(code: str, user_id: int) -> Response:
    region = load_region(code)
    user = db.get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit() and remove_host(region=region, user=user):
        db.session.commit()
        flash(
            _(
                "%(name)s is no longer a host of %(region)s.",
                name=user.display_name,
                region=region.name,
            )
        )
    return redirect(url_for("admin.region", code=region.code))


@bp.route("/gemeenten")
def municipalities() -> str:
    return render_template("admin/municipalities.html", municipalities=all_municipalities())


@bp.route("/gemeenten/nieuw", methods=["GET", "POST"], defaults={"municipality_id": None})
@bp.route("/gemeenten/<int:municipality_id>", methods=["GET", "POST"])
def municipality(municipality_id: int | None) -> str | Response:
    current: Municipality | None = None
    if municipality_id is not None:
        current = municipality_by_id(municipality_id)
        if current is None:
            abort(404)
    form = MunicipalityForm(obj=current)
    form.region.choices = options([("", _("Choose a region")), *region_choices()])
    if request.method == "GET" and current is not None:
        form.region.data = current.region.code
    if form.validate_on_submit():
        conflicts = municipality_conflicts(
            name=form.name.data, cbs_code=form.cbs_code.data, ignore=current
        )
        if "name" in conflicts:
            form.name.errors.append(_("There is already a municipality with this name."))
        if "cbs_code" in conflicts:
            form.cbs_code.errors.append(_("There is already a municipality with this code."))
        target = region_by_code(form.region.data)
        if not conflicts and target is not None:
            saved = save_municipality(
                municipality=current,
                name=form.name.data,
                cbs_code=form.cbs_code.data,
                region=target,
            )
            db.session.commit()
            flash(_("%(name)s is saved.", name=saved.name))
            return redirect(url_for("admin.municipalities"))
    return render_template("admin/municipality.html", form=form, municipality=current)


@bp.route("/e-mail")
def mail() -> str:
    """The outbox: what waits, what went out, and what failed after every try."""
    return render_template(
        "admin/mail.html",
        counts=outbox_counts(),
        failed=failed_messages(),
        form=ConfirmForm(),
    )


@bp.post("/e-mail/opnieuw")
def retry_mail() -> Response:
    if ConfirmForm().validate_on_submit():
        message_id = request.form.get("bericht", type=int)
        number = retry_failed(message_id)
        db.session.commit()
        flash(
            ngettext(
                "%(num)d e-mail will be sent again.", "%(num)d e-mails will be sent again.", number
            )
        )
    return redirect(url_for("admin.mail"))
