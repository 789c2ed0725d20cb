"""No module of the package imports itself back through others.

Imports inside functions count too: hiding a cycle in a function (as
zodb/root.py once did to reach evolve.py) only moves the failure to the
first call.
"""

import ast
from pathlib import Path

import orderflow

PACKAGE = Path(orderflow.__file__).parent


def module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path, source):
    """Every orderflow module (or package) that `source` imports, anywhere in it."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found |= {module} | {f"{module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def import_graph(paths):
    modules = {module_name(p): p for p in paths}
    return {name: {m for m in imported(p, p.read_text()) if m in modules and m != name}
            for name, p in modules.items()}


def cycles(graph):
    """The strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_checker_finds_a_cycle_hidden_in_a_function():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    source = "def f():\n    from .evolve import evolve\n"
    assert "orderflow.adapters.zodb.evolve" in imported(
        PACKAGE / "adapters" / "zodb" / "root.py", source)


def test_the_package_has_no_import_cycle():
    assert cycles(import_graph(sorted(PACKAGE.rglob("*.py")))) == []
