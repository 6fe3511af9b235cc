"""The errors careerkg raises for bad input. Each names the input and the problem in one line.

The command line maps them to exit codes: 2 for input that cannot be read (or a usage error), 1 for input
that was read but is invalid.
"""

from __future__ import annotations

__all__ = [
    "CareerkgError",
    "InvalidInputError",
    "MissingDependencyError",
    "UnknownTermError",
    "UnreadableInputError",
]


class CareerkgError(Exception):
    """Base class: a problem with what the user gave careerkg (never a bug in careerkg)."""

    #: The exit code the command line uses for this error.
    exit_code = 1


class UnreadableInputError(CareerkgError):
    """An input cannot be read or parsed at all (missing file, bad syntax, wrong encoding)."""

    exit_code = 2


class InvalidInputError(CareerkgError):
    """An input was read but breaks careerkg's rules (for example a profile that fails the SHACL shapes)."""

    exit_code = 1


class MissingDependencyError(CareerkgError):
    """An optional package a requested feature needs is not installed."""

    exit_code = 2


class UnknownTermError(CareerkgError):
    """A role, skill or query name that careerkg does not know."""

    exit_code = 2
