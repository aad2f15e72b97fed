"""``kg review``: a local page (127.0.0.1 only) to accept, reject or edit the proposals of a draft.

The page is its own small Flask app, never part of the read-only endpoint. Saving applies the
decisions to the annotation file with ruamel.yaml (comments and order kept) and writes it atomically.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, abort, jsonify, render_template, request
from markupsafe import Markup
from werkzeug.serving import BaseWSGIServer, make_server

from kg.draft import edits
from kg.draft.drafter import read_article
from kg.draft.labels import LabelIndex
from kg.draft.nlp import Models
from kg.draft.proposals import Proposal, proposals
from kg.errors import InputError

HOST = "127.0.0.1"
HERE = Path(__file__).resolve().parent


@dataclass
class Review:
    """The file under review, its article text and the label index that offers nodes."""

    path: Path
    text: str
    index: LabelIndex

    def proposals(self) -> list[Proposal]:
        return proposals(edits.load(self.path), self.text, self.index)


def annotation_path(path: Path) -> Path:
    """The annotation file for *path*: itself if ``.yaml``, else ``<id>.yaml`` beside the text."""
    if path.suffix == ".yaml":
        return path
    return path.parent / f"{path.name.split('.')[0]}.yaml"


def read_target(path: Path) -> tuple[Path, str]:
    """The annotation file for *path* and its article text.

    :raises InputError: if either cannot be read
    """
    path = annotation_path(path)
    if not path.is_file():
        raise InputError("no annotation file to review: run `kg draft` on the article first", path)
    doc = edits.load(path)
    text_name = (doc.get("article") or {}).get("text")
    if not text_name:
        raise InputError("article.text is missing: the review needs the article text", path)
    return path, read_article(path.parent / str(text_name))


def open_review(path: Path, index: LabelIndex) -> Review:
    """Check the annotation file and its article text and return the review state.

    :raises InputError: if either cannot be read
    """
    return Review(*read_target(path), index)


def marked_text(text: str, items: list[Proposal]) -> Markup:
    """The article as HTML: claims as outer spans, names, figures and periods as inner marks."""
    outer = sorted((s, e, n) for n, p in enumerate(items) if p.kind == "claim" for s, e in p.spans[:1])
    inner: list[tuple[int, int, int]] = []
    for n, p in enumerate(items):
        for s, e in p.spans if p.kind != "claim" else []:
            crosses = any(s < ce and e > cs and not (cs <= s and e <= ce) for cs, ce, _ in outer)
            if not crosses and not any(s < ie and e > is_ for is_, ie, _ in inner):
                inner.append((s, e, n))
    events: list[tuple[int, int, str]] = []
    for s, e, n in outer:
        events += [(s, 1, f'<span class="claim" data-proposal="{n}">'), (e, 0, "</span>")]
    for s, e, n in inner:
        events += [(s, 2, f'<mark class="{items[n].kind}" data-proposal="{n}">'), (e, -1, "</mark>")]
    out, at = [], 0
    for pos, _, tag in sorted(events, key=lambda ev: (ev[0], ev[1])):
        out.append(html.escape(text[at:pos]))
        out.append(tag)
        at = pos
    out.append(html.escape(text[at:]))
    return Markup("".join(out))


def create_review_app(review: Review) -> Flask:
    """The review app for one annotation file."""
    app = Flask(__name__, template_folder=str(HERE / "templates"), static_folder=str(HERE / "static"))
    app.extensions["review"] = review

    @app.get("/")
    def page() -> str:
        items = review.proposals()
        return render_template("review.html", path=review.path.name, text=marked_text(review.text, items),
                               items=[p.as_json() for p in items], modalities=edits.MODALITIES,
                               bounds=edits.BOUNDS)

    @app.get("/proposals")
    def listing() -> Any:
        return jsonify([p.as_json() for p in review.proposals()])

    @app.post("/save")
    def save() -> Any:
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("decisions"), list):
            abort(400, "send {\"decisions\": [{\"path\": [...], \"action\": \"accept|reject|edit\"}]}")
        doc = edits.load(review.path)
        try:
            left = edits.apply(doc, body["decisions"])
        except (ValueError, KeyError, TypeError) as exc:
            return jsonify({"error": str(exc)}), 400
        edits.save(review.path, doc)
        return jsonify({"written": str(review.path), "unconfirmed": left})

    return app


def start(review: Review, port: int = 0) -> BaseWSGIServer:
    """Serve the review app on 127.0.0.1 in a background thread; the server knows its port."""
    server = make_server(HOST, port, create_review_app(review), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def serve_review(path: Path, port: int, data_dirs: Sequence[Path], echo: Callable[[str], None]) -> None:
    """Serve the review page of *path* until interrupted, printing its address."""
    target, text = read_target(path)  # before the models load: a bad path fails at once
    review = Review(target, text, LabelIndex.from_dirs(Models(), data_dirs, skip=target))
    server = make_server(HOST, port, create_review_app(review), threaded=True)
    echo(f"Reviewing {review.path} on http://{HOST}:{server.server_port}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
