"""Agent runs (traces of the AI team's work).

Not wired yet: the agent runtime (``shopkeeper.agents``) that records runs is being written; its
routes (``GET runs``, ``GET runs/{id}``) join this router once ``shopkeeper.agents.traces`` lands.
"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1/stores/{store}/runs", tags=["runs"])
