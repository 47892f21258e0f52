r"""Reading a note: the one entry point for every caller (the CLI, the API, the pytest plugin, the export).

A note whose header declares shapes is a matrix note (:mod:`checks.matrix_notes`);
any other is read by :mod:`checks.notes`.  Both return the same
:class:`~checks.notes.Reading`.  This module sits above both readers, so
neither imports the other to dispatch.

>>> r = read_note('''<!-- gradproof
... shape W: n x d
... shape x: d x 1
... -->
... $$W x = W x$$
... ''', "note.md")
>>> [s.kind.value for s in r.derivation.steps]
['matrix']
>>> read_note("$$x = x$$", "plain.md")
Traceback (most recent call last):
...
gradproof.checks.notes.NoHeader: plain.md: no '<!-- gradproof' header comment: this file does not opt in
"""
from __future__ import annotations

import re
from pathlib import Path

from gradproof.checks.matrix_notes import is_matrix_header, read_matrix_note
from gradproof.checks.notes import MAX_FILE_BYTES, InputError, NoHeader, Reading, read_scalar_note

__all__ = ["InputError", "NoHeader", "Reading", "read_file", "read_note"]

_HEADER = re.compile(r"<!--\s*gradproof(.*?)-->", re.S)


def read_note(text: str, path: str) -> Reading:
    """Read a note's text (``path`` names it in citations and errors).

    Raises :class:`InputError` only when the file has no gradproof header;
    everything else that cannot be read is in :attr:`Reading.errors`.
    """
    if any(is_matrix_header(m.group(1)) for m in _HEADER.finditer(text)):
        return read_matrix_note(text, path)  # a header declares shapes: a matrix note
    return read_scalar_note(text, path)


def read_file(path: str | Path) -> Reading:
    """Read a Markdown file (``path`` as given is the note's name); :class:`InputError` if unreadable."""
    name = str(path)
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(name, 0, f"file too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})")
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(name, 0, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise InputError(name, 0, exc.strerror or str(exc)) from None
    return read_note(text, name)
