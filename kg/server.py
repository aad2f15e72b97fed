"""The Flask application factory: configuration, the engine, blueprints, error handlers.

Configuration, in order (later wins): the defaults below and those of :mod:`kg.query.limits`,
``KG_``-prefixed environment variables (``KG_QUERY_TIMEOUT=5`` sets ``QUERY_TIMEOUT``; values are
parsed as JSON where they can be), then the mapping passed to :func:`create_app`.

The application serves either a build folder (``BUILD_DIR``: the store ``kg build`` wrote, and
its ``void.ttl``) or RDF files (``DATA_FILES``: a list of Turtle, TriG, N-Triples or N-Quads files).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, request
from rdflib import Graph
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from kg import paths
from kg.errors import (
    EngineFailure,
    KGError,
    QueryBusy,
    QueryError,
    QueryLimitExceeded,
    QueryRefused,
    ResultNotAcceptable,
)
from kg.iris import DEFAULT_BASE_IRI, base_iri
from kg.query.engine import Engine
from kg.query.limits import DEFAULTS as LIMITS
from kg.query.limits import Limits
from kg.query.named import NamedQuery, load_queries
from kg.query.oxigraph import OxigraphEngine
from kg.query.store import STORE_DIR, is_store
from kg.rdfio import load_rdf

log = logging.getLogger("kg.access")

DEFAULTS: dict[str, Any] = {
    "BASE_IRI": DEFAULT_BASE_IRI,
    **LIMITS,
    #: bytes a request body may have (a bigger one is answered with 413)
    "MAX_CONTENT_LENGTH": 256 * 1024,
    "MAX_FORM_MEMORY_SIZE": 256 * 1024,
    #: characters a query may have, however it is sent
    "MAX_QUERY_LENGTH": 100_000,
    #: RDF files to serve instead of a build folder (or one folder holding an Oxigraph store)
    "DATA_FILES": None,
    #: whether the default graph is the union of all graphs (default: yes for a build, no for DATA_FILES)
    "UNION_DEFAULT_GRAPH": None,
    #: the path at which the application is mounted behind a proxy ("" at the root); never taken from a request
    "URL_PREFIX": "",
    #: the public URL of the SPARQL endpoint (default: ``{BASE_IRI}sparql``)
    "ENDPOINT_URL": None,
}

#: HTTP status for each of our errors (the most specific class wins)
STATUS: dict[type[KGError], int] = {QueryLimitExceeded: 503, QueryRefused: 403, ResultNotAcceptable: 406,
                                    QueryError: 400, EngineFailure: 500, KGError: 500}


@dataclass
class KGState:
    """What the factory attaches as ``app.extensions["kg"]``."""

    engine: Engine
    base_iri: str
    queries: dict[str, NamedQuery]
    #: the build folder, or ``None`` when serving RDF files
    build_dir: Path | None
    #: triples per graph IRI (the default graph, when not empty, as ""), counted at startup
    graph_triples: dict[str, int] = field(default_factory=dict)
    #: the build's VoID description (``None`` when there is none)
    void: Graph | None = None
    #: the public URL of the endpoint
    endpoint: str = ""

    @property
    def graph_names(self) -> list[str]:
        return sorted(iri for iri in self.graph_triples if iri)

    @property
    def triples(self) -> int:
        return sum(self.graph_triples.values())


def _engine(settings: Mapping[str, Any]) -> tuple[Engine, Path | None]:
    limits = Limits.from_config(settings)
    union = settings.get("UNION_DEFAULT_GRAPH")
    files = settings.get("DATA_FILES")
    if files:
        paths_ = [Path(f) for f in ([files] if isinstance(files, (str, Path)) else files)]
        if len(paths_) == 1 and is_store(paths_[0]):  # an Oxigraph store folder: served as it is
            return OxigraphEngine(paths_[0], limits, union_default_graph=bool(union)), None
        return OxigraphEngine.from_files(paths_, limits, union_default_graph=bool(union)), None
    build = paths.build_dir(settings)
    return OxigraphEngine(build / STORE_DIR, limits, union_default_graph=union is None or bool(union)), build


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the application over the built store (``BUILD_DIR/store``) or over ``DATA_FILES``.

    :param config: settings that override the defaults and the environment (tests pass
        ``{"BUILD_DIR": ...}``)
    :raises KGError: when the dataset or a named query cannot be loaded
    """
    here = Path(__file__).resolve().parent / "web"
    app = Flask(__name__, template_folder=str(here / "templates"), static_folder=str(here / "static"))
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("KG")
    if config:
        app.config.update({key: value for key, value in config.items() if value is not None})
    settings = dict(app.config)
    base = base_iri(str(settings["BASE_IRI"]))
    engine, build = _engine(settings)
    void_path = build / "void.ttl" if build else None
    state = KGState(engine, base, load_queries(paths.queries_dir(settings)), build, engine.graph_counts(),
                    load_rdf(void_path, "turtle") if void_path and void_path.is_file() else None,
                    str(settings.get("ENDPOINT_URL") or f"{base}sparql"))
    app.extensions["kg"] = state
    app.wsgi_app = _fixed_root(app.wsgi_app, str(settings["URL_PREFIX"]).rstrip("/"))  # type: ignore[method-assign]

    _register_blueprints(app)
    _register_error_handlers(app)
    _register_access_log(app)
    return app


def _fixed_root(wsgi: Callable[..., Iterable[bytes]], prefix: str) -> Callable[..., Iterable[bytes]]:
    """Mount *wsgi* at the configured *prefix*, whatever ``SCRIPT_NAME`` the server or a client header set."""
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        if not prefix:
            environ["SCRIPT_NAME"], environ["PATH_INFO"] = "", path
        elif path == prefix or path.startswith(prefix + "/"):
            environ["SCRIPT_NAME"], environ["PATH_INFO"] = prefix, path[len(prefix):]
        else:
            body = f"Not Found: this server answers under {prefix}/\n".encode()
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8"),
                                             ("Content-Length", str(len(body))), ("X-Content-Type-Options", "nosniff")])
            return [body]
        return wsgi(environ, start_response)

    return app


def _register_blueprints(app: Flask) -> None:
    from kg.web import linked_data, pages, protocol

    app.register_blueprint(protocol.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(linked_data.bp)


def status_for(exc: KGError) -> int:
    """Return the HTTP status of one of our errors."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]  # type: ignore[index]
    return 500


def _plain(message: str, status: int, headers: Mapping[str, str] | None = None) -> Response:
    text = message if message.endswith("\n") else message + "\n"
    return Response(text, status, headers=dict(headers or {}), mimetype="text/plain")


def _register_error_handlers(app: Flask) -> None:
    """Map our errors and HTTP errors to a plain-text message; never a stack trace."""

    @app.errorhandler(KGError)
    def kg_error(exc: KGError) -> Response:
        status = status_for(exc)
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, QueryBusy) else {}
        if isinstance(exc, QueryLimitExceeded):
            app.logger.warning("%s %s: %s", request.method, request.path, exc)
        elif status >= 500:
            app.logger.error("%s %s: %s", request.method, request.path, exc, exc_info=exc.__cause__ is not None)
            return _plain("500 Internal Server Error: the server failed to answer; the log has the details.", 500)
        return _plain(exc.message if isinstance(exc, QueryError) else str(exc), status, headers)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> BaseResponse:
        response = exc.get_response()
        if exc.response is not None:  # abort(Response(...)) already carries its body
            return response
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-type", "content-length")}
        return _plain(f"{exc.code} {exc.name}: {exc.description}", exc.code or 500, headers)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        app.logger.exception("unexpected error on %s %s", request.method, request.path)
        return _plain("500 Internal Server Error: the server failed to answer; the log has the details.", 500)


def _register_access_log(app: Flask) -> None:
    """One log line per request: method, path, status, duration and the query kind; ``nosniff`` on every answer."""

    @app.before_request
    def start_clock() -> None:
        g.kg_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        response.headers["X-Content-Type-Options"] = "nosniff"
        started = g.get("kg_started")
        took = (time.perf_counter() - started) * 1000 if started else 0.0
        log.info("%s %s %s %.1f ms %s", request.method, request.path, response.status_code, took,
                 g.get("query_kind", "none"))
        return response
