"""Follow and unfollow, notifications, e-mail preferences, one-click unsubscribe, Atom feeds."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response
from wtforms import RadioField

from leerplatform.accounts.forms import ConfirmForm, options
from leerplatform.actions.services import item_by_id, timeline
from leerplatform.extensions import csrf, db
from leerplatform.following import services
from leerplatform.following.feeds import action_item_feed, region_feed
from leerplatform.following.mail import describe
from leerplatform.following.models import (
    FREQUENCY_LABELS,
    LEVEL_LABELS,
    EmailFrequency,
    FollowLevel,
    Notification,
)
from leerplatform.forum.services import thread_by_id
from leerplatform.permissions import can_read_region, can_view_action_item, require
from leerplatform.regions.models import NATIONAL_CODE
from leerplatform.regions.services import region_by_code

bp = Blueprint("following", __name__)

STOP = "niet"


class FollowForm(FlaskForm):
    niveau = RadioField(
        choices=options([(level.value, label) for level, label in LEVEL_LABELS.items()])
        + options([(STOP, "")]),
    )


class EmailForm(FlaskForm):
    frequency = RadioField(
        "",
        choices=options((f.value, label) for f, label in FREQUENCY_LABELS.items()),
    )


def _follow(back: str, **target: Any) -> Response:
    form = FollowForm()
    if form.validate_on_submit():
        level = None if form.niveau.data == STOP else FollowLevel(form.niveau.data)
        try:
            services.set_follow(current_user, level, **target)
            db.session.commit()
        except IntegrityError:  # two clicks at once: the other one stored the choice
            db.session.rollback()
        if level is None:
            flash(_("You no longer follow this."))
        else:
            flash(_("Saved: %(level)s.", level=level.label))
    return redirect(back)


@bp.post("/onderwerp/<int:thread_id>/volgen")
@login_required
def follow_thread(thread_id: int) -> Response:
    thread = thread_by_id(thread_id)
    if thread is None:
        abort(404)
    require(can_read_region(current_user, thread.region))
    return _follow(url_for("forum.show_thread", thread_id=thread.id), thread=thread)


@bp.post("/actiepunt/<int:item_id>/volgen")
@login_required
def follow_item(item_id: int) -> Response:
    item = item_by_id(item_id)
    if item is None:
        abort(404)
    require(can_view_action_item(current_user, item))
    return _follow(url_for("actions.show", item_id=item.id), item=item)


@bp.post("/regio/<code>/volgen")
@login_required
def follow_region(code: str) -> Response:
    region = region_by_code(code)
    if region is None:
        abort(404)
    require(can_read_region(current_user, region))
    back = (
        url_for("regions.national")
        if region.code == NATIONAL_CODE
        else url_for("regions.show", code=region.code)
    )
    return _follow(back, region=region)


# Notifications


@bp.route("/meldingen")
@login_required
def notifications() -> str:
    page = services.notifications_of(current_user, request.args.get("pagina", 1, type=int))
    return render_template("following/notifications.html", page=page, form=ConfirmForm())


@bp.post("/meldingen/gelezen")
@login_required
def mark_all_read() -> Response:
    if ConfirmForm().validate_on_submit():
        services.mark_all_read(current_user)
        db.session.commit()
        flash(_("Everything is marked as read."))
    return redirect(url_for("following.notifications"))


@bp.route("/meldingen/<int:notification_id>", methods=["GET", "POST"])
@login_required
def open_notification(notification_id: int) -> Response:
    """Go where it points: the post, the step in the timeline, the thread.

    Opening it in the app is a POST and marks it read. The link in a mail is a GET and only
    leads the way: a mail program or virus scanner that follows links changes nothing.
    """
    notification = services.notification_of(current_user, notification_id)
    if notification is None:
        abort(404)
    if request.method == "POST":
        services.mark_read(notification)
        db.session.commit()
    return redirect(target_url(notification))


def target_url(notification: Notification) -> str:
    if notification.post_id is not None:
        return url_for("forum.show_post", post_id=notification.post_id)
    if notification.action_item_id is not None:
        anchor = f"stap-{notification.update_id}" if notification.update_id else None
        return url_for("actions.show", item_id=notification.action_item_id, _anchor=anchor)
    if notification.thread_id is not None:
        return url_for("forum.show_thread", thread_id=notification.thread_id)
    return url_for("following.notifications")


# E-mail preferences and feed addresses


@bp.route("/mijn-gegevens/meldingen", methods=["GET", "POST"])
@login_required
def settings() -> str | Response:
    form = EmailForm(data={"frequency": current_user.email_frequency})
    if form.validate_on_submit():
        services.set_email_frequency(current_user, form.frequency.data)
        db.session.commit()
        flash(_("Your choice for e-mail is saved."))
        return redirect(url_for("following.settings"))
    return render_template(
        "following/settings.html",
        form=form,
        confirm=ConfirmForm(),
        token=services.feed_token(current_user),
    )


@bp.post("/mijn-gegevens/feeds")
@login_required
def renew_feeds() -> Response:
    if ConfirmForm().validate_on_submit():
        had = bool(current_user.feed_key)
        services.renew_feed_key(current_user)
        db.session.commit()
        if had:
            flash(_("You have new feed addresses. The old ones no longer work."))
        else:
            flash(_("Your personal feed addresses are ready."))
    return redirect(url_for("following.settings", _anchor="feeds"))


@bp.route("/afmelden/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> str | Response:
    """One click from an e-mail, no login: a mail program may POST here itself (RFC 8058)."""
    user = services.user_for_unsubscribe(token)
    if user is None:
        return render_template("following/unsubscribe.html", user=None), 404
    if request.method == "POST":
        services.set_email_frequency(user, EmailFrequency.NOOIT)
        db.session.commit()
        return render_template("following/unsubscribe.html", user=user, done=True)
    return render_template("following/unsubscribe.html", user=user, done=False)


# Feeds


def _feed_reader() -> Any:
    user = services.user_for_feed(request.args.get("token", ""))
    if user is None:
        abort(404)
    return user


def _atom(body: bytes) -> Response:
    return Response(body, mimetype="application/atom+xml")


@bp.route("/feeds/regio/<code>.atom")
def region_atom(code: str) -> Response:
    reader = _feed_reader()
    region = region_by_code(code)
    if region is None or not can_read_region(reader, region):
        abort(404)
    return _atom(region_feed(region))


@bp.route("/feeds/actiepunt/<int:item_id>.atom")
def action_item_atom(item_id: int) -> Response:
    reader = _feed_reader()
    item = item_by_id(item_id)
    if item is None or not can_view_action_item(reader, item):
        abort(404)
    return _atom(action_item_feed(item, timeline(item)))


def feed_link(endpoint: str, **values: Any) -> str | None:
    """The current person's feed address for a page, if they made feed addresses."""
    if not current_user.is_authenticated:
        return None
    token = services.feed_token(current_user)
    if token is None:
        return None
    return url_for(endpoint, token=token, **values)


bp.add_app_template_global(describe, "describe_notification")
bp.add_app_template_global(feed_link, "feed_link")
bp.add_app_template_global(list(FollowLevel), "follow_levels")
