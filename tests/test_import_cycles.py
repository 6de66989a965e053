"""No import circles in rnntui: a lower module never imports a higher one.

Every `import` and `from ... import` in the package counts, lazy ones inside functions and
those under TYPE_CHECKING included (a circle hidden in a function is still a circle), so the
modules form layers. A package's re-export of its own submodules is not a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "rnntui"


def _modules() -> dict[str, Path]:
    modules = {}
    for path in ROOT.rglob("*.py"):
        parts = path.with_suffix("").relative_to(ROOT.parent).parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    graph[name].add(full if full in modules else node.module)
            elif isinstance(node, ast.Import):
                graph[name].update(alias.name for alias in node.names)
        graph[name] = {t for t in graph[name]
                       if t in modules and t != name and not t.startswith(name + ".")}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_circles_are_found_by_the_checker():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_rnntui_has_no_import_circle():
    assert circles(import_graph()) == []


def test_the_run_store_is_one_package_with_the_files_module_at_its_bottom():
    graph = import_graph()
    parts = {"rnntui.runs.store", "rnntui.runs.lock", "rnntui.runs.notes",
             "rnntui.runs.history_csv", "rnntui.runs.fit", "rnntui.runs.compare"}
    assert parts <= set(graph)
    assert not {t for t in graph["rnntui.runs.files"] if t.startswith("rnntui.")}
    assert "rnntui.runs.store" not in graph["rnntui.runs.lock"]
