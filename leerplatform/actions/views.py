"""Action items: make, steer and follow them; the boards and the knelpuntenmonitor."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from leerplatform.accounts.models import User
from leerplatform.actions import services
from leerplatform.actions.forms import (
    ActionItemForm,
    DeclineForm,
    EscalateForm,
    LinkThreadForm,
    LinkToItemForm,
    MergeForm,
    MonitorForm,
    ProposeForm,
    StatusForm,
    UpdateForm,
)
from leerplatform.actions.models import STATUS_LABELS, ActionItem, ActionStatus
from leerplatform.extensions import db
from leerplatform.following.services import follow_level
from leerplatform.forum.models import THEME_LABELS, Theme, Thread
from leerplatform.forum.services import new_submission_key, thread_by_id
from leerplatform.permissions import (
    can_add_action_update,
    can_change_action_status,
    can_create_action_item,
    can_decide_proposals,
    can_edit_action_item,
    can_escalate_action_item,
    can_link_to_action_item,
    can_merge_action_item,
    can_propose_action_item,
    can_read_region,
    can_view_action_item,
    require,
)
from leerplatform.regions.models import NATIONAL_CODE, Region
from leerplatform.regions.services import all_regions, region_by_code
from leerplatform.text import csv_writer

bp = Blueprint("actions", __name__)

NO_OWNER = 0


def load_item(item_id: int) -> ActionItem:
    item = services.item_by_id(item_id)
    if item is None:
        abort(404)
    require(can_view_action_item(current_user, item))
    return item


def load_region(code: str) -> Region:
    region = region_by_code(code)
    if region is None:
        abort(404)
    return region


def load_thread(thread_id: int) -> Thread:
    thread = thread_by_id(thread_id)
    if thread is None:
        abort(404)
    require(can_read_region(current_user, thread.region))
    return thread


def item_url(item: ActionItem, anchor: str | None = None) -> str:
    return url_for("actions.show", item_id=item.id, _anchor=anchor)


def _version(form: Any) -> int | None:
    raw = form.version.data
    return int(raw) if raw and str(raw).isdigit() else None


def _conflict_message() -> str:
    return _(
        "Someone else changed this action item while you were working on it. Below you see "
        "the current version. What you wrote is still in the form: check it and send it again."
    )


def _owner_choices(form: ActionItemForm, region: Region, item: ActionItem | None) -> None:
    people = services.owner_candidates(region, item)
    if current_user not in people:
        people.append(current_user)
    form.owner.choices = [(NO_OWNER, _("Nobody yet"))] + [
        (person.id, f"{person.display_name} ({person.kind.label})") for person in people
    ]


def _owner(form: ActionItemForm) -> User | None:
    if not form.owner.data:
        return None
    return db.session.get(User, form.owner.data)


# Making an item


@bp.route("/actiepunt/nieuw", methods=["GET", "POST"])
@login_required
def new() -> str | Response:
    """A new item for a region, from a thread (prefilled) or a participant's proposal."""
    thread = None
    thread_id = request.args.get("onderwerp", type=int)
    if thread_id is not None:
        thread = load_thread(thread_id)
        region = thread.region
    else:
        region = load_region(request.args.get("regio") or NATIONAL_CODE)
    require(can_create_action_item(current_user, region))
    proposal = None
    proposal_id = request.args.get("voorstel", type=int)
    if proposal_id is not None and thread is not None:
        proposal = services.proposal_by_id(proposal_id)
        if proposal is None or proposal.thread_id != thread.id or proposal.decided_at:
            proposal = None

    form = ActionItemForm()
    if not form.submission_key.data:
        form.submission_key.data = new_submission_key()
    if request.method == "GET" and thread is not None:
        form.title.data = thread.title
        form.description.data = _prefill(thread)
        form.themes.data = [theme.value for theme in thread.themes]
    _owner_choices(form, region, None)
    if request.method == "GET":
        form.owner.data = NO_OWNER
    if form.validate_on_submit():
        try:
            item = services.create_item(
                region=region,
                author=current_user,
                title=form.title.data,
                description=form.description.data,
                themes=form.chosen_themes,
                owner=_owner(form),
                target_date=form.target_date.data,
                threads=[thread] if thread is not None else [],
                proposal=proposal,
                submission_key=form.submission_key.data,
            )
            if thread is not None:
                services.accept_proposals_for(thread=thread, item=item, host=current_user)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            item = services.item_by_submission(current_user, form.submission_key.data)
            if item is None:
                raise
        flash(_("The action item is made. Everyone can now follow it."))
        return redirect(item_url(item))
    return render_template(
        "actions/edit.html", form=form, region=region, thread=thread, item=None, conflict=None
    )


def _prefill(thread: Thread) -> str:
    """The bottleneck's own words, quoted, with where they come from."""
    source = services.opening_source(thread)
    quoted = "\n".join(f"> {line}" if line else ">" for line in source.splitlines())
    origin = _("From the conversation “%(title)s”:", title=thread.title)
    return f"{origin}\n\n{quoted}\n"


# Reading and steering an item


@bp.route("/actiepunt/<int:item_id>")
@login_required
def show(item_id: int) -> str:
    item = load_item(item_id)
    update_form = UpdateForm(formdata=None)
    update_form.submission_key.data = new_submission_key()
    return _render_item(item, update_form=update_form)


def _render_item(item: ActionItem, *, update_form: UpdateForm, status: int = 200) -> Any:
    status_form = StatusForm(formdata=None, current=item.status_enum, version=item.version)
    return (
        render_template(
            "actions/show.html",
            item=item,
            links=services.links_of(item),
            entries=services.timeline(item),
            update_form=update_form,
            status_form=status_form,
            today=services.today(),
            follow=follow_level(current_user, item=item),
        ),
        status,
    )


@bp.post("/actiepunt/<int:item_id>/voortgang")
@login_required
def add_update(item_id: int) -> Any:
    item = load_item(item_id)
    require(can_add_action_update(current_user, item))
    form = UpdateForm()
    if not form.validate_on_submit():
        return _render_item(item, update_form=form, status=422)
    try:
        entry = services.add_update(
            item=item,
            author=current_user,
            body=form.body.data,
            submission_key=form.submission_key.data,
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        entry = services.update_by_submission(current_user, form.submission_key.data)
        if entry is None:
            raise
    flash(_("Your update is added to the timeline."))
    return redirect(item_url(item, f"stap-{entry.id}"))


@bp.route("/actiepunt/<int:item_id>/bewerken", methods=["GET", "POST"])
@login_required
def edit(item_id: int) -> str | Response:
    item = load_item(item_id)
    require(can_edit_action_item(current_user, item))
    form = ActionItemForm(
        data={
            "title": item.title,
            "description": item.description_source,
            "themes": [theme.value for theme in item.themes],
            "owner": item.owner_id or NO_OWNER,
            "target_date": item.target_date,
            "version": item.version,
        }
    )
    _owner_choices(form, item.region, item)
    conflict = None
    if form.validate_on_submit():
        try:
            changed = services.edit_item(
                item=item,
                author=current_user,
                expected_version=_version(form),
                title=form.title.data,
                description=form.description.data,
                themes=form.chosen_themes,
                owner=_owner(form),
                target_date=form.target_date.data,
            )
            db.session.commit()
            if changed:
                flash(_("Your changes are saved."))
            return redirect(item_url(item))
        except (services.ConflictError, StaleDataError):
            conflict = _reload_after_conflict(item_id)
            form.version.data = conflict.version
    return render_template(
        "actions/edit.html",
        form=form,
        region=item.region,
        thread=None,
        item=item,
        conflict=conflict,
    )


def _reload_after_conflict(item_id: int) -> ActionItem:
    db.session.rollback()
    item = services.item_by_id(item_id)
    if item is None:
        abort(404)
    return item


@bp.route("/actiepunt/<int:item_id>/status", methods=["GET", "POST"])
@login_required
def change_status(item_id: int) -> str | Response:
    item = load_item(item_id)
    require(can_change_action_status(current_user, item))
    form = StatusForm(current=item.status_enum, data={"version": item.version})
    if request.method == "GET" and request.args.get("naar") in {s.value for s in ActionStatus}:
        form.status.data = request.args["naar"]
    conflict = None
    if request.method == "POST" and _version(form) not in (None, item.version):
        # Changed by someone else since this form was opened: say so before judging the
        # choice, which may no longer be offered from the new status.
        conflict = item
        form = StatusForm(
            formdata=None,
            current=item.status_enum,
            data={"version": item.version, "note": request.form.get("note", "")},
        )
    elif form.validate_on_submit():
        try:
            services.change_status(
                item=item,
                author=current_user,
                expected_version=_version(form),
                status=form.status.data,
                note=form.note.data or "",
            )
            db.session.commit()
            flash(_("The status is now: %(status)s.", status=ActionStatus(form.status.data).label))
            return redirect(item_url(item))
        except (services.ConflictError, StaleDataError):
            conflict = item = _reload_after_conflict(item_id)
            typed = form.note.data
            form = StatusForm(
                formdata=None,
                current=item.status_enum,
                data={"version": item.version, "note": typed},
            )
        except services.InvalidChangeError:
            form.status.errors = [_("This change is not possible from the current status.")]
    return render_template("actions/status.html", item=item, form=form, conflict=conflict)


@bp.route("/actiepunt/<int:item_id>/koppelen", methods=["GET", "POST"])
@login_required
def link(item_id: int) -> str | Response:
    """Link a conversation to the item, by its number or address."""
    item = load_item(item_id)
    require(can_link_to_action_item(current_user, item))
    form = LinkThreadForm()
    if form.validate_on_submit():
        thread = thread_by_id(form.thread_id or 0)
        if thread is None or not can_read_region(current_user, thread.region):
            form.thread.errors = [_("There is no conversation with this number that you can see.")]
        else:
            if services.link_thread(item=item, thread=thread, author=current_user):
                services.accept_proposals_for(thread=thread, item=item, host=current_user)
                db.session.commit()
                flash(_("The conversation is linked to this action item."))
            else:
                flash(_("This conversation was already linked."))
            return redirect(item_url(item, "onderwerpen"))
    return render_template("actions/link.html", item=item, form=form)


@bp.route("/actiepunt/<int:item_id>/samenvoegen", methods=["GET", "POST"])
@login_required
def merge(item_id: int) -> str | Response:
    item = load_item(item_id)
    require(can_merge_action_item(current_user, item))
    form = MergeForm(data={"version": item.version})
    conflict = None
    if form.validate_on_submit():
        into = services.item_by_id(form.target_id or 0)
        if into is None or into.id == item.id or not can_merge_action_item(current_user, into):
            form.target.errors = [
                _("Choose another open action item that you may steer, not this one.")
            ]
        else:
            try:
                services.merge_items(
                    item=item,
                    into=into,
                    author=current_user,
                    expected_version=_version(form),
                    reason=form.reason.data,
                )
                db.session.commit()
                flash(_("The action items are merged. Everything continues here."))
                return redirect(item_url(into))
            except (services.ConflictError, StaleDataError):
                conflict = item = _reload_after_conflict(item_id)
                form.version.data = item.version
            except services.InvalidChangeError:
                form.target.errors = [_("These two action items cannot be merged.")]
    return render_template("actions/merge.html", item=item, form=form, conflict=conflict)


@bp.route("/actiepunt/<int:item_id>/opschalen", methods=["GET", "POST"])
@login_required
def escalate(item_id: int) -> str | Response:
    item = load_item(item_id)
    require(can_escalate_action_item(current_user, item))
    form = EscalateForm(data={"version": item.version})
    conflict = None
    if form.validate_on_submit():
        try:
            services.escalate(
                item=item,
                author=current_user,
                expected_version=_version(form),
                reason=form.reason.data,
            )
            db.session.commit()
            flash(_("The action item is now in the national space. It stays on your board too."))
            return redirect(item_url(item))
        except (services.ConflictError, StaleDataError):
            conflict = item = _reload_after_conflict(item_id)
            form.version.data = item.version
        except services.InvalidChangeError:
            abort(409)
    return render_template("actions/escalate.html", item=item, form=form, conflict=conflict)


# From a thread


@bp.route("/onderwerp/<int:thread_id>/actiepunt", methods=["GET", "POST"])
@login_required
def from_thread(thread_id: int) -> str | Response:
    """Hosts make an item of a thread or link it to one; participants propose it."""
    thread = load_thread(thread_id)
    may_create = can_create_action_item(current_user, thread.region)
    require(may_create or can_propose_action_item(current_user, thread))
    links = services.links_for_thread(thread)
    candidates = [
        item
        for item in services.linkable_items(
            thread.region, exclude=[link.action_item_id for link in links]
        )
        if can_link_to_action_item(current_user, item)
    ]
    link_form = LinkToItemForm(prefix="koppel")
    link_form.item.choices = [(item.id, f"#{item.id} {item.title}") for item in candidates]
    propose_form = ProposeForm(prefix="voorstel")
    if candidates and link_form.item.data and link_form.validate_on_submit():
        item = next(i for i in candidates if i.id == link_form.item.data)
        services.link_thread(item=item, thread=thread, author=current_user)
        services.accept_proposals_for(thread=thread, item=item, host=current_user)
        db.session.commit()
        flash(_("The conversation is linked to this action item."))
        return redirect(item_url(item, "onderwerpen"))
    if not may_create and propose_form.validate_on_submit():
        try:
            _proposal, is_new = services.propose(
                thread=thread, user=current_user, note=propose_form.note.data or ""
            )
            db.session.commit()
        except IntegrityError:  # the same proposal sent twice at once: the first one counts
            db.session.rollback()
            is_new = False
        if is_new:
            flash(_("Thank you. The hosts of the region will look at your proposal."))
        else:
            flash(_("You proposed this before. The hosts will look at it."))
        return redirect(url_for("forum.show_thread", thread_id=thread.id))
    return render_template(
        "actions/from_thread.html",
        thread=thread,
        links=links,
        may_create=may_create,
        candidates=candidates,
        link_form=link_form,
        propose_form=propose_form,
        proposals=services.open_proposals_for_thread(thread) if may_create else [],
        proposed=services.has_proposed(current_user, thread),
    )


@bp.route("/voorstel/<int:proposal_id>/afwijzen", methods=["GET", "POST"])
@login_required
def decline(proposal_id: int) -> str | Response:
    proposal = services.proposal_by_id(proposal_id)
    if proposal is None or proposal.decided_at is not None:
        abort(404)
    region = proposal.thread.region
    require(can_decide_proposals(current_user, region))
    form = DeclineForm()
    if form.validate_on_submit():
        services.decline_proposal(proposal=proposal, host=current_user, note=form.note.data)
        db.session.commit()
        flash(_("The proposal is declined; your reason is kept with it."))
        return redirect(_board_url(region))
    return render_template("actions/decline.html", proposal=proposal, form=form)


# The boards


def _board_url(region: Region) -> str:
    if region.is_national:
        return url_for("actions.national_board")
    return url_for("actions.board", code=region.code)


@bp.route("/regio/<code>/actiepunten")
@login_required
def board(code: str) -> str | Response:
    if code == NATIONAL_CODE:
        return redirect(url_for("actions.national_board"), code=301)
    return _board(load_region(code))


@bp.route("/actiepunten")
@login_required
def national_board() -> str:
    return _board(load_region(NATIONAL_CODE))


def _board(region: Region) -> str:
    require(can_read_region(current_user, region))
    board_filter = services.BoardFilter.from_args(
        request.args.get("status"),
        request.args.get("thema"),
        request.args.get("eigenaar"),
        request.args.get("te-laat"),
    )
    return render_template(
        "actions/board.html",
        region=region,
        board_filter=board_filter,
        items=services.board_listing(
            region=region,
            board_filter=board_filter,
            page=request.args.get("pagina", 1, type=int),
        ),
        counts=services.board_counts(region),
        owners=tuple(services.board_owners(region)),  # a tuple: the filter is remembered by it
        proposals=(
            services.open_proposals(region) if can_decide_proposals(current_user, region) else []
        ),
        status_labels=STATUS_LABELS,
        theme_labels=THEME_LABELS,
        today=services.today(),
    )


# The knelpuntenmonitor


@bp.route("/knelpuntenmonitor")
@login_required
def monitor() -> str | Response:
    national = region_by_code(NATIONAL_CODE)
    spaces = [*all_regions(), *([national] if national is not None else [])]
    regions = [region for region in spaces if can_read_region(current_user, region)]
    form = MonitorForm(request.args)
    form.regio.choices = [("", _("All regions"))] + [
        (r.code, _("National space") if r.is_national else r.name) for r in regions
    ]
    form.thema.choices = [("", _("All themes"))] + [
        (theme.value, label) for theme, label in THEME_LABELS.items()
    ]
    start, end = services.default_period()
    if request.args and form.validate():
        start = form.van.data or start
        end = form.tot.data or end
    region = next((r for r in regions if r.code == form.regio.data), None)
    theme = Theme(form.thema.data) if form.thema.data in set(Theme) else None
    report = services.monitor(start=start, end=end, regions=regions, region=region, theme=theme)
    if request.args.get("format") == "csv":
        return _monitor_csv(report)
    return render_template(
        "actions/monitor.html",
        form=form,
        report=report,
        region=region,
        theme=theme,
        csv_args=dict(request.args, format="csv"),
    )


def monitor_table(report: services.MonitorReport) -> list[list[str]]:
    """The monitor's table as text cells, header first: the page and the CSV show the same."""
    header = [
        _("Region"),
        _("Theme"),
        _("Bottlenecks"),
        _("Action items"),
        _("Still open"),
        _("Resolved"),
        _("Not feasible"),
        _("Overdue"),
        _("Median days to resolve"),
    ]
    rows = [header]
    for row in report.rows:
        region = row.region
        if region is None:
            continue
        rows.append(
            [
                _("National space") if region.is_national else region.name,
                row.theme.label,
                str(row.bottlenecks),
                str(row.items),
                str(row.active),
                str(row.resolved),
                str(row.not_feasible),
                str(row.overdue),
                format_days(row.median_days),
            ]
        )
    return rows


def format_days(days: float | None) -> str:
    if days is None:
        return "\u2013"  # an en dash: no figure
    return f"{days:g}".replace(".", ",")


def _monitor_csv(report: services.MonitorReport) -> Response:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerows(monitor_table(report))
    name = f"knelpuntenmonitor-{report.start.isoformat()}-{report.end.isoformat()}.csv"
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


bp.add_app_template_global(monitor_table, "monitor_cells")
bp.add_app_template_global(format_days, "format_days")
