"""Factories of orders: carts, saved lists and their lines; the catalog's products with orders' SKU sequence."""
from decimal import Decimal

import factory

from catalog.tests.factories import CategoryFactory, ProductFactory
from dealers.tests.factories import DealerFactory, DealerUserFactory
from orders.models import Cart, CartLine, SavedList, SavedListLine


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
