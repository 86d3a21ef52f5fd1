"""Django admin of catalog: the category tree, product cards with images, documents and specifications,
attributes. Saving goes through the services (save_category, save_product, make_thumbnail)."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal import uploads
from portal.errors import DomainError

from . import services
from .forms import CategoryAdminForm, ProductAdminForm
from .models import Attribute, Category, Product, ProductAttribute, ProductDocument, ProductImage
from .units import quantity_with_unit


def quantity_with_unit_field(description, quantity="quantity", unit="unit"):
    """An admin column or read-only field reading "2 pieces" / "2 adet" from a stored quantity and unit code
    (`unit` may follow a relation: "product.unit")."""

    @admin.display(description=description, ordering=quantity)
    def show(self, obj):
        code = obj
        for part in unit.split("."):
            code = getattr(code, part)
        return quantity_with_unit(getattr(obj, quantity), code)

    return show


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryAdminForm
    list_display = ["indented_name", "slug", "ordering", "active", "erp_code"]
    list_filter = ["active", "depth"]
    list_editable = ["ordering", "active"]
    search_fields = ["name", "slug", "erp_code"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    ordering = ["path"]
    list_per_page = 200

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj):
        return format_html('<span class="tree-depth-{}">{}{}</span>', min(obj.depth, 8),
                           "└ " if obj.depth else "", obj.name)

    def save_model(self, request, obj, form, change):
        services.save_category(category=obj)


def _accepted_upload(value, *, allowed, message):
    """A new upload must be one of `allowed` by its content; it is then stored under that type's extension
    (portal.uploads), never the one it came with. An unchanged file is left alone."""
    if isinstance(value, UploadedFile) and uploads.accept(value, allowed=allowed) is None:
        raise ValidationError(message)
    return value


class ProductImageForm(forms.ModelForm):
    class Meta:
        model = ProductImage
        fields = ["image", "alt", "ordering"]

    def clean_image(self):
        return _accepted_upload(self.cleaned_data.get("image"), allowed={"image/jpeg", "image/png", "image/webp"},
                                message=_("A product picture must be a JPEG, PNG or WebP image."))


class ProductDocumentForm(forms.ModelForm):
    class Meta:
        model = ProductDocument
        fields = ["title", "file", "ordering"]

    def clean_file(self):
        return _accepted_upload(self.cleaned_data.get("file"), allowed={"application/pdf", "image/jpeg", "image/png"},
                                message=_("A product document must be a PDF, JPEG or PNG file."))


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    form = ProductImageForm
    fields = ["preview", "image", "alt", "ordering"]
    readonly_fields = ["preview"]
    extra = 1

    @admin.display(description=_("preview"))
    def preview(self, obj):
        picture = obj.thumbnail or obj.image if obj and obj.pk else None
        if not picture:
            return "—"
        return format_html('<img src="{}" alt="" class="admin-thumb">', picture.url)


class ProductDocumentInline(admin.TabularInline):
    model = ProductDocument
    form = ProductDocumentForm
    fields = ["title", "file", "ordering"]
    extra = 0


class ProductAttributeInline(admin.TabularInline):
    model = ProductAttribute
    fields = ["attribute", "value_text", "value_number", "value_bool"]
    autocomplete_fields = ["attribute"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("attribute")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    form = ProductAdminForm
    change_list_template = "admin/catalog/product/change_list.html"
    list_display = ["sku", "name", "category", "stock_quantity", "active"]
    list_filter = ["active", "unit", "allow_backorder", "fragile", "hazardous",
                   ("category", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["sku", "name", "barcode", "erp_code"]
    list_select_related = ["category"]
    autocomplete_fields = ["category", "variant_of", "related"]
    inlines = [ProductImageInline, ProductDocumentInline, ProductAttributeInline]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["sku", "name", "category", "active", "short_description", "description", "highlights"]}),
        (_("Codes"), {"fields": ["barcode", "manufacturer_code", "erp_code"]}),
        (_("Sale"), {"fields": ["unit", "pack_size", "min_order_quantity", "order_multiple", "vat_rate"]}),
        (_("Stock"), {"fields": ["stock_quantity", "lead_time_days", "allow_backorder"]}),
        (_("Shipping"), {"fields": ["weight_kg", "fragile", "hazardous"]}),
        (_("Variants and related products"), {"fields": ["variant_of", "variant_label", "related"]}),
        (_("History"), {"fields": ["created_at", "updated_at"]}),
    ]
    actions = ["refresh_search_action"]

    def save_model(self, request, obj, form, change):
        # The form already ran the service's checks (ProductAdminForm), so a refusal here is unexpected.
        services.save_product(product=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        instances = formset.save()
        if formset.model is ProductImage:
            changed = {obj.pk for obj in instances}
            for inline_form in formset.forms:
                obj = inline_form.instance
                if obj.pk and ("image" in inline_form.changed_data or not obj.thumbnail) and obj.image:
                    changed.add(obj.pk)
            for image in ProductImage.objects.filter(pk__in=changed):
                try:
                    services.make_thumbnail(image=image)
                except DomainError as exc:
                    messages.warning(request, exc.message)

    @admin.action(description=_("Refresh the search text of the selected products"))
    def refresh_search_action(self, request, queryset):
        count = services.refresh_search(products=queryset)
        self.message_user(request, _("Search text refreshed for %(count)d products.") % {"count": count},
                          messages.SUCCESS)


@admin.register(Attribute)
class AttributeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "unit", "filterable", "ordering"]
    list_filter = ["kind", "filterable"]
    list_editable = ["filterable", "ordering"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
