"""A coverage-guided fuzz target (atheris, libFuzzer) over careerkg's input loaders.

    python -m fuzz.loaders -max_total_time=60 CORPUS_DIR fuzz/seeds      # from the repository root

Each input's first byte picks a loader, the rest is what it reads: a profile document as JSON, JSON-LD,
Turtle, N-Triples or RDF/XML, one JSON Lines record, or a SPARQL query. Profiles that load are then
validated and reasoned over, as the commands do. The property: bad input may only ever raise careerkg's
own errors (:class:`~careerkg.errors.CareerkgError`, which the command line prints as one line with its
exit code); any other exception is a crash. Crashes found are kept in ``fuzz/regressions/`` and replayed by
``tests/test_fuzz.py``, which also runs this target for a bounded time in CI.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["careerkg"]):
    from fuzz.property import check_one_input


def main() -> None:
    atheris.Setup(sys.argv, check_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
