"""Leerplatform ZEVMB: the application factory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app, g, has_request_context, render_template, request, session
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from leerplatform import config as settings
from leerplatform import fragments, i18n, reads, templating
from leerplatform.accounts.cli import users_cli
from leerplatform.accounts.models import ParticipantKind, User
from leerplatform.accounts.services import load_reader
from leerplatform.accounts.two_step import gate_host_powers
from leerplatform.accounts.views import bp as accounts_bp
from leerplatform.actions.views import bp as actions_bp
from leerplatform.admin.views import bp as admin_bp
from leerplatform.bench.cli import bench_cli
from leerplatform.bench.views import register_bench
from leerplatform.clock import format_moment
from leerplatform.demo.cli import demo_cli
from leerplatform.extensions import babel, csrf, db, login_manager, migrate
from leerplatform.following.cli import digest_cli
from leerplatform.following.services import unread_count
from leerplatform.following.views import bp as following_bp
from leerplatform.forum.views import bp as forum_bp
from leerplatform.limits import register_rate_limits
from leerplatform.meetings.cli import meetings_cli
from leerplatform.meetings.views import bp as meetings_bp
from leerplatform.moderation.views import bp as moderation_bp
from leerplatform.outbox.cli import outbox_cli
from leerplatform.pages.views import bp as pages_bp
from leerplatform.permissions import TEMPLATE_PREDICATES
from leerplatform.places.cli import places_cli
from leerplatform.places.views import bp as places_bp
from leerplatform.privacy.cli import privacy_cli
from leerplatform.privacy.views import bp as privacy_bp
from leerplatform.regions.cli import regions_cli
from leerplatform.regions.views import bp as regions_bp
from leerplatform.search.cli import search_cli
from leerplatform.search.views import bp as search_bp
from leerplatform.security import add_security_headers


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, error pages, template helpers, commands."""
    # templates/ and static/ sit beside the package, at the top of the repository.
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    app.jinja_environment = templating.Environment
    app.config.update(settings.from_environment(os.environ, app.instance_path))
    app.config.update(config or {})
    settings.check(app.config)
    os.makedirs(app.instance_path, exist_ok=True)
    if app.config.get("PROXY_COUNT"):
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    register_extensions(app)
    add_security_headers(app)
    register_blueprints(app)
    if app.config.get("BENCH"):
        register_bench(app)
    app.before_request(gate_host_powers)
    register_rate_limits(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def select_locale() -> str:
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    choice = session.get("locale")
    return choice if choice in current_app.config["LANGUAGES"] else "nl"


def load_user(user_id: str) -> User | None:
    user = load_reader(user_id)
    if user is not None:
        # The number in the header, as it was when the request began (marking read is a POST
        # followed by a new page).
        g.unread = user.unread_on_load
    return user


def end_session_quietly(error: BaseException | None) -> None:
    """End the request's session, also when the database went away after the last query: the
    answer is ready and must not become a bare error page. The pool drops the dead connection.
    A request that only read commits (see :mod:`leerplatform.reads`); any other rolls back.

    Runs before Flask-SQLAlchemy's own teardown (registered later, so called first)."""
    try:
        if error is None:
            reads.end_read_only(db.session())
    except SQLAlchemyError:
        pass  # remove() below rolls back, or finds the connection gone
    try:
        db.session.remove()
    except SQLAlchemyError:
        db.session.registry.clear()


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            reads.track_writes(engine)
    app.teardown_appcontext(end_session_quietly)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "..", "migrations"))
    csrf.init_app(app)
    babel.init_app(
        app, locale_selector=select_locale, default_translation_directories="translations"
    )
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Log in to see this page.")
    login_manager.login_message_category = "info"


def register_blueprints(app: Flask) -> None:
    for blueprint in (
        moderation_bp,
        pages_bp,
        accounts_bp,
        regions_bp,
        forum_bp,
        actions_bp,
        places_bp,
        search_bp,
        meetings_bp,
        following_bp,
        privacy_bp,
        admin_bp,
    ):
        app.register_blueprint(blueprint)


def register_error_handlers(app: Flask) -> None:
    def render_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        template = f"errors/{code}.html" if code in (400, 403, 404, 405, 500) else "errors/500.html"
        return render_template(template, error=error), code

    def render_csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_template("errors/csrf.html", error=error), 400

    app.register_error_handler(CSRFError, render_csrf_error)
    app.register_error_handler(HTTPException, render_error)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(TEMPLATE_PREDICATES)
    app.jinja_env.globals["ParticipantKind"] = ParticipantKind
    # The reader as a global too (a proxy, so always this request's): the macro files then need
    # no "with context" to see it, and Jinja keeps each imported macro file instead of running
    # it again for every page.
    app.jinja_env.globals["current_user"] = current_user
    app.jinja_env.filters["datetimeformat"] = format_moment
    i18n.install(app)
    app.jinja_env.globals.update(
        remembered=fragments.remembered,
        form_token_slot=fragments.FORM_TOKEN_SLOT,
        region_key=fragments.region_key,
        item_list_key=fragments.item_list_key,
        hit_key=fragments.hit_key,
        board_counts_key=fragments.board_counts_key,
        thread_row_key=fragments.thread_row_key,
        thread_list_key=fragments.thread_list_key,
        reply_list_key=fragments.reply_list_key,
        post_key=fragments.post_key,
        monitor_key=fragments.monitor_key,
    )

    @app.context_processor
    def page_context() -> dict[str, Any]:
        return {
            "unread_notifications": _unread_notifications,
            "current_locale": str(get_locale() or "nl"),
            "request_path": request.full_path.rstrip("?") if has_request_context() else "/",
        }


def _unread_notifications() -> int:
    """The number in the header: read with the reader (``load_user``), else one query."""
    if not current_user.is_authenticated:
        return 0
    if "unread" not in g:
        g.unread = unread_count(current_user)
    return int(g.unread)


def register_commands(app: Flask) -> None:
    for group in (
        users_cli,
        regions_cli,
        outbox_cli,
        digest_cli,
        privacy_cli,
        demo_cli,
        places_cli,
        search_cli,
        meetings_cli,
        bench_cli,
    ):
        app.cli.add_command(group)
