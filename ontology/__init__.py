"""Data package: careerkg's OWL ontology, knowledge base, alignments, SHACL shapes and JSON-LD context."""
