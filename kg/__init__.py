"""careerkg: a knowledge graph and rules engine for career transitions.

::

    import careerkg

    kg = careerkg.Engine()
    results = kg.eligible("examples/ada.json")        # a path, a document's text, a dict or a list of dicts
    for answer in results:
        print(answer.profile, [move.role_label for move in answer.eligible])
    results.to_json(explain=True)                     # exactly what `careerkg eligible --explain --format json` prints

The public names below are loaded on first use (PEP 562), so ``import careerkg`` stays fast. The library
knows nothing of the command line: ``careerkg.cli`` is a thin layer over it, as is ``careerkg.serving``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from careerkg.batch import Record
    from careerkg.eligibility import Assessment, Fact, Move, RequirementStatus
    from careerkg.engine import Engine
    from careerkg.errors import (
        CareerkgError,
        EndpointError,
        IncompleteAnswerError,
        InvalidInputError,
        InvalidKnowledgeError,
        InvalidProfilesError,
        MissingDependencyError,
        QueryFailedError,
        QueryLimitError,
        QueryRefusedError,
        QuerySyntaxError,
        QueryTimeoutError,
        ResultTooLargeError,
        ServiceBusyError,
        UnknownTermError,
        UnreadableInputError,
    )
    from careerkg.inputs import Profiles
    from careerkg.offline import NetworkRefusedError
    from careerkg.reports import GapReport, InvalidProfile, PathReport, Results, Validation
    from careerkg.storage import Store
    from careerkg.validation.shacl import Violation

#: Each public name and the module that defines it.
_EXPORTS = {
    "Engine": "careerkg.engine",
    "Profiles": "careerkg.inputs",
    "Results": "careerkg.reports",
    "Assessment": "careerkg.eligibility",
    "Move": "careerkg.eligibility",
    "RequirementStatus": "careerkg.eligibility",
    "Fact": "careerkg.eligibility",
    "GapReport": "careerkg.reports",
    "PathReport": "careerkg.reports",
    "Validation": "careerkg.reports",
    "InvalidProfile": "careerkg.reports",
    "Violation": "careerkg.validation.shacl",
    "Record": "careerkg.batch",
    "Store": "careerkg.storage",
    "CareerkgError": "careerkg.errors",
    "UnreadableInputError": "careerkg.errors",
    "InvalidInputError": "careerkg.errors",
    "InvalidProfilesError": "careerkg.errors",
    "InvalidKnowledgeError": "careerkg.errors",
    "MissingDependencyError": "careerkg.errors",
    "UnknownTermError": "careerkg.errors",
    "QuerySyntaxError": "careerkg.errors",
    "QueryRefusedError": "careerkg.errors",
    "QueryFailedError": "careerkg.errors",
    "QueryLimitError": "careerkg.errors",
    "QueryTimeoutError": "careerkg.errors",
    "ResultTooLargeError": "careerkg.errors",
    "ServiceBusyError": "careerkg.errors",
    "EndpointError": "careerkg.errors",
    "IncompleteAnswerError": "careerkg.errors",
    "NetworkRefusedError": "careerkg.offline",
}

__all__ = [
    "Assessment",
    "CareerkgError",
    "EndpointError",
    "Engine",
    "Fact",
    "GapReport",
    "IncompleteAnswerError",
    "InvalidInputError",
    "InvalidKnowledgeError",
    "InvalidProfile",
    "InvalidProfilesError",
    "MissingDependencyError",
    "Move",
    "NetworkRefusedError",
    "PathReport",
    "Profiles",
    "QueryFailedError",
    "QueryLimitError",
    "QueryRefusedError",
    "QuerySyntaxError",
    "QueryTimeoutError",
    "Record",
    "RequirementStatus",
    "ResultTooLargeError",
    "Results",
    "ServiceBusyError",
    "Store",
    "UnknownTermError",
    "UnreadableInputError",
    "Validation",
    "Violation",
    "__version__",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is not None:
        value = getattr(import_module(module), name)
        globals()[name] = value  # found once; later look-ups do not come here
        return value
    # The version comes from the installed distribution's metadata, looked up only when asked for:
    # importlib.metadata scans sys.path, which would slow every command's start-up.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("careerkg")
        except PackageNotFoundError:  # pragma: no cover - only when imported from an uninstalled tree
            return "0+unknown"
    raise AttributeError(f"module 'careerkg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
