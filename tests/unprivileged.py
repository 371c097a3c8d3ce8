"""Run a command as `nobody`, for tests of files that user cannot write.

Root ignores file modes, so such tests drop to an unprivileged user. That user
must be able to reach the checkout and its venv: a clone in a `mktemp -d` folder
(mode 0700) is not, so `reachable_by_others` lends the checkout's folders o+rx for
the test and gives their modes back after."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def as_nobody() -> list[str] | None:
    """A command prefix that runs as an unprivileged user ([] when not root)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    return [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


@contextmanager
def reachable_by_others(path: Path = ROOT) -> Iterator[None]:
    """The folders from `/` down to `path` readable and searchable by others."""
    changed: list[tuple[Path, int]] = []
    try:
        if os.geteuid() == 0:
            for folder in [*reversed(path.resolve().parents), path.resolve()]:
                mode = stat.S_IMODE(folder.stat().st_mode)
                wanted = mode | stat.S_IROTH | stat.S_IXOTH
                if wanted != mode:
                    folder.chmod(wanted)
                    changed.append((folder, mode))
        yield
    finally:
        for folder, mode in reversed(changed):
            folder.chmod(mode)


@pytest.fixture
def reachable_checkout() -> Iterator[None]:
    """`reachable_by_others(ROOT)` for one test."""
    with reachable_by_others():
        yield
