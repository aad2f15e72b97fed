"""Shared fixtures: the endpoint's sample dataset as an app, a test client and a live gunicorn server.

The sample ``tests/data/server/dataset.trig`` is a few facts of the Trend report in the shape of a
build (named graphs under ``https://w3id.org/diplomacy-kg/graph/``).
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from draft_fixtures import draft_index, draft_models  # noqa: F401
from ui_fixtures import (  # noqa: F401
    ui_app,
    ui_browser_query,
    ui_build_dir,
    ui_client,
)

from kg.query.store import STORE_DIR, write_store
from kg.server import create_app

SERVER_DATA = Path(__file__).resolve().parent / "data" / "server"
BASE = "https://w3id.org/diplomacy-kg/"
#: the limits the sample server runs with (small, so that tests reach them quickly)
QUERY_TIMEOUT = 2.0
MAX_ROWS = 60
#: seconds the live server gets to start answering
STARTUP_DEADLINE = 60.0


def copy_as_build(source: Path, folder: Path) -> Path:
    """Copy ``dataset.trig`` and ``void.ttl`` of *source* into *folder* and write their store, as a build would."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("dataset.trig", "void.ttl"):
        shutil.copyfile(source / name, folder / name)
    write_store(folder / STORE_DIR, folder / "dataset.trig")
    return folder


@pytest.fixture(scope="session")
def server_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The endpoint's sample as a build folder."""
    return copy_as_build(SERVER_DATA, tmp_path_factory.mktemp("server-build"))


@pytest.fixture(scope="session")
def server_app(server_build: Path) -> Flask:
    return create_app({"TESTING": True, "BUILD_DIR": str(server_build), "QUERY_TIMEOUT": QUERY_TIMEOUT,
                       "MAX_ROWS": MAX_ROWS})


@pytest.fixture
def server_client(server_app: Flask) -> FlaskClient:
    return server_app.test_client()


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def media_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip()


@dataclass
class LiveServer:
    """A running ``kg serve`` process and a plain HTTP client for it (no redirects, no retries)."""

    url: str
    host: str
    port: int
    log: Path
    pid: int

    def request(self, method: str, path: str, *, params: Mapping[str, str | list[str]] | None = None,
                body: bytes | str | None = None, headers: Mapping[str, str] | None = None,
                timeout: float = 30.0) -> Reply:
        if params:
            path += "?" + urllib.parse.urlencode(params, doseq=True)
        data = body.encode("utf-8") if isinstance(body, str) else body
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            connection.request(method, path, body=data, headers=dict(headers or {}))
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            connection.close()

    def get(self, path: str, params: Mapping[str, str | list[str]] | None = None, **kwargs) -> Reply:  # type: ignore[no-untyped-def]
        return self.request("GET", path, params=params, **kwargs)

    def post_form(self, path: str, fields: Mapping[str, str | list[str]], **kwargs) -> Reply:  # type: ignore[no-untyped-def]
        headers = {"Content-Type": "application/x-www-form-urlencoded", **kwargs.pop("headers", {})}
        return self.request("POST", path, body=urllib.parse.urlencode(fields, doseq=True), headers=headers, **kwargs)


_ADDRESS = re.compile(r"Serving the diplomacy knowledge graph on http://127\.0\.0\.1:(\d+)/")


@contextmanager
def kg_serve(options: list[str], env: Mapping[str, str], log_path: Path) -> Iterator[LiveServer]:
    """Run ``kg serve --host 127.0.0.1 --port 0 OPTIONS`` until the block ends; yield it once it answers."""
    command = [sys.executable, "-m", "kg", "serve", "--host", "127.0.0.1", "--port", "0", *options]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env={**os.environ, **env, "PYTHONUNBUFFERED": "1"},
                                   stdout=log, stderr=subprocess.STDOUT)
        try:
            yield _wait_until_ready(process, log_path)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


@pytest.fixture(scope="session")
def live_server(server_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``kg serve`` on the sample at 127.0.0.1, port 0 (the port it reports), 2 workers × 8 threads."""
    options = ["--workers", "2", "--threads", "8", "--query-timeout", str(QUERY_TIMEOUT),
               "--build-dir", str(server_build), "--no-build"]
    with kg_serve(options, {"KG_MAX_ROWS": str(MAX_ROWS)}, tmp_path_factory.mktemp("server") / "server.log") as server:
        yield server


@pytest.fixture(scope="session")
def ui_live_server(ui_build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``kg serve`` on the linked-data sample at 127.0.0.1, 1 worker × 4 threads; yields its base URL."""
    options = ["--workers", "1", "--threads", "4", "--build-dir", str(ui_build_dir), "--no-build"]
    with kg_serve(options, {}, tmp_path_factory.mktemp("ui-server") / "server.log") as server:
        yield server.url


def _wait_until_ready(process: subprocess.Popen[bytes], log_path: Path) -> LiveServer:
    """Read the port from the server's output, then poll ``/health`` until 200 or the deadline."""
    deadline = time.monotonic() + STARTUP_DEADLINE
    server: LiveServer | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"kg serve exited with {process.returncode}:\n{log_path.read_text()}")
        if server is None:
            found = _ADDRESS.search(log_path.read_text(errors="replace"))
            if found:
                port = int(found.group(1))
                server = LiveServer(f"http://127.0.0.1:{port}", "127.0.0.1", port, log_path, process.pid)
        if server is not None:
            try:
                if server.get("/health", timeout=2).status == 200:
                    return server
            except OSError:
                pass
        time.sleep(0.2)
    raise RuntimeError(f"kg serve did not answer within {STARTUP_DEADLINE} s:\n{log_path.read_text()}")
