"""The package's layers: serving never loads the build pipeline, query processes load neither rdflib nor Flask."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

BUILD_SIDE = ["pyshacl", "owlrl", "kg.build", "kg.annotations", "kg.reasoning", "kg.shacl", "kg.validate"]


def loaded_after(module: str, candidates: list[str]) -> list[str]:
    """Which of *candidates* a fresh interpreter has loaded once it imports *module*."""
    code = f"import sys, {module}; print(__import__('json').dumps([m for m in {candidates!r} if m in sys.modules]))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("module", ["kg.server", "kg.web.protocol", "kg.web.linked_data", "kg.web.pages"])
def test_the_web_layer_does_not_load_the_build_pipeline(module):
    assert loaded_after(module, BUILD_SIDE) == []


def test_a_query_process_loads_only_the_query_layer():
    assert loaded_after("kg.query.worker", ["rdflib", "flask", "werkzeug", "kg.web", *BUILD_SIDE]) == []
