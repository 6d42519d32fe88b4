"""Take your data home, or leave: both from /mijn-gegevens."""

from __future__ import annotations

import json

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, RadioField
from wtforms.validators import DataRequired, InputRequired

from leerplatform.accounts.forms import options
from leerplatform.accounts.passwords import verify_password
from leerplatform.extensions import db
from leerplatform.privacy.services import delete_account, export_data

bp = Blueprint("privacy", __name__)


class DeleteAccountForm(FlaskForm):
    posts = RadioField(
        _l("What happens to what you wrote?"),
        choices=options(
            [
                ("houden", _l("Keep my messages, under “deleted participant”")),
                ("weg", _l("Remove my messages too")),
            ]
        ),
        validators=[InputRequired(message=_l("Choose what happens to your messages."))],
    )
    password = PasswordField(
        _l("Your password"),
        description=_l("So we know it is really you."),
        validators=[DataRequired(message=_l("Fill in your password."))],
    )


@bp.route("/mijn-gegevens/download")
@login_required
def download() -> Response:
    """Everything about you, as a JSON file."""
    body = json.dumps(export_data(current_user), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="mijn-gegevens-leerplatform.json"'},
    )


@bp.route("/mijn-gegevens/verwijderen", methods=["GET", "POST"])
@login_required
def delete() -> str | Response:
    """Delete the account, which is also how consent is withdrawn."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.password.data):
            form.password.errors.append(_("This is not your password."))
        else:
            user = current_user._get_current_object()
            logout_user()
            delete_account(user, remove_posts=form.posts.data == "weg")
            db.session.commit()
            flash(_("Your account is deleted. Thank you for taking part."))
            return redirect(url_for("pages.home"))
    return render_template("privacy/delete.html", form=form)
