"""The SPARQL 1.1 Protocol at /sparql on a live gunicorn server, every result format parsed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from xml.etree import ElementTree

import pyoxigraph
import pytest
from build_fixture import environment
from conftest import BASE, MAX_ROWS, SERVER_DATA, kg_serve
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from werkzeug.exceptions import NotAcceptable

from kg.iris import GRAPH_NAMES
from kg.web.negotiation import choose

DIP = Namespace(BASE + "ontology#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
RUSSIA = URIRef(BASE + "id/russia")
GRAPHS = {name: BASE + "graph/" + name for name in ("ontology", "entities", "external", "provenance", "inferred")}
#: the fixed graphs a build holds
DESCRIBED = {BASE + "graph/" + name for name in GRAPH_NAMES}
RESULTS = "{http://www.w3.org/2005/sparql-results#}"

LABEL_OF_RUSSIA = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?label WHERE {{ <{RUSSIA}> rdfs:label ?label FILTER(lang(?label) = "en") }}"""
RUSSIA_IS_A_STATE = f"ASK {{ <{RUSSIA}> a <{DIP.State}> }}"
DESCRIBE_RUSSIA = f"CONSTRUCT {{ <{RUSSIA}> ?p ?o }} WHERE {{ <{RUSSIA}> ?p ?o }}"


def labels_from(reply) -> list[tuple[str, str | None]]:
    """Parse a one-column SELECT result in any of the four formats into (value, language) pairs."""
    media, text = reply.media_type, reply.text
    if media == "application/sparql-results+json":
        data = json.loads(text)
        return [(b["label"]["value"], b["label"].get("xml:lang")) for b in data["results"]["bindings"]]
    if media == "application/sparql-results+xml":
        root = ElementTree.fromstring(reply.body)
        found = root.findall(f"{RESULTS}results/{RESULTS}result/{RESULTS}binding/{RESULTS}literal")
        return [(e.text or "", e.get("{http://www.w3.org/XML/1998/namespace}lang")) for e in found]
    if media == "text/csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["label"]
        return [(row[0], None) for row in rows[1:]]  # CSV carries no language tags
    assert media == "text/tab-separated-values"
    lines = text.splitlines()
    assert lines[0] == "?label"
    out = []
    for line in lines[1:]:
        lexical, _, lang = line.rpartition("@")
        out.append((json.loads(lexical), lang))
    return out


@pytest.mark.parametrize("media", ["application/sparql-results+json", "application/sparql-results+xml",
                                   "text/csv", "text/tab-separated-values"])
@pytest.mark.parametrize("method", ["GET", "POST form", "POST sparql-query"])
def test_select_in_every_format_by_every_method(live_server, method, media):
    headers = {"Accept": media}
    if method == "GET":
        reply = live_server.get("/sparql", {"query": LABEL_OF_RUSSIA}, headers=headers)
    elif method == "POST form":
        reply = live_server.post_form("/sparql", {"query": LABEL_OF_RUSSIA}, headers=headers)
    else:
        reply = live_server.request("POST", "/sparql", body=LABEL_OF_RUSSIA,
                                    headers={**headers, "Content-Type": "application/sparql-query"})
    assert reply.status == 200, reply.text
    assert reply.headers["Content-Type"] == f"{media}; charset=utf-8"
    expected_lang = None if media == "text/csv" else "en"
    assert labels_from(reply) == [("Russia", expected_lang)]


@pytest.mark.parametrize("fmt, parse", [
    ("json", lambda r: json.loads(r.text)["boolean"]),
    ("xml", lambda r: ElementTree.fromstring(r.body).find(f"{RESULTS}boolean").text == "true"),
    ("csv", lambda r: list(csv.reader(io.StringIO(r.text)))[1] == ["true"]),
    ("tsv", lambda r: r.text.splitlines()[1] == "true"),
])
def test_ask_in_every_format(live_server, fmt, parse):
    assert parse(live_server.get("/sparql", {"query": RUSSIA_IS_A_STATE, "format": fmt})) is True
    no = f"ASK {{ <{RUSSIA}> a <{DIP.City}> }}"
    assert parse(live_server.get("/sparql", {"query": no, "format": fmt})) is False


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # rdflib's JSON-LD parser
@pytest.mark.parametrize("media, rdflib_format", [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                                  ("application/ld+json", "json-ld"),
                                                  ("application/rdf+xml", "xml")])
@pytest.mark.parametrize("query", [DESCRIBE_RUSSIA, f"DESCRIBE <{RUSSIA}>"])
def test_construct_and_describe_in_every_rdf_format(live_server, query, media, rdflib_format):
    reply = live_server.get("/sparql", {"query": query}, headers={"Accept": media})
    assert reply.status == 200, reply.text
    assert reply.headers["Content-Type"] == f"{media}; charset=utf-8"
    graph = Graph().parse(data=reply.body, format=rdflib_format)
    assert (RUSSIA, RDFS.label, Literal("Russia", lang="en")) in graph
    assert (RUSSIA, RDFS.label, Literal("Россия", lang="ru")) in graph
    assert (RUSSIA, RDF.type, DIP.State) in graph


def test_oxigraph_reads_our_ntriples(live_server):
    reply = live_server.get("/sparql", {"query": DESCRIBE_RUSSIA, "format": "nt"})
    triples = list(pyoxigraph.parse(reply.body, format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert pyoxigraph.Literal("Russia", language="en") in {t.object for t in triples}


def test_accept_q_values_and_format_override(live_server):
    accept = {"Accept": "application/sparql-results+json;q=0.5, text/csv;q=0.9, */*;q=0.1"}
    assert live_server.get("/sparql", {"query": LABEL_OF_RUSSIA}, headers=accept).media_type == "text/csv"
    overridden = live_server.get("/sparql", {"query": LABEL_OF_RUSSIA, "format": "xml"}, headers=accept)
    assert overridden.media_type == "application/sparql-results+xml"
    assert labels_from(overridden) == [("Russia", "en")]
    assert live_server.get("/sparql", {"query": LABEL_OF_RUSSIA}, headers={"Accept": "*/*"}).media_type == \
        "application/sparql-results+json"
    assert live_server.get("/sparql", {"query": DESCRIBE_RUSSIA}).media_type == "text/turtle"


def test_unacceptable_format_is_406_naming_what_is_offered(live_server):
    reply = live_server.get("/sparql", {"query": LABEL_OF_RUSSIA}, headers={"Accept": "image/png"})
    assert reply.status == 406
    assert "text/csv" in reply.text
    reply = live_server.get("/sparql", {"query": LABEL_OF_RUSSIA, "format": "ttl"})
    assert reply.status == 406
    assert "application/sparql-results+json" in reply.text
    assert live_server.get("/sparql", {"query": LABEL_OF_RUSSIA, "format": "pdf"}).status == 400


def test_negotiation_prefers_the_higher_quality_then_the_server_order():
    offers = ("application/sparql-results+json", "text/csv")
    assert choose(offers, "text/csv;q=0.8, application/sparql-results+json;q=0.7") == "text/csv"
    assert choose(offers, "text/*, application/*") == "application/sparql-results+json"
    assert choose(offers, "text/csv, application/sparql-results+json;q=0") == "text/csv"
    assert choose(offers, None) == "application/sparql-results+json"
    with pytest.raises(NotAcceptable):
        choose(offers, "application/sparql-results+json;q=0, text/csv;q=0")


def test_wrong_method_is_405_and_wrong_media_type_is_415(live_server):
    reply = live_server.request("PUT", "/sparql", body="x", headers={"Content-Type": "text/plain"})
    assert reply.status == 405
    assert "POST" in reply.headers["Allow"]
    reply = live_server.request("POST", "/sparql", body=LABEL_OF_RUSSIA, headers={"Content-Type": "text/plain"})
    assert reply.status == 415
    assert "application/sparql-query" in reply.text


def test_syntax_error_is_400_with_line_and_column_and_no_trace(live_server):
    reply = live_server.get("/sparql", {"query": "SELECT ?x\nWHERE {\n  ?x ?y\n}"})
    assert reply.status == 400
    assert reply.text.startswith("SPARQL syntax error at line ")
    assert "column" in reply.text
    assert "Traceback" not in reply.text
    unknown_prefix = live_server.get("/sparql", {"query": "SELECT * WHERE { ?s foo:bar ?o }"})
    assert unknown_prefix.status == 400
    assert "foo" in unknown_prefix.text
    assert live_server.post_form("/sparql", {"format": "json"}).status == 400


def test_service_description_for_tools_and_people(live_server):
    reply = live_server.get("/sparql", headers={"Accept": "text/turtle", "Host": "attacker.example"})
    assert reply.status == 200
    graph = Graph().parse(data=reply.body, format="turtle")
    endpoint = URIRef(BASE + "sparql")  # the public address comes from the configuration, not the request
    assert "attacker.example" not in reply.text
    assert (endpoint, SD.endpoint, endpoint) in graph
    assert (endpoint, SD.feature, SD.UnionDefaultGraph) in graph
    assert (endpoint, SD.resultFormat, URIRef("http://www.w3.org/ns/formats/SPARQL_Results_CSV")) in graph
    names = {str(name) for name in graph.objects(None, SD.name)}
    assert names == set(GRAPHS.values())  # the graphs the store holds
    ontology_entry = graph.value(predicate=SD.name, object=URIRef(GRAPHS["ontology"]))
    assert "ontology" in str(graph.value(ontology_entry, RDFS.comment))
    comment = " ".join(str(c) for c in graph.objects(endpoint, RDFS.comment))
    assert "2 s" in comment and f"{MAX_ROWS} rows" in comment and "LIMIT" in comment and "OFFSET" in comment
    as_nt = live_server.get("/sparql", headers={"Accept": "application/n-triples"})
    assert len(Graph().parse(data=as_nt.body, format="nt")) == len(graph)
    page = live_server.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.media_type == "text/html"
    assert "SPARQL endpoint" in page.text and GRAPHS["inferred"] in page.text


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # rdflib's JSON-LD parser
def test_void_by_content_negotiation(live_server):
    expected = Graph().parse(SERVER_DATA / "void.ttl")
    for media, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
        reply = live_server.get("/.well-known/void", headers={"Accept": media})
        assert reply.status == 200 and reply.media_type == media
        graph = Graph().parse(data=reply.body, format=fmt)
        assert (URIRef(BASE + "dataset"), RDF.type, VOID.Dataset) in graph
        assert len(graph) == len(expected)


def test_cors_on_answers_and_preflight(live_server):
    reply = live_server.get("/sparql", {"query": RUSSIA_IS_A_STATE}, headers={"Origin": "https://example.org"})
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    preflight = live_server.request("OPTIONS", "/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"]


def test_health_counts_the_triples_of_the_dataset(live_server):
    store = pyoxigraph.Store()
    store.load(path=str(SERVER_DATA / "dataset.trig"), format=pyoxigraph.RdfFormat.TRIG)
    reply = live_server.get("/health")
    assert reply.status == 200
    data = json.loads(reply.body)
    assert data["status"] == "ok"
    assert data["triples"] == len(store)
    assert set(data["graphs"]) == set(GRAPHS.values())


def rows(reply) -> list[dict[str, str]]:
    assert reply.status == 200, reply.text
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(reply.body)["results"]["bindings"]]


def test_default_graph_is_the_union_of_the_named_graphs(live_server):
    types = rows(live_server.get("/sparql", {"query": f"SELECT ?t WHERE {{ <{RUSSIA}> a ?t }}"}))
    assert {r["t"] for r in types} == {str(DIP.State), str(DIP.Actor), str(DIP.Place)}


def test_named_graphs_are_queryable_with_graph(live_server):
    query = f"SELECT ?g ?w WHERE {{ GRAPH ?g {{ <{RUSSIA}> <http://www.w3.org/2004/02/skos/core#exactMatch> ?w }} }}"
    assert rows(live_server.get("/sparql", {"query": query})) == [
        {"g": GRAPHS["external"], "w": "http://www.wikidata.org/entity/Q159"}]
    graphs = rows(live_server.get("/sparql", {"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"}))
    assert {r["g"] for r in graphs} == set(GRAPHS.values())


def test_default_graph_uri_and_named_graph_uri_choose_the_dataset(live_server):
    actors = f"SELECT ?s WHERE {{ ?s a <{DIP.Actor}> }}"
    asserted_only = live_server.get("/sparql", {"query": actors, "default-graph-uri": GRAPHS["entities"]})
    assert rows(asserted_only) == []
    inferred = live_server.get("/sparql", {"query": actors, "default-graph-uri": GRAPHS["inferred"]})
    assert {r["s"] for r in rows(inferred)} == {BASE + "id/russia", BASE + "id/turkmenistan", BASE + "id/putin"}
    both = live_server.post_form("/sparql", {"query": actors, "default-graph-uri": [GRAPHS["entities"], GRAPHS["inferred"]]})
    assert len(rows(both)) == 3
    named = live_server.get("/sparql", {"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                                        "named-graph-uri": GRAPHS["external"]})
    assert rows(named) == [{"g": GRAPHS["external"]}]


def test_from_our_own_graph_is_answered_from_the_dataset(live_server):
    query = f"SELECT ?s FROM <{GRAPHS['inferred']}> WHERE {{ ?s a <{DIP.Place}> }}"
    assert {r["s"] for r in rows(live_server.get("/sparql", {"query": query}))} == {
        BASE + "id/russia", BASE + "id/turkmenistan"}


def test_a_result_over_the_row_limit_is_an_error_that_says_how_to_page(live_server):
    for fmt in ("csv", "json", "xml"):
        reply = live_server.get("/sparql", {"query": "SELECT * WHERE { ?s ?p ?o }", "format": fmt})
        assert reply.status == 503
        assert f"more than {MAX_ROWS} rows" in reply.text and "LIMIT" in reply.text and "OFFSET" in reply.text
    graph = live_server.get("/sparql", {"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert graph.status == 503 and f"more than {MAX_ROWS} triples" in graph.text
    page = live_server.get("/sparql", {"query": f"SELECT * WHERE {{ ?s ?p ?o }} ORDER BY ?s ?p ?o LIMIT {MAX_ROWS}",
                                       "format": "csv"})
    assert page.status == 200
    assert len(list(csv.reader(io.StringIO(page.text)))) == MAX_ROWS + 1
    assert "KG-Result-Truncated" not in page.headers


def test_unicode_round_trips(live_server):
    query = f'SELECT ?l WHERE {{ <{BASE}id/turkmenistan> <{RDFS.label}> ?l FILTER(lang(?l) != "en") }}'
    for fmt in ("json", "csv", "xml", "tsv"):
        reply = live_server.get("/sparql", {"query": query, "format": fmt})
        assert "Туркменистан" in reply.text and "Türkmenistan" in reply.text


def test_one_log_line_per_request_with_status_time_and_kind(live_server):
    live_server.get("/sparql", {"query": RUSSIA_IS_A_STATE})
    live_server.get("/sparql", {"query": "SELECT ?x WHERE {"})
    log = live_server.log.read_text()
    assert any(line.endswith(" ms ASK") and "GET /sparql 200 " in line for line in log.splitlines())
    assert any("GET /sparql 400 " in line for line in log.splitlines())
    assert any(line.endswith(" ms none") and "GET /health 200 " in line for line in log.splitlines())


def test_test_client_answers_like_the_live_server(server_client):
    reply = server_client.get("/sparql", query_string={"query": LABEL_OF_RUSSIA}, headers={"Accept": "text/csv"})
    assert reply.status_code == 200
    assert reply.get_data(as_text=True) == "label\r\nRussia\r\n"


def test_kg_serve_builds_first_when_the_build_is_missing(tmp_path):
    env = environment(tmp_path)
    build_dir = Path(env["KG_BUILD_DIR"])
    assert not (build_dir / "dataset.trig").exists()
    with kg_serve(["--workers", "1", "--threads", "2"], env, tmp_path / "server.log") as server:
        assert (build_dir / "dataset.trig").is_file()
        log = server.log.read_text()
        assert "building first" in log
        assert f"Serving the diplomacy knowledge graph on http://127.0.0.1:{server.port}/" in log
        health = json.loads(server.get("/health").body)
        assert health["triples"] > 0
        # the fixed graphs of a build, and one graph per claim of the sample article
        claims = {f"{BASE}claim/2025-12-11-sample/{c}/assertion" for c in ("putin-arrives", "capital")}
        assert set(health["graphs"]) - DESCRIBED == claims
