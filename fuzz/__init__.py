"""careerkg's fuzz target and the property it checks (run from the repository root: python -m fuzz.loaders)."""
