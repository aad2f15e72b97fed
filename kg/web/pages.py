"""Pages for people: the dataset overview, the SPARQL editor and the named queries.

``/`` shows what the dataset holds; ``/editor`` is Yasgui (vendored under ``kg/web/static/yasgui``)
with every named query in a tab; ``/queries`` lists the named queries and ``/queries/<name>``
runs one, answering with an HTML table or, by content negotiation, any format ``/sparql`` offers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, url_for
from rdflib import DCTERMS, Literal, URIRef

from kg.iris import dataset_iri, graph_iri
from kg.query.engine import QueryResult, decode_reply
from kg.query.executor import Request
from kg.query.formats import TERMS, content_type
from kg.query.templates import run
from kg.web.describe import Linker, best_label, rows
from kg.web.linked_data import base_iri, state
from kg.web.protocol import negotiate_forms

bp = Blueprint("ui", __name__)
#: graphs the overview lists one by one (a build has one graph per claim besides the fixed ones)
LISTED_GRAPHS = 30


def named_queries() -> list[Any]:
    """Return the named queries (objects with ``name``, ``title``, ``description``, ``text``) by name."""
    queries = state().queries
    items = queries.values() if isinstance(queries, Mapping) else queries
    return sorted(items, key=lambda q: q.name)


def find_query(name: str) -> Any:
    for query in named_queries():
        if query.name == name:
            return query
    abort(404, description=f"There is no named query {name!r}; see /queries for the list.")


@bp.route("/")
def home() -> str:
    """The overview: classes, named graphs, articles, licences and links to everything."""
    engine, base = state().engine, base_iri()
    linker = Linker(base, request.script_root)

    class_labels: dict[Any, list[Literal]] = defaultdict(list)
    class_counts: dict[Any, int] = {}
    for row in rows(run(engine, "class_counts", ontology=str(graph_iri(base, "ontology")),
                        inferred=str(graph_iri(base, "inferred")))):
        class_counts[row["class"]] = int(row["count"])
        label = row.get("label")
        if isinstance(label, Literal):
            class_labels[row["class"]].append(label)
    linker.labels = class_labels
    classes = [{"term": linker.term(c), "name": linker.compact(str(c)), "count": n} for c, n in class_counts.items()]

    listed = sorted(state().graph_triples.items())
    graphs = [
        {"text": linker.term(URIRef(iri)).text if iri else "(default graph)", "iri": iri, "triples": count}
        for iri, count in listed[:LISTED_GRAPHS]
    ]
    rest = listed[LISTED_GRAPHS:]
    if rest:
        graphs.append({"text": f"… and {len(rest)} more graphs", "iri": "", "triples": sum(n for _, n in rest)})

    articles: dict[Any, dict[str, Any]] = {}
    for row in rows(run(engine, "articles")):
        entry = articles.setdefault(row["article"], {"titles": set(), "publisher": set(), "issued": None})
        if "title" in row:
            entry["titles"].add(row["title"])
        if "issued" in row:
            entry["issued"] = str(row["issued"])
        if "publisher" in row:
            entry["publisher_iri"] = row["publisher"]
            if "publisherLabel" in row:
                entry["publisher"].add(row["publisherLabel"])
    article_views = []
    for iri, entry in articles.items():
        title = best_label(entry["titles"]) or str(iri)
        article_views.append({
            "link": linker.href(str(iri))[0],
            "title": title,
            "other_titles": [{"text": str(t), "lang": t.language or ""}
                             for t in sorted(entry["titles"], key=lambda t: t.language or "") if str(t) != title],
            "issued": entry["issued"],
            "publisher": best_label(entry["publisher"]),
            "publisher_link": linker.href(str(entry["publisher_iri"]))[0] if "publisher_iri" in entry else None,
        })

    licences = rows(run(engine, "licences", dataset=str(dataset_iri(base))))
    dataset_licences = void_licences() or [str(r["licence"]) for r in licences if str(r["of"]) == "dataset"]
    article_licences = sorted({str(r["licence"]) for r in licences if str(r["of"]) == "article"})
    return render_template(
        "home.html",
        classes=classes,
        graphs=graphs,
        articles=article_views,
        licences=dataset_licences or article_licences,
        queries=named_queries(),
        missing=missing_parts(),
        endpoint=state().endpoint,
    )


def missing_parts() -> list[str]:
    """What this dataset lacks that the pages show for a build of ours (empty for a complete build)."""
    kg, base = state(), base_iri()
    missing = []
    ontology = str(graph_iri(base, "ontology"))
    if ontology not in kg.graph_triples:
        missing.append(f"no ontology graph <{ontology}>: the ontology page is empty and classes have no labels")
    if kg.void is None:
        missing.append("no VoID description (void.ttl of a build): /.well-known/void answers 404")
    if kg.graph_triples.get("") and not kg.engine.union_default_graph:
        missing.append(f"{kg.graph_triples['']} triples are in the default graph, which the pages do not show "
                       "(they show the named graphs); /sparql queries them")
    if not any(iri.startswith(base) for iri in kg.graph_names):
        missing.append(f"no named graph under the base IRI {base}: the pages of minted IRIs find nothing")
    return missing


def void_licences() -> list[str]:
    """The licences the VoID description of the build (``void.ttl``) gives the dataset."""
    void = state().void
    if void is None:
        return []
    return sorted(str(o) for o in void.objects(URIRef(dataset_iri(base_iri())), DCTERMS.license))


@bp.route("/editor")
def editor() -> str:
    """Yasgui, pointed at ``/sparql``, with one tab per named query."""
    queries = [{"name": q.name, "title": q.title, "description": q.description, "text": q.text}
               for q in named_queries()]
    return render_template("editor.html", queries=queries, endpoint=url_for("ui.home") + "sparql",
                           selected=request.args.get("query", ""))


@bp.route("/queries")
def queries() -> str:
    """Title and description of every named query."""
    return render_template("queries.html", queries=named_queries())


@bp.route("/queries/<name>")
def query_results(name: str) -> Response:
    """Run the named query *name*: an HTML table for browsers, any ``/sparql`` format for tools."""
    query = find_query(name)
    # HTML comes last: it is chosen only when asked for by name or ranked above the others
    chosen = negotiate_forms(request.headers.get("Accept"), request.args.get("format"), ("text/html",))
    results_media, graph_media = (TERMS if media == "text/html" else media for media in chosen[:2])
    reply = state().engine.answer(Request(query.text, results_media=results_media, graph_media=graph_media,
                                          not_acceptable=chosen[2]))
    if reply.media != TERMS:
        response = Response(reply.body, content_type=content_type(reply.media))
        response.vary.add("Accept")
        return response
    result: QueryResult = decode_reply(reply)
    linker = Linker(base_iri(), request.script_root)
    variables: list[str] = result.variables
    cells: list[tuple[Any, ...]] = list(result.rows)
    if result.graph is not None:
        variables, cells = ["subject", "predicate", "object"], sorted(result.graph)
    table = [[linker.term(cell) if cell is not None else None for cell in row] for row in cells]
    response = Response(render_template("query_results.html", query=query, result=result,
                                        variables=variables, table=table))
    response.vary.add("Accept")
    return response
