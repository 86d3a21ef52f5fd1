"""Carts (one per user and dealer) and saved lists (a dealer's named requisition lists), with their lines."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

# Quantities: up to 999,999,999.999 — what catalog.services.validate_quantity admits (three decimals, < 10⁹).
QUANTITY_DIGITS = 12
QUANTITY_PLACES = 3


def _quantity_field():
    return models.DecimalField(_("quantity"), max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES)


class Cart(models.Model):
    """The cart `user` fills for `dealer`: a dealer user's own cart, or an agent's cart for a dealer it acts for.

    `user` is who placed the lines (placed_by); `dealer` is whom they are for. Both are kept into the order.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="carts")
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"), on_delete=models.CASCADE,
                               related_name="carts")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["user", "dealer"], name="one_cart_per_user_and_dealer")]

    def __str__(self):
        return f"{self.user} → {self.dealer}"

    @property
    def placed_by(self):
        return self.user

    @property
    def on_behalf(self) -> bool:
        """True for an agent's cart for a dealer (the user is not one of the dealer's users)."""
        return self.user.dealer_id != self.dealer_id


class CartLineQuerySet(models.QuerySet):
    def of(self, actor):
        """The lines of the actor's own cart for the dealer it acts for (none without a dealer)."""
        if actor is None or actor.dealer is None or not getattr(actor.user, "is_authenticated", False):
            return self.none()
        return self.filter(cart__user=actor.user, cart__dealer=actor.dealer)


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, verbose_name=_("cart"), on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.CASCADE,
                                related_name="+")
    quantity = _quantity_field()
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CartLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="one_cart_line_per_product"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="cart_line_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.product.sku} × {self.quantity.normalize():f}"


class SavedListQuerySet(models.QuerySet):
    def visible_to(self, actor):
        """The saved lists of the dealer the actor acts for: every user of a dealer (and its agents) shares them."""
        if actor is None or actor.dealer is None:
            return self.none()
        return self.filter(dealer=actor.dealer)


class SavedList(models.Model):
    """A dealer's named list of products and quantities (a requisition list), shared by its users."""

    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"), on_delete=models.CASCADE,
                               related_name="saved_lists")
    name = models.CharField(_("name"), max_length=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SavedListQuerySet.as_manager()

    class Meta:
        verbose_name = _("saved list")
        verbose_name_plural = _("saved lists")
        ordering = [Lower("name"), "pk"]
        constraints = [
            # "Projects" and "projects" are one name: two lists a person cannot tell apart are refused.
            models.UniqueConstraint(F("dealer"), Lower("name"), name="saved_list_name_unique_per_dealer"),
        ]

    def __str__(self):
        return self.name


class SavedListLine(models.Model):
    saved_list = models.ForeignKey(SavedList, verbose_name=_("saved list"), on_delete=models.CASCADE,
                                   related_name="lines")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.CASCADE,
                                related_name="+")
    quantity = _quantity_field()
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved list line")
        verbose_name_plural = _("saved list lines")
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["saved_list", "product"], name="one_saved_list_line_per_product"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="saved_list_line_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.product.sku} × {self.quantity.normalize():f}"
