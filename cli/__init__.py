"""careerkg's command line: a thin Click layer over the careerkg library."""

from __future__ import annotations

from careerkg.cli.app import cli, main

__all__ = ["cli", "main"]
