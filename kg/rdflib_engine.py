"""The embedded engine: rdflib over the built dataset, one child process per query.

rdflib's evaluation cannot be interrupted from another thread, so each query is evaluated in a
child process forked from the process that holds the dataset (the fork shares its memory, so
nothing is copied or reloaded). The child sends its result back over a pipe as plain tuples; at
the deadline the parent kills it and raises :class:`kg.errors.QueryTimeout`. Other requests are
unaffected: each runs in its own child.

The default graph is the union of all named graphs. A dataset given by the protocol
(``default-graph-uri``/``named-graph-uri``) or by ``FROM``/``FROM NAMED`` is built from the
graphs the dataset holds and never fetched; an IRI the dataset does not hold is an empty graph.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import stat
import sys
import time
from collections.abc import Iterable, Sequence
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.plugins.sparql.evaluate import evalQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Identifier

from kg.engine import QueryResult
from kg.errors import QueryError, QueryLimitExceeded, QueryTimeout
from kg.queries import _quiet_rdflib, load_dataset
from kg.query_guard import dataset_clause, parse

_FORK = multiprocessing.get_context("fork")

#: a term on the wire: ("u", iri) | ("b", id) | ("l", lexical, language, datatype)
Wire = tuple[str, ...]


def encode(term: Identifier | None) -> Wire | None:
    """Turn an rdflib term into a tuple of strings (cheap to send, no rdflib objects)."""
    if term is None:
        return None
    if isinstance(term, Literal):
        return ("l", str(term), term.language or "", str(term.datatype or ""))
    if isinstance(term, BNode):
        return ("b", str(term))
    return ("u", str(term))


def decode(wire: Wire | None) -> Identifier | None:
    """Inverse of :func:`encode`."""
    if wire is None:
        return None
    if wire[0] == "l":
        _, lexical, language, datatype = wire
        return Literal(lexical, lang=language or None, datatype=URIRef(datatype) if datatype else None)
    return BNode(wire[1]) if wire[0] == "b" else URIRef(wire[1])


class RdflibEngine:
    """A read-only engine over an rdflib :class:`~rdflib.Dataset` (see the module docstring)."""

    def __init__(self, dataset: Dataset, *, timeout: float = 10.0, max_rows: int = 10_000,
                 memory_mb: int | None = None) -> None:
        self.dataset = dataset
        self.timeout = timeout
        self.max_rows = max_rows
        #: megabytes a query process may allocate beyond what it inherits (``None``: no limit)
        self.memory_mb = memory_mb

    @classmethod
    def from_trig(cls, path: Path, **options: Any) -> RdflibEngine:
        """Load a TriG file (``build/dataset.trig``).

        :raises InputError: when the file is missing or does not parse
        """
        return cls(load_dataset(path), **options)

    def graph_names(self) -> list[str]:
        return sorted(str(g.identifier) for g in self.dataset.graphs() if isinstance(g.identifier, URIRef)
                      and g.identifier != self.dataset.default_graph.identifier)

    def query(
        self,
        sparql: str,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        """Run *sparql* in a child process; see :class:`kg.engine.Engine`.

        :raises QueryError: when the query does not parse or its evaluation fails
        :raises QueryTimeout: when it runs longer than *timeout* seconds
        """
        query = parse(sparql)
        limit = self.max_rows if max_rows is None else max_rows
        seconds = self.timeout if timeout is None else timeout
        graphs: tuple[list[str], list[str]] | None
        if default_graph_uris or named_graph_uris:
            graphs = (list(default_graph_uris), list(named_graph_uris))
        else:
            graphs = dataset_clause(query)
        receiver, sender = _FORK.Pipe(duplex=False)
        child = _FORK.Process(target=_evaluate, args=(sender, self.dataset, query, graphs, limit, self.memory_mb), daemon=True)
        child.start()
        sender.close()
        try:
            message = _receive(receiver, seconds)
        finally:
            receiver.close()
            if child.is_alive():
                child.kill()
            child.join()
        if message is None:
            raise QueryTimeout(f"query exceeded the time limit of {seconds:g} s")
        if message[0] == "memory":
            raise QueryLimitExceeded(f"query exceeded the memory limit of {self.memory_mb} MB")
        if message[0] == "error":
            raise QueryError(f"the query failed: {message[1]}")
        result = _result(message)
        if result.graph is not None:
            for prefix, namespace in self.dataset.namespaces():
                result.graph.bind(prefix, namespace, override=False)
        return result


def _receive(receiver: Connection, seconds: float) -> Any:
    """Wait up to *seconds* for the child's message; ``None`` when the time is up or the child died."""
    deadline = time.monotonic() + seconds
    try:
        if receiver.poll(max(0.0, deadline - time.monotonic())):
            return receiver.recv()
    except EOFError:
        return ("error", "the query process ended without an answer (out of memory?)")
    return None


def _view(dataset: Dataset, graphs: tuple[list[str], list[str]] | None) -> Dataset:
    """The dataset a query sees: everything, or the graphs a dataset description names."""
    if graphs is None:
        return dataset
    default, named = graphs
    view = Dataset(default_union=False)
    for iri in default:
        view.default_graph += dataset.graph(URIRef(iri))
    for iri in named:
        view.graph(URIRef(iri)).__iadd__(dataset.graph(URIRef(iri)))
    return view


def _close_sockets(keep: int) -> None:
    """Close the client and listening sockets the child inherited, so that only the parent holds them."""
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return
    for fd in fds:
        try:
            if fd != keep and stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
        except OSError:
            continue


def _limit_memory(megabytes: int) -> None:
    """Let this process grow by at most *megabytes* of address space beyond its current size."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            size_kb = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
    except (OSError, StopIteration, ValueError):
        return
    limit = (size_kb * 1024) + megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))


def _evaluate(sender: Connection, dataset: Dataset, query: Query,
              graphs: tuple[list[str], list[str]] | None, limit: int, memory_mb: int | None) -> None:
    """Child process: evaluate *query* and send ``(kind, ...)``, ``("memory",)`` or ``("error", message)``."""
    _close_sockets(sender.fileno())
    sys.unraisablehook = lambda _: None  # generators that fail to close at exit concern nobody
    if memory_mb:
        _limit_memory(memory_mb)
    query.algebra["datasetClause"] = None
    try:
        with _quiet_rdflib():
            outcome = evalQuery(_view(dataset, graphs), query)
            message = _wire(str(outcome["type_"]), outcome, limit)
    except MemoryError:
        message = ("memory",)
    except Exception as exc:  # noqa: BLE001 - evaluation errors come as many types; the message goes to the client
        message = ("error", str(exc) or type(exc).__name__)
    sender.send(message)
    sender.close()


def _wire(kind: str, outcome: Any, limit: int) -> tuple[Any, ...]:
    if kind == "SELECT":
        variables = [str(v) for v in outcome["vars_"]]
        rows = [tuple(encode(row.get(v)) for v in outcome["vars_"]) for row in islice(outcome["bindings"], limit + 1)]
        return ("SELECT", variables, rows[:limit], len(rows) > limit)
    if kind == "ASK":
        return ("ASK", bool(outcome["askAnswer"]))
    graph: Iterable[Any] = outcome["graph"]
    triples = [tuple(encode(t) for t in triple) for triple in islice(graph, limit + 1)]
    return (kind, triples[:limit], len(triples) > limit)


def _result(message: tuple[Any, ...]) -> QueryResult:
    kind = message[0]
    if kind == "SELECT":
        _, variables, rows, truncated = message
        return QueryResult(kind, variables=variables, rows=[tuple(decode(c) for c in row) for row in rows],
                           truncated=truncated)
    if kind == "ASK":
        return QueryResult(kind, boolean=message[1])
    graph = Graph()
    for triple in message[1]:
        graph.add(tuple(decode(t) for t in triple))  # type: ignore[arg-type]
    return QueryResult(kind, graph=graph, truncated=message[2])
