"""Clients that others wrote read the live endpoint: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

from conftest import BASE
from rdflib import RDFS, Graph, Literal, Namespace, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

DIP = Namespace(BASE + "ontology#")
RUSSIA = URIRef(BASE + "id/russia")
STATES = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?state ?label WHERE {{ ?state a <{DIP.State}> ; rdfs:label ?label FILTER(lang(?label) = "en") }}
ORDER BY ?label"""


def wrapper(live_server, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(live_server.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


def test_sparqlwrapper_select_as_json_by_get_and_post(live_server):
    for method in ("GET", "POST"):
        data = wrapper(live_server, STATES, JSON, method).queryAndConvert()
        labels = [b["label"]["value"] for b in data["results"]["bindings"]]
        assert labels == ["Russia", "Turkmenistan"]
        assert data["results"]["bindings"][0]["label"]["xml:lang"] == "en"


def test_sparqlwrapper_select_as_xml_and_csv(live_server):
    document = wrapper(live_server, STATES, XML).queryAndConvert()
    assert [n.firstChild.data for n in document.getElementsByTagName("literal")] == ["Russia", "Turkmenistan"]
    text = wrapper(live_server, STATES, CSV).queryAndConvert().decode("utf-8")
    assert text.splitlines()[1] == f"{RUSSIA},Russia"


def test_sparqlwrapper_ask_and_construct(live_server):
    ask = wrapper(live_server, f"ASK {{ <{RUSSIA}> a <{DIP.State}> }}", JSON).queryAndConvert()
    assert ask["boolean"] is True
    construct = f"CONSTRUCT {{ <{RUSSIA}> ?p ?o }} WHERE {{ <{RUSSIA}> ?p ?o }}"
    body = wrapper(live_server, construct, TURTLE).queryAndConvert()
    graph = Graph().parse(data=body, format="turtle")
    assert (RUSSIA, RDFS.label, Literal("Russia", lang="en")) in graph


def test_rdflib_sparqlstore_reads_the_endpoint(live_server):
    store = SPARQLStore(live_server.url + "/sparql", returnFormat="json")
    graph = Graph(store=store)
    labels = set(graph.objects(RUSSIA, RDFS.label))
    assert labels == {Literal("Russia", lang="en"), Literal("Россия", lang="ru")}
    rows = list(graph.query(STATES))
    assert [(str(state), str(label)) for state, label in rows] == [
        (str(RUSSIA), "Russia"), (BASE + "id/turkmenistan", "Turkmenistan")]
    assert graph.query(f"ASK {{ <{RUSSIA}> a <{DIP.Actor}> }}").askAnswer is True
