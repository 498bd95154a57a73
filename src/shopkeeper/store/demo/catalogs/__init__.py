"""The shops the demo generator can build: one :class:`CategorySpec` per category family and language."""

from __future__ import annotations

import difflib

from shopkeeper.errors import ConfigError
from shopkeeper.store.demo.catalogs import (
    beauty_en,
    beauty_zh,
    coffee_en,
    coffee_zh,
    pets_en,
    pets_zh,
    snacks_en,
    snacks_zh,
)
from shopkeeper.store.demo.catalogs.spec import CategorySpec, Option, ProductLine, ReviewBank

__all__ = ["CATEGORIES", "CategorySpec", "Option", "ProductLine", "ReviewBank", "get_spec"]

_SPECS: dict[tuple[str, str], CategorySpec] = {
    (m.SPEC.key, m.SPEC.lang): m.SPEC
    for m in (coffee_zh, coffee_en, snacks_zh, snacks_en, beauty_zh, beauty_en, pets_zh, pets_en)
}

CATEGORIES: tuple[str, ...] = ("coffee", "snacks", "beauty", "pets")
"""Category families, each available in ``zh`` and ``en``; ``coffee`` is the default."""


def get_spec(category: str, lang: str) -> CategorySpec:
    """The shop spec of a category family in a language.

    >>> get_spec("coffee", "zh").platform
    'tmall'
    """
    spec = _SPECS.get((category, lang))
    if spec is None:
        near = difflib.get_close_matches(category, CATEGORIES, n=1)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise ConfigError(
            f"unknown demo category {category!r} for lang {lang!r}: choose one of {', '.join(CATEGORIES)}{hint}"
        )
    return spec
