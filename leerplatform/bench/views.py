"""Only with ``LEERPLATFORM_BENCH`` on: the ceiling page and the query count of each response.

The ceiling is the least a page of this app can do: one indexed query (a region's 20 latest
threads with their authors) and a small template. The benchmark compares every page with it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, g, has_request_context, render_template, request
from sqlalchemy import event, literal_column, select
from werkzeug.wrappers import Response

from leerplatform.accounts.models import User
from leerplatform.extensions import db
from leerplatform.forum.models import Thread
from leerplatform.regions.models import Region

bp = Blueprint("bench", __name__)

QUERY_COUNT_HEADER = "X-Query-Count"


@bp.route("/bench/plafond")
def ceiling() -> str:
    # The region's id as a subquery, not a join: PostgreSQL then walks the listing index
    # backwards and stops after 20 rows (a join made it sort all of a region's threads).
    region_id = select(Region.id).where(Region.code == request.args.get("regio", ""))
    rows = db.session.execute(
        select(Thread.id, Thread.title, Thread.last_activity_at, User.display_name)
        .outerjoin(User, User.id == Thread.author_id)
        .where(Thread.region_id == region_id.scalar_subquery())
        .order_by(Thread.is_pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())
        # Written into the statement, as the region page does: PostgreSQL then plans the
        # prepared statement once, not on every request.
        .limit(literal_column("20"))
    ).all()
    return render_template("bench/ceiling.html", rows=rows)


def _count_statement(*_args: Any) -> None:
    if has_request_context():
        g.bench_queries = g.get("bench_queries", 0) + 1


def _add_query_count(response: Response) -> Response:
    response.headers[QUERY_COUNT_HEADER] = str(g.get("bench_queries", 0))
    return response


def register_bench(app: Flask) -> None:
    """Add the ceiling page and the ``X-Query-Count`` header; never called in production."""
    app.register_blueprint(bp)
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", _count_statement)
    app.after_request(_add_query_count)
