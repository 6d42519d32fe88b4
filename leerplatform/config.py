"""Settings from the environment, with safe defaults for a first run on a developer's machine."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

DEV_SECRET_KEY = "dev-only-secret-key-change-me"  # noqa: S105 - refused in production, see check


class ConfigError(RuntimeError):
    """The settings are not safe to run with."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def from_environment(environ: Mapping[str, str], instance_path: str) -> dict[str, Any]:
    """Read every setting the app knows from ``environ``.

    Defaults suit a first run: SQLite in ``instance/``, mails written to ``instance/mail``.
    """
    env = environ.get("LEERPLATFORM_ENV", "development")
    demo_allowed = env != "production"
    database_url = environ.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "leerplatform.sqlite")
    )
    # Several hosts name PostgreSQL URLs "postgres://"; SQLAlchemy wants the driver spelled out.
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return {
        "ENV_NAME": env,
        "SECRET_KEY": environ.get("SECRET_KEY", DEV_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SERVER_NAME": environ.get("SERVER_NAME") or None,
        "PREFERRED_URL_SCHEME": environ.get("PREFERRED_URL_SCHEME", "http"),
        "BASE_URL": environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "SESSION_COOKIE_SECURE": env == "production",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": env == "production",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the session; a tired parent may take an hour
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
        "LANGUAGES": ("nl", "en"),
        "MAIL_BACKEND": environ.get("MAIL_BACKEND", "smtp" if env == "production" else "folder"),
        "MAIL_FOLDER": environ.get("MAIL_FOLDER", str(Path(instance_path) / "mail")),
        "MAIL_SERVER": environ.get("MAIL_SERVER", "127.0.0.1"),
        "MAIL_PORT": int(environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _bool(environ.get("MAIL_USE_TLS"), default=False),
        "MAIL_TIMEOUT": float(environ.get("MAIL_TIMEOUT", "10")),
        "MAIL_DEFAULT_SENDER": environ.get(
            "MAIL_DEFAULT_SENDER", "Leerplatform ZEVMB <noreply@leerplatform.nl>"
        ),
        "MAIL_MAX_ATTEMPTS": int(environ.get("MAIL_MAX_ATTEMPTS", "8")),
        # The first wait after a failed try; it doubles with every try (the drills use 1).
        "MAIL_RETRY_SECONDS": float(environ.get("MAIL_RETRY_SECONDS", "60")),
        "CONTACT_EMAIL": environ.get("CONTACT_EMAIL", "contact@leerplatform.nl"),
        "REDIS_URL": environ.get("REDIS_URL") or None,  # rate limit counts shared by workers
        # Unset (None): on, except in apps made for tests (TESTING); a test may switch them on.
        "RATELIMIT_ENABLED": (
            _bool(environ["RATELIMIT_ENABLED"], default=True)
            if environ.get("RATELIMIT_ENABLED")
            else None
        ),
        # Behind a proxy, the visitor's address (which rate limits count by) is in X-Forwarded-For.
        "PROXY_COUNT": int(environ.get("PROXY_COUNT") or "0"),
        "EMAIL_TOKEN_MAX_AGE": int(environ.get("EMAIL_TOKEN_MAX_AGE", str(3 * 24 * 3600))),
        "RESET_TOKEN_MAX_AGE": int(environ.get("RESET_TOKEN_MAX_AGE", str(2 * 3600))),
        "DEMO_ALLOWED": demo_allowed,
        # The benchmark's ceiling page and query counts (see leerplatform/bench); never production.
        "BENCH": _bool(environ.get("LEERPLATFORM_BENCH"), default=False),
        # Hosts and admins need two-step verification before they moderate. Only a development
        # machine with the demo accounts (which have a password only) leaves it off by default.
        "TWO_STEP_REQUIRED_FOR_MODERATORS": _bool(
            environ.get("TWO_STEP_REQUIRED_FOR_MODERATORS"),
            default=not (demo_allowed and env == "development"),
        ),
    }


def check(config: Mapping[str, Any]) -> None:
    """Refuse settings that are unsafe for production."""
    if config.get("ENV_NAME") == "production":
        secret = config.get("SECRET_KEY") or ""
        if secret == DEV_SECRET_KEY or len(secret) < 32:
            raise ConfigError(
                "SECRET_KEY must be set to a random value of at least 32 characters in production"
            )
        if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
            raise ConfigError("production needs DATABASE_URL pointing at PostgreSQL")
        if not config.get("TWO_STEP_REQUIRED_FOR_MODERATORS"):
            raise ConfigError(
                "hosts and admins need two-step verification in production: "
                "TWO_STEP_REQUIRED_FOR_MODERATORS cannot be switched off there"
            )
        if config.get("BENCH"):
            raise ConfigError("LEERPLATFORM_BENCH is for the benchmark, never for production")
