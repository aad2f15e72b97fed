"""The engine interface the server, the pages and the command line talk to.

Every engine (the embedded Oxigraph store of :mod:`kg.query.oxigraph`; an external SPARQL 1.1
endpoint later) implements :class:`Engine`: it answers a :class:`kg.query.executor.Request` with
bytes in the negotiated format, under the limits of :class:`kg.query.limits.Limits`, after the
checks of :mod:`kg.query.guard`. :meth:`Engine.query` gives the same answer as terms, for the
pages and the command-line table.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier

from kg.query.executor import Reply, Request
from kg.query.formats import RDF_LANG_STRING, TERMS, XSD_STRING
from kg.query.limits import Limits


@dataclass
class QueryResult:
    """A result as rdflib terms.

    ``kind`` is ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``. SELECT fills ``variables``
    and ``rows`` (``None`` for an unbound cell); ASK fills ``boolean``; CONSTRUCT and
    DESCRIBE fill ``graph``.
    """

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Identifier | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None


class Engine(Protocol):
    """A read-only SPARQL engine over one dataset."""

    limits: Limits
    #: whether the default graph is the union of all graphs
    union_default_graph: bool

    def answer(self, request: Request) -> Reply:
        """Answer *request* in the media type it asks for.

        :raises QueryError: (and its subclasses) for what the client must change
        :raises EngineFailure: for a failure of ours
        """
        ...

    def query(self, text: str, *, max_rows: int | None = None, default_graph_uris: Sequence[str] = (),
              named_graph_uris: Sequence[str] = ()) -> QueryResult:
        """Answer *text* as terms (see :func:`run_terms`)."""
        ...

    def graph_counts(self) -> dict[str, int]:
        """Triples per graph: each named graph by IRI, the default graph (when not empty) as ``""``."""
        ...

    def start(self) -> None:
        """Get ready to answer (start query processes, open connections)."""
        ...

    def close(self) -> None:
        """Release what :meth:`start` took."""
        ...


def decode(wire: Any) -> Identifier | None:
    """An rdflib term from the tuple form of :func:`kg.query.formats.wire`."""
    if wire is None:
        return None
    if wire[0] == "l":
        _, value, language, datatype = wire
        if language:
            return Literal(value, lang=language)
        if datatype in (XSD_STRING, RDF_LANG_STRING):
            return Literal(value)
        return Literal(value, datatype=URIRef(datatype))
    if wire[0] == "b":
        return BNode(wire[1])
    if wire[0] == "u":
        return URIRef(wire[1])
    return Literal(wire[1])  # a quoted triple, shown as its N-Triples text


def run_terms(engine: Engine, text: str, *, max_rows: int | None = None, default_graph_uris: Sequence[str] = (),
              named_graph_uris: Sequence[str] = ()) -> QueryResult:
    """Answer *text* on *engine* as rdflib terms."""
    reply = engine.answer(Request(text, results_media=TERMS, graph_media=TERMS, max_rows=max_rows,
                                  default_graph_uris=tuple(default_graph_uris),
                                  named_graph_uris=tuple(named_graph_uris)))
    return decode_reply(reply)


def decode_reply(reply: Reply) -> QueryResult:
    """The terms of a reply in the internal format (:data:`kg.query.formats.TERMS`)."""
    data = pickle.loads(reply.body)
    form = data[0]
    if form == "ASK":
        return QueryResult(form, boolean=bool(data[1]))
    if form == "SELECT":
        return QueryResult(form, variables=data[1], rows=[tuple(decode(t) for t in row) for row in data[2]])
    graph = Graph()
    for triple in data[1]:
        graph.add(tuple(decode(t) for t in triple))  # type: ignore[arg-type]
    return QueryResult(form, graph=graph)
