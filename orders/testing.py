"""Test factories and helpers of orders, shared by every app's tests: carts, saved lists and their lines; the
catalog's products with orders' SKU sequence; a priced product, a dealer with addresses, a cart as a dict."""
from decimal import Decimal

import factory

from catalog.testing import CategoryFactory, ProductFactory
from dealers.testing import AddressFactory, DealerFactory, DealerUserFactory
from orders.models import Cart, CartLine, SavedList, SavedListLine
from portal.actors import Actor
from portal.testing import actor_of
from pricing.testing import PriceListItemFactory

__all__ = [
    "CartFactory", "CartLineFactory", "OrdersCategoryFactory", "OrdersProductFactory", "SavedListFactory",
    "SavedListLineFactory", "actor_of", "cart_of", "paste_into_cart", "priced", "with_addresses",
]


class OrdersCategoryFactory(CategoryFactory):
    slug = factory.Sequence(lambda n: f"orders-category-{n}")


class OrdersProductFactory(ProductFactory):
    sku = factory.Sequence(lambda n: f"ORD-{n:05d}")
    category = factory.SubFactory(OrdersCategoryFactory)


class CartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cart

    dealer = factory.SubFactory(DealerFactory)
    user = factory.SubFactory(DealerUserFactory, dealer=factory.SelfAttribute("..dealer"))


class CartLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CartLine

    cart = factory.SubFactory(CartFactory)
    product = factory.SubFactory(OrdersProductFactory)
    quantity = Decimal("1")


class SavedListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedList

    dealer = factory.SubFactory(DealerFactory)
    name = factory.Sequence(lambda n: f"List {n}")


class SavedListLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedListLine

    saved_list = factory.SubFactory(SavedListFactory)
    product = factory.SubFactory(OrdersProductFactory)
    quantity = Decimal("1")


def priced(market, price="100.00", **fields):
    """A product (orders' SKU sequence) with a row of `price` in the price list `market`."""
    product = OrdersProductFactory(**fields)
    PriceListItemFactory(price_list=market, product=product, unit_price=Decimal(price))
    return product


def with_addresses(dealer, shipping="Ankara depot", billing="Head office"):
    """A dealer with a default shipping and a default billing address (what checkout needs)."""
    from dealers.models import Address

    AddressFactory(dealer=dealer, kind=Address.Kind.SHIPPING, is_default=True, label=shipping)
    AddressFactory(dealer=dealer, kind=Address.Kind.BILLING, is_default=True, label=billing)
    return dealer


def paste_into_cart(page, base, lines):
    """In the browser: paste `lines` into quick order, then open the cart."""
    page.goto(base + "/orders/cart/quick/")
    page.fill("#id_lines", lines)
    page.click("#quick-order-form button[type=submit]")
    page.wait_for_load_state()
    page.goto(base + "/orders/cart/")


def cart_of(user, dealer=None):
    """{SKU: quantity} of the cart of `user` (acting for `dealer`, or an Actor as it is)."""
    actor = user if isinstance(user, Actor) else actor_of(user, dealer)
    return {line.product.sku: line.quantity for line in CartLine.objects.of(actor).select_related("product")}
