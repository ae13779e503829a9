"""The house rules of the package, checked on the code itself: layers, internal modules, sizes."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "wir_letters"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 300, 50


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"})


def test_layers_contract_is_kept() -> None:
    """This test ensures that imports only go down the layers the README shows (import-linter)."""
    done = _lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 1 kept, 0 broken." in done.stdout


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    """This test ensures that the contract really fails when a lower layer imports a higher one."""
    shutil.copytree(PACKAGE, tmp_path / "wir_letters", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    values = tmp_path / "wir_letters" / "inputs" / "values.py"
    values.write_text(values.read_text(encoding="utf-8") + "\nfrom wir_letters.builder import plan  # wrong\n",
                      encoding="utf-8")
    done = _lint_imports(tmp_path)
    assert done.returncode == 1
    assert "BROKEN" in done.stdout and "wir_letters.inputs.values -> wir_letters.builder.plan" in done.stdout


def test_internal_modules_are_imported_only_inside_their_package() -> None:
    """This test ensures that a module named with a leading underscore is used only by its siblings."""
    graph = grimp.build_graph("wir_letters")
    wrong = []
    for imported in graph.modules:
        name = imported.rsplit(".", 1)[-1]
        if not name.startswith("_") or name.startswith("__"):
            continue
        package = imported.rsplit(".", 1)[0]
        wrong += [f"{importer} -> {imported}" for importer in graph.find_modules_that_directly_import(imported)
                  if not importer.startswith(package + ".")]
    assert wrong == []


def test_modules_and_functions_stay_small() -> None:
    """This test ensures that no module grows past ~300 lines and no function past ~50."""
    too_long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT).as_posix()
        if len(source.splitlines()) > MAX_MODULE_LINES:
            too_long.append(f"{name}: {len(source.splitlines())} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno is not None:
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{name}:{node.lineno} {node.name}(): {length} lines")
    assert too_long == []


def test_every_exported_name_is_documented() -> None:
    """This test ensures that each class and function of the public API has a docstring."""
    import inspect

    import wir_letters

    undocumented = [name for name in wir_letters.__all__
                    if (inspect.isclass(obj := getattr(wir_letters, name)) or inspect.isfunction(obj))
                    and not (inspect.getdoc(obj) or "").strip()]
    assert undocumented == []
