"""Real-window tests need Xvfb, openbox and xdotool (the README's test command
installs them). They are never skipped silently: without the tools the tests
fail, unless WAYMARK_SKIP_REAL_WINDOW=1 says so on purpose."""

from __future__ import annotations

import os

import pytest

from .harness import missing_tools


def require_real_window() -> None:
    missing = missing_tools()
    if not missing:
        return
    if os.environ.get("WAYMARK_SKIP_REAL_WINDOW") == "1":
        pytest.skip(f"real-window test skipped on request (missing: {', '.join(missing)})")
    pytest.fail(f"real-window test needs {', '.join(missing)}: run `make test`, which "
                "installs them, or set WAYMARK_SKIP_REAL_WINDOW=1 to skip on purpose")


@pytest.fixture(autouse=True)
def _real_window() -> None:
    """Every test in this folder runs on a real X server."""
    require_real_window()
