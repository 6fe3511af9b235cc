"""careerkg: a knowledge graph and rules engine for career transitions.

The library knows nothing of the command line; ``careerkg.cli`` is a thin layer over it.
"""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    # The version comes from the installed distribution's metadata, looked up only when asked for:
    # importlib.metadata scans sys.path, which would slow every command's start-up.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("careerkg")
        except PackageNotFoundError:  # pragma: no cover - only when imported from an uninstalled tree
            return "0+unknown"
    raise AttributeError(f"module 'careerkg' has no attribute {name!r}")
