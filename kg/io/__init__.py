"""Input and output: reading people's profiles (every format careerkg takes) and writing RDF.

Everything that turns bytes into careerkg's data, or its data into bytes for a file, lives here: the JSON
and JSON Lines readers (:mod:`~careerkg.io.jsontext`), the well-formedness checks of IRIs and literals
(:mod:`~careerkg.io.iris`), profile documents (:mod:`~careerkg.io.profiles`) and RDF output
(:mod:`~careerkg.io.rdfout`). Above the knowledge (it resolves role and skill names), below reasoning.
"""
