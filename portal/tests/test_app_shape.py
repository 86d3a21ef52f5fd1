"""The rooms of an app (docs/architecture.md), checked over the tree: keyword-only selectors, a services facade,
no `_private` name imported across modules, the acting party called `actor`."""
import ast
import importlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["portal", "dealers", "catalog", "pricing", "orders", "payments", "shipping", "support", "feedback"]


def _sources(*, tests=False):
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or (not tests and "tests" in path.parts):
                continue
            yield path, ast.parse(path.read_text(), str(path))


def test_selectors_take_keyword_arguments_only():
    positional = []
    for app in APPS:
        for path in [ROOT / app / "selectors.py", *(ROOT / app / "selectors").glob("*.py")]:
            if not path.exists():
                continue
            for node in ast.parse(path.read_text()).body:
                if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                    names = [a.arg for a in node.args.posonlyargs + node.args.args]
                    if names and names[0] != "sender":  # a signal receiver is called by Django, positionally
                        positional.append(f"{path.relative_to(ROOT)}:{node.name}({', '.join(names)})")
    assert positional == []


def test_every_services_package_has_a_public_facade():
    for app in APPS:
        if (ROOT / app / "services" / "__init__.py").exists():
            facade = importlib.import_module(f"{app}.services")
            assert getattr(facade, "__all__", None), f"{app}.services has no __all__"
            for name in facade.__all__:
                assert hasattr(facade, name), f"{app}.services.__all__ names {name}, which it does not hold"


def test_no_module_imports_another_modules_private_name():
    found = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").split(".")[0] in APPS):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} {alias.name}")
    assert found == []


def test_services_call_the_acting_party_actor():
    # `by` was the other name for the same idea; history rows keep a `by` column, services do not take one.
    found = []
    for path, tree in _sources():
        if "services" not in path.parts and path.name != "services.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                names = [a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs]
                if "by" in names:
                    found.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert found == []
