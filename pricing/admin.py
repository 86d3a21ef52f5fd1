"""Django admin of pricing: price lists with their rows, campaigns, payment adjustments, and the
"Price as dealer…" page that shows what the engine charges a dealer, rule by rule."""
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime, AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog.models import Product
from catalog.selectors import list_example_skus
from catalog.skus import example_lines
from dealers.models import Dealer
from portal.errors import DomainError, add_to_form

from . import permissions, selectors
from .engine import format_quantity
from .models import Campaign, PaymentAdjustment, PriceList, PriceListItem
from .models.prices import MAX_INSTALLMENTS


def _product_autocomplete_ready(admin_site) -> bool:
    # The catalog admin (another stage) may or may not register Product with search_fields yet.
    product_admin = admin_site._registry.get(Product)
    return bool(product_admin and product_admin.search_fields)


class ProductLookupMixin:
    """A product picker: autocomplete when the catalog admin supports it, a raw id field otherwise."""

    raw_id_fields = ["product"]

    def get_autocomplete_fields(self, request):
        return ["product"] if _product_autocomplete_ready(self.admin_site) else []


class PriceListItemInline(ProductLookupMixin, admin.TabularInline):
    model = PriceListItem
    fields = ["product", "min_quantity", "unit_price"]
    extra = 1
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")


@admin.register(PriceList)
class PriceListAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "owner", "currency", "valid_from", "valid_to", "priority", "active", "rows"]
    list_filter = ["kind", "active", "currency", "segment"]
    search_fields = ["name", "erp_code", "dealer__legal_name", "dealer__code", "segment__name"]
    list_select_related = ["segment", "dealer"]
    autocomplete_fields = ["segment", "dealer"]
    fieldsets = (
        (None, {"fields": ("name", "kind", "segment", "dealer", "currency", "erp_code")}),
        (_("Validity"), {"fields": ("valid_from", "valid_to", "priority", "active"),
                         "description": _("Contract over segment over market; of two lists of one kind the higher "
                                          "priority wins, then the newer.")}),
    )
    inlines = [PriceListItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(row_count=Count("items"))

    @admin.display(description=_("for"))
    def owner(self, obj):
        return obj.dealer or obj.segment or gettext("everyone")

    @admin.display(description=_("prices"), ordering="row_count")
    def rows(self, obj):
        return obj.row_count

    # --- Price as dealer… -------------------------------------------------------------------------

    def get_urls(self):
        return [
            path("price-as-dealer/", self.admin_site.admin_view(self.price_as_dealer_view),
                 name="pricing_pricelist_price_as_dealer"),
        ] + super().get_urls()

    def price_as_dealer_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        submitted = "lines" in request.GET
        form = PriceAsDealerForm(request.GET if submitted else None, admin_site=self.admin_site,
                                 initial={"dealer": request.GET.get("dealer"), "installments": 1})
        lines = totals = None
        if submitted and form.is_valid():
            data = form.cleaned_data
            try:
                if data["dealer"] is not None:
                    permissions.require_price_as(request.user, data["dealer"])
                lines, totals = selectors.get_price_preview(
                    dealer=data["dealer"], text=data["lines"], on=data["on"] or None,
                    payment_method=data["payment_method"] or None, installments=data["installments"] or 1)
            except DomainError as exc:
                add_to_form(form, exc, fields={"dealer_code": "dealer"})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Price as dealer"),
            "form": form,
            "media": self.media + form.media,
            "lines": lines,
            "rows": [{"line": line, "quantity": format_quantity(line.quantity),
                      "vat_rate": format_quantity(line.vat_rate),
                      "breaks": [(format_quantity(q), price) for q, price in line.breaks]}
                     for line in lines or []],
            "totals": totals,
            "dealer": form.cleaned_data.get("dealer") if lines is not None else None,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/pricing/pricelist/price_as_dealer.html", context)


class PriceAsDealerForm(forms.Form):
    dealer = forms.ModelChoiceField(
        label=_("Dealer"), queryset=Dealer.objects.select_related("segment"), required=False,
        help_text=_("Empty: the market price a visitor without a dealer sees."))
    lines = forms.CharField(
        label=_("Lines"),
        widget=forms.Textarea(attrs={"rows": 8, "cols": 40}),
        help_text=_("One line per product: SKU, a space, the quantity (default 1)."))
    payment_method = forms.ChoiceField(
        label=_("Payment method"), required=False,
        choices=[("", _("— not chosen —"))] + list(PaymentAdjustment.Method.choices))
    installments = forms.IntegerField(label=_("Installments"), min_value=1, max_value=MAX_INSTALLMENTS,
                                      required=False, initial=1)
    on = forms.SplitDateTimeField(label=_("Priced at"), required=False, widget=AdminSplitDateTime,
                                  help_text=_("Empty: now."))

    def __init__(self, *args, admin_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"].widget.attrs["placeholder"] = example_lines(list_example_skus(), separators=(" ",))
        if admin_site is not None:
            dealer = self.fields["dealer"]
            dealer.widget = AutocompleteSelect(PriceList._meta.get_field("dealer"), admin_site)
            dealer.queryset = dealer.queryset  # the setter binds the new widget's choices


@admin.register(PriceListItem)
class PriceListItemAdmin(ProductLookupMixin, admin.ModelAdmin):
    """All rows across lists, for large lists whose inline would be too long to edit."""

    list_display = ["price_list", "product", "min_quantity", "unit_price"]
    list_editable = ["unit_price"]
    list_filter = ["price_list__kind", "price_list"]
    search_fields = ["product__sku", "product__name", "price_list__name"]
    list_select_related = ["price_list", "product"]
    autocomplete_fields = ["price_list"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "value", "window", "min_quantity", "active", "running_now"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    date_hierarchy = "starts_at"
    filter_horizontal = ["products", "categories", "segments", "dealers"]
    fieldsets = (
        (None, {"fields": ("name", "kind", "value", "min_quantity", "active")}),
        (_("When"), {"fields": ("starts_at", "ends_at"),
                     "description": _("Runs from the start up to (not including) the end.")}),
        (_("What"), {"fields": ("products", "categories"),
                     "description": _("Products, or categories with their subcategories. Empty: no product.")}),
        (_("For whom"), {"fields": ("segments", "dealers"),
                         "description": _("Empty: every segment / every dealer.")}),
    )

    @admin.display(description=_("window"), ordering="starts_at")
    def window(self, obj):
        def local(moment):
            return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")

        return f"{local(obj.starts_at)} – {local(obj.ends_at)}"

    @admin.display(description=_("running now"), boolean=False)
    def running_now(self, obj):
        now = timezone.now()
        if obj.active and obj.starts_at <= now < obj.ends_at:
            return format_html('<span class="campaign-running">{}</span>', gettext("running"))
        if obj.active and now < obj.starts_at:
            return format_html('<span class="campaign-upcoming">{}</span>', gettext("upcoming"))
        return format_html('<span class="campaign-off">{}</span>',
                           gettext("ended") if now >= obj.ends_at else gettext("off"))


@admin.register(PaymentAdjustment)
class PaymentAdjustmentAdmin(admin.ModelAdmin):
    list_display = ["method", "installments", "percent", "active"]
    list_display_links = ["method"]
    list_editable = ["percent", "active"]
    list_filter = ["method", "active"]


from . import quote_admin  # noqa: E402,F401  (quotes: their own module, registered with the admin here)
