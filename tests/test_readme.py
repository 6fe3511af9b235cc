"""The README's "Use from Python" examples, run as a user would run them: each ``python`` block in turn, in one
program, from the repository root (a block whose first line says it is not run by the tests is left out)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SKIP = "# not run by the tests"


def python_blocks(readme: str, section: str) -> list[str]:
    """The ``python`` code blocks of one ``##`` section of the README."""
    start = readme.index(f"## {section}\n")
    end = readme.find("\n## ", start + 1)
    body = readme[start : end if end != -1 else None]
    return re.findall(r"```python\n(.*?)```", body, re.DOTALL)


def test_the_use_from_python_examples_run(repo_root: Path, tmp_path: Path) -> None:
    blocks = python_blocks((repo_root / "README.md").read_text(encoding="utf-8"), "Use from Python")
    run = [block for block in blocks if not block.startswith(SKIP)]
    assert len(run) >= 4 and len(run) < len(blocks), "the section's examples were not found as expected"
    program = tmp_path / "examples_from_the_readme.py"
    # The blocks share one namespace, as they would in a notebook; the Dask example's worker processes import
    # this file as a module, so the program runs under a __main__ guard.
    body = "\n".join(run)
    program.write_text("def main():\n" + "".join(f"    {line}\n" if line else "\n" for line in body.splitlines())
                       + '\n\nif __name__ == "__main__":\n    main()\n', encoding="utf-8")  # fmt: skip
    done = subprocess.run([sys.executable, str(program)], cwd=repo_root, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "product manager -> ['IT manager', 'founder', 'senior product manager', 'software engineer']" in out
    assert "product manager -> senior product manager -> vice president of product" in out
    assert "14 roles" in out
    assert "1 profile failed validation and got no answer" in out
    assert "profiles kept" in out
    # the Dask example's rows: one per record of examples/team.jsonl, every one answered
    dask_rows = [line for line in out.splitlines() if line.startswith("[{'profile'")]
    assert dask_rows, out[-2000:]
    assert dask_rows[-1].count("'roles'") == sum(
        1 for line in (repo_root / "examples" / "team.jsonl").open() if line.strip()
    )
