"""The build folder: one writer at a time, and a switch to the new outputs that is atomic at every instant.

``build`` is a symbolic link onto a complete folder ``.build.v<N>`` beside it. A new build writes
into ``.build.tmp-<random>``, flushes every file to disk, renames the folder to ``.build.v<N+1>``,
makes a link to it and renames that link over ``build``. A rename replaces the old link in one
step, so whoever opens ``build/…`` at any instant gets either the old complete outputs or the new
ones, even if the build is killed. Only then are the older versions deleted.

A build holds an exclusive ``fcntl`` lock on ``.build.lock`` (which records its process id) from
start to end; a second build of the same folder stops at once with :class:`kg.errors.BuildBusy`.
Whoever takes the lock first removes what killed builds left: ``.build.tmp-*`` folders, versions
that were never switched to, and the ``.build.old`` of earlier releases. A ``build`` that is a plain
folder (from earlier releases) is replaced by a link on the next build, in one step where the
system can exchange two names (Linux); elsewhere in two renames, and if the build is killed
between them, the next start links the newest complete version.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kg.errors import BuildBusy


@dataclass(frozen=True)
class FolderLock:
    """Proof that this process holds the lock of the build folder *folder*."""

    folder: Path


def lock_file(folder: Path) -> Path:
    """The lock file of *folder*: ``.<name>.lock`` beside it."""
    return folder.with_name(f".{folder.name}.lock")


def _versions(folder: Path) -> dict[int, Path]:
    """The complete versions of *folder* (``.<name>.v<N>``) by number."""
    pattern = re.compile(rf"\.{re.escape(folder.name)}\.v(\d+)")
    found = {}
    for entry in folder.parent.iterdir():
        match = pattern.fullmatch(entry.name)
        if match and entry.is_dir() and not entry.is_symlink():
            found[int(match.group(1))] = entry
    return found


def _current(folder: Path) -> Path | None:
    """The version *folder* links to, or ``None`` when it is not a link."""
    if not folder.is_symlink():
        return None
    return folder.parent / os.readlink(folder)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    """Flush every file and folder under *root* to disk."""
    for folder, _, names in os.walk(root):
        for name in names:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(folder))


def _exchange(first: Path, second: Path) -> bool:
    """Swap the names of two files in one step (Linux ``renameat2`` with ``RENAME_EXCHANGE``).

    :returns: ``False`` when the system or file system cannot, and nothing changed
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0
    return bool(done)


def _link(folder: Path, version: Path) -> None:
    """Point *folder* at *version* in one rename (a link made beside it, then renamed over it)."""
    staged = folder.with_name(f".{folder.name}.link-tmp")
    if staged.is_symlink() or staged.exists():
        staged.unlink()
    os.symlink(version.name, staged)
    if folder.is_dir() and not folder.is_symlink():
        # a plain folder (from an earlier release) cannot be replaced by a rename; swap the two names
        # where the system can, else rename it away first (the next start then links the newest version)
        if _exchange(staged, folder):
            shutil.rmtree(staged, ignore_errors=True)
            _fsync_dir(folder.parent)
            return
        folder.rename(folder.with_name(f".{folder.name}.old"))
    os.replace(staged, folder)
    _fsync_dir(folder.parent)


def _remove_stale(folder: Path) -> None:
    """Remove what interrupted builds left beside *folder*; link the newest version if *folder* is gone."""
    name = re.escape(folder.name)
    stale = re.compile(rf"\.{name}\.(tmp-.*|old|link-tmp)")
    for entry in folder.parent.iterdir():
        if stale.fullmatch(entry.name):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
    versions = _versions(folder)
    if not folder.exists() and versions:  # missing, or a link to a version that is gone
        _link(folder, versions[max(versions)])
    keep = _current(folder)
    for version in versions.values():
        if keep is None or version.resolve() != keep.resolve():
            shutil.rmtree(version, ignore_errors=True)


@contextmanager
def locked(folder: Path) -> Iterator[FolderLock]:
    """Hold the lock of the build folder *folder* for the block, after cleaning up beside it.

    :raises BuildBusy: when another process holds the lock
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    path = lock_file(folder)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise BuildBusy(f"another build (process {holder}) is writing {folder}: wait until it has finished, "
                            "or build into another folder with --out", path) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        _remove_stale(folder)
        yield FolderLock(folder)
    finally:
        os.close(fd)  # releases the lock


@contextmanager
def staged(folder: Path, lock: FolderLock | None = None) -> Iterator[Path]:
    """Yield an empty temporary folder beside *folder*; when the block ends normally, switch *folder* to it.

    If the block raises, the temporary folder is deleted and *folder* stays as it was.

    :param lock: the lock of *folder* if the caller holds it already (else it is taken here)
    :raises BuildBusy: when another process holds the lock
    """
    if lock is None:
        with locked(folder) as own:
            with staged(folder, own) as tmp:
                yield tmp
        return
    if lock.folder != folder:
        raise ValueError(f"the lock is for {lock.folder}, not {folder}")
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.tmp-", dir=folder.parent))
    try:
        yield tmp
        tmp.chmod(0o755)
        _fsync_tree(tmp)
        versions = _versions(folder)
        version = folder.with_name(f".{folder.name}.v{max(versions, default=0) + 1}")
        tmp.rename(version)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _link(folder, version)
    _remove_stale(folder)


def remove(folder: Path) -> None:
    """Delete the build folder *folder* (a link and its versions, or a plain folder), under its lock.

    :raises BuildBusy: when another process holds the lock
    """
    if not folder.is_symlink() and not folder.exists() and not _versions(folder):
        return
    with locked(folder):
        if folder.is_symlink():
            folder.unlink()
        elif folder.exists():
            shutil.rmtree(folder)
        for version in _versions(folder).values():
            shutil.rmtree(version, ignore_errors=True)
