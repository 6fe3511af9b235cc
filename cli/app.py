"""The ``careerkg`` command group: shared options, the context object, and error handling.

Errors reach the user as one line on stderr with the exit code of their kind (2 unreadable input or usage,
1 invalid input); a traceback appears only with ``--debug``.
"""

from __future__ import annotations

import _thread
import importlib
import logging
import os
import sys
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click
from careerkg.errors import (
    AdvisedError,
    BindingError,
    CareerkgError,
    CredentialsError,
    InvalidKnowledgeError,
    NoNamedGraphsError,
    QueryTimeoutError,
    ReasonerUnavailableError,
    ResultTooLargeError,
    ServiceRefusedError,
)
from careerkg.offline import NetworkRefusedError
from careerkg.reasoning import BACKENDS, DEFAULT_REASONER

if TYPE_CHECKING:
    from careerkg.engine import Engine


@dataclass
class Settings:
    """What every command shares, passed with :data:`pass_settings`."""

    debug: bool = False
    reasoner: str = DEFAULT_REASONER
    #: Knowledge packs (paths), and whether they are used without the article's knowledge.
    knowledge: tuple[str, ...] = ()
    packs_only: bool = False
    #: The language of labels in answers.
    lang: str = "en"
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        """The engine, built on first use (so that `--help` and the catalogue stay fast)."""
        if self._engine is None:
            from careerkg.engine import Engine

            if self.packs_only and not self.knowledge:
                raise click.UsageError("--packs-only needs at least one --knowledge PACK")
            self._engine = Engine(self.reasoner, knowledge=self.knowledge, packs_only=self.packs_only, lang=self.lang)
        return self._engine


pass_settings = click.make_pass_decorator(Settings, ensure=True)


class CareerkgCommandError(click.ClickException):
    """A library error shown as one line, with the exit code of its kind (see :func:`_command_error`)."""


class UnreadableCommandError(CareerkgCommandError):
    exit_code = 2


class InternalCommandError(CareerkgCommandError):
    exit_code = 70  # EX_SOFTWARE: a bug in careerkg, not a problem with the user's input


#: The command line's own lead and advice for the library errors about something one of its options sets
#: (the library words them without flags): (lead, advice) by the error's class.
_WITH_FLAGS: dict[type[AdvisedError], tuple[str, str]] = {
    QueryTimeoutError: ("", " (narrow it, add LIMIT, or allow more with --time-limit)"),
    ResultTooLargeError: ("", "; add LIMIT or narrow the query (the cap is set with --max-results)"),
    ServiceRefusedError: ("", '; give such a value with --bind, or match it with REGEX(?x, "[s]ervice")'),
    NoNamedGraphsError: ("", ": drop GRAPH, or run the query in a store (--store PATH) or a server (--endpoint URL)"),
    BindingError: ("--bind", ""),
    CredentialsError: ("", ": give --user (the password in CAREERKG_ENDPOINT_PASSWORD)"),
    ReasonerUnavailableError: ("--reasoner ", ""),
    NetworkRefusedError: ("", "; only --endpoint and `careerkg serve` use the network"),
}


def _message(error: CareerkgError) -> str:
    """The error's message as the command line gives it: with the flags that change what it is about."""
    if isinstance(error, AdvisedError):
        for kind in type(error).__mro__:
            if kind in _WITH_FLAGS:
                lead, advice = _WITH_FLAGS[kind]
                return f"{lead}{error.problem}{advice}"
    return str(error)


def _command_error(message: str, exit_code: int) -> CareerkgCommandError:
    if exit_code == 2:
        return UnreadableCommandError(message)
    if exit_code == 70:
        return InternalCommandError(message)
    return CareerkgCommandError(message)


#: Each command and where it lives; a module is imported only when its command runs (or help lists it).
COMMANDS = {
    "eligible": "careerkg.cli.eligible:eligible",
    "gaps": "careerkg.cli.eligible:gaps",
    "path": "careerkg.cli.path:path",
    "validate": "careerkg.cli.validate:validate",
    "push": "careerkg.cli.push:push",
    "query": "careerkg.cli.query:query",
    "queries": "careerkg.cli.query:queries",
    "roles": "careerkg.cli.catalogue:roles",
    "serve": "careerkg.cli.serve:serve",
    "skills": "careerkg.cli.catalogue:skills",
    "graph": "careerkg.cli.graph:graph",
    "export": "careerkg.cli.export:export",
    "knowledge": "careerkg.cli.knowledge:knowledge",
    "profiles": "careerkg.cli.profiles:profiles",
}


class CareerkgGroup(click.Group):
    """A group whose commands load lazily and turn careerkg errors and unexpected failures into one line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            if ctx.meta.get("careerkg.invalid-input"):  # reported already, beside the answers given
                raise click.exceptions.Exit(1)
            return result
        except InvalidKnowledgeError as error:
            if _debug(ctx):
                raise
            for problem in error.problems:  # one line each, every one of them
                click.echo(f"Error: {problem}", err=True)
            raise click.exceptions.Exit(error.exit_code) from error
        except CareerkgError as error:
            if _debug(ctx):
                raise
            raise _command_error(_message(error), error.exit_code) from error
        except KeyboardInterrupt:
            # Ctrl-C: stop at once, one line, and the shell's code for it (128 + SIGINT), not Click's 1
            # (which means invalid input here); files being written are left whole (see rdfio).
            click.echo("careerkg: interrupted", err=True)
            raise click.exceptions.Exit(130) from None
        except click.exceptions.NoSuchOption as error:
            if error.option_name in _GROUP_OPTIONS:
                command = ctx.invoked_subcommand or "COMMAND"
                raise click.UsageError(
                    f"{error.option_name} is careerkg's own option: put it before the command "
                    f"(careerkg {error.option_name} ... {command} ...)",
                    ctx=error.ctx,
                ) from error
            raise
        except (click.ClickException, click.exceptions.Exit, click.Abort, BrokenPipeError):
            raise
        except OSError as error:
            if _debug(ctx):
                raise
            name = f"{error.filename}: " if error.filename else ""
            raise _command_error(f"{name}{error.strerror or error}", 2) from error
        except Exception as error:
            if _debug(ctx):
                raise
            raise _command_error(
                f"internal error: {type(error).__name__}: {error} (run with --debug for the traceback, "
                "and please report it)",
                70,
            ) from error


def _debug(ctx: click.Context) -> bool:
    settings = ctx.find_object(Settings)
    return bool(settings and settings.debug)


@click.group(
    cls=CareerkgGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(None, "-V", "--version", package_name="careerkg", prog_name="careerkg")
@click.option(
    "--debug",
    is_flag=True,
    envvar="CAREERKG_DEBUG",
    help="Show the full traceback when something fails (also CAREERKG_DEBUG=1).",
)
@click.option(
    "--reasoner",
    type=click.Choice(list(BACKENDS)),
    default=DEFAULT_REASONER,
    show_default=True,
    envvar="CAREERKG_REASONER",
    help="OWL 2 RL backend: compiled (careerkg's rule tables, fastest), owlrl (pure Python, the reference) "
    "or reasonable (Rust). All give the same answers.",
)
@click.option(
    "--knowledge",
    "knowledge",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=str),
    metavar="PACK",
    envvar="CAREERKG_KNOWLEDGE",
    help="A knowledge pack (Turtle, N-Triples, RDF/XML or JSON-LD in careerkg's vocabulary) to use beside the "
    "article's knowledge; repeatable (CAREERKG_KNOWLEDGE: paths separated by the path separator). Checked "
    "before use; build one from spreadsheets with `careerkg knowledge build`.",
)
@click.option(
    "--packs-only",
    is_flag=True,
    envvar="CAREERKG_PACKS_ONLY",
    help="Use the knowledge packs alone, without the article's knowledge.",
)
@click.option(
    "--lang",
    default="en",
    show_default=True,
    metavar="TAG",
    callback=lambda ctx, param, value: _language(value),
    envvar="CAREERKG_LANG",
    help="The language of labels and definitions in answers (BCP 47, e.g. fr); English where a term has none.",
)
@click.pass_context
def cli(
    ctx: click.Context, debug: bool, reasoner: str, knowledge: tuple[str, ...], packs_only: bool, lang: str
) -> None:
    """careerkg: reason about career moves with a knowledge graph.

    Roles, skills and the moves between them come from an article on the career paths of product
    managers, encoded as an OWL ontology with SHACL shapes. OWL 2 RL inference derives the roles a
    profile may move to next, and every answer is traceable to the article.
    """
    # rdflib's JSON-LD parser calls its own deprecated ConjunctiveGraph internally; that is rdflib's
    # business, not the user's, so this one warning (and only it) is not shown on the command line.
    warnings.filterwarnings("ignore", message="ConjunctiveGraph is deprecated", category=DeprecationWarning)
    # rdflib logs a traceback when it meets an ill-typed literal ("five"^^xsd:decimal); the profile shapes
    # report the same value as a violation, in words, so the log line would only add noise.
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
    _say_notes()
    ctx.obj = Settings(debug=debug, reasoner=reasoner, knowledge=knowledge, packs_only=packs_only, lang=lang)


def _language(tag: str) -> str:
    from careerkg.vocab import LANGUAGE_TAG

    if not LANGUAGE_TAG.fullmatch(tag):
        raise click.BadParameter(f"{tag!r} is not a language tag (BCP 47, such as en, fr or pt-BR)")
    return tag


#: careerkg's own options, which come before the command (``careerkg --knowledge PACK eligible ...``).
_GROUP_OPTIONS = {"--debug", "--reasoner", "--knowledge", "--packs-only", "--lang"}


def _say_notes() -> None:
    """What the library logs as a warning (for example, that the compiled reasoner does not support a pack's
    constructs and owlrl answers instead) reaches the user as one line on stderr."""
    log = logging.getLogger("careerkg")
    if not any(getattr(h, "careerkg_notes", False) for h in log.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("careerkg: note: %(message)s"))
        handler.careerkg_notes = True  # type: ignore[attr-defined]
        handler.setLevel(logging.WARNING)
        log.addHandler(handler)
        log.propagate = False


def _redeliver_interrupts(unraisable: Any) -> None:
    """A Ctrl-C that lands inside one of Python's own callbacks (an import lock's, say) cannot be raised
    there: Python would print it as "Exception ignored" with a traceback and carry on as if it had never
    come. Deliver it again, to the main thread, where careerkg handles it (exit 130, one line)."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        # from another thread, so that it arrives after this hook has returned, not inside it
        _thread.start_new_thread(_thread.interrupt_main, ())
        return
    sys.__unraisablehook__(unraisable)


def main() -> None:
    """Console-script entry point. The process is offline from here on (see :mod:`careerkg.offline`):
    only --endpoint and `careerkg serve` open the connections they are asked for."""
    sys.unraisablehook = _redeliver_interrupts
    try:
        from careerkg.offline import enforce

        enforce()
        cli(prog_name="careerkg")
    except KeyboardInterrupt:  # before a command started
        sys.stderr.write("careerkg: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (e.g. `careerkg eligible big.jsonl | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(141)
