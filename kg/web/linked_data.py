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

from functools import cache

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
)
from werkzeug.wrappers import Response as BaseResponse

from kg.iris import graph_iri
from kg.query.formats import MEDIA_TYPES, content_type
from kg.query.templates import document as template_document
from kg.query.templates import is_safe_iri, run
from kg.web.describe import ONTOLOGY_IRI, describe, namespaces
from kg.web.negotiation import choose
from kg.web.ontology_doc import ONTOLOGY_MAX_ROWS, ontology_page

bp = Blueprint("linked_data", __name__)

#: file extension -> media type (``text/html`` for the page), in the order offered to ``Accept``
FORMATS: dict[str, str] = {m.extension: m.media for m in sorted(MEDIA_TYPES, key=lambda m: m.media != "text/turtle")
                           if m.extension}
_BY_MEDIA_TYPE = {media: ext for ext, media in FORMATS.items()}


def state() -> Any:
    """Return what the application factory attached: the engine, the base IRI, the named queries."""
    return current_app.extensions["kg"]


def base_iri() -> str:
    """The configured base IRI (ending in ``/`` or ``#``)."""
    return str(state().base_iri)


@cache
def _prefixes(base: str) -> dict[str, str]:
    names = {prefix: str(namespace) for prefix, namespace in namespaces().namespaces()}
    return {**names, "kgd": base}


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


def rdf_response(template: str, ext: str, location: str | None, max_rows: int | None = None,
                 **iris: str) -> Response:
    """Answer the CONSTRUCT *template* bound with *iris* in the format of *ext*."""
    media = FORMATS[ext]
    reply = template_document(state().engine, template, media, _prefixes(base_iri()), max_rows, **iris)
    response = Response(reply.body, headers={"Content-Type": content_type(media)})
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
    if FORMATS[chosen] == "text/html":
        page = describe(state().engine, base_iri(), iri, request.script_root)
        if page is None:
            return not_found(iri)
        response = Response(render_template("resource.html", r=page, doc=f"{request.script_root}/doc/{path}"))
        if location:
            response.headers["Content-Location"] = location
        return finish(response, negotiated)
    if not _exists(iri):
        return not_found(iri)
    return finish(rdf_response("describe", chosen, location, this=iri), negotiated)


@bp.route("/ontology")
@bp.route("/ontology.<any(ttl, html, nt, jsonld, rdf):ext>")
def ontology(ext: str | None = None) -> Response:
    """The ontology document: Turtle (and other RDF formats) or HTML documentation."""
    negotiated = ext is None
    chosen = ext or negotiate()
    location = f"{request.script_root}/ontology.{chosen}" if negotiated else None
    graph_name = str(graph_iri(base_iri(), "ontology"))
    if graph_name not in state().graph_triples:
        return not_found(ONTOLOGY_IRI, f"this dataset has no ontology graph <{graph_name}>")
    if FORMATS[chosen] == "text/html":
        page = ontology_page(state().engine, base_iri(), graph_name, request.script_root)
        response = Response(render_template("ontology.html", o=page, ontology_iri=ONTOLOGY_IRI))
        if location:
            response.headers["Content-Location"] = location
        return finish(response, negotiated)
    response = rdf_response("ontology", chosen, location, ONTOLOGY_MAX_ROWS, ontology=graph_name)
    return finish(response, negotiated)


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


def not_found(iri: str, reason: str | None = None) -> Response:
    """The 404 page for an IRI the graph does not describe (*reason*: why, when it is not the usual one)."""
    if request.accept_mimetypes.best_match(["text/plain", "text/html"]) == "text/html":
        body = render_template("not_found.html", iri=iri, reason=reason)
        return Response(body, 404, mimetype="text/html")
    return Response(f"Not Found: {reason or f'nothing is known about <{iri}>'}\n", 404, mimetype="text/plain")
