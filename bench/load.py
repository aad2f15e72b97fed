"""The load client: threads, each with one keep-alive HTTP connection, sending one query for a while.

Every request is a SPARQL protocol POST (``application/sparql-query``), so both servers get the
same bytes. Each thread sends, reads the whole answer, and records the latency and the status;
a thread stops at the deadline or when the cell's request budget is spent.
"""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from dataclasses import dataclass, field

SELECT_TYPES = "application/sparql-results+json"
GRAPH_TYPES = "application/n-triples"


@dataclass(frozen=True)
class Target:
    """Where a server answers SPARQL queries."""

    host: str
    port: int
    path: str


@dataclass
class Cell:
    """What one query at one concurrency gave: latencies of the successful answers, errors, time."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0
    first_error: str = ""

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile(self, fraction: float) -> float | None:
        if not self.latencies:
            return None
        if len(self.latencies) == 1:
            return self.latencies[0]
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[round(fraction * 100) - 1]


def accept_for(query: str) -> str:
    """The media type to ask for: RDF for CONSTRUCT and DESCRIBE, SPARQL JSON results otherwise."""
    text = "\n".join(line for line in query.splitlines() if not line.lstrip().startswith("#"))
    words = [word.upper() for word in text.replace("{", " ").split()]
    form = next((word for word in words if word in {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}), "SELECT")
    return GRAPH_TYPES if form in {"CONSTRUCT", "DESCRIBE"} else SELECT_TYPES


def _headers(query: str) -> dict[str, str]:
    return {"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept_for(query)}


def probe(target: Target, query: str, timeout: float) -> tuple[int, int | None, str]:
    """Send the query once; return the status, the size of the answer (rows or triples) and an error text."""
    connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout)
    try:
        connection.request("POST", target.path, body=query.encode("utf-8"), headers=_headers(query))
        response = connection.getresponse()
        body = response.read()
    except OSError as exc:
        return 0, None, f"{type(exc).__name__}: {exc}"
    finally:
        connection.close()
    if response.status != 200:
        return response.status, None, body[:300].decode("utf-8", "replace")
    try:
        return 200, _size(body, response.getheader("Content-Type") or ""), ""
    except (ValueError, KeyError) as exc:  # e.g. a stream cut at the server's time limit
        return 200, None, f"a 200 answer that is not valid: {exc}"


def _size(body: bytes, media_type: str) -> int | None:
    if "json" in media_type:
        data = json.loads(body)
        return len(data["results"]["bindings"]) if "results" in data else int(bool(data.get("boolean")))
    return sum(1 for line in body.splitlines() if line.strip() and not line.startswith(b"#"))


def run_cell(target: Target, query: str, *, clients: int, duration: float, max_requests: int,
             timeout: float) -> Cell:
    """Send ``query`` from ``clients`` threads for ``duration`` seconds (at most ``max_requests`` in all)."""
    cell = Cell()
    lock = threading.Lock()
    budget = [max_requests]
    body = query.encode("utf-8")
    headers = _headers(query)

    def client(deadline: float) -> None:
        connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout)
        try:
            while time.monotonic() < deadline:
                with lock:
                    if budget[0] <= 0:
                        return
                    budget[0] -= 1
                started = time.perf_counter()
                error = ""
                try:
                    connection.request("POST", target.path, body=body, headers=headers)
                    response = connection.getresponse()
                    payload = response.read()
                    if response.status != 200:
                        error = f"{response.status}: {payload[:200].decode('utf-8', 'replace')}"
                except (OSError, http.client.HTTPException) as exc:
                    error = f"{type(exc).__name__}: {exc}"
                    connection.close()
                    connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout)
                seconds = time.perf_counter() - started
                with lock:
                    if error:
                        cell.errors += 1
                        cell.first_error = cell.first_error or error
                    else:
                        cell.latencies.append(seconds)
        finally:
            connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(started + duration,), daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + timeout + 5)
    cell.elapsed = time.monotonic() - started
    return cell
