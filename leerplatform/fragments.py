"""Parts of pages rendered once and remembered: a thread in a list, a post in a conversation.

A fragment is remembered under everything it shows (its key names each value the markup reads,
and the reader's language and timezone), never under an id alone. A new title, a new reply or a
renamed author makes a new key, and the old rendering is simply never asked for again: nothing
needs to be invalidated, and each process keeps its own. Only markup that is the same for every
reader may be remembered; what depends on who reads (links to edit, report or moderate) stays
outside the fragment.

In a template::

    {% call remembered("thread-row", *thread_row_key(thread)) %} …markup… {% endcall %}
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any

from cachetools import LRUCache, cached
from flask_babel import get_locale, get_timezone
from markupsafe import Markup

MAX_FRAGMENTS = 20_000
"""Per process. A thread row is about 1 kB and a post's header a few hundred bytes: at most some
tens of megabytes, and the least recently shown go first."""

_fragments: LRUCache[tuple[Hashable, ...], Markup] = LRUCache(maxsize=MAX_FRAGMENTS)
_lock = Lock()


def _fragment_key(name: str, *key: Hashable, caller: Callable[[], str]) -> tuple[Hashable, ...]:
    return (name, str(get_locale()), str(get_timezone()), *key)


@cached(_fragments, key=_fragment_key, lock=_lock)
def remembered(name: str, *key: Hashable, caller: Callable[[], str]) -> Markup:
    """The fragment ``name`` for ``key``: rendered by ``caller`` the first time, then remembered."""
    return Markup(caller())  # noqa: S704 - rendered by our template, escaped there


def forget_all() -> None:
    """Empty the store (tests that change translations or settings under a running app)."""
    with _lock:
        _fragments.clear()


def user_key(user: Any) -> tuple[Hashable, ...]:
    """What the author line shows of a person: their name and kind, or that the account is gone."""
    if user is None:
        return (None,)
    return (user.id, user.display_name, user.participant_kind)


def thread_row_key(thread: Any, show_region: bool = False) -> tuple[Hashable, ...]:
    """Everything a thread's row in a list shows (``thread_row`` in ``_macros/forum.html``)."""
    return (
        thread.id,
        thread.title,
        thread.kind,
        thread.is_pinned,
        thread.is_locked,
        thread.has_accepted_answer,
        thread.is_demo,
        tuple(link.theme for link in thread.theme_links),
        (thread.region.name, thread.region.is_national) if show_region else None,
        user_key(thread.author),
        thread.reply_count,
        thread.recommendation_count,
        thread.last_activity_at,
    )


def post_key(post: Any, parent: Any = None) -> tuple[Hashable, ...]:
    """Everything a post shows before the reader's own links (``post_shown`` in
    ``_macros/forum.html``): the reply it answers, its author and moments, and its words.
    A hidden post is never remembered: who reads decides what it shows."""
    return (
        post.id,
        post.depth,
        (parent.id, user_key(parent.author)) if parent is not None else None,
        user_key(post.author),
        post.created_at,
        post.edited_at,
        post.edited_by_host,
        post.deleted_at,
        post.accepted_at,
        post.body_html,
    )


def monitor_key(report: Any, csv_args: dict[str, Any]) -> tuple[Hashable, ...]:
    """The knelpuntenmonitor's chart and tables: one count of the figures (``counted_at`` tells
    one from another), the regions' names as the rows show them, and the download link."""
    return (
        report.start,
        report.end,
        report.counted_at,
        tuple((row.region.id, row.region.name, row.region.is_national) for row in report.rows),
        tuple((row.theme, row.bottlenecks, row.items) for row in report.by_theme),
        tuple(sorted(csv_args.items())),
    )
