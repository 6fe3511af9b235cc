"""The layers are a contract (pyproject.toml, [tool.importlinter]): kept by the package as it is, and broken,
as it should be, by an import that goes up a layer."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def installed(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package installed as a wheel would be (the repository's folders mapped into `careerkg`)."""
    target = tmp_path_factory.mktemp("installed")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--target", str(target),
         str(repo_root)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return target


def lint_imports(repo_root: Path, packages: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("lint-imports")
    if not exe.exists():
        pytest.fail("lint-imports is not installed (the test extra has import-linter)")
    env = {**os.environ, "PYTHONPATH": str(packages)}
    return subprocess.run([str(exe), "--no-cache"], cwd=repo_root, capture_output=True, text=True, env=env, timeout=300)


def test_the_layers_are_kept(repo_root: Path, installed: Path) -> None:
    done = lint_imports(repo_root, installed)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "careerkg's layers KEPT" in done.stdout


@pytest.mark.parametrize(
    ("module", "reaching_up_to"),
    [
        ("knowledge/names.py", "careerkg.engine"),  # the knowledge importing the domain
        ("sparql/store.py", "careerkg.serving.app"),  # SPARQL importing the server
        ("engine.py", "careerkg.cli.app"),  # the library importing the command line
    ],
)
def test_an_import_up_a_layer_breaks_the_contract(
    repo_root: Path, installed: Path, tmp_path: Path, module: str, reaching_up_to: str
) -> None:
    broken = tmp_path / "packages"
    shutil.copytree(installed, broken)
    source = broken / "careerkg" / module
    source.write_text(source.read_text(encoding="utf-8") + f"\nimport {reaching_up_to}  # noqa\n", encoding="utf-8")
    done = lint_imports(repo_root, broken)
    assert done.returncode != 0
    assert "careerkg's layers BROKEN" in done.stdout
    assert reaching_up_to in done.stdout
