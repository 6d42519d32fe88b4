"""Threads and posts: start, read, reply, edit, delete, accept an answer, recommend."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from leerplatform.accounts.forms import ConfirmForm
from leerplatform.extensions import db
from leerplatform.forum import services
from leerplatform.forum.forms import (
    EditOpeningPostForm,
    EditPostForm,
    PostingForm,
    ReplyForm,
    ThreadForm,
)
from leerplatform.forum.models import Post, Thread
from leerplatform.moderation.services import log_host_edit
from leerplatform.permissions import (
    can_accept_answer,
    can_delete_post,
    can_edit_post,
    can_read_region,
    can_recommend,
    can_reply,
    can_start_thread,
    can_view_history,
    is_author_of,
    require,
    suspension_in,
)
from leerplatform.places.models import Place
from leerplatform.places.services import places_to_link
from leerplatform.regions.models import NATIONAL_CODE, Region
from leerplatform.regions.services import region_by_code
from leerplatform.text import render_markdown

bp = Blueprint("forum", __name__)


def load_thread(thread_id: int) -> Thread:
    """The thread, if it exists and the current user may read its region."""
    thread = services.thread_by_id(thread_id)
    if thread is None:
        abort(404)
    require(can_read_region(current_user, thread.region))
    return thread


def load_post(post_id: int) -> Post:
    post = services.post_by_id(post_id)
    if post is None:
        abort(404)
    require(can_read_region(current_user, post.thread.region))
    return post


def thread_url(thread: Thread, page: int = 1, post: Post | None = None) -> str:
    anchor = f"bericht-{post.id}" if post is not None else None
    return url_for(
        "forum.show_thread", thread_id=thread.id, pagina=page if page > 1 else None, _anchor=anchor
    )


def post_url(post: Post) -> str:
    return thread_url(post.thread, services.page_of_post(post), post)


def _preview(form: PostingForm | EditPostForm | EditOpeningPostForm) -> Markup | None:
    """The rendered body when the person asked to see it first (works without JavaScript)."""
    if request.form.get("action") != "preview" or not form.body.data:
        return None
    return render_markdown(form.body.data)


def _earlier_submission(submission_key: str, error: IntegrityError) -> Post:
    """The post a simultaneous copy of this submission made (a double click that raced)."""
    db.session.rollback()
    post = services.post_by_submission(current_user, submission_key)
    if post is None:
        raise error
    return post


def _with_submission_key(form: PostingForm) -> PostingForm:
    if not form.submission_key.data:
        form.submission_key.data = services.new_submission_key()
    return form


def _suspended(region: Region, form: Any) -> tuple[str, int] | None:
    """A suspended participant gets a clear page that says until when and why, with what they
    typed, so nothing is lost; not a bare refusal."""
    suspension = suspension_in(current_user, region)
    if suspension is None:
        return None
    return render_template("forum/suspended.html", suspension=suspension, form=form), 403


@bp.route("/regio/<code>/nieuw", methods=["GET", "POST"])
@login_required
def new_thread(code: str) -> str | Response:
    region = region_by_code(code)
    if region is None:
        abort(404)
    form = _with_submission_key(ThreadForm())
    suspended = _suspended(region, form)
    if suspended is not None:
        return suspended
    require(can_start_thread(current_user, region))
    _place_choices(form, region)
    preview = _preview(form)
    if preview is None and form.validate_on_submit():
        try:
            thread = services.start_thread(
                region=region,
                author=current_user,
                title=form.title.data,
                kind=form.kind.data,
                themes=form.themes.data,
                body=form.body.data,
                submission_key=form.submission_key.data,
                place=_chosen_place(form),
            )
            db.session.commit()
        except IntegrityError as error:
            thread = _earlier_submission(form.submission_key.data, error).thread
        flash(_("Your message is posted. Thank you for sharing."))
        return redirect(thread_url(thread))
    return render_template("forum/new_thread.html", region=region, form=form, preview=preview)


def _place_choices(form: ThreadForm, region: Region) -> None:
    """A regional thread can be about one of the region's places (``?plek=`` picks one)."""
    choices = [] if region.is_national else places_to_link(region)
    if not choices:
        del form.place
        return
    form.place.choices = [(0, _("No, not about one place")), *choices]
    if request.method == "GET":
        form.place.data = request.args.get("plek", 0, type=int)


def _chosen_place(form: ThreadForm) -> Place | None:
    field = getattr(form, "place", None)
    return db.session.get(Place, field.data) if field is not None and field.data else None


@bp.route("/landelijk/nieuw", methods=["GET", "POST"])
@login_required
def new_national_thread() -> str | Response:
    return new_thread(NATIONAL_CODE)


@bp.route("/onderwerp/<int:thread_id>")
@login_required
def show_thread(thread_id: int) -> str:
    shown = services.thread_page(thread_id, current_user)
    if shown is None:
        abort(404)
    thread = shown.thread
    require(can_read_region(current_user, thread.region))
    page = services.reply_page(
        thread, request.args.get("pagina", 1, type=int), posted_replies=shown.posted_replies
    )
    return render_template(
        "forum/thread.html",
        thread=thread,
        opening=page.opening,
        answer=services.accepted_answer(thread),
        page=page,
        recommended=shown.recommended,
        banners=shown.banners,
        follow=shown.follow,
        # The reply editor under the conversation is always empty (a reply with an error
        # comes back on its own page): its markup is remembered, and only its two tokens are
        # new on every page, so no form is built unless that markup is not remembered yet.
        submission_key=services.new_submission_key(),
        empty_reply_form=_empty_reply_form,
    )


def _empty_reply_form() -> ReplyForm:
    return ReplyForm(formdata=None)


@bp.post("/onderwerp/<int:thread_id>/reageren")
@login_required
def reply_to_thread(thread_id: int) -> str | Response:
    thread = load_thread(thread_id)
    return _reply(thread, parent=None)


@bp.route("/bericht/<int:post_id>/reageren", methods=["GET", "POST"])
@login_required
def reply_to_post(post_id: int) -> str | Response:
    parent = load_post(post_id)
    # A reply already written to a post deleted meanwhile is kept, under its placeholder; a new
    # reply to a deleted post is not offered.
    if parent.is_opening or (parent.is_deleted and request.method == "GET"):
        return redirect(thread_url(parent.thread, post=parent))
    return _reply(parent.thread, parent=parent)


def _reply(thread: Thread, parent: Post | None) -> str | Response | tuple[str, int]:
    form = _with_submission_key(ReplyForm())
    suspended = _suspended(thread.region, form)
    if suspended is not None:
        return suspended
    require(can_reply(current_user, thread))
    preview = _preview(form)
    if preview is None and form.validate_on_submit():
        try:
            post = services.reply_to(
                thread=thread,
                author=current_user,
                body=form.body.data,
                parent=parent,
                submission_key=form.submission_key.data,
            )
            db.session.commit()
        except IntegrityError as error:
            post = _earlier_submission(form.submission_key.data, error)
        flash(_("Your reply is posted."))
        return redirect(post_url(post))
    return render_template(
        "forum/reply.html", thread=thread, parent=parent, form=form, preview=preview
    )


@bp.route("/bericht/<int:post_id>")
@login_required
def show_post(post_id: int) -> Response:
    """A post's permanent address: the thread page it is on, scrolled to it."""
    return redirect(post_url(load_post(post_id)))


@bp.route("/bericht/<int:post_id>/bewerken", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int) -> str | Response:
    post = load_post(post_id)
    form_class = EditOpeningPostForm if post.is_opening else EditPostForm
    form = form_class(data={"body": post.body_source, "title": post.thread.title})
    if is_author_of(current_user, post) and not can_edit_post(current_user, post):
        suspended = _suspended(post.thread.region, form)
        if suspended is not None:
            return suspended
    require(can_edit_post(current_user, post))
    as_host = not is_author_of(current_user, post)
    preview = _preview(form)
    if preview is None and form.validate_on_submit():
        if as_host and not (form.reason.data or "").strip():
            form.reason.errors = [_("Write why you change someone else's message.")]
        else:
            title = form.title.data if isinstance(form, EditOpeningPostForm) else None
            before = post.body_source
            if services.edit_post(post=post, body=form.body.data, title=title, editor=current_user):
                if as_host:
                    log_host_edit(
                        post=post, host=current_user, reason=form.reason.data, before=before
                    )
                db.session.commit()
                flash(_("Your changes are saved."))
            return redirect(post_url(post))
    return render_template(
        "forum/edit_post.html", post=post, form=form, preview=preview, as_host=as_host
    )


@bp.route("/bericht/<int:post_id>/verwijderen", methods=["GET", "POST"])
@login_required
def delete_post(post_id: int) -> str | Response:
    """Authors may take their words back even where they can no longer read (a region that
    became members-only, or one they left)."""
    post = services.post_by_id(post_id)
    if post is None:
        abort(404)
    require(can_delete_post(current_user, post))
    readable = can_read_region(current_user, post.thread.region)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.delete_post(post=post)
        db.session.commit()
        flash(_("Your message is deleted."))
        if readable:
            return redirect(post_url(post))
        return redirect(url_for("pages.home"))
    return render_template("forum/delete_post.html", post=post, form=form, readable=readable)


@bp.route("/bericht/<int:post_id>/geschiedenis")
@login_required
def post_history(post_id: int) -> str:
    post = load_post(post_id)
    require(can_view_history(current_user, post))
    return render_template("forum/history.html", post=post, revisions=services.revisions_of(post))


@bp.post("/bericht/<int:post_id>/antwoord")
@login_required
def accept_answer(post_id: int) -> Response:
    post = load_post(post_id)
    thread = post.thread
    require(can_accept_answer(current_user, thread) and not post.is_opening)
    if ConfirmForm().validate_on_submit() and not post.is_deleted:
        services.accept_answer(thread=thread, post=post)
        db.session.commit()
        flash(_("This reply is now shown as the answer to the question."))
    return redirect(post_url(post))


@bp.post("/onderwerp/<int:thread_id>/antwoord-intrekken")
@login_required
def withdraw_answer(thread_id: int) -> Response:
    thread = load_thread(thread_id)
    require(can_accept_answer(current_user, thread))
    if ConfirmForm().validate_on_submit():
        services.withdraw_answer(thread=thread)
        db.session.commit()
        flash(_("The question no longer has an accepted answer."))
    return redirect(thread_url(thread))


@bp.post("/onderwerp/<int:thread_id>/werkt-ook-bij-ons")
@login_required
def recommend(thread_id: int) -> Response:
    thread = load_thread(thread_id)
    require(can_recommend(current_user, thread))
    if ConfirmForm().validate_on_submit():
        if request.form.get("undo"):
            services.withdraw_recommendation(thread=thread, user=current_user)
            flash(_("You took back that this works for you too."))
        else:
            services.recommend(thread=thread, user=current_user)
            flash(_("Thank you: others now see that this works for you too."))
        db.session.commit()
    return redirect(thread_url(thread))
