"""``kg review``: decisions applied to the file (comments and order kept), the page, and a real browser."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from draft_fixtures import DRAFT_DATA, GRAPH_DIRS
from playwright.sync_api import expect, sync_playwright

from kg.draft import edits
from kg.draft.labels import LabelIndex
from kg.draft.markers import unconfirmed
from kg.draft.nlp import Models
from kg.draft.review import create_review_app, open_review, start
from kg.draft.run import draft_file
from kg.errors import InputError
from kg.yamlsource import load_yaml

ANKARA = DRAFT_DATA / "articles" / "2026-01-15-fixture-ankara.ru.txt"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory, draft_models: Models) -> str:
    folder = tmp_path_factory.mktemp("drafted")
    shutil.copy(ANKARA, folder / ANKARA.name)
    draft_file(folder / ANKARA.name, None, GRAPH_DIRS, models=draft_models)
    return (folder / "2026-01-15-fixture-ankara.yaml").read_text(encoding="utf-8")


@pytest.fixture
def annotation(tmp_path: Path, drafted: str) -> Path:
    shutil.copy(ANKARA, tmp_path / ANKARA.name)
    path = tmp_path / "2026-01-15-fixture-ankara.yaml"
    path.write_text(drafted, encoding="utf-8")
    return path


def claim_with(data: dict, fragment: str) -> tuple[str, dict]:
    return next((k, c) for k, c in data["claims"].items() if fragment in c["quote"])


def test_accept_and_edit_keep_comments_and_order(annotation: Path):
    doc = edits.load(annotation)
    claim_id, _ = claim_with(doc, "По словам Фидана")
    figure_id = next(k for k, n in doc["nodes"].items() if n["type"] == "Observation" and "dip:maxValue" in n
                     and "dip:minValue" not in n)
    left = edits.apply(doc, [
        {"path": ["article"], "action": "accept"},
        {"path": ["mentions", "erdogan", 1], "action": "accept"},
        {"path": ["claims", claim_id], "action": "edit",
         "values": {"modality": "expected", "statement": "Fidan said the sides may sign a transit agreement.",
                    "attribution": "khakan-fidan, erdogan"}},
        {"path": ["nodes", figure_id], "action": "edit", "values": {"bound": "Approximate", "value": "1200",
                                                                    "maxValue": ""}},
    ])
    edits.save(annotation, doc)
    text = annotation.read_text(encoding="utf-8")
    assert text.startswith("# Draft annotation written by `kg draft`")
    data = load_yaml(annotation).data
    assert list(data) == ["article", "nodes", "mentions", "claims"]
    assert "draft" not in data["article"] and "draft" not in data["mentions"]["erdogan"][1]
    assert "draft" in data["mentions"]["erdogan"][0]
    claim = data["claims"][claim_id]
    assert (claim["modality"], claim["attribution"]["by"]) == ("expected", ["khakan-fidan", "erdogan"])
    assert claim["statement"].startswith("Fidan said")
    figure = data["nodes"][figure_id]
    assert (figure["dip:bound"], figure["dip:value"], "dip:maxValue" in figure) == ("dip:Approximate", 1200, False)
    assert left == len(unconfirmed(load_yaml(annotation))) and left > 10


def test_reject_and_relink_update_every_reference(annotation: Path):
    doc = edits.load(annotation)
    before = len(doc["mentions"]["turkmenistan"])
    edits.apply(doc, [
        {"path": ["nodes", "ria-novosti"], "action": "reject"},
        {"path": ["nodes", "serdar-berdymukhamedov"], "action": "edit", "values": {"link": "turkmenistan"}},
        {"path": ["mentions", "ashgabat", 0], "action": "reject"},
    ])
    edits.save(annotation, doc)
    data = load_yaml(annotation).data
    assert "ria-novosti" not in data["nodes"] and "reliesOn" not in data["article"]
    assert "ashgabat" not in data["mentions"]
    assert len(data["mentions"]["turkmenistan"]) == before + 1
    about = [ref for c in data["claims"].values() for ref in c.get("about", [])]
    assert "serdar-berdymukhamedov" not in about and "ria-novosti" not in about


def test_accepting_everything_leaves_nothing_to_confirm(annotation: Path, draft_index: LabelIndex):
    review = open_review(annotation, draft_index)
    doc = edits.load(annotation)
    claims = len(doc["claims"])
    left = edits.apply(doc, [{"path": p.path, "action": "accept"} for p in review.proposals()])
    edits.save(annotation, doc)
    placeholders = unconfirmed(load_yaml(annotation))
    assert left == len(placeholders) == claims + 1  # every statement and the title are still to write
    assert all(path[-1] in ("statement", "en") for path, _ in placeholders)
    assert [p.kind for p in review.proposals()] == ["article"] + ["claim"] * claims
    doc = edits.load(annotation)
    decisions = [{"path": p.path, "action": "edit", "values": {"statement": "Said.", "title": "A title"}}
                 for p in review.proposals()]
    assert edits.apply(doc, decisions) == 0
    edits.save(annotation, doc)
    assert unconfirmed(load_yaml(annotation)) == []
    assert load_yaml(annotation).data["article"]["title"] == {"en": "A title"}


def test_rejecting_a_claim_drops_the_figures_only_it_supports(annotation: Path):
    doc = edits.load(annotation)
    claim_id, claim = claim_with(doc, "превысил $2 млрд")
    (figure,) = claim["supports"]
    edits.apply(doc, [{"path": ["claims", claim_id], "action": "reject"}])
    assert claim_id not in doc["claims"] and figure not in doc["nodes"]


@pytest.mark.parametrize("decision", [
    {"path": ["claims", "nope"], "action": "accept"},
    {"path": ["article"], "action": "delete"},
])
def test_bad_decisions_are_refused_and_nothing_is_written(annotation: Path, draft_index: LabelIndex, decision: dict):
    before = annotation.read_bytes()
    client = create_review_app(open_review(annotation, draft_index)).test_client()
    reply = client.post("/save", json={"decisions": [decision]})
    assert reply.status_code == 400 and reply.get_json()["error"]
    assert client.post("/save", data="nonsense").status_code == 400
    assert annotation.read_bytes() == before


def test_page_shows_every_proposal_in_place(annotation: Path, draft_index: LabelIndex):
    client = create_review_app(open_review(annotation, draft_index)).test_client()
    page = client.get("/").get_data(as_text=True)
    items = client.get("/proposals").get_json()
    assert page.count('class="card') == len(items) == len(unconfirmed(load_yaml(annotation)))
    assert {i["kind"] for i in items} == {"article", "link", "node", "period", "figure", "claim"}
    assert '<mark class="link" data-proposal="' in page and '<mark class="figure"' in page
    erdogan = next(i for i in items if i["kind"] == "link" and i["title"] == "Эрдоганом")
    assert erdogan["candidates"][0]["id"] == "erdogan"
    assert page.count("<mark") >= len([i for i in items if i["kind"] in ("link", "figure", "node")])


def test_missing_annotation_is_a_clear_error(tmp_path: Path, draft_index: LabelIndex):
    with pytest.raises(InputError, match="run `kg draft` on the article first"):
        open_review(tmp_path / "2026-01-15-none.ru.txt", draft_index)


@pytest.mark.browser
def test_review_in_a_headless_browser(annotation: Path, draft_index: LabelIndex):
    server = start(open_review(annotation, draft_index))
    url = f"http://127.0.0.1:{server.server_port}/"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(15_000)
            page.goto(url)
            expect(page.locator("h1")).to_contain_text("2026-01-15-fixture-ankara.yaml")
            mark = page.locator("#text mark.link", has_text="Эрдоганом")
            mark.click()
            card = page.locator(".card.selected")
            expect(card).to_contain_text("link to erdogan")
            card.locator("button[data-action=accept]").click()
            claim = page.locator(".card.claim", has_text="По словам")
            claim.locator("select[name=modality]").select_option("expected")
            claim.locator("input[name=statement]").fill("Fidan said the sides may sign a transit agreement.")
            claim.locator("button[data-action=edit]").click()
            page.locator(".card.node", has_text="ria-novosti").locator("button[data-action=reject]").click()
            page.locator("#save").click()
            expect(page.locator("#status")).to_contain_text("Saved")
            page.screenshot(path="/tmp/diplomacy-kg-review.png", full_page=False)
            page.wait_for_function("document.querySelector('#status').textContent === ''")  # reloaded
            expect(page.locator(".card")).to_have_count(len(unconfirmed(load_yaml(annotation))))
            page.locator("#accept-rest").click()
            page.locator("#save").click()
            expect(page.locator("#status")).to_contain_text("proposals left")
            page.wait_for_function("document.querySelector('#status').textContent === ''")  # reloaded
            cards = page.locator(".card")
            expect(cards).to_have_count(len(unconfirmed(load_yaml(annotation))))
            cards.first.locator("input[name=title]").fill("Erdoğan meets Berdimuhamedov")
            for n in range(1, cards.count()):
                cards.nth(n).locator("input[name=statement]").fill(f"Statement {n}.")
            page.locator("#accept-rest").click()
            page.locator("#save").click()
            expect(page.locator("#status")).to_contain_text(": 0 proposals left")
            browser.close()
    finally:
        server.shutdown()
    assert unconfirmed(load_yaml(annotation)) == []
    data = load_yaml(annotation).data
    erdogan = next(i for i in data["mentions"]["erdogan"] if i["quote"] == "Эрдоганом")
    assert "draft" not in erdogan
    _, claim_data = claim_with(data, "По словам Фидана")
    assert claim_data["modality"] == "expected" and "draft" not in claim_data
    assert "ria-novosti" not in data["nodes"]
    assert annotation.read_text(encoding="utf-8").startswith("# Draft annotation")


def test_review_command_names_a_missing_file(tmp_path: Path):
    from click.testing import CliRunner

    from kg.cli import main

    result = CliRunner().invoke(main, ["review", str(tmp_path / "2026-01-15-none.yaml")])
    assert result.exit_code == 2
    assert "2026-01-15-none.yaml" in result.output and "run `kg draft` on the article first" in result.output
