"""careerkg benchmarks: run from the repository root with `python -m benchmarks.run`."""
