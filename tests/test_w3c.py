"""The W3C SPARQL 1.0 and 1.1 query-evaluation and syntax tests, through the endpoint's executor.

Each test runs on its own tiny in-memory store, through the guard, the engine and the result
writers the endpoint uses (see :mod:`w3c_suite`). ``tests/w3c/known-failures.txt`` lists the
tests that fail and why: a test not listed that fails, or a listed test that passes, fails here.
"""

from __future__ import annotations

import pytest
from w3c_suite import ROOT, Case, cases, run

#: the tests in scope for a read-only endpoint (see tests/w3c/README.md)
IN_SCOPE = 820
#: what Oxigraph's own server passes of them
OXIGRAPH_SERVER_PASSES = 766


def known_failures() -> dict[str, str]:
    lines = (ROOT / "known-failures.txt").read_text(encoding="utf-8").splitlines()
    pairs = [line.split("\t", 1) for line in lines if line.strip() and not line.startswith("#")]
    return {name: reason for name, reason in pairs}


def test_the_scope_and_the_list_of_failures() -> None:
    names = [case.id for case in cases()]
    assert len(names) == IN_SCOPE and len(set(names)) == IN_SCOPE
    failures = known_failures()
    assert set(failures) <= set(names), set(failures) - set(names)
    assert all(reason.strip() for reason in failures.values())
    assert IN_SCOPE - len(failures) >= OXIGRAPH_SERVER_PASSES


@pytest.mark.parametrize("case", cases(), ids=lambda case: case.id)
def test_w3c(case: Case) -> None:
    problem = run(case)
    reason = known_failures().get(case.id)
    if reason is None:
        assert problem is None, problem
    else:
        assert problem is not None, f"{case.id} passes now: remove it from tests/w3c/known-failures.txt"
