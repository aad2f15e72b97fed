"""The endpoint under abuse: read-only, no outbound connections, time, size and encoding limits."""

from __future__ import annotations

import json
import os
import select
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from conftest import BASE, QUERY_TIMEOUT

from kg.server import create_app

RUSSIA = BASE + "id/russia"
PROBE = f"ASK {{ <{RUSSIA}> <urn:test:changed> ?o }}"
#: four unrelated triple patterns: |dataset|^4 rows, far more than the time limit allows
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SIMPLE = f"SELECT ?l WHERE {{ <{RUSSIA}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"

UPDATES = [
    f"INSERT DATA {{ <{RUSSIA}> <urn:test:changed> true }}",
    f"DELETE WHERE {{ <{RUSSIA}> ?p ?o }}",
    "DELETE { ?s ?p ?o } INSERT { ?s <urn:test:changed> ?o } WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    f"DROP GRAPH <{BASE}graph/entities>",
    "CREATE GRAPH <urn:test:new>",
    f"ADD <{BASE}graph/entities> TO <urn:test:new>",
]


def triple_count(live_server) -> int:
    return json.loads(live_server.get("/health").body)["triples"]


def ask(live_server, query: str) -> bool:
    return json.loads(live_server.get("/sparql", {"query": query}).body)["boolean"]


@pytest.mark.parametrize("update", UPDATES)
def test_update_is_refused_in_every_form_and_changes_nothing(live_server, update):
    before = triple_count(live_server)
    replies = [
        live_server.get("/sparql", {"query": update}),
        live_server.get("/sparql", {"update": update}),
        live_server.post_form("/sparql", {"query": update}),
        live_server.post_form("/sparql", {"update": update}),
        live_server.request("POST", "/sparql", body=update, headers={"Content-Type": "application/sparql-update"}),
        live_server.request("POST", "/sparql", body=update, headers={"Content-Type": "application/sparql-query"}),
    ]
    for reply in replies:
        assert reply.status == 403, reply.text
        assert "read-only" in reply.text
    assert ask(live_server, PROBE) is False
    assert ask(live_server, f"ASK {{ <{RUSSIA}> ?p ?o }}") is True
    assert triple_count(live_server) == before
    total = json.loads(live_server.get("/sparql", {"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}).body)
    assert int(total["results"]["bindings"][0]["n"]["value"]) == before


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A TCP listener on 127.0.0.1 that nothing should connect to."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        sock.setblocking(False)
        yield sock


def connections(sock: socket.socket, wait: float) -> int:
    """Accept (and close) every connection that arrives within *wait* seconds."""
    count, deadline = 0, time.monotonic() + wait
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([sock], [], [], left)
        if ready:
            conn, _ = sock.accept()
            conn.close()
            count += 1
    return count


def outbound_queries(port: int) -> list[str]:
    here = f"http://127.0.0.1:{port}"
    return [
        f"SELECT * WHERE {{ SERVICE <{here}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ {{ SELECT * WHERE {{ SERVICE SILENT <{here}/sparql> {{ ?s ?p ?o }} }} }} }} }} LIMIT 1",
        f"SELECT * FROM <{here}/x.ttl> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{here}/x.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"LOAD <{here}/x.ttl>",
        f"LOAD <{here}/x.ttl> INTO GRAPH <{BASE}graph/entities>",
        # SPARQL resolves \\u escapes before parsing, so this is SERVICE too (Oxigraph reads it as a syntax error)
        f"SELECT * WHERE {{ \\u0053ERVICE <{here}/sparql> {{ ?s ?p ?o }} }}",
    ]


def test_oxigraph_alone_would_connect(listener):
    """The control: Oxigraph's own engine, given SERVICE or LOAD, opens connections to the listener."""
    port = listener.getsockname()[1]
    service, _, _, _, load, _, _ = outbound_queries(port)
    for text in (service, load):
        worker = threading.Thread(target=_swallow, args=(text,), daemon=True)
        worker.start()
        seen, deadline = 0, time.monotonic() + 30
        while worker.is_alive() and time.monotonic() < deadline:  # close each connection until it gives up
            seen += connections(listener, 0.1)
        assert seen >= 1, text


def _swallow(text: str) -> None:
    """Run *text* with pyoxigraph and ignore the failure that follows the closed connection."""
    store = pyoxigraph.Store()
    try:
        if text.startswith("LOAD"):
            store.update(text)
        else:
            list(store.query(text))  # type: ignore[call-overload]
    except Exception:  # noqa: BLE001, S110 - the listener closes at once, so the engine fails one way or another
        pass


def test_endpoint_never_connects_out(live_server, listener):
    port = listener.getsockname()[1]
    for text in outbound_queries(port):
        for reply in (live_server.get("/sparql", {"query": text}),
                      live_server.request("POST", "/sparql", body=text,
                                          headers={"Content-Type": "application/sparql-query"})):
            assert reply.status == 403, (text, reply.text)
            assert "SERVICE" in reply.text or "not a graph of this dataset" in reply.text or "read-only" in reply.text
        assert connections(listener, 0.5) == 0, text
    foreign = {"query": SIMPLE, "default-graph-uri": f"http://127.0.0.1:{port}/x.ttl"}
    assert live_server.get("/sparql", foreign).status == 403
    foreign = {"query": SIMPLE, "named-graph-uri": f"http://127.0.0.1:{port}/x.ttl"}
    assert live_server.post_form("/sparql", foreign).status == 403
    assert connections(listener, 1.0) == 0


def descendants(pid: int) -> set[int]:
    """Every process below *pid* (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def test_pathological_query_is_stopped_while_others_are_answered(live_server):
    workers = descendants(live_server.pid)
    outcome: dict[str, object] = {}

    def slow() -> None:
        started = time.monotonic()
        outcome["reply"] = live_server.get("/sparql", {"query": CROSS_PRODUCT}, timeout=QUERY_TIMEOUT + 30)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)  # let the slow query start
    latencies, answered_while_running = [], 0
    while thread.is_alive() and len(latencies) < 200:
        started = time.monotonic()
        reply = live_server.get("/sparql", {"query": SIMPLE, "format": "csv"})
        latencies.append(time.monotonic() - started)
        assert reply.status == 200 and "Russia" in reply.text
        answered_while_running += thread.is_alive()
    thread.join(timeout=QUERY_TIMEOUT + 35)
    reply = outcome["reply"]
    median_ms = statistics.median(latencies) * 1000
    print(f"\npathological query stopped after {outcome['seconds']:.2f} s (limit {QUERY_TIMEOUT} s); "
          f"{len(latencies)} simple queries meanwhile, median {median_ms:.1f} ms, max {max(latencies) * 1000:.1f} ms")
    assert reply.status == 503
    assert reply.text.strip() == f"query exceeded the time limit of {QUERY_TIMEOUT:g} s"
    assert outcome["seconds"] < QUERY_TIMEOUT + 5
    assert answered_while_running >= 3
    assert median_ms < 1000
    deadline = time.monotonic() + 10
    while len(descendants(live_server.pid) - workers) != 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    now = descendants(live_server.pid)
    assert len(workers - now) == 1, "the query process that ran out of time was not ended"
    assert len(now) == len(workers), "the ended query process was not replaced"


def test_one_megabyte_query_is_413(live_server):
    padding = "#" + "x" * (1024 * 1024) + "\n"
    big = padding + SIMPLE
    reply = live_server.request("POST", "/sparql", body=big, headers={"Content-Type": "application/sparql-query"})
    assert reply.status == 413
    reply = live_server.post_form("/sparql", {"query": big})
    assert reply.status == 413
    reply = live_server.get("/sparql", {"query": big})
    assert 400 <= reply.status < 500


def test_query_longer_than_the_limit_but_within_the_body_limit_is_413(server_client, server_app):
    limit = server_app.config["MAX_QUERY_LENGTH"]
    text = "#" + "x" * limit + "\n" + SIMPLE
    reply = server_client.post("/sparql", data=text.encode(), content_type="application/sparql-query")
    assert reply.status_code == 413
    assert str(limit) in reply.get_data(as_text=True)


@pytest.mark.parametrize("how", ["GET", "form", "body"])
def test_invalid_utf8_is_400(live_server, how):
    if how == "GET":
        reply = live_server.request("GET", "/sparql?query=SELECT%20%2A%20WHERE%20%7B%20%3Fs%20%3Fp%20%22%FF%22%20%7D")
    elif how == "form":
        reply = live_server.request("POST", "/sparql", body=b"query=ASK%20%7B%7D%20%23%C3%28",
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    else:
        reply = live_server.request("POST", "/sparql", body=b"ASK {} #\xff\xfe",
                                    headers={"Content-Type": "application/sparql-query"})
    assert reply.status == 400
    assert "UTF-8" in reply.text


def test_deeply_nested_query_is_a_client_error(live_server):
    nested = "SELECT * WHERE " + "{ " * 3000 + "?s ?p ?o" + " }" * 3000
    reply = live_server.post_form("/sparql", {"query": nested})
    assert 400 <= reply.status < 500, reply.text
    assert live_server.get("/health").status == 200


def test_no_stack_trace_reaches_the_client(live_server):
    for params in ({"query": "SELECT * WHERE { ?s ?p ?o } ORDER BY"}, {"query": SIMPLE, "format": "nope"},
                   {"query": [SIMPLE, SIMPLE]}):
        reply = live_server.get("/sparql", params)
        assert reply.status == 400
        assert "Traceback" not in reply.text and 'File "' not in reply.text
    assert os.path.exists(live_server.log)


def test_query_that_needs_too_much_memory_is_stopped(server_build):
    app = create_app({"TESTING": True, "BUILD_DIR": str(server_build), "QUERY_TIMEOUT": 60, "QUERY_MEMORY_MB": 64})
    sorted_product = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?i ?a LIMIT 1"
    started = time.monotonic()
    reply = app.test_client().get("/sparql", query_string={"query": sorted_product})
    assert reply.status_code == 503
    assert reply.get_data(as_text=True) == "query exceeded the memory limit of 64 MB\n"
    assert time.monotonic() - started < 60
    assert app.test_client().get("/sparql", query_string={"query": SIMPLE}).status_code == 200
