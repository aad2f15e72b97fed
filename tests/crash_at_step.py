"""Write a build folder with ``write_atomically`` and kill this process (SIGKILL) at a chosen step.

``python crash_at_step.py OUT STEP LABEL`` counts every file-system change the write makes
(creating, writing, flushing, renaming, linking, deleting) and sends itself SIGKILL just before
change number STEP; with a STEP beyond the last, it completes and prints how many changes it made.
The outputs are :func:`contents` of LABEL, so the caller knows what a complete folder holds.
"""

from __future__ import annotations

import io
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: the file-system calls that change something, wrapped to count them
_CHANGES = ("mkdir", "rename", "replace", "symlink", "unlink", "rmdir", "fsync", "chmod", "ftruncate", "pwrite")


def contents(label: str) -> dict[str, str]:
    """The files of the build folder labelled *label*: top-level files and one in a subfolder."""
    return {"dataset.trig": f"<a> <b> <{label}> .\n" * 2000, "graph.nt": f"{label}\n",
            "store/data.bin": f"store of {label}\n"}


def main(out: Path, kill_at: int, label: str) -> None:
    from kg.outputs import write_atomically

    count = 0

    def before_change() -> None:
        nonlocal count
        count += 1
        if count == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    def counted(function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            before_change()
            return function(*args, **kwargs)
        return wrapper

    for name in _CHANGES:
        setattr(os, name, counted(getattr(os, name)))
    real_open = io.open

    def open_counted(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if any(flag in mode for flag in "wax+"):
            before_change()
        return real_open(file, mode, *args, **kwargs)

    io.open = open_counted  # type: ignore[assignment]

    files = contents(label)

    def store(folder: Path) -> None:  # the extra content, written through the callback
        (folder / "store").mkdir()
        (folder / "store" / "data.bin").write_text(files["store/data.bin"], encoding="utf-8")

    write_atomically(out, {k: v for k, v in files.items() if "/" not in k}, extra=store)
    print(count)


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
