"""The endpoint and the pages over what ``kg build`` writes (the fixture articles of ``tests/data/build``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from build_fixture import config
from flask import Flask

from kg.build import BuildSummary, build
from kg.iris import DEFAULT_BASE_IRI, GRAPH_NAMES, graph_iri
from kg.server import create_app


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildSummary, Flask]:
    settings = config(tmp_path_factory.mktemp("served-build"))
    summary = build(settings)
    app = create_app({"TESTING": True, **settings})
    yield summary, app
    app.extensions["kg"].engine.close()


def test_the_store_holds_what_the_build_counted(built):
    summary, app = built
    health = json.loads(app.test_client().get("/health").get_data())
    fixed = {str(graph_iri(DEFAULT_BASE_IRI, name)): count for name, count in summary.triples.items()
             if count and name in GRAPH_NAMES}
    assert {iri: n for iri, n in health["graphs"].items() if iri in fixed} == fixed
    claims = {iri: n for iri, n in health["graphs"].items() if iri not in fixed}
    assert len(claims) == summary.claim_graphs and sum(claims.values()) == summary.triples["claims"]
    assert Path(summary.out_dir, "store").is_dir()  # type: ignore[arg-type]


def test_pages_and_endpoint_over_the_build(built):
    _, app = built
    client = app.test_client()
    home = client.get("/").get_data(as_text=True)
    assert "Putin to arrive in Ashgabat" in home and 'id="missing"' not in home
    assert client.get("/id/russia").status_code == 303
    page = client.get("/doc/id/russia.html").get_data(as_text=True)
    assert "Russia" in page
    assert client.get("/ontology.ttl").status_code == 200
    assert client.get("/.well-known/void", headers={"Accept": "text/turtle"}).status_code == 200
    states = client.get("/queries/states", headers={"Accept": "text/csv"}).get_data(as_text=True)
    assert states.splitlines()[0] == "state,label" and "Turkmenistan" in states
