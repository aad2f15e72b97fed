"""Linked data: every IRI the builder mints, and the ontology, dereference on this server.

The base IRI (``BASE_IRI``, default ``https://w3id.org/diplomacy-kg/``) maps to the server's root:
``{base}X`` is served at ``/X`` for every ``X`` that no other route claims. Minted IRIs name things, not documents, so (Cool URIs, 303
redirect to one generic document):

- ``GET /id/russia`` answers ``303 See Other`` with ``Location: /doc/id/russia``;
- ``/doc/id/russia`` is the description, in the format the ``Accept`` header asks for (HTML for
  browsers; Turtle, N-Triples, JSON-LD or RDF/XML for tools; Turtle for ``*/*``), with
  ``Vary: Accept`` and a ``Content-Location`` naming the variant;
- ``/doc/id/russia.ttl`` (``.nt``, ``.jsonld``, ``.rdf``, ``.html``) is one fixed variant.

The ontology is a hash namespace: ``…/ontology#State`` names a term of the document ``/ontology``,
which is served directly (Turtle or HTML documentation by ``Accept``; ``/ontology.ttl`` and
``/ontology.html`` as fixed variants), and the HTML has an anchor ``#State`` per term.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
)
from rdflib import Graph
from werkzeug.wrappers import Response as BaseResponse

from kg.describe import ONTOLOGY_IRI, describe, namespaces
from kg.iris import graph_iri
from kg.negotiation import choose
from kg.ontology_doc import ONTOLOGY_MAX_ROWS, ontology_page
from kg.sparql_templates import is_safe_iri, run

bp = Blueprint("linked_data", __name__)

#: file extension -> (media type, rdflib serializer; None for the HTML page)
FORMATS: dict[str, tuple[str, str | None]] = {
    "ttl": ("text/turtle", "turtle"),
    "html": ("text/html", None),
    "nt": ("application/n-triples", "nt"),
    "jsonld": ("application/ld+json", "json-ld"),
    "rdf": ("application/rdf+xml", "xml"),
}
_BY_MEDIA_TYPE = {media: ext for ext, (media, _) in FORMATS.items()}


def state() -> Any:
    """Return what the application factory attached: the engine, the base IRI, the named queries."""
    return current_app.extensions["kg"]


def base_iri() -> str:
    base = str(state().base_iri)
    return base if base.endswith(("/", "#")) else base + "/"


def negotiate() -> str:
    """Return the file extension of the format ``Accept`` (or ``format``) asks for; 406 when none fits."""
    media = choose(list(_BY_MEDIA_TYPE), request.headers.get("Accept"), request.args.get("format"))
    return _BY_MEDIA_TYPE[media]


def split_extension(path: str) -> tuple[str, str | None]:
    """Split ``id/russia.ttl`` into ``("id/russia", "ttl")``."""
    stem, dot, ext = path.rpartition(".")
    if dot and ext in FORMATS:
        return stem, ext
    return path, None


def rdf_response(graph: Graph, ext: str, location: str | None) -> Response:
    """Serialise *graph* in the format of *ext*."""
    media, serializer = FORMATS[ext]
    names = namespaces()
    for prefix, namespace in names.namespaces():
        graph.bind(prefix, namespace, override=False)
    graph.bind("kgd", base_iri())
    body = graph.serialize(format=serializer or "turtle", encoding="utf-8")
    response = Response(body, mimetype=media)
    response.headers["Content-Type"] = f"{media}; charset=utf-8"
    if location:
        response.headers["Content-Location"] = location
    return response


def finish(response: Response, negotiated: bool) -> Response:
    if negotiated:
        response.vary.add("Accept")
    return response


@bp.route("/<path:path>")
def resource(path: str) -> BaseResponse:
    """A minted IRI: ``303 See Other`` to its description, or 404 when the graph does not know it.

    Every other route is more specific than this one, so it only sees paths nothing else serves.
    """
    iri = f"{base_iri()}{path}"
    if not _exists(iri):
        return not_found(iri)
    return redirect(f"{request.script_root}/doc/{path}", code=303)


def _exists(iri: str) -> bool:
    """Whether the graph has any triple about *iri* (as subject or object)."""
    return is_safe_iri(iri) and bool(run(state().engine, "exists", this=iri).boolean)


@bp.route("/dataset")
def dataset() -> BaseResponse:
    """The dataset IRI: its description is the VoID document."""
    return redirect(f"{request.script_root}/.well-known/void", code=303)


@bp.route("/doc/<path:path>")
def document(path: str) -> Response:
    """The description of the minted resource ``{base}path``, as HTML or RDF."""
    stem, ext = split_extension(path)
    if ext is not None and not _exists(f"{base_iri()}{stem}") and _exists(f"{base_iri()}{path}"):
        stem, ext = path, None  # a minted IRI that itself ends in ".ttl" (a source file's IRI)
    path = stem
    negotiated = ext is None
    chosen = ext or negotiate()
    iri = f"{base_iri()}{path}"
    if not is_safe_iri(iri):
        return not_found(iri)
    location = f"{request.script_root}/doc/{path}.{chosen}" if negotiated else None
    if FORMATS[chosen][1] is None:
        page = describe(state().engine, base_iri(), iri, request.script_root)
        if page is None:
            return not_found(iri)
        response = Response(render_template("resource.html", r=page, doc=f"{request.script_root}/doc/{path}"))
        if location:
            response.headers["Content-Location"] = location
        return finish(response, negotiated)
    graph = run(state().engine, "describe", this=iri).graph
    if graph is None or len(graph) == 0:
        return not_found(iri)
    return finish(rdf_response(graph, chosen, location), negotiated)


@bp.route("/ontology")
@bp.route("/ontology.<any(ttl, html, nt, jsonld, rdf):ext>")
def ontology(ext: str | None = None) -> Response:
    """The ontology document: Turtle (and other RDF formats) or HTML documentation."""
    negotiated = ext is None
    chosen = ext or negotiate()
    location = f"{request.script_root}/ontology.{chosen}" if negotiated else None
    graph_name = str(graph_iri(base_iri(), "ontology"))
    if FORMATS[chosen][1] is None:
        page = ontology_page(state().engine, base_iri(), graph_name, request.script_root)
        response = Response(render_template("ontology.html", o=page, ontology_iri=ONTOLOGY_IRI))
        if location:
            response.headers["Content-Location"] = location
        return finish(response, negotiated)
    graph = run(state().engine, "ontology", max_rows=ONTOLOGY_MAX_ROWS, ontology=graph_name).graph
    if graph is None or len(graph) == 0:
        return not_found(ONTOLOGY_IRI)
    return finish(rdf_response(graph, chosen, location), negotiated)


@bp.route("/ontology/<version>")
def ontology_version(version: str) -> BaseResponse:
    """The ontology's version IRI: ``303 See Other`` to ``/ontology`` when it is the current version."""
    iri = f"{ONTOLOGY_IRI}/{version}"
    graph_name = str(graph_iri(base_iri(), "ontology"))
    if not is_safe_iri(iri) or not run(state().engine, "ontology_version", this=iri, ontology=graph_name).boolean:
        return not_found(iri)
    return redirect(f"{request.script_root}/ontology", code=303)


@bp.after_request
def allow_any_origin(response: BaseResponse) -> BaseResponse:
    """Linked-data documents are public: scripts on any origin may read them (and follow the 303s)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "Location, Content-Location"
    return response


def not_found(iri: str) -> Response:
    """The 404 page for an IRI the graph does not describe."""
    if request.accept_mimetypes.best_match(["text/plain", "text/html"]) == "text/html":
        body = render_template("not_found.html", iri=iri)
        return Response(body, 404, mimetype="text/html")
    return Response(f"Not Found: nothing is known about <{iri}>\n", 404, mimetype="text/plain")
