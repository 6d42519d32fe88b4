"""The one source of the current time, always timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/Amsterdam")
"""Dates people see (due dates, periods) follow the clock on their wall."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_today() -> date:
    """Today in the Netherlands: what "overdue" and a chosen period mean to a reader."""
    return datetime.now(LOCAL).date()
