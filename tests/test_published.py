"""Published derivations against gradproof (tests/published/, tests/published_matrix/).

Every link of every note has a verdict decided by hand and confirmed by an oracle that does not
use gradproof (``tests/published/oracle_check.py``).  A link gradproof reads must be decided as
expected -- a "holds" where the mathematics says otherwise is a false hold and always an error; a
link it does not read yet is skipped with the reader's message, so this file passes today and
tightens as the reader grows.  ``python bench/corpus.py`` prints the figures.
"""
from __future__ import annotations

import functools
import re

import pytest

from tests.published import oracle_check
from tests.published.harness import FOLDERS, Reading, all_links, expected, match, read_links


def _numbered(links):
    """(folder, name, line, k): the k-th link expected at that line of that note."""
    seen, out = {}, []
    for folder, name, entry in links:
        key = (name, entry["line"])
        out.append((folder, name, entry["line"], seen.get(key, 0)))
        seen[key] = seen.get(key, 0) + 1
    return out


LINKS = _numbered(all_links())

# Links whose reading NOTATION.md does not settle yet (a contract gap, not a reader slip): a
# reader that decides them otherwise than the mathematics is reported as xfail, never as a pass.
# A false hold there is still an error.  Remove an entry once the contract settles it.
CONTRACT_GAPS = {
    ("cs231n_backprop.md", 17): "a block row `f(x,y) = F` redefines an f defined by an earlier block",
    ("cs231n_backprop_slips.md", 17): "a block row `f(x) = F` redefines an f defined by an earlier block",
    ("sunhaozhe_softmax_ce.md", 25): "the condition i = k is stated in the prose line before the block",
    ("sunhaozhe_softmax_ce.md", 29): "the condition i != k is stated in the prose line before the block",
}


@functools.cache
def _reading(folder, name):
    return read_links(folder / name)


def _id(link):
    folder, name, line, k = link
    return f"{name}:{line}" + (f"#{k + 1}" if k else "")


@pytest.mark.parametrize(("folder", "name", "line", "k"), LINKS, ids=[_id(x) for x in LINKS])
def test_link_read_is_decided_as_expected(folder, name, line, k):
    link = [x for x in match(folder, name, expected(folder)[name], _reading(folder, name)) if x.line == line][k]
    if link.got is None:
        pytest.skip(f"not read: {link.reason}")
    assert not link.false_hold, f"FALSE HOLD at {link.id}: expected {link.verdict} ({link.why})"
    if not link.read:
        pytest.skip(f"read, {link.got}")
    if link.got != link.verdict and (name, link.line) in CONTRACT_GAPS:
        pytest.xfail(f"contract gap: {CONTRACT_GAPS[name, link.line]}; gradproof says {link.got}")
    assert link.got == link.verdict, f"{link.id}: gradproof says {link.got}, expected {link.verdict} ({link.why})"


def test_links_pair_by_line_in_order_and_a_false_hold_is_flagged():
    links = [{"line": 3, "verdict": "fails", "why": "w"}, {"line": 3, "verdict": "holds", "why": "w"},
             {"line": 5, "verdict": "holds", "why": "w"}, {"line": 9, "verdict": "holds", "why": "w"}]
    reading = Reading(((3, "holds"), (3, "holds"), (7, "fails")), {4: "cannot read this block"})
    got = match(FOLDERS[0], "n.md", links, reading)
    assert [x.got for x in got] == ["holds", "holds", None, None]
    assert got[0].false_hold and not got[0].right and got[1].right and not got[1].false_hold
    assert got[2].reason == "cannot read this block" and got[3].reason == "cannot read this block"
    whole = match(FOLDERS[0], "n.md", links, Reading((), {0: "line 2: no header"}))
    assert {x.reason for x in whole} == {"line 2: no header"} and not any(x.read for x in whole)


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_every_note_has_expected_verdicts_and_cites_its_source(folder):
    notes = sorted(p.name for p in folder.glob("*.md"))
    assert notes == sorted(expected(folder))
    for name in notes:
        text = (folder / name).read_text(encoding="utf-8")
        assert text.startswith("<!--") and "<!-- gradproof" in text, name
        if not name.endswith("_slips.md"):
            assert re.search(r"(URL: |https?://)", text.split("-->")[0]), f"{name} does not cite its source"


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_slips_share_the_header_of_their_note(folder):
    header = re.compile(r"<!-- gradproof\n.*?-->", re.S)
    for slips in folder.glob("*_slips.md"):
        note = folder / slips.name.replace("_slips.md", ".md")
        assert header.search(slips.read_text()).group(0) == header.search(note.read_text()).group(0), slips.name


def test_expected_verdicts_are_well_formed():
    for folder in FOLDERS:
        for name, links in expected(folder).items():
            lines = (folder / name).read_text(encoding="utf-8").splitlines()
            assert [e["line"] for e in links] == sorted(e["line"] for e in links), name
            for e in links:
                assert e["verdict"] in ("holds", "fails", "definition", "not-a-claim") and e["why"], (name, e)
                # the right-hand side starts on this line: its '=' ends this line or the one before
                assert "=" in lines[e["line"] - 1] + lines[e["line"] - 2], f"{name}:{e['line']}: no '=' here"


ORACLE_FILES = sorted(oracle_check.expected())


@pytest.mark.parametrize("name", ORACLE_FILES)
def test_the_independent_oracle_confirms_expected_toml(name):
    assert oracle_check.check(name, oracle_check.expected()[name]) == []


def test_the_oracle_covers_every_note():
    assert sorted(oracle_check.ORACLE) == ORACLE_FILES
