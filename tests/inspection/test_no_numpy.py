"""``shopkeeper inspect`` starts without NumPy (issue 11: the whole command under a second; NumPy
alone costs ~0.06 s and the inspection only does arithmetic on a handful of numbers)."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = """
import sys
import shopkeeper.cli.inspect
import shopkeeper.inspection.engine
import shopkeeper.inspection.registry as registry
registry.load_rules()
print("numpy" in sys.modules)
"""


def test_the_inspection_path_imports_no_numpy() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == "False", done.stderr
