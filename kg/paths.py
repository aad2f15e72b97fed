"""The one place that locates the project's data folders.

Each location is looked up in order: an explicit config mapping key, then a ``KG_``
environment variable, then a default relative to the project root (the folder that
holds ``kg/``). The data folders are not package data: run from a clone (``pip install -e .``)
or point ``KG_HOME`` at a checkout.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: config key -> (environment variable, default relative to the home folder)
_LOCATIONS: dict[str, tuple[str, str]] = {
    "ONTOLOGY": ("KG_ONTOLOGY", "ontology/diplomacy.ttl"),
    "SHAPES_DIR": ("KG_SHAPES_DIR", "shapes"),
    "QUERIES_DIR": ("KG_QUERIES_DIR", "queries"),
    "DATA_DIR": ("KG_DATA_DIR", "data/articles"),
    "SCHEMA": ("KG_SCHEMA", "schemas/annotations.schema.json"),
    "DATASET": ("KG_DATASET", "data/dataset.ttl"),
    "RULES_DIR": ("KG_RULES_DIR", "rules"),
    "BUILD_DIR": ("KG_BUILD_DIR", "build"),
    "STATIC_DIR": ("KG_STATIC_DIR", "kg/web/static"),
}


def home(config: Mapping[str, Any] | None = None) -> Path:
    """Return the project home: config ``HOME``, then ``KG_HOME``, then the checkout root."""
    if config and config.get("HOME"):
        return Path(config["HOME"])
    return Path(os.environ.get("KG_HOME") or PROJECT_ROOT)


def locate(key: str, config: Mapping[str, Any] | None = None) -> Path:
    """Return the path configured for *key* (one of ``ONTOLOGY``, ``SHAPES_DIR`` …)."""
    env_name, default = _LOCATIONS[key]
    if config and config.get(key):
        return Path(config[key])
    if os.environ.get(env_name):
        return Path(os.environ[env_name])
    return home(config) / default


def ontology_file(config: Mapping[str, Any] | None = None) -> Path:
    return locate("ONTOLOGY", config)


def shapes_dir(config: Mapping[str, Any] | None = None) -> Path:
    return locate("SHAPES_DIR", config)


def queries_dir(config: Mapping[str, Any] | None = None) -> Path:
    return locate("QUERIES_DIR", config)


def data_dir(config: Mapping[str, Any] | None = None) -> Path:
    return locate("DATA_DIR", config)


def schema_file(config: Mapping[str, Any] | None = None) -> Path:
    return locate("SCHEMA", config)


def build_dir(config: Mapping[str, Any] | None = None) -> Path:
    return locate("BUILD_DIR", config)
