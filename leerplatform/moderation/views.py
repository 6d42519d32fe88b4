"""Reports, the hosts' queue, moderating threads and posts, suspensions and the audit log."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from leerplatform.accounts.models import User
from leerplatform.accounts.two_step import require_two_step_for_moderators
from leerplatform.extensions import db
from leerplatform.forum.models import (
    THEME_LABELS,
    THREAD_KIND_LABELS,
    Post,
    Theme,
    Thread,
    ThreadKind,
)
from leerplatform.forum.services import post_by_id, thread_by_id
from leerplatform.moderation import services
from leerplatform.moderation.forms import (
    DecisionForm,
    ReasonForm,
    ReportForm,
    SuspendForm,
    ThreadModerationForm,
)
from leerplatform.moderation.models import AUDIT_LABELS, Report
from leerplatform.permissions import (
    can_moderate_region,
    can_read_audit_log,
    can_read_region,
    can_report,
    is_admin,
    require,
)
from leerplatform.regions.models import NATIONAL_CODE, Region
from leerplatform.regions.services import all_regions, region_by_code
from leerplatform.text import csv_writer

bp = Blueprint("moderation", __name__)

# Everyone may report a post; every other page here is for hosts and admins.
OPEN_TO_PARTICIPANTS = frozenset({"moderation.report"})


@bp.before_request
def moderators_use_two_step() -> Response | None:
    if request.endpoint in OPEN_TO_PARTICIPANTS:
        return None
    return require_two_step_for_moderators()


def _post(post_id: int) -> Post:
    post = post_by_id(post_id)
    if post is None:
        abort(404)
    require(can_read_region(current_user, post.thread.region))
    return post


def _region(code: str) -> Region:
    region = region_by_code(code)
    if region is None:
        abort(404)
    return region


def _post_url(post: Post) -> str:
    return url_for("forum.show_post", post_id=post.id)


# Reporting


@bp.route("/bericht/<int:post_id>/melden", methods=["GET", "POST"])
@login_required
def report(post_id: int) -> str | Response:
    post = _post(post_id)
    require(can_report(current_user, post))
    form = ReportForm()
    if form.validate_on_submit():
        try:
            made = services.report(
                post=post, reporter=current_user, reason=form.reason.data, note=form.note.data or ""
            )
            db.session.commit()
        except IntegrityError:  # the same report sent twice at once: the first one counts
            db.session.rollback()
            made = False
        if made:
            flash(_("Thank you. The hosts of the region will look at it soon."))
        else:
            flash(_("You reported this message before. The hosts will look at it."))
        return redirect(_post_url(post))
    return render_template("moderation/report.html", post=post, form=form)


# The queue


@bp.route("/moderatie")
@login_required
def overview() -> str:
    """The queues a person may work on: an admin all regions, a host their own."""
    regions = [r for r in [*all_regions(), *_national()] if can_moderate_region(current_user, r)]
    require(bool(regions))
    return render_template(
        "moderation/queue.html",
        region=None,
        regions=regions,
        reports=services.report_queue([r.id for r in regions]),
        open_count=services.open_report_count([r.id for r in regions]),
        suspensions=[],
    )


def _national() -> list[Region]:
    national = region_by_code(NATIONAL_CODE)
    return [national] if national is not None else []


@bp.route("/regio/<code>/moderatie")
@login_required
def queue(code: str) -> str:
    region = _region(code)
    require(can_moderate_region(current_user, region))
    return render_template(
        "moderation/queue.html",
        region=region,
        regions=[region],
        reports=services.report_queue([region.id]),
        open_count=services.open_report_count([region.id]),
        suspensions=services.active_suspensions(region),
    )


@bp.route("/melding/<int:report_id>", methods=["GET", "POST"])
@login_required
def decide(report_id: int) -> str | Response:
    """Decide on a report: hide, dismiss, warn, or hide and suspend the author."""
    found: Report | None = services.report_by_id(report_id)
    if found is None:
        abort(404)
    post = found.post
    region = post.thread.region
    require(can_moderate_region(current_user, region))
    form = DecisionForm()
    if found.decided_at is None and form.validate_on_submit():
        reason = form.reason.data
        decision = form.decision.data
        if decision == "verbergen":
            services.hide_post(post=post, host=current_user, reason=reason)
        elif decision == "afwijzen":
            services.dismiss_reports(post=post, host=current_user, reason=reason)
        elif decision == "waarschuwen":
            services.warn_author(post=post, host=current_user, reason=reason)
        elif decision == "schorsen":
            author = post.author
            if author is None or can_moderate_region(author, region):
                form.decision.errors = [
                    _("The author cannot be suspended here: a host, or an account that is gone.")
                ]
                return render_template("moderation/decide.html", report=found, post=post, form=form)
            services.suspend(
                user=author,
                region=region,
                host=current_user,
                days=form.days.data,
                reason=reason,
                post=post,
                hide=True,
            )
        db.session.commit()
        flash(_("Done. Your decision is in the region's log."))
        return redirect(url_for("moderation.queue", code=region.code))
    return render_template("moderation/decide.html", report=found, post=post, form=form)


# Posts


@bp.route("/bericht/<int:post_id>/verbergen", methods=["GET", "POST"])
@login_required
def hide(post_id: int) -> str | Response:
    post = _post(post_id)
    require(can_moderate_region(current_user, post.thread.region) and not post.is_deleted)
    form = ReasonForm()
    if form.validate_on_submit():
        # The form says what it was opened for: if another host did it meanwhile, nothing flips.
        goal = request.form.get("doel")
        wanted_hidden = not post.is_hidden if goal is None else goal == "verbergen"
        if wanted_hidden == post.is_hidden:
            flash(_("Another host did this already."))
        elif post.is_hidden:
            services.unhide_post(post=post, host=current_user, reason=form.reason.data)
            flash(_("The message is visible again."))
        else:
            services.hide_post(post=post, host=current_user, reason=form.reason.data)
            flash(_("The message is hidden. Its author sees why."))
        db.session.commit()
        return redirect(_post_url(post))
    return render_template("moderation/hide.html", post=post, form=form)


@bp.route("/bericht/<int:post_id>/schorsen", methods=["GET", "POST"])
@login_required
def suspend_author(post_id: int) -> str | Response:
    post = _post(post_id)
    region = post.thread.region
    require(can_moderate_region(current_user, region) and post.author is not None)
    author: User = post.author  # type: ignore[assignment]
    require(not can_moderate_region(author, region))
    form = SuspendForm()
    if form.validate_on_submit() and services.active_suspension(author, region) is not None:
        flash(_("%(name)s cannot write in this region for now.", name=author.display_name))
        return redirect(_post_url(post))
    if form.validate_on_submit():
        services.suspend(
            user=author,
            region=region,
            host=current_user,
            days=form.days.data,
            reason=form.reason.data,
            post=post,
        )
        db.session.commit()
        flash(_("%(name)s cannot write in this region for now.", name=author.display_name))
        return redirect(_post_url(post))
    return render_template("moderation/suspend.html", post=post, form=form, author=author)


@bp.route("/schorsing/<int:suspension_id>/opheffen", methods=["GET", "POST"])
@login_required
def lift(suspension_id: int) -> str | Response:
    suspension = services.suspension_by_id(suspension_id)
    if suspension is None or suspension.lifted_at is not None:
        abort(404)
    require(can_moderate_region(current_user, suspension.region))
    form = ReasonForm()
    if form.validate_on_submit():
        services.lift_suspension(suspension=suspension, host=current_user, reason=form.reason.data)
        db.session.commit()
        flash(_("The suspension is lifted."))
        return redirect(url_for("moderation.queue", code=suspension.region.code))
    return render_template("moderation/lift.html", suspension=suspension, form=form)


# Threads


@bp.route("/onderwerp/<int:thread_id>/beheren", methods=["GET", "POST"])
@login_required
def manage_thread(thread_id: int) -> str | Response:
    """Pin, close, move or relabel a thread; every change with a reason."""
    thread: Thread | None = thread_by_id(thread_id)
    if thread is None:
        abort(404)
    require(can_moderate_region(current_user, thread.region))
    destinations = [
        r
        for r in [*all_regions(), *_national()]
        if r.id != thread.region_id and (is_admin(current_user) or can_read_region(current_user, r))
    ]
    form = ThreadModerationForm(
        data={"kind": thread.kind, "themes": [t.value for t in thread.themes]}
    )
    form.action.choices = [
        ("losmaken", _("Unpin")) if thread.is_pinned else ("vastzetten", _("Pin at the top")),
        ("openen", _("Open again")) if thread.is_locked else ("sluiten", _("Close for replies")),
        ("verplaatsen", _("Move to another region")),
        ("labels", _("Change kind or themes")),
    ]
    form.region.choices = [("", _("Choose a region"))] + [
        (r.code, _("National space") if r.is_national else r.name) for r in destinations
    ]
    if form.validate_on_submit():
        done = _apply(thread, form, destinations)
        if done is not None:
            db.session.commit()
            flash(done)
            return redirect(url_for("forum.show_thread", thread_id=thread.id))
    return render_template(
        "moderation/thread.html",
        thread=thread,
        form=form,
        kind_labels=THREAD_KIND_LABELS,
        theme_labels=THEME_LABELS,
    )


def _apply(thread: Thread, form: ThreadModerationForm, destinations: list[Region]) -> str | None:
    action, reason = form.action.data, form.reason.data
    if action in ("vastzetten", "losmaken"):
        services.set_pinned(
            thread=thread, host=current_user, pinned=action == "vastzetten", reason=reason
        )
        return _("The conversation is pinned.") if thread.is_pinned else _("Unpinned.")
    if action in ("sluiten", "openen"):
        services.set_locked(
            thread=thread, host=current_user, locked=action == "sluiten", reason=reason
        )
        return _("The conversation is closed.") if thread.is_locked else _("Open again.")
    if action == "verplaatsen":
        target = next((r for r in destinations if r.code == form.region.data), None)
        if target is None:
            form.region.errors = [_("Choose the region to move it to.")]
            return None
        services.move_thread(thread=thread, host=current_user, to=target, reason=reason)
        return _("The conversation is moved, with its replies, links and followers.")
    if action == "labels":
        if not form.themes.data or not set(form.themes.data) <= {t.value for t in Theme}:
            form.themes.errors = [_("Choose at least one theme.")]
            return None
        if form.kind.data not in {k.value for k in ThreadKind}:
            form.kind.errors = [_("Choose what kind of message it is.")]
            return None
        changed = services.relabel(
            thread=thread,
            host=current_user,
            kind=form.kind.data,
            themes=form.themes.data,
            reason=reason,
        )
        return _("Kind and themes are changed.") if changed else _("Nothing changed.")
    form.action.errors = [_("Choose what you want to do.")]
    return None


# The audit log


@bp.route("/regio/<code>/logboek")
@login_required
def region_log(code: str) -> str | Response:
    region = _region(code)
    require(can_read_audit_log(current_user, region))
    return _log(region)


@bp.route("/beheer/logboek")
@login_required
def full_log() -> str | Response:
    require(is_admin(current_user))
    return _log(None)


def _log(region: Region | None) -> str | Response:
    if request.args.get("format") == "csv":
        return _log_csv(region)
    return render_template(
        "moderation/log.html",
        region=region,
        page=services.audit_log(region, request.args.get("pagina", 1, type=int)),
        labels=AUDIT_LABELS,
        changes=services.readable_changes,
    )


def _log_csv(region: Region | None) -> Response:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(
        [
            _("When"),
            _("Region"),
            _("Who"),
            _("What"),
            _("Why"),
            _("Conversation"),
            _("Message"),
            _("About"),
            _("Before"),
            _("After"),
        ]
    )
    for entry in services.audit_entries(region):
        writer.writerow(
            [
                entry.created_at.isoformat(timespec="seconds"),
                entry.region.name,
                entry.actor.display_name if entry.actor else "",
                entry.action_enum.label,
                entry.reason,
                entry.thread.title if entry.thread else "",
                entry.post_id or "",
                entry.subject.display_name if entry.subject else "",
                entry.before,
                entry.after,
            ]
        )
    name = f"logboek-{region.code if region else 'alle-regios'}.csv"
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
