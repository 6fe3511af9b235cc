"""The property careerkg's fuzz target checks (``fuzz/loaders.py``, replayed by ``tests/test_fuzz.py``):
whatever bytes a loader is given, the only exceptions are careerkg's own, one-line errors.

It lives beside the fuzz target, not in the package: a user's installation has no use for it."""

from __future__ import annotations

from functools import lru_cache

from careerkg.errors import CareerkgError

__all__ = ["LOADERS", "check_one_input"]

#: What the first byte of a fuzz input selects (its value modulo the number of loaders).
LOADERS = ("json", "json-ld", "turtle", "nt", "xml", "jsonl-record", "sparql")


@lru_cache(maxsize=1)
def _engine():  # type: ignore[no-untyped-def]
    from careerkg.engine import Engine

    engine = Engine()
    engine.backend  # noqa: B018 - built once, before the first input
    return engine


def check_one_input(data: bytes) -> None:
    """Feed ``data`` to the loader its first byte selects; raise only if careerkg breaks its promise."""
    if not data:
        return
    loader = LOADERS[data[0] % len(LOADERS)]
    payload = data[1:]
    engine = _engine()
    try:
        if loader == "sparql":
            from careerkg.sparql.queries import prepare

            prepare(payload.decode("utf-8", "replace"), "fuzz.rq")
        elif loader == "jsonl-record":
            from careerkg.batch import Item, parse_items

            chunk = parse_items([Item("fuzz.jsonl:1", line=payload)], engine.terms)
            if chunk.profiles:
                engine.evaluate_facts({iri: facts for _, iri, facts in chunk.profiles}, chunk.others)
        else:
            from careerkg.io.profiles import ProfileInput, read_profiles

            profiles = read_profiles(ProfileInput("fuzz-input", payload), engine.terms, loader)
            engine.evaluate(profiles)
    except CareerkgError:
        pass
