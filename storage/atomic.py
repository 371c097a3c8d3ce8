"""Write a whole file or nothing: a temporary file beside the target, then `os.replace`.

Exports (CSV, Markdown, Mermaid, PDF report) are built in memory and handed
here as bytes, so a failed or cancelled export never leaves half a file, and
an unwritable target is one WaymarkError line instead of a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path

from journey.errors import WaymarkError
from journey.models import new_id


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write `data` to `path` atomically; the file gets the user's usual permissions
    (`open(..., "xb")`, not `mkstemp`, whose 0600 mode would survive the rename)."""
    path = Path(path)
    if path.is_dir():
        raise WaymarkError(f"cannot write {path}: it is a folder")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{new_id()[:8]}.tmp")
    created = False
    try:
        with open(tmp, "xb") as fh:
            created = True
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if created:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise WaymarkError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def write_text_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    return write_bytes_atomic(path, text.encode(encoding))
