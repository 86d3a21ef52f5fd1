"""The hook kernel (portal/hooks.py): points declared once, registered in ready() only, listed by `manage.py hooks`."""
import ast
import io
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from portal import hooks

ROOT = Path(__file__).resolve().parents[2]
APPS = ["portal", "dealers", "catalog", "pricing", "orders", "payments", "shipping", "support", "feedback"]


def _point(**kwargs):
    # Not declared through hooks.point(): a test's point must not stay in the portal's list.
    return hooks.HookPoint("test.point", args=("order", "actor"), doc="A point for this test.", **kwargs)


def test_registering_at_run_time_is_refused_and_a_test_registers_for_a_block_only():
    point = _point()

    def listener(*, order, actor):
        seen.append((order, actor))

    seen = []
    with pytest.raises(ImproperlyConfigured, match="ready"):
        point.register(listener)
    with point.registered(listener):
        point.run(order=1, actor=None)
    point.run(order=2, actor=None)
    assert seen == [(1, None)]


def test_a_function_that_cannot_take_the_points_keywords_is_refused_when_registered():
    point = _point()

    def wrong(*, order):
        return order

    with pytest.raises(ImproperlyConfigured, match="actor"), point.registered(wrong):
        pass
    assert point.functions == []


def test_collect_answers_in_order_and_a_single_point_has_one_provider_or_its_default():
    point = _point()
    with point.registered(lambda *, order, actor: order + 1), point.registered(lambda *, order, actor: order * 10):
        assert point.collect(order=2, actor=None) == [3, 20]
    single = _point(single=True, default=lambda *, order, actor: "default")
    assert single.call(order=1, actor=None) == "default"
    with single.registered(lambda *, order, actor: "provider"):
        assert single.call(order=1, actor=None) == "provider"
    assert single.call(order=1, actor=None) == "default"


def test_a_point_is_declared_once():
    name = "portal.test_declared_once"
    hooks.point(name, args=(), doc="Declared by this test.")
    try:
        with pytest.raises(ImproperlyConfigured, match="twice"):
            hooks.point(name, args=(), doc="Again.")
    finally:
        hooks._points.pop(name)


def test_manage_py_hooks_lists_every_declared_point_and_its_registrants():
    out = io.StringIO()
    call_command("hooks", stdout=out, no_color=True)
    text = out.getvalue()
    points = hooks.all_points()
    assert points, "no hook point is declared"
    for point in points:
        assert f"{point.name}(" in text
        for fn in point.functions:
            assert f"{fn.__module__}.{fn.__qualname__}" in text
    # The lifecycles' points are there, with who listens: payments reacts to an order's moves.
    assert "orders.order.moved(order, previous, actor)" in text
    assert "payments." in text.split("orders.order.moved(", 1)[1].split("\n\n")[0]


def _register_calls_outside_ready(path: Path):
    """`<point>.register(fn)` calls in a module that are not inside an AppConfig.ready() method."""
    tree = ast.parse(path.read_text(), str(path))
    inside_ready = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "ready":
            inside_ready.update(id(n) for n in ast.walk(node))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or id(node) in inside_ready:
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in {"register", "register_kind", "register_access"}:
            receiver = ast.unparse(func.value)
            # A hook point (`order_hooks.commitment`, `ORDER.moved`) or the documents registry; not admin.site or
            # a DRF router, which register something else.
            if "hooks" in receiver or receiver.endswith((".guard", ".moved")) or func.attr != "register":
                yield node.lineno
        elif isinstance(func, ast.Name) and func.id in {"register_kind", "register_access"}:
            yield node.lineno


def test_hooks_are_registered_only_in_an_appconfig_ready():
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts or path.name == "hooks.py":
                continue
            found += [f"{path.relative_to(ROOT)}:{line}" for line in _register_calls_outside_ready(path)]
    assert found == [], "register a hook in an AppConfig.ready(): " + ", ".join(found)
