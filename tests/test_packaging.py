"""Packaging: the wheel carries every shipped data file, under the careerkg package only."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from careerkg import __version__
from careerkg.knowledge import bundled

DATA_FOLDERS = {"ontology": "careerkg/ontology", "rules": "careerkg/rules", "queries": "careerkg/queries"}


@pytest.fixture(scope="module")
def wheel(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """A wheel built from a copy of the source tree, without network access (no build isolation)."""
    source = tmp_path_factory.mktemp("src")
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=repo_root, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    for name in tracked:
        if (repo_root / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(repo_root / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(source)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    (path,) = out.glob("careerkg-*.whl")
    return zipfile.ZipFile(path)


def test_wheel_contains_every_shipped_data_file(wheel: zipfile.ZipFile, repo_root: Path) -> None:
    names = set(wheel.namelist())
    for folder, package in DATA_FOLDERS.items():
        shipped = {p.name for p in (repo_root / folder).iterdir() if p.suffix in {".ttl", ".rq", ".jsonld"}}
        assert shipped, f"{folder}/ has no data files"
        missing = {n for n in shipped if f"{package}/{n}" not in names}
        assert not missing, f"not in the wheel: {sorted(missing)}"


def test_wheel_installs_only_the_careerkg_package(wheel: zipfile.ZipFile) -> None:
    top = {name.split("/", 1)[0] for name in wheel.namelist()}
    assert top == {"careerkg", f"careerkg-{__version__}.dist-info"}
    assert "careerkg/cli/__init__.py" in wheel.namelist()
    entry_points = wheel.read(f"careerkg-{__version__}.dist-info/entry_points.txt").decode()
    assert "careerkg = careerkg.cli:main" in entry_points


def test_installed_package_lists_its_data_files(repo_root: Path) -> None:
    """importlib.resources sees the same files the repository ships."""
    for folder, package in DATA_FOLDERS.items():
        expected = sorted(p.name for p in (repo_root / folder).iterdir() if p.suffix in {".ttl", ".rq", ".jsonld"})
        assert bundled.data_files(package.replace("/", ".")) == expected
