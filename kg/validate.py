"""``kg validate``: check any RDF files against the ontology (OWL RL consistency) and the shapes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rdflib import Graph

from kg import paths
from kg.build import check, load_ontology, load_rdf, load_shapes
from kg.shacl import ShaclReport


def validate_files(files: Sequence[Path], config: Mapping[str, Any] | None = None) -> ShaclReport:
    """Read *files* (format from the extension) as one graph, close it under OWL RL and validate it.

    :param config: where the ontology and shapes are (keys of :mod:`kg.paths`)
    :raises InputError: when a file cannot be read or parsed (exit code 2)
    :raises DataError: when the data is inconsistent with the ontology (exit code 1)
    """
    ontology = load_ontology(paths.ontology_file(config))
    shapes_dir = paths.shapes_dir(config)
    shapes = load_shapes(shapes_dir)
    data = Graph()
    for path in files:
        data += load_rdf(Path(path))
    return check(ontology, shapes, [data], shapes_dir)[1]
