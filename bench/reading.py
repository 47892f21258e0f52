"""How long reading Markdown notes takes: run by hand, prints what it measured.

    python bench/reading.py

The timings that used to be assertions in tests/ (a test must not depend on
the load of the machine): every file of tests/corpus/ read (grammar, builder,
expansion), a megabyte of prose, and each hostile LaTeX input of
tests/test_latex.py refused.  Medians of five runs, milliseconds.
"""
from __future__ import annotations

import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _median_ms(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def main() -> int:
    from pathlib import Path

    from gradproof.checks.reading import read_file as read_document
    from gradproof.checks.reading import read_note as parse_markdown

    corpus = sorted(Path(ROOT, "tests", "corpus").glob("*.md"))
    prose = "<!-- gradproof\n-->\n" + "word " * 200_000 + "\n$$1 + 1 = 2$$\n"
    print(f"corpus ({len(corpus)} files)   {_median_ms(lambda: [read_document(p) for p in corpus]):8.1f} ms")
    print(f"a megabyte of prose    {_median_ms(lambda: parse_markdown(prose, 'big.md')):8.1f} ms")
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    try:
        from test_latex import HOSTILE

        from gradproof.symbolic.latex import LatexError, read
    except ImportError as exc:  # the reader's names moved: say so rather than fail
        print(f"hostile inputs skipped: {exc}")
        return 0

    def refuse_all():
        for text, _ in HOSTILE:
            try:
                read(text)
            except LatexError:
                pass

    print(f"hostile LaTeX ({len(HOSTILE)})     {_median_ms(refuse_all):8.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
