"""Errors: every DomainError lives in its app's errors.py, and one code has one HTTP status everywhere."""
import ast
import importlib
from pathlib import Path

from portal.errors import DomainError
from portal.lifecycle import all_lifecycles

ROOT = Path(__file__).resolve().parents[2]
APPS = ["portal", "dealers", "catalog", "pricing", "orders", "payments", "shipping", "support", "feedback"]


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def _domain_errors():
    for app in APPS:
        importlib.import_module(f"{app}.errors")
    return [cls for cls in _all_subclasses(DomainError) if cls.__module__.split(".")[0] in APPS]


def _status(cls):
    return 403 if cls.forbidden else 409 if cls.conflict else 400


def test_every_domain_error_class_lives_in_an_errors_module():
    outside = [f"{cls.__module__}.{cls.__qualname__}" for cls in _domain_errors()
               if not cls.__module__.endswith(".errors")]
    assert outside == [], "move these to their app's errors.py: " + ", ".join(outside)


def test_one_code_has_one_http_status():
    statuses = {}
    for cls in _domain_errors():
        statuses.setdefault(cls.code, set()).add(_status(cls))
    mixed = {code: sorted(found) for code, found in statuses.items() if len(found) > 1}
    assert mixed == {}


def test_no_raise_changes_the_code_or_the_status_of_its_class():
    # `raise NotAllowed(..., conflict=False)` would answer another status under the same code.
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                    if any(k.arg in {"code", "conflict"} for k in node.exc.keywords):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def test_a_forbidden_move_of_every_lifecycle_is_a_409_with_the_apps_own_code():
    for life in all_lifecycles():
        assert issubclass(life.error, DomainError) and life.error.conflict and not life.error.forbidden, life.name
        assert life.error.code.startswith(life.name.split(".")[0] + "."), life.name
