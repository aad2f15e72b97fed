"""Content negotiation: the ``Accept`` header with q-values, and the ``format`` parameter that overrides it."""

from __future__ import annotations

from collections.abc import Sequence

from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import BadRequest, NotAcceptable
from werkzeug.http import parse_accept_header

from kg.query.formats import MEDIA_TYPES

#: short names of the ``format`` parameter -> media type
FORMAT_NAMES = {name: m.media for m in MEDIA_TYPES for name in m.names}


def choose(offers: Sequence[str], accept: str | None, fmt: str | None = None) -> str:
    """Return the media type of *offers* to answer with.

    *fmt* (a short name of :data:`FORMAT_NAMES` or a media type) wins over *accept*; without
    either the first offer is the default. Among equally acceptable types the earlier offer wins.

    :raises BadRequest: for a *fmt* that names no known format
    :raises NotAcceptable: when nothing offered is acceptable (the message lists the offers)
    """
    listed = ", ".join(offers)
    if fmt:
        media = FORMAT_NAMES.get(fmt.strip().lower(), fmt.strip().lower())
        if "/" not in media:
            names = ", ".join(sorted(FORMAT_NAMES))
            raise BadRequest(f"unknown format {fmt!r}; use one of {names} or a media type")
        if media not in offers:
            raise NotAcceptable(f"format {fmt!r} is not available here; this answer is available as {listed}")
        return media
    if not accept or not accept.strip():
        return offers[0]
    best = parse_accept_header(accept, MIMEAccept).best_match(offers)
    if best is None:
        raise NotAcceptable(f"no format you accept is available; this answer is available as {listed}")
    return best
