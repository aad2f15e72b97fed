"""The default engine: an Oxigraph store on disk, queried by a pool of query processes.

The store is the one ``kg build`` wrote (``build/store``) or one loaded from RDF files
(``kg serve --data``). The web processes never evaluate a query: they negotiate, send the query
to a process of the pool (:mod:`kg.query.pool`) and pass on the bytes it answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kg.query import store as stores
from kg.query.engine import QueryResult, run_terms
from kg.query.executor import Reply, Request
from kg.query.limits import Limits
from kg.query.pool import Pool


class OxigraphEngine:
    """An :class:`kg.query.engine.Engine` over the store in *folder*.

    :param union_default_graph: whether the default graph is the union of all graphs
    :raises InputError: when *folder* holds no store
    """

    def __init__(self, folder: Path, limits: Limits, *, union_default_graph: bool) -> None:
        self.folder = folder
        self.limits = limits
        self.union_default_graph = union_default_graph
        self._counts = stores.graph_counts(folder)
        self.pool = Pool(folder, limits, union_default_graph=union_default_graph)

    @classmethod
    def from_files(cls, files: Sequence[Path], limits: Limits, *, union_default_graph: bool) -> OxigraphEngine:
        """Load RDF *files* into a temporary store and serve it (see :func:`kg.query.store.load_files`)."""
        return cls(stores.load_files(files), limits, union_default_graph=union_default_graph)

    def answer(self, request: Request) -> Reply:
        form, media, body = self.pool.run(request)
        return Reply(form, media, body)

    def query(self, text: str, *, max_rows: int | None = None, default_graph_uris: Sequence[str] = (),
              named_graph_uris: Sequence[str] = ()) -> QueryResult:
        return run_terms(self, text, max_rows=max_rows, default_graph_uris=default_graph_uris,
                         named_graph_uris=named_graph_uris)

    def graph_counts(self) -> dict[str, int]:
        return dict(self._counts)

    def start(self) -> None:
        self.pool.start()

    def close(self) -> None:
        self.pool.close()
