"""The lifecycle kernel: the one way a business object's status moves.

An app describes its lifecycle once, next to its model:

    ORDER = lifecycle.Lifecycle(
        "orders.order", statuses=OrderStatus, transitions={S.PLACED: {S.CONFIRMED, ...}, ...},
        history=OrderStatusChange, history_of="order", error=StatusNotAllowed,
        refusal=_("An order cannot go from “%(current)s” to “%(target)s”."))

and every status write of that object, by staff, a dealer, an approver, a task or the API, is

    with transaction.atomic():
        order = locks.order(order)                     # the caller locks the row, in the one lock order
        ORDER.move(order, to=S.CANCELLED, actor=actor, note=note)

`move()` checks the transitions table (a forbidden move raises the app's one error, 409), runs the guards (hook point
`<name>.guard`: a later stage may refuse), sets and saves the status (with the other fields the caller changed),
writes the history row (a `StatusChange`: from, to, by, on behalf, note, at) and the audit row, runs the listeners
(hook point `<name>.moved`) inside the transaction, and queues `after_commit` work for when it commits. The outbox's
and documents' delivery states are plumbing, not business lifecycles, and keep their own writes.

`portal/tests/test_lifecycle_kernel.py` fails when code outside this module assigns a status field directly.
"""
from __future__ import annotations

from django.conf import settings
from django.db import connection, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from . import audit, hooks
from .errors import DomainError, UnknownStatus


def status_fields(statuses, max_length=20):
    """The history's from/to fields with the lifecycle's choices: `from_status, to_status = status_fields(S, 20)`."""
    return (models.CharField(pgettext_lazy("status change", "from"), max_length=max_length, choices=statuses.choices,
                             blank=True),
            models.CharField(pgettext_lazy("status change", "to"), max_length=max_length, choices=statuses.choices))


class StatusChange(models.Model):
    """One move of a business object: from, to, who, whether an agent acted for the dealer, the note, when.
    Each lifecycle's history model subclasses it, adds the foreign key to its object (and its own extras) and
    declares its choices: `from_status, to_status = lifecycle.status_fields(OrderStatus, 20)`."""

    from_status = models.CharField(pgettext_lazy("status change", "from"), max_length=20, blank=True)
    to_status = models.CharField(pgettext_lazy("status change", "to"), max_length=20)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("by"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    on_behalf = models.BooleanField(gettext_lazy("by an agent for the dealer"), default=False)
    note = models.TextField(gettext_lazy("note"), blank=True)
    created_at = models.DateTimeField(gettext_lazy("when"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self):
        from .captions import status_change_caption

        return status_change_caption(from_label=self.get_from_status_display(),
                                     to_label=self.get_to_status_display(), when=self.created_at, by=self.by)


def acting_user(actor):
    """The user behind `actor` (an Actor, a User or None) and whether an agent acts for the dealer."""
    user = getattr(actor, "user", actor)
    return (user if getattr(user, "pk", None) else None), bool(getattr(actor, "on_behalf", False))


_lifecycles: dict[str, Lifecycle] = {}


def all_lifecycles() -> list[Lifecycle]:
    """Every lifecycle of the installed apps (their models are loaded), by name."""
    return sorted(_lifecycles.values(), key=lambda life: life.name)


def lifecycle_of(model) -> Lifecycle:
    """The lifecycle of a model class or instance."""
    model = model if isinstance(model, type) else type(model)
    for life in _lifecycles.values():
        if life.model is model:
            return life
    raise LookupError(f"{model.__name__} has no lifecycle")


class Lifecycle:
    """One object's statuses, the moves between them, and where each move is recorded."""

    def __init__(self, name, *, statuses, transitions, history, history_of, error: type[DomainError], refusal,
                 field="status", audit_action=None, subject=None):
        """`audit_action`: the audit row's action, "{to}" standing for the target ("dealer.{to}"); by default
        "<name>.<to>". `subject`: the keyword guards and listeners get the object by (default `history_of`)."""
        self.name = name
        self.statuses = statuses
        self.transitions = {statuses(k): frozenset(statuses(v) for v in vs) for k, vs in transitions.items()}
        missing = set(statuses) - set(self.transitions)
        if missing:
            raise ValueError(f"Lifecycle {name}: no row in the transitions table for {sorted(missing)}")
        self.history = history
        self.history_of = history_of
        self.error = error
        self.refusal_message = refusal  # lazy, with %(current)s and %(target)s
        self.field = field
        self.audit_action = audit_action
        # The keyword the object is passed to guards and listeners by ("order", "invoice"...).
        self.subject = subject or history_of
        if name in _lifecycles:
            raise ValueError(f"Lifecycle {name} is declared twice")
        _lifecycles[name] = self
        self.guard = hooks.point(f"{name}.guard", args=(self.subject, "previous", "to", "actor"),
                                 doc=f"Lifecycle {name}: before a move; raise a DomainError to refuse it.")
        self.moved = hooks.point(f"{name}.moved", args=(self.subject, "previous", "actor"),
                                 doc=f"Lifecycle {name}: after a move, inside its transaction.")

    def __repr__(self):
        return f"<lifecycle {self.name}>"

    @property
    def model(self):
        """The model whose status this lifecycle moves (the history's foreign key points at it)."""
        return self.history._meta.get_field(self.history_of).related_model

    # --- the table ------------------------------------------------------------------------------------------

    def allowed(self, current, to) -> bool:
        return self.statuses(to) in self.transitions[self.statuses(current)]

    def targets(self, current) -> list:
        """The statuses `current` may move to, in the enum's order."""
        return [s for s in self.statuses if s in self.transitions[self.statuses(current)]]

    def pairs(self):
        """Every (from, to) pair of distinct statuses, allowed or not (for tests)."""
        return [(a, b) for a in self.statuses for b in self.statuses if a != b]

    def refusal(self, current, to) -> DomainError:
        return self.error(str(self.refusal_message) % {"current": self.statuses(current).label,
                                                       "target": self.statuses(to).label})

    def check(self, current, to) -> None:
        if to not in self.statuses.values:
            raise UnknownStatus(_("Unknown status."), field=self.field)
        if not self.allowed(current, to):
            raise self.refusal(current, to)

    # --- the move -------------------------------------------------------------------------------------------

    def move(self, obj, *, to, actor, note="", fields=(), history=None, audit_action=None, audit_data=None,
             dealer=None, ip_address=None, after_commit=(), check=True):
        """Move the locked `obj` to `to` (see the module's doc). `fields`: other fields the caller set on `obj`,
        saved with the status; `history`: extra fields of the history row; `check=False` only for a move the
        caller has already checked (a no-op move that only records, as a change of quantities). Returns the
        history row."""
        if not connection.in_atomic_block:
            raise RuntimeError(f"{self.name}: move() runs inside the caller's transaction, on a locked row.")
        previous = getattr(obj, self.field)
        to = self.statuses(to)
        if check:
            self.check(previous, to)
            self.guard.run(**{self.subject: obj}, previous=previous, to=to, actor=actor)
        setattr(obj, self.field, to)  # the one status write of the portal
        update_fields = [self.field, *fields]
        if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
            update_fields.append("updated_at")
        obj.save(update_fields=list(dict.fromkeys(update_fields)))
        user, on_behalf = acting_user(actor)
        row = self.history.objects.create(**{self.history_of: obj}, from_status=previous, to_status=to, by=user,
                                          on_behalf=on_behalf, note=note, **(history or {}))
        data = {"from": str(previous), "to": str(to), "note": note, **(audit_data or {})}
        if on_behalf:
            data["on_behalf_of"] = getattr(getattr(actor, "dealer", None), "pk", None)
        action = (audit_action or self.audit_action or f"{self.name}.{{to}}").format(to=to.value)
        audit.record(actor=user, action=action, target=obj,
                     dealer=dealer, ip_address=ip_address, data=data)
        if previous != to:
            self.moved.run(**{self.subject: obj}, previous=previous, actor=actor)
        for fn in after_commit:
            transaction.on_commit(fn)
        return row
