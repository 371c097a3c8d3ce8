"""The wheel ships the app and its fonts, and only what exists: package-data that
names missing files hides a real omission, and the benchmarks run from the checkout."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _checkout_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [p for p in out.splitlines() if (ROOT / p).is_file()]


def test_every_package_data_pattern_names_files_that_exist():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = config["tool"]["setuptools"]["package-data"]
    missing = [f"{package}/{pattern}" for package, patterns in package_data.items()
               for pattern in patterns if not any((ROOT / package).glob(pattern))]
    assert missing == []


def test_the_wheel_has_the_fonts_and_licences_and_no_benchmarks(tmp_path: Path):
    src = tmp_path / "src"
    for rel in _checkout_files():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, src / rel)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(tmp_path / "dist"), str(src)], check=True, capture_output=True)
    (wheel,) = (tmp_path / "dist").glob("waymark-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    fonts = {f"assets/fonts/{p.name}" for p in (ROOT / "assets" / "fonts").iterdir()}
    assert any(n.endswith(".ttf") for n in fonts) and any("LICENSE" in n for n in fonts)
    assert fonts <= names
    assert "main.py" in names and "journey/ops/__init__.py" in names
    assert not [n for n in names if n.startswith(("benchmarks/", "tests/"))]
