"""Shared fixtures: the repository root, the article, the knowledge graph, and both ways to run the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from careerkg.cli import cli
from careerkg.knowledge import knowledge_graph
from click.testing import CliRunner, Result
from rdflib import Graph


@pytest.fixture(scope="session")
def repo_root(pytestconfig: pytest.Config) -> Path:
    return Path(pytestconfig.rootpath)


@pytest.fixture(scope="session")
def article_text(repo_root: Path) -> str:
    """The source article, from the shared folder beside the checkout (as CI lays it out)."""
    path = repo_root.parent / "shared" / "source" / "pm-career-paths-article.txt"
    if not path.is_file():
        pytest.skip(f"the source article is not at {path}")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def kg() -> Graph:
    """The ontology and knowledge base, without generated axioms (tests must not mutate it)."""
    return knowledge_graph(axioms=False)


@pytest.fixture()
def run_cli() -> Callable[..., Result]:
    """Invoke the Click app in-process, with stdout and stderr kept apart."""
    runner = CliRunner()

    def invoke(*args: str, input: str | bytes | None = None) -> Result:
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture(scope="session")
def careerkg_exe() -> str:
    """The installed ``careerkg`` console script (next to this Python, or on PATH)."""
    beside = Path(sys.executable).with_name("careerkg")
    found = str(beside) if beside.exists() else shutil.which("careerkg")
    assert found, "the careerkg console script is not installed (pip install -e '.[test]')"
    return found


@pytest.fixture()
def run_exe(careerkg_exe: str) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed console script as a user would."""

    def run(*args: str, input: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "CAREERKG_DEBUG"}
        return subprocess.run(
            [careerkg_exe, *args], input=input, capture_output=True, text=True, cwd=cwd, env=env, timeout=300
        )

    return run
