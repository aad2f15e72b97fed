"""Slow clients (slowloris headers, trickled bodies) do not keep others from being answered.

A real ``kg serve`` process with its default workers and threads; 50 connections send a byte or
a header line every 2 s while a normal client keeps asking. Every normal request must be answered
within a second.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from contextlib import ExitStack

import pytest
from conftest import LiveServer, kg_serve

SLOW_HEADERS = 25
SLOW_BODIES = 25
#: seconds between two trickled pieces of a slow request
TRICKLE = 2.0
#: how long the slow clients keep trickling while the normal client asks (bounded)
WINDOW = 8.0
ANSWER_WITHIN = 1.0
ASK = "ASK { ?s ?p ?o }"


@pytest.fixture(scope="module")
def default_server(tmp_path_factory: pytest.TempPathFactory, server_build: Path) -> Iterator[LiveServer]:
    """``kg serve`` with its default workers, threads and timeouts, on the sample."""
    log = tmp_path_factory.mktemp("slow-clients") / "server.log"
    with kg_serve(["--build-dir", str(server_build), "--no-build"], {}, log) as server:
        yield server


def _open(server: LiveServer, first: bytes) -> socket.socket:
    sock = socket.create_connection((server.host, server.port), timeout=5)
    sock.sendall(first)
    return sock


def _slow_header_start(server: LiveServer) -> socket.socket:
    query = urllib.parse.urlencode({"query": ASK})
    return _open(server, f"GET /sparql?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())


def _slow_body_start(server: LiveServer) -> socket.socket:
    body = urllib.parse.urlencode({"query": ASK}).encode()
    head = (f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body) + 1000}\r\n\r\n").encode()
    return _open(server, head + body[:1])


def _trickle(header_socks: list[socket.socket], body_socks: list[socket.socket], stop: threading.Event) -> None:
    """Send one more header line or body byte on every slow connection each TRICKLE seconds."""
    count = 0
    while not stop.wait(TRICKLE):
        count += 1
        for sock in header_socks:
            try:
                sock.sendall(f"X-Slow-{count}: {count}\r\n".encode())
            except OSError:
                pass  # the server may close a slow connection: that is allowed
        for sock in body_socks:
            try:
                sock.sendall(b"&")
            except OSError:
                pass


def _timed_ask(server: LiveServer) -> tuple[int, float]:
    """Ask once; return the status (0 when no answer came within 5 s) and the seconds it took."""
    started = time.monotonic()
    connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
    try:
        connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": ASK}),
                           headers={"Accept": "application/sparql-results+json"})
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    except OSError:
        return 0, time.monotonic() - started
    finally:
        connection.close()


def test_fifty_trickling_connections_do_not_delay_other_clients(default_server: LiveServer):
    with ExitStack() as stack:
        header_socks = [stack.enter_context(_slow_header_start(default_server)) for _ in range(SLOW_HEADERS)]
        body_socks = [stack.enter_context(_slow_body_start(default_server)) for _ in range(SLOW_BODIES)]
        stop = threading.Event()
        trickler = threading.Thread(target=_trickle, args=(header_socks, body_socks, stop), daemon=True)
        trickler.start()
        try:
            time.sleep(0.5)  # let the server pick up every slow connection
            answers: list[tuple[int, float]] = []
            deadline = time.monotonic() + WINDOW
            while time.monotonic() < deadline:
                answers.append(_timed_ask(default_server))
                time.sleep(0.1)
        finally:
            stop.set()
            trickler.join(timeout=TRICKLE + 5)
    slowest = max(seconds for _, seconds in answers)
    assert [status for status, _ in answers] == [200] * len(answers), answers
    assert slowest < ANSWER_WITHIN, f"a normal request took {slowest:.2f} s among {len(answers)}"
    assert len(answers) >= WINDOW / (ANSWER_WITHIN + 0.1)
