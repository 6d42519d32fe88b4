"""Demo content: one account per role, the Amsterdam host, participants, forum threads,
action items, reports and a log for the Amsterdam host, places, and Amsterdam's regiotafels."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from leerplatform.accounts.models import ParticipantKind, User
from leerplatform.accounts.services import create_user, record_consent
from leerplatform.clock import utcnow
from leerplatform.extensions import db
from leerplatform.regions.services import appoint_host, import_reference_data, region_by_code

DEMO_DOMAIN = "demo.leerplatform.nl"
DEMO_PASSWORD = "demo-leerplatform"  # noqa: S105 - published in the README on purpose

# (role, display name, kind of participant, home region code)
DEMO_ACCOUNTS = [
    ("ouder", "Moeder van Sem (demo)", ParticipantKind.OUDER, "5515"),
    ("zorgprofessional", "Verpleegkundige Anouk (demo)", ParticipantKind.ZORGPROFESSIONAL, "5515"),
    ("zorgaanbieder", "Logeerhuis De Linde (demo)", ParticipantKind.ZORGAANBIEDER, "5513"),
    ("gastheer", "Gastheer Zilveren Kruis Amsterdam (demo)", ParticipantKind.ZORGKANTOOR, "5515"),
    ("beheerder", "Beheerder leerplatform (demo)", ParticipantKind.OVERIG, "5515"),
]


def demo_email(role: str) -> str:
    return f"{role}@{DEMO_DOMAIN}"


def load_demo() -> list[str]:
    """Add what is missing; return the e-mail addresses of the accounts it made. Caller commits.

    The role accounts come first, then the demo participants; the forum threads, the action
    items made of them and the Amsterdam moderation follow.
    """
    import_reference_data()
    existing = set(
        db.session.scalars(select(User.email).where(User.email.like(f"%@{DEMO_DOMAIN}")))
    )
    created: list[str] = []
    for role, name, kind, region_code in DEMO_ACCOUNTS:
        email = demo_email(role)
        if email in existing:
            continue
        region = region_by_code(region_code)
        user = create_user(
            email=email,
            password=DEMO_PASSWORD,
            display_name=name,
            participant_kind=kind,
            home_region=region,
            verified=True,
            is_admin=role == "beheerder",
        )
        record_consent(user=user)
        if role == "gastheer" and region is not None:
            appoint_host(region=region, user=user, appointed_by=None)
        created.append(email)
    db.session.flush()
    # Imported here: the forum demo uses this module's constants.
    from leerplatform.demo.actions import load_actions_demo
    from leerplatform.demo.forum import add_demo_participants, load_forum_demo
    from leerplatform.demo.meetings import load_meetings_demo
    from leerplatform.demo.moderation import load_moderation_demo
    from leerplatform.demo.places import load_place_stories, load_places_demo

    created += add_demo_participants()
    load_forum_demo()
    load_actions_demo()
    load_moderation_demo()
    load_places_demo()
    load_place_stories()
    load_meetings_demo()
    settle_demo_notifications()
    return created


def settle_demo_notifications(read_after_days: int = 3) -> None:
    """Date the demo's notifications at the post or step they are about, and mark all but the
    last few days read, as if the demo people had been reading along. No e-mail goes out for
    them. Caller commits."""
    from leerplatform.actions.models import ActionItem, ActionItemUpdate
    from leerplatform.following.models import Notification
    from leerplatform.forum.models import Post

    pending = Notification.mail_state.in_(["direct", "digest"])
    moments = [
        (
            Notification.post_id.is_not(None),
            select(Post.created_at).where(Post.id == Notification.post_id),
        ),
        (
            Notification.update_id.is_not(None),
            select(ActionItemUpdate.created_at).where(
                ActionItemUpdate.id == Notification.update_id
            ),
        ),
        (
            Notification.update_id.is_(None) & Notification.action_item_id.is_not(None),
            select(ActionItem.created_at).where(ActionItem.id == Notification.action_item_id),
        ),
    ]
    for about, moment in moments:
        db.session.execute(
            update(Notification)
            .where(pending, about)
            .values(created_at=moment.scalar_subquery())
            .execution_options(synchronize_session=False)
        )
    db.session.execute(
        update(Notification)
        .where(pending, Notification.created_at < utcnow() - timedelta(days=read_after_days))
        .values(read_at=Notification.created_at)
        .execution_options(synchronize_session=False)
    )
    # The role accounts of the README find a few unread notifications when they log in.
    for role in ("ouder", "zorgprofessional", "zorgaanbieder", "gastheer", "beheerder"):
        latest = (
            select(Notification.id)
            .join(User, User.id == Notification.user_id)
            .where(pending, User.email == demo_email(role))
            .order_by(Notification.created_at.desc())
            .limit(5)
        )
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(list(db.session.scalars(latest))))
            .values(read_at=None)
            .execution_options(synchronize_session=False)
        )
    db.session.execute(
        update(Notification)
        .where(pending)
        .values(mail_state="geen")
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
