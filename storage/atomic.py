"""Write a whole file or nothing, and make it survive a power cut.

Every file Waymark writes goes through here: a temporary file beside the
target (same folder, so the rename cannot cross file systems), the bytes
written and flushed, the file fsync'ed, `os.replace`d onto the target, and
then the folder fsync'ed so the rename itself is on disk. Without the file
fsync a crash can leave the new name pointing at an empty file; without the
folder fsync it can leave the old file in place after the app said "saved".

Three forms: `write_bytes_atomic` for content built in memory (CSV, Markdown,
JSON, the report), `atomic_file` for writers that stream into a file object
(reportlab, pypdf, the banded PNG writer) and `atomic_path` for writers that
want a path (Pillow, Qt, SQLite's backup API). On any exception the temporary
file is removed and the target is untouched; an OSError becomes one
WaymarkError line.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from journey.errors import WaymarkError
from journey.models import new_id

#: Errors of an fsync on a folder that the file system simply does not support.
_DIR_FSYNC_UNSUPPORTED = {errno.EINVAL, errno.ENOTSUP, errno.EBADF, errno.EACCES,
                          getattr(errno, "EOPNOTSUPP", errno.ENOTSUP)}


def fsync_dir(folder: str | os.PathLike[str]) -> None:
    """Put a rename in `folder` on disk; a no-op where folders cannot be opened
    (Windows) or fsync'ed (some network and FUSE file systems say EINVAL)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(folder, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _DIR_FSYNC_UNSUPPORTED:
            raise
    finally:
        os.close(fd)


def fsync_file(path: str | os.PathLike[str]) -> None:
    """fsync a file a third party (Qt, Pillow, SQLite) wrote and closed."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _target(path: str | os.PathLike[str]) -> tuple[Path, Path]:
    path = Path(path).expanduser()
    if path.is_dir():
        raise WaymarkError(f"cannot write {path}: it is a folder")
    return path, path.with_name(f".{path.name}.{os.getpid()}.{new_id()[:8]}.tmp")


def _fail(path: Path, exc: OSError) -> WaymarkError:
    return WaymarkError(f"cannot write {path}: {exc.strerror or exc}")


def _unlink(tmp: Path) -> None:
    try:
        tmp.unlink(missing_ok=True)
    except OSError:
        pass


def _commit(tmp: Path, path: Path) -> None:
    os.replace(tmp, path)
    fsync_dir(path.parent)


@contextmanager
def atomic_file(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """`with atomic_file(target) as fh:` write to `fh`; on a clean exit the bytes
    are fsync'ed and replace `target` (`atomic_path` with the file opened)."""
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        yield fh


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """`with atomic_path(target) as tmp:` have Qt, Pillow or SQLite write the file
    `tmp` (it exists, empty); on a clean exit it is fsync'ed and replaces `target`.
    The file gets the user's usual permissions (`open(..., "xb")`, not `mkstemp`,
    whose 0600 mode would survive the rename)."""
    path, tmp = _target(path)
    try:
        open(tmp, "xb").close()
    except OSError as exc:
        raise _fail(path, exc) from None
    try:
        yield tmp
        fsync_file(tmp)
        _commit(tmp, path)
    except OSError as exc:
        _unlink(tmp)
        raise _fail(path, exc) from None
    except BaseException:
        _unlink(tmp)
        raise


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write `data` to `path` atomically and durably; returns the path."""
    target = Path(path).expanduser()
    with atomic_file(target) as fh:
        fh.write(data)
    return target


def write_text_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    return write_bytes_atomic(path, text.encode(encoding))
