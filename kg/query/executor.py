"""Answer one query on a pyoxigraph store: guard, evaluation, limits and serialisation.

This is what runs inside a query process (:mod:`kg.query.worker`), and what the conformance
tests call in-process on their tiny datasets. A request names the media type to answer in for
each query form (the caller negotiated both from ``Accept``), so the answer leaves as bytes.
A result that would pass the row or byte limit is an error, never a truncated answer.
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import pyoxigraph as ox

from kg.errors import (
    EngineFailure,
    KGError,
    QueryError,
    QueryLimitExceeded,
    QueryRefused,
    QuerySyntaxError,
    ResultNotAcceptable,
)
from kg.query import formats, guard

_POSITION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)
#: graphs named at most in the message that refuses a foreign graph
_LISTED = 12
#: longest parser message passed on (Oxigraph lists every character class it expected)
_MAX_MESSAGE = 300


@dataclass
class Request:
    """One query and how to answer it."""

    text: str
    #: media type for SELECT/ASK results, or ``None`` when the client accepts none of them
    results_media: str | None = formats.RESULT_TYPES[0]
    #: media type for CONSTRUCT/DESCRIBE results, or ``None`` when the client accepts none of them
    graph_media: str | None = formats.GRAPH_TYPES[0]
    #: the message for SELECT/ASK when ``results_media`` is ``None``, and for CONSTRUCT/DESCRIBE
    #: when ``graph_media`` is
    not_acceptable: tuple[str, str] = ("no format you accept is available for this result",) * 2
    default_graph_uris: Sequence[str] = ()
    named_graph_uris: Sequence[str] = ()
    base_iri: str | None = None
    #: rows or triples at most (``None``: the engine's limit)
    max_rows: int | None = None
    #: prefixes for Turtle
    prefixes: dict[str, str] = field(default_factory=dict)


@dataclass
class Reply:
    """A serialised answer."""

    form: str
    media: str
    body: bytes


class Executor:
    """Answers :class:`Request` objects on *store*.

    :param union_default_graph: whether the default graph is the union of all graphs
    """

    def __init__(self, store: ox.Store, *, union_default_graph: bool, max_rows: int, max_bytes: int) -> None:
        self.store = store
        self.union_default_graph = union_default_graph
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self._graphs: set[str] | None = None

    def graph_names(self) -> set[str]:
        """IRIs of the store's named graphs (read once)."""
        if self._graphs is None:
            self._graphs = {g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)}
        return self._graphs

    def _refuse_foreign(self, request: Request, checked: guard.Checked) -> None:
        for source, iris in (("FROM", checked.from_default), ("FROM NAMED", checked.from_named),
                             ("default-graph-uri", request.default_graph_uris),
                             ("named-graph-uri", request.named_graph_uris)):
            for iri in iris:
                if iri not in self.graph_names():
                    names = sorted(self.graph_names())
                    known = ", ".join(names[:_LISTED]) or "none"
                    more = f" … ({len(names)} in all; GRAPH ?g lists them)" if len(names) > _LISTED else ""
                    raise QueryRefused(f"{source} <{iri}> is not a graph of this dataset; the graphs are {known}{more}")

    def _evaluate(self, request: Request) -> Any:
        options: dict[str, Any] = {"base_iri": request.base_iri}
        if request.default_graph_uris or request.named_graph_uris:
            options["default_graph"] = [ox.NamedNode(i) for i in request.default_graph_uris]
            options["named_graphs"] = [ox.NamedNode(i) for i in request.named_graph_uris]
        else:
            options["use_default_graph_as_union"] = self.union_default_graph
        try:
            return self.store.query(request.text, **options)
        except SyntaxError as exc:
            raise syntax_error(str(exc)) from None
        except RuntimeError as exc:
            raise _evaluation_error(exc) from exc

    def run(self, request: Request) -> Reply:
        """Answer *request*.

        :raises QueryError: 400 for a malformed query (with line and column)
        :raises QueryRefused: 403 for an update, ``SERVICE`` or a graph the dataset does not hold
        :raises QueryLimitExceeded: 503 when the result passes the row or byte limit
        :raises ResultNotAcceptable: 406 when no acceptable format can carry the result
        :raises EngineFailure: 500 when the engine fails
        """
        checked = guard.check(request.text, request.base_iri)
        self._refuse_foreign(request, checked)
        outcome = self._evaluate(request)
        limit = self.max_rows if request.max_rows is None else request.max_rows
        try:
            if isinstance(outcome, ox.QueryBoolean):
                return self._write("ASK", request.results_media, request, [], None, bool(outcome))
            if isinstance(outcome, ox.QuerySolutions):
                variables = [v.value for v in outcome.variables]
                rows = self._collect(outcome, limit, "rows")
                return self._write("SELECT", request.results_media, request, variables, rows, None)
            triples = self._collect(outcome, limit, "triples")
            form = checked.form if checked.form in ("CONSTRUCT", "DESCRIBE") else "CONSTRUCT"
            return self._write(form, request.graph_media, request, [], triples, None)
        except RuntimeError as exc:
            raise _evaluation_error(exc) from exc
        except OSError as exc:
            raise EngineFailure(f"the store could not be read: {exc}") from exc

    def _collect(self, outcome: Any, limit: int, what: str) -> list[Any]:
        items = list(islice(outcome, limit + 1))
        if len(items) > limit:
            raise QueryLimitExceeded(
                f"the result has more than {limit} {what}, the limit of this endpoint (MAX_ROWS); "
                f"ask for fewer with LIMIT and page through them with OFFSET, e.g. LIMIT {limit} OFFSET {limit}")
        return items

    def _write(self, form: str, media: str | None, request: Request, variables: list[str],
               items: list[Any] | None, boolean: bool | None) -> Reply:
        if media is None:
            raise ResultNotAcceptable(request.not_acceptable[form in ("CONSTRUCT", "DESCRIBE")])
        if media == formats.TERMS:
            body = _terms(form, variables, items, boolean)
        elif form in ("CONSTRUCT", "DESCRIBE"):
            body = formats.write_graph(items or [], media, request.prefixes)
        else:
            rows = None if form == "ASK" else [list(solution) for solution in items or []]
            body = formats.WRITERS[media](variables, rows, boolean)
        if len(body) > self.max_bytes:
            raise QueryLimitExceeded(
                f"the result has more than {self.max_bytes} bytes, the limit of this endpoint (MAX_RESULT_BYTES); "
                "ask for fewer rows with LIMIT and page through them with OFFSET")
        return Reply(form, media, body)


def _terms(form: str, variables: list[str], items: list[Any] | None, boolean: bool | None) -> bytes:
    if form == "ASK":
        data: Any = (form, boolean)
    elif form == "SELECT":
        data = (form, variables, [tuple(formats.wire(t) for t in solution) for solution in items or []])
    else:
        data = (form, [(formats.wire(t.subject), formats.wire(t.predicate), formats.wire(t.object))
                       for t in items or []])
    return pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)


def _evaluation_error(exc: RuntimeError) -> KGError:
    """Our error for an evaluation error of Oxigraph's: the client's (400) when it names what is not supported."""
    if "not supported" in str(exc):
        return QueryError(f"the query cannot be evaluated: {exc}")
    return EngineFailure(f"the engine failed: {exc}")


def syntax_error(message: str) -> QuerySyntaxError:
    """Our error for a message of Oxigraph's parser (``error at LINE:COLUMN: …``)."""
    found = _POSITION.match(message)
    if not found:
        return QuerySyntaxError(f"SPARQL syntax error: {message[:_MAX_MESSAGE]}")
    line, column, detail = found.groups()
    detail = re.sub(r"\[[^\]]*\](, )?", "", " ".join(detail.split())).rstrip(", ")
    if len(detail) > _MAX_MESSAGE:
        detail = detail[:_MAX_MESSAGE] + " …"
    return QuerySyntaxError(f"SPARQL syntax error at line {line}, column {column}: {detail}", line=int(line))
