"""Data package: careerkg's named SPARQL queries (``careerkg queries`` lists them)."""
