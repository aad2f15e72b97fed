"""The endpoint under abuse, on the live server: concurrency, query shapes against the time limit,
the memory of a web worker, the protocol's corners, and values no XML can carry."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path
from xml.etree import ElementTree

import pyoxigraph as ox
import pytest
from conftest import BASE, QUERY_TIMEOUT, LiveServer
from test_safety import descendants

RUSSIA = BASE + "id/russia"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
#: distinct queries using the functions a shared parser state once broke (UCASE, STRLEN, &&, MD5 …)
DISTINCT_QUERIES = [
    f"SELECT (UCASE(?l) AS ?u) WHERE {{ <{RUSSIA}> {LABEL} ?l }} ORDER BY ?u",
    f"SELECT (STRLEN(?l) AS ?n) WHERE {{ <{RUSSIA}> {LABEL} ?l }} ORDER BY ?n",
    f"SELECT ?l WHERE {{ <{RUSSIA}> {LABEL} ?l FILTER(STRLEN(?l) > 1 && LANG(?l) != \"\") }} ORDER BY ?l",
    f"SELECT (MD5(?l) AS ?h) WHERE {{ <{RUSSIA}> {LABEL} ?l }} ORDER BY ?h",
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    f"ASK {{ <{RUSSIA}> ?p ?o }}",
    f"SELECT (CONCAT(LCASE(?l), \"!\") AS ?c) WHERE {{ <{RUSSIA}> {LABEL} ?l }} ORDER BY ?c",
    f"SELECT ?p (COUNT(?o) AS ?n) WHERE {{ <{RUSSIA}> ?p ?o }} GROUP BY ?p ORDER BY ?p",
]
CROSS = "?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l"


def post_query(server: LiveServer, text: str, **kwargs) -> object:  # type: ignore[no-untyped-def]
    headers = {"Content-Type": "application/sparql-query", **kwargs.pop("headers", {})}
    return server.request("POST", "/sparql", body=text, headers=headers, **kwargs)


def test_eight_threads_with_distinct_queries_get_no_error_and_the_queries_keep_working(live_server):
    expected = [live_server.get("/sparql", {"query": q}).body for q in DISTINCT_QUERIES]
    failures: list[str] = []

    def client(index: int) -> None:
        for _ in range(15):
            reply = live_server.get("/sparql", {"query": DISTINCT_QUERIES[index]})
            if reply.status != 200 or reply.body != expected[index]:
                failures.append(f"{index}: {reply.status} {reply.text[:200]}")

    for _ in range(3):
        threads = [threading.Thread(target=client, args=(i,)) for i in range(len(DISTINCT_QUERIES))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert failures == []
    assert [live_server.get("/sparql", {"query": q}).body for q in DISTINCT_QUERIES] == expected


#: query shapes that must end, within the time limit plus a second, with an error status
SHAPES = {
    "cross product": f"SELECT (COUNT(*) AS ?n) WHERE {{ {CROSS} }}",
    "sorted cross product": f"SELECT * WHERE {{ {CROSS} }} ORDER BY ?l ?a LIMIT 1",
    "regex over a cross product": f'SELECT (COUNT(*) AS ?n) WHERE {{ {CROSS} FILTER(REGEX(CONCAT(STR(?a), STR(?l)), "^(a|b|c)*x$")) }}',
    "huge CONSTRUCT": "CONSTRUCT { ?a ?b ?c . ?d ?e ?f } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "huge list in a cross product": f"SELECT (COUNT(*) AS ?n) WHERE {{ {CROSS} . "
                                    "FILTER(?c NOT IN (" + ", ".join(f'"v{i}"' for i in range(9_000)) + ")) }",
    "huge CONSTRUCT template": "CONSTRUCT { " + " ".join(f"?a <urn:p:{i}> ?c ." for i in range(3000))
                               + " } WHERE { ?a ?b ?c . ?d ?e ?f }",
    "deep expression": "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "?o" + ")" * 5000 + ") }",
    "deep groups": "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000,
}


@pytest.mark.parametrize("shape", SHAPES, ids=list(SHAPES))
def test_any_query_shape_ends_within_the_time_limit_with_an_error(live_server, shape):
    started = time.monotonic()
    reply = post_query(live_server, SHAPES[shape], timeout=QUERY_TIMEOUT + 30)
    took = time.monotonic() - started
    assert reply.status in (400, 503), (reply.status, reply.text[:300])
    assert took < QUERY_TIMEOUT + 1, f"{shape} took {took:.2f} s"
    if reply.status == 503:
        assert "time limit" in reply.text or "MAX_ROWS" in reply.text or "memory limit" in reply.text
    assert live_server.get("/sparql", {"query": DISTINCT_QUERIES[5]}).status == 200


def web_workers(server: LiveServer) -> list[int]:
    """The gunicorn workers: the server's children that are not query processes."""
    found = []
    for pid in descendants(server.pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"kg.query.worker" not in command and b"kg" in command:
            found.append(pid)
    return found


def rss(pid: int) -> int:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * 4096


#: what one request may add to a web worker's resident memory: the result travels as bytes, at most
#: MAX_RESULT_BYTES (16 MiB), held about twice (the socket read and the response), plus slack
MEMORY_BOUND = 2 * 16 * 1024 * 1024 + 32 * 1024 * 1024


def big_result(rows: int) -> str:
    """A SELECT of *rows* rows of about 650 KB each."""
    doublings = "".join(f'BIND(CONCAT(?a{i}, ?a{i}, ?a{i}, ?a{i}) AS ?a{i + 1}) ' for i in range(8))
    values = " ".join(str(n) for n in range(rows))
    return f'SELECT ?x WHERE {{ VALUES ?n {{ {values} }} BIND("aaaaaaaaaa" AS ?a0) {doublings} BIND(CONCAT(STR(?n), ?a8) AS ?x) }}'


def test_no_request_raises_a_web_workers_memory_above_the_bound(live_server):
    workers = web_workers(live_server)
    assert len(workers) == 2
    before = {pid: rss(pid) for pid in workers}
    peak = dict(before)
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            for pid in workers:
                peak[pid] = max(peak[pid], rss(pid))
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        allowed = post_query(live_server, big_result(20), headers={"Accept": "text/csv"}, timeout=60)
        too_big = post_query(live_server, big_result(50), headers={"Accept": "text/csv"}, timeout=60)
    finally:
        done.set()
        watcher.join()
    assert allowed.status == 200 and len(allowed.body) > 12 * 1024 * 1024
    assert too_big.status == 503 and "MAX_RESULT_BYTES" in too_big.text
    growth = max(peak[pid] - before[pid] for pid in workers)
    print(f"\nweb worker RSS before {max(before.values()) / 2**20:.0f} MB, largest growth during a "
          f"{len(allowed.body) / 2**20:.1f} MB answer and a refused one: {growth / 2**20:.1f} MB "
          f"(bound {MEMORY_BOUND / 2**20:.0f} MB)")
    assert growth < MEMORY_BOUND


def raw(server: LiveServer, data: bytes) -> bytes:
    """Send *data* as it is and return what the server answers before it closes."""
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_bad_chunk_is_400(live_server):
    answer = raw(live_server, b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                              b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\nASK {}\r\n0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]


def test_a_long_get_within_the_documented_limit_works(live_server):
    padding = "#" + "x" * 3000 + "\n"
    reply = live_server.get("/sparql", {"query": padding + DISTINCT_QUERIES[5]})
    assert reply.status == 200 and json.loads(reply.body)["boolean"] is True


def test_a_query_both_as_body_and_as_parameter_is_400(live_server):
    reply = live_server.request("POST", "/sparql?query=ASK%20%7B%7D", body=DISTINCT_QUERIES[5],
                                headers={"Content-Type": "application/sparql-query"})
    assert reply.status == 400 and "not both" in reply.text


def test_nosniff_on_every_answer(live_server):
    replies = [
        live_server.get("/sparql", {"query": DISTINCT_QUERIES[5]}),
        live_server.get("/sparql", {"query": "SELECT * WHERE {"}),
        live_server.get("/sparql", {"query": "CLEAR ALL"}),
        live_server.get("/sparql", {"query": f"SELECT * WHERE {{ {CROSS} }}"}),
        live_server.get("/sparql"),
        live_server.get("/health"),
        live_server.get("/no/such/thing"),
        live_server.get("/id/russia"),
        live_server.request("OPTIONS", "/sparql"),
        live_server.request("DELETE", "/sparql"),
        live_server.get("/static/style.css"),
        live_server.get("/"),
    ]
    assert {r.status for r in replies} >= {200, 204, 303, 400, 403, 404, 405, 503}
    for reply in replies:
        assert reply.headers.get("X-Content-Type-Options") == "nosniff", reply.status


#: values no XML 1.0 document can hold
NOT_XML = {"NUL": "\\u0000", "a control character": "\\u0001", "escape": "\\u001B"}


@pytest.mark.parametrize("name", NOT_XML)
def test_every_serialisation_is_well_formed_or_refused(live_server, name):
    value = f'"before{NOT_XML[name]}after"'
    select = f"SELECT ?x WHERE {{ BIND({value} AS ?x) }}"
    construct = f"CONSTRUCT {{ <urn:x:s> <urn:x:p> ?x }} WHERE {{ BIND({value} AS ?x) }}"
    for fmt in ("json", "xml", "csv", "tsv"):
        reply = live_server.get("/sparql", {"query": select, "format": fmt})
        if fmt == "xml":
            assert reply.status == 406 and "application/sparql-results+json" in reply.text
            continue
        assert reply.status == 200
        if fmt == "json":
            assert json.loads(reply.body)["results"]["bindings"][0]["x"]["value"].startswith("before")
        if fmt == "tsv":
            parsed = ox.parse_query_results(reply.body, format=ox.QueryResultsFormat.TSV)
            assert next(iter(parsed))["x"].value.startswith("before")  # type: ignore[call-overload]
    for fmt, rdf in (("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES), ("rdfxml", None)):
        reply = live_server.get("/sparql", {"query": construct, "format": fmt})
        if rdf is None:
            assert reply.status == 406 and "text/turtle" in reply.text
            continue
        assert reply.status == 200
        assert next(iter(ox.parse(reply.body, format=rdf))).object.value.startswith("before")


def test_xml_results_are_well_formed_for_awkward_but_legal_values(live_server):
    select = 'SELECT ?x WHERE { VALUES ?x { "<&>\\"\'\\r\\t]]>" "tab\\there"@en-GB "\\uFFFD" } }'
    reply = live_server.get("/sparql", {"query": select, "format": "xml"})
    assert reply.status == 200
    root = ElementTree.fromstring(reply.body)
    values = {e.text for e in root.iter("{http://www.w3.org/2005/sparql-results#}literal")}
    assert values == {"<&>\"'\r\t]]>", "tab\there", "\ufffd"}


def test_a_lone_surrogate_is_refused_as_a_syntax_error(live_server):
    reply = live_server.get("/sparql", {"query": 'SELECT ?x WHERE { BIND("\\uD800" AS ?x) }'})
    assert reply.status == 400 and "D800" in reply.text
