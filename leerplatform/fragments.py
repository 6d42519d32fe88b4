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
from functools import lru_cache
from threading import Lock
from typing import Any

from cachetools import LRUCache, cached
from flask import g
from flask_babel import get_locale, get_timezone
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from leerplatform.permissions import can_read_post_body, is_author_of, powers_for

MAX_FRAGMENT_CHARACTERS = 32_000_000
"""Per process, counted in characters: a thread row is about 1,000 and a page of 40 replies
about 80,000. The least recently shown go first; a fragment bigger than all of this is not kept."""

_fragments: LRUCache[tuple[Hashable, ...], Markup] = LRUCache(
    maxsize=MAX_FRAGMENT_CHARACTERS, getsizeof=len
)
_lock = Lock()


def _fragment_key(name: str, *key: Hashable, caller: Callable[[], str]) -> tuple[Hashable, ...]:
    return (name, *_reader_scope(), *key)


def _reader_scope() -> tuple[str, str]:
    """The reader's language and timezone, as Flask-Babel holds them for this request (also
    under ``force_locale``). A page asks this for each of its 80 fragments: read from where
    Flask-Babel keeps them, with its own functions only the first time in a request."""
    held = g.get("_flask_babel")
    locale = getattr(held, "babel_locale", None)
    zone = getattr(held, "babel_tzinfo", None)
    if locale is None or zone is None:
        locale, zone = get_locale(), get_timezone()
    return _scope_names(locale, zone)


@lru_cache(maxsize=64)
def _scope_names(locale: Any, zone: Any) -> tuple[str, str]:
    return str(locale), str(zone)


FORM_TOKEN_SLOT = Markup("<lp-form-token>")
"""Where a remembered fragment has a form, its token goes here (``{{ form_token_slot }}``); each
page gets its own token in its place. It cannot come from what people write: their ``<`` is
always escaped or removed."""


def remembered(name: str, *key: Hashable, caller: Callable[[], str]) -> Markup:
    """The fragment ``name`` for ``key``: rendered by ``caller`` the first time, then remembered,
    with this page's form token filled in."""
    fragment = _remembered(name, *key, caller=caller)
    if FORM_TOKEN_SLOT in fragment:
        return fragment.replace(FORM_TOKEN_SLOT, generate_csrf())
    return fragment


@cached(_fragments, key=_fragment_key, lock=_lock)
def _remembered(name: str, *key: Hashable, caller: Callable[[], str]) -> Markup:
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


def region_key(region: Any) -> tuple[Hashable, ...]:
    """What the top of a space's page shows of the region: its details and its hosts."""
    return (
        region.id,
        region.code,
        region.name,
        region.zorgkantoor,
        region.provinces,
        region.is_national,
        region.members_only,
        tuple(user_key(host) for host in region.hosts),
    )


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
        tuple(thread.themes),
        (thread.region.name, thread.region.is_national) if show_region else None,
        user_key(thread.author),
        thread.reply_count,
        thread.recommendation_count,
        thread.last_activity_at,
    )


def thread_list_key(threads: Any, show_region: bool = False) -> tuple[Hashable, ...]:
    """A whole list of thread rows (a region's page of 25): each row's key, in order."""
    return tuple(thread_row_key(thread, show_region) for thread in threads)


def item_row_key(item: Any, today: Any, board_region: Any = None) -> tuple[Hashable, ...]:
    """Everything an action item's row on a board shows (``item_row`` in
    ``_macros/actions.html``), with whether it is overdue on ``today``."""
    return (
        item.id,
        item.title,
        item.status,
        item.is_demo,
        board_region is not None and item.region_id != board_region.id,
        tuple(item.themes),
        user_key(item.owner),
        item.target_date,
        item.is_overdue(today),
        item.update_count,
    )


def board_counts_key(counts: Any) -> tuple[Hashable, ...]:
    """The figures above a board: per status, and how many are overdue."""
    return (tuple(counts.by_status.items()), counts.overdue)


def item_list_key(items: Any, today: Any, board_region: Any = None) -> tuple[Hashable, ...]:
    """A board's page of items: each row's key, in order."""
    return tuple(item_row_key(item, today, board_region) for item in items)


def hit_key(hit: Any) -> tuple[Hashable, ...]:
    """Everything a search result shows (``templates/search/index.html``): its snippet, and per
    kind what its row says of the post, action item or place."""
    target = hit.target
    if hit.kind == "post":
        thread = target.thread
        shown: tuple[Hashable, ...] = (
            thread.kind,
            thread.title,
            target.is_opening,
            thread.region.name,
            thread.region.is_national,
            user_key(target.author),
            target.created_at,
        )
    elif hit.kind == "action_item":
        shown = (target.status, target.title, target.region.name, target.region.is_national)
    else:
        shown = (
            target.name,
            target.kind,
            target.provider,
            target.region.name,
            target.municipality.name if target.municipality else None,
        )
    return (hit.kind, target.id, str(hit.snippet), *shown)


def reply_list_key(page: Any, reader: Any, thread: Any, user: Any) -> tuple[Hashable, ...]:
    """A page of replies with the reader's links under each (``forum/thread.html``): per post
    its own key, the reader's powers over it (``powers_for``), and for a hidden post what the
    reader sees of it; the session's form token when one of the links is a form."""
    key: list[Hashable] = []
    needs_token = False
    for post in page.posts:
        may = powers_for(reader, post, thread)
        needs_token = needs_token or may.accept
        hidden = (
            (post.hidden_reason, can_read_post_body(user, post), is_author_of(user, post))
            if post.is_hidden
            else None
        )
        key.append((post_key(post, page.parents.get(post.parent_id)), may, hidden))
    key.append(generate_csrf() if needs_token else None)
    return tuple(key)


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
