"""The first run: demo content that loads once, and every demo account logs in."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from markupsafe import escape
from sqlalchemy import func, select

from leerplatform import create_app
from leerplatform.accounts.models import User
from leerplatform.actions import services as actions
from leerplatform.actions.models import (
    ActionItem,
    ActionItemLink,
    ActionItemUpdate,
    ActionProposal,
    ActionStatus,
    LinkRole,
)
from leerplatform.clock import utcnow
from leerplatform.demo.actions import load_actions_demo
from leerplatform.demo.forum import PARTICIPANTS, load_forum_demo
from leerplatform.demo.moderation import load_moderation_demo
from leerplatform.demo.services import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_email, load_demo
from leerplatform.extensions import db
from leerplatform.following.models import Follow, Notification
from leerplatform.forum.models import (
    Post,
    PostRevision,
    Recommendation,
    Theme,
    Thread,
    ThreadKind,
    ThreadTheme,
)
from leerplatform.meetings import services as meetings
from leerplatform.meetings.models import AgendaItem, Meeting, MeetingResponse
from leerplatform.moderation import services as moderation
from leerplatform.moderation.models import AuditAction, AuditEntry, Report, Suspension
from leerplatform.outbox.models import OutboxMessage
from leerplatform.regions.models import Region
from leerplatform.regions.services import all_regions, region_by_code
from tests.conftest import Auth


def test_demo_loads_once(
    runner: FlaskCliRunner, client: FlaskClient, auth: Auth, app: Flask
) -> None:
    """One load serves several checks: the whole demo takes a few seconds to make."""
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "ouder@demo.leerplatform.nl" in first.output
    assert "deelnemer-01@demo.leerplatform.nl" in first.output
    assert "Demo-onderwerpen:" in first.output
    assert "Demo-actiepunten:" in first.output
    assert "Demo-meldingen:" in first.output
    assert "Demo-logboekregels:" in first.output
    assert "Demo-regiotafels: 2" in first.output

    for role in [role for role, *_ in DEMO_ACCOUNTS] + ["deelnemer-01"]:
        response = auth.login(demo_email(role), DEMO_PASSWORD)
        assert response.status_code == 302, role
        assert response.headers["Location"] == "/", role
        assert client.get("/mijn-gegevens").status_code == 200, role
        auth.logout()

    with app.app_context():
        hosts = [user.email for user in region_by_code("5515").hosts]
        resolved = db.session.scalars(
            select(ActionItem)
            .where(ActionItem.status == ActionStatus.OPGELOST.value)
            .order_by(ActionItem.id)
        ).first()
        assert resolved is not None
        linked = db.session.scalars(
            select(ActionItemLink.thread_id).where(ActionItemLink.action_item_id == resolved.id)
        ).first()
        proposed = [p.thread.title for p in actions.open_proposals(region_by_code("5515"))]
        notes = [report.note for report in moderation.report_queue([region_by_code("5515").id])]
        logged = {entry.action for entry in moderation.audit_entries(region_by_code("5515"))}
        labels = [str(AuditAction(action).label) for action in sorted(logged)]
    assert hosts == ["gastheer@demo.leerplatform.nl"]

    # The demo host sees what participants proposed, and a solved bottleneck says so.
    auth.login(demo_email("gastheer"), DEMO_PASSWORD)
    board = client.get("/regio/5515/actiepunten").get_data(as_text=True)
    assert proposed
    assert all(str(escape(title)) in board for title in proposed)
    thread_page = client.get(f"/onderwerp/{linked}").get_data(as_text=True)
    assert "Opgelost" in thread_page
    assert "zie actiepunt" in thread_page
    assert f"/actiepunt/{resolved.id}" in thread_page
    assert client.get(f"/actiepunt/{resolved.id}").status_code == 200
    assert client.get("/knelpuntenmonitor").status_code == 200

    # Reports wait in the Amsterdam queue, and the log tells what the host did before.
    queue = client.get("/regio/5515/moderatie").get_data(as_text=True)
    assert len(notes) >= 3
    assert f"{len(notes)} open meldingen" in queue
    assert all(note and str(escape(note)) in queue for note in notes)
    log = client.get("/regio/5515/logboek").get_data(as_text=True)
    assert len(labels) >= 5
    assert all(str(escape(label)) in log for label in labels)

    # Amsterdam's regiotafels: one held, with minutes and decisions, and one coming.
    with app.app_context():
        now = utcnow()
        held, coming = db.session.scalars(
            select(Meeting).where(Meeting.is_demo.is_(True)).order_by(Meeting.starts_at)
        ).all()
        assert held.ends_at < now < coming.starts_at
        assert held.has_minutes
        decisions = meetings.decisions_of(held)
        assert {d.kind for d in decisions} == {"aangemaakt", "voortgang"}
        decided_item = decisions[0].action_item_id
        agenda = meetings.agenda_of(coming)
        assert sum(e.status == "aangenomen" for e in agenda) >= 4
        assert any(e.status == "voorgesteld" for e in agenda)
        assert len(meetings.responses_of(coming)) >= 4
        held_id, coming_id = held.id, coming.id
    region_page = client.get("/regio/5515").get_data(as_text=True)
    assert f"/regiotafel/{coming_id}" in region_page
    assert f"/regiotafel/{held_id}#verslag" in region_page
    assert "Besloten aan de regiotafel" in client.get(f"/actiepunt/{decided_item}").get_data(
        as_text=True
    )
    assert "Voorgesteld door deelnemers" in client.get(f"/regiotafel/{coming_id}").get_data(
        as_text=True
    )
    auth.logout()

    # Each role account follows things and finds a few unread notifications, and some read.
    with app.app_context():
        for role in ("ouder", "zorgprofessional", "zorgaanbieder", "gastheer"):
            user = db.session.scalar(select(User).where(User.email == demo_email(role)))
            follows = db.session.scalar(
                select(func.count()).select_from(Follow).where(Follow.user_id == user.id)
            )
            unread, read = (
                db.session.scalar(
                    select(func.count())
                    .select_from(Notification)
                    .where(Notification.user_id == user.id, condition)
                )
                for condition in (Notification.read_at.is_(None), Notification.read_at.isnot(None))
            )
            assert follows >= 1, role
            assert 1 <= unread <= 10, role
            assert read >= 1, role
    auth.login(demo_email("ouder"), DEMO_PASSWORD)
    assert 'class="lp-count"' in client.get("/").get_data(as_text=True)
    assert "lp-notification--unread" in client.get("/meldingen").get_data(as_text=True)
    auth.logout()

    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert "al geladen" in second.output


def _counts() -> dict[str, int]:
    def count(model: type[db.Model]) -> int:
        return db.session.scalar(select(func.count()).select_from(model)) or 0

    return {
        "users": count(User),
        "threads": count(Thread),
        "posts": count(Post),
        "recommendations": count(Recommendation),
        "action_items": count(ActionItem),
        "action_updates": count(ActionItemUpdate),
        "action_links": count(ActionItemLink),
        "action_proposals": count(ActionProposal),
        "reports": count(Report),
        "audit_entries": count(AuditEntry),
        "suspensions": count(Suspension),
        "post_revisions": count(PostRevision),
        "outbox": count(OutboxMessage),
        "meetings": count(Meeting),
        "agenda_items": count(AgendaItem),
        "meeting_responses": count(MeetingResponse),
    }


def test_demo_forum_has_a_bit_of_everything(app: Flask) -> None:
    """Loaded once, checked for many things at the same time."""
    with app.app_context():
        assert len(load_demo()) == len(DEMO_ACCOUNTS) + len(PARTICIPANTS)
        db.session.commit()
        before = _counts()

        threads = db.session.scalars(select(Thread).where(Thread.is_demo.is_(True))).all()
        assert len(threads) >= 250
        assert before["threads"] == len(threads)

        all_codes = set(db.session.scalars(select(Region.code)))
        codes_with_threads = set(
            db.session.scalars(select(Region.code).join(Thread, Thread.region_id == Region.id))
        )
        assert len(all_codes) == 32
        assert codes_with_threads == all_codes
        per_region = Counter(thread.region_id for thread in threads)
        amsterdam, national = region_by_code("5515"), region_by_code("landelijk")
        busiest = {region_id for region_id, _n in per_region.most_common(2)}
        assert busiest == {amsterdam.id, national.id}
        assert any(t.is_pinned for t in threads if t.region_id == amsterdam.id)
        assert len({(t.region_id, t.title) for t in threads}) == len(threads)

        assert {t.kind for t in threads} == {kind.value for kind in ThreadKind}
        themes = set(db.session.scalars(select(ThreadTheme.theme)))
        assert themes == {theme.value for theme in Theme}
        assert all(1 <= len(t.theme_links) <= 3 for t in threads)

        posts = db.session.scalars(select(Post)).all()
        assert max(post.depth for post in posts) >= 3
        assert max(t.reply_count for t in threads) >= 30

        questions = [t for t in threads if t.kind == ThreadKind.VRAAG.value]
        answered = [t for t in questions if t.has_accepted_answer]
        assert 0.5 * len(questions) <= len(answered) < len(questions)
        accepted_posts = [post for post in posts if post.accepted_at is not None]
        assert {post.thread_id for post in accepted_posts} == {t.id for t in answered}
        assert len(accepted_posts) == len(answered)

        recommended = dict(
            db.session.execute(
                select(Recommendation.thread_id, func.count()).group_by(Recommendation.thread_id)
            ).all()
        )
        practices = [t for t in threads if t.kind == ThreadKind.GOED_VOORBEELD.value]
        assert any(t.recommendation_count > 0 for t in practices)
        assert max(t.recommendation_count for t in practices) <= 15
        assert all(t.recommendation_count == recommended.get(t.id, 0) for t in threads)
        assert set(recommended) <= {t.id for t in practices}
        authors = {t.id: t.author_id for t in threads}
        assert not db.session.scalar(
            select(func.count())
            .select_from(Recommendation)
            .join(Thread, Thread.id == Recommendation.thread_id)
            .where(Recommendation.user_id == Thread.author_id)
        )

        replies = (
            select(Thread.id, Thread.reply_count, func.count(Post.id))
            .outerjoin(Post, (Post.thread_id == Thread.id) & Post.is_opening.is_(False))
            .group_by(Thread.id, Thread.reply_count)
        )
        assert [row for row in db.session.execute(replies) if row[1] != row[2]] == []

        now = utcnow()
        by_id = {post.id: post for post in posts}
        by_thread = {t.id: t for t in threads}
        for post in posts:
            thread = by_thread[post.thread_id]
            assert post.created_at <= now
            if post.is_opening:
                assert post.created_at == thread.created_at
                assert post.author_id == authors[thread.id]
            else:
                parent_time = by_id[post.parent_id].created_at if post.parent_id else None
                assert post.created_at > (parent_time or thread.created_at)
        latest: dict[int, datetime] = {}
        for post in posts:
            latest[post.thread_id] = max(
                latest.get(post.thread_id, post.created_at), post.created_at
            )
        assert all(t.last_activity_at == latest[t.id] for t in threads)
        assert min(t.created_at for t in threads) < now - timedelta(days=240)

        _check_demo_action_items()
        _check_demo_moderation()

        assert load_demo() == []
        assert load_forum_demo() == 0
        assert load_actions_demo() == 0
        assert load_moderation_demo() == (0, 0)
        db.session.commit()
        assert _counts() == before


def _check_demo_action_items() -> None:
    """Action items in every status, with timelines that hang together."""
    now, today = utcnow(), utcnow().date()
    items = db.session.scalars(select(ActionItem).order_by(ActionItem.id)).all()
    assert 40 <= len(items) <= 60
    assert all(item.is_demo for item in items)
    statuses = Counter(item.status for item in items)
    assert set(statuses) == {status.value for status in ActionStatus}

    amsterdam, national = region_by_code("5515"), region_by_code("landelijk")
    host = amsterdam.hosts[0]
    home = {item.origin_region_id or item.region_id for item in items}
    assert len(home) >= 20
    assert any(item.region_id == national.id and not item.origin_region_id for item in items)

    for item in items:
        if item.status == ActionStatus.OPGELOST.value:
            assert item.resolution_source
            assert item.resolution_days == (item.resolved_at - item.created_at).days
        else:
            assert item.resolved_at is None
            assert item.resolution_days is None
        if item.status == ActionStatus.NIET_HAALBAAR.value:
            assert item.status_reason
        if item.status == ActionStatus.SAMENGEVOEGD.value:
            assert item.status_reason
            assert item.merged_into.status != ActionStatus.SAMENGEVOEGD.value

    escalated = [item for item in items if item.origin_region_id is not None]
    assert escalated
    assert all(item.region_id == national.id for item in escalated)
    assert {"vervoer", "hulpmiddelen"} & {t.value for item in escalated for t in item.themes}
    assert any(item.origin_region_id == amsterdam.id for item in escalated)

    assert any(item.status == "open" and item.is_overdue(today) for item in items)
    assert sum(item.is_overdue(today) for item in items) >= 3
    counts = actions.board_counts(amsterdam)
    assert counts.active >= 4
    assert counts.overdue >= 1
    assert sum(item.owner_id == host.id and item.is_active for item in items) >= 3

    proposals = actions.open_proposals(amsterdam)
    assert len(proposals) >= 2
    linked = set(db.session.scalars(select(ActionItemLink.thread_id)))
    assert all(p.proposed_by_id != host.id and p.thread_id not in linked for p in proposals)

    entries = db.session.scalars(
        select(ActionItemUpdate).order_by(ActionItemUpdate.created_at, ActionItemUpdate.id)
    ).all()
    by_item: dict[int, list[ActionItemUpdate]] = {}
    for entry in entries:
        by_item.setdefault(entry.action_item_id, []).append(entry)
    for item in items:
        timeline = by_item[item.id]
        assert timeline[0].kind == "aangemaakt"
        assert item.update_count == len(timeline)
        assert item.last_activity_at == timeline[-1].created_at
        assert item.created_at <= timeline[0].created_at
        assert timeline[-1].created_at <= now
    assert len({entry.author_id for entry in entries if entry.kind == "voortgang"}) >= 15
    assert max(item.update_count for item in items) >= 8
    assert max(i.created_at for i in items) - min(i.created_at for i in items) > timedelta(days=200)

    links = db.session.scalars(select(ActionItemLink)).all()
    assert sum(link.role == LinkRole.OPLOSSING.value for link in links) >= 20
    assert all(link.created_at >= link.thread.created_at for link in links)
    sources = {link.action_item_id for link in links if link.role == LinkRole.KNELPUNT.value}
    assert all(item.id in sources for item in items if item.is_active)

    start, end = actions.default_period()
    report = actions.monitor(start=start, end=end, regions=all_regions())
    assert sum(row.median_days is not None for row in report.by_theme) >= 4
    assert len({row.region.id for row in report.rows if row.items}) >= 15


def _check_demo_moderation() -> None:
    """Open reports by different people, and a log whose moments follow what they are about."""
    now = utcnow()
    amsterdam = region_by_code("5515")
    host = amsterdam.hosts[0]
    reports = db.session.scalars(select(Report).order_by(Report.id)).all()
    waiting = [r for r in reports if r.decided_at is None]
    assert all(r.region_id == amsterdam.id for r in waiting)
    assert len({r.reporter_id for r in waiting}) == len(waiting) >= 3
    assert {"privacy", "reclame", "onvriendelijk"} <= {r.reason for r in waiting}
    assert {r.decision for r in reports if r.decided_at} == {
        "verborgen",
        "afgewezen",
        "gewaarschuwd",
        "geschorst",
    }
    for r in reports:
        assert r.note
        assert r.reporter_id != r.post.author_id
        assert r.post.thread.is_demo
        assert r.post.created_at < r.created_at <= now
        assert r.decided_at is None or r.created_at <= r.decided_at <= now

    entries = db.session.scalars(
        select(AuditEntry).order_by(AuditEntry.created_at, AuditEntry.id)
    ).all()
    assert {e.region_id for e in entries} == {amsterdam.id}
    assert {e.actor_id for e in entries} == {host.id}
    assert len({e.action for e in entries}) >= 10
    assert all(e.reason and e.created_at <= now for e in entries)
    assert entries[-1].created_at - entries[0].created_at > timedelta(days=90)
    posts = {e.post_id: db.session.get(Post, e.post_id) for e in entries if e.post_id}
    assert all(posts[e.post_id].created_at < e.created_at for e in entries if e.post_id)
    order = [e.action for e in entries]
    for first, then in (("waarschuwen", "schorsen"), ("schorsen", "schorsing_opheffen")):
        assert order.index(first) < order.index(then)
    moved = next(e for e in entries if e.action == "verplaatsen")
    assert moved.thread.region_id != amsterdam.id

    (suspension,) = db.session.scalars(select(Suspension)).all()
    assert suspension.created_at < suspension.lifted_at < suspension.until < now
    assert not db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")
    )


def test_demo_content_is_never_loaded_in_production(schema: str) -> None:
    app = create_app(
        {
            "ENV_NAME": "production",
            "DEMO_ALLOWED": False,
            "TWO_STEP_REQUIRED_FOR_MODERATORS": True,
            "SECRET_KEY": "x" * 40,
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        }
    )
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "nooit in productie" in result.output
