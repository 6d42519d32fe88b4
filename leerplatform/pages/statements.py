"""Versions of the public statements; consent is recorded against the privacy version."""

from __future__ import annotations

# Raise this when the privacy statement changes in substance: consent records name it.
PRIVACY_STATEMENT_VERSION = "2026-12-02"
