"""E-mail about notifications: one per event, or a daily digest, through the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask_babel import gettext as _

from leerplatform.accounts.models import User
from leerplatform.extensions import db
from leerplatform.following import services
from leerplatform.following.models import EmailFrequency, Notification, NotificationKind
from leerplatform.outbox.services import absolute_url, queue_mail
from leerplatform.text import plain_text

EXCERPT_LENGTH = 300


def subject_of(notification: Notification) -> str:
    kind = notification.kind_enum
    thread = notification.thread
    item = notification.action_item
    if kind is NotificationKind.REACTIE and thread is not None:
        return _("New reply to “%(title)s”", title=thread.title)
    if kind is NotificationKind.NIEUW_ONDERWERP and thread is not None:
        return _("New in %(space)s: “%(title)s”", space=_space(notification), title=thread.title)
    if item is not None:
        if kind is NotificationKind.OPGELOST:
            return _("Resolved: “%(title)s”", title=item.title)
        if kind is NotificationKind.STATUS:
            return _(
                "Action item “%(title)s” is now: %(status)s",
                title=item.title,
                status=item.status_enum.label.lower(),
            )
        if kind is NotificationKind.NIEUW_ACTIEPUNT:
            return _("New action item: “%(title)s”", title=item.title)
        return _("Progress on “%(title)s”", title=item.title)
    return _("Something new on the learning platform")


def _space(notification: Notification) -> str:
    region = notification.region
    if region is None:
        return ""
    return _("the national space") if region.is_national else region.name


def describe(notification: Notification) -> str:
    """One sentence: who did what, where. For the notification list and the e-mails."""
    actor = notification.actor.display_name if notification.actor else _("Someone")
    kind = notification.kind_enum
    thread = notification.thread
    item = notification.action_item
    if kind is NotificationKind.REACTIE and thread is not None:
        return _("%(actor)s replied in “%(title)s”.", actor=actor, title=thread.title)
    if kind is NotificationKind.NIEUW_ONDERWERP and thread is not None:
        return _(
            "%(actor)s started “%(title)s” in %(space)s.",
            actor=actor,
            title=thread.title,
            space=_space(notification),
        )
    if item is not None:
        if kind is NotificationKind.OPGELOST:
            return _("%(actor)s resolved action item “%(title)s”.", actor=actor, title=item.title)
        if kind is NotificationKind.STATUS:
            update = notification.update
            status = update.to_status_enum if update is not None else None
            return _(
                "%(actor)s changed the status of “%(title)s” to %(status)s.",
                actor=actor,
                title=item.title,
                status=(status or item.status_enum).label.lower(),
            )
        if kind is NotificationKind.NIEUW_ACTIEPUNT:
            return _("%(actor)s made action item “%(title)s”.", actor=actor, title=item.title)
        return _("%(actor)s added progress to “%(title)s”.", actor=actor, title=item.title)
    return _("Something changed that you follow.")


def excerpt(notification: Notification) -> str:
    """The first words of the reply or progress note, as plain text."""
    source = ""
    if notification.post is not None and not notification.post.is_deleted:
        if notification.post.is_hidden:
            return ""
        source = notification.post.body_source
    elif notification.update is not None:
        source = notification.update.body_source
    return plain_text(source, limit=EXCERPT_LENGTH) if source else ""


def _unsubscribe_headers(user: User) -> tuple[str, dict[str, str]]:
    url = absolute_url("following.unsubscribe", token=services.unsubscribe_token(user))
    return url, {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def queue_event_mails(limit: int = 100) -> int:
    """Render the e-mails of notifications marked 'direct' into the outbox; return how many.

    Claimed with SKIP LOCKED on PostgreSQL, and marked in the same transaction as the outbox
    rows, so two workers never queue the same e-mail and a crash queues it later, once.
    """
    batch = services.due_for_mail(limit)
    queued = 0
    for notification in batch:
        user = notification.user
        if user.email_frequency != EmailFrequency.DIRECT.value or not user.is_verified:
            # The person chose otherwise meanwhile: the daily digest takes it, or nothing does.
            daily = user.email_frequency == EmailFrequency.DAGELIJKS.value and user.is_verified
            notification.mail_state = "digest" if daily else "geen"
            continue
        unsubscribe_url, headers = _unsubscribe_headers(user)
        queue_mail(
            to=user.email,
            subject=subject_of(notification),
            template="notification",
            headers=headers,
            user=user,
            notification=notification,
            sentence=describe(notification),
            excerpt=excerpt(notification),
            link=absolute_url("following.open_notification", notification_id=notification.id),
            settings_url=absolute_url("following.settings"),
            unsubscribe_url=unsubscribe_url,
        )
        notification.mail_state = "verstuurd"
        queued += 1
    db.session.flush()
    return queued


def send_digest(user: User, notifications: Sequence[Notification]) -> None:
    unsubscribe_url, headers = _unsubscribe_headers(user)
    queue_mail(
        to=user.email,
        subject=_("What is new for you on the learning platform (%(num)d)", num=len(notifications)),
        template="digest",
        headers=headers,
        user=user,
        entries=[
            (
                describe(n),
                excerpt(n),
                absolute_url("following.open_notification", notification_id=n.id),
            )
            for n in notifications
        ],
        settings_url=absolute_url("following.settings"),
        unsubscribe_url=unsubscribe_url,
    )
    services.mark_mailed(notifications)


def send_digests(now: datetime) -> int:
    """Each person's daily digest of what they have not read yet; one transaction each."""
    sent = 0
    for user_id in services.digest_candidates(now):
        user = db.session.get(User, user_id)
        notifications = services.digest_of(user_id, now)
        if user is not None and notifications:
            send_digest(user, notifications)
            sent += 1
        db.session.commit()
    return sent
