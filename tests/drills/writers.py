"""One writer of the concurrent-writers drill, run in a process of its own."""

from __future__ import annotations

from leerplatform import create_app
from leerplatform.accounts.models import User
from leerplatform.extensions import db
from leerplatform.forum.models import Post, Thread
from leerplatform.forum.services import new_submission_key, reply_to


def write_replies(database_url: str, user_id: int, thread_id: int, count: int) -> int:
    """Post ``count`` replies through the forum service, one transaction each, as the reply
    view does; every third answers this writer's previous reply. Returns the replies made."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "drill-" * 8, "TESTING": True}
    )
    made = 0
    with app.test_request_context("/"):
        author = db.session.get(User, user_id)
        previous: Post | None = None
        for number in range(count):
            thread = db.session.get(Thread, thread_id)
            assert author is not None
            assert thread is not None
            parent = previous if number % 3 == 2 else None
            previous = reply_to(
                thread=thread,
                author=author,
                body=f"Reactie {number} van schrijver {user_id}.",
                parent=parent,
                submission_key=new_submission_key(),
            )
            db.session.commit()
            made += 1
        db.session.remove()
        db.engine.dispose()
    return made
