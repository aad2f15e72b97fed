"""Inputs that could cost unbounded memory or give ambiguous offsets are refused with file and line.

YAML anchors and aliases (a few kilobytes of aliases stand for gigabytes of values), deep nesting,
oversized annotation files, and article texts with a byte-order mark, CR line ends or text not
in Unicode NFC.
"""

from __future__ import annotations

import hashlib
import os
import resource
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from build_fixture import ARTICLE, environment
from click.testing import CliRunner, Result
from rdflib import Literal

from kg.build import load_rdf
from kg.cli import main
from kg.iris import DIP
from kg.yamlsource import MAX_DEPTH, MAX_FILE_BYTES

#: nine levels of nine aliases: 9**9 strings once expanded, from well under a kilobyte
LAUGHS = "nodes:\n  lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"  lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9)
)


def kg_build(tmp_path: Path) -> Result:
    return CliRunner().invoke(main, ["build"], env=environment(tmp_path), catch_exceptions=False)


def articles(tmp_path: Path) -> Path:
    environment(tmp_path)  # copies the fixture articles
    return tmp_path / "articles"


def line_of(text: str, snippet: str) -> int:
    return text[: text.index(snippet)].count("\n") + 1


def edit_annotations(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    path = articles(tmp_path) / f"{ARTICLE}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return path, text


@pytest.mark.parametrize(("old", "new", "snippet", "message"), [
    ("rdfs:label: {ru: Россия, en: Russia}", "rdfs:label: &russia {ru: Россия, en: Russia}", "&russia",
     "the anchor &russia is not accepted"),
    ("  baku:\n    type: City\n    rdfs:label: {ru: Баку, en: Baku}",
     "  baku:\n    type: City\n    rdfs:label: *russia", "*russia", "the alias *russia is not accepted"),
], ids=["anchor", "alias"])
def test_anchors_and_aliases_are_refused_with_their_line(tmp_path: Path, old: str, new: str, snippet: str,
                                                         message: str) -> None:
    path, text = edit_annotations(tmp_path, old, new)
    result = kg_build(tmp_path)
    assert result.exit_code == 2
    assert f"Error: {path}:{line_of(text, snippet)}: {message}" in result.stderr
    assert "write the value out in full" in result.stderr


def test_an_alias_bomb_is_refused_at_once_under_a_memory_limit(tmp_path: Path) -> None:
    bomb = articles(tmp_path) / "laughs.yaml"
    bomb.write_text(LAUGHS, encoding="utf-8")
    assert bomb.stat().st_size < 1024

    def one_gib() -> None:  # 9**9 expanded values need several GiB
        resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))

    done = subprocess.run([sys.executable, "-m", "kg", "build"], env={**os.environ, **environment(tmp_path)},
                          preexec_fn=one_gib, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 2, done.stderr
    assert f"{bomb}:2: the anchor &l0 is not accepted" in done.stderr
    assert not (tmp_path / "build").exists()


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    nested = "{ru: Баку, en: Baku}"
    for _ in range(MAX_DEPTH):
        nested = f"[{nested}]"
    path, text = edit_annotations(tmp_path, "{ru: Баку, en: Baku}", nested)
    result = kg_build(tmp_path)
    assert result.exit_code == 2
    assert f"{path}:{line_of(text, '[[[')}: the values are nested more than {MAX_DEPTH} levels deep" in result.stderr


def test_an_oversized_annotation_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = articles(tmp_path) / "big.yaml"
    with big.open("wb") as out:
        out.truncate(MAX_FILE_BYTES + 1)  # sparse: no time or disk spent
    result = kg_build(tmp_path)
    assert result.exit_code == 2
    assert f"{big}: the file has {MAX_FILE_BYTES + 1} bytes" in result.stderr and "split it" in result.stderr


def write_text_file(tmp_path: Path, data: bytes) -> Path:
    path = articles(tmp_path) / f"{ARTICLE}.ru.txt"
    path.write_bytes(data)
    return path


def first_line(tmp_path: Path) -> str:
    path = articles(tmp_path) / f"{ARTICLE}.ru.txt"
    return path.read_text(encoding="utf-8").rstrip("\n")


@pytest.mark.parametrize(("make", "line", "message"), [
    (lambda first: b"\xef\xbb\xbf" + first.encode() + b"\n", 1, "the text starts with a byte-order mark (BOM)"),
    (lambda first: (first + "\r\nВторой абзац.\r\n").encode(), 1, "the text has CR or CRLF line ends"),
    (lambda first: (first + "\nВторой абзац.\rТретий.\n").encode(), 2, "the text has CR or CRLF line ends"),
    # column 3: the letter и that the combining breve (column 4) should be composed with
    (lambda first: (first + "\nМои\u0306 абзац.\n").encode(), 2, "column 3: the text is not in Unicode NFC"),
    (lambda first: first.encode() + b"\n\xff\n", 2, "the text is not valid UTF-8"),
], ids=["bom", "crlf", "lone-cr", "nfd", "not-utf8"])
def test_ambiguous_texts_are_refused_naming_the_text_and_line(tmp_path: Path, make, line: int,  # type: ignore[no-untyped-def]
                                                              message: str) -> None:
    path = write_text_file(tmp_path, make(first_line(tmp_path)))
    result = kg_build(tmp_path)
    assert result.exit_code == 2, result.output
    assert f"Error: {path}:{line}: {message}" in result.stderr
    assert not (tmp_path / "build").exists()


def test_an_nfc_text_with_lf_builds_with_the_sha256_of_its_bytes(tmp_path: Path) -> None:
    text = first_line(tmp_path) + "\nМой абзац.\n"
    assert unicodedata.is_normalized("NFC", text)
    path = write_text_file(tmp_path, text.encode("utf-8"))
    result = kg_build(tmp_path)
    assert result.exit_code == 0, result.stderr
    union = load_rdf(tmp_path / "build" / "dataset.trig")
    assert hashlib.sha256(path.read_bytes()).hexdigest() in {str(o) for o in union.objects(None, DIP.sha256)}
    assert set(union.objects(None, DIP.text)) == {Literal(text)}
