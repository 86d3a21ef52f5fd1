"""The portal's URLs plus the baseline views every page benchmark is compared with."""
from django.http import HttpResponse
from django.urls import include, path

from dealers.models import Dealer


def bare(request):
    """No database, no template: the ceiling of this stack on this machine."""
    return HttpResponse(b"ok", content_type="text/plain")


def one_query(request, pk):
    """One primary-key query: the floor of any page that reads the database."""
    name = Dealer.objects.filter(pk=pk).values_list("legal_name", flat=True).first()
    return HttpResponse(name or "", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/pk/<int:pk>/", one_query),
    path("", include("portal.urls")),
]
