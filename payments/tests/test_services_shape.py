"""The shape of payments' code that callers rely on: one facade with every public service, keyword-only selectors,
the Celery tasks services name (never import) exist, and the errors all live in payments.errors."""
import inspect

import pytest

from payments import errors, selectors
from payments import services as facade
from payments.services import allocation, cards, credit, invoices, overdue, statements, wire
from portal.errors import DomainError

pytestmark = pytest.mark.django_db  # the app's autouse fixture tidies the database after each test

MODULES = (allocation, cards, credit, invoices, overdue, statements, wire)


def test_the_facade_exports_each_modules_public_names_once():
    names = [name for module in MODULES for name in module.__all__]
    assert len(names) == len(set(names))
    assert set(facade.__all__) == set(names)
    for module in MODULES:
        for name in module.__all__:
            assert getattr(facade, name) is getattr(module, name), f"{module.__name__}.{name}"


def test_selectors_take_keyword_arguments_only():
    for name, fn in inspect.getmembers(selectors, inspect.isfunction):
        if fn.__module__ != selectors.__name__ or name.startswith("_"):
            continue
        kinds = {p.kind for p in inspect.signature(fn).parameters.values()}
        assert kinds <= {inspect.Parameter.KEYWORD_ONLY}, name


def test_the_tasks_the_card_service_names_are_registered():
    from celery import current_app

    import payments.tasks  # noqa: F401  (registers them)

    assert {cards.CAPTURE_TASK.name, cards.RELEASE_TASK.name} <= set(current_app.tasks)


def test_every_domain_error_of_payments_is_declared_in_payments_errors():
    for module in MODULES:
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, DomainError) and value is not DomainError:
                assert value.__module__ == errors.__name__, f"{module.__name__}.{name}"
                assert issubclass(value, errors.PaymentsError), name
