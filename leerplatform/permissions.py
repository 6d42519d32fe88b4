"""Who may do what: pure predicates shared by views and templates.

Each takes the current user (possibly anonymous) and the object, and answers without queries:
what it needs (memberships, host appointments) is loaded with the user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import abort

if TYPE_CHECKING:
    from leerplatform.forum.models import Post, Thread
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


def can_moderate_region(user: Any, region: Region) -> bool:
    return is_admin(user) or is_host_of(user, region)


def can_read_region(user: Any, region: Region) -> bool:
    """What is written in a region: logged in, and a member where the region is members-only."""
    if not is_logged_in(user):
        return False
    if region.members_only:
        return is_member_of(user, region) or can_moderate_region(user, region)
    return True


def can_post_in_region(user: Any, region: Region) -> bool:
    return can_read_region(user, region) and bool(user.is_verified)


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
    """Authors edit their own words while they may still post in the region."""
    return (
        is_author_of(user, post)
        and not post.is_deleted
        and can_post_in_region(user, post.thread.region)
    )


def can_delete_post(user: Any, post: Post) -> bool:
    """Authors may always take their own words back, even after leaving a region."""
    return is_author_of(user, post) and not post.is_deleted


def can_view_history(user: Any, post: Post) -> bool:
    """Earlier versions of a post: its author, and the hosts of the region."""
    return is_author_of(user, post) or can_moderate_region(user, post.thread.region)


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


TEMPLATE_PREDICATES = {
    name: value
    for name, value in dict(globals()).items()
    if name.startswith(("can_", "is_")) and callable(value)
}


def require(allowed: bool) -> None:
    """Stop the request with 403 when a predicate says no (401 is handled by login_required)."""
    if not allowed:
        abort(403)
