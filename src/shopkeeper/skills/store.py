"""Store skills: what the store holds."""

from __future__ import annotations

from pydantic import BaseModel

from shopkeeper.skills.registry import SkillContext, SkillRegistry, skill
from shopkeeper.store.info import StoreInfo, store_info
from shopkeeper.store.warehouse import Warehouse, existing_store_dir


class NoArgs(BaseModel):
    """A skill that takes no arguments."""


@skill(tags=("data",))
def store_overview(ctx: SkillContext, args: NoArgs) -> StoreInfo:
    """Tables, row counts, date ranges, days without data and data-quality warnings of the store."""
    with Warehouse.open(existing_store_dir(ctx.settings, ctx.store), read_only=True) as wh:
        return store_info(wh, ctx.store)


def register(registry: SkillRegistry) -> None:
    """Register the store skills."""
    registry.register(store_overview)
