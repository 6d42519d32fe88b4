"""Drill: 8 writers post 1,000 replies each into one thread at the same time (PostgreSQL).

Every reply must be stored, and the thread's stored counters must match its rows: the reply
count is the number of replies, the last activity the time of the newest reply.
"""

from __future__ import annotations

import multiprocessing
import os

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from leerplatform.extensions import db
from leerplatform.forum.models import Post, Thread
from leerplatform.forum.services import start_thread
from leerplatform.regions.services import region_by_code
from tests.drills.writers import write_replies
from tests.factories import make_user

WRITERS = int(os.environ.get("DRILL_WRITERS", "8"))
REPLIES = int(os.environ.get("DRILL_REPLIES", "1000"))
TIME_LIMIT = 480


def test_concurrent_writers_keep_every_reply_and_the_counters(app: Flask, regions: None) -> None:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if make_url(url).get_backend_name() != "postgresql":
        pytest.skip("the writers drill runs on PostgreSQL: set TEST_DATABASE_URL")
    with app.app_context():
        region = region_by_code("5515")
        assert region is not None
        writers = [make_user(email=f"schrijver{n}@example.nl") for n in range(WRITERS)]
        thread = start_thread(
            region=region,
            author=writers[0],
            title="Drukte in één onderwerp",
            kind="ervaring",
            themes=["logeren"],
            body="Iedereen reageert tegelijk.",
        )
        db.session.commit()
        thread_id, user_ids = thread.id, [w.id for w in writers]
        db.session.remove()

    context = multiprocessing.get_context("spawn")
    with context.Pool(WRITERS) as pool:
        pending = pool.starmap_async(
            write_replies, [(url, user_id, thread_id, REPLIES) for user_id in user_ids]
        )
        made = pending.get(timeout=TIME_LIMIT)
    assert made == [REPLIES] * WRITERS

    with app.app_context():
        stored = db.session.get(Thread, thread_id)
        assert stored is not None
        replies = select(Post).where(Post.thread_id == thread_id, Post.is_opening.is_(False))
        count = db.session.scalar(select(func.count()).select_from(replies.subquery()))
        newest = db.session.scalar(
            select(func.max(Post.created_at)).where(Post.thread_id == thread_id)
        )
        per_writer = dict(
            db.session.execute(
                select(Post.author_id, func.count())
                .where(Post.thread_id == thread_id, Post.is_opening.is_(False))
                .group_by(Post.author_id)
            ).all()
        )
        assert count == WRITERS * REPLIES
        assert per_writer == dict.fromkeys(user_ids, REPLIES)
        assert stored.reply_count == count
        assert stored.last_activity_at == newest
