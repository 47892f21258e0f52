"""How the published corpus is held against gradproof: the one place that calls the reader.

``read_links(path)`` is the only function that knows gradproof's reader API; when that API
changes, only this function changes.  Everything else (``tests/test_published.py``,
``bench/corpus.py``) works on its answer: the links gradproof read, by line, and why it refused
what it did not read.
"""
from __future__ import annotations

import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
FOLDERS = (HERE, HERE.parent / "published_matrix")
CLAIMS = ("holds", "fails")


@dataclass(frozen=True)
class Reading:
    """gradproof's reading of one note."""

    links: tuple[tuple[int, str], ...]  # (line of the right-hand side, verdict), in file order
    refused: dict[int, str] = field(default_factory=dict)  # line -> why it was not read; 0: the whole file


def read_links(path: Path) -> Reading:
    """Run ``gradproof check``'s reader and engine on one note.

    A verdict is ``holds``, ``fails``, ``undecided``, ``skipped`` or ``definition``.  Today an unreadable block
    makes the whole file an InputError; that refusal is recorded for line 0 (every link)."""
    from gradproof.checks.notes import InputError
    from gradproof.checks.reading import read_file as read
    from gradproof.checks.runner import run
    from gradproof.derivations.model import Kind

    try:
        document = read(path)
    except InputError as exc:
        return Reading((), {0: f"line {exc.line}: {exc.message}" if exc.line else exc.message})
    result = run(document.derivation)
    links = tuple((r.step.cite.line, "definition" if r.step.kind is Kind.DEFINITION else str(r.verdict))
                  for r in result.results)
    refused = {note.line: note.message for note in getattr(document, "notes", ())}
    refused.update({error.line: error.message for error in getattr(document, "errors", ())})
    return Reading(links, refused)


# --------------------------------------------------------------------------
# matching gradproof's links with the expected ones
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Link:
    file: str
    line: int
    verdict: str  # expected: holds, fails, definition, not-a-claim
    why: str
    got: str | None  # gradproof's verdict, None when it did not read the link
    reason: str = ""  # why it was not read

    @property
    def id(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def read(self) -> bool:
        """Read and decided (an undecided or skipped link is not a reading)."""
        return self.got not in (None, "undecided", "skipped")

    @property
    def right(self) -> bool:
        return self.read and self.got == self.verdict

    @property
    def false_hold(self) -> bool:
        return self.got == "holds" and self.verdict != "holds"


def expected(folder: Path) -> dict[str, list[dict]]:
    with open(folder / "expected.toml", "rb") as fh:
        return {name: entry["links"] for name, entry in tomllib.load(fh).items()}


def match(folder: Path, name: str, links: list[dict], reading: Reading) -> list[Link]:
    """Pair the expected links with gradproof's, line by line, in order within a line."""
    got = defaultdict(list)
    for line, verdict in reading.links:
        got[line].append(verdict)
    seen = Counter()
    out = []
    for entry in links:
        line = entry["line"]
        k = seen[line]
        seen[line] += 1
        verdict = got[line][k] if k < len(got[line]) else None
        reason = "" if verdict is not None else _refusal(reading, line)
        out.append(Link(name, line, entry["verdict"], entry["why"], verdict, reason))
    return out


def _refusal(reading: Reading, line: int) -> str:
    """Why the link at ``line`` was not read: the last refusal at or before it (a refusal is
    reported at the line of its block), else one of the whole file."""
    before = [k for k in reading.refused if 0 < k <= line]
    if before:
        return reading.refused[max(before)]
    return reading.refused.get(0, "no link read at this line")


def all_links() -> list[tuple[Path, str, dict]]:
    """(folder, file, expected entry) for every link of the corpus, in a stable order."""
    return [(folder, name, entry) for folder in FOLDERS
            for name, links in sorted(expected(folder).items()) for entry in links]
