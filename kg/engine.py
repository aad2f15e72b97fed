"""The query engine interface the server and the CLI talk to.

Every engine (the embedded rdflib one today; Oxigraph or an external SPARQL store later)
implements :class:`Engine`, so the endpoint's guarantees (read-only, no outbound
connections, time and size limits) hold whichever engine runs underneath.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from rdflib import Graph
from rdflib.term import Identifier


@dataclass
class QueryResult:
    """The outcome of one query, independent of the engine that ran it.

    ``kind`` is ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``. SELECT fills ``variables``
    and ``rows`` (``None`` for an unbound cell); ASK fills ``boolean``; CONSTRUCT and
    DESCRIBE fill ``graph``. ``truncated`` is true when the row limit cut the result.
    """

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Identifier | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None
    truncated: bool = False


class Engine(Protocol):
    """A read-only SPARQL engine over the built dataset."""

    def query(
        self,
        sparql: str,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        """Run a SPARQL query; raise :class:`kg.errors.QueryError` subclasses on failure."""
        ...

    def graph_names(self) -> list[str]:
        """IRIs of the named graphs the engine holds."""
        ...
