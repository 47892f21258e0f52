"""The examples in gradproof's docstrings, run against the installed package."""
import doctest
import importlib
import pkgutil

import pytest

import gradproof

MODULES = sorted(
    name for _, name, _ in pkgutil.walk_packages(gradproof.__path__, "gradproof.")
    if not name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
