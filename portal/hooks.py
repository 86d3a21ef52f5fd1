"""Named hook points: the one way a later stage plugs into an earlier one.

An earlier stage must not import a later one (design.md), yet it must let it act: orders ask payments whether an
order may commit to an amount, a shipment moves an order, a detractor's answer opens a ticket. The earlier stage
*declares* a point once, in its own `hooks.py`, with the keywords every registered function receives and a one-line
doc; a later stage *registers* a function on it in its `AppConfig.ready()`, and nowhere else. `manage.py hooks`
lists every point with who is registered on it.

    # orders/hooks.py (the earlier stage declares)
    status_changed = hooks.point("orders.status_changed", args=("order", "previous", "actor"),
                                 doc="After an order's status moved, inside the move's transaction.")

    # payments/apps.py (the later stage registers, in ready())
    from orders import hooks as order_hooks
    order_hooks.status_changed.register(invoice_on_status_changed)

    # orders' service (the earlier stage calls)
    hooks.status_changed.run(order=order, previous=previous, actor=actor)

Kinds of point: `run` calls every function (a DomainError from one refuses, the caller's transaction rolls back);
`collect` returns every function's answer; a `single=True` point holds at most one provider and `call` asks it (a
default function answers while nobody registered).
"""
from __future__ import annotations

import inspect
from contextlib import contextmanager

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

_points: dict[str, HookPoint] = {}


class HookPoint:
    def __init__(self, name, *, args, doc, single=False, default=None):
        self.name = name
        self.args = tuple(args)
        self.doc = doc
        self.single = single
        self.default = default
        self._functions = []

    def __repr__(self):
        return f"<hook point {self.name}({', '.join(self.args)})>"

    @property
    def functions(self) -> list:
        return list(self._functions)

    def _check(self, fn):
        try:
            inspect.signature(fn).bind(**dict.fromkeys(self.args))
        except TypeError as exc:
            raise ImproperlyConfigured(
                f"{fn.__module__}.{fn.__qualname__} cannot take the keywords of hook point {self.name} "
                f"({', '.join(self.args)}): {exc}") from exc

    def register(self, fn):
        """Register `fn` (in an AppConfig.ready()); registering it twice keeps one. Returns `fn`."""
        if apps.ready:
            raise ImproperlyConfigured(
                f"Hook point {self.name}: register {fn.__qualname__} in an AppConfig.ready(), not at run time "
                "(tests use `with point.registered(fn):`).")
        self._add(fn)
        return fn

    def _add(self, fn):
        self._check(fn)
        if self.single and self._functions and self._functions[0] is not fn:
            raise ImproperlyConfigured(f"Hook point {self.name} takes one provider; "
                                       f"{self._functions[0].__qualname__} is registered already.")
        if fn not in self._functions:
            self._functions.append(fn)

    @contextmanager
    def registered(self, fn):
        """For tests: `fn` is registered inside the block only."""
        saved = list(self._functions)
        if self.single:
            self._functions.clear()
        self._add(fn)
        try:
            yield fn
        finally:
            self._functions[:] = saved

    @contextmanager
    def unregistered(self):
        """For tests: nobody is registered on the point inside the block (a single point answers its default)."""
        saved = list(self._functions)
        self._functions.clear()
        try:
            yield
        finally:
            self._functions[:] = saved

    def run(self, **kwargs) -> None:
        """Call every registered function with the point's keywords."""
        for fn in self.functions:
            fn(**kwargs)

    def collect(self, **kwargs) -> list:
        """Every registered function's answer, in registration order."""
        return [fn(**kwargs) for fn in self.functions]

    def call(self, **kwargs):
        """The one provider's answer (a single point), or the default's while none is registered."""
        functions = self.functions
        if functions:
            return functions[0](**kwargs)
        if self.default is None:
            raise ImproperlyConfigured(f"Nothing is registered on hook point {self.name}.")
        return self.default(**kwargs)


def point(name, *, args, doc, single=False, default=None) -> HookPoint:
    """Declare a hook point, once, in the earlier stage's `hooks.py`."""
    if name in _points:
        raise ImproperlyConfigured(f"Hook point {name} is declared twice.")
    _points[name] = HookPoint(name, args=args, doc=doc, single=single, default=default)
    return _points[name]


def all_points() -> list[HookPoint]:
    """Every declared point (each installed app's `hooks.py` is imported first), by name."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("hooks")
    return sorted(_points.values(), key=lambda p: p.name)
