"""How a skill's result renders itself as an answer (zh/en): the protocol and the pieces answers share.

Every built-in skill's output model has ``render(lang, currency)``: plain text that quotes the
figures (and finding ids) the answer rests on, reading the model's typed fields — a renamed field
is a type error, never a silent "—". ``currency`` is the store's, used when the result carries
none. A pack's result without ``render`` gets :func:`generic`: its top-level values, then the first
rows of its lists. :func:`answer` is what the offline team writes for any result.

>>> num(12.036), num(3.0), num(1.44), num(None), change(-4.25)
('12', '3', '1.4', '—', '（-4.2%）')
>>> plural(1, "action"), plural(3, "action"), params_text({"sku_id": "090427", "price": 25.0})
('1 action', '3 actions', 'sku_id=090427, price=25')
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel

from shopkeeper.store.config import DEFAULT_CURRENCY
from shopkeeper.text import Lang, money, number, pct, pick
from shopkeeper.text import change as text_change

LIMIT = 1800
"""Characters per rendered answer (long results are cut, ending with "…")."""

__all__ = ["LIMIT", "Lang", "Renders", "answer", "change", "generic", "money", "num", "pct", "tr"]


@runtime_checkable
class Renders(Protocol):
    """A result that knows how to say itself in the merchant's language."""

    def render(self, lang: Lang, currency: str = "") -> str:
        """The answer text, in ``lang``, money in the result's currency (else ``currency``)."""
        ...


tr = pick
"""The text in ``lang``: :func:`shopkeeper.text.pick`, under the name the skills use."""


num = number
"""A count or a measure: :func:`shopkeeper.text.number`, under the name the skills use."""


def change(value: float | None) -> str:
    """A change given in percent, in parentheses (empty when there is nothing to compare with)."""
    return "" if value is None else f"（{text_change(value / 100)}）"


def currency_of(*codes: str) -> str:
    """The first currency code given, else a store's default (``store.toml`` without one: CNY).

    >>> currency_of("", "USD"), currency_of("", "")
    ('USD', 'CNY')
    """
    return next((c for c in codes if c), DEFAULT_CURRENCY)


def plural(n: int, noun: str) -> str:
    """``n`` and an English noun, plural unless ``n`` is 1."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _value(v: Any) -> str:
    return num(v, 2) if isinstance(v, float) else str(v)


def params_text(params: dict[str, Any]) -> str:
    """An action's arguments as ``key=value`` pairs (never a raw dict)."""
    return ", ".join(f"{k}={_value(v)}" for k, v in params.items())


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) or value is None


def generic(result: BaseModel | dict[str, Any], lang: Lang) -> str:
    """Any result: its top-level values, then up to five rows of each list."""
    data = result.model_dump(mode="json") if isinstance(result, BaseModel) else result
    lines = [f"- {k}: {_value(v)}" for k, v in data.items() if _scalar(v) and v not in (None, "")]
    for key, value in data.items():
        if isinstance(value, list) and value:
            lines.append(f"{key} ({len(value)}):")
            for row in value[:5]:
                if isinstance(row, dict):
                    cells = [
                        f"{k}={_value(v)}"
                        for k, v in row.items()
                        if _scalar(v) and v not in (None, "")
                    ]
                    lines.append("  - " + ", ".join(cells[:8]))
                else:
                    lines.append(f"  - {row}")
        elif isinstance(value, dict) and value and all(_scalar(v) for v in value.values()):
            lines.append(f"{key}: " + params_text(dict(list(value.items())[:10])))
    return "\n".join(lines) or tr(lang, "（没有结果）", "(no result)")


def clip(text: str, limit: int = LIMIT) -> str:
    """``text`` cut at a line end under ``limit`` characters."""
    return text if len(text) <= limit else text[: limit - 2].rsplit("\n", 1)[0] + "\n…"


def answer(result: BaseModel | dict[str, Any], lang: Lang, currency: str = "") -> str:
    """The answer text for one skill result: its own rendering, else :func:`generic`."""
    text = result.render(lang, currency) if isinstance(result, Renders) else generic(result, lang)
    return clip(text)
