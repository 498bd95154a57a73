"""The README and docs/*.md name only code that exists: every ``shopkeeper.a.b`` name resolves to
a module or an attribute of one, and every ``src/shopkeeper/…py`` path is a file — a module moved
or renamed without its documentation fails here."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
DOTTED = re.compile(r"\bshopkeeper(?:\.[A-Za-z_]\w*)+")
PATH = re.compile(r"\bsrc/shopkeeper/[\w/]+\.py\b")


def _resolves(name: str) -> bool:
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            if not hasattr(found, attr):
                return False
            found = getattr(found, attr)
        return True
    return False


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_named_module_and_path_exists(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    stale = sorted({n for n in DOTTED.findall(text) if not _resolves(n)})
    stale += sorted({p for p in PATH.findall(text) if not (ROOT / p).is_file()})
    assert stale == [], f"{doc.name} names code that does not exist: {stale}"
