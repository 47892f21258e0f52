"""The published corpus's figures: links, read as written, decided right, and what is refused.

    python bench/corpus.py            (with gradproof installed: pip install -e .)

For each corpus (tests/published/: scalar notes, tests/published_matrix/: matrix notes), the
published notes and the slips are counted apart: links (one per '=' in a chain), links gradproof
reads and decides as written, links decided as expected (expected.toml, confirmed by
tests/published/oracle_check.py), false holds (must be 0), and the reasons for the links it does
not read, most frequent first.  Links gradproof reports at lines where the corpus lists none are
counted too (a misreading shows there).
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.published.harness import FOLDERS, expected, match, read_links  # noqa: E402


def _reason(text: str) -> str:
    """A refusal's message without its line number, shortened: the reason, grouped."""
    text = text.split(": ", 1)[1] if text.startswith("line ") else text
    return text if len(text) <= 90 else text[:87] + "..."


def figures(folder: Path) -> list[str]:
    out = []
    rows = {"notes": [], "slips": []}
    extra = Counter()
    for name, links in sorted(expected(folder).items()):
        reading = read_links(folder / name)
        rows["slips" if name.endswith("_slips.md") else "notes"] += match(folder, name, links, reading)
        listed = Counter(e["line"] for e in links)
        for line, n in Counter(line for line, _ in reading.links).items():
            extra[name] += max(0, n - listed.get(line, 0))
    for kind, links in rows.items():
        read = [x for x in links if x.read]
        right = [x for x in read if x.right]
        false_holds = [x for x in read if x.false_hold]
        pct = 100 * len(read) / len(links) if links else 0.0
        out.append(f"{folder.name} {kind}: {len(links)} links, read as written {len(read)} ({pct:.0f}%), "
                   f"decided right {len(right)}, false holds {len(false_holds)}")
        for x in false_holds:
            out.append(f"  FALSE HOLD {x.id}: {x.why}")
        for x in read:
            if not x.right and not x.false_hold:
                out.append(f"  decided {x.got}, expected {x.verdict}: {x.id} ({x.why})")
        refused = Counter(_reason(x.reason) if x.got is None else x.got for x in links if not x.read)
        for reason, n in refused.most_common():
            out.append(f"  {n:4d} not read: {reason}")
    extra = {k: v for k, v in extra.items() if v}
    if extra:
        out.append(f"  links read where the corpus lists none: {sum(extra.values())} "
                   f"({', '.join(f'{k} {v}' for k, v in sorted(extra.items()))})")
    return out


def main(argv: list[str] | None = None) -> int:
    for folder in FOLDERS:
        print("\n".join(figures(folder)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
