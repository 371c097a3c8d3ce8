"""Where the library lives: `--db PATH`, else `WAYMARK_DB`, else the user's data folder."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "Waymark"
LIBRARY_FILE = "library.sqlite"


def default_library_path() -> Path:
    return user_data_path(APP_NAME, appauthor=False) / LIBRARY_FILE


def library_path(cli_value: str | None = None) -> Path:
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get("WAYMARK_DB")
    if env:
        return Path(env).expanduser()
    return default_library_path()
