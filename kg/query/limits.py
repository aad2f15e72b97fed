"""The limits every query runs under, whoever sends it (the endpoint, the pages, ``kg query``)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

#: configuration key -> default; the keys are those of :func:`kg.server.create_app`
DEFAULTS: dict[str, Any] = {
    #: seconds a query may take, parsing and serialising included (answer: 503)
    "QUERY_TIMEOUT": 10.0,
    #: megabytes a query process may grow by while it answers one query (answer: 503)
    "QUERY_MEMORY_MB": 1024,
    #: rows (SELECT) or triples (CONSTRUCT/DESCRIBE) a result may have; a bigger one is an error
    "MAX_ROWS": 10_000,
    #: bytes a serialised result may have; a bigger one is an error
    "MAX_RESULT_BYTES": 16 * 1024 * 1024,
    #: query processes per server process (0: one per CPU core)
    "QUERY_WORKERS": 0,
    #: seconds a request waits for a free query process before it is answered 503
    "QUERY_QUEUE_TIMEOUT": 10.0,
}


@dataclass(frozen=True)
class Limits:
    """The values of :data:`DEFAULTS` for one engine."""

    timeout: float = DEFAULTS["QUERY_TIMEOUT"]
    memory_mb: int = DEFAULTS["QUERY_MEMORY_MB"]
    max_rows: int = DEFAULTS["MAX_ROWS"]
    max_bytes: int = DEFAULTS["MAX_RESULT_BYTES"]
    workers: int = 2
    queue_timeout: float = DEFAULTS["QUERY_QUEUE_TIMEOUT"]

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        """Read the limits from a configuration mapping, falling back on :data:`DEFAULTS`."""
        def get(key: str) -> Any:
            value = config.get(key)
            return DEFAULTS[key] if value is None else value

        workers = int(get("QUERY_WORKERS")) or (os.cpu_count() or 2)
        return cls(timeout=float(get("QUERY_TIMEOUT")), memory_mb=int(get("QUERY_MEMORY_MB")),
                   max_rows=int(get("MAX_ROWS")), max_bytes=int(get("MAX_RESULT_BYTES")),
                   workers=workers, queue_timeout=float(get("QUERY_QUEUE_TIMEOUT")))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
