"""Layer contracts: imports run downward through ui > canvas > export >
(paint | formats) > storage > journey, paint/ and formats/ being independent
siblings that never import each other; journey/, storage/ and formats/ never
import Qt; paint/ and export/ import only QtCore and QtGui. Checked twice: by import-linter (the contracts in
pyproject.toml, read here so a weaker contract fails these tests) and by a plain
scan of every import statement for what import-linter cannot express (a
subpackage of an external package, such as PySide6.QtWidgets)."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "importlinter"]
LAYERS_CONTRACT = next(c for c in CONFIG["contracts"] if c["type"] == "layers")
QT_CONTRACT = next(c for c in CONFIG["contracts"] if "PySide6" in c.get("forbidden_modules", ()))
LAYERS: list[str] = LAYERS_CONTRACT["layers"]  # top first; "a | b": independent siblings
GROUPS: list[list[str]] = [[name.strip() for name in layer.split("|")] for layer in LAYERS]
PACKAGES: list[str] = [package for group in GROUPS for package in group]
LAYER_OF = {package: i for i, group in enumerate(GROUPS) for package in group}

QT_FREE = ("journey", "storage", "formats")  # no Qt at all
QT_GUI_ONLY = ("paint", "export")  # QtCore and QtGui, never QtWidgets or the rest
QT_ALLOWED = ("PySide6.QtCore", "PySide6.QtGui")


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


def _under(name: str, module: str) -> bool:
    return name == module or name.startswith(module + ".")


def is_forbidden(package: str, name: str) -> bool:
    """Whether `package` may not import `name`: a higher layer, a sibling in its own
    layer, or Qt beyond its rule."""
    layer = LAYER_OF[package]
    barred = [other for group in GROUPS[:layer + 1] for other in group if other != package]
    if any(_under(name, other) for other in barred):
        return True
    qt = _under(name, "PySide6") or _under(name, "shiboken6")
    if package in QT_FREE:
        return qt
    if package in QT_GUI_ONLY:
        # `from PySide6 import QtGui` names "PySide6" and "PySide6.QtGui": judge the second
        return qt and name != "PySide6" and not any(_under(name, ok) for ok in QT_ALLOWED)
    return False


def violations(package: str, root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted((root / package).rglob("*.py")):
        for name in imports_of(path):
            if is_forbidden(package, name):
                found.append(f"{path.relative_to(root)} imports {name}")
    return found


def test_the_contract_covers_every_package():
    assert LAYERS == ["ui", "canvas", "export", "paint | formats", "storage", "journey"]
    assert sorted(PACKAGES) == sorted(CONFIG["root_packages"])
    assert set(QT_CONTRACT["source_modules"]) == set(QT_FREE)


@pytest.mark.parametrize("package", PACKAGES[1:])
def test_layers_import_downward_only(package):
    assert violations(package) == []


def test_the_scan_catches_a_violation(tmp_path: Path):
    (tmp_path / "journey").mkdir()
    (tmp_path / "journey" / "bad.py").write_text("from PySide6.QtCore import QObject\n")
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "bad.py").write_text("import PySide6.QtWidgets\nfrom ui import x\n")
    (tmp_path / "paint").mkdir()
    (tmp_path / "paint" / "bad.py").write_text(
        "from PySide6 import QtGui, QtWidgets\nfrom PySide6.QtGui import QColor\n"
        "import export.tiles\nfrom canvas import scene\nimport formats.mermaid\n")
    (tmp_path / "formats").mkdir()
    (tmp_path / "formats" / "bad.py").write_text(
        "from PySide6.QtGui import QImage\nfrom paint import colours\nimport storage.atomic\n")
    assert violations("journey", tmp_path) == ["journey/bad.py imports PySide6.QtCore",
                                               "journey/bad.py imports PySide6.QtCore.QObject"]
    assert violations("export", tmp_path) == ["export/bad.py imports PySide6.QtWidgets",
                                              "export/bad.py imports ui", "export/bad.py imports ui.x"]
    assert violations("paint", tmp_path) == ["paint/bad.py imports PySide6.QtWidgets",
                                             "paint/bad.py imports export.tiles",
                                             "paint/bad.py imports canvas",
                                             "paint/bad.py imports canvas.scene",
                                             "paint/bad.py imports formats.mermaid"]
    assert violations("formats", tmp_path) == ["formats/bad.py imports PySide6.QtGui",
                                               "formats/bad.py imports PySide6.QtGui.QImage",
                                               "formats/bad.py imports paint",
                                               "formats/bad.py imports paint.colours"]


def lint_imports(config: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")
    return subprocess.run([exe, "--no-logo", "--no-cache", str(config)], cwd=cwd,
                          capture_output=True, text=True)


def test_import_linter_contracts_hold():
    result = lint_imports(ROOT / "pyproject.toml", ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(CONFIG['contracts'])} kept, 0 broken" in result.stdout


def _toml_value(value: object) -> str:
    """TOML for the strings, booleans and lists of strings a contract holds."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)  # a JSON string or list of strings is valid TOML


def fake_tree(tmp_path: Path, bad: tuple[str, str] | None) -> Path:
    """A package per layer's module, each importing every one in the layer below it,
    plus the `bad` import (module, import line); the config is pyproject.toml's own
    [tool.importlinter]."""
    for below, group in zip([[], *GROUPS[::-1]], GROUPS[::-1], strict=False):
        for package in group:
            (tmp_path / package).mkdir()
            (tmp_path / package / "__init__.py").write_text(
                "".join(f"import {name}\n" for name in below), encoding="utf-8")
    # Qt really imported from the layers allowed it, so the external package is in the graph
    (tmp_path / "ui" / "window.py").write_text("import PySide6.QtWidgets\nimport shiboken6\n")
    if bad is not None:
        module, line = bad
        (tmp_path / module.replace(".", "/")).with_suffix(".py").write_text(line + "\n")
    lines = ["[tool.importlinter]"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in CONFIG.items() if k != "contracts"]
    for contract in CONFIG["contracts"]:
        lines += ["", "[[tool.importlinter.contracts]]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in contract.items()]
    config = tmp_path / "contracts.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def test_the_fake_tree_keeps_the_contracts(tmp_path: Path):
    """The control for the next test: without the bad import, every contract holds."""
    result = lint_imports(fake_tree(tmp_path, None), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("bad", "contract"), [
    (("canvas.gesture", "import ui"), LAYERS_CONTRACT),  # the canvas reaching into the window
    (("paint.colours", "from export import tiles"), LAYERS_CONTRACT),  # paint above export
    (("paint.photo", "from formats import persona_photo"), LAYERS_CONTRACT),  # siblings
    (("formats.csv_notes", "import paint"), LAYERS_CONTRACT),
    (("storage.library", "from formats import session_json"), LAYERS_CONTRACT),
    (("storage.cache", "import paint"), LAYERS_CONTRACT),
    (("journey.rows", "from storage import library"), LAYERS_CONTRACT),
    (("journey.clock", "from PySide6.QtCore import QTimer"), QT_CONTRACT),
    (("storage.watch", "import shiboken6"), QT_CONTRACT),
    (("formats.persona_photo", "from PySide6.QtGui import QImage"), QT_CONTRACT),
])
def test_an_import_against_the_contract_fails(tmp_path: Path, bad, contract):
    result = lint_imports(fake_tree(tmp_path, bad), tmp_path)
    assert result.returncode != 0, result.stdout
    # import-linter wraps a long contract name over lines: compare words
    assert f"{contract['name']} BROKEN" in " ".join(result.stdout.split())
    assert "Contracts: 1 kept, 1 broken" in result.stdout
    assert bad[0] in result.stdout


def test_reads_live_in_journey_queries():
    """ui/, canvas/ and export/ run no SQL of their own: they import no sqlalchemy and no
    sqlmodel name but the `Session` type, and call no `.exec(`/`.execute(` on a
    database; reads go through `journey.queries` (issue 11, item 4). The one exception
    is `ui/library/library_watch.py`, which polls `PRAGMA data_version` and digests a session
    on a sqlite3 connection of its own, apart from the library's engine, by design."""
    allowed = {"ui/library/library_watch.py"}
    dbish = {"db", "conn", "connection", "session", "engine"}

    def sql_in(source: str, name: str) -> list[str]:
        found = []
        for node in ast.walk(ast.parse(source, name)):
            if isinstance(node, ast.Import):
                found += [f"import {a.name}" for a in node.names
                          if a.name.split(".")[0] in ("sqlalchemy", "sqlite3")]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                top = node.module.split(".")[0]
                if top in ("sqlalchemy", "sqlite3"):
                    found.append(f"from {node.module} import")
                elif top == "sqlmodel":
                    found += [f"from sqlmodel import {a.name}" for a in node.names
                              if a.name != "Session"]
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in ("exec", "execute", "connection", "scalars")):
                owner = node.func.value
                if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Attribute):
                    owner = owner.func.value  # db.connection().execute(...)
                if node.func.attr == "execute" or (
                        isinstance(owner, ast.Name) and owner.id in dbish) or (
                        isinstance(owner, ast.Attribute) and owner.attr in dbish):
                    found.append(f"calls .{node.func.attr}( at line {node.lineno}")
        return found

    bad = ("from sqlmodel import Session as Db, select\nimport sqlalchemy\n"
           "def f(db):\n    db.exec(select(1))\n    db.connection().execute(1)\n"
           "def g(dialog):\n    dialog.exec()\n")
    assert len(sql_in(bad, "bad.py")) == 5  # the scan sees each kind (dialog.exec is Qt)
    found = [f"{path.relative_to(ROOT)}: {what}"
             for folder in ("ui", "canvas", "export")
             for path in sorted((ROOT / folder).rglob("*.py"))
             if str(path.relative_to(ROOT)) not in allowed
             for what in sql_in(path.read_text(encoding="utf-8"), str(path))]
    assert found == []


# -- private names stay in their package ----------------------------------------------

OURS = set(PACKAGES) | {"main", "benchmarks"}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_uses(path: Path, root: Path = ROOT) -> list[str]:
    """`from our.module import _name` and `our_module._name` in `path`, where the
    module lives in another package than `path` (a package's own helpers such as
    journey/ops/_common.py are its business)."""
    here = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: dict[str, str] = {}  # local name -> module it is bound to
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] not in OURS:
                continue
            home = node.module.rsplit(".", 1)[0] if _private(node.module.rsplit(".", 1)[-1]) \
                else node.module
            for alias in node.names:
                target = f"{node.module}.{alias.name}"
                if home != here and (_private(alias.name) or _private(node.module.split(".")[-1])):
                    found.append(f"{path.relative_to(root)}:{node.lineno} imports {target}")
                modules[alias.asname or alias.name] = target
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in OURS:
                    modules[alias.asname or alias.name.split(".")[0]] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr) \
                and isinstance(node.value, ast.Name) and node.value.id in modules:
            found.append(f"{path.relative_to(root)}:{node.lineno} uses "
                         f"{modules[node.value.id]}.{node.attr}")
    return found


def test_no_module_uses_a_private_name_of_another_package():
    found = [use for package in sorted(OURS - {"main"}) for path in (ROOT / package).rglob("*.py")
             for use in private_uses(path)]
    found += private_uses(ROOT / "main.py")
    assert not found, "\n".join(found)


def test_the_private_name_scan_catches_both_forms(tmp_path: Path):
    (tmp_path / "ui").mkdir()
    bad = tmp_path / "ui" / "bad.py"
    bad.write_text("from journey.ops._common import renumber\nfrom storage.library import _one_line\n"
                   "import canvas.overview as overview\noverview._hand_over(1, 2)\n")
    uses = private_uses(bad, tmp_path)
    assert [u.split(" ", 1)[1] for u in uses] == [
        "imports journey.ops._common.renumber", "imports storage.library._one_line",
        "uses canvas.overview._hand_over"]
