"""The catalog's own reactions to its own rows: any saved or deleted catalog row bumps the catalog version (cached
pages and facets hang on it), whatever path wrote it (services, admin, shell). Connected in CatalogConfig.ready().
Bulk writes (QuerySet.update, bulk_create, the import's COPY) send no signal: their callers bump the version
themselves (catalog.search.bump_catalog_version), as a later stage's writes do (pricing/signals.py)."""
from django.db.models.signals import post_delete, post_save

from .models import Attribute, Category, Product, ProductAttribute, ProductImage
from .search import bump_catalog_version


def bump(sender, **kwargs):
    bump_catalog_version()


def connect_version_signals() -> None:
    for model in (Attribute, Category, Product, ProductAttribute, ProductImage):
        post_save.connect(bump, sender=model, weak=False, dispatch_uid=f"catalog-version-save-{model.__name__}")
        post_delete.connect(bump, sender=model, weak=False, dispatch_uid=f"catalog-version-delete-{model.__name__}")
