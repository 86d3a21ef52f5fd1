"""Dealer companies, applications, documents, terms, users and roles, addresses, sales agents."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealersConfig(AppConfig):
    name = "dealers"
    verbose_name = _("Dealers")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import TermsVersion
        from .services import forget_current_terms
        from .services.accounts import terms_read_ahead

        post_save.connect(forget_current_terms, sender=TermsVersion, dispatch_uid="dealers-forget-terms-save")
        post_delete.connect(forget_current_terms, sender=TermsVersion, dispatch_uid="dealers-forget-terms-delete")

        # A dealer user's page reads the current terms with the rest of what a page reads (portal.cache).
        from portal.cache import request_reads

        request_reads.register(terms_read_ahead)

        # Application documents are downloaded only by whom their dealer's permission function lets through.
        from portal.documents import register_access

        from .permissions import DEALER_DOCUMENT, can_read_dealer_document

        register_access(DEALER_DOCUMENT, can_read_dealer_document)
