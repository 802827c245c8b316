"""The package boundaries of .importlinter: drivers stay Django-free, the core calls no interface.

`make test` runs lint-imports before the suite; these tests show the contracts hold on this tree and
that they are not vacuous: a forbidden import added to a copy of the tree breaks them.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).parent / "lint-imports"


def lint(cwd: Path) -> subprocess.CompletedProcess:
    if not LINT.exists():
        pytest.fail("import-linter is not installed (requirements-dev.txt)")
    return subprocess.run([str(LINT), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture
def tree(tmp_path):
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "static", "templates", "fixtures", "migrations")
    for name in ("devices", "hallops", "displays"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=skip)
    shutil.copy(ROOT / ".importlinter", tmp_path)
    return tmp_path


def test_this_tree_keeps_every_contract():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_driver_importing_django_breaks_the_drivers_contract(tree):
    with (tree / "devices" / "line.py").open("a") as f:
        f.write("\nfrom django.conf import settings  # noqa\n")
    result = lint(tree)
    assert result.returncode != 0
    assert "devices.line -> django" in result.stdout


def test_a_driver_importing_hallops_breaks_the_drivers_contract(tree):
    with (tree / "devices" / "printer" / "layout.py").open("a") as f:
        f.write("\nfrom hallops.core import clock  # noqa\n")
    result = lint(tree)
    assert result.returncode != 0
    assert "devices.printer.layout -> hallops.core" in result.stdout


@pytest.mark.parametrize("target", ["displays", "hallops.api", "hallops.devices", "devices"])
def test_the_core_importing_an_interface_or_a_driver_breaks_the_core_contract(tree, target):
    with (tree / "hallops" / "core" / "clock.py").open("a") as f:
        f.write(f"\nimport {target}  # noqa\n")
    result = lint(tree)
    assert result.returncode != 0
    assert f"hallops.core.clock -> {target}" in result.stdout
