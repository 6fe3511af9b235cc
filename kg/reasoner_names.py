"""The names of careerkg's reasoner backends (kept apart so the command line can list them cheaply)."""

from __future__ import annotations

__all__ = ["BACKENDS", "DEFAULT_REASONER"]

#: compiled: careerkg's compiled OWL 2 RL tables; owlrl: the pure-Python reference; reasonable: Rust.
BACKENDS = ("compiled", "owlrl", "reasonable")
DEFAULT_REASONER = "compiled"
