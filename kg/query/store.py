"""The persistent Oxigraph store: written by ``kg build``, or loaded from RDF files by ``kg serve --data``.

A store is a folder (RocksDB) that the query processes open read-only. ``kg build`` writes it as
``store/`` in the build folder, inside the temporary folder that is swapped in with the other
outputs; ``kg serve --data FILE...`` loads the files into a fresh temporary folder.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import InputError

#: the store's folder inside a build folder
STORE_DIR = "store"
#: file extension -> RDF format read by ``--data``
DATA_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".turtle": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG,
                ".nt": ox.RdfFormat.N_TRIPLES, ".ntriples": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
                ".nquads": ox.RdfFormat.N_QUADS}
_COUNT_NAMED = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_COUNT_DEFAULT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def write_store(folder: Path, trig: str) -> None:
    """Write the dataset *trig* (TriG text) as a new store in *folder*."""
    store = ox.Store(str(folder))
    store.bulk_load(trig.encode("utf-8"), format=ox.RdfFormat.TRIG)
    store.optimize()
    store.flush()
    del store


def data_format(path: Path) -> ox.RdfFormat:
    """The RDF format of a ``--data`` file, by its extension.

    :raises InputError: for an extension that names no format we read
    """
    try:
        return DATA_FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(DATA_FORMATS))
        raise InputError(f"cannot tell the RDF format from the extension; use one of {known}", path) from None


def load_files(files: Sequence[Path]) -> Path:
    """Load RDF *files* into a new temporary store and return its folder (deleted at exit).

    Triples of Turtle and N-Triples files go to the default graph; quads of TriG and N-Quads
    keep their graph.

    :raises InputError: naming the file (and the position the parser gives) that cannot be read
    """
    folder = Path(tempfile.mkdtemp(prefix="kg-store-"))
    owner = os.getpid()

    def remove() -> None:
        if os.getpid() == owner:
            shutil.rmtree(folder, ignore_errors=True)

    atexit.register(remove)
    store = ox.Store(str(folder))
    for path in files:
        fmt = data_format(path)
        try:
            store.bulk_load(path=str(path), format=fmt)
        except FileNotFoundError:
            raise InputError("file not found", path) from None
        except SyntaxError as exc:
            raise InputError(f"cannot parse as {fmt.name}: {exc}", path) from None
        except OSError as exc:
            raise InputError(f"cannot read the file: {exc}", path) from None
    store.flush()
    del store
    return folder


def graph_counts(folder: Path) -> dict[str, int]:
    """Triples per graph of the store in *folder*: each named graph by IRI, the default graph as ``""``.

    :raises InputError: when there is no store there
    """
    if not (folder / "CURRENT").is_file():
        raise InputError("the store is missing: run `kg build` (or serve RDF files with --data)", folder)
    store = ox.Store.read_only(str(folder))
    named: Any = store.query(_COUNT_NAMED)
    counts = {str(row["g"].value): int(row["n"].value) for row in named}
    total: Any = store.query(_COUNT_DEFAULT)
    default = next(iter(total))["n"]
    if default is not None and int(default.value):
        counts[""] = int(default.value)
    del store
    return counts
