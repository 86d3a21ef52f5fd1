"""The lifecycle kernel (portal/lifecycle.py) is the one place a business status is written."""
import ast
from pathlib import Path

import pytest
from django.db import transaction

from portal import lifecycle

ROOT = Path(__file__).resolve().parents[2]
APPS = ["portal", "dealers", "catalog", "pricing", "orders", "payments", "shipping", "support", "feedback", "bench"]
# Delivery states of plumbing, not business lifecycles (the issue allows them their own writes); the idempotency
# module's `status` is the HTTP status of a stored answer.
PLUMBING = {"portal/outbox.py", "portal/documents.py", "portal/idempotency.py"}
# An FAQ article's draft/published is a content flag (no history table, no hooks, like a product's `active`),
# written and audited in one service: support.services.faq.publish_articles.
PLUMBING |= {"support/services/faq.py"}
# What became of a WhatsApp message that came in (received → opened/threaded/quarantined: InboundMessage.status) is
# the intake's bookkeeping, like the outbox's delivery states (issue 16).
PLUMBING |= {"support/services/whatsapp.py"}
# The same bookkeeping for a mail (mail intake) and staff's release or drop of a held message (quarantine): an
# audited service each, under the inbound row's lock (issue 16).
PLUMBING |= {"support/services/mail_intake.py", "support/services/quarantine.py"}
# A live chat's waiting/active/ended (ChatSession.status) is who talks now, like an agent's presence: no history table
# or hooks; its ticket's status moves through TICKET (issue 16, support.services.chat).
PLUMBING |= {"support/services/chat.py"}
STATUS_FIELDS = {"status"}


def _status_writes(path: Path):
    """Lines that write a status field other than through the kernel: `x.status = …` (also in a tuple
    assignment), `setattr(x, "status", …)`, `….update(status=…)`."""
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            for element in (target.elts if isinstance(target, ast.Tuple) else [target]):
                if isinstance(element, ast.Attribute) and element.attr in STATUS_FIELDS:
                    yield node.lineno, f"{ast.unparse(element)} = …"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr" \
                and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) \
                and node.args[1].value in STATUS_FIELDS:
            yield node.lineno, "setattr(…, 'status', …)"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in {"update", "bulk_update", "update_or_create"} \
                and any(k.arg in STATUS_FIELDS for k in node.keywords):
            yield node.lineno, f".{node.func.attr}(status=…)"


def _modules():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/tests/" in f"/{relative}" or "/migrations/" in relative or relative in PLUMBING:
                continue
            if relative == "portal/lifecycle.py":
                continue
            yield relative, path


def test_no_code_outside_the_kernel_assigns_a_status_field():
    found = [f"{relative}:{line} {what}" for relative, path in _modules() for line, what in _status_writes(path)]
    assert found == [], "move statuses with portal.lifecycle's move(): " + "; ".join(found)


def test_the_scan_finds_each_kind_of_direct_write(tmp_path):
    # The test above must be able to fail: each way of writing a status around the kernel is caught.
    sample = tmp_path / "sample.py"
    sample.write_text("order.status = 'x'\norder.status, order.sub_status = 'x', None\n"
                      "setattr(order, 'status', 'x')\nOrder.objects.filter(pk=1).update(status='x')\n"
                      "order.note = 'fine'\n")
    assert [line for line, _what in _status_writes(sample)] == [1, 2, 3, 4]


def test_move_refuses_outside_a_transaction_and_a_forbidden_move_changes_nothing(transactional_db):
    from dealers.models import Dealer
    from dealers.testing import DealerFactory

    dealer = DealerFactory(status=Dealer.Status.APPLIED)
    life = lifecycle.lifecycle_of(Dealer)
    with pytest.raises(RuntimeError, match="transaction"):
        life.move(dealer, to=Dealer.Status.REJECTED, actor=None)
    with pytest.raises(life.error) as refused, transaction.atomic():
        life.move(dealer, to=Dealer.Status.SUSPENDED, actor=None)
    assert refused.value.conflict and refused.value.code
    dealer.refresh_from_db()
    assert dealer.status == Dealer.Status.APPLIED and not dealer.status_changes.exists()


def test_every_business_lifecycle_is_registered_with_the_kernel():
    names = {life.name for life in lifecycle.all_lifecycles()}
    assert {"dealers.dealer", "pricing.quote", "orders.order", "orders.return", "payments.invoice",
            "payments.card_payment"} <= names
    for life in lifecycle.all_lifecycles():
        assert issubclass(life.history, lifecycle.StatusChange), life.name
        for frm, targets in life.transitions.items():
            assert frm not in targets, f"{life.name}: {frm} moves to itself"
