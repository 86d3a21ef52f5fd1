"""REST API of dealers: integrations read, create, approve and reject dealers; a dealer's users their own account.

Every view: input serializer → service → output serializer. A DomainError raised by a service becomes
400/409 JSON in portal.errors.api_exception_handler; querysets are scoped so a foreign row answers 404.
"""
from .account import AddressViewSet, CompanyView, DealerUserViewSet
from .common import ActsForApprovedDealer, DealerAccountMixin, NoDealer, NotApproved, api_actor
from .integration import DealerViewSet

__all__ = ["ActsForApprovedDealer", "AddressViewSet", "CompanyView", "DealerAccountMixin", "DealerUserViewSet",
           "DealerViewSet", "NoDealer", "NotApproved", "api_actor"]
