"""Regiotafels: schedule a meeting, build its agenda, say who comes, publish the minutes and
record the decisions as action items; calendars per meeting and per region."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from leerplatform.accounts.forms import ConfirmForm
from leerplatform.accounts.models import User
from leerplatform.actions import services as actions
from leerplatform.actions.models import ActionItem
from leerplatform.clock import utcnow
from leerplatform.extensions import db
from leerplatform.following.services import user_for_feed
from leerplatform.forum.models import Thread, ThreadKind
from leerplatform.forum.services import new_submission_key, thread_by_id
from leerplatform.meetings import services
from leerplatform.meetings.forms import (
    MeetingForm,
    MinutesForm,
    NewItemDecisionForm,
    PickForm,
    ProposalForm,
    ResponseForm,
    UpdateDecisionForm,
)
from leerplatform.meetings.ics import meeting_calendar, region_calendar
from leerplatform.meetings.models import AgendaStatus, Answer, Meeting
from leerplatform.permissions import (
    can_decide_agenda,
    can_edit_meeting,
    can_propose_agenda_item,
    can_publish_minutes,
    can_read_region,
    can_record_decision,
    can_respond_to_meeting,
    can_schedule_meeting,
    can_view_meeting,
    require,
)
from leerplatform.regions.models import Region
from leerplatform.regions.services import region_by_code

bp = Blueprint("meetings", __name__)

NO_OWNER = 0
NEW_PREFIX, UPDATE_PREFIX = "nieuw", "bestaand"


def load_region(code: str) -> Region:
    region = region_by_code(code)
    if region is None:
        abort(404)
    return region


def load_meeting(meeting_id: int) -> Meeting:
    meeting = services.meeting_by_id(meeting_id)
    if meeting is None:
        abort(404)
    require(can_view_meeting(current_user, meeting))
    return meeting


def meeting_url(meeting: Meeting, anchor: str | None = None) -> str:
    return url_for("meetings.show", meeting_id=meeting.id, _anchor=anchor)


def _details(form: MeetingForm) -> services.MeetingDetails:
    starts_at, ends_at = form.starts_at, form.ends_at
    if starts_at is None or ends_at is None:
        abort(400)
    return services.MeetingDetails(
        title=form.title.data,
        starts_at=starts_at,
        ends_at=ends_at,
        location=form.location.data or "",
        video_url=form.video_url.data or "",
        invited=form.invited.data or "",
        description=form.description.data or "",
    )


@bp.route("/regio/<code>/regiotafel/nieuw", methods=["GET", "POST"])
@login_required
def new(code: str) -> str | Response:
    region = load_region(code)
    require(can_schedule_meeting(current_user, region))
    form = MeetingForm()
    if not form.submission_key.data:
        form.submission_key.data = new_submission_key()
    if form.validate_on_submit():
        try:
            meeting = services.schedule_meeting(
                region=region,
                host=current_user,
                details=_details(form),
                submission_key=form.submission_key.data,
            )
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            meeting = services.meeting_by_submission(current_user, form.submission_key.data)
            if meeting is None:
                raise
        flash(_("The meeting is scheduled. Now put together the agenda."))
        return redirect(meeting_url(meeting))
    return render_template("meetings/edit.html", form=form, region=region, meeting=None)


@bp.route("/regiotafel/<int:meeting_id>/bewerken", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int) -> str | Response:
    meeting = load_meeting(meeting_id)
    require(can_edit_meeting(current_user, meeting))
    form = MeetingForm(is_new=False)
    if request.method == "GET":
        form.title.data = meeting.title
        form.day.data = meeting.local_start.date()
        form.starts.data = meeting.local_start.strftime("%H:%M")
        form.ends.data = meeting.local_end.strftime("%H:%M")
        form.location.data = meeting.location
        form.video_url.data = meeting.video_url
        form.invited.data = meeting.invited
        form.description.data = meeting.description_source
    if form.validate_on_submit():
        if services.change_meeting(meeting=meeting, details=_details(form)):
            db.session.commit()
            flash(_("The meeting is changed."))
        return redirect(meeting_url(meeting))
    return render_template("meetings/edit.html", form=form, region=meeting.region, meeting=meeting)


@bp.route("/regiotafel/<int:meeting_id>")
@login_required
def show(meeting_id: int) -> str:
    meeting = load_meeting(meeting_id)
    return _render_meeting(meeting, proposal_form=ProposalForm(formdata=None))


def _render_meeting(meeting: Meeting, *, proposal_form: ProposalForm, status: int = 200) -> Any:
    responses = services.responses_of(meeting)
    mine = next((r for r in responses if r.user_id == current_user.id), None)
    response_form = ResponseForm(formdata=None, answer=mine.answer if mine else None)
    agenda = services.agenda_of(meeting)
    may_decide = can_decide_agenda(current_user, meeting)
    return (
        render_template(
            "meetings/show.html",
            meeting=meeting,
            now=utcnow(),
            agenda=[e for e in agenda if e.status == AgendaStatus.AANGENOMEN.value],
            proposals=[e for e in agenda if e.status == AgendaStatus.VOORGESTELD.value],
            declined=[
                e
                for e in agenda
                if e.status == AgendaStatus.AFGEWEZEN.value
                and (e.proposed_by_id == current_user.id or may_decide)
            ],
            responses=responses,
            counts=services.answer_counts(responses),
            mine=mine,
            response_form=response_form,
            proposal_form=proposal_form,
            decisions=services.decisions_of(meeting),
            answers=list(Answer),
        ),
        status,
    )


@bp.post("/regiotafel/<int:meeting_id>/aanmelden")
@login_required
def respond(meeting_id: int) -> Response:
    meeting = load_meeting(meeting_id)
    require(can_respond_to_meeting(current_user, meeting))
    form = ResponseForm()
    if form.validate_on_submit():
        answer = Answer(form.answer.data)
        services.respond(meeting=meeting, user=current_user, answer=answer)
        db.session.commit()
        flash(_("Thank you. Your answer: %(answer)s.", answer=answer.label))
    else:
        flash(_("Choose yes, maybe or no."), "warning")
    return redirect(meeting_url(meeting, "aanmelden"))


def _subject_of(
    form: ProposalForm, meeting: Meeting
) -> tuple[Thread | None, ActionItem | None, bool]:
    """The conversation or action item a proposal points at; False when it is not one of
    this region that the proposer may read."""
    ref = form.subject_ref
    if ref is None:
        return None, None, True
    kind, number = ref
    if kind == "onderwerp":
        thread = thread_by_id(number)
        if thread is None or thread.region_id != meeting.region_id:
            return None, None, False
        return thread, None, True
    item = actions.item_by_id(number)
    if item is None or meeting.region_id not in (item.region_id, item.origin_region_id):
        return None, None, False
    return None, item, True


@bp.post("/regiotafel/<int:meeting_id>/voorstel")
@login_required
def propose(meeting_id: int) -> Any:
    meeting = load_meeting(meeting_id)
    require(can_propose_agenda_item(current_user, meeting))
    form = ProposalForm()
    if not form.validate_on_submit():
        return _render_meeting(meeting, proposal_form=form, status=422)
    thread, item, found = _subject_of(form, meeting)
    if not found:
        form.subject.errors = [_("There is no conversation or action item of this region there.")]
        return _render_meeting(meeting, proposal_form=form, status=422)
    try:
        entry = services.propose_agenda_item(
            meeting=meeting,
            user=current_user,
            title=form.title.data,
            note=form.note.data or "",
            thread=thread,
            item=item,
        )
        db.session.commit()
    except (services.AlreadyOnAgendaError, IntegrityError):
        db.session.rollback()
        form.subject.errors = [_("This is already on the agenda or proposed for it.")]
        return _render_meeting(load_meeting(meeting_id), proposal_form=form, status=422)
    flash(_("Thank you. The host decides whether it goes on the agenda."))
    return redirect(meeting_url(meeting, f"punt-{entry.id}"))


@bp.post("/regiotafel/<int:meeting_id>/agenda/<int:entry_id>/<any(aannemen, afwijzen):choice>")
@login_required
def decide(meeting_id: int, entry_id: int, choice: str) -> Response:
    meeting = load_meeting(meeting_id)
    require(can_decide_agenda(current_user, meeting))
    entry = services.agenda_entry(meeting, entry_id)
    if entry is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        accept = choice == "aannemen"
        services.decide_agenda_item(entry=entry, host=current_user, accept=accept)
        db.session.commit()
        if accept:
            flash(_("The point is on the agenda."))
        else:
            flash(_("The point is not on the agenda."))
    return redirect(meeting_url(meeting, "agenda"))


@bp.route("/regiotafel/<int:meeting_id>/agenda", methods=["GET", "POST"])
@login_required
def pick(meeting_id: int) -> str | Response:
    meeting = load_meeting(meeting_id)
    require(can_decide_agenda(current_user, meeting))
    form = PickForm()
    groups = {
        "bottlenecks": services.pickable_threads(meeting, ThreadKind.KNELPUNT),
        "practices": services.pickable_threads(meeting, ThreadKind.GOED_VOORBEELD),
        "others": [
            *services.pickable_threads(meeting, ThreadKind.ERVARING),
            *services.pickable_threads(meeting, ThreadKind.VRAAG),
        ],
    }
    for name, threads in groups.items():
        getattr(form, name).choices = [(t.id, t.title) for t in threads]
    items = services.pickable_items(meeting)
    form.items.choices = [(i.id, f"#{i.id} {i.title} ({i.status_enum.label})") for i in items]
    if form.validate_on_submit():
        chosen = [*form.bottlenecks.data, *form.practices.data, *form.others.data]
        added = services.pick_for_agenda(
            meeting=meeting,
            host=current_user,
            threads=services.threads_by_ids(meeting.region, chosen),
            items=services.items_by_ids(meeting.region, form.items.data),
        )
        db.session.commit()
        flash(_("%(num)d points added to the agenda.", num=added))
        return redirect(meeting_url(meeting, "agenda"))
    return render_template("meetings/pick.html", meeting=meeting, form=form, items=items)


@bp.route("/regiotafel/<int:meeting_id>/verslag", methods=["GET", "POST"])
@login_required
def minutes(meeting_id: int) -> str | Response:
    meeting = load_meeting(meeting_id)
    require(can_publish_minutes(current_user, meeting))
    form = MinutesForm()
    if request.method == "GET":
        form.minutes.data = meeting.minutes_source or _minutes_outline(meeting)
    if form.validate_on_submit():
        first = services.publish_minutes(
            meeting=meeting, host=current_user, minutes=form.minutes.data
        )
        db.session.commit()
        if first:
            flash(_("The minutes are published. Now record the decisions as action items."))
        else:
            flash(_("The minutes are changed."))
        return redirect(meeting_url(meeting, "verslag"))
    return render_template("meetings/minutes.html", meeting=meeting, form=form)


def _minutes_outline(meeting: Meeting) -> str:
    """A start for the minutes: the agenda as headings."""
    points = [
        entry.subject_title
        for entry in services.agenda_of(meeting)
        if entry.status == AgendaStatus.AANGENOMEN.value
    ]
    return "".join(f"## {title}\n\n\n" for title in points)


def _decision_forms(
    meeting: Meeting,
    new_form: NewItemDecisionForm | None = None,
    update_form: UpdateDecisionForm | None = None,
) -> tuple[NewItemDecisionForm, UpdateDecisionForm]:
    new_form = new_form or NewItemDecisionForm(formdata=None, prefix=NEW_PREFIX)
    update_form = update_form or UpdateDecisionForm(formdata=None, prefix=UPDATE_PREFIX)
    for form in (new_form, update_form):
        if not form.submission_key.data:
            form.submission_key.data = new_submission_key()
    people = actions.owner_candidates(meeting.region)
    if current_user not in people:
        people.append(current_user)
    new_form.owner.choices = [(NO_OWNER, _("Nobody yet"))] + [
        (person.id, f"{person.display_name} ({person.kind.label})") for person in people
    ]
    if new_form.owner.data is None:
        new_form.owner.data = NO_OWNER
    update_form.item.choices = [
        (item.id, f"#{item.id} {item.title} ({item.status_enum.label})")
        for item in services.decidable_items(meeting)
    ]
    return new_form, update_form


def _render_decisions(
    meeting: Meeting,
    new_form: NewItemDecisionForm | None = None,
    update_form: UpdateDecisionForm | None = None,
    status: int = 200,
) -> Any:
    new_form, update_form = _decision_forms(meeting, new_form, update_form)
    return (
        render_template(
            "meetings/decisions.html",
            meeting=meeting,
            new_form=new_form,
            update_form=update_form,
            decisions=services.decisions_of(meeting),
        ),
        status,
    )


@bp.route("/regiotafel/<int:meeting_id>/besluiten")
@login_required
def decisions(meeting_id: int) -> Any:
    meeting = load_meeting(meeting_id)
    require(can_record_decision(current_user, meeting))
    return _render_decisions(meeting)


@bp.post("/regiotafel/<int:meeting_id>/besluiten/nieuw")
@login_required
def decide_new(meeting_id: int) -> Any:
    meeting = load_meeting(meeting_id)
    require(can_record_decision(current_user, meeting))
    form, _update = _decision_forms(meeting, new_form=NewItemDecisionForm(prefix=NEW_PREFIX))
    if not form.validate_on_submit():
        return _render_decisions(meeting, new_form=form, status=422)
    owner = db.session.get(User, form.owner.data) if form.owner.data else None
    try:
        item = services.decide_new_item(
            meeting=meeting,
            host=current_user,
            title=form.title.data,
            description=form.description.data,
            themes=form.chosen_themes,
            owner=owner,
            target_date=form.target_date.data,
            submission_key=form.submission_key.data,
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        item = actions.item_by_submission(current_user, form.submission_key.data)
        if item is None:
            raise
    flash(_("The decision is recorded as action item #%(id)d.", id=item.id))
    return redirect(url_for("meetings.decisions", meeting_id=meeting_id))


@bp.post("/regiotafel/<int:meeting_id>/besluiten/bestaand")
@login_required
def decide_update(meeting_id: int) -> Any:
    meeting = load_meeting(meeting_id)
    require(can_record_decision(current_user, meeting))
    _new, form = _decision_forms(meeting, update_form=UpdateDecisionForm(prefix=UPDATE_PREFIX))
    if not form.validate_on_submit():
        return _render_decisions(meeting, update_form=form, status=422)
    item = actions.item_by_id(form.item.data)
    if item is None:
        abort(404)
    try:
        services.decide_on_item(
            meeting=meeting,
            host=current_user,
            item=item,
            decision=form.decision.data,
            submission_key=form.submission_key.data,
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if actions.update_by_submission(current_user, form.submission_key.data) is None:
            raise
    flash(_("The decision is added to the timeline of action item #%(id)d.", id=item.id))
    return redirect(url_for("meetings.decisions", meeting_id=meeting_id))


# Calendars


def _ics(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.route("/regiotafel/<int:meeting_id>.ics")
@login_required
def ics(meeting_id: int) -> Response:
    meeting = load_meeting(meeting_id)
    return _ics(meeting_calendar(meeting), f"regiotafel-{meeting.id}.ics")


@bp.route("/feeds/regio/<code>/regiotafels.ics")
def region_ics(code: str) -> Response:
    """A personal calendar address, like the Atom feeds: the token says who reads, and that
    person must be allowed to read the region now."""
    reader = user_for_feed(request.args.get("token", ""))
    region = region_by_code(code)
    if reader is None or region is None or not can_read_region(reader, region):
        abort(404)
    meetings = services.calendar_meetings(region, utcnow())
    return _ics(region_calendar(region, meetings), f"regiotafels-{region.code}.ics")
