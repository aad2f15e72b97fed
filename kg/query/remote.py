"""An engine over an external SPARQL 1.1 endpoint (the seam for ``kg serve --store URL``).

The guard runs here, before anything is sent, so the external store sees no update, ``SERVICE``
or foreign graph from us; the time limit is the HTTP timeout, and a body over the byte limit is
an error. The internal terms format is made from the endpoint's JSON or N-Triples answer.
"""

from __future__ import annotations

import pickle
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from typing import Any

import pyoxigraph as ox

from kg.errors import EngineFailure, QueryLimitExceeded, QueryTimeout, ResultNotAcceptable
from kg.query import guard
from kg.query.engine import QueryResult, run_terms
from kg.query.executor import Reply, Request
from kg.query.formats import TERMS, wire
from kg.query.limits import Limits

_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


class RemoteEngine:
    """An :class:`kg.query.engine.Engine` that forwards checked queries to *endpoint*."""

    def __init__(self, endpoint: str, limits: Limits, *, union_default_graph: bool = False) -> None:
        self.endpoint = endpoint
        self.limits = limits
        self.union_default_graph = union_default_graph
        self._counts: dict[str, int] | None = None

    def _send(self, text: str, accept: str, request: Request) -> bytes:
        fields = [("query", text)] + [("default-graph-uri", g) for g in request.default_graph_uris]
        fields += [("named-graph-uri", g) for g in request.named_graph_uris]
        http = urllib.request.Request(self.endpoint, data=urllib.parse.urlencode(fields).encode(),
                                      headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(http, timeout=self.limits.timeout) as response:  # noqa: S310 - configured URL
                body: bytes = response.read(self.limits.max_bytes + 1)
        except TimeoutError:
            raise QueryTimeout(f"query exceeded the time limit of {self.limits.timeout:g} s") from None
        except urllib.error.HTTPError as exc:
            raise EngineFailure(f"the store at {self.endpoint} answered {exc.code}: {exc.read(500)!r}") from exc
        except OSError as exc:
            raise EngineFailure(f"the store at {self.endpoint} cannot be reached: {exc}") from exc
        if len(body) > self.limits.max_bytes:
            raise QueryLimitExceeded(f"the result has more than {self.limits.max_bytes} bytes (MAX_RESULT_BYTES); "
                                     "ask for fewer rows with LIMIT and page through them with OFFSET")
        return body

    def answer(self, request: Request) -> Reply:
        checked = guard.check(request.text, request.base_iri)
        form = checked.form or "SELECT"
        graph = form in ("CONSTRUCT", "DESCRIBE")
        media = request.graph_media if graph else request.results_media
        if media is None:
            raise ResultNotAcceptable(request.not_acceptable[graph])
        if media != TERMS:
            return Reply(form, media, self._send(request.text, media, request))
        if graph:
            body = self._send(request.text, "application/n-triples", request)
            triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
            data: Any = (form, [(wire(t.subject), wire(t.predicate), wire(t.object)) for t in triples])
        else:
            parsed: Any = ox.parse_query_results(self._send(request.text, "application/sparql-results+json", request),
                                                 format=ox.QueryResultsFormat.JSON)
            if isinstance(parsed, ox.QueryBoolean):
                data = ("ASK", bool(parsed))
            else:
                variables = [v.value for v in parsed.variables]
                data = ("SELECT", variables, [tuple(wire(s[v]) for v in variables) for s in parsed])
        limit = self.limits.max_rows if request.max_rows is None else request.max_rows
        if data[0] != "ASK" and len(data[-1]) > limit:
            raise QueryLimitExceeded(f"the result has more than {limit} rows (MAX_ROWS); page with LIMIT and OFFSET")
        return Reply(data[0], TERMS, pickle.dumps(data))

    def query(self, text: str, *, max_rows: int | None = None, default_graph_uris: Sequence[str] = (),
              named_graph_uris: Sequence[str] = ()) -> QueryResult:
        return run_terms(self, text, max_rows=max_rows, default_graph_uris=default_graph_uris,
                         named_graph_uris=named_graph_uris)

    def graph_counts(self) -> dict[str, int]:
        if self._counts is None:
            result = self.query(_COUNTS)
            self._counts = {str(row[0]): int(row[1]) for row in result.rows if row[0] is not None}  # type: ignore[arg-type]
        return dict(self._counts)

    def start(self) -> None:
        """Nothing to start: each query is one HTTP request."""

    def close(self) -> None:
        """Nothing to release."""
