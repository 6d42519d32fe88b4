"""What hosts do to keep a region safe, each action with exactly one entry in the audit log.

Writes add and flush; the caller commits.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from leerplatform.clock import utcnow
from leerplatform.extensions import db
from leerplatform.forum.models import Post, Theme, Thread, ThreadKind, ThreadTheme
from leerplatform.moderation.models import (
    AuditAction,
    AuditEntry,
    Decision,
    Report,
    ReportReason,
    Suspension,
)
from leerplatform.regions.models import Region

if TYPE_CHECKING:
    from leerplatform.accounts.models import User

QUEUE_SIZE = 50
LOG_PER_PAGE = 50


def _json(values: dict[str, Any]) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True, default=str) if values else ""


def log(
    *,
    region: Region,
    actor: User,
    action: AuditAction,
    reason: str,
    thread: Thread | None = None,
    post: Post | None = None,
    subject: User | None = None,
    subject_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        region_id=region.id,
        actor_id=actor.id,
        action=action.value,
        reason=reason.strip(),
        thread_id=thread.id if thread is not None else (post.thread_id if post else None),
        post_id=post.id if post is not None else None,
        subject_id=subject.id if subject is not None else subject_id,
        before=_json(before or {}),
        after=_json(after or {}),
        created_at=at or utcnow(),
    )
    db.session.add(entry)
    return entry


# Reports


def report(*, post: Post, reporter: User, reason: ReportReason | str, note: str) -> bool:
    """Report a post to the region's hosts; once per person and post. False if reported before."""
    earlier = db.session.scalar(
        select(Report).where(Report.post_id == post.id, Report.reporter_id == reporter.id)
    )
    if earlier is not None:
        return False
    db.session.add(
        Report(
            post_id=post.id,
            region_id=post.thread.region_id,
            reporter_id=reporter.id,
            reason=ReportReason(reason).value,
            note=note.strip(),
        )
    )
    db.session.flush()
    return True


def _decide_reports(post: Post, host: User, decision: Decision) -> None:
    db.session.execute(
        update(Report)
        .where(Report.post_id == post.id, Report.decided_at.is_(None))
        .values(decided_at=utcnow(), decided_by_id=host.id, decision=decision.value)
        .execution_options(synchronize_session=False)
    )


def hide_post(*, post: Post, host: User, reason: str) -> AuditEntry:
    """Hide a post: its author sees why, others a placeholder; open reports on it are done."""
    post.hidden_at = utcnow()
    post.hidden_reason = reason.strip()
    _decide_reports(post, host, Decision.VERBORGEN)
    entry = log(
        region=post.thread.region,
        actor=host,
        action=AuditAction.VERBERGEN,
        reason=reason,
        post=post,
        subject_id=post.author_id,
        before={"zichtbaar": True},
        after={"zichtbaar": False},
    )
    _tell_author(post.author, "hidden", post=post, reason=reason)
    db.session.flush()
    return entry


def unhide_post(*, post: Post, host: User, reason: str) -> AuditEntry:
    post.hidden_at = None
    post.hidden_reason = None
    entry = log(
        region=post.thread.region,
        actor=host,
        action=AuditAction.ZICHTBAAR,
        reason=reason,
        post=post,
        subject_id=post.author_id,
        before={"zichtbaar": False},
        after={"zichtbaar": True},
    )
    db.session.flush()
    return entry


def dismiss_reports(*, post: Post, host: User, reason: str) -> AuditEntry:
    """The post may stay: its open reports are done."""
    _decide_reports(post, host, Decision.AFGEWEZEN)
    entry = log(
        region=post.thread.region,
        actor=host,
        action=AuditAction.AFWIJZEN,
        reason=reason,
        post=post,
        subject_id=post.author_id,
    )
    db.session.flush()
    return entry


def warn_author(*, post: Post, host: User, reason: str) -> AuditEntry:
    """A respectful message to the author about this post; open reports on it are done."""
    _decide_reports(post, host, Decision.GEWAARSCHUWD)
    entry = log(
        region=post.thread.region,
        actor=host,
        action=AuditAction.WAARSCHUWEN,
        reason=reason,
        post=post,
        subject_id=post.author_id,
    )
    _tell_author(post.author, "warning", post=post, reason=reason)
    db.session.flush()
    return entry


def suspend(
    *,
    user: User,
    region: Region,
    host: User,
    days: int,
    reason: str,
    post: Post | None = None,
    hide: bool = False,
) -> AuditEntry:
    """The participant may read the region but not write in it for ``days`` days; with
    ``hide`` the post that led to it is hidden too, in the same log entry."""
    now = utcnow()
    until = now + timedelta(days=days)
    before: dict[str, Any] = {"geschorst": False}
    after: dict[str, Any] = {"geschorst_tot": until.isoformat()}
    if hide and post is not None and not post.is_hidden:
        post.hidden_at = now
        post.hidden_reason = reason.strip()
        before["zichtbaar"], after["zichtbaar"] = True, False
    db.session.add(
        Suspension(
            user_id=user.id,
            region_id=region.id,
            until=until,
            reason=reason.strip(),
            created_by_id=host.id,
            created_at=now,
        )
    )
    if post is not None:
        _decide_reports(post, host, Decision.GESCHORST)
    entry = log(
        region=region,
        actor=host,
        action=AuditAction.SCHORSEN,
        reason=reason,
        post=post,
        subject=user,
        before=before,
        after=after,
    )
    _tell_author(user, "suspension", post=post, reason=reason, region=region, until=until)
    db.session.flush()
    return entry


def lift_suspension(*, suspension: Suspension, host: User, reason: str) -> AuditEntry:
    suspension.lifted_at = utcnow()
    entry = log(
        region=suspension.region,
        actor=host,
        action=AuditAction.SCHORSING_OPHEFFEN,
        reason=reason,
        subject_id=suspension.user_id,
        before={"geschorst_tot": suspension.until.isoformat()},
        after={"geschorst": False},
    )
    db.session.flush()
    return entry


def _tell_author(user: User | None, what: str, **context: Any) -> None:
    """The e-mail that says what happened and how to object. Mail about one's own account and
    words always goes out, whatever one chose for notifications."""
    if user is None or not user.is_verified:
        return
    from flask_babel import gettext as _

    from leerplatform.outbox.services import absolute_url, queue_mail

    subjects = {
        "hidden": _("Your message on the learning platform is hidden"),
        "warning": _("A message from the hosts about your post"),
        "suspension": _("You cannot write in a region for a while"),
    }
    post = context.get("post")
    queue_mail(
        to=user.email,
        subject=subjects[what],
        template=f"moderation_{what}",
        user=user,
        link=absolute_url("forum.show_post", post_id=post.id) if post is not None else None,
        house_rules=absolute_url("pages.house_rules"),
        **context,
    )


# Threads


def set_pinned(*, thread: Thread, host: User, pinned: bool, reason: str) -> AuditEntry:
    before = thread.is_pinned
    thread.is_pinned = pinned
    return _thread_entry(
        thread,
        host,
        AuditAction.VASTZETTEN if pinned else AuditAction.LOSMAKEN,
        reason,
        {"vastgezet": before},
        {"vastgezet": pinned},
    )


def set_locked(*, thread: Thread, host: User, locked: bool, reason: str) -> AuditEntry:
    before = thread.is_locked
    thread.is_locked = locked
    return _thread_entry(
        thread,
        host,
        AuditAction.SLUITEN if locked else AuditAction.OPENEN,
        reason,
        {"gesloten": before},
        {"gesloten": locked},
    )


def move_thread(*, thread: Thread, host: User, to: Region, reason: str) -> AuditEntry:
    """Move a thread with everything attached: replies, links, followers and action items all
    point at the thread, so they come along. Open reports move to the new region's queue."""
    source = thread.region
    thread.region = to
    db.session.execute(
        update(Report)
        .where(
            Report.decided_at.is_(None),
            Report.post_id.in_(select(Post.id).where(Post.thread_id == thread.id)),
        )
        .values(region_id=to.id)
        .execution_options(synchronize_session=False)
    )
    # Open proposals for an action item go to the hosts who now look after the thread.
    from leerplatform.actions.models import ActionProposal

    db.session.execute(
        update(ActionProposal)
        .where(ActionProposal.thread_id == thread.id, ActionProposal.decided_at.is_(None))
        .values(region_id=to.id)
        .execution_options(synchronize_session=False)
    )
    entry = log(
        region=source,
        actor=host,
        action=AuditAction.VERPLAATSEN,
        reason=reason,
        thread=thread,
        subject_id=thread.author_id,
        before={"regio": source.code},
        after={"regio": to.code},
    )
    db.session.flush()
    return entry


def relabel(
    *,
    thread: Thread,
    host: User,
    kind: ThreadKind | str,
    themes: Iterable[Theme | str],
    reason: str,
) -> AuditEntry | None:
    """Change a thread's kind and themes; None when nothing changed."""
    new_kind = ThreadKind(kind).value
    new_themes = sorted(Theme(t).value for t in dict.fromkeys(themes))
    old_themes = sorted(link.theme for link in thread.theme_links)
    if new_kind == thread.kind and new_themes == old_themes:
        return None
    before = {"soort": thread.kind, "themas": old_themes}
    thread.kind = new_kind
    thread.theme_links = [ThreadTheme(theme=t) for t in new_themes]
    return _thread_entry(
        thread, host, AuditAction.LABELS, reason, before, {"soort": new_kind, "themas": new_themes}
    )


def _thread_entry(
    thread: Thread,
    host: User,
    action: AuditAction,
    reason: str,
    before: dict[str, Any],
    after: dict[str, Any],
) -> AuditEntry:
    entry = log(
        region=thread.region,
        actor=host,
        action=action,
        reason=reason,
        thread=thread,
        subject_id=thread.author_id,
        before=before,
        after=after,
    )
    db.session.flush()
    return entry


def log_host_edit(*, post: Post, host: User, reason: str, before: str) -> AuditEntry:
    """A host changed someone's words. The log keeps the sizes, not the words: what a host
    takes out (a child's name, say) must not live on in the log; the post's history has it."""
    return log(
        region=post.thread.region,
        actor=host,
        action=AuditAction.BEWERKEN,
        reason=reason,
        post=post,
        subject_id=post.author_id,
        before={"tekens": len(before)},
        after={"tekens": len(post.body_source)},
    )


# Reads


def report_queue(region_ids: Iterable[int], limit: int = QUEUE_SIZE) -> Sequence[Report]:
    """Open reports in the given regions, oldest first."""
    query = (
        select(Report)
        .where(Report.decided_at.is_(None))
        .order_by(Report.created_at, Report.id)
        .limit(limit)
        .options(
            joinedload(Report.post).joinedload(Post.author),
            joinedload(Report.post).joinedload(Post.thread),
            joinedload(Report.reporter),
            joinedload(Report.region),
        )
    )
    return db.session.scalars(query.where(Report.region_id.in_(list(region_ids)))).all()


def open_report_count(region_ids: Iterable[int] | None) -> int:
    from sqlalchemy import func

    query = select(func.count()).select_from(Report).where(Report.decided_at.is_(None))
    if region_ids is not None:
        query = query.where(Report.region_id.in_(list(region_ids)))
    return int(db.session.scalar(query) or 0)


def report_by_id(report_id: int) -> Report | None:
    return db.session.scalar(
        select(Report)
        .where(Report.id == report_id)
        .options(
            joinedload(Report.post).joinedload(Post.thread).joinedload(Thread.region),
            joinedload(Report.post).joinedload(Post.author),
        )
    )


def active_suspensions(region: Region) -> Sequence[Suspension]:
    return db.session.scalars(
        select(Suspension)
        .where(
            Suspension.region_id == region.id,
            Suspension.lifted_at.is_(None),
            Suspension.until > utcnow(),
        )
        .order_by(Suspension.until)
        .options(joinedload(Suspension.user), joinedload(Suspension.region))
    ).all()


def active_suspension(user: User, region: Region) -> Suspension | None:
    """A suspension still running for this person in this region (a double click, say)."""
    return db.session.scalar(
        select(Suspension).where(
            Suspension.user_id == user.id,
            Suspension.region_id == region.id,
            Suspension.lifted_at.is_(None),
            Suspension.until > utcnow(),
        )
    )


def suspension_by_id(suspension_id: int) -> Suspension | None:
    return db.session.scalar(
        select(Suspension)
        .where(Suspension.id == suspension_id)
        .options(joinedload(Suspension.region), joinedload(Suspension.user))
    )


def audit_log(region: Region | None, page: int, per_page: int = LOG_PER_PAGE) -> Pagination:
    return db.paginate(
        _log_query(region), page=max(page, 1), per_page=per_page, error_out=False, count=True
    )


def audit_entries(region: Region | None) -> Sequence[AuditEntry]:
    """Every entry, for the CSV download."""
    return db.session.scalars(_log_query(region)).all()


def _log_query(region: Region | None) -> Any:
    query = (
        select(AuditEntry)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .options(
            joinedload(AuditEntry.actor),
            joinedload(AuditEntry.subject),
            joinedload(AuditEntry.thread),
            joinedload(AuditEntry.region),
        )
    )
    if region is not None:
        query = query.where(AuditEntry.region_id == region.id)
    return query


CHANGE_LABELS = {
    "zichtbaar": _l("Visible"),
    "geschorst": _l("Suspended"),
    "geschorst_tot": _l("Suspended until"),
    "vastgezet": _l("Pinned"),
    "gesloten": _l("Closed"),
    "regio": _l("Region"),
    "soort": _l("Kind"),
    "themas": _l("Themes"),
    "tekens": _l("Length in characters"),
}
"""What the keys of an audit entry's before and after mean, for the log page."""


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def _readable(key: str, value: Any) -> str:
    if value is None or value == "":
        return "\u2013"  # an en dash: nothing
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "geschorst_tot":
        return format_datetime(datetime.fromisoformat(value), "d MMMM yyyy, HH:mm")
    if key == "soort" and value in {kind.value for kind in ThreadKind}:
        return ThreadKind(value).label
    if key == "themas":
        known = {theme.value for theme in Theme}
        return ", ".join(Theme(v).label if v in known else str(v) for v in value) or "\u2013"
    return str(value)


def readable_changes(entry: AuditEntry) -> list[Change]:
    """An entry's before and after as lines a person reads: "Vastgezet: nee → ja"."""
    before = json.loads(entry.before or "{}")
    after = json.loads(entry.after or "{}")
    changes = []
    for key in dict.fromkeys([*before, *after]):
        label = CHANGE_LABELS.get(key, key)
        changes.append(
            Change(
                label=str(label),
                before=_readable(key, before.get(key)),
                after=_readable(key, after.get(key)),
            )
        )
    return changes
