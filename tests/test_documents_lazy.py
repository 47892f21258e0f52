"""The registry builds a document only when it is used (a fresh interpreter for each check)."""
import subprocess
import sys

import pytest

from gradproof.derivations import ALL, select


def _built_after(code: str) -> list[str]:
    probe = (f"import sys\n{code}\n"
             "print(' '.join(sorted(m.rsplit('.', 1)[1] for m in sys.modules "
             "if m.startswith('gradproof.derivations.doc') and not m.endswith('_code'))))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_importing_the_registry_builds_nothing():
    assert _built_after("from gradproof.derivations import ALL; ALL.keys(); len(ALL)") == []


@pytest.mark.parametrize("key", ALL.keys())
def test_selecting_one_document_builds_only_it(key):
    assert _built_after(f"from gradproof.derivations import select; select([{key!r}])") == [f"doc{key}"]


def test_order_and_selection():
    assert [d.key for d in ALL] == list(ALL.keys()) == ["000", "001", "002", "003"]
    assert [d.key for d in select(["003", "000", "003"])] == ["003", "000"]
    assert ALL[1] is select(["001"])[0] and ALL[1:3] == (ALL[1], ALL[2])
    with pytest.raises(LookupError, match=r"no document matches '9' \(known: 000, 001, 002, 003\)"):
        select(["9"])
