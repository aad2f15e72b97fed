"""The pages for people: overview, SPARQL editor, named queries (on the sample in tests/data/ui)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import warnings
from pathlib import Path
from xml.etree import ElementTree

import pytest
from markupsafe import escape
from rdflib import Dataset

import kg

DATA = Path(__file__).parent / "data" / "ui"
STATIC = Path(kg.__file__).parent / "web" / "static"
BASE = "https://w3id.org/diplomacy-kg/"
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def sample_counts() -> dict[str, int]:
    """Triples per named graph of the sample, counted by rdflib from the file."""
    with warnings.catch_warnings():  # rdflib's TriG parser calls Dataset members it deprecates
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset = Dataset()
        dataset.parse(data=(DATA / "dataset.trig").read_text(encoding="utf-8"), format="trig")
        return {str(g.identifier): len(g) for g in dataset.graphs() if len(g)}


def test_home_page_shows_articles_classes_graphs_and_licence(ui_client):
    response = ui_client.get("/", headers=HTML)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    articles = html.split("<h2>Articles</h2>", 1)[1].split("</section>", 1)[0]
    assert 'href="/article/2025-12-11-trend-ashgabat"' in articles
    assert "Ashgabat prepares for the neutrality summit" in articles
    assert "Ашхабад готовится к саммиту о нейтралитете" in articles
    assert "2025-12-11" in articles and ">Trend News Agency</a>" in articles

    classes = html.split("What the articles assert", 1)[1].split("</table>", 1)[0]
    # the sample asserts two states (Russia, Turkmenistan) and two cities (Ashgabat, Baku)
    assert '<a href="/ontology#State" title="https://w3id.org/diplomacy-kg/ontology#State">state</a>' in classes
    state_row = classes.split("/ontology#State", 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">2</td>' in state_row

    graphs = html.split("Named graphs", 1)[1].split("</table>", 1)[0]
    for name, count in sample_counts().items():
        row = graphs.split(f"<code class=\"muted\">{name}</code>", 1)[1].split("</tr>", 1)[0]
        assert f'<td class="num">{count}</td>' in row, name
    assert f"{BASE}graph/ontology" in graphs

    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in html
    for target in ("/editor", "/queries", "/sparql", "/.well-known/void", "/ontology"):
        assert f'href="{target}"' in html, target


def test_editor_preloads_every_named_query_and_targets_the_endpoint(ui_app, ui_client):
    html = ui_client.get("/editor", headers=HTML).get_data(as_text=True)
    assert 'data-endpoint="/sparql"' in html
    assert '<script src="/static/yasgui/yasgui.min.js">' in html
    payload = html.split('<script id="named-queries" type="application/json">', 1)[1].split("</script>", 1)[0]
    preloaded = {q["name"]: q for q in json.loads(payload)}
    expected = named(ui_app)
    assert expected and set(preloaded) == set(expected)
    for name, query in expected.items():
        assert preloaded[name]["text"] == query.text
        assert preloaded[name]["title"] == query.title


def test_vendored_yasgui_is_served_with_its_licence(ui_client):
    for name in ("yasgui.min.js", "yasgui.min.css"):
        path = STATIC / "yasgui" / name
        assert path.stat().st_size < 2 * 1024 * 1024
        response = ui_client.get(f"/static/yasgui/{name}")
        assert response.status_code == 200 and response.data == path.read_bytes()
        response.close()
    licence = (STATIC / "yasgui" / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Permission is hereby granted" in licence
    readme = (STATIC / "yasgui" / "README.md").read_text(encoding="utf-8")
    for name in ("yasgui.min.js", "yasgui.min.css"):
        assert hashlib.sha256((STATIC / "yasgui" / name).read_bytes()).hexdigest() in readme


def named(app) -> dict:
    queries = app.extensions["kg"].queries
    items = queries.values() if isinstance(queries, dict) else queries
    return {q.name: q for q in items}


def test_queries_page_lists_title_and_description_of_each(ui_app, ui_client):
    html = ui_client.get("/queries", headers=HTML).get_data(as_text=True)
    for name, query in named(ui_app).items():
        section = html.split(f'id="{name}"', 1)[1].split("</article>", 1)[0]
        assert str(escape(query.title)) in section and str(escape(query.description)) in section
        assert f'href="/queries/{name}"' in section
        assert f'href="/editor?query={name}"' in section


def test_named_query_results_as_html_table(ui_client, ui_browser_query):
    name, expected_cell = ui_browser_query
    response = ui_client.get(f"/queries/{name}", headers=HTML)
    assert response.status_code == 200 and response.mimetype == "text/html"
    table = response.get_data(as_text=True).split('<table class="grid results">', 1)[1].split("</table>", 1)[0]
    assert expected_cell in table


@pytest.mark.parametrize("accept", [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
])
def test_named_query_results_for_tools(ui_client, ui_browser_query, accept):
    name, expected_cell = ui_browser_query
    response = ui_client.get(f"/queries/{name}", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == accept
    body = response.get_data(as_text=True)
    if accept.endswith("json"):
        bindings = json.loads(body)["results"]["bindings"]
        values = {b["value"] for row in bindings for b in row.values()}
    elif accept.endswith("xml"):
        ns = "{http://www.w3.org/2005/sparql-results#}"
        values = {e.text for e in ElementTree.fromstring(body).iter() if e.tag in (f"{ns}literal", f"{ns}uri")}
    elif accept == "text/csv":
        values = {cell for row in csv.reader(io.StringIO(body)) for cell in row}
    else:  # TSV cells are RDF terms: "text"@en, <iri>, "1"^^<datatype>
        values = {cell[1:cell.rindex('"')] if cell.startswith('"') else cell.strip("<>")
                  for line in body.splitlines()[1:] for cell in line.split("\t")}
    assert expected_cell in values


def test_named_query_format_parameter_overrides_accept_and_bad_accept_is_406(ui_client, ui_browser_query):
    name, expected_cell = ui_browser_query
    response = ui_client.get(f"/queries/{name}?format=csv", headers=HTML)
    assert response.mimetype == "text/csv"
    assert expected_cell in {cell for row in csv.reader(io.StringIO(response.get_data(as_text=True))) for cell in row}
    assert ui_client.get(f"/queries/{name}", headers={"Accept": "image/png"}).status_code == 406


def test_unknown_named_query_is_404(ui_client):
    response = ui_client.get("/queries/no_such_question", headers=HTML)
    assert response.status_code == 404
    assert "no_such_question" in response.get_data(as_text=True)


def test_resource_page_links_resolve(ui_client):
    """Every internal link on an entity page leads to a page (directly or by one 303)."""
    html = ui_client.get("/doc/id/turkmenistan.html").get_data(as_text=True)
    links = {part.split('"', 1)[0] for part in html.split('href="')[1:]}
    internal = sorted(link for link in links if link.startswith(("/id/", "/article/", "/claim/", "/mention/")))
    assert "/id/ashgabat" in internal
    for link in internal:
        response = ui_client.get(link, headers=HTML)
        assert response.status_code == 303, link
        assert ui_client.get(response.headers["Location"], headers=HTML).status_code == 200, link
