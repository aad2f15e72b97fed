"""``kg serve --data FILE...``: any RDF dataset, with the same endpoint, pages and guarantees."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import LiveServer, kg_serve

from kg.server import create_app

EX = "http://example.org/"
TURTLE = f"""@prefix ex: <{EX}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:alice rdfs:label "Alice" ; ex:knows ex:bob .
ex:bob rdfs:label "Bob" .
"""
NQUADS = f"<{EX}carol> <{EX}knows> <{EX}alice> <{EX}graph/people> .\n"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("data")
    (folder / "people.ttl").write_text(TURTLE, encoding="utf-8")
    (folder / "more.nq").write_text(NQUADS, encoding="utf-8")
    return [folder / "people.ttl", folder / "more.nq"]


@pytest.fixture(scope="module")
def data_server(files: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    options = ["--workers", "1", "--threads", "4", "--data", str(files[0]), "--data", str(files[1])]
    with kg_serve(options, {}, tmp_path_factory.mktemp("data-server") / "server.log") as server:
        yield server


def values(reply, variable: str) -> set[str]:  # type: ignore[no-untyped-def]
    body = reply.body if hasattr(reply, "body") else reply.get_data()
    return {b[variable]["value"] for b in json.loads(body)["results"]["bindings"]}


def test_triples_go_to_the_default_graph_and_quads_keep_theirs(data_server):
    health = json.loads(data_server.get("/health").body)
    assert health["graphs"] == {"": 3, f"{EX}graph/people": 1} and health["triples"] == 4
    default = data_server.get("/sparql", {"query": f"SELECT ?s WHERE {{ ?s <{EX}knows> ?o }}"})
    assert values(default, "s") == {f"{EX}alice"}
    named = data_server.get("/sparql", {"query": f"SELECT ?g ?s WHERE {{ GRAPH ?g {{ ?s <{EX}knows> ?o }} }}"})
    assert values(named, "g") == {f"{EX}graph/people"} and values(named, "s") == {f"{EX}carol"}


def test_the_same_guarantees_hold(data_server):
    assert data_server.get("/sparql", {"query": "CLEAR ALL"}).status == 403
    assert data_server.get("/sparql", {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}).status == 403
    broken = data_server.get("/sparql", {"query": "SELECT * WHERE {\n ?s ?p"})
    assert broken.status == 400 and "line 2" in broken.text
    foreign = data_server.get("/sparql", {"query": "SELECT * FROM <http://127.0.0.1:9/x> WHERE { ?s ?p ?o }"})
    assert foreign.status == 403


def test_the_pages_say_what_is_missing(data_server):
    home = data_server.get("/")
    assert home.status == 200
    assert "no ontology graph" in home.text and "no VoID description" in home.text
    assert "3 triples are in the default graph" in home.text and "(default graph)" in home.text
    ontology = data_server.get("/ontology.ttl", headers={"Accept": "text/plain"})
    assert ontology.status == 404 and "no ontology graph" in ontology.text
    void = data_server.get("/.well-known/void")
    assert void.status == 404 and "no VoID description" in void.text
    description = data_server.get("/sparql", headers={"Accept": "application/n-triples"})
    assert description.status == 200 and f"<{EX}graph/people>" in description.text
    assert "UnionDefaultGraph" not in description.text


def test_the_union_default_graph_is_an_option(files):
    app = create_app({"TESTING": True, "DATA_FILES": [str(f) for f in files], "UNION_DEFAULT_GRAPH": True})
    try:
        reply = app.test_client().get("/sparql", query_string={"query": f"SELECT ?s WHERE {{ ?s <{EX}knows> ?o }}"})
        assert values(reply, "s") == {f"{EX}alice", f"{EX}carol"}
        description = app.test_client().get("/sparql", headers={"Accept": "application/n-triples"})
        assert "UnionDefaultGraph" in description.get_data(as_text=True)
    finally:
        app.extensions["kg"].engine.close()


def test_a_file_that_does_not_parse_is_named(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "kg", "serve", "--port", "0", "--data", str(bad)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert str(bad) in done.stderr and "Traceback" not in done.stderr
    unknown = tmp_path / "data.xyz"
    unknown.write_text("", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "kg", "serve", "--port", "0", "--data", str(unknown)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and ".ttl" in done.stderr
