"""No import cycles between the project's own modules, and no test module that imports another app's tests.

The graph is read from the source (ast), not by importing: an edge is a top-level `import x` / `from x import y`
statement of a first-party module (statements inside a function or class are the way out of a cycle and are not
edges; neither is `if TYPE_CHECKING:`). `from package import name` counts as an import of `package.name` when that
is a module, else of `package`. A package's `__init__` is its own node; importing `a.b.c` imports `a` and `a.b`
first, which is also an edge. Migrations are left out (Django loads them on its own).
"""
import ast
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
FIRST_PARTY = ["portal", "dealers", "catalog", "pricing", "orders", "payments", "shipping", "support", "feedback",
               "bench"]


def module_files():
    """{dotted module name: path} of every first-party module (packages as their __init__)."""
    modules = {}
    for top in FIRST_PARTY:
        root = BASE_DIR / top
        if not root.is_dir():
            continue
        for path in root.rglob("*.py"):
            relative = path.relative_to(BASE_DIR)
            if "migrations" in relative.parts or "__pycache__" in relative.parts:
                continue
            parts = list(relative.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _is_type_checking(node):
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def top_level_imports(tree):
    """Import statements run when the module is imported: the module body, and the bodies of top-level if/try/with
    blocks (not functions, classes, or `if TYPE_CHECKING:`)."""
    pending = list(tree.body)
    while pending:
        node = pending.pop(0)
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node):
                pending.extend(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            pending.extend(node.body + node.orelse + node.finalbody + [n for h in node.handlers for n in h.body])
        elif isinstance(node, ast.With):
            pending.extend(node.body)


def _with_parents(name, modules, importer):
    """`a.b.c` and the packages imported before it (`a`, `a.b`) that are first-party modules, less the packages that
    hold the importer (they are being imported already: a module is not in a cycle with its own package for that)."""
    parts = name.split(".")
    prefixes = [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return {p for p in prefixes if p in modules and not importer.startswith(p + ".")}


def import_graph():
    modules = module_files()
    graph = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        package = name if is_package else name.rpartition(".")[0]
        edges = set()
        for node in top_level_imports(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    edges |= _with_parents(alias.name, modules, name)
                continue
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            edges |= _with_parents(target, modules, name)
            for alias in node.names:
                if f"{target}.{alias.name}" in modules:
                    edges.add(f"{target}.{alias.name}")  # a submodule
                elif target in modules:
                    edges.add(target)  # a name the package (or module) defines: its __init__ runs first
        edges.discard(name)
        graph[name] = edges
    return graph


def cycles(graph):
    """Every strongly connected component of more than one module (Tarjan), each as a sorted list."""
    sys.setrecursionlimit(max(10000, sys.getrecursionlimit()))
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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
    return sorted(found)


def a_path(graph, component):
    """One cycle through the component, e.g. `a -> b -> a`, to say where to cut."""
    members = set(component)
    start = component[0]
    path, seen = [start], {start}
    node = start
    while True:
        nxt = sorted(n for n in graph[node] if n in members)
        back = [n for n in nxt if n == start]
        if back and len(path) > 1:
            return " -> ".join(path + [start])
        unseen = [n for n in nxt if n not in seen]
        if not unseen:
            loop_to = next(n for n in nxt if n in seen)
            return " -> ".join(path[path.index(loop_to):] + [loop_to])
        node = unseen[0]
        path.append(node)
        seen.add(node)


def test_the_graph_sees_a_known_edge():
    """The reader works: portal.tasks imports portal.outbox at module level."""
    graph = import_graph()
    assert "portal.outbox" in graph["portal.tasks"]
    assert "portal.models" in graph["portal.outbox"]


def test_cycles_are_found_and_reported():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert a_path(graph, ["a", "b", "c"]) == "a -> b -> c -> a"


def test_no_module_import_cycles():
    graph = import_graph()
    found = cycles(graph)
    report = "\n".join(f"  {', '.join(component)}\n    e.g. {a_path(graph, component)}" for component in found)
    assert not found, (
        f"Module-level import cycles between first-party modules:\n{report}\n"
        "Break each by moving the shared piece to a module both can import, by importing inside the function that "
        "needs it, or (services that queue their own tasks) by naming the task: celery.signature('app.tasks.x')."
    )


@pytest.mark.parametrize("app", [app for app in FIRST_PARTY if (BASE_DIR / app / "tests").is_dir()])
def test_no_test_module_imports_another_apps_tests(app):
    """Factories and helpers that several apps' tests share live in `<app>/testing.py`, shared fixtures in the root
    conftest.py: a test module may import its own app's tests package, never another app's."""
    wrong = []
    for path in sorted((BASE_DIR / app / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            for name in names:
                parts = name.split(".")
                if len(parts) > 1 and parts[1] == "tests" and parts[0] != app and parts[0] in FIRST_PARTY:
                    wrong.append(f"{path.relative_to(BASE_DIR)}:{node.lineno} imports {name}")
    assert not wrong, "\n".join(wrong)
