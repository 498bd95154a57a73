"""What every route shares: the services opened once in the app's lifespan, as dependencies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from shopkeeper.context import AppContext
from shopkeeper.ops.connectors import OutboxConnector
from shopkeeper.settings import Settings
from shopkeeper.skills.registry import SkillRegistry
from shopkeeper.store.memo import ImportMemo


@dataclass(frozen=True)
class Services:
    """Resources of one running app: its context (settings, the ops database, clock, warehouse
    readers), skills and connector, and the answers kept until a store's next import.
    """

    app: AppContext
    registry: SkillRegistry
    connector: OutboxConnector
    memo: ImportMemo = field(default_factory=ImportMemo)

    @property
    def settings(self) -> Settings:
        """The app's settings."""
        return self.app.settings

    @property
    def engine(self) -> Engine:
        """The app's one operational database."""
        return self.app.engine

    @property
    def clock(self) -> Callable[[], dt.datetime]:
        """The store clock."""
        return self.app.clock


def get_services(request: Request) -> Services:
    """The app's services (set by the lifespan)."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]
