"""The RDF and SPARQL files shipped inside the careerkg package, read with importlib.resources.

The files live in the data packages ``careerkg.ontology``, ``careerkg.rules`` and ``careerkg.queries``
(the repository's ``ontology/``, ``rules/`` and ``queries/`` folders). Nothing here builds a path from
``__file__`` and nothing is fetched: every graph careerkg reasons over starts from these files.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from importlib import resources

from careerkg.vocab import bind_prefixes
from rdflib import Graph

__all__ = ["Part", "data_files", "load", "query_text", "read_text"]


class Part(str, Enum):
    """A part of careerkg's bundled knowledge, as ``careerkg export --part`` names it."""

    #: The OWL vocabulary: classes, properties, the source article.
    ONTOLOGY = "ontology"
    #: The article's knowledge (roles, skills, requirements, transitions) and its ESCO/ISCO/O*NET alignments.
    KG = "kg"
    #: The SHACL shapes, for profiles and for the knowledge base.
    SHAPES = "shapes"
    #: The SHACL shapes for profiles alone: SHACL Core only, for validators without SHACL-SPARQL.
    PROFILE_SHAPES = "profile-shapes"
    #: The OWL 2 RL axioms generated from the requirements (:func:`careerkg.knowledge.axioms.axioms_document`),
    #: as shipped for other tools. careerkg's own graphs generate them instead of loading this file.
    AXIOMS = "axioms"


#: Which shipped files make up each part, in load order.
PART_FILES: dict[Part, tuple[str, ...]] = {
    Part.ONTOLOGY: ("careerkg.ttl",),
    Part.KG: ("knowledge.ttl", "alignments.ttl"),
    Part.SHAPES: ("profile-shapes.ttl", "knowledge-shapes.ttl"),
    Part.PROFILE_SHAPES: ("profile-shapes.ttl",),
    Part.AXIOMS: ("requirement-axioms.ttl",),
}

#: The data packages and the file suffixes each ships.
DATA_PACKAGES: dict[str, tuple[str, ...]] = {
    "careerkg.ontology": (".ttl", ".jsonld"),
    "careerkg.rules": (".rq",),
    "careerkg.queries": (".rq",),
}


def read_text(package: str, name: str) -> str:
    """The text of the shipped file ``name`` in data package ``package`` (e.g. ``"careerkg.rules"``)."""
    return resources.files(package).joinpath(name).read_text(encoding="utf-8")


def query_text(name: str) -> str:
    """The text of the named query ``name`` (the file ``name.rq`` in ``careerkg.queries``)."""
    return read_text("careerkg.queries", f"{name}.rq")


def data_files(package: str) -> list[str]:
    """Names of the data files shipped in ``package``, sorted."""
    suffixes = DATA_PACKAGES[package]
    return sorted(
        entry.name for entry in resources.files(package).iterdir() if entry.is_file() and entry.name.endswith(suffixes)
    )


def load(parts: Iterable[Part | str], graph: Graph | None = None) -> Graph:
    """Parse the files of ``parts`` (in order) into ``graph`` (a new one by default) and return it."""
    target = bind_prefixes(Graph()) if graph is None else graph
    for part in parts:
        for name in PART_FILES[Part(part)]:
            target.parse(data=read_text("careerkg.ontology", name), format="turtle")
    return target
