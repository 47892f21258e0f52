"""The house has no import cycle: not at module level, and not through imports inside functions.

Every ``import`` of one gradproof module by another counts, wherever it is written (a lazy import
inside a function is still a dependency).  The layers, lowest first: ``symbolic`` (the mathematics and
its printing), ``derivations`` (the records and the documents), then ``checks`` -- the engine, the
readers (``reading`` dispatches to ``notes`` and ``matrix_notes``), the renderers, and at the top the
edges: ``api``, ``cli``, ``pytest_plugin``.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SUBPACKAGES = ("symbolic", "derivations", "checks")
# package -> packages it may import; a pair of packages importing each other is a cycle too
ALLOWED = {"symbolic": set(), "derivations": {"symbolic"}, "checks": {"symbolic", "derivations", "checks"}}


def _modules() -> dict[str, Path]:
    found = {"gradproof": ROOT / "__init__.py", "gradproof.__main__": ROOT / "__main__.py"}
    for package in SUBPACKAGES:
        for path in sorted((ROOT / package).glob("*.py")):
            name = f"gradproof.{package}" + ("" if path.stem == "__init__" else f".{path.stem}")
            found[name] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The gradproof modules ``path`` imports, at any depth of its code (absolute imports only: the house rule)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path}: a relative import"
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        out |= {n for n in names if n in modules}
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {m: _imports(p, modules) - {m} for m, p in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the graph, as a path that returns to its start; None when there is none."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(m: str, path: list[str]) -> list[str] | None:
        state[m] = 1
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                return path[path.index(n):] + [n] if n in path else [m, n]
            if n not in state and (found := visit(n, path + [n])):
                return found
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m, [m])):
            return found
    return None


def _layer(module: str) -> str:
    """``gradproof.checks.cli`` -> ``checks``; the package itself (its public face, the top) -> ``gradproof``."""
    return module.split(".")[1] if "." in module else module


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_no_module_imports_itself_back():
    cycle = _cycle(_graph())
    assert cycle is None, "an import cycle: " + " -> ".join(cycle or [])


@pytest.mark.parametrize("package", SUBPACKAGES)
def test_a_package_imports_only_the_layers_below(package):
    graph = _graph()
    wrong = sorted(f"{m} -> {n}" for m, targets in graph.items()
                   if m == f"gradproof.{package}" or m.startswith(f"gradproof.{package}.")
                   for n in targets if _layer(n) not in ALLOWED[package] | {package})
    assert not wrong, wrong


def test_the_modules_are_found():
    modules = _modules()
    assert {"gradproof.checks.reading", "gradproof.symbolic.printing", "gradproof.derivations.model"} <= set(modules)
