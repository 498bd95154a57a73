"""``store.toml``: who the store is and its targets (contract v1.1)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from shopkeeper.errors import ConfigError, MissingFileError
from shopkeeper.text import Lang

Platform = Literal["taobao", "tmall", "jd", "douyin", "pdd", "shopify", "other"]
Language = Lang
AdsObjective = Literal["gmv", "conversions"]


DEFAULT_CURRENCY = "CNY"
"""The currency of a store whose store.toml names none."""


class Targets(BaseModel):
    """Optional business targets of a store."""

    model_config = ConfigDict(extra="allow")

    daily_gmv: float | None = Field(default=None, ge=0)
    roi: float | None = Field(default=None, gt=0)
    ship_within_hours: float | None = Field(default=None, gt=0)
    return_window_days: int | None = Field(default=None, ge=0)
    ads_objective: AdsObjective | None = None
    """v1.1: what ad planning maximises under the ROI targets (``gmv`` when not set)."""


class StoreConfig(BaseModel):
    """The parsed ``store.toml``."""

    model_config = ConfigDict(extra="allow")

    name: str = Field(min_length=1)
    platform: Platform = "other"
    currency: str = Field(default=DEFAULT_CURRENCY, min_length=3, max_length=3)
    timezone: str = "Asia/Shanghai"
    language: Language = "zh"
    own_shops: list[str] = Field(default_factory=list)
    """v1.1: the merchant's other shops (they may appear in ``competitors.competitor_shop``)."""
    targets: Targets = Field(default_factory=Targets)

    @field_validator("own_shops", mode="before")
    @classmethod
    def _shop_list(cls, value: object) -> object:
        if isinstance(value, str):  # one shop written as a string
            value = [value]
        if isinstance(value, list):
            return [s.strip() if isinstance(s, str) else s for s in value]
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown timezone {value!r}; use an IANA name like 'Asia/Shanghai'"
            ) from exc
        return value

    @field_validator("platform", "language", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    def to_toml(self) -> str:
        """Render back to TOML (used by adapters and the demo generator)."""
        lines: list[str] = [
            f"name = {_toml_str(self.name)}",
            f"platform = {_toml_str(self.platform)}",
            f"currency = {_toml_str(self.currency)}",
            f"timezone = {_toml_str(self.timezone)}",
            f"language = {_toml_str(self.language)}",
        ]
        if self.own_shops:
            lines.append(f"own_shops = [{', '.join(_toml_str(s) for s in self.own_shops)}]")
        lines += [
            "",
            "[targets]",
        ]
        for key, value in self.targets.model_dump(exclude_none=True).items():
            lines.append(
                f"{key} = {value!r}"
                if not isinstance(value, str)
                else f"{key} = {_toml_str(value)}"
            )
        return "\n".join(lines) + "\n"


def _toml_str(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def load_store_config(path: Path) -> StoreConfig:
    """Read and validate a ``store.toml`` (a file, or the folder that holds it)."""
    file = path / "store.toml" if path.is_dir() else path
    if not file.exists():
        raise MissingFileError(
            f"{file}: store.toml is missing; every store folder needs one (see docs/store-data.md)"
        )
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from exc
    try:
        return StoreConfig.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']} (got {err.get('input')!r})"
            for err in exc.errors()
        )
        raise ConfigError(f"{file}: {problems}") from exc
