"""Saved lists (requisition lists): a dealer's named lists of products and quantities, shared by its users. Create,
rename, delete, add and remove lines, save the cart as a list, put all or chosen lines into the cart.

Every write locks the list row (two additions of one product at once end in one summed line). An agent's writes
for a dealer and every deletion of a list (shared by the dealer's users) leave an audit row."""
from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal import audit

from ..errors import DuplicateListName, InvalidListName, NoLines, NotAllowed
from ..models import CartLine, SavedList, SavedListLine
from .cart import add_checked_lines_to_cart_unchecked
from .lines import (
    AddedLine,
    CheckedLine,
    LineProblem,
    check_lines,
    check_quantity,
    merge_lines,
    quantity_text,
    require_cart,
)

NAME_MAX_LENGTH = SavedList._meta.get_field("name").max_length


def _audit(actor, action, saved_list, *, always=False, **data):
    if actor.on_behalf or always:
        audit.record(actor=actor.user, action=action, target=saved_list, dealer=actor.dealer,
                     data=actor.audit_data(**data))


def require_own_list(actor, saved_list: SavedList):
    """A list of another dealer is never written (selectors give 404 before; a task or the admin may call here)."""
    if saved_list.dealer_id != actor.dealer.pk:
        raise NotAllowed(_("This list belongs to another company."))


def _clean_name(name) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise InvalidListName(_("Give the list a name."), field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidListName(_("A list name has at most %(count)s characters.") % {"count": NAME_MAX_LENGTH},
                              field="name")
    return name


def _check_name_free(actor, name, exclude_pk=None):
    taken = SavedList.objects.filter(dealer=actor.dealer, name__iexact=name).exclude(pk=exclude_pk)
    if taken.exists():
        raise _duplicate(name)


def _duplicate(name):
    return DuplicateListName(_("Your company already has a list named “%(name)s”.") % {"name": name}, field="name")


def _lock(saved_list) -> SavedList:
    return SavedList.objects.select_for_update().get(pk=saved_list.pk)


def create_saved_list(*, actor, name) -> SavedList:
    """A new, empty list of the actor's dealer; names are unique per dealer whatever their case."""
    require_cart(actor)
    name = _clean_name(name)
    _check_name_free(actor, name)
    try:
        with transaction.atomic():
            saved_list = SavedList.objects.create(dealer=actor.dealer, name=name, created_by=actor.user)
            _audit(actor, "saved_list.created", saved_list, name=name)
    except IntegrityError:  # the same name created at the same moment
        raise _duplicate(name) from None
    return saved_list


def rename_saved_list(*, actor, saved_list: SavedList, name) -> SavedList:
    require_cart(actor)
    require_own_list(actor, saved_list)
    name = _clean_name(name)
    _check_name_free(actor, name, exclude_pk=saved_list.pk)
    before = saved_list.name
    try:
        with transaction.atomic():
            locked = _lock(saved_list)
            locked.name = name
            locked.save(update_fields=["name", "updated_at"])
            _audit(actor, "saved_list.renamed", locked, before=before, after=name)
    except IntegrityError:
        raise _duplicate(name) from None
    saved_list.name = name
    return locked


def delete_saved_list(*, actor, saved_list: SavedList) -> None:
    require_cart(actor)
    require_own_list(actor, saved_list)
    with transaction.atomic():
        locked = SavedList.objects.select_for_update().filter(pk=saved_list.pk).first()
        if locked is None:
            return  # deleted meanwhile: nothing left to do
        _audit(actor, "saved_list.deleted", locked, always=True, name=locked.name,
               lines=locked.lines.count())
        locked.delete()


def add_lines_to_list(*, actor, saved_list: SavedList, lines) -> tuple[list[AddedLine], list[LineProblem]]:
    """Add [(product or product id, quantity), …] to a list (a product already there grows), each line checked
    like a cart line. Returns (added, problems)."""
    require_cart(actor)
    require_own_list(actor, saved_list)
    checked, problems = check_lines(lines)
    added, more = add_checked_lines_to_list_unchecked(actor=actor, saved_list=saved_list, checked=checked)
    return added, sorted(problems + more, key=lambda p: p.line)


def add_checked_lines_to_list_unchecked(*, actor, saved_list, checked: list[CheckedLine]):
    """Add lines already checked (check_lines / quick order). Skips the role check: callers did it."""
    if not checked:
        return [], []
    with transaction.atomic():
        locked = _lock(saved_list)
        added, problems = merge_lines(model=SavedListLine, parent_field="saved_list", parent=locked, checked=checked)
        if added:
            locked.save(update_fields=["updated_at"])
            _audit(actor, "saved_list.lines_added", locked,
                   lines=[[a.product.sku, quantity_text(a.quantity)] for a in added])
    return added, problems


def set_list_line_quantity(*, actor, line: SavedListLine, quantity) -> SavedListLine:
    require_cart(actor)
    require_own_list(actor, line.saved_list)
    value = check_quantity(line.product, quantity)
    with transaction.atomic():
        locked = _lock(line.saved_list)
        before = line.quantity
        if not SavedListLine.objects.filter(pk=line.pk, saved_list=locked).update(quantity=value):
            raise NotAllowed(_("This line is no longer in the list."))
        locked.save(update_fields=["updated_at"])
        _audit(actor, "saved_list.quantity_changed", locked, sku=line.product.sku, before=quantity_text(before),
               after=quantity_text(value))
    line.quantity = value
    return line


def remove_list_line(*, actor, line: SavedListLine) -> None:
    require_cart(actor)
    require_own_list(actor, line.saved_list)
    with transaction.atomic():
        locked = _lock(line.saved_list)
        deleted, _detail = SavedListLine.objects.filter(pk=line.pk, saved_list=locked).delete()
        if deleted:
            locked.save(update_fields=["updated_at"])
            _audit(actor, "saved_list.line_removed", locked, sku=line.product.sku,
                   quantity=quantity_text(line.quantity))


def save_cart_as_list(*, actor, name) -> SavedList:
    """A new list holding the lines of the actor's cart (the cart stays as it is)."""
    require_cart(actor)
    name = _clean_name(name)
    _check_name_free(actor, name)
    lines = list(CartLine.objects.of(actor).values_list("product_id", "quantity"))
    if not lines:
        raise NoLines(_("Your cart is empty: there is nothing to save."))  # 400, as every orders.no_lines
    try:
        with transaction.atomic():
            saved_list = SavedList.objects.create(dealer=actor.dealer, name=name, created_by=actor.user)
            SavedListLine.objects.bulk_create(
                SavedListLine(saved_list=saved_list, product_id=product_id, quantity=quantity)
                for product_id, quantity in lines)
            _audit(actor, "saved_list.created_from_cart", saved_list, name=name, lines=len(lines))
    except IntegrityError:
        raise _duplicate(name) from None
    return saved_list


def add_list_to_cart(*, actor, saved_list: SavedList, line_ids=None) -> tuple[list[AddedLine], list[LineProblem]]:
    """Put the list's lines (all, or those of `line_ids`) into the actor's cart; each line is checked again
    (a product may have stopped being sold, a minimum may have changed). Problems are numbered by position in
    the list, from 1. Returns (added, problems)."""
    require_cart(actor)
    require_own_list(actor, saved_list)
    lines = list(saved_list.lines.order_by("added_at", "pk").values_list("pk", "product_id", "quantity"))
    if line_ids is not None:
        wanted = {int(pk) for pk in line_ids}
        numbered = [(n, pid, q) for n, (pk, pid, q) in enumerate(lines, start=1) if pk in wanted]
    else:
        numbered = [(n, pid, q) for n, (pk, pid, q) in enumerate(lines, start=1)]
    if not numbered:
        raise NoLines(_("Choose at least one line."), field="lines")
    checked, problems = check_lines([(pid, q) for _n, pid, q in numbered])
    positions = [n for n, _pid, _q in numbered]
    # check_lines numbers by position in its input; give back the position in the list.
    checked = [CheckedLine(positions[c.line - 1], c.product, c.quantity) for c in checked]
    problems = [LineProblem.of(positions[p.line - 1], p.sku, p.error) for p in problems]
    added, more = add_checked_lines_to_cart_unchecked(actor=actor, checked=checked)
    return added, sorted(problems + more, key=lambda p: p.line)
