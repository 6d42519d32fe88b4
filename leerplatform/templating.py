"""Jinja's environment with one detour taken out.

Each ``{% from "_macros/x.html" import y %}`` asks whether the page has globals that the macro
file lacks: ``page globals - file.globals.keys()``. Jinja keeps a file's globals as a
``ChainMap`` over the app's, whose key view answers ``in`` by asking each map in turn, in
Python: with the app's 80 globals that is 160 lookups per import, and a region page imports
six macro files (0.3 ms of the 6 ms the page took). Here the key view is a plain ``set`` of the
same keys, made when asked, so the difference is one C call. Nothing else changes: lookups,
later additions to the app's globals and a file's own globals work as in Jinja.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import MutableMapping
from typing import Any

from flask.templating import Environment as FlaskEnvironment


class _Globals(ChainMap[str, Any]):
    def keys(self) -> set[str]:  # type: ignore[override]
        return set().union(*self.maps)


class Environment(FlaskEnvironment):
    """Flask's environment, with ``make_globals`` returning the faster chain."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return _Globals({} if d is None else d, self.globals)
