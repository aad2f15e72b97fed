"""Serve the application with gunicorn and waitress (production servers), not Flask's development server.

One application is created in the gunicorn master before the workers fork (``preload_app``), so the
dataset is loaded once and shared by every worker. Each worker serves HTTP with waitress
(:class:`kg.waitress_worker.WaitressWorker`): requests are read and answers written on an event
loop, so slow clients hold no thread, and several threads per worker run the application. Each
worker sends its queries to its own pool of query processes (see :mod:`kg.query.pool`), so a slow
query holds one thread and one query process while the others keep answering.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from kg.server import create_app
from kg.waitress_worker import WaitressWorker

#: open connections one worker accepts at most (slow or idle ones included)
WORKER_CONNECTIONS = 1000


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """Gunicorn running one already created Flask application."""

    def __init__(self, app: Flask, options: Mapping[str, Any]) -> None:
        self.application = app
        self.options = dict(options)
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def _announce(server: Any) -> None:
    """Print the address(es) gunicorn listens on (with port 0, the port the system chose)."""
    for listener in server.LISTENERS:
        host, port = listener.sock.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        print(f"Serving the diplomacy knowledge graph on http://{shown}:{port}/", flush=True)


def serve(*, host: str = "127.0.0.1", port: int = 5000, workers: int = 2, threads: int = 8,
          config: Mapping[str, Any] | None = None) -> None:
    """Load the dataset and serve it until interrupted.

    :param config: settings for :func:`kg.server.create_app` (``BUILD_DIR``, ``QUERY_TIMEOUT`` …)
    :raises KGError: when the dataset cannot be loaded
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    app = create_app(config)
    timeout = float(app.config["QUERY_TIMEOUT"])
    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": WaitressWorker,
        "worker_connections": WORKER_CONNECTIONS,
        "preload_app": True,
        # a worker that stays silent this long is restarted; a query is stopped well before
        "timeout": int(timeout) + 30,
        "graceful_timeout": 5,
        "when_ready": _announce,
        # each worker starts its own pool of query processes before it takes requests
        "post_worker_init": lambda worker: app.extensions["kg"].engine.start(),
        "accesslog": None,
        "loglevel": "warning",
    }
    _Gunicorn(app, options).run()
