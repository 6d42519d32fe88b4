"""Who may do what: pure predicates shared by views and templates.

Each takes the current user (possibly anonymous) and the object, and answers without queries:
what it needs (memberships, host appointments) is loaded with the user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from flask import abort

from leerplatform.clock import utcnow

if TYPE_CHECKING:
    from leerplatform.actions.models import ActionItem
    from leerplatform.forum.models import Post, Thread
    from leerplatform.meetings.models import Meeting
    from leerplatform.moderation.models import Suspension
    from leerplatform.places.models import Place
    from leerplatform.regions.models import Region


def is_logged_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated)


def is_admin(user: Any) -> bool:
    return is_logged_in(user) and bool(user.is_admin)


def is_host_of(user: Any, region: Region) -> bool:
    return is_logged_in(user) and region.id in user.hosted_region_ids


def is_member_of(user: Any, region: Region) -> bool:
    return is_logged_in(user) and region.id in user.member_region_ids


def can_administer(user: Any) -> bool:
    """The admin pages: regions, municipalities and hosts."""
    return is_admin(user)


def can_join_region(user: Any, region: Region) -> bool:
    return is_logged_in(user) and not is_member_of(user, region)


def can_leave_region(user: Any, region: Region) -> bool:
    """Everyone may leave a region, except their home region (change that in the profile)."""
    return is_member_of(user, region) and user.home_region_id != region.id


def is_moderator_by_region(user: Any, region: Region) -> bool:
    """Whether someone else (a post's author) hosts the region, read from the region's own
    host list (loaded with it), so a page with many authors asks no query per author."""
    return bool(user is not None and user.is_admin) or any(
        link.user_id == getattr(user, "id", None) for link in region.host_links
    )


def can_moderate_region(user: Any, region: Region) -> bool:
    return is_admin(user) or is_host_of(user, region)


def needs_two_step(user: Any) -> bool:
    """A host or admin without two-step verification: sent to set it up before moderating."""
    if not is_logged_in(user) or user.totp_enabled_at is not None:
        return False
    return is_admin(user) or bool(user.hosted_region_ids)


def can_read_region(user: Any, region: Region) -> bool:
    """What is written in a region: logged in, and a member where the region is members-only."""
    if not is_logged_in(user):
        return False
    if region.members_only:
        return is_member_of(user, region) or can_moderate_region(user, region)
    return True


def suspension_in(user: Any, region: Region) -> Suspension | None:
    """The active suspension of this person in this region, if any. The reader's suspensions
    are read only when ``load_user`` found an active one."""
    if not is_logged_in(user) or not getattr(user, "may_be_suspended", True):
        return None
    now = utcnow()
    for suspension in user.suspensions:
        if suspension.region_id == region.id and suspension.is_active(now):
            return suspension
    return None


def is_suspended_in(user: Any, region: Region) -> bool:
    return suspension_in(user, region) is not None


def can_post_in_region(user: Any, region: Region) -> bool:
    """Write in a region: may read it, e-mail confirmed, and not suspended there."""
    return (
        can_read_region(user, region)
        and bool(user.is_verified)
        and not is_suspended_in(user, region)
    )


def can_manage_region(user: Any, region: Region) -> bool:
    """Region settings such as members-only; the national space is open to all participants."""
    return can_moderate_region(user, region) and not region.is_national


def can_start_thread(user: Any, region: Region) -> bool:
    return can_post_in_region(user, region)


def can_reply(user: Any, thread: Thread) -> bool:
    """A locked thread takes no new replies, except from the region's hosts."""
    if not can_post_in_region(user, thread.region):
        return False
    return not thread.is_locked or can_moderate_region(user, thread.region)


def is_author_of(user: Any, post: Post) -> bool:
    return is_logged_in(user) and post.author_id == user.id


def can_edit_post(user: Any, post: Post) -> bool:
    """Authors edit their own words while they may still post in the region; hosts edit any
    post in their region (the history shows it was a host)."""
    if post.is_deleted:
        return False
    if can_moderate_region(user, post.thread.region):
        return True
    return is_author_of(user, post) and can_post_in_region(user, post.thread.region)


def can_read_post_body(user: Any, post: Post) -> bool:
    """A hidden post: its author and the region's hosts still read it; others see why not."""
    if not post.is_hidden:
        return True
    return is_author_of(user, post) or can_moderate_region(user, post.thread.region)


def can_report(user: Any, post: Post) -> bool:
    """Tell the hosts about someone else's post that breaks the house rules."""
    return (
        can_read_region(user, post.thread.region)
        and bool(user.is_verified)
        and not is_author_of(user, post)
        and not post.is_deleted
        and not post.is_hidden
    )


def can_delete_post(user: Any, post: Post) -> bool:
    """Authors may always take their own words back, even after leaving a region."""
    return is_author_of(user, post) and not post.is_deleted


def can_view_history(user: Any, post: Post) -> bool:
    """Earlier versions of a post: its author, and the hosts of the region."""
    return is_author_of(user, post) or can_moderate_region(user, post.thread.region)


class ReaderPowers(NamedTuple):
    """What the reader may do in one thread, the same for each of its posts: worked out once
    for a page (``reader_powers``), then read for every post (``powers_for``)."""

    user_id: int | None
    read: bool
    verified: bool
    write: bool
    """May post in the thread's region: reads it, e-mail confirmed, not suspended there."""
    moderate: bool
    reply: bool
    accept: bool


class PostPowers(NamedTuple):
    """What the reader may do with one post: the links under it."""

    reply: bool
    edit: bool
    delete: bool
    history: bool
    report: bool
    moderate: bool
    suspend_author: bool
    accept: bool


def reader_powers(user: Any, thread: Thread) -> ReaderPowers:
    # The proxy for the current user resolved once: every check below reads the person itself.
    user = user._get_current_object() if hasattr(user, "_get_current_object") else user
    logged_in = is_logged_in(user)
    region = thread.region
    return ReaderPowers(
        user_id=user.id if logged_in else None,
        read=can_read_region(user, region),
        verified=logged_in and bool(user.is_verified),
        write=can_post_in_region(user, region),
        moderate=can_moderate_region(user, region),
        reply=can_reply(user, thread),
        accept=can_accept_answer(user, thread),
    )


def powers_for(reader: ReaderPowers, post: Post, thread: Thread) -> PostPowers:
    """Every link under a post at once: the predicates above (``can_edit_post``,
    ``can_report``, …) with what they ask of the reader worked out once for the thread.
    ``tests/test_forum_permissions.py`` checks both give the same answers for everyone."""
    author = reader.user_id is not None and post.author_id == reader.user_id
    live = not post.is_deleted
    open_reply = live and not post.is_opening
    moderate = live and reader.moderate
    return PostPowers(
        reply=open_reply and reader.reply,
        edit=live and (reader.moderate or (author and reader.write)),
        delete=author and live,
        history=bool(post.edited_at) and (author or reader.moderate),
        report=reader.read and reader.verified and not author and live and not post.is_hidden,
        moderate=moderate,
        suspend_author=moderate
        and post.author is not None
        and not author
        and not is_moderator_by_region(post.author, thread.region),
        accept=open_reply and not post.accepted_at and reader.accept,
    )


def post_powers(user: Any, post: Post, thread: Thread) -> PostPowers:
    """The links under one post for this person (a page of posts asks ``reader_powers`` once
    and ``powers_for`` per post instead)."""
    return powers_for(reader_powers(user, thread), post, thread)


def can_read_audit_log(user: Any, region: Region) -> bool:
    return can_moderate_region(user, region)


def can_accept_answer(user: Any, thread: Thread) -> bool:
    """On a question, the asker or a host marks the answer that helped."""
    if thread.kind != "vraag" or not can_read_region(user, thread.region):
        return False
    asker = is_logged_in(user) and thread.author_id == user.id and bool(user.is_verified)
    return asker or can_moderate_region(user, thread.region)


def can_recommend(user: Any, thread: Thread) -> bool:
    """Say "dit werkt ook bij ons" on someone else's good practice."""
    return (
        thread.kind == "goed_voorbeeld"
        and can_post_in_region(user, thread.region)
        and thread.author_id != user.id
    )


# Action items. Who may do what is this one table; the predicates below add what the item's
# state allows (a merged item takes no more changes, only a regional item can be escalated).

ACTION_ITEM_RULES: dict[str, frozenset[str]] = {
    "view": frozenset({"reader"}),
    "add_update": frozenset({"participant"}),
    "propose": frozenset({"participant"}),
    "create": frozenset({"host", "admin"}),
    "decide_proposal": frozenset({"host", "admin"}),
    "edit": frozenset({"owner", "host", "admin"}),
    "change_status": frozenset({"owner", "host", "admin"}),
    "link_thread": frozenset({"owner", "host", "admin"}),
    "merge": frozenset({"host", "admin"}),
    "escalate": frozenset({"host", "admin"}),
}
"""Roles: reader (may read the region), participant (may post there: verified), owner (of the
item), host (of the region the item is in now), admin."""


def action_roles(user: Any, region: Region, item: ActionItem | None = None) -> frozenset[str]:
    """The roles a person has towards a region's action items, or one item."""
    if not can_read_region(user, region):
        return frozenset()
    roles = {"reader"}
    if can_post_in_region(user, region):
        roles.add("participant")
        if item is not None and item.owner_id == user.id:
            roles.add("owner")
    if is_host_of(user, region):
        roles.add("host")
    if is_admin(user):
        roles.add("admin")
    return frozenset(roles)


def action_allowed(user: Any, action: str, region: Region, item: ActionItem | None = None) -> bool:
    return bool(ACTION_ITEM_RULES[action] & action_roles(user, region, item))


def can_view_action_item(user: Any, item: ActionItem) -> bool:
    return action_allowed(user, "view", item.region, item)


def can_create_action_item(user: Any, region: Region) -> bool:
    return action_allowed(user, "create", region)


def can_propose_action_item(user: Any, thread: Thread) -> bool:
    return action_allowed(user, "propose", thread.region)


def can_decide_proposals(user: Any, region: Region) -> bool:
    return action_allowed(user, "decide_proposal", region)


def can_add_action_update(user: Any, item: ActionItem) -> bool:
    return item.status != "samengevoegd" and action_allowed(user, "add_update", item.region, item)


def can_edit_action_item(user: Any, item: ActionItem) -> bool:
    return item.status != "samengevoegd" and action_allowed(user, "edit", item.region, item)


def can_change_action_status(user: Any, item: ActionItem) -> bool:
    return bool(item.next_statuses) and action_allowed(user, "change_status", item.region, item)


def can_link_to_action_item(user: Any, item: ActionItem) -> bool:
    return item.status != "samengevoegd" and action_allowed(user, "link_thread", item.region, item)


def can_merge_action_item(user: Any, item: ActionItem) -> bool:
    return item.is_active and action_allowed(user, "merge", item.region, item)


def can_escalate_action_item(user: Any, item: ActionItem) -> bool:
    return (
        item.is_active
        and not item.region.is_national
        and action_allowed(user, "escalate", item.region, item)
    )


# The directory of places. Approved places are public; a proposal is seen by who made it and by
# those who decide on it.


def can_propose_place(user: Any) -> bool:
    return is_logged_in(user) and bool(user.is_verified)


def can_approve_place(user: Any, place: Place) -> bool:
    """Hosts of the place's region and admins approve, decline and change places directly."""
    return can_moderate_region(user, place.region)


def can_review_places(user: Any) -> bool:
    """The list of proposals: for admins and for anyone who hosts a region."""
    return is_admin(user) or (is_logged_in(user) and bool(user.hosted_region_ids))


def can_view_place(user: Any, place: Place) -> bool:
    if place.status == "goedgekeurd" or can_approve_place(user, place):
        return True
    return is_logged_in(user) and place.proposed_by_id == user.id


def can_edit_place(user: Any, place: Place) -> bool:
    """Hosts and admins change a place directly; its proposer may still change it while it
    waits for approval. An approved place is not taken out of the list by someone else's
    edit (a declined change would otherwise remove a place others rely on)."""
    if can_approve_place(user, place):
        return True
    if not can_propose_place(user):
        return False
    return place.proposed_by_id == user.id and place.status == "voorgesteld"


# Regiotafels. Hosts of the meeting's region (and admins) run it; whoever may write in the
# region says whether they come and proposes agenda items until the meeting is over.


def can_schedule_meeting(user: Any, region: Region) -> bool:
    """Regiotafels belong to a region; the national space has none."""
    return not region.is_national and can_moderate_region(user, region)


def can_view_meeting(user: Any, meeting: Meeting) -> bool:
    return can_read_region(user, meeting.region)


def can_edit_meeting(user: Any, meeting: Meeting) -> bool:
    """Date, place and description: until the minutes are out."""
    return not meeting.has_minutes and can_moderate_region(user, meeting.region)


def can_respond_to_meeting(user: Any, meeting: Meeting) -> bool:
    """Say whether one comes (and change it) until the meeting has ended."""
    return not meeting.has_ended(utcnow()) and can_post_in_region(user, meeting.region)


def can_propose_agenda_item(user: Any, meeting: Meeting) -> bool:
    return not meeting.has_started(utcnow()) and can_post_in_region(user, meeting.region)


def can_decide_agenda(user: Any, meeting: Meeting) -> bool:
    """Pick open items for the agenda, accept or decline proposals: until the minutes are out."""
    return not meeting.has_minutes and can_moderate_region(user, meeting.region)


def can_publish_minutes(user: Any, meeting: Meeting) -> bool:
    """Minutes, once the meeting has begun; the host may correct them afterwards."""
    return meeting.has_started(utcnow()) and can_moderate_region(user, meeting.region)


def can_record_decision(user: Any, meeting: Meeting) -> bool:
    """A decision becomes an action item, or an update of one, once the meeting has begun."""
    return meeting.has_started(utcnow()) and can_moderate_region(user, meeting.region)


TEMPLATE_PREDICATES = {
    name: value
    for name, value in dict(globals()).items()
    if (
        name.startswith(("can_", "is_"))
        or name in ("suspension_in", "post_powers", "reader_powers", "powers_for")
    )
    and callable(value)
}


def require(allowed: bool) -> None:
    """Stop the request with 403 when a predicate says no (401 is handled by login_required)."""
    if not allowed:
        abort(403)
