"""Cart and saved-list services: the happy paths, one test per refusal, agents acting for a dealer (own cart,
audit row), the priced cart view and its query count, and parallel additions on real PostgreSQL."""
import threading
from decimal import Decimal

import pytest
from django.db import connection

from catalog.models import Unit
from dealers.models import Dealer, Role
from dealers.testing import DealerFactory, DealerUserFactory, StaffFactory
from orders import selectors, services
from orders.errors import (
    DealerNotApproved,
    DuplicateListName,
    InvalidListName,
    NoDealer,
    NoLines,
    NotAllowed,
    ProductUnavailable,
    QuantityTooLarge,
)
from orders.models import Cart, CartLine, SavedList, SavedListLine
from orders.testing import OrdersProductFactory, SavedListFactory, SavedListLineFactory, actor_of, cart_of, priced
from portal.actors import Actor
from portal.errors import DomainError
from portal.models import AuditEntry
from pricing.testing import CampaignFactory, PriceListFactory, PriceListItemFactory

pytestmark = pytest.mark.django_db
D = Decimal



# --- adding -----------------------------------------------------------------------------------------------------

def test_add_lines_creates_the_cart_and_sums_a_product_already_there(actor, panel, boxed):
    added, problems = services.add_lines_to_cart(actor=actor, lines=[(panel, "2"), (boxed.pk, D(10))])
    assert problems == [] and [(a.line, a.quantity, a.total) for a in added] == [(1, D(2), D(2)), (2, D(10), D(10))]
    added, problems = services.add_lines_to_cart(actor=actor, lines=[(panel, 3)])
    assert added[0].total == D(5)
    assert cart_of(actor) == {"LED-600": D(5), "CAB-3X25": D(10)}
    cart = Cart.objects.get()
    assert (cart.user, cart.dealer, cart.placed_by, cart.on_behalf) == (actor.user, actor.dealer, actor.user, False)
    assert not AuditEntry.objects.filter(action__startswith="cart.").exists()  # a dealer's own cart is not audited


def test_add_lines_returns_problems_by_position_and_adds_the_rest(actor, panel, boxed, cable, retired):
    added, problems = services.add_lines_to_cart(actor=actor, lines=[
        (panel, 1), (999999, 1), (boxed, 12), (boxed, 5), (cable, "0.25"), (retired, 1), (panel, "1.5"),
        (panel, "abc"), (panel, 0), (panel, "1.0001"), (cable, "1,5"), (panel, 1.0)])
    assert [a.line for a in added] == [1, 11]
    assert [(p.line, p.code) for p in problems] == [
        (2, "orders.unknown_product"), (3, "catalog.not_a_multiple"), (4, "catalog.below_minimum"),
        (5, "catalog.below_minimum"), (6, "orders.product_unavailable"), (7, "catalog.not_whole"),
        (8, "catalog.invalid_quantity"), (9, "catalog.invalid_quantity"), (10, "catalog.invalid_quantity"),
        (12, "catalog.invalid_quantity")]  # a float is refused: quantities are Decimal
    assert cart_of(actor) == {"LED-600": D(1), "KB-1": D("1.5")}


def test_add_to_cart_raises_the_lines_error(actor, boxed, retired):
    with pytest.raises(ProductUnavailable):
        services.add_to_cart(actor=actor, product=retired, quantity=1)
    with pytest.raises(DomainError) as exc:
        services.add_to_cart(actor=actor, product=boxed, quantity=12)
    assert exc.value.code == "catalog.not_a_multiple" and "10 or 15" in str(exc.value.message)
    line = services.add_to_cart(actor=actor, product=boxed, quantity=15)
    assert line.quantity == D(15) and line.product == boxed
    assert cart_of(actor) == {"CAB-3X25": D(15)}


def test_a_total_too_large_for_a_line_is_refused(actor, panel):
    panel.allow_backorder = True  # so that stock does not refuse it first
    panel.save()
    services.add_lines_to_cart(actor=actor, lines=[(panel, "999999999")])
    added, problems = services.add_lines_to_cart(actor=actor, lines=[(panel, 1)])
    assert added == [] and problems[0].code == QuantityTooLarge.code
    assert cart_of(actor) == {"LED-600": D("999999999")}


def test_adding_checks_the_new_total_when_the_rules_changed_meanwhile(actor, boxed):
    services.add_lines_to_cart(actor=actor, lines=[(boxed, 15)])
    boxed.order_multiple = D(10)
    boxed.save()
    added, problems = services.add_lines_to_cart(actor=actor, lines=[(boxed, 10)])
    assert added == [] and problems[0].code == "catalog.not_a_multiple"
    assert "With the 15 already there" in problems[0].message


@pytest.mark.parametrize("role", [Role.FINANCE, Role.VIEWER])
def test_roles_without_cart_are_refused(dealer, panel, role):
    actor = actor_of(DealerUserFactory(dealer=dealer, role=role))
    for call in (lambda: services.add_lines_to_cart(actor=actor, lines=[(panel, 1)]),
                 lambda: services.add_quick_order(actor=actor, text="LED-600 1"),
                 lambda: services.clear_cart(actor=actor),
                 lambda: services.create_saved_list(actor=actor, name="Mine")):
        with pytest.raises(NotAllowed) as exc:
            call()
        assert exc.value.code == "orders.not_allowed"
    assert not CartLine.objects.exists() and not SavedList.objects.exists()


@pytest.mark.parametrize("role", [Role.OWNER, Role.BUYER, Role.APPROVER])
def test_roles_with_cart_may_add(dealer, panel, role):
    actor = actor_of(DealerUserFactory(dealer=dealer, role=role))
    services.add_lines_to_cart(actor=actor, lines=[(panel, 1)])
    assert cart_of(actor) == {"LED-600": D(1)}


@pytest.mark.parametrize("status", [Dealer.Status.APPLIED, Dealer.Status.SUSPENDED, Dealer.Status.REJECTED])
def test_an_unapproved_dealer_cannot_fill_a_cart(panel, status):
    actor = actor_of(DealerUserFactory(dealer=DealerFactory(status=status)))
    with pytest.raises(DealerNotApproved) as exc:
        services.add_lines_to_cart(actor=actor, lines=[(panel, 1)])
    assert exc.value.code == "orders.dealer_not_approved" and not CartLine.objects.exists()


def test_staff_not_acting_for_a_dealer_has_no_cart(panel):
    with pytest.raises(NoDealer):
        services.add_lines_to_cart(actor=Actor(user=StaffFactory()), lines=[(panel, 1)])


def test_an_inactive_user_cannot_fill_a_cart(owner, panel):
    owner.is_active = False
    owner.save()
    with pytest.raises(NotAllowed):
        services.add_lines_to_cart(actor=actor_of(owner), lines=[(panel, 1)])


# --- changing, removing, clearing ---------------------------------------------------------------------------------

def test_set_quantity_follows_the_rule_and_changes_nothing_when_refused(actor, boxed):
    services.add_lines_to_cart(actor=actor, lines=[(boxed, 10)])
    line = selectors.get_cart_line(actor=actor, pk=CartLine.objects.get().pk)
    for bad, code in [("12", "catalog.not_a_multiple"), ("5", "catalog.below_minimum"), ("0", "catalog.invalid_quantity"),
                      ("x", "catalog.invalid_quantity"), ("10.5", "catalog.not_whole")]:
        with pytest.raises(DomainError) as exc:
            services.set_cart_line_quantity(actor=actor, line=line, quantity=bad)
        assert exc.value.code == code
    assert cart_of(actor) == {"CAB-3X25": D(10)}
    services.set_cart_line_quantity(actor=actor, line=line, quantity="25")
    assert cart_of(actor) == {"CAB-3X25": D(25)}


def test_a_line_of_a_product_no_longer_sold_cannot_change_but_can_go(actor, panel):
    services.add_lines_to_cart(actor=actor, lines=[(panel, 2)])
    panel.active = False
    panel.save()
    line = selectors.get_cart_line(actor=actor, pk=CartLine.objects.get().pk)
    with pytest.raises(ProductUnavailable):
        services.set_cart_line_quantity(actor=actor, line=line, quantity=3)
    services.remove_cart_line(actor=actor, line=line)
    assert cart_of(actor) == {}


def test_another_users_line_is_not_found_and_not_written(actor, buyer, panel):
    buyer_actor = actor_of(buyer)
    services.add_lines_to_cart(actor=buyer_actor, lines=[(panel, 2)])
    line = CartLine.objects.select_related("cart", "product").get()
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.get_cart_line(actor=actor, pk=line.pk)
    with pytest.raises(NotAllowed):
        services.set_cart_line_quantity(actor=actor, line=line, quantity=5)
    with pytest.raises(NotAllowed):
        services.remove_cart_line(actor=actor, line=line)
    assert cart_of(buyer_actor) == {"LED-600": D(2)}


def test_clear_cart_empties_only_the_actors_cart(actor, buyer, panel, boxed):
    services.add_lines_to_cart(actor=actor, lines=[(panel, 1), (boxed, 10)])
    services.add_lines_to_cart(actor=actor_of(buyer), lines=[(panel, 1)])
    assert services.clear_cart(actor=actor) == 2
    assert cart_of(actor) == {} and cart_of(actor_of(buyer)) == {"LED-600": D(1)}
    assert services.clear_cart(actor=actor) == 0  # twice changes nothing


# --- agents acting for a dealer -------------------------------------------------------------------------------------

def test_an_agent_acting_has_its_own_cart_and_every_write_names_agent_and_dealer(actor, agent, agent_actor, dealer,
                                                                                 panel, boxed):
    services.add_lines_to_cart(actor=actor, lines=[(panel, 1)])
    services.add_lines_to_cart(actor=agent_actor, lines=[(panel, 4), (boxed, 10)])
    assert cart_of(actor) == {"LED-600": D(1)}
    assert cart_of(agent_actor) == {"LED-600": D(4), "CAB-3X25": D(10)}
    agent_cart = Cart.objects.get(user=agent)
    assert agent_cart.dealer == dealer and agent_cart.placed_by == agent and agent_cart.on_behalf

    entry = AuditEntry.objects.get(action="cart.lines_added")
    assert entry.actor == agent and entry.dealer == dealer
    assert entry.data["on_behalf_of"] == dealer.pk and entry.data["lines"] == [["LED-600", "4"], ["CAB-3X25", "10"]]

    line = selectors.get_cart_line(actor=agent_actor, pk=CartLine.objects.get(cart=agent_cart, product=panel).pk)
    services.set_cart_line_quantity(actor=agent_actor, line=line, quantity=6)
    services.remove_cart_line(actor=agent_actor, line=line)
    services.clear_cart(actor=agent_actor)
    actions = list(AuditEntry.objects.filter(actor=agent, dealer=dealer).values_list("action", flat=True))
    assert sorted(actions) == sorted(["cart.lines_added", "cart.quantity_changed", "cart.line_removed",
                                      "cart.cleared"])


def test_an_agent_for_two_dealers_has_a_cart_for_each(agent, dealer, panel):
    second = DealerFactory()
    second.agents.add(agent)
    services.add_lines_to_cart(actor=actor_of(agent, dealer), lines=[(panel, 1)])
    services.add_lines_to_cart(actor=actor_of(agent, second), lines=[(panel, 7)])
    assert Cart.objects.filter(user=agent).count() == 2
    assert cart_of(actor_of(agent, second)) == {"LED-600": D(7)}


# --- the priced cart view -----------------------------------------------------------------------------------------

def test_cart_view_prices_lines_with_reasons_vat_and_totals(actor, dealer, panel, boxed, market):
    PriceListItemFactory(price_list=PriceListFactory(kind="contract", dealer=dealer), product=panel,
                         unit_price=D("90.00"))
    services.add_lines_to_cart(actor=actor, lines=[(panel, 3), (boxed, 10)])
    view = selectors.get_cart_view(actor=actor)
    first, second = view.rows
    assert (first.product.sku, first.price.unit_price, first.price.line_net) == ("LED-600", D("90.00"), D("270.00"))
    assert [rule.kind for rule in first.price.rules] == ["market", "contract"]
    assert first.price.vat_amount == D("54.00") and first.price.line_gross == D("324.00")
    assert first.price.saving == D("30.00")
    assert (second.price.unit_price, second.price.line_net) == (D("12.50"), D("125.00"))
    totals = view.totals
    assert (totals.net, totals.vat, totals.gross, totals.saving) == (D("395.00"), D("79.00"), D("474.00"),
                                                                      D("30.00"))
    assert all(isinstance(v, Decimal) for v in (totals.net, totals.vat, totals.gross))
    assert view.orderable and view.count == 2 and view.cart.user == actor.user


def test_cart_view_tells_why_a_line_cannot_be_ordered(actor, panel, boxed, market):
    unpriced = OrdersProductFactory(sku="NP-1")
    services.add_lines_to_cart(actor=actor, lines=[(panel, 1), (boxed, 10), (unpriced, 1)])
    panel.active = False
    panel.save()
    boxed.min_order_quantity = D(20)
    boxed.save()
    view = selectors.get_cart_view(actor=actor)
    problems = {row.product.sku: row.problem for row in view.rows}
    assert "no longer sold" in problems["LED-600"]
    assert "minimum order quantity is 20" in problems["CAB-3X25"]
    assert "No price" in problems["NP-1"]
    assert not view.orderable and not view.totals.all_priced


def test_empty_cart_view(actor):
    view = selectors.get_cart_view(actor=actor)
    assert view.is_empty and view.cart is None and view.totals.net == D("0.00") and not view.orderable


@pytest.mark.parametrize("count", [1, 30])
def test_cart_view_runs_a_fixed_number_of_queries(actor, market, count, django_assert_num_queries):
    products = [priced(market, "10.00") for _ in range(count)]
    CampaignFactory(products=products[:1])  # a running campaign: the engine reads its scopes too
    services.add_lines_to_cart(actor=actor, lines=[(p, 1) for p in products])
    # the lines with their products (1) + the price engine's fixed few (products, price rows, campaigns: 3)
    with django_assert_num_queries(4):
        view = selectors.get_cart_view(actor=actor)
    assert view.count == count and view.totals.all_priced


# --- saved lists --------------------------------------------------------------------------------------------------

def test_create_rename_delete_a_list_with_case_insensitive_unique_names(actor, buyer, dealer):
    saved = services.create_saved_list(actor=actor, name="  Monthly   restock ")
    assert (saved.name, saved.dealer, saved.created_by) == ("Monthly restock", dealer, actor.user)
    with pytest.raises(DuplicateListName) as exc:
        services.create_saved_list(actor=actor_of(buyer), name="MONTHLY RESTOCK")
    assert exc.value.conflict
    for bad in ("", "   ", "x" * 101):
        with pytest.raises(InvalidListName):
            services.create_saved_list(actor=actor, name=bad)
    other = services.create_saved_list(actor=actor, name="Site B")
    with pytest.raises(DuplicateListName):
        services.rename_saved_list(actor=actor, saved_list=other, name="monthly restock")
    services.rename_saved_list(actor=actor, saved_list=saved, name="monthly RESTOCK")  # its own name, other case
    assert SavedList.objects.get(pk=saved.pk).name == "monthly RESTOCK"
    services.delete_saved_list(actor=actor, saved_list=other)
    assert list(SavedList.objects.values_list("name", flat=True)) == ["monthly RESTOCK"]
    deleted = AuditEntry.objects.get(action="saved_list.deleted")  # a shared list's deletion is always recorded
    assert deleted.actor == actor.user and deleted.dealer == dealer and deleted.data["name"] == "Site B"


def test_another_dealer_may_use_the_same_name(actor, other_dealer):
    services.create_saved_list(actor=actor, name="Restock")
    services.create_saved_list(actor=actor_of(DealerUserFactory(dealer=other_dealer)), name="Restock")
    assert SavedList.objects.count() == 2


def test_list_lines_add_sum_change_and_go(actor, panel, boxed, retired):
    saved = services.create_saved_list(actor=actor, name="Site A")
    added, problems = services.add_lines_to_list(actor=actor, saved_list=saved,
                                                 lines=[(panel, 2), (boxed, 12), (retired, 1), (panel, 3)])
    assert [(a.line, a.total) for a in added] == [(1, D(2)), (4, D(5))]
    assert [(p.line, p.code) for p in problems] == [(2, "catalog.not_a_multiple"), (3, "orders.product_unavailable")]
    line = saved.lines.get(product=panel)
    line = selectors.get_saved_list_line(actor=actor, saved_list=saved, pk=line.pk)
    services.set_list_line_quantity(actor=actor, line=line, quantity="7")
    assert saved.lines.get(product=panel).quantity == D(7)
    with pytest.raises(DomainError):
        services.set_list_line_quantity(actor=actor, line=line, quantity="0")
    services.remove_list_line(actor=actor, line=line)
    assert not saved.lines.exists()


def test_save_cart_as_list_copies_the_lines_and_keeps_the_cart(actor, panel, boxed):
    with pytest.raises(NoLines):
        services.save_cart_as_list(actor=actor, name="Empty")
    services.add_lines_to_cart(actor=actor, lines=[(panel, 2), (boxed, 15)])
    saved = services.save_cart_as_list(actor=actor, name="From cart")
    assert dict(saved.lines.values_list("product__sku", "quantity")) == {"LED-600": D(2), "CAB-3X25": D(15)}
    assert cart_of(actor) == {"LED-600": D(2), "CAB-3X25": D(15)}
    with pytest.raises(DuplicateListName):
        services.save_cart_as_list(actor=actor, name="from CART")


def test_add_all_or_chosen_lines_of_a_list_to_the_cart(actor, dealer, panel, boxed, cable):
    saved = SavedListFactory(dealer=dealer)
    first = SavedListLineFactory(saved_list=saved, product=panel, quantity=D(2))
    SavedListLineFactory(saved_list=saved, product=boxed, quantity=D(10))
    third = SavedListLineFactory(saved_list=saved, product=cable, quantity=D("2.5"))
    added, problems = services.add_list_to_cart(actor=actor, saved_list=saved, line_ids=[first.pk, third.pk])
    assert [(a.line, a.product.sku) for a in added] == [(1, "LED-600"), (3, "KB-1")] and problems == []
    added, problems = services.add_list_to_cart(actor=actor, saved_list=saved)
    assert cart_of(actor) == {"LED-600": D(4), "CAB-3X25": D(10), "KB-1": D(5)}
    with pytest.raises(NoLines):
        services.add_list_to_cart(actor=actor, saved_list=saved, line_ids=[])


def test_list_lines_are_checked_again_when_added_to_the_cart(actor, dealer, panel, boxed):
    saved = SavedListFactory(dealer=dealer)
    SavedListLineFactory(saved_list=saved, product=panel, quantity=D(1))
    SavedListLineFactory(saved_list=saved, product=boxed, quantity=D(10))
    boxed.active = False
    boxed.save()
    added, problems = services.add_list_to_cart(actor=actor, saved_list=saved)
    assert [a.product.sku for a in added] == ["LED-600"]
    assert [(p.line, p.sku, p.code) for p in problems] == [(2, "CAB-3X25", "orders.product_unavailable")]


def test_another_dealers_list_is_never_written(actor, other_dealer, panel):
    foreign = SavedListFactory(dealer=other_dealer, name="Theirs")
    line = SavedListLineFactory(saved_list=foreign, product=panel)
    for call in (lambda: services.rename_saved_list(actor=actor, saved_list=foreign, name="Mine"),
                 lambda: services.delete_saved_list(actor=actor, saved_list=foreign),
                 lambda: services.add_lines_to_list(actor=actor, saved_list=foreign, lines=[(panel, 1)]),
                 lambda: services.add_list_to_cart(actor=actor, saved_list=foreign),
                 lambda: services.remove_list_line(actor=actor, line=line),
                 lambda: services.set_list_line_quantity(actor=actor, line=line, quantity=3)):
        with pytest.raises(NotAllowed):
            call()
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.get_saved_list(actor=actor, pk=foreign.pk)
    assert SavedList.objects.get(pk=foreign.pk).name == "Theirs" and cart_of(actor) == {}


def test_an_agent_creates_lists_for_the_dealer_and_is_recorded(agent, agent_actor, dealer, panel, owner):
    saved = services.create_saved_list(actor=agent_actor, name="Prepared by your agent")
    services.add_lines_to_list(actor=agent_actor, saved_list=saved, lines=[(panel, 5)])
    assert saved.dealer == dealer and saved.created_by == agent
    assert [s.pk for s in selectors.list_saved_lists(actor=actor_of(owner))] == [saved.pk]  # the dealer sees it
    rows = AuditEntry.objects.filter(actor=agent, dealer=dealer).order_by("pk")
    assert list(rows.values_list("action", flat=True)) == ["saved_list.created", "saved_list.lines_added"]
    assert all(row.data["on_behalf_of"] == dealer.pk for row in rows)


def test_saved_list_view_prices_lines_now(actor, dealer, panel, market):
    saved = SavedListFactory(dealer=dealer)
    SavedListLineFactory(saved_list=saved, product=panel, quantity=D(2))
    view = selectors.get_saved_list_view(actor=actor, saved_list=saved)
    assert view.totals.net == D("200.00") and view.rows[0].price.rules


# --- concurrency (real threads, real PostgreSQL) ---------------------------------------------------------------------

def _in_parallel(count, fn):
    barrier = threading.Barrier(count)
    errors = []

    def run(index):
        try:
            barrier.wait()
            fn(index)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("threads, cart_exists", [(2, False), (2, True), (8, False)])
def test_parallel_additions_of_one_product_end_in_one_line_with_the_sum(threads, cart_exists):
    owner = DealerUserFactory(dealer=DealerFactory(), role=Role.BUYER)
    product = OrdersProductFactory(unit=Unit.BOX, min_order_quantity=D(5), order_multiple=D(5))
    actor = actor_of(owner)
    if cart_exists:
        Cart.objects.create(user=owner, dealer=owner.dealer)
    errors = _in_parallel(threads, lambda i: services.add_lines_to_cart(actor=actor, lines=[(product, D(5))]))
    assert errors == []
    line = CartLine.objects.get()
    assert line.quantity == D(5) * threads
    assert Cart.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_lists_of_one_name_end_in_one_list():
    owner = DealerUserFactory(dealer=DealerFactory())
    actor = actor_of(owner)
    errors = _in_parallel(4, lambda i: services.create_saved_list(actor=actor, name=f"Restock{' ' * i}"))
    assert SavedList.objects.count() == 1
    assert len(errors) == 3 and all(isinstance(e, DuplicateListName) for e in errors)


@pytest.mark.django_db(transaction=True)
def test_parallel_additions_to_a_list_end_in_one_line_with_the_sum():
    owner = DealerUserFactory(dealer=DealerFactory())
    product = OrdersProductFactory()
    actor = actor_of(owner)
    saved = SavedList.objects.create(dealer=owner.dealer, name="Shared")
    errors = _in_parallel(4, lambda i: services.add_lines_to_list(actor=actor, saved_list=saved,
                                                                   lines=[(product, 2)]))
    assert errors == [] and SavedListLine.objects.get().quantity == D(8)


def test_the_headers_cart_count_follows_every_change(actor, panel, boxed):
    from orders import selectors

    assert selectors.count_cart_lines(actor=actor) == 0
    services.add_lines_to_cart(actor=actor, lines=[(panel, 1), (boxed, 10)])
    assert selectors.count_cart_lines(actor=actor) == 2
    line = selectors.list_cart_lines(actor=actor).get(product=panel)
    services.remove_cart_line(actor=actor, line=line)
    assert selectors.count_cart_lines(actor=actor) == 1
    services.clear_cart(actor=actor)
    assert selectors.count_cart_lines(actor=actor) == 0
