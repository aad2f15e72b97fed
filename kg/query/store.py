"""The persistent Oxigraph store: written by ``kg build``, or loaded from RDF files by ``kg serve --data``.

A store is a folder (RocksDB) that the query processes open read-only. ``kg build`` writes it as
``store/`` in the build folder, inside the temporary folder that is swapped in with the other
outputs; ``kg serve --data FILE...`` loads the files into a fresh temporary folder.

The server process never opens a store itself: RocksDB starts threads that a forked web worker
would not have, and it aborts at exit when it finds them gone. Writing, loading and counting
therefore run in a child process (``python -m kg.query.store``), like the queries.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kg.errors import InputError

#: the store's folder inside a build folder
STORE_DIR = "store"
#: a file in a store folder saying that its default graph holds the union of its named graphs,
#: as a set: Oxigraph's union of graphs at query time repeats a triple once per graph holding it
#: (a fact that three claims assert would be three rows), so a build stores the union itself
UNION_MARKER = "default-graph-is-union"
#: file extension -> name of the RDF format read by ``--data``
DATA_FORMATS = {".ttl": "TURTLE", ".turtle": "TURTLE", ".trig": "TRIG", ".nt": "N_TRIPLES", ".ntriples": "N_TRIPLES",
                ".nq": "N_QUADS", ".nquads": "N_QUADS"}
_COUNT_NAMED = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_COUNT_DEFAULT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


def is_store(path: Path) -> bool:
    """Whether *path* is the folder of an Oxigraph (RocksDB) store."""
    return path.is_dir() and (path / "CURRENT").is_file()


def data_format(path: Path) -> str:
    """The name of the RDF format of a ``--data`` file, by its extension.

    :raises InputError: for an extension that names no format we read
    """
    try:
        return DATA_FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(DATA_FORMATS))
        raise InputError(f"cannot tell the RDF format from the extension; use one of {known}", path) from None


def _child(*args: str) -> Any:
    """Run ``python -m kg.query.store ARGS`` and return the JSON it prints.

    :raises InputError: with the child's message (``path\\tmessage`` on its standard error)
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (_PACKAGE_ROOT, os.environ.get("PYTHONPATH")) if p)}
    done = subprocess.run([sys.executable, "-m", "kg.query.store", *args], capture_output=True, text=True,
                          env=env, check=False)
    if done.returncode != 0:
        path, _, message = done.stderr.strip().rpartition("\n")[-1].partition("\t")
        raise InputError(message or done.stderr.strip()[-500:] or f"exit code {done.returncode}", path or None)
    return json.loads(done.stdout)


def write_store(folder: Path, trig: Path, union: Path | None = None) -> None:
    """Write the dataset of the TriG file *trig* as a new store in *folder*.

    :param union: an N-Triples file of the union of the named graphs, stored as the default graph
        (see :data:`UNION_MARKER`)
    """
    _child("write", str(folder), str(trig), *([str(union)] if union else []))


def has_union(folder: Path) -> bool:
    """Whether the store in *folder* holds the union of its graphs as its default graph."""
    return (folder / UNION_MARKER).is_file()


def load_files(files: Sequence[Path]) -> Path:
    """Load RDF *files* into a new temporary store and return its folder (deleted at exit).

    Triples of Turtle and N-Triples files go to the default graph; quads of TriG and N-Quads
    keep their graph.

    :raises InputError: naming the file (and the position the parser gives) that cannot be read
    """
    for path in files:
        data_format(path)
    folder = Path(tempfile.mkdtemp(prefix="kg-store-"))
    owner = os.getpid()

    def remove() -> None:
        if os.getpid() == owner:
            shutil.rmtree(folder, ignore_errors=True)

    atexit.register(remove)
    _child("load", str(folder), *(str(p) for p in files))
    return folder


def graph_counts(folder: Path) -> dict[str, int]:
    """Triples per graph of the store in *folder*: each named graph by IRI, the default graph as ``""``.

    :raises InputError: when there is no store there
    """
    if not is_store(folder):
        raise InputError("the store is missing: run `kg build` (or serve RDF files with --data)", folder)
    counts: dict[str, int] = _child("count", str(folder))
    return counts


def _main(argv: list[str]) -> None:
    """The child: ``write FOLDER TRIG``, ``load FOLDER FILE...`` or ``count FOLDER``; prints JSON."""
    import pyoxigraph as ox

    command, folder, *files = argv
    if command == "count":
        store = ox.Store.read_only(folder)
        named: Any = store.query(_COUNT_NAMED)
        counts = {str(row["g"].value): int(row["n"].value) for row in named}
        total: Any = store.query(_COUNT_DEFAULT)
        default = 0 if has_union(Path(folder)) else int(next(iter(total))["n"].value)
        print(json.dumps({**counts, **({"": default} if default else {})}))
        return
    store = ox.Store(folder)
    if command == "write":  # the dataset (TriG), then its union (N-Triples) as the default graph
        files = files[:2]
    for i, name in enumerate(files):
        fmt = getattr(ox.RdfFormat, ("TRIG", "N_TRIPLES")[i] if command == "write" else data_format(Path(name)))
        try:
            store.bulk_load(path=name, format=fmt)
        except FileNotFoundError:
            sys.exit(f"{name}\tfile not found")
        except SyntaxError as exc:
            sys.exit(f"{name}\tcannot parse as {fmt.name}: {exc}")
        except OSError as exc:
            sys.exit(f"{name}\tcannot read the file: {exc}")
    if command == "write":
        store.optimize()
    store.flush()
    if command == "write" and len(files) == 2:
        (Path(folder) / UNION_MARKER).write_text("The default graph holds the union of the named graphs.\n")
    print("null")


if __name__ == "__main__":
    _main(sys.argv[1:])
