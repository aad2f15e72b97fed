"""Dereferencing minted IRIs and the ontology (docs/linked-data.md), on the sample in tests/data/ui."""

from __future__ import annotations

import re
import warnings

import pytest
from rdflib import OWL, RDF, RDFS, Dataset, Graph, Literal, Namespace, URIRef
from ui_fixtures import SAMPLE, write_sample_build

from kg import paths
from kg.web.describe import quote_in_context
from kg.server import create_app
from kg.query.templates import TEMPLATE_DIR, bind, load, placeholders

BASE = "https://w3id.org/diplomacy-kg/"
DIP = Namespace("https://w3id.org/diplomacy-kg/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
ARTICLE_FILE = paths.data_dir() / "2025-12-11-trend-ashgabat.ru.txt"
QUOTE = "Ожидается, что Президент России Владимир Путин прибудет в туркменскую столицу 11 декабря"

RDF_FORMATS = [
    ("text/turtle", "turtle", "ttl"),
    ("application/n-triples", "nt", "nt"),
    ("application/ld+json", "json-ld", "jsonld"),
    ("application/rdf+xml", "xml", "rdf"),
]


def parse(response, fmt: str) -> Graph:
    with warnings.catch_warnings():  # rdflib's JSON-LD parser calls its own deprecated ConjunctiveGraph
        warnings.simplefilter("ignore", DeprecationWarning)
        return Graph().parse(data=response.get_data(as_text=True), format=fmt)


@pytest.mark.parametrize("accept", ["text/html", "text/turtle", "*/*", None])
def test_minted_iri_redirects_to_its_document(ui_client, accept):
    headers = {"Accept": accept} if accept else {}
    response = ui_client.get("/id/putin", headers=headers)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/doc/id/putin")


@pytest.mark.parametrize("accept,fmt,ext", RDF_FORMATS)
def test_description_by_accept_parses_and_names_the_variant(ui_client, accept, fmt, ext):
    response = ui_client.get("/doc/id/putin", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{accept}; charset=utf-8"
    assert "Accept" in response.headers["Vary"]
    assert response.headers["Content-Location"].endswith(f"/doc/id/putin.{ext}")
    graph = parse(response, fmt)
    putin = URIRef(BASE + "id/putin")
    assert (putin, RDFS.label, Literal("Vladimir Putin", lang="en")) in graph
    assert (putin, RDFS.label, Literal("Владимир Путин", lang="ru")) in graph


@pytest.mark.parametrize("accept,fmt,ext", RDF_FORMATS)
def test_fixed_variant_ignores_accept(ui_client, accept, fmt, ext):
    response = ui_client.get(f"/doc/id/russia.{ext}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.mimetype == accept
    assert (URIRef(BASE + "id/russia"), RDF.type, DIP.State) in parse(response, fmt)


def test_documents_are_readable_from_any_origin(ui_client):
    for path in ("/id/putin", "/doc/id/putin.ttl", "/ontology.ttl"):
        response = ui_client.get(path, headers={"Origin": "https://example.org"})
        assert response.headers["Access-Control-Allow-Origin"] == "*", path


def test_turtle_is_the_default_for_tools(ui_client):
    for headers in ({}, {"Accept": "*/*"}):
        response = ui_client.get("/doc/id/russia", headers=headers)
        assert response.mimetype == "text/turtle"


def test_description_has_neighbour_labels_and_incoming_links(ui_client):
    graph = parse(ui_client.get("/doc/id/turkmenistan.ttl"), "turtle")
    turkmenistan, ashgabat = URIRef(BASE + "id/turkmenistan"), URIRef(BASE + "id/ashgabat")
    assert (turkmenistan, DIP.capital, ashgabat) in graph
    assert (ashgabat, RDFS.label, Literal("Ashgabat", lang="en")) in graph
    # the inverse comes from the inferred graph and points at the page's resource
    assert (ashgabat, DIP.capitalOf, turkmenistan) in graph
    assert (turkmenistan, URIRef("http://www.w3.org/2004/02/skos/core#exactMatch"),
            URIRef("http://www.wikidata.org/entity/Q874")) in graph


def test_description_carries_provenance_with_offsets_into_the_article(ui_client):
    text = ARTICLE_FILE.read_text(encoding="utf-8")
    start = text.index(QUOTE)
    graph = parse(ui_client.get("/doc/id/putin-arrival.ttl"), "turtle")
    event = URIRef(BASE + "id/putin-arrival")
    claims = list(graph.subjects(DIP.supports, event))
    assert len(claims) == 1
    assert (claims[0], DIP.modality, DIP.Expected) in graph
    evidence = graph.value(claims[0], DIP.hasEvidence)
    target = graph.value(evidence, OA.hasTarget)
    assert graph.value(target, OA.hasSource) == URIRef(BASE + "article/2025-12-11-trend-ashgabat")
    selectors = set(graph.objects(target, OA.hasSelector))
    exact = {str(graph.value(s, OA.exact)) for s in selectors if graph.value(s, OA.exact)}
    starts = {int(graph.value(s, OA.start)) for s in selectors if graph.value(s, OA.start) is not None}
    ends = {int(graph.value(s, OA.end)) for s in selectors if graph.value(s, OA.end) is not None}
    assert exact == {QUOTE}
    assert starts == {start} and ends == {start + len(QUOTE)}


def test_html_page_shows_labels_links_and_the_quote_in_context(ui_client):
    response = ui_client.get("/doc/id/putin-arrival", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.headers["Content-Location"].endswith("/doc/id/putin-arrival.html")
    html = response.get_data(as_text=True)
    assert "<h1>Putin&#39;s arrival in Ashgabat</h1>" in html
    assert "Прибытие Путина в Ашхабад" in html
    assert f"<mark>{QUOTE}</mark>" in html
    # the window around the quote holds the end of the sentence before it and the one after
    before, after = html.split(f"<mark>{QUOTE}</mark>", 1)
    assert before.rstrip().endswith("прибывающие на торжества.")
    assert after.startswith(". На мероприятие также приглашены")
    assert 'href="/id/putin"' in html and ">Vladimir Putin</a>" in html
    assert 'href="/id/ashgabat"' in html
    assert 'href="/ontology#cameo036"' in html
    assert 'href="https://schema.org/EventScheduled"' in html
    assert "Vladimir Putin is expected to arrive in Ashgabat on 11 December." in html


def test_html_page_lists_names_wikidata_mentions_and_incoming_links(ui_client):
    html = ui_client.get("/doc/id/turkmenistan.html").get_data(as_text=True)
    for name in ("Turkmenistan", "Туркменистан", "Türkmenistan"):
        assert f">{name}</td>" in html
    assert 'href="http://www.wikidata.org/entity/Q874"' in html
    assert "<mark>Туркменистана</mark>" in html
    incoming = html.split("Links to this", 1)[1]
    assert 'href="/id/ashgabat"' in incoming and "inferred" in incoming


def test_claim_page_shows_its_own_evidence(ui_client):
    html = ui_client.get("/doc/claim/2025-12-11-trend-ashgabat/putin-arrival.html").get_data(as_text=True)
    assert f"<mark>{QUOTE}</mark>" in html


@pytest.mark.parametrize("path,iri", [
    ("/id/atlantis", "id/atlantis"),
    ("/doc/id/atlantis", "id/atlantis"),
    ("/doc/id/atlantis.ttl", "id/atlantis"),
    ("/claim/x/y", "claim/x/y"),
    ("/doc/nothing/here", "nothing/here"),
])
def test_unknown_iri_is_404_naming_the_iri(ui_client, path, iri):
    page = ui_client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert f"<code>{BASE}{iri}</code>" in page.get_data(as_text=True)
    text = ui_client.get(path, headers={"Accept": "text/turtle"})
    assert text.status_code == 404 and f"<{BASE}{iri}>" in text.get_data(as_text=True)


def test_unacceptable_format_is_406(ui_client):
    response = ui_client.get("/doc/id/russia", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.get_data(as_text=True)


def test_ontology_dereferences_as_turtle(ui_client):
    response = ui_client.get("/ontology", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    served = parse(response, "turtle")
    source = Graph().parse(paths.ontology_file())
    assert len(served) == len(source)
    assert (DIP.State, RDFS.subClassOf, DIP.Actor) in served
    assert (DIP.State, RDFS.label, Literal("государство", lang="ru")) in served


def test_ontology_is_whole_under_a_small_row_limit(ui_build_dir):
    client = create_app({"TESTING": True, "BUILD_DIR": str(ui_build_dir), "MAX_ROWS": 50}).test_client()
    served = parse(client.get("/ontology.ttl"), "turtle")
    assert len(served) == len(Graph().parse(paths.ontology_file()))
    assert 'id="TransportCorridor"' in client.get("/ontology.html").get_data(as_text=True)


def test_ontology_html_documents_every_class_and_property_with_an_anchor(ui_client):
    response = ui_client.get("/ontology", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    source = Graph().parse(paths.ontology_file())
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    terms = {t for k in kinds for t in source.subjects(RDF.type, k) if str(t).startswith(str(DIP))}
    assert len(terms) > 40
    for term in terms:
        name = str(term)[len(str(DIP)):]
        assert f'id="{name}"' in html, name
        for label in source.objects(term, RDFS.label):
            assert str(label) in html, (name, str(label))
    state = html.split('id="State"', 1)[1].split("</article>", 1)[0]
    assert "Суверенное государство" in state
    assert 'href="/ontology#Actor"' in state


def test_ontology_version_iri_redirects_and_unknown_versions_do_not(ui_client):
    source = Graph().parse(paths.ontology_file())
    version = source.value(URIRef(str(DIP).rstrip("#")), OWL.versionIRI)
    response = ui_client.get("/ontology/" + str(version).rsplit("/", 1)[1])
    assert response.status_code == 303 and response.headers["Location"].endswith("/ontology")
    assert ui_client.get("/ontology/9.9.9").status_code == 404


def test_quote_window_counts_code_points_and_marks_cuts():
    text = "😀 " * 200 + "ключевая фраза" + " хвост" * 100
    start = text.index("ключевая")
    window = quote_in_context(text, start, start + len("ключевая фраза"), width=20)
    assert window["quote"] == "ключевая фраза"
    assert window["before"].startswith("…") and window["after"].endswith("…")
    assert len(window["before"]) <= 21 and window["before"].endswith("😀 ")
    whole = quote_in_context("abc", 1, 2)
    assert whole == {"before": "a", "quote": "b", "after": "c"}


@pytest.mark.parametrize("iri", ["https://x.org/a> } ; DROP ALL ; {", "https://x.org/a b", "not an iri",
                                 'https://x.org/"', "https://x.org/{x}"])
def test_template_binding_refuses_iris_that_could_change_the_query(iri):
    with pytest.raises(ValueError):
        bind(load("outgoing"), {"this": iri})


@pytest.mark.parametrize("path", sorted(TEMPLATE_DIR.glob("*.rq")), ids=lambda p: p.stem)
def test_every_template_parses_once_bound(path):
    from rdflib.plugins.sparql import prepareQuery

    text = load(path.stem)
    names = placeholders(text)
    prepareQuery(bind(text, {n: f"{BASE}id/example-{n}" for n in names}))
    assert not re.search(r"<urn:kg:", bind(text, {n: f"{BASE}x" for n in names}))


def sample_minted_iris() -> list[str]:
    """Every IRI under the base in the sample file (subjects and objects), read by rdflib."""
    with warnings.catch_warnings():  # rdflib's TriG parser calls Dataset members it deprecates
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset = Dataset()
        dataset.parse(data=(SAMPLE / "dataset.trig").read_text(encoding="utf-8"), format="trig")
        terms = {t for s, _, o, _ in dataset.quads() for t in (s, o)}
    return sorted(str(t) for t in terms if isinstance(t, URIRef) and str(t).startswith(BASE)
                  and not str(t).startswith(str(DIP)))


def test_every_minted_iri_of_the_sample_dereferences(ui_client):
    iris = sample_minted_iris()
    assert len(iris) >= 15
    for iri in iris:
        path = "/" + iri[len(BASE):]
        redirect = ui_client.get(path, headers={"Accept": "text/html"})
        assert redirect.status_code == 303, path
        for accept in ("text/html", "text/turtle"):
            page = ui_client.get(redirect.headers["Location"], headers={"Accept": accept})
            assert page.status_code == 200, (path, accept)


def test_a_minted_iri_ending_in_a_file_extension_still_dereferences(ui_client):
    redirect = ui_client.get("/source/ontology/diplomacy.ttl")
    assert redirect.status_code == 303
    assert redirect.headers["Location"].endswith("/doc/source/ontology/diplomacy.ttl")
    graph = parse(ui_client.get(redirect.headers["Location"], headers={"Accept": "text/turtle"}), "turtle")
    assert (URIRef(BASE + "source/ontology/diplomacy.ttl"), RDFS.label, Literal("ontology/diplomacy.ttl")) in graph
    html = ui_client.get("/doc/source/ontology/diplomacy.ttl.html").get_data(as_text=True)
    assert "<h1>ontology/diplomacy.ttl</h1>" in html


def test_another_base_iri_maps_to_the_same_paths(tmp_path):
    base = "http://kg.example.org/"
    app = create_app({"TESTING": True, "BUILD_DIR": str(write_sample_build(tmp_path / "build", base)),
                      "BASE_IRI": base})
    client = app.test_client()
    assert client.get("/id/russia").headers["Location"].endswith("/doc/id/russia")
    graph = parse(client.get("/doc/id/russia.ttl"), "turtle")
    assert (URIRef(base + "id/russia"), RDFS.label, Literal("Russia", lang="en")) in graph
    assert not any(str(s).startswith(BASE + "id/") for s in graph.subjects())
    html = client.get("/doc/id/turkmenistan.html").get_data(as_text=True)
    assert f"<code>{base}id/turkmenistan</code>" in html and 'href="/id/ashgabat"' in html
    # the ontology namespace does not move with the base
    assert 'href="/ontology#State"' in html
    assert client.get("/ontology", headers={"Accept": "text/turtle"}).status_code == 200
    # an IRI under the old base is not ours any more
    assert client.get("/doc/id/russia.ttl").status_code == 200
    assert BASE not in client.get("/doc/id/russia.ttl").get_data(as_text=True).replace(str(DIP), "")


def test_links_and_redirects_keep_a_configured_path_prefix(ui_build_dir):
    """Behind a proxy that mounts the application at /kg (URL_PREFIX), every link carries the prefix."""
    ui_client = create_app({"TESTING": True, "BUILD_DIR": str(ui_build_dir), "URL_PREFIX": "/kg"}).test_client()
    prefixed = "http://localhost/kg/"
    assert ui_client.get("/id/putin-arrival").status_code == 404  # outside the prefix
    redirect = ui_client.get("/id/putin-arrival", base_url=prefixed)
    assert redirect.headers["Location"].endswith("/kg/doc/id/putin-arrival")
    html = ui_client.get("/doc/id/putin-arrival.html", base_url=prefixed).get_data(as_text=True)
    assert 'href="/kg/id/putin"' in html and 'href="/kg/ontology#cameo036"' in html
    assert 'href="/kg/static/style.css"' in html
    assert 'href="/id/' not in html


def test_a_script_name_sent_by_a_client_moves_no_link(ui_client):
    """The path prefix comes from the configuration: a SCRIPT_NAME the request carries changes nothing."""
    redirect = ui_client.get("/id/putin-arrival", environ_base={"SCRIPT_NAME": "/evil", "HTTP_SCRIPT_NAME": "/evil"})
    assert redirect.status_code == 303 and redirect.headers["Location"] == "/doc/id/putin-arrival"
    sneaked = ui_client.get("/id/putin-arrival", base_url="http://localhost/evil/")
    assert sneaked.status_code == 404
    html = ui_client.get("/doc/id/putin-arrival.html", headers={"Host": "attacker.example", "SCRIPT_NAME": "/evil"})
    page = html.get_data(as_text=True)
    assert html.status_code == 200 and "/evil" not in page and "attacker.example" not in page
