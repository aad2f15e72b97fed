"""The pool of query processes: reuse, admission control, crashes, limits and parent death."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import BASE

from kg.server import create_app

CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SIMPLE = f"ASK {{ <{BASE}id/russia> ?p ?o }}"


def query_processes(parent: int) -> list[int]:
    """The query processes started by *parent*."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if ppid == parent and b"kg.query.worker" in command:
            found.append(int(entry.name))
    return sorted(found)


def wait_for(predicate, seconds: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def one_process_app(server_build):
    app = create_app({"TESTING": True, "BUILD_DIR": str(server_build), "QUERY_WORKERS": 1,
                      "QUERY_QUEUE_TIMEOUT": 0.5, "QUERY_TIMEOUT": 4})
    yield app
    app.extensions["kg"].engine.close()


def test_processes_are_reused_and_carry_cpu_and_memory_limits(one_process_app):
    client = one_process_app.test_client()
    pool = one_process_app.extensions["kg"].engine.pool
    assert client.get("/sparql", query_string={"query": SIMPLE}).status_code == 200
    first = pool.pids()
    assert len(first) == 1 and first[0] in query_processes(os.getpid())
    for _ in range(30):
        assert client.get("/sparql", query_string={"query": SIMPLE}).status_code == 200
    assert pool.pids() == first
    limits = Path(f"/proc/{first[0]}/limits").read_text()
    cpu = next(line for line in limits.splitlines() if line.startswith("Max cpu time"))
    memory = next(line for line in limits.splitlines() if line.startswith("Max address space"))
    assert cpu.split()[3] != "unlimited" and memory.split()[3] != "unlimited"


def test_a_full_pool_answers_503_with_retry_after(one_process_app):
    client = one_process_app.test_client()
    slow: dict[str, object] = {}
    thread = threading.Thread(target=lambda: slow.update(reply=one_process_app.test_client().get(
        "/sparql", query_string={"query": CROSS})))
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    busy = client.get("/sparql", query_string={"query": SIMPLE})
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "1"
    assert "busy" in busy.get_data(as_text=True)
    assert 0.4 < time.monotonic() - started < 2
    thread.join(timeout=30)
    assert slow["reply"].status_code == 503  # type: ignore[attr-defined]
    assert wait_for(lambda: client.get("/sparql", query_string={"query": SIMPLE}).status_code == 200)


def test_a_crashed_query_process_is_a_logged_500_and_is_replaced(one_process_app, caplog):
    client = one_process_app.test_client()
    pool = one_process_app.extensions["kg"].engine.pool
    assert client.get("/sparql", query_string={"query": SIMPLE}).status_code == 200
    victim = pool.pids()[0]
    outcome: dict[str, object] = {}
    thread = threading.Thread(target=lambda: outcome.update(reply=one_process_app.test_client().get(
        "/sparql", query_string={"query": CROSS})))
    with caplog.at_level(logging.ERROR):
        thread.start()
        time.sleep(0.5)
        os.kill(victim, signal.SIGKILL)
        thread.join(timeout=30)
    reply = outcome["reply"]
    assert reply.status_code == 500  # type: ignore[attr-defined]
    body = reply.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "Traceback" not in body and "log" in body
    assert any("exit code -9" in record.getMessage() for record in caplog.records)
    assert wait_for(lambda: client.get("/sparql", query_string={"query": SIMPLE}).status_code == 200)
    assert victim not in query_processes(os.getpid()) and len(pool.pids()) == 1


def test_query_processes_die_with_the_process_that_started_them(server_build, tmp_path):
    script = (
        "import sys, time\n"
        "from kg.server import create_app\n"
        f"app = create_app({{'BUILD_DIR': {str(server_build)!r}, 'QUERY_WORKERS': 2}})\n"
        "app.extensions['kg'].engine.start()\n"
        "print('started', flush=True)\n"
        "time.sleep(120)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == b"started"
        assert wait_for(lambda: len(query_processes(process.pid)) == 2)
        children = query_processes(process.pid)
        process.kill()
        process.wait(timeout=10)
        assert wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in children), 5)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        assert process.stdout is not None
        process.stdout.close()


def test_a_remote_endpoint_engine_checks_queries_before_sending_them(live_server):
    import socket

    from kg.errors import QueryRefused
    from kg.query.executor import Request
    from kg.query.limits import Limits
    from kg.query.remote import RemoteEngine

    engine = RemoteEngine(live_server.url + "/sparql", Limits(timeout=5))
    result = engine.query(f"SELECT ?l WHERE {{ <{BASE}id/russia> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}")
    assert "Russia" in {str(row[0]) for row in result.rows}
    assert engine.answer(Request(SIMPLE)).body == b'{"head": {}, "boolean": true}'
    assert BASE + "graph/inferred" in engine.graph_counts()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.5)
        nowhere = RemoteEngine(f"http://127.0.0.1:{listener.getsockname()[1]}/sparql", Limits(timeout=1))
        for text in ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "LOAD <http://127.0.0.1:9/x>"):
            with pytest.raises(QueryRefused):
                nowhere.answer(Request(text))
        with pytest.raises(socket.timeout):
            listener.accept()
