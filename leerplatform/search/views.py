"""``/zoeken``: one search box over conversations, action items and places."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from leerplatform.actions.models import STATUS_LABELS
from leerplatform.forum.models import THEME_LABELS, THREAD_KIND_LABELS
from leerplatform.search import services
from leerplatform.search.services import MAX_QUERY_LENGTH, SCOPES

bp = Blueprint("search", __name__)


@bp.route("/zoeken")
def index() -> tuple[str, int]:
    query = request.args.get("q", "").strip()
    regions = services.spaces()
    search_filter = services.search_filter_from_args(request.args, regions)
    too_long = len(query) > MAX_QUERY_LENGTH
    results = None
    if query and not too_long:
        results = services.search(
            query=query,
            user=current_user,
            spaces=regions,
            search_filter=search_filter,
            page=request.args.get("pagina", 1, type=int),
        )
    args = {
        key: value
        for key, value in request.args.items()
        if key in ("q", "regio", "soort", "thema", "status", "in") and value
    }
    return render_template(
        "search/index.html",
        query=query,
        too_long=too_long,
        max_length=MAX_QUERY_LENGTH,
        results=results,
        search_filter=search_filter,
        args=args,
        regions=regions,
        scopes=SCOPES,
        kind_labels=THREAD_KIND_LABELS,
        theme_labels=THEME_LABELS,
        status_labels=STATUS_LABELS,
        national=next((region for region in regions if region.is_national), None),
    ), (400 if too_long else 200)
