"""careerkg: a knowledge graph and rules engine for career transitions.

The library knows nothing of the command line; ``careerkg.cli`` is a thin layer over it.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("careerkg")
except PackageNotFoundError:  # pragma: no cover - only when imported from an uninstalled tree
    __version__ = "0+unknown"

__all__ = ["__version__"]
