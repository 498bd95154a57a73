"""What every route shares: the services opened once in the app's lifespan, as dependencies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from shopkeeper.ops.connectors import OutboxConnector
from shopkeeper.settings import Settings
from shopkeeper.skills.registry import SkillRegistry


@dataclass(frozen=True)
class Services:
    """Resources of one running app: settings, the ops database, skills, connector and clock."""

    settings: Settings
    engine: Engine
    registry: SkillRegistry
    connector: OutboxConnector
    clock: Callable[[], dt.datetime]


def get_services(request: Request) -> Services:
    """The app's services (set by the lifespan)."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]
