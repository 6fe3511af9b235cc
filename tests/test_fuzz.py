"""The fuzz target over the loaders (fuzz/loaders.py): every crash it ever found is replayed here, and the
target itself runs for a bounded time (CAREERKG_FUZZ_SECONDS, default 60) and must find nothing new."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fuzz.property import LOADERS, check_one_input

REGRESSIONS = sorted((Path(__file__).parent.parent / "fuzz" / "regressions").glob("*"))


@pytest.mark.parametrize("path", REGRESSIONS, ids=[p.name for p in REGRESSIONS])
def test_crashes_found_by_fuzzing_stay_fixed(path: Path) -> None:
    check_one_input(path.read_bytes())


def test_the_property_catches_a_crash() -> None:
    """The target is not vacuous: an exception that is not careerkg's own escapes it."""
    from unittest import mock

    with mock.patch("careerkg.io.profiles.read_profiles", side_effect=KeyError("boom")), pytest.raises(KeyError):
        check_one_input(bytes([LOADERS.index("turtle")]) + b"<a> <b> <c> .")


def test_fuzz_the_loaders_for_a_bounded_time(repo_root: Path, tmp_path: Path) -> None:
    try:
        import atheris  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("atheris is not installed, and CI must run the fuzz target")
        pytest.skip("atheris is not installed (pip install atheris)")
    seconds = int(os.environ.get("CAREERKG_FUZZ_SECONDS", "60"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "fuzz.loaders", f"-max_total_time={seconds}", "-timeout=60",
         "-rss_limit_mb=4096", f"-artifact_prefix={tmp_path}/", str(corpus), str(repo_root / "fuzz" / "seeds")],
        capture_output=True, text=True, timeout=seconds + 300, cwd=repo_root,
    )  # fmt: skip
    found = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-")))
    tail = "\n".join(done.stderr.splitlines()[-40:])
    assert done.returncode == 0 and not found, (
        f"the fuzzer found {found}; copy them to fuzz/regressions/ and fix:\n{tail}"
    )
    assert "Done" in done.stderr  # it ran to its time limit
