"""An offline question imports what it needs: the skill it calls, not every skill of the team
(``shopkeeper ask`` under a second is mostly imports)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from shopkeeper.settings import Settings

from .conftest import DEMO

PROBE = """
import json, sys
from shopkeeper.cli.main import app
app(["ask", sys.argv[1], "--store", sys.argv[2]], standalone_mode=False)
print(json.dumps(sorted(m for m in sys.modules if m.startswith("shopkeeper."))))
"""


def _imported(settings: Settings, question: str) -> set[str]:
    env = {**os.environ, "SHOPKEEPER_HOME": str(settings.home)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, question, DEMO],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_a_sales_question_imports_the_sales_skills_only(demo: Settings) -> None:
    imported = _imported(demo, "上周卖了多少")
    assert "shopkeeper.skills.sales" in imported
    assert (
        not {
            "shopkeeper.skills.inspection",
            "shopkeeper.skills.reports",
            "shopkeeper.skills.ops",
            "shopkeeper.inspection.engine",
        }
        & imported
    )
