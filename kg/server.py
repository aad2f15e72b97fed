"""The Flask application factory: configuration, the loaded dataset, blueprints, error handlers.

Configuration, in order (later wins): the defaults below, ``KG_``-prefixed environment variables
(``KG_QUERY_TIMEOUT=5`` sets ``QUERY_TIMEOUT``; values are parsed as JSON where they can be), then
the mapping passed to :func:`create_app`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from kg import paths
from kg.engine import Engine
from kg.errors import KGError, QueryError, QueryLimitExceeded, QueryRefused
from kg.iris import DEFAULT_BASE_IRI
from kg.queries import NamedQuery, load_queries
from kg.rdflib_engine import RdflibEngine
from kg.sparql_templates import run

log = logging.getLogger("kg.access")

DEFAULTS: dict[str, Any] = {
    "BASE_IRI": DEFAULT_BASE_IRI,
    #: seconds a query may run before it is stopped (answer: 503)
    "QUERY_TIMEOUT": 10.0,
    #: megabytes of memory a query may allocate on top of the loaded dataset (answer: 503)
    "QUERY_MEMORY_MB": 1024,
    #: rows (SELECT) or triples (CONSTRUCT/DESCRIBE) returned at most; more are cut off
    "MAX_ROWS": 10_000,
    #: bytes a request body may have (a bigger one is answered with 413)
    "MAX_CONTENT_LENGTH": 256 * 1024,
    "MAX_FORM_MEMORY_SIZE": 256 * 1024,
    #: characters a query may have, however it is sent
    "MAX_QUERY_LENGTH": 100_000,
}

#: HTTP status for each of our errors (the most specific class wins)
STATUS: dict[type[KGError], int] = {QueryLimitExceeded: 503, QueryRefused: 403, QueryError: 400, KGError: 500}


@dataclass
class KGState:
    """What the factory attaches as ``app.extensions["kg"]``."""

    engine: Engine
    base_iri: str
    queries: dict[str, NamedQuery]
    build_dir: Path
    #: IRIs of the named graphs
    graph_names: list[str] = field(default_factory=list)
    #: triples per named graph IRI, counted at startup
    graph_triples: dict[str, int] = field(default_factory=dict)

    @property
    def triples(self) -> int:
        return sum(self.graph_triples.values())


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the application and load the built dataset (``BUILD_DIR/dataset.trig``).

    :param config: settings that override the defaults and the environment (tests pass
        ``{"BUILD_DIR": ...}``)
    :raises KGError: when the dataset or a named query cannot be loaded
    """
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("KG")
    if config:
        app.config.update({key: value for key, value in config.items() if value is not None})
    settings = dict(app.config)
    base = str(settings["BASE_IRI"])
    base = base if base.endswith(("/", "#")) else base + "/"
    build = paths.build_dir(settings)
    engine = RdflibEngine.from_trig(
        build / "dataset.trig", timeout=float(settings["QUERY_TIMEOUT"]), max_rows=int(settings["MAX_ROWS"]),
        memory_mb=int(settings["QUERY_MEMORY_MB"]),
    )
    state = KGState(engine, base, load_queries(paths.queries_dir(settings)), build, engine.graph_names())
    state.graph_triples = {str(row[0]): int(row[1]) for row in run(engine, "graph_counts").rows}  # type: ignore[arg-type]
    app.extensions["kg"] = state

    _register_blueprints(app)
    _register_error_handlers(app)
    _register_access_log(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from kg import linked_data, sparql_protocol, ui

    app.register_blueprint(sparql_protocol.bp)
    app.register_blueprint(ui.bp)
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
        if isinstance(exc, QueryLimitExceeded):
            app.logger.warning("%s", exc)
        elif status >= 500:
            app.logger.error("%s", exc)
        return _plain(exc.message if isinstance(exc, QueryError) else str(exc), status)

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
    """One log line per request: method, path, status, duration and the query kind."""

    @app.before_request
    def start_clock() -> None:
        g.kg_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        started = g.get("kg_started")
        took = (time.perf_counter() - started) * 1000 if started else 0.0
        log.info("%s %s %s %.1f ms %s", request.method, request.path, response.status_code, took,
                 g.get("query_kind", "none"))
        return response
