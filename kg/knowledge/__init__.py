"""Knowledge: careerkg's vocabulary and the career knowledge expressed in it.

The shipped RDF files (:mod:`~careerkg.knowledge.bundled`), the graphs built from them
(:mod:`~careerkg.knowledge.graphs`), the OWL 2 RL axioms generated from requirement data
(:mod:`~careerkg.knowledge.axioms`), the knowledge read into plain objects (:mod:`~careerkg.knowledge.catalogue`)
and the names people use for roles and skills (:mod:`~careerkg.knowledge.names`). The lowest layer above the
term model: it imports nothing else of careerkg.
"""
