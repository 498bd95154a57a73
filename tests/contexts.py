"""The application context a test builds, as an edge would: the settings and an operational
database opened for them (``shopkeeper.context.AppContext``).
"""

from __future__ import annotations

from shopkeeper.context import AppContext
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings


def app_context(settings: Settings) -> AppContext:
    """An application context on ``settings`` with its own engine (the test's edge)."""
    return AppContext(settings, ops_engine(settings))
