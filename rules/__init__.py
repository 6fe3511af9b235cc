"""Data package: careerkg's SPARQL rules, applied with the OWL 2 RL closure until nothing new is derived."""
