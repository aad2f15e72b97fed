"""``kg draft``: read an article, draft its annotation and write it atomically."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from kg.draft.drafter import Draft, Drafter, article_id_of, read_article
from kg.draft.labels import LabelIndex
from kg.draft.nlp import Models
from kg.draft.writer import dump, to_yaml, write_atomic
from kg.errors import InputError


def draft_text(models: Models, index: LabelIndex, text: str, article_id: str, text_name: str) -> tuple[Draft, str]:
    """Draft *text* and return the proposals and the annotation file's text."""
    result = Drafter(models, index).draft(text, article_id, text_name)
    return result, dump(to_yaml(result, index))


def summary(result: Draft, out: Path, yaml_text: str) -> str:
    """One line saying what the draft holds."""
    linked = sum(e.linked for e in result.entities)
    return (f"wrote {out}: {len(result.entities)} entities ({linked} linked to existing nodes, "
            f"{len(result.entities) - linked} new), {len(result.figures)} figures, {len(result.periods)} new periods, "
            f"{len(result.claims)} claims; {yaml_text.count('draft: ')} proposals to confirm")


def draft_file(article: Path, out: Path | None, data_dirs: Sequence[Path], force: bool = False,
               models: Models | None = None) -> str:
    """Draft the annotation of *article* into *out* (default ``<id>.yaml`` beside it).

    The text is checked before the models load; nothing is written unless the draft succeeds.

    :raises InputError: for an unreadable, empty, non-Russian or non-UTF-8 article, or an
        existing *out* without *force*
    """
    text = read_article(article)
    article_id = article_id_of(article)
    out = out or article.parent / f"{article_id}.yaml"
    if out.exists() and not force:
        raise InputError("the annotation file exists already: pass --force to replace it or --out for another "
                         "file", out)
    models = models or Models()
    index = LabelIndex.from_dirs(models, data_dirs, skip=out)
    text_name = os.path.relpath(article.resolve(), out.resolve().parent)
    result, yaml_text = draft_text(models, index, text, article_id, text_name)
    write_atomic(out, yaml_text)
    return summary(result, out, yaml_text)
