"""Test factories of catalog, shared by every app's tests: categories (any depth), products with a search text,
images, documents, attributes."""
import io

import factory
from django.core.files.base import ContentFile

from catalog.models import Attribute, Category, Product, ProductAttribute, ProductDocument, ProductImage


def png_bytes(size=(800, 600), colour=(200, 30, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def ean13(base12: str) -> str:
    digits = [int(c) for c in base12]
    return base12 + str((10 - (sum(digits[0::2]) + 3 * sum(digits[1::2])) % 10) % 10)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    parent = None


class ProductFactory(factory.django.DjangoModelFactory):
    """A product; its search text is filled after creation (as save_product would)."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    category = factory.SubFactory(CategoryFactory)
    stock_quantity = 100

    @factory.post_generation
    def search(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object built
        if create:
            from catalog.services import refresh_search

            refresh_search(products=[obj])


class ProductImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    image = factory.LazyFunction(lambda: ContentFile(png_bytes(), name="photo.png"))


class ProductDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductDocument

    product = factory.SubFactory(ProductFactory)
    title = "Data sheet"
    file = factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4\n%%EOF\n", name="sheet.pdf"))


class AttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attribute
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"attr-{n}")
    name = factory.Sequence(lambda n: f"Attribute {n}")


class ProductAttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductAttribute

    product = factory.SubFactory(ProductFactory)
    attribute = factory.SubFactory(AttributeFactory)
