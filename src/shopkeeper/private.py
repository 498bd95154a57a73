"""Files only the service's own user may read: the databases, secrets and keys (0600, in 0700
folders where Shopkeeper creates them), whatever the process umask.

>>> import tempfile, pathlib
>>> home = pathlib.Path(tempfile.mkdtemp()) / "home" / "stores"
>>> oct(private_dir(home).stat().st_mode & 0o777), oct(home.parent.stat().st_mode & 0o777)
('0o700', '0o700')
>>> write_private(home / "cs_widget_secret", b"s3cret")
>>> oct((home / "cs_widget_secret").stat().st_mode & 0o777)
'0o600'
"""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` and its missing parents as 0700 folders (existing ones are left as they are)."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(folder, DIR_MODE)  # mkdir's mode is narrowed by the umask, never widened
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty as 0600 if it does not exist yet (then a library may open it)."""
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
        os.chmod(path, FILE_MODE)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write a secret or key file, readable by this user only (an existing file is narrowed too)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        os.write(fd, data)
    finally:
        os.close(fd)
