"""Running out of memory, a failure of the program and an interrupt: one line, their own exit code.

Each runs the real ``kg`` command in a subprocess: a build under a memory limit on an article that
needs more, ``kg validate`` on a file nested deeper than the Turtle parser can recurse, a build
interrupted while it holds the build folder.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

from build_fixture import ARTICLE, environment

from kg.build_folder import lock_file

#: address space for a build under a memory limit; the fixture article builds in well under half
MEMORY_LIMIT = 3 * 2**30 // 4


def kg(*args: str, env: dict[str, str], limit: int | None = None) -> subprocess.CompletedProcess[str]:
    def apply_limit() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return subprocess.run([sys.executable, "-m", "kg", *args], env={**os.environ, **env}, preexec_fn=apply_limit,
                          capture_output=True, text=True, timeout=600, check=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}  # the store is a folder


def test_out_of_memory_exits_3_with_a_message_and_keeps_the_build(tmp_path: Path) -> None:
    env = environment(tmp_path)
    assert kg("build", env=env, limit=MEMORY_LIMIT).returncode == 0  # the limit is enough for a normal build
    before = snapshot(tmp_path / "build")
    text = tmp_path / "articles" / f"{ARTICLE}.ru.txt"
    line = text.read_bytes()
    with text.open("wb") as out:  # about 150 MB of text: far more memory than the limit leaves
        for _ in range(150 * 2**20 // len(line)):
            out.write(line)
    done = kg("build", env=env, limit=MEMORY_LIMIT)
    assert done.returncode == 3, done.stderr[-2000:]
    assert done.stderr.startswith("Error: out of memory in `kg build`")
    assert "raise the limit" in done.stderr and "Traceback" not in done.stderr
    assert snapshot(tmp_path / "build") == before


def deep_turtle(path: Path, depth: int) -> Path:
    path.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b " + "(" * depth + ")" * depth + " .\n",
                    encoding="utf-8")
    return path


def test_an_internal_failure_exits_3_naming_where_it_failed(tmp_path: Path) -> None:
    deep = deep_turtle(tmp_path / "deep.ttl", 5000)
    done = kg("validate", str(deep), env={})
    assert done.returncode == 3
    assert done.stderr.startswith("Error: internal error in `kg validate`: RecursionError")
    assert "notation3.py:" in done.stderr and "please report it" in done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1


def test_kg_debug_prints_the_traceback_of_an_internal_failure(tmp_path: Path) -> None:
    deep = deep_turtle(tmp_path / "deep.ttl", 5000)
    done = kg("validate", str(deep), env={"KG_DEBUG": "1"})
    assert done.returncode == 3
    assert "Traceback (most recent call last)" in done.stderr and "Error: internal error" in done.stderr


def test_a_shallow_file_of_the_same_kind_is_not_an_internal_failure(tmp_path: Path) -> None:
    shallow = deep_turtle(tmp_path / "shallow.ttl", 5)
    done = kg("validate", str(shallow), env={})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Conforms: yes")


def test_an_interrupted_build_exits_130_and_keeps_the_build(tmp_path: Path) -> None:
    env = environment(tmp_path)
    assert kg("build", env=env).returncode == 0
    before = snapshot(tmp_path / "build")
    with subprocess.Popen([sys.executable, "-m", "kg", "build"], env={**os.environ, **env},
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        deadline = time.monotonic() + 120
        while lock_file(tmp_path / "build").read_text(encoding="ascii").strip() != str(process.pid):
            assert process.poll() is None and time.monotonic() < deadline, "the build never took the lock"
            time.sleep(0.002)
        process.send_signal(signal.SIGSTOP)  # paused inside the build, so the interrupt lands there
        assert process.poll() is None, "the build finished before it could be paused"
        process.send_signal(signal.SIGINT)
        process.send_signal(signal.SIGCONT)
        _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert stderr == "Interrupted.\n"
    assert snapshot(tmp_path / "build") == before
