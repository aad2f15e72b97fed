"""The build folder is never missing or half written, whenever a build is killed, and has one writer.

Real processes are killed with SIGKILL: a writer that kills itself before each of its file-system
changes in turn (``crash_at_step.py``), and ``kg build`` processes killed at several moments.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from build_fixture import config, environment
from crash_at_step import contents

from kg.build import build, is_stale
from kg.build_folder import lock_file, locked
from kg.errors import BuildBusy
from kg.outputs import write_atomically
from kg.query.store import is_store
from kg.server import create_app

CRASH_AT_STEP = Path(__file__).resolve().parent / "crash_at_step.py"
#: more file-system changes than one write makes
NO_CRASH = 10_000


def folder_files(folder: Path) -> dict[str, str]:
    """Every file under *folder* (followed if it is a link) by relative path, with its text; an
    Oxigraph store (binary, and different from build to build) is left out."""
    stores = [p for p in folder.rglob("*") if is_store(p)]
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*"))
            if p.is_file() and not any(store in p.parents for store in stores)}


def leftovers(parent: Path) -> list[str]:
    """What lies beside the build folder besides the folder, its lock and the version it shows."""
    build = parent / "build"
    shown = os.readlink(build) if build.is_symlink() else None
    return sorted(p.name for p in parent.iterdir() if p.name not in ("build", ".build.lock", shown))


def crash_writer(out: Path, step: int, label: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(CRASH_AT_STEP), str(out), str(step), label],
                          capture_output=True, text=True, timeout=60, check=False)


def write_plain_folder(out: Path, label: str) -> None:
    """The build folder as earlier releases left it: a plain folder."""
    for name, text in contents(label).items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")


def test_the_writer_completes_when_not_killed(tmp_path: Path) -> None:
    done = crash_writer(tmp_path / "build", NO_CRASH, "new")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "build").is_symlink()
    assert folder_files(tmp_path / "build") == contents("new")
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("previous", ["link", "plain folder"])
def test_a_kill_before_any_step_leaves_old_or_new_outputs(tmp_path: Path, previous: str) -> None:
    changes = int(crash_writer(tmp_path / "count" / "build", NO_CRASH, "new").stdout)
    outcomes = set()
    for step in range(1, changes + 2):
        parent = tmp_path / f"step-{step}"
        out = parent / "build"
        parent.mkdir()
        write_plain_folder(out if previous == "plain folder" else parent / "old", "old")
        if previous == "link":
            write_atomically(out, {}, extra=lambda folder: shutil.copytree(parent / "old", folder, dirs_exist_ok=True))
            shutil.rmtree(parent / "old")
        done = crash_writer(out, step, "new")
        killed = done.returncode == -signal.SIGKILL
        assert killed or (done.returncode == 0 and step > changes), (step, done.stderr)
        seen = folder_files(out)
        assert seen in (contents("old"), contents("new")), f"step {step}: {sorted(seen)}"
        outcomes.add("new" if seen == contents("new") else "old")
        # the next build cleans up whatever the killed one left and switches in one step again
        write_atomically(out, {"dataset.trig": "next\n"})
        assert folder_files(out) == {"dataset.trig": "next\n"}
        assert leftovers(parent) == [], f"step {step}"
    assert outcomes == {"old", "new"}


def test_killed_kg_builds_never_leave_the_build_folder_missing(tmp_path: Path) -> None:
    env = {**os.environ, **environment(tmp_path)}
    out = tmp_path / "build"
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "kg", "build"], env=env, check=True, capture_output=True, timeout=300)
    duration = time.monotonic() - started
    first = folder_files(out)
    assert "dataset.trig" in first
    for fraction in (0.5, 0.8, 0.9, 1.0):
        process = subprocess.Popen([sys.executable, "-m", "kg", "build"], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            process.wait(timeout=duration * fraction)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        # the same input gives the same files, so a complete folder is byte-identical to the first
        assert folder_files(out) == first, f"killed at {fraction:.0%} of a build"
    subprocess.run([sys.executable, "-m", "kg", "build"], env=env, check=True, capture_output=True, timeout=300)
    assert leftovers(tmp_path) == ["articles"]


def test_stale_folders_of_killed_builds_are_removed(tmp_path: Path) -> None:
    settings = config(tmp_path)
    build(settings)
    out = tmp_path / "build"
    shown = os.readlink(out)
    for name in (".build.tmp-k1ll3d", ".build.old", ".build.v99"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "dataset.trig").write_text("half written", encoding="utf-8")
    os.symlink(".build.v99", tmp_path / ".build.link-tmp")
    build(settings)
    assert os.readlink(out) != shown
    assert leftovers(tmp_path) == ["articles"]
    assert "half written" not in (out / "dataset.trig").read_text(encoding="utf-8")


def test_a_missing_link_is_restored_to_the_newest_complete_version(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_atomically(out, {"dataset.trig": "complete\n"})
    version = tmp_path / os.readlink(out)
    out.unlink()  # as if killed between renaming a plain folder away and renaming the link in
    with locked(out):
        assert folder_files(out) == {"dataset.trig": "complete\n"}
    assert (tmp_path / os.readlink(out)) == version


def test_a_failed_write_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_atomically(out, {"dataset.trig": "first\n"})

    def fail(folder: Path) -> None:
        (folder / "store").mkdir()
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(out, {"dataset.trig": "second\n"}, extra=fail)
    assert folder_files(out) == {"dataset.trig": "first\n"}
    assert leftovers(tmp_path) == []


def test_a_second_build_is_refused_while_one_holds_the_lock(tmp_path: Path) -> None:
    env = {**os.environ, **environment(tmp_path)}
    out = tmp_path / "build"
    subprocess.run([sys.executable, "-m", "kg", "build"], env=env, check=True, capture_output=True, timeout=300)
    before = folder_files(out)
    first = subprocess.Popen([sys.executable, "-m", "kg", "build"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while lock_file(out).read_text(encoding="ascii").strip() != str(first.pid):
            assert first.poll() is None and time.monotonic() < deadline, "the first build never took the lock"
            time.sleep(0.002)
        first.send_signal(signal.SIGSTOP)  # hold the first build inside its lock
        assert first.poll() is None, "the first build finished before it could be paused"
        second = subprocess.run([sys.executable, "-m", "kg", "build"], env=env,
                                capture_output=True, text=True, timeout=300, check=False)
        assert second.returncode == 4, second.stderr
        assert f"another build (process {first.pid}) is writing {out}" in second.stderr
        assert str(lock_file(out)) in second.stderr and "Traceback" not in second.stderr
        assert folder_files(out) == before
    finally:
        first.send_signal(signal.SIGCONT)
        stdout, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    assert folder_files(out) == before and leftovers(tmp_path) == ["articles"]


def test_the_lock_is_released_when_its_holder_is_killed(tmp_path: Path) -> None:
    out = tmp_path / "build"
    with subprocess.Popen([sys.executable, "-c", "import fcntl, os, sys, time\n"
                           "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
                           "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('locked', flush=True)\ntime.sleep(120)\n",
                           str(lock_file(out))], stdout=subprocess.PIPE, text=True) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
            with pytest.raises(BuildBusy):
                write_atomically(out, {"dataset.trig": "x\n"})
        finally:
            holder.kill()
            holder.wait(timeout=30)
    write_atomically(out, {"dataset.trig": "x\n"})
    assert folder_files(out) == {"dataset.trig": "x\n"}


def test_the_lock_is_exclusive_with_other_fcntl_users(tmp_path: Path) -> None:
    out = tmp_path / "build"
    with locked(out):
        fd = os.open(lock_file(out), os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)


def test_kg_serve_reads_the_switched_folder_and_its_staleness(tmp_path: Path) -> None:
    settings = config(tmp_path)
    summary = build(settings)
    assert (tmp_path / "build").is_symlink()
    assert not is_stale(settings)
    client = create_app({"TESTING": True, "BUILD_DIR": settings["BUILD_DIR"]}).test_client()
    health = client.get("/health").get_json()
    assert health["triples"] == summary.total > 0
    text = next((tmp_path / "articles").glob("*.txt"))
    os.utime(text, (time.time() + 10, time.time() + 10))
    assert is_stale(settings)


def test_a_rejected_build_folder_is_removed_by_the_next_good_build(tmp_path: Path) -> None:
    settings = config(tmp_path)
    rejected = tmp_path / "build.rejected"
    write_atomically(rejected, {"shacl-report.txt": "rejected\n"})
    build(settings)
    assert not rejected.exists() and not rejected.is_symlink()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".build.rejected.v")]


def test_a_link_to_a_deleted_version_is_pointed_at_the_newest_complete_one(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_atomically(out, {"dataset.trig": "first\n"})
    shown = tmp_path / os.readlink(out)
    shutil.copytree(shown, tmp_path / ".build.v7")
    shutil.rmtree(shown)
    with locked(out):
        assert os.readlink(out) == ".build.v7"
        assert folder_files(out) == {"dataset.trig": "first\n"}
