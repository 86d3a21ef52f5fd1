"""HTML forms of catalog: field validation only, then a service."""
from decimal import Decimal, InvalidOperation

from django import forms

from portal.errors import DomainError, add_to_form

from . import services
from .models import Category, Product
from .selectors import SORTS

ATTR_PREFIX = "attr_"


# A price filter above any price the money columns hold is no filter.
MAX_PRICE_FILTER = Decimal("1e12")


def _decimal(value):
    try:
        number = Decimal((value or "").strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and 0 <= number < MAX_PRICE_FILTER else None


def parse_list_params(params) -> dict:
    """The catalog list's URL query string → keyword arguments of selectors.search_products (bad values ignored)."""
    attrs = {}
    for key in params:
        if key.startswith(ATTR_PREFIX) and len(key) > len(ATTR_PREFIX):
            attrs[key[len(ATTR_PREFIX):]] = [v for v in params.getlist(key) if v][:20]
    sort = params.get("sort") or "relevance"
    return {
        "query": (params.get("q") or "").strip()[:200],
        "filters": {
            "attrs": attrs,
            "in_stock": params.get("in_stock") in ("1", "true"),
            "on_campaign": params.get("on_campaign") in ("1", "true"),
            "price_min": _decimal(params.get("price_min")),
            "price_max": _decimal(params.get("price_max")),
        },
        "sort": sort if sort in SORTS else "relevance",
        "page": params.get("page") or 1,
    }


class ProductAdminForm(forms.ModelForm):
    """The admin's product form: the service's checks (barcode) shown next to their fields."""

    class Meta:
        model = Product
        fields = "__all__"  # noqa: DJ007  (the ProductAdmin's fieldsets choose the fields)

    def _post_clean(self):
        super()._post_clean()
        try:
            services.clean_product(product=self.instance)
        except DomainError as exc:
            add_to_form(self, exc)


class CategoryAdminForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = "__all__"  # noqa: DJ007  (the CategoryAdmin's fields choose them)

    def clean(self):
        data = super().clean()
        try:
            services.check_category_parent(category=self.instance, parent=data.get("parent"))
        except DomainError as exc:
            add_to_form(self, exc)
        return data


