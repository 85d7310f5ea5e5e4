"""Files and folders only their owner can read: the registry database, extracts and
backups (security finding 17). Created 0600 (files) and 0700 (folders) from the first
byte, whatever the umask, so there is never a moment in which others can read them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

__all__ = ["DIR_MODE", "FILE_MODE", "private_dir", "private_file", "touch_private"]

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Make ``path`` (and missing parents) as folders only the owner can enter; an
    existing folder is left as it is (it may be shared on purpose, e.g. ``/tmp``)."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(folder, DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


def private_file(path: Path) -> IO[bytes]:
    """Open ``path`` for writing, created or truncated, readable by the owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.fchmod(fd, FILE_MODE)  # an existing file keeps its mode under O_CREAT: set it
    return os.fdopen(fd, "wb")


def touch_private(path: Path) -> None:
    """Create ``path`` empty and owner-only if it does not exist (before a library such
    as SQLite creates it with the umask's mode); an existing file is left alone."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    os.fchmod(fd, FILE_MODE)
    os.close(fd)
