"""Rate limits on the forms that can be abused: logging in, registering, password reset,
posting and reporting; a brake on repeated wrong passwords for one e-mail address, and one on
wrong two-step codes for one account.

The limits wrap the existing views from outside (``app.view_functions``), so the features keep
no knowledge of them. Counts live in Redis when ``REDIS_URL`` is set, so all workers share them;
otherwise in the memory of each process. Someone who hits a limit gets a Dutch page that says
when to try again, with status 429 and a ``Retry-After`` header.

Privacy: the app stores no IP addresses (issue 8). A limit for someone who is not logged in
counts per network address, but the counter's key holds a keyed hash of the address (never the
address itself), and the counter disappears when its window ends: an hour at most. The same
goes for the e-mail addresses counted by the wrong-password brake.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any

from flask import Flask, current_app, make_response, render_template, request, session
from flask_babel import format_time, format_timedelta
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import RateLimitItem, RateLimitItemPerMinute
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from leerplatform.accounts.services import normalize_email
from leerplatform.accounts.two_step import pending_marker

log = logging.getLogger(__name__)

# Per network address: every attempt counts, right or wrong. Ten a minute is more than anyone
# types by hand; fifty an hour leaves room for a meeting where parents log in on one Wi-Fi.
LOGIN_PER_ADDRESS = "10 per minute; 50 per hour"
# Per network address, counting only registrations that went through (a form sent back with a
# mistake does not count): a meeting can register a group, a script cannot make hundreds.
REGISTRATION_PER_ADDRESS = "10 per hour"
# Per network address, counting requests that went through: each one may send a mail.
PASSWORD_RESET_PER_ADDRESS = "5 per hour"  # noqa: S105 - a limit, not a password
# Per person, one budget shared by every way to post: new threads (regional and national),
# replies and action item updates. Previews and forms sent back with a mistake do not count.
POSTING_PER_PERSON = "20 per minute; 200 per day"
# Per person, counting reports that went through.
REPORTING_PER_PERSON = "20 per hour"
# Per submitted e-mail address, whether it has an account or not: after five failed logins in
# fifteen minutes, the next attempts for that address are refused until the oldest one is fifteen
# minutes old. A correct password clears the count. A reset link still lets the owner in.
FAILED_LOGINS_PER_EMAIL: RateLimitItem = RateLimitItemPerMinute(5, 15)
# Per account, for the code step after a right password: five wrong codes in fifteen minutes,
# then the next are refused. A six-digit code cannot be guessed at that pace.
FAILED_CODES_PER_ACCOUNT: RateLimitItem = RateLimitItemPerMinute(5, 15)

POSTING_ENDPOINTS = (
    "forum.new_thread",
    "forum.new_national_thread",
    "forum.reply_to_thread",
    "forum.reply_to_post",
    "actions.add_update",
)

# Moving windows: "10 per minute" means at most ten in any sixty seconds, so nobody gets twice
# the limit by sending half of it just before a window turns and half just after.
STRATEGY = "moving-window"
# A slow or lost Redis must not hang a page: it fails fast, and the counts fall back to each
# worker's memory until Redis answers again.
REDIS_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}


def register_rate_limits(app: Flask) -> None:
    """Wrap the limited views and show the 429 page.

    ``RATELIMIT_ENABLED`` switches the limits; left unset (None) they are on, except in an app
    made for tests, where a hundred logins from one address in a minute are normal.
    """
    app.register_error_handler(TooManyRequests, render_too_many_requests)
    if app.config.get("RATELIMIT_ENABLED") is None:
        app.config["RATELIMIT_ENABLED"] = not app.testing
    if not app.config["RATELIMIT_ENABLED"]:
        return
    redis_url = app.config.get("REDIS_URL")
    # Flask-Limiter reads the prefix from here; the wrong-password brake uses it too.
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "leerplatform")
    # One limiter per app (not a module-level one): Flask-Limiter keeps its storage on the
    # limiter object, so a shared one would mix the counts of two apps in one process.
    limiter = Limiter(
        rate_limit_key,
        storage_uri=redis_url or "memory://",
        storage_options=REDIS_OPTIONS if redis_url else {},
        strategy=STRATEGY,
        in_memory_fallback_enabled=bool(redis_url),
        headers_enabled=False,  # Retry-After is set on the 429 page; other pages need nothing
    )
    limiter.init_app(app)
    app.extensions["rate_limiter"] = limiter

    views = app.view_functions
    views["accounts.login"] = limiter.limit(LOGIN_PER_ADDRESS, methods=["POST"])(
        _brake(views["accounts.login"], _submitted_email, FAILED_LOGINS_PER_EMAIL)
    )
    views["accounts.login_code"] = limiter.limit(LOGIN_PER_ADDRESS, methods=["POST"])(
        _brake(views["accounts.login_code"], _pending_account, FAILED_CODES_PER_ACCOUNT)
    )
    for endpoint, limit, counts in (
        ("accounts.register", REGISTRATION_PER_ADDRESS, _went_through),
        ("accounts.forgot_password", PASSWORD_RESET_PER_ADDRESS, _went_through),
        ("moderation.report", REPORTING_PER_PERSON, _went_through_for_a_person),
    ):
        views[endpoint] = limiter.limit(limit, methods=["POST"], deduct_when=counts)(
            views[endpoint]
        )
    posting = limiter.shared_limit(
        POSTING_PER_PERSON,
        scope="posting",
        methods=["POST"],
        deduct_when=_went_through_for_a_person,
    )
    for endpoint in POSTING_ENDPOINTS:
        views[endpoint] = posting(views[endpoint])


def rate_limit_key() -> str:
    """Whom a limit counts for: the person when logged in, else the network address (hashed)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return _pseudonym("address", get_remote_address())


def _pseudonym(kind: str, value: str) -> str:
    """A keyed hash: the same value gives the same key in every worker, and the key does not
    give the value back to someone who reads Redis without the app's secret key."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kind}:{digest[:32]}"


def _went_through(response: Response) -> bool:
    """An accepted form redirects (POST/redirect/GET); one sent back with errors does not."""
    return 300 <= response.status_code < 400


def _went_through_for_a_person(response: Response) -> bool:
    """As ``_went_through``, but not the redirect to the login page for someone logged out."""
    return current_user.is_authenticated and _went_through(response)


# The brakes on wrong passwords and wrong codes


def _submitted_email() -> str | None:
    """Whom a login counts for: the submitted e-mail address, whether it has an account or not."""
    email = normalize_email(request.form.get("email", ""))
    return _pseudonym("email", email) if email else None


def _pending_account() -> str | None:
    """Whom a code counts for: the account whose password this session gave."""
    marker = pending_marker(session)
    return _pseudonym("account", str(marker["uid"])) if marker else None


def _brake(
    view: Callable[..., Any], subject: Callable[[], str | None], limit: RateLimitItem
) -> Callable[..., Any]:
    """Refuse an attempt for a subject that had too many failures, and count failures.

    A POST that does not end in a redirect is a failed attempt: the login view redirects only
    when the address and password are right (to the code step, or logged in), the code step
    only when the code is right. A login is counted for the submitted address whether or not
    it has an account, so the answers tell nobody which addresses exist.
    """

    @wraps(view)
    def braked(*args: Any, **kwargs: Any) -> Any:
        who = subject() if request.method == "POST" else None
        if not who:
            return view(*args, **kwargs)
        limiter: Limiter = current_app.extensions["rate_limiter"]
        key = (current_app.config["RATELIMIT_KEY_PREFIX"], "failed-login", who)
        try:
            if not limiter.limiter.test(limit, *key):
                reset_at = limiter.limiter.get_window_stats(limit, *key).reset_time
                raise TooManyRequests(retry_after=_seconds_until(reset_at))
        except limiter.storage.base_exceptions:
            log.exception("Rate limit storage unreachable; login not braked")
            return view(*args, **kwargs)
        response = current_app.make_response(view(*args, **kwargs))
        try:
            if _went_through(response):
                limiter.limiter.clear(limit, *key)
            else:
                limiter.limiter.hit(limit, *key)
        except limiter.storage.base_exceptions:
            log.exception("Rate limit storage unreachable; failed login not counted")
        return response

    return braked


# The page


def render_too_many_requests(error: TooManyRequests) -> Response:
    """The Dutch page: what happened, when to try again, and that what was typed is kept."""
    seconds = _retry_after(error)
    retry_at = datetime.now(UTC) + timedelta(seconds=seconds)
    page = render_template(
        "errors/429.html",
        wait=format_timedelta(timedelta(seconds=seconds), threshold=1, add_direction=True),
        retry_at=format_time(retry_at, "short"),
        at_login=request.endpoint in ("accounts.login", "accounts.login_code"),
    )
    response = make_response(page, 429)
    response.headers["Retry-After"] = str(seconds)
    response.headers["Cache-Control"] = "no-store"
    return response


def _retry_after(error: TooManyRequests) -> int:
    """Seconds until the breached limit lets the next attempt through (at least one)."""
    if isinstance(error, RateLimitExceeded):
        limiter: Limiter | None = current_app.extensions.get("rate_limiter")
        current = limiter.current_limit if limiter is not None else None
        if current is not None:
            return _seconds_until(current.window.reset_time)
    retry_after = getattr(error, "retry_after", None)
    if isinstance(retry_after, datetime):
        return _seconds_until(retry_after.timestamp())
    if isinstance(retry_after, int | float):
        return max(1, math.ceil(retry_after))
    return 60


def _seconds_until(moment: float) -> int:
    return max(1, math.ceil(moment - time.time()))
