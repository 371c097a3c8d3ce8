"""Layer contracts: journey/ and storage/ never import Qt; export/ never imports
QtWidgets or the UI. Checked twice: by import-linter (the contracts in
pyproject.toml) and by a plain scan of every import statement."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "journey": ("PySide6", "shiboken6", "storage", "export", "canvas", "ui"),
    "storage": ("PySide6", "shiboken6", "export", "canvas", "ui"),
    "export": ("PySide6.QtWidgets", "ui", "canvas"),
}


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def violations(package: str, root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted((root / package).rglob("*.py")):
        for name in imports_of(path):
            for bad in FORBIDDEN[package]:
                if name == bad or name.startswith(bad + "."):
                    found.append(f"{path.relative_to(root)} imports {name}")
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layers_import_downward_only(package):
    assert violations(package) == []


def test_the_scan_catches_a_violation(tmp_path: Path):
    (tmp_path / "journey").mkdir()
    (tmp_path / "journey" / "bad.py").write_text("from PySide6.QtCore import QObject\n")
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "bad.py").write_text("import PySide6.QtWidgets\nfrom ui import x\n")
    assert violations("journey", tmp_path) == ["journey/bad.py imports PySide6.QtCore",
                                               "journey/bad.py imports PySide6.QtCore.QObject"]
    assert len(violations("export", tmp_path)) == 3


def test_import_linter_contracts_hold():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")
    result = subprocess.run([exe, "--config", str(ROOT / "pyproject.toml")], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken" in result.stdout
