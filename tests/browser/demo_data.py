"""The demo content for the audit, and the ids of the things its pages are about.

The demo loader of ``flask demo load`` makes the content; on top of it the host and the admin
get two-step verification (as production requires), and a few links are made that only a mail
would carry (a password reset, an e-mail confirmation).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyotp
from sqlalchemy import select

from leerplatform.accounts.models import ParticipantKind, User
from leerplatform.accounts.services import create_user, record_consent
from leerplatform.accounts.tokens import make_reset_token, make_verify_token
from leerplatform.accounts.two_step import enable_two_step
from leerplatform.actions.models import ActionItem, ActionItemLink, ActionProposal, ActionStatus
from leerplatform.clock import utcnow
from leerplatform.demo.services import DEMO_PASSWORD, demo_email, load_demo
from leerplatform.extensions import db
from leerplatform.forum.models import Post, PostRevision, Thread, ThreadKind
from leerplatform.meetings.models import Meeting
from leerplatform.moderation import services as moderation
from leerplatform.moderation.models import Report, Suspension
from leerplatform.places.models import Place, PlaceStatus
from leerplatform.regions.models import Municipality, Region
from leerplatform.regions.services import region_by_code

REGION = "5515"


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    totp_secret: str | None = None


@dataclass(frozen=True)
class DemoRefs:
    """What the audited pages need: accounts, and ids to put in addresses."""

    accounts: dict[str, Account]
    ids: dict[str, int | str]


def seed_demo() -> DemoRefs:
    """Load the demo, give the host and the admin two-step verification, and find the ids."""
    load_demo()
    db.session.flush()
    accounts = {
        "parent": Account(demo_email("ouder"), DEMO_PASSWORD),
        "host": Account(demo_email("gastheer"), DEMO_PASSWORD, _two_step(demo_email("gastheer"))),
        "admin": Account(
            demo_email("beheerder"), DEMO_PASSWORD, _two_step(demo_email("beheerder"))
        ),
    }
    parent = _user(demo_email("ouder"))
    newcomer = create_user(
        email="nieuw@example.nl",
        password=DEMO_PASSWORD,
        display_name="Nieuwe ouder",
        participant_kind=ParticipantKind.OUDER,
        home_region=region_by_code(REGION),
        verified=False,
        is_admin=False,
    )
    record_consent(user=newcomer)
    db.session.flush()
    region = region_by_code(REGION)
    assert region is not None
    in_region = Thread.region_id == region.id

    resolved_thread = db.session.scalar(
        select(Thread.id)
        .join(ActionItemLink, ActionItemLink.thread_id == Thread.id)
        .join(ActionItem, ActionItem.id == ActionItemLink.action_item_id)
        .where(in_region, ActionItem.status == ActionStatus.OPGELOST.value)
        .order_by(Thread.id)
        .limit(1)
    )
    bottleneck = db.session.scalar(
        select(Thread.id)
        .where(in_region, Thread.kind == ThreadKind.KNELPUNT.value, Thread.reply_count > 2)
        .order_by(Thread.reply_count.desc())
        .limit(1)
    )
    question = db.session.scalar(
        select(Thread.id)
        .where(in_region, Thread.kind == ThreadKind.VRAAG.value)
        .order_by(Thread.has_accepted_answer.desc(), Thread.id)
        .limit(1)
    )
    good_practice = db.session.scalar(
        select(Thread.id)
        .where(in_region, Thread.kind == ThreadKind.GOED_VOORBEELD.value)
        .order_by(Thread.recommendation_count.desc(), Thread.id)
        .limit(1)
    )
    others_reply = db.session.scalar(
        select(Post.id)
        .join(Thread, Thread.id == Post.thread_id)
        .where(
            in_region,
            Post.is_opening.is_(False),
            Post.deleted_at.is_(None),
            Post.hidden_at.is_(None),
            Post.author_id.in_(select(User.id).where(User.email.like("deelnemer-%"))),
        )
        .order_by(Post.id)
        .limit(1)
    )
    own_post = db.session.scalar(
        select(Post.id)
        .where(Post.author_id == parent.id, Post.deleted_at.is_(None), Post.hidden_at.is_(None))
        .order_by(Post.id)
        .limit(1)
    )
    revised_post = db.session.scalar(
        select(PostRevision.post_id).order_by(PostRevision.id).limit(1)
    )
    active_item = db.session.scalar(
        select(ActionItem.id)
        .where(
            ActionItem.region_id == region.id,
            ActionItem.status == ActionStatus.IN_BEHANDELING.value,
        )
        .order_by(ActionItem.update_count.desc())
        .limit(1)
    )
    resolved_item = db.session.scalar(
        select(ActionItem.id)
        .where(ActionItem.region_id == region.id, ActionItem.status == ActionStatus.OPGELOST.value)
        .limit(1)
    )
    report = db.session.scalar(
        select(Report.id).where(Report.region_id == region.id, Report.decided_at.is_(None)).limit(1)
    )
    proposal = db.session.scalar(
        select(ActionProposal.id)
        .where(ActionProposal.region_id == region.id, ActionProposal.decided_at.is_(None))
        .limit(1)
    )
    suspension = _suspension(region, exclude=[parent.id, _author(others_reply)])
    place = db.session.scalar(
        select(Place.id)
        .where(Place.region_id == region.id, Place.status == PlaceStatus.GOEDGEKEURD.value)
        .limit(1)
    )
    municipality = db.session.scalar(
        select(Municipality.id).where(Municipality.region_id == region.id).limit(1)
    )
    place_with_stories = db.session.scalar(
        select(Thread.place_id).where(in_region, Thread.place_id.isnot(None)).limit(1)
    )
    now = utcnow()
    past_meeting = db.session.scalar(
        select(Meeting.id)
        .where(Meeting.region_id == region.id, Meeting.starts_at < now)
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )
    next_meeting = db.session.scalar(
        select(Meeting.id)
        .where(Meeting.region_id == region.id, Meeting.starts_at >= now)
        .order_by(Meeting.starts_at)
        .limit(1)
    )
    ids: dict[str, int | str] = {
        "region": REGION,
        "resolved_thread": resolved_thread,
        "bottleneck": bottleneck,
        "question": question,
        "good_practice": good_practice,
        "others_reply": others_reply,
        "own_post": own_post,
        "revised_post": revised_post,
        "active_item": active_item,
        "resolved_item": resolved_item,
        "report": report,
        "proposal": proposal,
        "suspension": suspension,
        "place": place,
        "municipality": municipality,
        "place_with_stories": place_with_stories,
        "past_meeting": past_meeting,
        "next_meeting": next_meeting,
        "reset_token": make_reset_token(parent),
        "verify_token": make_verify_token(newcomer, newcomer.email),
    }
    missing = [name for name, value in ids.items() if value is None]
    assert not missing, f"the demo content has no {missing}"
    db.session.commit()
    return DemoRefs(accounts=accounts, ids=ids)


def _author(post_id: int | None) -> int | None:
    return db.session.scalar(select(Post.author_id).where(Post.id == post_id))


def _suspension(region: Region, *, exclude: list[int | None]) -> int:
    """A participant of the region suspended now (the demo's suspension ran out long ago)."""
    someone = db.session.scalar(
        select(User)
        .where(User.email.like("deelnemer-%"), User.id.not_in([i for i in exclude if i]))
        .order_by(User.id)
        .limit(1)
    )
    host = _user(demo_email("gastheer"))
    assert someone is not None
    moderation.suspend(
        user=someone, region=region, host=host, days=7, reason="Herhaaldelijk onvriendelijk."
    )
    return int(
        db.session.scalar(
            select(Suspension.id)
            .where(Suspension.user_id == someone.id, Suspension.lifted_at.is_(None))
            .order_by(Suspension.id.desc())
        )
        or 0
    )


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None, email
    return user


def _two_step(email: str) -> str:
    """Turn on two-step verification for a demo account; return the secret an app would hold."""
    secret = pyotp.random_base32()
    codes = enable_two_step(user=_user(email), secret=secret, code=pyotp.TOTP(secret).now())
    assert codes is not None
    _user(email).totp_last_step = None  # the browser logs in with the current code again
    return secret
