"""Complete answers from SPARQL servers that cap them: every row, or an error, never a silent cut.

Servers cut large answers: Virtuoso returns at most ``ResultSetMaxRows`` rows (10,000 by default) and says so
only in an ``X-SPARQL-MaxRows`` header; other servers may cut without a word. So a SELECT query is asked in
a form that can be paged, its rows counted by the server, and the answer is accepted only when the rows
received are as many as the server counts:

1. the query becomes a sub-select (its prologue moved out), ordered by its own ORDER BY keys when they are
   plain variables, then by every projected variable, so that pages are stable;
2. the first request asks for everything; a second, ``SELECT (COUNT(*) ...) { { query } }``, asks how many
   rows there are (one row: a cap cannot cut it). A cap is one number for a server: once the server has
   given an answer of n rows whole, it cuts none below n, so an answer with fewer rows than the largest one
   proven whole needs no count (:class:`Proven` keeps that number for a server);
3. if fewer arrived, the rest is fetched with ``OFFSET``, in pages as large as the first one, until the count
   is reached; a query whose order cannot be reproduced (ORDER BY an expression) cannot be paged, and a short
   answer to it is an :class:`~careerkg.errors.IncompleteAnswerError`.

Checking costs the server one more evaluation of a query now and then; careerkg's own queries ask for a batch
of profiles at a time, so each evaluation is small.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from careerkg.errors import IncompleteAnswerError
from careerkg.sparql.queries import PROLOGUE
from rdflib.term import Node, Variable

__all__ = ["Page", "PagedSelect", "Proven", "all_rows"]

#: The variable the row count comes back in (a name no query of careerkg's or a user's is likely to use).
_COUNT = "careerkgRowCount"


@dataclass(frozen=True)
class Page:
    """What one request brought back: the rows, and the cap the server says it applied (if it says)."""

    rows: list[dict[str, Node]]
    max_rows: int | None = None


@dataclass
class Proven:
    """The most rows one server has been seen to give whole (checked against its own count)."""

    rows: int = 0


@dataclass(frozen=True)
class PagedSelect:
    """A SELECT query in the forms needed to fetch all of it: the prologue, the query itself, and the keys it
    can be ordered by (None when its order cannot be reproduced outside it, so it cannot be paged)."""

    prologue: str
    body: str
    order: tuple[str, ...] | None

    @classmethod
    def of(cls, text: str) -> PagedSelect:
        """``text`` (a SELECT query that rdflib parses) prepared for paging."""
        from rdflib.plugins.sparql import prepareQuery

        algebra = prepareQuery(text).algebra
        projected = [str(v) for v in algebra.get("PV") or []]
        prologue = PROLOGUE.match(text)  # what a sub-select may not contain
        head = prologue.group(0) if prologue else ""
        return cls(head, text[len(head) :], _order_keys(algebra, projected))

    def page(self, offset: int = 0, limit: int | None = None) -> str:
        """The query for the rows from ``offset`` (at most ``limit`` of them), in a stable order."""
        order = f"ORDER BY {' '.join(self.order)}" if self.order else ""
        window = f" OFFSET {offset}" if offset else ""
        window += f" LIMIT {limit}" if limit is not None else ""
        return f"{self.prologue}SELECT * WHERE {{ {{\n{self.body}\n}} }} {order}{window}\n"

    def count(self) -> str:
        """The query that counts the rows."""
        return f"{self.prologue}SELECT (COUNT(*) AS ?{_COUNT}) WHERE {{ {{\n{self.body}\n}} }}\n"


def _order_keys(algebra: object, projected: list[str]) -> tuple[str, ...] | None:
    """ORDER BY keys that give the query's own order (its ORDER BY, if over projected variables), then every
    projected variable, so that equal keys never leave the order of two rows to chance."""
    keys: list[str] = []
    node = getattr(algebra, "get", lambda _: None)("p")
    while node is not None and getattr(node, "name", None) in {"Project", "Distinct", "Reduced", "Slice",
                                                                  "ToMultiSet"}:  # fmt: skip
        node = node.get("p")
    if node is not None and getattr(node, "name", None) == "OrderBy":
        for condition in node.get("expr", []):
            expression = getattr(condition, "expr", condition)
            descending = getattr(condition, "order", None) == "DESC"
            if not isinstance(expression, Variable) or str(expression) not in projected:
                return None
            keys.append(f"DESC(?{expression})" if descending else f"?{expression}")
    seen = {key.removeprefix("DESC(").strip("?)") for key in keys}
    keys += [f"?{name}" for name in projected if name not in seen]
    return tuple(keys)


def all_rows(
    fetch: Callable[[str], Page], query: str, source: str, proven: Proven | None = None
) -> list[dict[str, Node]]:
    """Every row of the SELECT ``query``, asked of a server by ``fetch`` (one request each), checked against
    the server's own count unless fewer than ``proven.rows`` came; :class:`IncompleteAnswerError` when they
    cannot all be had."""
    proven = proven if proven is not None else Proven()
    paged = PagedSelect.of(query)
    first = fetch(paged.page() if paged.order is not None else query)
    rows = list(first.rows)
    if first.max_rows is None and len(rows) < proven.rows:
        return rows  # the server gave more than this whole before: it did not cut this one
    counted = fetch(paged.count()).rows
    try:
        total = int(str(counted[0][_COUNT]))
    except (IndexError, KeyError, ValueError) as error:
        raise IncompleteAnswerError(f"{source}: the server did not count the answer's rows") from error
    if len(rows) == total:
        proven.rows = max(proven.rows, total)
        return rows
    if paged.order is None or not rows or len(rows) > total:
        raise IncompleteAnswerError(
            f"{source}: the server returned {len(rows):,} of the answer's {total:,} rows"
            + (f" (it caps answers at {first.max_rows:,} rows)" if first.max_rows else "")
            + (
                "; the query's ORDER BY is an expression, so careerkg cannot fetch the rest page by page"
                if paged.order is None
                else ""
            )  # fmt: skip
        )
    size = len(rows)  # the server's cap, as it applied it
    while len(rows) < total:
        page = fetch(paged.page(len(rows), size)).rows
        if not page:
            break
        rows += page
    if len(rows) != total:
        raise IncompleteAnswerError(
            f"{source}: the server returned {len(rows):,} rows, page by page, of the {total:,} it counts "
            "(did the data change meanwhile?)"
        )
    return rows
