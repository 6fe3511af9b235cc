"""Reasoning: OWL 2 RL inference with careerkg's SPARQL rules, behind one backend interface.

The backends (:mod:`~careerkg.reasoning.backends`): the compiled rule tables (:mod:`~careerkg.reasoning.compiled`)
with the rules on Oxigraph (:mod:`~careerkg.reasoning.rules`); owlrl, the reference; and ``reasonable``. The
ontology's own closure and the reasoner's inputs are in :mod:`~careerkg.reasoning.closure`; every owlrl
closure is computed by :mod:`~careerkg.reasoning.owl`.

This module itself imports nothing, so the command line can list the backends without loading any of them.
"""

from __future__ import annotations

__all__ = ["BACKENDS", "DEFAULT_REASONER"]

#: compiled: careerkg's compiled OWL 2 RL tables; owlrl: the pure-Python reference; reasonable: Rust.
BACKENDS = ("compiled", "owlrl", "reasonable")
DEFAULT_REASONER = "compiled"
